/* What enqueue, allocate and backfill all start from (docs/volcano.md
 * "Actions"): the session's live jobs an action admits, in a heap per
 * queue in job order, and the queues that have any in a heap in queue
 * order. */
#ifndef HPCSIM_VOLCANO_QUEUE_JOBS_H
#define HPCSIM_VOLCANO_QUEUE_JOBS_H

#include <stdbool.h>

#include "pqueue.h"
#include "session.h"

typedef struct vc_queue_jobs {
    vc_pqueue queues;
    vc_pqueue *jobs; /* per queue; initialised where seen[q] */
    bool *seen;
} vc_queue_jobs;

/* Fills qj with the live jobs for which admit() is true; -1 (s->oom set)
 * when out of memory, qj then still safe to free. */
int vc_queue_jobs_build(vc_queue_jobs *qj, vc_session *s, bool (*admit)(const vc_session *s, uint32_t job));
void vc_queue_jobs_free(vc_queue_jobs *qj, const vc_world *w);

#endif
