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
#include "queue_index.h"
#include "running_set.h"
#include "start.h"

/* The waiting jobs of a partition are its arrival positions still held
 * in the index; the head is the first of them, found by a cursor that only
 * moves forward (positions are filled in order and only ever cleared). */
typedef struct easy {
    hs_engine *eng;
    hs_job *jobs;
    uint32_t nparts;
    hs_running_set *running; /* per partition */
    hs_running_nodes nodes;  /* shared by the running sets */
    double *expected_end;    /* per job: start + requested time */
    bool *released;          /* per partition: a job ended since the last pass */
    uint32_t *first_new;     /* per partition: position of the first job queued since the last pass */
    hs_queue_index *index;   /* per partition: waiting jobs by arrival position */
    uint32_t *arrivals;      /* per partition: jobs queued so far */
    uint32_t *head;          /* per partition: no job waits before this position */
    uint32_t *pos;           /* per job: arrival position in its partition */
    uint32_t **job_at;       /* per partition: job at each arrival position */
    hs_intervals alloc;
} easy;

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
    hs_running_nodes_free(&e->nodes);
    free(e->running);
    free(e->pos);
    free(e->expected_end);
    free(e->released);
    free(e->first_new);
    hs_intervals_free(&e->alloc);
    free(e);
}

static int easy_create(hs_engine *eng, void **state, hs_error *err)
{
    uint32_t njobs = hs_engine_trace(eng)->njobs, nparts = hs_engine_cluster(eng)->nparts;
    easy *e = calloc(1, sizeof *e);
    if (!e)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    e->eng = eng;
    e->jobs = hs_engine_trace(eng)->jobs;
    e->nparts = nparts;
    e->head = calloc(nparts, sizeof *e->head);
    e->running = calloc(nparts, sizeof *e->running);
    e->pos = malloc((njobs ? njobs : 1) * sizeof *e->pos);
    e->index = calloc(nparts, sizeof *e->index);
    e->job_at = calloc(nparts, sizeof *e->job_at);
    e->arrivals = calloc(nparts, sizeof *e->arrivals);
    e->expected_end = malloc((njobs ? njobs : 1) * sizeof *e->expected_end);
    e->released = calloc(nparts, sizeof *e->released);
    e->first_new = malloc(nparts * sizeof *e->first_new);
    if (!e->head || !e->running || !e->pos || !e->expected_end ||
        !e->released || !e->first_new || !e->index || !e->job_at || !e->arrivals ||
        hs_running_nodes_init(&e->nodes, njobs, e->expected_end) < 0) {
        easy_destroy(e);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    /* Size each partition's index by the jobs routed to it. */
    for (uint32_t j = 0; j < njobs; j++)
        e->arrivals[e->jobs[j].partition]++;
    for (uint32_t p = 0; p < nparts; p++) {
        if (hs_queue_index_init(&e->index[p], e->arrivals[p]) < 0 ||
            !(e->job_at[p] = malloc((e->arrivals[p] ? e->arrivals[p] : 1) * sizeof **e->job_at))) {
            easy_destroy(e);
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        }
        e->arrivals[p] = 0;
        e->running[p].nodes = &e->nodes;
        e->running[p].root = HS_RS_NIL;
        e->first_new[p] = HS_QI_NONE;
    }
    *state = e;
    return 0;
}

static void easy_submitted(void *state, hs_job *job)
{
    easy *e = state;
    uint32_t j = hs_engine_job_index(e->eng, job);
    uint32_t p = job->partition, at = e->arrivals[p]++;
    e->pos[j] = at;
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
    hs_job *job = &e->jobs[j];
    hs_queue_index_clear(&e->index[p], e->pos[j]);
    if (hs_policy_start_first_fit(e->eng, job, &e->alloc, err) < 0)
        return -1;
    e->expected_end[j] = job->start + job->req_time;
    hs_running_set_add(&e->running[p], j, job->demand);
    return 0;
}

/* Position of the first waiting job of partition p, HS_QI_NONE if none. */
static uint32_t head_of(easy *e, uint32_t p)
{
    while (e->head[p] < e->arrivals[p] && !hs_queue_index_holds(&e->index[p], e->head[p]))
        e->head[p]++;
    return e->head[p] < e->arrivals[p] ? e->head[p] : HS_QI_NONE;
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
    while ((at = head_of(e, p)) != HS_QI_NONE && e->jobs[e->job_at[p][at]].demand <= part->free_units) {
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
    if (hs_running_set_reserve(&e->running[p], e->jobs[head].demand - part->free_units, now, &shadow, &released) < 0)
        return hs_error_set(err, NULL, 0, 0, "easy: no reservation for job %ld (cannot happen: it fits its partition)",
                            (long)e->jobs[head].swf.f[HS_SWF_JOB_ID]);
    uint64_t extra = part->free_units + released - e->jobs[head].demand;
    /* Backfill in arrival order: each hit is a job that fits now and ends
     * by the shadow time, or else fits in the extra units. */
    while (part->free_units > 0 &&
           (at = hs_queue_index_next(qi, from, part->free_units, now, shadow, extra)) != HS_QI_NONE) {
        uint32_t k = e->job_at[p][at];
        if (!(now + e->jobs[k].req_time <= shadow))
            extra -= e->jobs[k].demand;
        if (start(e, p, k, err) < 0)
            return -1;
        from = at + 1;
    }
    return 0;
}

static int easy_schedule(void *state, hs_error *err)
{
    easy *e = state;
    for (uint32_t p = 0; p < e->nparts; p++)
        if (schedule_partition(e, p, err) < 0)
            return -1;
    return 0;
}

const struct hs_policy_ops hs_policy_easy = {
    .name = "easy",
    .summary = "EASY backfilling: one reservation for the first waiting job, later jobs may not delay it",
    .create = easy_create,
    .destroy = easy_destroy,
    .job_submitted = easy_submitted,
    .job_ended = easy_ended,
    .wakeup = easy_wakeup,
    .schedule = easy_schedule,
};
