/* The pending queue and the order both schedulers take it in: partition
 * PriorityTier (high first), priority (high first), submit time, job id
 * (docs/slurm.md). */
#include <stdlib.h>
#include <string.h>

#include "pending.h"
#include "state.h"

static const sl_state *sort_state; /* qsort has no context argument in C99 */

static int cmp_queue(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    const sl_state *s = sort_state;
    const sl_job *ja = &s->sj[a], *jb = &s->sj[b];
    uint32_t ta = s->parts[ja->part].tier, tb = s->parts[jb->part].tier;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    if (ja->prio != jb->prio)
        return ja->prio > jb->prio ? -1 : 1;
    double sa = s->jobs[a].submit, sb = s->jobs[b].submit;
    if (sa != sb)
        return sa < sb ? -1 : 1;
    return (a > b) - (a < b); /* trace order = job id order */
}

void sl_sort_pending(sl_state *s)
{
    if (s->pending_sorted)
        return;
    sort_state = s;
    qsort(s->pending, s->npending, sizeof *s->pending, cmp_queue);
    s->pending_sorted = true;
}

void sl_queue_add(sl_state *s, uint32_t j)
{
    if (!s->pending_sorted) {
        s->pending[s->npending++] = j;
        return;
    }
    /* Keep the order: after every job that sorts before j. */
    sort_state = s;
    uint32_t lo = 0, hi = s->npending;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_queue(&s->pending[mid], &j) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(s->pending + lo + 1, s->pending + lo, (s->npending - lo) * sizeof *s->pending);
    s->pending[lo] = j;
    s->npending++;
}

void sl_remove_started(sl_state *s)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < s->npending; i++)
        if (s->jobs[s->pending[i]].state == HS_JOB_QUEUED)
            s->pending[k++] = s->pending[i];
    s->npending = k;
}
