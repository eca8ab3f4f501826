/* The enqueue action (docs/volcano.md "Enqueue"): each Pending PodGroup
 * gets one chance per session to move to Inqueue, queue by queue in
 * queue order, job by job in job order; a refusal does not stop the
 * others. */
#include <stdlib.h>

#include "pqueue.h"
#include "session.h"

void vc_enqueue(vc_session *s)
{
    vc_world *w = s->w;
    vc_pqueue queues;
    vc_pq_init(&queues, vc_queue_order, s);
    vc_pqueue *jobs = calloc(w->nqueues ? w->nqueues : 1, sizeof *jobs);
    bool *seen = calloc(w->nqueues ? w->nqueues : 1, sizeof *seen);
    if (!jobs || !seen) {
        s->oom = 1;
        goto out;
    }
    for (uint32_t k = 0; k < w->nlive; k++) {
        uint32_t j = w->live[k];
        const vc_job *job = &w->jobs[j];
        if (job->phase != VC_PG_PENDING || job->queue >= w->nqueues)
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
        if (vc_pq_empty(&jobs[q]))
            continue; /* the queue leaves for this session */
        uint32_t j = vc_pq_pop(&jobs[q]);
        if (!w->jobs[j].has_min_res || vc_job_enqueueable(s, j))
            vc_job_enqueued(s, j);
        if (vc_pq_push(&queues, q) < 0)
            s->oom = 1;
    }
out:
    for (uint32_t q = 0; jobs && seen && q < w->nqueues; q++)
        if (seen[q])
            vc_pq_free(&jobs[q]);
    free(jobs);
    free(seen);
    vc_pq_free(&queues);
}
