/* Fuzz target for the Kubernetes inputs (the Alibaba openb format): the
 * first byte picks the reader. Node lists either fail with a message
 * naming the source, or give a cluster whose groups hold every node once
 * with the resources its rows gave; a pod row either fails with a message
 * naming the source and line, or gives a record whose request and times
 * are whole and in order. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/cluster.h"
#include "hpcsim/swf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void nodes(const char *text, size_t len)
{
    hs_cluster c;
    hs_error err;
    if (!hs_cluster_is_nodes_csv(text, len))
        return;
    if (hs_cluster_parse_nodes_csv(&c, text, len, "fuzz.csv", &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.csv") != 0)
            abort();
        return;
    }
    uint64_t n = 0;
    for (uint32_t g = 0; g < c.ngroups; g++) {
        if (c.groups[g].first_node != n || c.groups[g].count == 0 || c.groups[g].cores == 0)
            abort();
        n += c.groups[g].count;
        hs_node_capacity cap;
        hs_cluster_node_capacity(&c, c.groups[g].first_node + c.groups[g].count - 1, &cap);
        if (cap.cpu_milli != (uint64_t)c.groups[g].cores * 1000 || cap.mem_mb != c.groups[g].memory_mb)
            abort();
    }
    if (n != c.nnodes || c.mode != HS_ALLOC_CORES)
        abort();
    hs_cluster_free(&c);
}

static void pod(const char *text)
{
    hs_swf_record rec;
    memset(&rec, 0, sizeof rec);
    rec.line = 2;
    hs_error err;
    if (hs_k8s_pod_parse_line(text, &rec, "fuzz.csv", &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.csv") != 0 || err.line != 2)
            abort();
        return;
    }
    if (!rec.pod || rec.f[HS_SWF_SUBMIT] < 0 || rec.f[HS_SWF_REQ_PROCS] < 1 ||
        (rec.f[HS_SWF_RUN] != -1 && rec.f[HS_SWF_RUN] < 0) || rec.pod_gpu_milli > 65536u * 1000u)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char *text = malloc(size);
    if (!text)
        return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] & 1)
        nodes(text, strlen(text));
    else
        pod(text);
    free(text);
    return 0;
}
