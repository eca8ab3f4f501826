/* Segment tree over waiting jobs (queue_index.h). */
#include "queue_index.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

int hs_queue_index_init(hs_queue_index *qi, uint32_t capacity)
{
    uint32_t leaves = 1;
    while (leaves < capacity)
        leaves *= 2;
    qi->leaves = leaves;
    qi->min_demand = malloc(2 * (size_t)leaves * sizeof *qi->min_demand);
    qi->min_req = malloc(2 * (size_t)leaves * sizeof *qi->min_req);
    if (!qi->min_demand || !qi->min_req) {
        hs_queue_index_free(qi);
        return -1;
    }
    for (size_t i = 0; i < 2 * (size_t)leaves; i++) {
        qi->min_demand[i] = UINT32_MAX;
        qi->min_req[i] = INFINITY;
    }
    return 0;
}

void hs_queue_index_free(hs_queue_index *qi)
{
    free(qi->min_demand);
    free(qi->min_req);
    qi->min_demand = NULL;
    qi->min_req = NULL;
}

void hs_queue_index_set(hs_queue_index *qi, uint32_t pos, uint32_t demand, double req_time)
{
    size_t i = (size_t)qi->leaves + pos;
    qi->min_demand[i] = demand;
    qi->min_req[i] = req_time;
    for (i /= 2; i >= 1; i /= 2) {
        uint32_t d = qi->min_demand[2 * i] < qi->min_demand[2 * i + 1] ? qi->min_demand[2 * i]
                                                                        : qi->min_demand[2 * i + 1];
        double r = fmin(qi->min_req[2 * i], qi->min_req[2 * i + 1]);
        if (qi->min_demand[i] == d && qi->min_req[i] == r)
            break; /* nothing above changes */
        qi->min_demand[i] = d;
        qi->min_req[i] = r;
    }
}

void hs_queue_index_clear(hs_queue_index *qi, uint32_t pos) { hs_queue_index_set(qi, pos, UINT32_MAX, INFINITY); }

bool hs_queue_index_holds(const hs_queue_index *qi, uint32_t pos)
{
    return qi->min_demand[(size_t)qi->leaves + pos] != UINT32_MAX;
}

typedef struct query {
    const hs_queue_index *qi;
    uint32_t from;
    uint64_t free, extra;
    double now, shadow;
} query;

/* May node i hold a job that can start? Exact at a leaf; at inner nodes a
 * necessary condition (the two minima may come from different jobs). */
static bool may_start(const query *q, size_t i)
{
    uint32_t d = q->qi->min_demand[i];
    return d <= q->free && (q->now + q->qi->min_req[i] <= q->shadow || d <= q->extra);
}

static uint32_t search(const query *q, size_t i, uint32_t lo, uint32_t hi)
{
    if (hi <= q->from || !may_start(q, i))
        return HS_QI_NONE;
    if (hi - lo == 1)
        return lo;
    uint32_t mid = lo + (hi - lo) / 2;
    uint32_t found = search(q, 2 * i, lo, mid);
    return found != HS_QI_NONE ? found : search(q, 2 * i + 1, mid, hi);
}

uint32_t hs_queue_index_next(const hs_queue_index *qi, uint32_t from, uint64_t free, double now, double shadow,
                             uint64_t extra)
{
    query q = {qi, from, free, extra, now, shadow};
    return search(&q, 1, 0, qi->leaves);
}
