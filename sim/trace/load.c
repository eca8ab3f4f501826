/* Turns SWF records into jobs: the archive's missing-value rules, the
 * checks against the cluster, and the bookkeeping of every line that does
 * not become a simulated job (see trace.h for the rules). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/trace.h"

/* Open-addressing set of job ids, to refuse duplicates: the outputs and
 * the checker identify jobs by id. */
typedef struct id_set {
    long *slots;
    uint64_t cap, used;
} id_set;

#define ID_EMPTY (-2L)

static uint64_t id_hash(long id) { return (uint64_t)id * 0x9E3779B97F4A7C15ull; }

static int id_set_grow(id_set *s)
{
    uint64_t cap = s->cap ? s->cap * 2 : 1024;
    long *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return -1;
    for (uint64_t i = 0; i < cap; i++)
        slots[i] = ID_EMPTY;
    for (uint64_t i = 0; i < s->cap; i++) {
        if (s->slots[i] == ID_EMPTY)
            continue;
        uint64_t h = id_hash(s->slots[i]) & (cap - 1);
        while (slots[h] != ID_EMPTY)
            h = (h + 1) & (cap - 1);
        slots[h] = s->slots[i];
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

/* 1 if added, 0 if already there, -1 on ENOMEM. */
static int id_set_add(id_set *s, long id)
{
    if ((s->used + 1) * 2 > s->cap && id_set_grow(s) < 0)
        return -1;
    uint64_t h = id_hash(id) & (s->cap - 1);
    while (s->slots[h] != ID_EMPTY) {
        if (s->slots[h] == id)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->slots[h] = id;
    s->used++;
    return 1;
}

static int push_dropped(hs_dropped **list, uint32_t *n, long line, long job_id, const char *fmt, ...)
{
    hs_dropped *l = realloc(*list, (*n + 1) * sizeof *l);
    if (!l)
        return -1;
    *list = l;
    char buf[HS_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    l[*n].line = line;
    l[*n].job_id = job_id;
    if (!(l[*n].reason = strdup(buf)))
        return -1;
    (*n)++;
    return 0;
}

static void warn_line(const hs_trace_options *opt, uint32_t count, const char *path, long line,
                      const char *text)
{
    if (!opt || !opt->warn)
        return;
    if (opt->warn_limit == 0 || count <= opt->warn_limit)
        fprintf(opt->warn, "%s:%ld: %s (skipped)\n", path, line, text);
    else if (count == opt->warn_limit + 1)
        fprintf(opt->warn, "%s: further skipped lines are not shown; rejected.csv lists them all\n", path);
}

int hs_trace_read_header(const char *path, hs_swf_header *h, hs_error *err)
{
    hs_swf_reader *r = hs_swf_open(path, err);
    if (!r)
        return -1;
    hs_swf_record rec;
    hs_error ignored;
    /* One call reads the leading comment block up to the first data line;
     * a bad data line does not matter here, a damaged file does. */
    if (hs_swf_next(r, &rec, &ignored) == HS_SWF_IO_ERROR) {
        *err = ignored;
        hs_swf_close(r);
        return -1;
    }
    const hs_swf_header *src = hs_swf_header_of(r);
    *h = *src;
    h->comments = NULL;
    h->ncomments = 0;
    hs_swf_close(r);
    return 0;
}

/* Applies the missing-value rules to one record. Returns NULL when the
 * job is usable, else the reason it is not. */
static const char *apply_rules(hs_job *j, int *req_time_filled)
{
    const double *f = j->swf.f;
    *req_time_filled = 0;
    if (f[HS_SWF_SUBMIT] < 0)
        return "field 2 (submit_time): unknown (-1), the job cannot be placed in time";
    if (f[HS_SWF_RUN] < 0)
        return "field 4 (run_time): unknown (-1), the job's length is unknown";
    double procs = f[HS_SWF_REQ_PROCS] > 0 ? f[HS_SWF_REQ_PROCS] : f[HS_SWF_ALLOC_PROCS];
    if (procs <= 0)
        return "fields 8 and 5 (requested_processors, allocated_processors): both unknown or 0";
    if (procs > 4e9)
        return "field 8 (requested_processors): larger than any cluster this simulator models";
    j->submit = f[HS_SWF_SUBMIT];
    j->runtime = f[HS_SWF_RUN];
    j->procs = (uint64_t)(procs + 0.5);
    if (f[HS_SWF_REQ_TIME] >= 0) {
        j->req_time = f[HS_SWF_REQ_TIME];
    } else {
        j->req_time = j->runtime;
        *req_time_filled = 1;
    }
    return NULL;
}

/* A job as tasks (docs/replay.md "Tasks"): one per node it asks for
 * when the cluster allocates nodes (each asking for the whole node's
 * cores), else one per node's worth of cores (ceil(procs / cores per
 * node), the nodes of the partition's most numerous group where they
 * differ) sharing its processors; SWF field 10 (kB per processor) gives
 * the memory. */
static void set_tasks(hs_job *j, const hs_cluster *c)
{
    const hs_partition *part = &c->parts[j->partition];
    uint32_t cpn = part->cores_per_node, most = 0;
    if (!cpn) /* nodes that differ: those of its most numerous group */
        for (uint32_t g = 0; g < c->ngroups; g++)
            if (c->groups[g].partition == j->partition && c->groups[g].count > most) {
                most = c->groups[g].count;
                cpn = c->groups[g].cores;
            }
    if (c->mode == HS_ALLOC_NODES) {
        j->tasks = j->demand;
        j->cpu_milli = (uint64_t)j->demand * cpn * 1000;
    } else {
        j->tasks = (uint32_t)((j->procs + cpn - 1) / cpn);
        j->cpu_milli = j->procs * 1000;
    }
    double kb = j->swf.f[HS_SWF_REQ_MEM];
    j->mem_mb = kb > 0 ? (uint64_t)ceil(kb * (double)j->procs / 1024) : 0;
    j->gpu_milli = 0;
}

/* How many of its tasks one empty node of group g holds, counting each
 * as the largest (shares round up first): tasks are otherwise alike. */
static uint64_t tasks_per_node(const hs_job *j, const hs_node_group *g)
{
    uint64_t cpu = hs_job_task_share(j->cpu_milli, j->tasks, 0), mem = hs_job_task_share(j->mem_mb, j->tasks, 0),
             gpu = hs_job_task_share(j->gpu_milli, j->tasks, 0);
    uint64_t n = cpu ? (uint64_t)g->cores * 1000 / cpu : UINT64_MAX;
    if (mem && g->memory_mb && g->memory_mb / mem < n)
        n = g->memory_mb / mem;
    if (gpu && (uint64_t)g->gpus * 1000 / gpu < n)
        n = (uint64_t)g->gpus * 1000 / gpu;
    return n;
}

/* All its tasks fit the empty nodes of its partition at once: else a
 * gang of them could never start. Returns how many fit (capped). */
static uint64_t tasks_fitting(const hs_job *j, const hs_cluster *c)
{
    uint64_t total = 0;
    for (uint32_t g = 0; g < c->ngroups && total < j->tasks; g++) {
        const hs_node_group *ng = &c->groups[g];
        if (ng->partition != j->partition)
            continue;
        uint64_t per = tasks_per_node(j, ng);
        total += per >= j->tasks ? j->tasks : per * ng->count;
    }
    return total < j->tasks ? total : j->tasks;
}

void hs_trace_free(hs_trace *t)
{
    free(t->path);
    hs_swf_header_free(&t->header);
    free(t->jobs);
    for (uint32_t i = 0; i < t->nskipped; i++)
        free(t->skipped[i].reason);
    free(t->skipped);
    for (uint32_t i = 0; i < t->nrejected; i++)
        free(t->rejected[i].reason);
    free(t->rejected);
    memset(t, 0, sizeof *t);
}

int hs_trace_load(hs_trace *t, const char *path, const hs_cluster *cluster,
                  const hs_trace_options *opt, hs_error *err)
{
    memset(t, 0, sizeof *t);
    id_set ids = {0};
    uint32_t cap = 0;
    int rc = -1;
    hs_swf_reader *r = hs_swf_open(path, err);
    if (!r)
        return -1;
    if (!(t->path = strdup(path)))
        goto nomem;
    for (;;) {
        if (t->njobs == cap) {
            cap = cap ? cap * 2 : 64; /* small traces (and fuzz inputs) stay small */
            hs_job *jobs = realloc(t->jobs, cap * sizeof *jobs);
            if (!jobs)
                goto nomem;
            t->jobs = jobs;
        }
        hs_job *j = &t->jobs[t->njobs];
        memset(j, 0, sizeof *j);
        hs_error lerr;
        enum hs_swf_status st = hs_swf_next(r, &j->swf, &lerr);
        if (st == HS_SWF_EOF)
            break;
        if (st == HS_SWF_IO_ERROR) {
            *err = lerr;
            goto out;
        }
        if (st == HS_SWF_BAD_LINE) {
            if (opt && opt->strict) {
                *err = lerr;
                goto out;
            }
            t->nmalformed++;
            if (push_dropped(&t->skipped, &t->nskipped, lerr.line, -1, "%s", lerr.text) < 0)
                goto nomem;
            warn_line(opt, t->nskipped, path, lerr.line, lerr.text);
            continue;
        }
        long id = (long)j->swf.f[HS_SWF_JOB_ID];
        int added = id_set_add(&ids, id);
        if (added < 0)
            goto nomem;
        if (!added) {
            char text[96];
            snprintf(text, sizeof text, "field 1 (job_id): duplicate job id %ld", id);
            if (opt && opt->strict) {
                hs_error_set(err, path, j->swf.line, 0, "%s", text);
                goto out;
            }
            t->nmalformed++;
            if (push_dropped(&t->skipped, &t->nskipped, j->swf.line, id, "%s", text) < 0)
                goto nomem;
            warn_line(opt, t->nskipped, path, j->swf.line, text);
            continue;
        }
        int filled;
        const char *why = apply_rules(j, &filled);
        if (why) {
            if (push_dropped(&t->skipped, &t->nskipped, j->swf.line, id, "%s", why) < 0)
                goto nomem;
            warn_line(opt, t->nskipped, path, j->swf.line, why);
            continue;
        }
        if (cluster) {
            uint32_t p = hs_cluster_route(cluster, (long)j->swf.f[HS_SWF_PARTITION]);
            uint64_t demand = hs_cluster_demand(cluster, p, j->procs);
            const hs_partition *part = &cluster->parts[p];
            if (demand > part->total_units) {
                if (push_dropped(&t->rejected, &t->nrejected, j->swf.line, id,
                                 "needs %llu %s, partition '%s' has %llu",
                                 (unsigned long long)demand, cluster->mode == HS_ALLOC_NODES ? "nodes" : "cores",
                                 part->name, (unsigned long long)part->total_units) < 0)
                    goto nomem;
                continue;
            }
            j->partition = p;
            j->demand = (uint32_t)demand;
            if (j->swf.pod) { /* one task asking exactly what the pod asked */
                j->tasks = 1;
                j->cpu_milli = j->swf.pod_cpu_milli;
                j->mem_mb = j->swf.pod_mem_mb;
                j->gpu_milli = j->swf.pod_gpu_milli;
            } else {
                set_tasks(j, cluster);
            }
            uint64_t fitting = opt && opt->tasks_must_fit ? tasks_fitting(j, cluster) : j->tasks;
            if (fitting < j->tasks) {
                if (push_dropped(&t->rejected, &t->nrejected, j->swf.line, id,
                                 "its %u tasks of %llu milli-CPU, %llu MB, %llu milli-GPU each cannot all be placed "
                                 "at once on partition '%s', even empty (%llu fit)", j->tasks,
                                 (unsigned long long)hs_job_task_share(j->cpu_milli, j->tasks, 0),
                                 (unsigned long long)hs_job_task_share(j->mem_mb, j->tasks, 0),
                                 (unsigned long long)hs_job_task_share(j->gpu_milli, j->tasks, 0), part->name,
                                 (unsigned long long)fitting) < 0)
                    goto nomem;
                continue;
            }
            char why_not[160];
            if (opt && opt->accept && !opt->accept(opt->accept_ctx, j, why_not, sizeof why_not)) {
                if (push_dropped(&t->rejected, &t->nrejected, j->swf.line, id, "%s", why_not) < 0)
                    goto nomem;
                continue;
            }
        }
        t->req_time_from_runtime += (uint32_t)filled;
        j->state = HS_JOB_SUBMITTED;
        t->njobs++;
    }
    t->pods = t->njobs && t->jobs[0].swf.pod;
    t->header = *hs_swf_header_of(r);
    /* The reader's comment list moves to the trace. */
    ((hs_swf_header *)hs_swf_header_of(r))->comments = NULL;
    ((hs_swf_header *)hs_swf_header_of(r))->ncomments = 0;
    rc = 0;
    goto out;
nomem:
    hs_error_set(err, path, 0, 0, "out of memory");
out:
    hs_swf_close(r);
    free(ids.slots);
    if (rc < 0)
        hs_trace_free(t);
    return rc;
}
