/* The backfill action (docs/volcano.md "Actions"): Volcano's backfill
 * is not time-based. It places BestEffort pods (no requests) of jobs past
 * Pending, queue by queue in queue order, job by job in job order, pod by
 * pod in task order, each on its best feasible node, committed at once.
 * Pods with requests are allocate's alone. */
#include <stdlib.h>

#include "pqueue.h"
#include "session.h"

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

void vc_backfill(vc_session *s)
{
    vc_world *w = s->w;
    vc_pqueue queues, tasks;
    vc_pq_init(&queues, vc_queue_order, s);
    vc_pq_init(&tasks, vc_task_order, s);
    size_t nq = w->nqueues ? w->nqueues : 1;
    vc_pqueue *jobs = calloc(nq, sizeof *jobs);
    bool *seen = calloc(nq, sizeof *seen);
    uint32_t *nodes = malloc((w->nnodes ? w->nnodes : 1) * sizeof *nodes);
    if (!jobs || !seen || !nodes) {
        s->oom = 1;
        goto out;
    }
    for (uint32_t k = 0; k < w->nlive; k++) {
        uint32_t j = w->live[k];
        const vc_job *job = &w->jobs[j];
        if (job->phase == VC_PG_PENDING || job->queue >= w->nqueues || !vc_job_valid(s, j))
            continue;
        if (!seen[job->queue]) {
            seen[job->queue] = true;
            vc_pq_init(&jobs[job->queue], vc_job_order, s);
            if (vc_pq_push(&queues, job->queue) < 0)
                s->oom = 1;
        }
        if (vc_pq_push(&jobs[job->queue], j) < 0)
            s->oom = 1;
    }
    while (!s->oom && !vc_pq_empty(&queues)) {
        uint32_t q = vc_pq_pop(&queues);
        while (!s->oom && !vc_pq_empty(&jobs[q]))
            place_best_effort(s, &w->jobs[vc_pq_pop(&jobs[q])], &tasks, nodes);
    }
out:
    for (uint32_t q = 0; jobs && seen && q < w->nqueues; q++)
        if (seen[q])
            vc_pq_free(&jobs[q]);
    free(jobs);
    free(seen);
    free(nodes);
    vc_pq_free(&queues);
    vc_pq_free(&tasks);
}
