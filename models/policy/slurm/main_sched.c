/* The main scheduler's pass (POLICY-SPEC.md B.4) and the queue order both
 * schedulers use: partition PriorityTier (high first), priority (high
 * first), submit time, job id. Jobs are tried in that order; the first
 * job of a partition that cannot start now blocks the partition: its
 * nodes are taken out of the pass for every later job, including jobs of
 * overlapping partitions. So within a partition jobs start in strict
 * priority order; only the backfill starts jobs out of order. */
#include <stdlib.h>
#include <string.h>

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

int sl_main_pass(sl_state *s, bool full, hs_error *err)
{
    s->main_passes++;
    s->last_main = hs_engine_now(s->eng);
    if (s->npending == 0)
        return 0;
    sl_sort_pending(s);
    double now = hs_engine_now(s->eng);
    bool *failed = s->part_failed;
    uint32_t *depth = s->p.partition_job_depth ? s->part_depth : NULL;
    memset(failed, 0, s->nparts * sizeof *failed);
    if (depth)
        memset(depth, 0, s->nparts * sizeof *depth);
    memset(s->blocked, 0, s->nwords * sizeof *s->blocked);
    bool any_blocked = false;
    uint32_t nfailed = 0, started = 0, examined = 0;
    int rc = 0;
    for (uint32_t i = 0; i < s->npending && nfailed < s->nparts; i++) {
        if (!full && examined >= s->p.default_queue_depth)
            break;
        if (s->p.sched_max_job_start && started >= s->p.sched_max_job_start)
            break;
        examined++;
        uint32_t j = s->pending[i];
        sl_job *job = &s->sj[j];
        if (depth && depth[job->part]++ >= s->p.partition_job_depth)
            continue;
        if (failed[job->part] || job->eligible > now)
            continue;
        if (sl_select(s, j, any_blocked ? s->avail : NULL)) {
            if ((rc = sl_start(s, j, err)) < 0)
                break;
            started++;
            s->main_starts++;
            continue;
        }
        if (!sl_may_reserve(s, job, now)) /* it does not block its partition (B.4) */
            continue;
        failed[job->part] = true;
        nfailed++;
        const sl_part *p = &s->parts[job->part];
        for (uint32_t w = 0; w < s->nwords; w++) {
            s->blocked[w] |= p->member[w];
            s->avail[w] = ~s->blocked[w]; /* what later jobs of this pass may use */
        }
        any_blocked = true;
        /* Partitions whose nodes are now all blocked are failed too. */
        for (uint32_t q = 0; q < s->nparts; q++) {
            if (failed[q])
                continue;
            bool all = true;
            for (uint32_t w = 0; w < s->nwords && all; w++)
                all = (s->parts[q].member[w] & ~s->blocked[w]) == 0;
            if (all)
                failed[q] = true, nfailed++;
        }
    }
    if (started)
        sl_remove_started(s);
    return rc;
}
