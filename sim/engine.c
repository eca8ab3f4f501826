/* The event loop and job lifecycle (engine.h):
 *   submitted → queued (arrival) → running (policy's start) → completed,
 *   or killed at start + requested time when the kill rule is on.
 * Arrivals are not pushed into the heap: jobs are walked in order of
 * (submit time, input order), which is the heap order arrivals would have
 * had, without a million entries in the heap. At each instant the loop
 * handles job ends, then arrivals, then wake-ups, then runs one pass.
 *
 * Jobs retire in input order: once a job and every job before it have
 * ended, the retire callback sees it and a streamed trace may free it, so
 * that memory follows the jobs that are live (docs/replay.md "Memory"). */
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
    uint32_t *arrivals; /* job indices by (submit, index); NULL: input order */
    uint32_t next_arrival;
    uint32_t next_arrival_max; /* 1 + the largest index that has arrived */
    uint32_t retired;   /* jobs 0 .. retired-1 have ended and retired */
    uint64_t ended;
    bool stopped;       /* hs_engine_stop: the run ends after this instant */
    hs_fluid *fluid;     /* with a performance model only */
    /* Runs that start jobs as tasks (hs_engine_start_job_tasks). */
    enum { STARTS_NONE, STARTS_UNITS, STARTS_TASKS } starts;
    hs_node_capacity *used; /* per node */
};

void hs_engine_options_default(hs_engine_options *o)
{
    memset(o, 0, sizeof *o);
    o->kill_at_req_time = true;
}

static hs_job *job_at(const hs_engine *e, uint32_t i) { return hs_trace_job(e->trace, i); }

static const hs_trace *sort_trace; /* qsort has no context argument in C11 */

