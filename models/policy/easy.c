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
#include <stdbool.h>
#include <stdlib.h>

#include "hpcsim/engine.h"
#include "job_queue.h"
#include "running_set.h"
#include "start.h"

typedef struct easy {
    hs_engine *eng;
    hs_job *jobs;
    hs_job_queue q;
    hs_running_set *running; /* per partition */
    uint32_t *pos;           /* per job: place in its running set */
    double *expected_end;    /* per job: start + requested time */
    bool *released;          /* per partition: a job ended since the last pass */
    uint32_t *first_new;     /* per partition: first job queued since the last pass */
    uint32_t *scratch;
    uint32_t scratch_cap;
    hs_intervals alloc;
} easy;

static void easy_destroy(void *state)
{
    easy *e = state;
    if (e->running)
        for (uint32_t p = 0; p < e->q.nparts; p++)
            hs_running_set_free(&e->running[p]);
    hs_job_queue_free(&e->q);
    free(e->running);
    free(e->pos);
    free(e->expected_end);
    free(e->released);
    free(e->first_new);
    free(e->scratch);
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
    e->running = calloc(nparts, sizeof *e->running);
    e->pos = malloc((njobs ? njobs : 1) * sizeof *e->pos);
    e->expected_end = malloc((njobs ? njobs : 1) * sizeof *e->expected_end);
    e->released = calloc(nparts, sizeof *e->released);
    e->first_new = malloc(nparts * sizeof *e->first_new);
    if (hs_job_queue_init(&e->q, njobs, nparts) < 0 || !e->running || !e->pos || !e->expected_end ||
        !e->released || !e->first_new) {
        easy_destroy(e);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (uint32_t p = 0; p < nparts; p++) {
        e->running[p].pos = e->pos;
        e->running[p].key = e->expected_end;
        e->first_new[p] = HS_NIL;
    }
    *state = e;
    return 0;
}

static void easy_submitted(void *state, hs_job *job)
{
    easy *e = state;
    uint32_t j = hs_engine_job_index(e->eng, job);
    hs_job_queue_append(&e->q, job->partition, j);
    if (e->first_new[job->partition] == HS_NIL)
        e->first_new[job->partition] = j;
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
    hs_job_queue_remove(&e->q, p, j);
    if (hs_policy_start_first_fit(e->eng, job, &e->alloc, err) < 0)
        return -1;
    e->expected_end[j] = job->start + job->req_time;
    if (hs_running_set_add(&e->running[p], j) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    return 0;
}

/* The reservation walk: accumulates units of running jobs by expected end
 * until the head fits. */
typedef struct reservation {
    const easy *e;
    double now;
    uint64_t need, avail;
    double shadow;
    bool found;
} reservation;

static int reserve_visit(void *ctx, uint32_t j)
{
    reservation *r = ctx;
    double end = r->e->expected_end[j] > r->now ? r->e->expected_end[j] : r->now;
    if (r->found && end > r->shadow)
        return 1; /* past the shadow time: done */
    r->avail += r->e->jobs[j].demand;
    if (!r->found && r->avail >= r->need) {
        r->found = true;
        r->shadow = end;
    }
    return 0;
}

static int schedule_partition(easy *e, uint32_t p, hs_error *err)
{
    const hs_partition *part = &hs_engine_cluster(e->eng)->parts[p];
    double now = hs_engine_now(e->eng);
    bool full = e->released[p];
    uint32_t first_new = e->first_new[p];
    e->released[p] = false;
    e->first_new[p] = HS_NIL;

    uint32_t head;
    while ((head = e->q.head[p]) != HS_NIL && e->jobs[head].demand <= part->free_units) {
        full = true; /* the head moved: every job behind it is worth a look */
        if (start(e, p, head, err) < 0)
            return -1;
    }
    if (head == HS_NIL || part->free_units == 0)
        return 0;
    if (head == first_new)
        full = true;
    uint32_t k = full ? e->q.next[head] : first_new;
    if (k == HS_NIL)
        return 0;

    reservation r = {e, now, e->jobs[head].demand, part->free_units, 0, false};
    if (hs_running_set_walk(&e->running[p], &e->scratch, &e->scratch_cap, reserve_visit, &r) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (!r.found) /* cannot happen: the head fits the empty partition */
        return hs_error_set(err, NULL, 0, 0, "easy: no reservation for job %ld",
                            (long)e->jobs[head].swf.f[HS_SWF_JOB_ID]);
    uint64_t extra = r.avail - r.need;

    while (k != HS_NIL && part->free_units > 0) {
        uint32_t next = e->q.next[k];
        const hs_job *job = &e->jobs[k];
        if (job->demand <= part->free_units) {
            if (now + job->req_time <= r.shadow) {
                if (start(e, p, k, err) < 0)
                    return -1;
            } else if (job->demand <= extra) {
                extra -= job->demand;
                if (start(e, p, k, err) < 0)
                    return -1;
            }
        }
        k = next;
    }
    return 0;
}

static int easy_schedule(void *state, hs_error *err)
{
    easy *e = state;
    for (uint32_t p = 0; p < e->q.nparts; p++)
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
