/* A Kubernetes node list as a cluster (cluster.h): the Alibaba openb
 * format, "sn,cpu_milli,memory_mib,gpu,model", one node per row.
 * Consecutive identical nodes form one group named after their GPU model
 * ("cpu" when they have none), so node ids keep the file's order
 * (docs/replay.md "Kubernetes node lists"). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/cluster.h"

#define NODES_CSV_HEADER "sn,cpu_milli,memory_mib,gpu,model"

int hs_cluster_is_nodes_csv(const char *text, size_t len)
{
    size_t n = strlen(NODES_CSV_HEADER);
    return len >= n && memcmp(text, NODES_CSV_HEADER, n) == 0 && (len == n || text[n] == '\n' || text[n] == '\r');
}

/* A whole number in [0, max] ending at `,` or the end. */
static int field_int(const char **p, long long max, long long *out)
{
    char *end;
    errno = 0;
    if (**p < '0' || **p > '9')
        return -1;
    long long v = strtoll(*p, &end, 10);
    if (errno || v > max || (*end != ',' && *end != '\0'))
        return -1;
    *out = v;
    *p = *end ? end + 1 : end;
    return 0;
}

int hs_cluster_parse_nodes_csv(hs_cluster *c, const char *text, size_t len, const char *source, hs_error *err)
{
    memset(c, 0, sizeof *c);
    c->mode = HS_ALLOC_CORES;
    char *copy = malloc(len + 1);
    uint32_t cap = 0;
    if (!copy || !(c->name = strdup("k8s")))
        goto nomem;
    memcpy(copy, text, len);
    copy[len] = 0;
    long lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++; /* strtok_r skips empty lines: a node list has none */
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[--l] = 0;
        if (lineno == 1)
            continue; /* the header, checked by the caller */
        const char *p = strchr(line, ',');
        long long cpu, mem, gpu;
        const char *what = "sn";
        if (!p || p == line)
            goto bad;
        p++;
        what = "cpu_milli";
        if (field_int(&p, 1ll << 30, &cpu) < 0 || cpu == 0 || cpu % 1000)
            goto bad;
        what = "memory_mib";
        if (field_int(&p, 1ll << 40, &mem) < 0)
            goto bad;
        what = "gpu";
        if (field_int(&p, 1 << 16, &gpu) < 0)
            goto bad;
        what = "model";
        if (strchr(p, ','))
            goto bad;
        const char *model = *p ? p : "cpu";
        hs_node_group *last = c->ngroups ? &c->groups[c->ngroups - 1] : NULL;
        if (last && last->cores == cpu / 1000 && last->memory_mb == (uint64_t)mem && last->gpus == gpu &&
            strncmp(last->name, model, strlen(model)) == 0 && last->name[strlen(model)] == '-') {
            last->count++;
            continue;
        }
        if (c->ngroups == cap) {
            cap = cap ? 2 * cap : 64;
            hs_node_group *g = realloc(c->groups, cap * sizeof *g);
            if (!g)
                goto nomem;
            c->groups = g;
        }
        hs_node_group *g = &c->groups[c->ngroups];
        memset(g, 0, sizeof *g);
        char name[96];
        snprintf(name, sizeof name, "%.80s-%u", model, c->ngroups + 1);
        if (!(g->name = strdup(name)))
            goto nomem;
        c->ngroups++;
        g->count = 1;
        g->cores = (uint32_t)(cpu / 1000);
        g->memory_mb = (uint64_t)mem;
        g->gpus = (uint32_t)gpu;
        g->perf_class = HS_NO_PERF_CLASS;
        continue;
    bad:
        free(copy);
        hs_cluster_free(c);
        return hs_error_set(err, source, lineno, 0,
                            "column %s: expected sn,cpu_milli (a multiple of 1000),memory_mib,gpu,model", what);
    }
    free(copy);
    if (!c->ngroups) {
        hs_cluster_free(c);
        return hs_error_set(err, source, 0, 0, "no node in the list");
    }
    return hs_cluster_finish_layout(c, source, err);
nomem:
    free(copy);
    hs_cluster_free(c);
    return hs_error_set(err, source, 0, 0, "out of memory");
}