static int cmp_arrival(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    double sx = hs_trace_job(sort_trace, x)->submit, sy = hs_trace_job(sort_trace, y)->submit;
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
    /* Archive traces are in submit order already; sort only when not (a
     * streamed trace is sorted: the reader checked). */
    bool sorted = true;
    for (uint32_t i = 0; i < n && !trace->stream; i++) {
        trace->jobs[i].state = HS_JOB_SUBMITTED;
        sorted = sorted && (i == 0 || trace->jobs[i - 1].submit <= trace->jobs[i].submit);
    }
    if (!sorted) {
        if (!(e->arrivals = malloc(n * sizeof *e->arrivals))) {
            hs_error_set(err, NULL, 0, 0, "out of memory");
            hs_engine_free(e);
            return NULL;
        }
        for (uint32_t i = 0; i < n; i++)
            e->arrivals[i] = i;
        sort_trace = trace;
        qsort(e->arrivals, n, sizeof *e->arrivals, cmp_arrival);
        sort_trace = NULL;
    }
    if (n && hs_trace_need(trace, 0, err) < 0) {
        hs_engine_free(e);
        return NULL;
    }
    e->now = n ? job_at(e, e->arrivals ? e->arrivals[0] : 0)->submit : 0;
    if (e->opt.perf_ops && !(e->fluid = hs_fluid_new(e->opt.perf_ops, e->opt.perf, cluster, trace))) {
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
    /* What jobs still held when a run stopped early (ended jobs let go). */
    for (uint32_t i = e->retired; i < e->trace->njobs; i++) {
        if (e->trace->stream && i % HS_JOB_CHUNK == 0 && !e->trace->chunk[i / HS_JOB_CHUNK])
            break; /* never read */
        hs_job *job = job_at(e, i);
        hs_intervals_free(&job->alloc);
        free(job->task_nodes);
        job->task_nodes = NULL;
    }
    free(e->used);
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
    (void)e;
    return job->index;
}

hs_job *hs_engine_job(const hs_engine *e, uint32_t idx) { return job_at(e, idx); }
uint32_t hs_engine_oldest_live(const hs_engine *e) { return e->retired; }

/* Plans the end of a job whose allocation is set. */
static int plan_end(hs_engine *e, hs_job *job, uint32_t idx)
{
    if (e->fluid) { /* the model decides when it ends */
        double limit = e->opt.kill_at_req_time ? e->now + job->req_time : INFINITY;
        return hs_fluid_start(e->fluid, &e->heap, e->now, idx, &job->alloc, limit, e->retired);
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
    hs_intervals *mine = &job->alloc;
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
    (void)e;
    return job->task_nodes;
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
        if (!e->used)
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
    hs_intervals *mine = &job->alloc;
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
    job->task_nodes = nodes;
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
    hs_job *job = job_at(e, idx);
    bool killed = e->fluid ? hs_fluid_killed(e->fluid, idx)
                           : e->opt.kill_at_req_time && job->runtime > job->req_time;
    job->state = killed ? HS_JOB_KILLED : HS_JOB_COMPLETED;
    uint32_t *nodes = job->task_nodes;
    if (nodes) {
        for (uint32_t i = 0; i < job->tasks; i++) {
            hs_node_capacity t;
            task_amounts(job, i, &t);
            e->used[nodes[i]].cpu_milli -= t.cpu_milli;
            e->used[nodes[i]].mem_mb -= t.mem_mb;
            e->used[nodes[i]].gpu_milli -= t.gpu_milli;
        }
    } else {
        hs_cluster_release(e->cluster, job->partition, &job->alloc);
    }
    if (e->fluid && hs_fluid_end(e->fluid, &e->heap, e->now, idx, &job->alloc) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (e->opt.on_job_end && e->opt.on_job_end(e->opt.on_job_end_ctx, e, job, &job->alloc, err) < 0)
        return -1;
    hs_intervals_free(&job->alloc); /* running jobs only: memory stays bounded by the cluster */
    if (nodes) {
        free(nodes);
        job->task_nodes = NULL;
    }
    e->ended++;
    e->ops->job_ended(e->pstate, job);
    return 0;
}

static bool has_ended(const hs_job *job) { return job->state == HS_JOB_COMPLETED || job->state == HS_JOB_KILLED; }

/* Job k of the arrival order, read from the trace if need be. */
static int arrival(hs_engine *e, uint32_t k, hs_job **job, hs_error *err)
{
    uint32_t i = e->arrivals ? e->arrivals[k] : k;
    if (hs_trace_need(e->trace, i, err) < 0)
        return -1;
    *job = job_at(e, i);
    return 0;
}

/* Earliest pending instant: 1, or 0 when nothing is left. */
static int next_instant(hs_engine *e, double *t, hs_error *err)
{
    hs_event ev;
    bool have = hs_heap_peek(&e->heap, &ev);
    if (e->next_arrival < e->trace->njobs) {
        hs_job *job;
        if (arrival(e, e->next_arrival, &job, err) < 0)
            return -1;
        if (!have || job->submit < ev.time)
            ev.time = job->submit;
        have = true;
    }
    *t = ev.time;
    return have;
}

/* Retires, in input order, the jobs that have ended with all before them. */
static int retire(hs_engine *e, hs_error *err)
{
    uint32_t from = e->retired;
    while (e->retired < e->next_arrival_max && has_ended(job_at(e, e->retired))) {
        if (e->opt.on_job_retire && e->opt.on_job_retire(e->opt.on_job_retire_ctx, job_at(e, e->retired), err) < 0)
            return -1;
        e->retired++;
    }
    if (e->retired != from)
        hs_trace_release(e->trace, e->retired);
    return 0;
}

void hs_engine_stop(hs_engine *e) { e->stopped = true; }

bool hs_engine_stopped(const hs_engine *e) { return e->stopped; }

int hs_engine_run(hs_engine *e, hs_error *err)
{
    double t;
    int more;
    uint64_t until_progress = 0;
    while ((more = next_instant(e, &t, err)) > 0) {
        hs_event ev;
        e->now = t;
        while (hs_heap_peek(&e->heap, &ev) && ev.time == t && ev.kind == HS_EV_JOB_END) {
            hs_heap_pop(&e->heap, &ev);
            const hs_job *job = job_at(e, ev.job);
            if (e->fluid && (job->state != HS_JOB_RUNNING || job->end != ev.time))
                continue; /* re-planned since: a stale end */
            if (end_job(e, ev.job, err) < 0)
                return -1;
        }
        hs_job *job;
        while (e->next_arrival < e->trace->njobs) {
            if (arrival(e, e->next_arrival, &job, err) < 0)
                return -1;
            if (job->submit != t)
                break;
            e->next_arrival++;
            if (job->index >= e->next_arrival_max)
                e->next_arrival_max = job->index + 1;
            job->state = HS_JOB_QUEUED;
            e->ops->job_submitted(e->pstate, job);
        }
        while (hs_heap_peek(&e->heap, &ev) && ev.time == t && ev.kind == HS_EV_WAKEUP) {
            hs_heap_pop(&e->heap, &ev);
            e->ops->wakeup(e->pstate);
        }
        if (e->ops->schedule(e->pstate, err) < 0 || retire(e, err) < 0)
            return -1;
        if (e->stopped)
            return 0;
        if (e->opt.progress && ++until_progress >= 4096) {
            until_progress = 0;
            e->opt.progress(e->opt.progress_ctx, e);
        }
    }
    if (more < 0)
        return -1;
    if (e->ended < e->trace->njobs) {
        uint32_t first = e->retired;
        while (has_ended(job_at(e, first)))
            first++;
        return hs_error_set(err, e->trace->path, 0, 0,
                            "policy %s left %llu jobs that fit the cluster unstarted (first: job %ld)", e->ops->name,
                            (unsigned long long)(e->trace->njobs - e->ended), (long)job_at(e, first)->swf.f[HS_SWF_JOB_ID]);
    }
    return 0;
}
