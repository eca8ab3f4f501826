/* Rings of per-job entries (job_ring.h). */
#include "hpcsim/job_ring.h"

#include <stdlib.h>
#include <string.h>

void hs_job_ring_init(hs_job_ring *r, const size_t *sizes, unsigned n)
{
    memset(r, 0, sizeof *r);
    r->n = n < HS_JOB_RING_ARRAYS ? n : HS_JOB_RING_ARRAYS;
    memcpy(r->size, sizes, r->n * sizeof *sizes);
}

int hs_job_ring_cover(hs_job_ring *r, uint32_t lo, uint32_t job)
{
    uint32_t hi = job >= r->hi ? job + 1 : r->hi;
    uint64_t span = (uint64_t)hi - lo, cap = r->cap ? r->cap : 64;
    if (span <= r->cap) {
        r->hi = hi;
        return 0;
    }
    while (cap < span)
        cap *= 2;
    if (cap > (uint64_t)1 << 31)
        return -1;
    void *grown[HS_JOB_RING_ARRAYS];
    for (unsigned a = 0; a < r->n; a++)
        if (!(grown[a] = malloc(cap * r->size[a]))) {
            while (a--)
                free(grown[a]);
            return -1;
        }
    for (unsigned a = 0; a < r->n; a++) {
        const char *from = r->array[a];
        char *to = grown[a];
        size_t size = r->size[a];
        for (uint32_t i = lo; r->cap && i < r->hi; i++)
            memcpy(to + (i & (cap - 1)) * size, from + (i & (r->cap - 1)) * size, size);
        free(r->array[a]);
        r->array[a] = to;
    }
    r->cap = (uint32_t)cap;
    r->hi = hi;
    return 0;
}

void hs_job_ring_free(hs_job_ring *r)
{
    for (unsigned a = 0; a < r->n; a++)
        free(r->array[a]);
    memset(r, 0, sizeof *r);
}
