/* The main scheduler's pass (docs/slurm.md), over the queue in the order
 * of pending.c. Jobs are tried in that order; the first
 * job of a partition that cannot start now blocks the partition: its
 * nodes are taken out of the pass for every later job, including jobs of
 * overlapping partitions. So within a partition jobs start in strict
 * priority order; only the backfill starts jobs out of order. */
#include <string.h>

#include "main_sched.h"
#include "pending.h"
#include "select.h"

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
