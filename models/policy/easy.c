/* EASY backfilling (Lifka 1995; Mu'alem & Feitelson 2001), per partition.
 * Jobs start in arrival order while they fit. The first that does not fit
 * (the head) gets one reservation: the "shadow time" at which, by the
 * running jobs' requested times, enough units will be free for it, and the
 * "extra" units left over at that time. A later job may start now only if
 * it fits now and either ends (by its requested time) by the shadow time,
 * or uses no more than the extra units; so it never delays the head.
 *
 * Jobs ending at the same instant as the shadow time all count toward
 * extra: they are all free by then. A job running past its requested time
 * (only when the kill rule is off) is expected to end now.
 *
 * A pass after arrivals alone (no job ended since the last pass) tries only
 * the new jobs: every older one failed with the same free units and the
 * same reservation, and the test only gets harder as time advances. This
 * is exact, and it keeps a long queue from being rescanned at every
 * arrival. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "hpcsim/engine.h"
#include "hpcsim/job_ring.h"
#include "queue_index.h"
#include "running_set.h"
#include "start.h"

/* The waiting jobs of a partition are its arrival positions still held
 * in the index; the head is the first of them, found by a cursor that only
 * moves forward (positions are filled in order and only ever cleared).
 * Positions are relative: when a partition's index is full, its waiting
 * jobs move to the front of a new one (make_room), so the index is sized
 * by the jobs waiting, not by the trace. Per-job state is kept only for
 * live jobs (job_ring.h): memory follows the queue (docs/replay.md
 * "Memory"). */
typedef struct easy {
    hs_engine *eng;
    uint32_t nparts;
    hs_running_set *running; /* per partition */
    hs_running_nodes nodes;  /* shared by the running sets */
    hs_job_ring ring;        /* the per-job arrays below and the nodes' */
    double *expected_end;    /* per job: start + requested time */
    uint32_t *pos;           /* per job: arrival position in its partition */
    bool oom;                /* a submission found no memory: the next pass fails */
    bool *released;          /* per partition: a job ended since the last pass */
    uint32_t *first_new;     /* per partition: position of the first job queued since the last pass */
    hs_queue_index *index;   /* per partition: waiting jobs by arrival position */
    uint32_t *arrivals;      /* per partition: positions used */
    uint32_t *head;          /* per partition: no job waits before this position */
    uint32_t **job_at;       /* per partition: job at each position */
    hs_intervals alloc;
} easy;

enum { RING_POS, RING_EXPECTED_END, RING_LEFT, RING_RIGHT, RING_WEIGHT, RING_SUM, RING_ARRAYS };

static void easy_destroy(void *state)
{
    easy *e = state;
    for (uint32_t p = 0; p < e->nparts; p++) {
        if (e->index)
            hs_queue_index_free(&e->index[p]);
        if (e->job_at)
            free(e->job_at[p]);
    }
    free(e->index);
    free(e->job_at);
    free(e->arrivals);
    free(e->head);
    hs_job_ring_free(&e->ring);
    free(e->running);
    free(e->released);
    free(e->first_new);
    hs_intervals_free(&e->alloc);
    free(e);
}

