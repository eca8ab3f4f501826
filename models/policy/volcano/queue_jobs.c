/* The per-queue job heaps of an action (queue_jobs.h). */
#include "queue_jobs.h"

#include <stdlib.h>

int vc_queue_jobs_build(vc_queue_jobs *qj, vc_session *s, bool (*admit)(const vc_session *s, uint32_t job))
{
    vc_world *w = s->w;
    vc_pq_init(&qj->queues, vc_queue_order, s);
    qj->jobs = calloc(w->nqueues ? w->nqueues : 1, sizeof *qj->jobs);
    qj->seen = calloc(w->nqueues ? w->nqueues : 1, sizeof *qj->seen);
    if (!qj->jobs || !qj->seen)
        return s->oom = -1;
    for (uint32_t k = 0; k < w->nlive && !s->oom; k++) {
        uint32_t j = w->live[k];
        uint32_t q = w->jobs[j].queue;
        if (q >= w->nqueues || !admit(s, j))
            continue;
        if (!qj->seen[q]) {
            qj->seen[q] = true;
            vc_pq_init(&qj->jobs[q], vc_job_order, s);
            if (vc_pq_push(&qj->queues, q) < 0)
                s->oom = -1;
        }
        if (vc_pq_push(&qj->jobs[q], j) < 0)
            s->oom = -1;
    }
    return s->oom ? -1 : 0;
}

void vc_queue_jobs_free(vc_queue_jobs *qj, const vc_world *w)
{
    for (uint32_t q = 0; qj->jobs && qj->seen && q < w->nqueues; q++)
        if (qj->seen[q])
            vc_pq_free(&qj->jobs[q]);
    free(qj->jobs);
    free(qj->seen);
    vc_pq_free(&qj->queues);
}
