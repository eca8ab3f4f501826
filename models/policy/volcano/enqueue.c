/* The enqueue action (docs/volcano.md "Enqueue"): each Pending PodGroup
 * gets one chance per session to move to Inqueue, queue by queue in
 * queue order, job by job in job order; a refusal does not stop the
 * others. */
#include "queue_jobs.h"

static bool pending(const vc_session *s, uint32_t job) { return s->w->jobs[job].phase == VC_PG_PENDING; }

void vc_enqueue(vc_session *s)
{
    vc_world *w = s->w;
    vc_queue_jobs qj;
    if (vc_queue_jobs_build(&qj, s, pending) == 0)
        while (!s->oom && !vc_pq_empty(&qj.queues)) {
            uint32_t q = vc_pq_pop(&qj.queues);
            if (vc_pq_empty(&qj.jobs[q]))
                continue; /* the queue leaves for this session */
            uint32_t j = vc_pq_pop(&qj.jobs[q]);
            if (!w->jobs[j].has_min_res || vc_job_enqueueable(s, j))
                vc_job_enqueued(s, j);
            if (vc_pq_push(&qj.queues, q) < 0)
                s->oom = 1;
        }
    vc_queue_jobs_free(&qj, w);
}
