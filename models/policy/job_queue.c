/* Intrusive FIFO queues (job_queue.h). */
#include "job_queue.h"

#include <stdlib.h>

int hs_job_queue_init(hs_job_queue *q, uint32_t njobs, uint32_t nparts)
{
    q->nparts = nparts;
    q->next = malloc((njobs ? njobs : 1) * sizeof *q->next);
    q->prev = malloc((njobs ? njobs : 1) * sizeof *q->prev);
    q->head = malloc(nparts * sizeof *q->head);
    q->tail = malloc(nparts * sizeof *q->tail);
    if (!q->next || !q->prev || !q->head || !q->tail) {
        hs_job_queue_free(q);
        return -1;
    }
    for (uint32_t p = 0; p < nparts; p++)
        q->head[p] = q->tail[p] = HS_NIL;
    return 0;
}

void hs_job_queue_free(hs_job_queue *q)
{
    free(q->next);
    free(q->prev);
    free(q->head);
    free(q->tail);
    q->next = q->prev = q->head = q->tail = NULL;
}

void hs_job_queue_append(hs_job_queue *q, uint32_t part, uint32_t job)
{
    q->next[job] = HS_NIL;
    q->prev[job] = q->tail[part];
    if (q->tail[part] == HS_NIL)
        q->head[part] = job;
    else
        q->next[q->tail[part]] = job;
    q->tail[part] = job;
}

void hs_job_queue_remove(hs_job_queue *q, uint32_t part, uint32_t job)
{
    uint32_t n = q->next[job], p = q->prev[job];
    if (p == HS_NIL)
        q->head[part] = n;
    else
        q->next[p] = n;
    if (n == HS_NIL)
        q->tail[part] = p;
    else
        q->prev[n] = p;
}
