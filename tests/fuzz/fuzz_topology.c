/* Fuzz target for the topology.conf reader, against a fixed slurm.conf of
 * 16 nodes: any bytes either fail with a message naming the source, or
 * give switches whose node sets lie within the 16 nodes, each parent's
 * set holding its children's and its level above theirs. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "topology.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static hs_slurm_conf conf;
    static int ready;
    hs_error err;
    if (!ready) {
        if (hs_slurm_conf_parse(&conf, "NodeName=n[1-16] CPUs=2\nPartitionName=p Nodes=ALL\n", "fixed.conf", &err) < 0)
            abort();
        ready = 1;
    }
    if (memchr(data, '\0', size))
        return 0; /* the file reader refuses NUL bytes before parsing */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    sl_topology t;
    if (sl_topology_parse(&t, text, "fuzz.conf", &conf, &err) < 0) {
        if (err.text[0] == '\0' || (strcmp(err.source, "fuzz.conf") != 0 && strcmp(err.text, "out of memory") != 0) || t.n != 0)
            abort();
    } else {
        for (uint32_t i = 0; i < t.n; i++) {
            if (t.sw[i].nodes[0] >> 16)
                abort();
            uint32_t p = t.sw[i].parent;
            if (p != UINT32_MAX && (t.sw[p].level <= t.sw[i].level || (t.sw[i].nodes[0] & ~t.sw[p].nodes[0])))
                abort();
        }
        sl_topology_free(&t);
    }
    free(text);
    return 0;
}
