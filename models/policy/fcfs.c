/* FCFS: in each partition, start jobs in arrival order while the first
 * one fits; the first that does not fit blocks everything behind it. */
#include <stdbool.h>
#include <stdlib.h>

#include "hpcsim/engine.h"
#include "job_queue.h"
#include "start.h"

typedef struct fcfs {
    hs_engine *eng;
    hs_job_queue q;
    bool oom; /* a submission found no memory: the next pass fails */
    hs_intervals scratch;
} fcfs;

static int fcfs_create(hs_engine *eng, void **state, hs_error *err)
{
    fcfs *f = calloc(1, sizeof *f);
    if (!f || hs_job_queue_init(&f->q, hs_engine_cluster(eng)->nparts) < 0) {
        free(f);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    f->eng = eng;
    *state = f;
    return 0;
}

static void fcfs_destroy(void *state)
{
    fcfs *f = state;
    hs_job_queue_free(&f->q);
    hs_intervals_free(&f->scratch);
    free(f);
}

static void fcfs_submitted(void *state, hs_job *job)
{
    fcfs *f = state;
    if (f->oom ||
        hs_job_queue_append(&f->q, job->partition, hs_engine_job_index(f->eng, job), hs_engine_oldest_live(f->eng)) < 0)
        f->oom = true;
}

static void fcfs_ended(void *state, hs_job *job) { (void)state, (void)job; }
static void fcfs_wakeup(void *state) { (void)state; }

static int fcfs_schedule(void *state, hs_error *err)
{
    fcfs *f = state;
    const hs_cluster *c = hs_engine_cluster(f->eng);
    if (f->oom)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    for (uint32_t p = 0; p < f->q.nparts; p++) {
        uint32_t j;
        while ((j = f->q.head[p]) != HS_NIL && hs_engine_job(f->eng, j)->demand <= c->parts[p].free_units) {
            hs_job_queue_remove(&f->q, p, j);
            if (hs_policy_start_first_fit(f->eng, hs_engine_job(f->eng, j), &f->scratch, err) < 0)
                return -1;
        }
    }
    return 0;
}

const struct hs_policy_ops hs_policy_fcfs = {
    .name = "fcfs",
    .summary = "first come, first served; the first job that does not fit blocks the queue",
    .live_jobs_only = true,
    .memory_as_units = true,
    .create = fcfs_create,
    .destroy = fcfs_destroy,
    .job_submitted = fcfs_submitted,
    .job_ended = fcfs_ended,
    .wakeup = fcfs_wakeup,
    .schedule = fcfs_schedule,
};
