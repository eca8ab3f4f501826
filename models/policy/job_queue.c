/* Intrusive FIFO queues (job_queue.h). */
#include "job_queue.h"

#include <stdlib.h>

int hs_job_queue_init(hs_job_queue *q, uint32_t nparts)
{
    const size_t sizes[2] = {sizeof *q->next, sizeof *q->prev};
    hs_job_ring_init(&q->ring, sizes, 2);
    q->next = q->prev = NULL;
    q->nparts = nparts;
    q->head = malloc(nparts * sizeof *q->head);
    q->tail = malloc(nparts * sizeof *q->tail);
    if (!q->head || !q->tail) {
        hs_job_queue_free(q);
        return -1;
    }
    for (uint32_t p = 0; p < nparts; p++)
        q->head[p] = q->tail[p] = HS_NIL;
    return 0;
}

void hs_job_queue_free(hs_job_queue *q)
{
    hs_job_ring_free(&q->ring);
    free(q->head);
    free(q->tail);
    q->next = q->prev = q->head = q->tail = NULL;
}

int hs_job_queue_append(hs_job_queue *q, uint32_t part, uint32_t job, uint32_t oldest_live)
{
    if (hs_job_ring_cover(&q->ring, oldest_live, job) < 0)
        return -1;
    q->next = q->ring.array[0];
    q->prev = q->ring.array[1];
    q->next[hs_job_slot(&q->ring, job)] = HS_NIL;
    q->prev[hs_job_slot(&q->ring, job)] = q->tail[part];
    if (q->tail[part] == HS_NIL)
        q->head[part] = job;
    else
        q->next[hs_job_slot(&q->ring, q->tail[part])] = job;
    q->tail[part] = job;
    return 0;
}

void hs_job_queue_remove(hs_job_queue *q, uint32_t part, uint32_t job)
{
    uint32_t n = q->next[hs_job_slot(&q->ring, job)], p = q->prev[hs_job_slot(&q->ring, job)];
    if (p == HS_NIL)
        q->head[part] = n;
    else
        q->next[hs_job_slot(&q->ring, p)] = n;
    if (n == HS_NIL)
        q->tail[part] = p;
    else
        q->prev[hs_job_slot(&q->ring, n)] = p;
}
