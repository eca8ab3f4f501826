/* Per-partition FIFO queues of waiting jobs, as intrusive doubly linked
 * lists over job indices: O(1) append and removal from anywhere (backfill
 * starts jobs from the middle). The links are kept only for live jobs
 * (job_ring.h). Shared by the queue-based policies. */
#ifndef HPCSIM_POLICY_JOB_QUEUE_H
#define HPCSIM_POLICY_JOB_QUEUE_H

#include <stdint.h>

#include "hpcsim/job_ring.h"

#define HS_NIL UINT32_MAX

typedef struct hs_job_queue {
    hs_job_ring ring;
    uint32_t *next, *prev; /* per job, in the ring */
    uint32_t *head, *tail; /* per partition */
    uint32_t nparts;
} hs_job_queue;

int hs_job_queue_init(hs_job_queue *q, uint32_t nparts);
void hs_job_queue_free(hs_job_queue *q);
/* oldest_live: hs_engine_oldest_live(); no queued job lies below it.
 * -1 on ENOMEM, with nothing changed. */
int hs_job_queue_append(hs_job_queue *q, uint32_t part, uint32_t job, uint32_t oldest_live);
void hs_job_queue_remove(hs_job_queue *q, uint32_t part, uint32_t job);

#endif
