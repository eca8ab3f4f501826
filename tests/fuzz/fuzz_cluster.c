/* Fuzz target for the cluster description parser: any bytes either fail
 * with a message or give a cluster whose invariants hold and whose
 * first-fit allocation works in every partition and mode. */
#include <stdint.h>
#include <stdlib.h>

#include "hpcsim/cluster.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_cluster c;
    hs_error err;
    if (hs_cluster_parse_json(&c, (const char *)data, size, "fuzz.json", &err) < 0) {
        if (err.text[0] == '\0')
            abort();
        return 0;
    }
    if (c.nunits > 1u << 22) { /* large but valid: skip the exhaustive checks */
        hs_cluster_free(&c);
        return 0;
    }
    uint64_t sum = 0;
    for (uint32_t p = 0; p < c.nparts; p++) {
        hs_partition *part = &c.parts[p];
        sum += part->total_units;
        hs_intervals iv = {0};
        if (hs_cluster_first_fit(&c, p, part->total_units, &iv) < 0 || hs_intervals_total(&iv) != part->total_units ||
            hs_cluster_check_free(&c, p, &iv, &err) < 0)
            abort();
        hs_cluster_take(&c, p, &iv);
        if (part->free_units != 0 || hs_cluster_check_free(&c, p, &iv, &err) == 0)
            abort(); /* everything is busy now: the same allocation must be refused */
        hs_cluster_release(&c, p, &iv);
        hs_intervals_free(&iv);
    }
    if (sum != c.nunits)
        abort(); /* partitions cover the cluster exactly once */
    hs_cluster_free(&c);
    return 0;
}
