/* The backfill action (docs/volcano.md "Backfill"): Volcano's backfill
 * is not time-based. It places BestEffort pods (no requests) of jobs past
 * Pending, in queue, job and task order, each on its best feasible node,
 * committed at once. Pods with requests are allocate's alone. */
#include <stdlib.h>

#include "pqueue.h"
#include "session.h"

void vc_backfill(vc_session *s)
{
    vc_world *w = s->w;
    vc_pqueue jobs, tasks;
    vc_pq_init(&jobs, vc_job_order, s);
    vc_pq_init(&tasks, vc_task_order, s);
    uint32_t *nodes = malloc((w->nnodes ? w->nnodes : 1) * sizeof *nodes);
    if (!nodes) {
        s->oom = 1;
        return;
    }
    for (uint32_t k = 0; k < w->nlive; k++) {
        uint32_t j = w->live[k];
        const vc_job *job = &w->jobs[j];
        if (job->phase != VC_PG_PENDING && vc_job_valid(s, j) && vc_pq_push(&jobs, j) < 0)
            s->oom = 1;
    }
    while (!s->oom && !vc_pq_empty(&jobs)) {
        const vc_job *job = &w->jobs[vc_pq_pop(&jobs)];
        for (uint32_t i = 0; i < job->ntasks; i++) {
            const vc_task *t = &w->tasks[job->first_task + i];
            if (t->status == VC_TASK_PENDING && vc_task_best_effort(t) && vc_pq_push(&tasks, job->first_task + i) < 0)
                s->oom = 1;
        }
        while (!s->oom && !vc_pq_empty(&tasks)) {
            uint32_t ti = vc_pq_pop(&tasks);
            uint32_t n = vc_predicate_nodes(s, ti, nodes);
            if (n == 0)
                continue;
            vc_session_place(s, ti, vc_select_best(s, ti, nodes, n), false);
            if (vc_session_bind(s, ti) < 0)
                s->oom = 1;
        }
    }
    free(nodes);
    vc_pq_free(&jobs);
    vc_pq_free(&tasks);
}