static int easy_create(hs_engine *eng, void **state, hs_error *err)
{
    uint32_t nparts = hs_engine_cluster(eng)->nparts;
    easy *e = calloc(1, sizeof *e);
    if (!e)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    e->eng = eng;
    e->nparts = nparts;
    e->head = calloc(nparts, sizeof *e->head);
    e->running = calloc(nparts, sizeof *e->running);
    e->index = calloc(nparts, sizeof *e->index);
    e->job_at = calloc(nparts, sizeof *e->job_at);
    e->arrivals = calloc(nparts, sizeof *e->arrivals);
    e->released = calloc(nparts, sizeof *e->released);
    e->first_new = malloc(nparts * sizeof *e->first_new);
    if (!e->head || !e->running || !e->released || !e->first_new || !e->index || !e->job_at || !e->arrivals) {
        easy_destroy(e);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    const size_t sizes[RING_ARRAYS] = {sizeof *e->pos,         sizeof *e->expected_end, sizeof *e->nodes.left,
                                       sizeof *e->nodes.right, sizeof *e->nodes.weight, sizeof *e->nodes.sum};
    hs_job_ring_init(&e->ring, sizes, RING_ARRAYS);
    for (uint32_t p = 0; p < nparts; p++) {
        e->running[p].nodes = &e->nodes;
        e->running[p].root = HS_RS_NIL;
        e->first_new[p] = HS_QI_NONE;
    }
    *state = e;
    return 0;
}

/* Position of the first waiting job of partition p, HS_QI_NONE if none. */
static uint32_t head_of(easy *e, uint32_t p)
{
    while (e->head[p] < e->arrivals[p] && !hs_queue_index_holds(&e->index[p], e->head[p]))
        e->head[p]++;
    return e->head[p] < e->arrivals[p] ? e->head[p] : HS_QI_NONE;
}

/* Partition p's index is full: the span from its head on moves to the
 * front of a new one, twice as large when that span fills more than half
 * of it. Only the order of positions matters to a pass, and it is kept. */
static int make_room(easy *e, uint32_t p)
{
    const hs_queue_index *old = &e->index[p];
    head_of(e, p); /* moves the head past started jobs (to the end when none waits) */
    uint32_t from = e->head[p], waiting = e->arrivals[p] - from, cap = old->leaves ? old->leaves : 64;
    if (waiting >= 1u << 30)
        return -1;
    while (cap < 2 * (waiting + 1))
        cap *= 2;
    hs_queue_index grown;
    uint32_t *job_at = malloc(cap * sizeof *job_at);
    if (!job_at || hs_queue_index_init(&grown, cap) < 0) {
        free(job_at);
        return -1;
    }
    for (uint32_t at = from; at < e->arrivals[p]; at++) {
        if (!hs_queue_index_holds(old, at))
            continue;
        uint32_t j = e->job_at[p][at];
        const hs_job *job = hs_engine_job(e->eng, j);
        hs_queue_index_set(&grown, at - from, job->demand, job->req_time);
        job_at[at - from] = j;
        e->pos[hs_job_slot(&e->ring, j)] = at - from;
    }
    hs_queue_index_free(&e->index[p]);
    free(e->job_at[p]);
    e->index[p] = grown;
    e->job_at[p] = job_at;
    /* A job queued since the last pass still waits (no pass has run), so
     * it lies at or after the head. */
    if (e->first_new[p] != HS_QI_NONE)
        e->first_new[p] -= from;
    e->arrivals[p] = waiting;
    e->head[p] = 0;
    return 0;
}

static void easy_submitted(void *state, hs_job *job)
{
    easy *e = state;
    uint32_t j = hs_engine_job_index(e->eng, job), p = job->partition;
    if (e->oom || hs_job_ring_cover(&e->ring, hs_engine_oldest_live(e->eng), j) < 0) {
        e->oom = true;
        return;
    }
    e->pos = e->ring.array[RING_POS];
    e->expected_end = e->ring.array[RING_EXPECTED_END];
    e->nodes.left = e->ring.array[RING_LEFT];
    e->nodes.right = e->ring.array[RING_RIGHT];
    e->nodes.weight = e->ring.array[RING_WEIGHT];
    e->nodes.sum = e->ring.array[RING_SUM];
    e->nodes.key = e->expected_end;
    e->nodes.mask = e->ring.cap - 1;
    if (e->arrivals[p] == e->index[p].leaves && make_room(e, p) < 0) {
        e->oom = true;
        return;
    }
    uint32_t at = e->arrivals[p]++;
    e->pos[hs_job_slot(&e->ring, j)] = at;
    e->job_at[p][at] = j;
    hs_queue_index_set(&e->index[p], at, job->demand, job->req_time);
    if (e->first_new[p] == HS_QI_NONE)
        e->first_new[p] = at;
}

static void easy_ended(void *state, hs_job *job)
{
    easy *e = state;
    hs_running_set_remove(&e->running[job->partition], hs_engine_job_index(e->eng, job));
    e->released[job->partition] = true;
}

static void easy_wakeup(void *state) { (void)state; }

static int start(easy *e, uint32_t p, uint32_t j, hs_error *err)
{
    hs_job *job = hs_engine_job(e->eng, j);
    hs_queue_index_clear(&e->index[p], e->pos[hs_job_slot(&e->ring, j)]);
    if (hs_policy_start_first_fit(e->eng, job, &e->alloc, err) < 0)
        return -1;
    e->expected_end[hs_job_slot(&e->ring, j)] = job->start + job->req_time;
    hs_running_set_add(&e->running[p], j, job->demand);
    return 0;
}

static int schedule_partition(easy *e, uint32_t p, hs_error *err)
{
    const hs_partition *part = &hs_engine_cluster(e->eng)->parts[p];
    double now = hs_engine_now(e->eng);
    bool full = e->released[p];
    uint32_t first_new = e->first_new[p];
    e->released[p] = false;
    e->first_new[p] = HS_QI_NONE;

    uint32_t at, head;
    while ((at = head_of(e, p)) != HS_QI_NONE && hs_engine_job(e->eng, e->job_at[p][at])->demand <= part->free_units) {
        full = true; /* the head moved: every job behind it is worth a look */
        if (start(e, p, e->job_at[p][at], err) < 0)
            return -1;
    }
    if (at == HS_QI_NONE || part->free_units == 0)
        return 0;
    head = e->job_at[p][at];
    if (at == first_new)
        full = true;
    if (!full && first_new == HS_QI_NONE)
        return 0;
    uint32_t from = full ? at + 1 : first_new;
    /* Is there any job that fits now? Only then is a reservation needed. */
    const hs_queue_index *qi = &e->index[p];
    if (hs_queue_index_next(qi, from, part->free_units, now, -INFINITY, part->free_units) == HS_QI_NONE)
        return 0;
    double shadow;
    uint64_t released;
    const hs_job *head_job = hs_engine_job(e->eng, head);
    if (hs_running_set_reserve(&e->running[p], head_job->demand - part->free_units, now, &shadow, &released) < 0)
        return hs_error_set(err, NULL, 0, 0, "easy: no reservation for job %ld (cannot happen: it fits its partition)",
                            (long)head_job->swf.f[HS_SWF_JOB_ID]);
    uint64_t extra = part->free_units + released - head_job->demand;
    /* Backfill in arrival order: each hit is a job that fits now and ends
     * by the shadow time, or else fits in the extra units. */
    while (part->free_units > 0 &&
           (at = hs_queue_index_next(qi, from, part->free_units, now, shadow, extra)) != HS_QI_NONE) {
        uint32_t k = e->job_at[p][at];
        const hs_job *job = hs_engine_job(e->eng, k);
        if (!(now + job->req_time <= shadow))
            extra -= job->demand;
        if (start(e, p, k, err) < 0)
            return -1;
        from = at + 1;
    }
    return 0;
}

static int easy_schedule(void *state, hs_error *err)
{
    easy *e = state;
    if (e->oom)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    for (uint32_t p = 0; p < e->nparts; p++)
        if (schedule_partition(e, p, err) < 0)
            return -1;
    return 0;
}

const struct hs_policy_ops hs_policy_easy = {
    .name = "easy",
    .summary = "EASY backfilling: one reservation for the first waiting job, later jobs may not delay it",
    .live_jobs_only = true,
    .memory_as_units = true,
    .create = easy_create,
    .destroy = easy_destroy,
    .job_submitted = easy_submitted,
    .job_ended = easy_ended,
    .wakeup = easy_wakeup,
    .schedule = easy_schedule,
};
