/* Running jobs kept in order of expected end (start + limit), then job
 * index, as jobs start and end (state.h), so that a backfill cycle need
 * not sort them. */
#include <string.h>

#include "end_order.h"
#include "state.h"

static bool ends_before(const sl_state *s, uint32_t a, uint32_t b)
{
    double ea = s->sj[a].expected_end, eb = s->sj[b].expected_end;
    return ea != eb ? ea < eb : a < b;
}

/* Position of the first running job that does not end before j. */
static uint32_t order_find(const sl_state *s, uint32_t j)
{
    uint32_t lo = 0, hi = s->norder;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (ends_before(s, s->order[mid], j))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void sl_order_add(sl_state *s, uint32_t j)
{
    uint32_t at = order_find(s, j);
    memmove(s->order + at + 1, s->order + at, (s->norder - at) * sizeof *s->order);
    s->order[at] = j;
    s->norder++;
}

void sl_order_remove(sl_state *s, uint32_t j)
{
    uint32_t at = order_find(s, j);
    memmove(s->order + at, s->order + at + 1, (s->norder - at - 1) * sizeof *s->order);
    s->norder--;
}
