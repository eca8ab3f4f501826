/* Fuzz target for the Flux resource set reader (RFC 20 "R" version 1,
 * sim/cluster_flux_r.c): any JSON either fails with a message naming the
 * source, or gives a cluster of cores whose groups add up to its nodes
 * and cores, in one partition that first fit can fill. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_flux_r.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!root || !hs_cluster_is_flux_r(root)) {
        json_decref(root);
        return 0; /* not R: the cluster target's */
    }
    hs_cluster c;
    memset(&c, 0, sizeof c);
    hs_error err;
    if (hs_cluster_from_flux_r(&c, root, "fuzz.json", &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.json") != 0)
            abort();
        hs_cluster_free(&c);
        json_decref(root);
        return 0;
    }
    json_decref(root);
    uint64_t nodes = 0, cores = 0;
    for (uint32_t g = 0; g < c.ngroups; g++) {
        if (c.groups[g].cores == 0 || c.groups[g].count == 0 || c.groups[g].partition != 0)
            abort();
        nodes += c.groups[g].count;
        cores += (uint64_t)c.groups[g].count * c.groups[g].cores;
    }
    if (c.mode != HS_ALLOC_CORES || nodes != c.nnodes || cores != c.ncores || nodes > 10000000 || c.nparts != 1 ||
        c.parts[0].total_units != c.nunits)
        abort();
    if (c.nunits <= 1u << 20) {
        hs_intervals iv = {0};
        if (hs_cluster_first_fit(&c, 0, c.nunits, &iv) < 0 || hs_intervals_total(&iv) != c.nunits)
            abort();
        hs_intervals_free(&iv);
    }
    hs_cluster_free(&c);
    return 0;
}
