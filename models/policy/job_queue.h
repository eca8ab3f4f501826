/* Per-partition FIFO queues of waiting jobs, as intrusive doubly linked
 * lists over job indices: O(1) append and removal from anywhere (backfill
 * starts jobs from the middle). Shared by the queue-based policies. */
#ifndef HPCSIM_POLICY_JOB_QUEUE_H
#define HPCSIM_POLICY_JOB_QUEUE_H

#include <stdint.h>

#define HS_NIL UINT32_MAX

typedef struct hs_job_queue {
    uint32_t *next, *prev; /* per job index */
    uint32_t *head, *tail; /* per partition */
    uint32_t nparts;
} hs_job_queue;

int hs_job_queue_init(hs_job_queue *q, uint32_t njobs, uint32_t nparts);
void hs_job_queue_free(hs_job_queue *q);
void hs_job_queue_append(hs_job_queue *q, uint32_t part, uint32_t job);
void hs_job_queue_remove(hs_job_queue *q, uint32_t part, uint32_t job);

#endif
