/* Fluid progress (fluid.h). */
#include "fluid.h"

#include <math.h>
#include <stdlib.h>

#include "hpcsim/job_ring.h"

typedef struct fjob {
    hs_job_terms terms; /* fixed at its start: class, noise factor, launch delay */
    double work;   /* native seconds of work left at `last` */
    double rate;   /* work per second since `last` */
    double last;
    double go;     /* its work starts here: start + launch delay */
    double limit;  /* killed here */
    bool killed;
    uint32_t mark; /* last re-planning round that saw it */
} fjob;

struct hs_fluid {
    const hs_perf_ops *ops;
    const void *model;
    hs_cluster *c;
    hs_trace *t;
    hs_job_ring ring; /* the fjob of each live job */
    fjob *jobs;
    uint32_t **on_node; /* running jobs per node */
    uint32_t *n, *cap;
    uint32_t round;
    bool node_ids; /* allocations hold node ids (jobs started by tasks) */
};

void hs_fluid_use_node_ids(hs_fluid *f) { f->node_ids = true; }

hs_fluid *hs_fluid_new(const hs_perf_ops *ops, const void *model, hs_cluster *c, hs_trace *t)
{
    hs_fluid *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ops = ops;
    f->model = model;
    f->c = c;
    f->t = t;
    const size_t size = sizeof(fjob);
    hs_job_ring_init(&f->ring, &size, 1);
    f->on_node = calloc(c->nnodes ? c->nnodes : 1, sizeof *f->on_node);
    f->n = calloc(c->nnodes ? c->nnodes : 1, sizeof *f->n);
    f->cap = calloc(c->nnodes ? c->nnodes : 1, sizeof *f->cap);
    if (!f->on_node || !f->n || !f->cap) {
        hs_fluid_free(f);
        return NULL;
    }
    return f;
}

void hs_fluid_free(hs_fluid *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; f->on_node && i < f->c->nnodes; i++)
        free(f->on_node[i]);
    free(f->on_node);
    free(f->n);
    free(f->cap);
    hs_job_ring_free(&f->ring);
    free(f);
}

static fjob *job_of(const hs_fluid *f, uint32_t idx) { return &f->jobs[hs_job_slot(&f->ring, idx)]; }

bool hs_fluid_killed(const hs_fluid *f, uint32_t idx) { return job_of(f, idx)->killed; }

/* The nodes a range of units lies on. */
static void span(const hs_fluid *f, const hs_range *r, uint32_t *first, uint32_t *last)
{
    const hs_cluster *c = f->c;
    if (c->mode == HS_ALLOC_NODES || f->node_ids) {
        *first = r->first;
        *last = r->first + r->count - 1;
    } else {
        *first = hs_cluster_node_of_unit(c, r->first);
        *last = hs_cluster_node_of_unit(c, (uint64_t)r->first + r->count - 1);
    }
}

/* Other jobs on the busiest of idx's nodes. */
static unsigned sharing(const hs_fluid *f, uint32_t idx)
{
    const hs_intervals *a = &hs_trace_job(f->t, idx)->alloc;
    unsigned k = 0;
    for (uint32_t i = 0; i < a->n; i++) {
        uint32_t first, last;
        span(f, &a->r[i], &first, &last);
        for (uint32_t node = first; node <= last; node++)
            if (f->n[node] > k + 1)
                k = f->n[node] - 1;
    }
    return k;
}

/* Brings idx's work up to now, sets its rate for what shares its nodes
 * now, and pushes its end if that moved. */
static int replan(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx)
{
    fjob *j = job_of(f, idx);
    double from = j->last > j->go ? j->last : j->go;
    if (now > from) {
        j->work -= (now - from) * j->rate;
        if (j->work < 0)
            j->work = 0;
    }
    j->last = now;
    j->rate = 1 / (f->ops->factor(f->model, &j->terms, sharing(f, idx)) * j->terms.noise);
    double end = (now > j->go ? now : j->go) + j->work / j->rate;
    j->killed = end > j->limit;
    if (j->killed)
        end = j->limit;
    hs_job *job = hs_trace_job(f->t, idx);
    if (end == job->end)
        return 0;
    job->end = end;
    return hs_heap_push(heap, end, HS_EV_JOB_END, idx);
}

/* Re-plans every running job on idx's nodes (each once), idx included
 * unless it is ending. */
static int replan_around(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx, bool include_self)
{
    const hs_intervals *a = &hs_trace_job(f->t, idx)->alloc;
    f->round++;
    job_of(f, idx)->mark = include_self ? 0 : f->round;
    for (uint32_t i = 0; i < a->n; i++) {
        uint32_t first, last;
        span(f, &a->r[i], &first, &last);
        for (uint32_t node = first; node <= last; node++)
            for (uint32_t k = 0; k < f->n[node]; k++) {
                uint32_t other = f->on_node[node][k];
                if (job_of(f, other)->mark == f->round)
                    continue;
                job_of(f, other)->mark = f->round;
                if (replan(f, heap, now, other) < 0)
                    return -1;
            }
    }
    return 0;
}

int hs_fluid_start(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx, const hs_intervals *alloc,
                   double limit, uint32_t oldest_live)
{
    if (hs_job_ring_cover(&f->ring, oldest_live, idx) < 0)
        return -1;
    f->jobs = f->ring.array[0];
    fjob *j = job_of(f, idx);
    uint32_t first, last;
    span(f, &alloc->r[0], &first, &last);
    f->ops->terms(f->model, hs_trace_job(f->t, idx), idx, first, &j->terms);
    j->go = now + j->terms.launch;
    j->last = now;
    j->work = hs_trace_job(f->t, idx)->runtime;
    j->rate = 0;
    j->limit = limit;
    hs_trace_job(f->t, idx)->end = -1; /* no end planned yet */
    for (uint32_t i = 0; i < alloc->n; i++) {
        span(f, &alloc->r[i], &first, &last);
        for (uint32_t node = first; node <= last; node++) {
            if (f->n[node] && f->on_node[node][f->n[node] - 1] == idx)
                continue; /* two ranges of one node */
            if (f->n[node] == f->cap[node]) {
                uint32_t cap = f->cap[node] ? 2 * f->cap[node] : 2;
                uint32_t *more = realloc(f->on_node[node], cap * sizeof *more);
                if (!more)
                    return -1;
                f->on_node[node] = more;
                f->cap[node] = cap;
            }
            f->on_node[node][f->n[node]++] = idx;
        }
    }
    return replan_around(f, heap, now, idx, true);
}

int hs_fluid_end(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx, const hs_intervals *alloc)
{
    for (uint32_t i = 0; i < alloc->n; i++) {
        uint32_t first, last;
        span(f, &alloc->r[i], &first, &last);
        for (uint32_t node = first; node <= last; node++)
            for (uint32_t k = 0; k < f->n[node]; k++)
                if (f->on_node[node][k] == idx) {
                    f->on_node[node][k] = f->on_node[node][--f->n[node]];
                    break;
                }
    }
    return replan_around(f, heap, now, idx, false);
}
