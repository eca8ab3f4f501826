/* The event loop and job lifecycle (engine.h):
 *   submitted → queued (arrival) → running (policy's start) → completed,
 *   or killed at start + requested time when the kill rule is on.
 * Arrivals are not pushed into the heap: jobs are walked in order of
 * (submit time, input order), which is the heap order arrivals would have
 * had, without a million entries in the heap. At each instant the loop
 * handles job ends, then arrivals, then wake-ups, then runs one pass. */
#include "hpcsim/engine.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "event_heap.h"
#include "fluid.h"

struct hs_engine {
    hs_cluster *cluster;
    hs_trace *trace;
    const struct hs_policy_ops *ops;
    void *pstate;
    hs_engine_options opt;
    double now;
    hs_event_heap heap;
    uint32_t *arrivals; /* job indices by (submit, index) */
    uint32_t next_arrival;
    hs_intervals *alloc; /* per job; held while it runs */
    uint64_t ended;
    hs_fluid *fluid;     /* with a performance model only */
    /* Runs that start jobs as tasks (hs_engine_start_job_tasks). */
    enum { STARTS_NONE, STARTS_UNITS, STARTS_TASKS } starts;
    hs_node_capacity *used; /* per node */
    uint32_t **task_nodes;  /* per job, while it runs */
};

void hs_engine_options_default(hs_engine_options *o)
{
    memset(o, 0, sizeof *o);
    o->kill_at_req_time = true;
}

static const hs_job *sort_jobs; /* qsort has no context argument in C11 */

static int cmp_arrival(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    double sx = sort_jobs[x].submit, sy = sort_jobs[y].submit;
    if (sx != sy)
        return sx < sy ? -1 : 1;
    return x < y ? -1 : x > y;
}

hs_engine *hs_engine_new(hs_cluster *cluster, hs_trace *trace, const struct hs_policy_ops *policy,
                         const hs_engine_options *opt, hs_error *err)
{
    hs_engine *e = calloc(1, sizeof *e);
    if (!e) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    e->cluster = cluster;
    e->trace = trace;
    e->ops = policy;
    if (opt)
        e->opt = *opt;
    else
        hs_engine_options_default(&e->opt);
    uint32_t n = trace->njobs;
    e->arrivals = malloc((n ? n : 1) * sizeof *e->arrivals);
    e->alloc = calloc(n ? n : 1, sizeof *e->alloc);
    if (!e->arrivals || !e->alloc) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        hs_engine_free(e);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        e->arrivals[i] = i;
        trace->jobs[i].state = HS_JOB_SUBMITTED;
    }
    /* Archive traces are in submit order already; sort only when not. */
    bool sorted = true;
    for (uint32_t i = 1; i < n && sorted; i++)
        sorted = trace->jobs[i - 1].submit <= trace->jobs[i].submit;
    if (!sorted) {
        sort_jobs = trace->jobs;
        qsort(e->arrivals, n, sizeof *e->arrivals, cmp_arrival);
        sort_jobs = NULL;
    }
    e->now = n ? trace->jobs[e->arrivals[0]].submit : 0;
    if (e->opt.perf_ops && !(e->fluid = hs_fluid_new(e->opt.perf_ops, e->opt.perf, cluster, trace, e->alloc))) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        hs_engine_free(e);
        return NULL;
    }
    if (policy->create(e, &e->pstate, err) < 0) {
        hs_engine_free(e);
        return NULL;
    }
    return e;
}

void hs_engine_free(hs_engine *e)
{
    if (!e)
        return;
    if (e->pstate)
        e->ops->destroy(e->pstate);
    hs_heap_free(&e->heap);
    hs_fluid_free(e->fluid);
    for (uint32_t i = 0; e->task_nodes && i < e->trace->njobs; i++)
        free(e->task_nodes[i]);
    free(e->task_nodes);
    free(e->used);
    if (e->alloc)
        for (uint32_t i = 0; i < e->trace->njobs; i++)
            hs_intervals_free(&e->alloc[i]);
    free(e->alloc);
    free(e->arrivals);
    free(e);
}

double hs_engine_now(const hs_engine *e) { return e->now; }
hs_cluster *hs_engine_cluster(const hs_engine *e) { return e->cluster; }
const void *hs_engine_policy_config(const hs_engine *e) { return e->opt.policy_config; }
unsigned long long hs_engine_seed(const hs_engine *e) { return e->opt.seed; }

hs_trace *hs_engine_trace(const hs_engine *e) { return e->trace; }
uint64_t hs_engine_jobs_ended(const hs_engine *e) { return e->ended; }

