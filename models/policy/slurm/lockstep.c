/* A real record read for the lock-step check, its host lists resolved
 * to slurm.conf's node indexes (lockstep.h). */
#define _POSIX_C_SOURCE 200809L
#include "lockstep.h"

#include <stdlib.h>
#include <string.h>

#include "hpcsim/hostlist.h"

typedef struct named {
    const char *name;
    uint32_t node;
} named;

static int cmp_named(const void *a, const void *b) { return strcmp(((const named *)a)->name, ((const named *)b)->name); }

int sl_lockstep_record_load(sl_lockstep_record *l, const char *path, double at, const hs_slurm_conf *conf,
                            hs_error *err)
{
    memset(l, 0, sizeof *l);
    l->at = at;
    l->main_pass = l->backfill = true;
    if (hs_record_read(&l->rec, path, err) < 0)
        return -1;
    named *ix = malloc((conf->nnodes ? conf->nnodes : 1) * sizeof *ix);
    uint32_t cap = 0, n = 0;
    if (!ix || !(l->node_first = malloc((l->rec.njobs + 1) * sizeof *l->node_first)))
        goto nomem;
    for (uint32_t i = 0; i < conf->nnodes; i++)
        ix[i] = (named){conf->nodes[i].name, i};
    qsort(ix, conf->nnodes, sizeof *ix, cmp_named);
    for (uint32_t r = 0; r < l->rec.njobs; r++) {
        const hs_record_job *job = &l->rec.jobs[r];
        hs_hostlist hl = {0};
        char why[200];
        l->node_first[r] = n;
        if (hs_hostlist_expand(&hl, job->nodes, why, sizeof why) < 0) { /* checked by the reader: memory */
            hs_error_set(err, path, job->line, 0, "field 'nodes': %s", why);
            goto fail;
        }
        uint32_t first = n;
        for (uint32_t k = 0; k < hl.n; k++) {
            named key = {hl.names[k], 0}, *at_name = bsearch(&key, ix, conf->nnodes, sizeof *ix, cmp_named);
            if (!at_name) {
                hs_error_set(err, path, job->line, 0, "field 'nodes': job %ld ran on %s, which slurm.conf does not define",
                             job->job, hl.names[k]);
                hs_hostlist_free(&hl);
                goto fail;
            }
            if (n == cap) {
                uint32_t more = cap ? 2 * cap : 256;
                uint32_t *grown = realloc(l->nodes, more * sizeof *grown);
                if (grown)
                    l->nodes = grown;
                uint32_t *cpus = grown ? realloc(l->cpus, more * sizeof *cpus) : NULL;
                if (!cpus) {
                    hs_hostlist_free(&hl);
                    goto nomem;
                }
                l->cpus = cpus;
                cap = more;
            }
            l->cpus[n] = 0;
            l->nodes[n++] = at_name->node;
        }
        hs_hostlist_free(&hl);
        /* The reader checked that the list covers as many nodes. */
        if (job->cpus && hs_record_cpus_expand(job->cpus, l->cpus + first, n - first) != (long)(n - first)) {
            hs_error_set(err, path, job->line, 0, "field 'cpus': '%s' does not match the host list", job->cpus);
            goto fail;
        }
    }
    l->node_first[l->rec.njobs] = n;
    free(ix);
    return 0;
nomem:
    hs_error_set(err, path, 0, 0, "out of memory");
fail:
    free(ix);
    sl_lockstep_record_free(l);
    return -1;
}

void sl_lockstep_record_free(sl_lockstep_record *l)
{
    hs_record_free(&l->rec);
    free(l->node_first);
    free(l->nodes);
    free(l->cpus);
    memset(l, 0, sizeof *l);
}
