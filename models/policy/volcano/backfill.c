/* The backfill action (docs/volcano.md "Actions"): Volcano's backfill
 * is not time-based. It places BestEffort pods (no requests) of jobs past
 * Pending, queue by queue in queue order, job by job in job order, pod by
 * pod in task order, each on its best feasible node, committed at once.
 * Pods with requests are allocate's alone. */
#include <stdlib.h>

#include "queue_jobs.h"

static void place_best_effort(vc_session *s, const vc_job *job, vc_pqueue *tasks, uint32_t *nodes)
{
    vc_world *w = s->w;
    for (uint32_t i = 0; i < job->ntasks; i++) {
        const vc_task *t = &w->tasks[job->first_task + i];
        if (t->status == VC_TASK_PENDING && vc_task_best_effort(t) && vc_pq_push(tasks, job->first_task + i) < 0)
            s->oom = 1;
    }
    while (!s->oom && !vc_pq_empty(tasks)) {
        uint32_t ti = vc_pq_pop(tasks);
        uint32_t n = vc_predicate_nodes(s, ti, nodes);
        if (n == 0)
            continue;
        vc_session_place(s, ti, vc_select_best(s, ti, nodes, n), false);
        if (vc_session_bind(s, ti) < 0)
            s->oom = 1;
    }
}

static bool placed_and_valid(const vc_session *s, uint32_t job)
{
    return s->w->jobs[job].phase != VC_PG_PENDING && vc_job_valid(s, job);
}

void vc_backfill(vc_session *s)
{
    vc_world *w = s->w;
    vc_pqueue tasks;
    vc_pq_init(&tasks, vc_task_order, s);
    vc_queue_jobs qj;
    uint32_t *nodes = malloc((w->nnodes ? w->nnodes : 1) * sizeof *nodes);
    if (!nodes)
        s->oom = 1;
    if (nodes && vc_queue_jobs_build(&qj, s, placed_and_valid) == 0)
        while (!s->oom && !vc_pq_empty(&qj.queues)) {
            uint32_t q = vc_pq_pop(&qj.queues);
            while (!s->oom && !vc_pq_empty(&qj.jobs[q]))
                place_best_effort(s, &w->jobs[vc_pq_pop(&qj.jobs[q])], &tasks, nodes);
        }
    if (nodes)
        vc_queue_jobs_free(&qj, w);
    free(nodes);
    vc_pq_free(&tasks);
}
