/* Per-job arrays that hold only the live jobs (docs/replay.md "Memory"),
 * for the engine's parts and for policies. State kept in arrays as long
 * as the trace holds memory by the trace; in a ring, job i's entry lives
 * at slot i & (cap - 1), and the slots cover the indices from the
 * engine's oldest live job (hs_engine_oldest_live) to the newest arrival.
 * When that span outgrows them, every array of the ring doubles and its
 * live entries move. Job indices do not change, so neither does anything
 * a policy decides. */
#ifndef HPCSIM_JOB_RING_H
#define HPCSIM_JOB_RING_H

#include <stddef.h>
#include <stdint.h>

#define HS_JOB_RING_ARRAYS 8

/* The arrays of one ring, each of entries of its own size. After a
 * cover that grew them, a caller that keeps typed pointers takes them
 * again from array[]. */
typedef struct hs_job_ring {
    uint32_t cap; /* a power of two; 0 before the first job */
    uint32_t hi;  /* 1 + the largest index covered so far */
    unsigned n;
    size_t size[HS_JOB_RING_ARRAYS];
    void *array[HS_JOB_RING_ARRAYS];
} hs_job_ring;

static inline uint32_t hs_job_slot(const hs_job_ring *r, uint32_t job) { return job & (r->cap - 1); }

/* n arrays (n <= HS_JOB_RING_ARRAYS) with entries of these sizes, empty. */
void hs_job_ring_init(hs_job_ring *r, const size_t *sizes, unsigned n);
/* Makes the arrays cover the indices lo .. job, moving the entries of
 * lo .. hi-1 when they must grow. -1 on ENOMEM, with nothing changed. */
int hs_job_ring_cover(hs_job_ring *r, uint32_t lo, uint32_t job);
void hs_job_ring_free(hs_job_ring *r);

#endif
