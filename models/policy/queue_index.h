/* An index over one partition's waiting jobs in arrival order, for
 * backfilling: a segment tree whose nodes hold the least demand and the
 * least requested time below them. Finding the next job that can start
 * (fits the free units and ends by the shadow time or fits the extra
 * units) skips every subtree that cannot hold one, instead of visiting
 * each waiting job: on RICC a pass would otherwise look at ~1,000 jobs,
 * most of which fit now but would delay the reservation. */
#ifndef HPCSIM_POLICY_QUEUE_INDEX_H
#define HPCSIM_POLICY_QUEUE_INDEX_H

#include <stdbool.h>
#include <stdint.h>

#define HS_QI_NONE UINT32_MAX

typedef struct hs_queue_index {
    uint32_t leaves;      /* a power of two >= capacity */
    uint32_t *min_demand; /* 2 * leaves; UINT32_MAX = no job */
    double *min_req;
} hs_queue_index;

int hs_queue_index_init(hs_queue_index *qi, uint32_t capacity);
void hs_queue_index_free(hs_queue_index *qi);
void hs_queue_index_set(hs_queue_index *qi, uint32_t pos, uint32_t demand, double req_time);
void hs_queue_index_clear(hs_queue_index *qi, uint32_t pos);
/* Whether a job waits at pos. */
bool hs_queue_index_holds(const hs_queue_index *qi, uint32_t pos);

/* First position >= from holding a job with demand <= free and either
 * now + req_time <= shadow or demand <= extra; HS_QI_NONE when none. The
 * test is the policy's own, so the result is exact. */
uint32_t hs_queue_index_next(const hs_queue_index *qi, uint32_t from, uint64_t free, double now, double shadow,
                             uint64_t extra);

#endif