uint32_t hs_engine_job_index(const hs_engine *e, const hs_job *job)
{
    return (uint32_t)(job - e->trace->jobs);
}

/* Plans the end of a job whose allocation is set. */
static int plan_end(hs_engine *e, hs_job *job, uint32_t idx)
{
    if (e->fluid) { /* the model decides when it ends */
        double limit = e->opt.kill_at_req_time ? e->now + job->req_time : INFINITY;
        return hs_fluid_start(e->fluid, &e->heap, e->now, idx, &e->alloc[idx], limit);
    }
    bool killed = e->opt.kill_at_req_time && job->runtime > job->req_time;
    job->end = e->now + (killed ? job->req_time : job->runtime);
    return hs_heap_push(&e->heap, job->end, HS_EV_JOB_END, idx);
}

static int start_job(hs_engine *e, hs_job *job, const hs_intervals *alloc, bool may_hold_more, hs_error *err)
{
    uint32_t idx = hs_engine_job_index(e, job);
    long id = (long)job->swf.f[HS_SWF_JOB_ID];
    if (idx >= e->trace->njobs)
        return hs_error_set(err, e->trace->path, 0, 0, "policy %s: start of a job that is not in the trace",
                            e->ops->name);
    if (job->state != HS_JOB_QUEUED)
        return hs_error_set(err, e->trace->path, job->swf.line, 0, "policy %s: job %ld is not queued",
                            e->ops->name, id);
    if (e->starts == STARTS_TASKS)
        return hs_error_set(err, e->trace->path, job->swf.line, 0,
                            "policy %s: job %ld started on units in a run that places tasks", e->ops->name, id);
    e->starts = STARTS_UNITS;
    uint64_t total = hs_intervals_total(alloc);
    if (may_hold_more ? total < job->demand : total != job->demand)
        return hs_error_set(err, e->trace->path, job->swf.line, 0,
                            "policy %s: job %ld needs %u units, the allocation has %llu", e->ops->name, id,
                            job->demand, (unsigned long long)total);
    hs_error why;
    if (hs_cluster_check_free(e->cluster, job->partition, alloc, &why) < 0)
        return hs_error_set(err, e->trace->path, job->swf.line, 0, "policy %s: job %ld refused: %s",
                            e->ops->name, id, why.text);
    hs_intervals *mine = &e->alloc[idx];
    hs_intervals_reset(mine);
    for (uint32_t i = 0; i < alloc->n; i++)
        if (hs_intervals_append(mine, alloc->r[i].first, alloc->r[i].count) < 0)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (plan_end(e, job, idx) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    hs_cluster_take(e->cluster, job->partition, mine);
    job->state = HS_JOB_RUNNING;
    job->start = e->now;
    job->held = (uint32_t)total;
    return 0;
}

int hs_engine_start_job(hs_engine *e, hs_job *job, const hs_intervals *alloc, hs_error *err)
{
    return start_job(e, job, alloc, false, err);
}

int hs_engine_start_job_holding(hs_engine *e, hs_job *job, const hs_intervals *alloc, hs_error *err)
{
    return start_job(e, job, alloc, true, err);
}

static void task_amounts(const hs_job *job, uint32_t i, hs_node_capacity *out)
{
    out->cpu_milli = hs_job_task_share(job->cpu_milli, job->tasks, i);
    out->mem_mb = hs_job_task_share(job->mem_mb, job->tasks, i);
    out->gpu_milli = hs_job_task_share(job->gpu_milli, job->tasks, i);
}

static const uint32_t *sort_nodes; /* qsort context: the node of each task */

static int cmp_task_node(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    uint32_t nx = sort_nodes[x], ny = sort_nodes[y];
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return x < y ? -1 : x > y;
}

void hs_engine_node_free(const hs_engine *e, uint32_t node, hs_node_capacity *out)
{
    hs_cluster_node_capacity(e->cluster, node, out);
    if (!e->used)
        return;
    out->cpu_milli -= e->used[node].cpu_milli;
    out->mem_mb = out->mem_mb ? out->mem_mb - e->used[node].mem_mb : 0;
    out->gpu_milli -= e->used[node].gpu_milli;
}

const uint32_t *hs_engine_job_task_nodes(const hs_engine *e, const hs_job *job)
{
    return e->task_nodes ? e->task_nodes[hs_engine_job_index(e, job)] : NULL;
}

int hs_engine_start_job_tasks(hs_engine *e, hs_job *job, const uint32_t *node_of_task, hs_error *err)
{
    uint32_t idx = hs_engine_job_index(e, job);
    if (idx >= e->trace->njobs)
        return hs_error_set(err, e->trace->path, 0, 0, "policy %s: start of a job that is not in the trace",
                            e->ops->name);
    long id = (long)job->swf.f[HS_SWF_JOB_ID];
    if (job->state != HS_JOB_QUEUED)
        return hs_error_set(err, e->trace->path, job->swf.line, 0, "policy %s: job %ld is not queued",
                            e->ops->name, id);
    if (e->starts == STARTS_UNITS)
        return hs_error_set(err, e->trace->path, job->swf.line, 0,
                            "policy %s: job %ld started as tasks in a run that places units", e->ops->name, id);
    if (!job->tasks)
        return hs_error_set(err, e->trace->path, job->swf.line, 0, "policy %s: job %ld has no tasks",
                            e->ops->name, id);
    if (!e->used) {
        e->used = calloc(e->cluster->nnodes ? e->cluster->nnodes : 1, sizeof *e->used);
        e->task_nodes = calloc(e->trace->njobs ? e->trace->njobs : 1, sizeof *e->task_nodes);
        if (!e->used || !e->task_nodes)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        if (e->fluid)
            hs_fluid_use_node_ids(e->fluid);
    }
    e->starts = STARTS_TASKS;
    uint32_t *nodes = malloc(job->tasks * sizeof *nodes);
    uint32_t *sorted = malloc(job->tasks * sizeof *sorted);
    if (!nodes || !sorted) {
        free(nodes);
        free(sorted);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    memcpy(nodes, node_of_task, job->tasks * sizeof *nodes);
    /* Task indices ordered by node: each node's tasks are then one run. */
    for (uint32_t i = 0; i < job->tasks; i++)
        sorted[i] = i;
    sort_nodes = nodes;
    qsort(sorted, job->tasks, sizeof *sorted, cmp_task_node);
    sort_nodes = NULL;
    /* Every node must be in the partition and hold what its tasks ask. */
    for (uint32_t i = 0; i < job->tasks;) {
        uint32_t node = nodes[sorted[i]];
        hs_node_capacity want = {0, 0, 0}, t, free_now, cap;
        for (; i < job->tasks && nodes[sorted[i]] == node; i++) {
            task_amounts(job, sorted[i], &t);
            want.cpu_milli += t.cpu_milli;
            want.mem_mb += t.mem_mb;
            want.gpu_milli += t.gpu_milli;
        }
        hs_error why;
        hs_intervals one = {0};
        int ok = node < e->cluster->nnodes;
        if (ok) {
            uint64_t unit = e->cluster->mode == HS_ALLOC_NODES ? node : e->cluster->core_base[node];
            ok = hs_intervals_append(&one, unit, 1) == 0 &&
                 hs_cluster_check_free(e->cluster, job->partition, &one, &why) == 0;
            hs_intervals_free(&one);
        }
        if (ok) {
            hs_engine_node_free(e, node, &free_now);
            hs_cluster_node_capacity(e->cluster, node, &cap);
            ok = want.cpu_milli <= free_now.cpu_milli && want.gpu_milli <= free_now.gpu_milli &&
                 (!cap.mem_mb || want.mem_mb <= free_now.mem_mb);
        }
        if (!ok) {
            free(nodes);
            free(sorted);
            return hs_error_set(err, e->trace->path, job->swf.line, 0,
                                "policy %s: job %ld refused: node %u is outside its partition or lacks what its "
                                "tasks ask", e->ops->name, id, node);
        }
    }
    for (uint32_t i = 0; i < job->tasks; i++)
        sorted[i] = nodes[sorted[i]];
    hs_intervals *mine = &e->alloc[idx];
    hs_intervals_reset(mine);
    for (uint32_t i = 0; i < job->tasks; i++)
        if ((i == 0 || sorted[i] != sorted[i - 1]) && hs_intervals_append(mine, sorted[i], 1) < 0) {
            free(nodes);
            free(sorted);
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        }
    free(sorted);
    for (uint32_t i = 0; i < job->tasks; i++) {
        hs_node_capacity t;
        task_amounts(job, i, &t);
        e->used[nodes[i]].cpu_milli += t.cpu_milli;
        e->used[nodes[i]].mem_mb += t.mem_mb;
        e->used[nodes[i]].gpu_milli += t.gpu_milli;
    }
    e->task_nodes[idx] = nodes;
    if (plan_end(e, job, idx) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    job->state = HS_JOB_RUNNING;
    job->start = e->now;
    job->held = (uint32_t)hs_intervals_total(mine);
    job->by_tasks = true;
    return 0;
}

int hs_engine_wakeup_at(hs_engine *e, double t, hs_error *err)
{
    if (!(t >= e->now))
        return hs_error_set(err, NULL, 0, 0, "policy %s: wake-up at %g, before now (%g)", e->ops->name, t,
                            e->now);
    return hs_heap_push(&e->heap, t, HS_EV_WAKEUP, 0) < 0 ? hs_error_set(err, NULL, 0, 0, "out of memory") : 0;
}

static int end_job(hs_engine *e, uint32_t idx, hs_error *err)
{
    hs_job *job = &e->trace->jobs[idx];
    bool killed = e->fluid ? hs_fluid_killed(e->fluid, idx)
                           : e->opt.kill_at_req_time && job->runtime > job->req_time;
    job->state = killed ? HS_JOB_KILLED : HS_JOB_COMPLETED;
    uint32_t *nodes = e->task_nodes ? e->task_nodes[idx] : NULL;
    if (nodes) {
        for (uint32_t i = 0; i < job->tasks; i++) {
            hs_node_capacity t;
            task_amounts(job, i, &t);
            e->used[nodes[i]].cpu_milli -= t.cpu_milli;
            e->used[nodes[i]].mem_mb -= t.mem_mb;
            e->used[nodes[i]].gpu_milli -= t.gpu_milli;
        }
    } else {
        hs_cluster_release(e->cluster, job->partition, &e->alloc[idx]);
    }
    if (e->fluid && hs_fluid_end(e->fluid, &e->heap, e->now, idx, &e->alloc[idx]) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (e->opt.on_job_end && e->opt.on_job_end(e->opt.on_job_end_ctx, e, job, &e->alloc[idx], err) < 0)
        return -1;
    hs_intervals_free(&e->alloc[idx]); /* running jobs only: memory stays bounded by the cluster */
    if (nodes) {
        free(nodes);
        e->task_nodes[idx] = NULL;
    }
    e->ended++;
    e->ops->job_ended(e->pstate, job);
    return 0;
}

/* Earliest pending instant, or false when nothing is left. */
static bool next_instant(const hs_engine *e, double *t)
{
    hs_event ev;
    bool have = hs_heap_peek(&e->heap, &ev);
    if (e->next_arrival < e->trace->njobs) {
        double a = e->trace->jobs[e->arrivals[e->next_arrival]].submit;
        if (!have || a < ev.time)
            ev.time = a;
        have = true;
    }
    *t = ev.time;
    return have;
}

int hs_engine_run(hs_engine *e, hs_error *err)
{
    double t;
    uint64_t until_progress = 0;
    while (next_instant(e, &t)) {
        hs_event ev;
        e->now = t;
        while (hs_heap_peek(&e->heap, &ev) && ev.time == t && ev.kind == HS_EV_JOB_END) {
            hs_heap_pop(&e->heap, &ev);
            const hs_job *job = &e->trace->jobs[ev.job];
            if (e->fluid && (job->state != HS_JOB_RUNNING || job->end != ev.time))
                continue; /* re-planned since: a stale end */
            if (end_job(e, ev.job, err) < 0)
                return -1;
        }
        while (e->next_arrival < e->trace->njobs && e->trace->jobs[e->arrivals[e->next_arrival]].submit == t) {
            hs_job *job = &e->trace->jobs[e->arrivals[e->next_arrival++]];
            job->state = HS_JOB_QUEUED;
            e->ops->job_submitted(e->pstate, job);
        }
        while (hs_heap_peek(&e->heap, &ev) && ev.time == t && ev.kind == HS_EV_WAKEUP) {
            hs_heap_pop(&e->heap, &ev);
            e->ops->wakeup(e->pstate);
        }
        if (e->ops->schedule(e->pstate, err) < 0)
            return -1;
        if (e->opt.progress && ++until_progress >= 4096) {
            until_progress = 0;
            e->opt.progress(e->opt.progress_ctx, e);
        }
    }
    uint64_t stuck = 0;
    long first = -1;
    for (uint32_t i = 0; i < e->trace->njobs; i++)
        if (e->trace->jobs[i].state != HS_JOB_COMPLETED && e->trace->jobs[i].state != HS_JOB_KILLED) {
            if (first < 0)
                first = (long)e->trace->jobs[i].swf.f[HS_SWF_JOB_ID];
            stuck++;
        }
    if (stuck)
        return hs_error_set(err, e->trace->path, 0, 0,
                            "policy %s left %llu jobs that fit the cluster unstarted (first: job %ld)",
                            e->ops->name, (unsigned long long)stuck, first);
    return 0;
}
