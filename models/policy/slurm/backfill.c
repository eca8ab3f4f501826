/* The backfill cycle (docs/slurm.md, B.7). Pending jobs are taken in
 * queue order. Each gets the earliest start that (a) the running jobs'
 * time limits allow, by the will-run test, and (b) leaves the nodes
 * reserved for the jobs before it alone. A job that can start now starts;
 * a later one gets a whole-node reservation in the node-space map if it
 * starts inside
 * bf_window, so later jobs cannot delay it. Running jobs are not in the
 * map: the will-run test walks them by end time (start + limit) in groups
 * that end at base + window: base is the first end rounded up to a
 * multiple of 30 s on the wall clock, the window 30 s, doubled (or grown
 * by bf_window_linear) after a group that did not make room until the next
 * job ends inside (docs/slurm.md, "The will-run test"); the job's start
 * is the end of the last job of the group after which it fits. The
 * reservation runs from the start
 * rounded down for the time limit, rounded up (seen in real Slurm 22.05's
 * backfill log: a 5 min job planned at 456 s was reserved until 722 s on
 * a clock whose minutes begin at 2 s, 62 s, ...).
 *
 * Three shortcuts leave the schedule unchanged (and are off with
 * --slurm-log, which shows every step): a cycle stops once no job left
 * can start now, or once it surely reaches bf_max_job_test before the
 * next one that may ("the cycle's tail"), a will-run question asked again
 * before a start is answered as it was (answers.c), and a job shaped like
 * the last one that changed nothing is not tested again ("jobs like the
 * last"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backfill.h"
#include "answers.h"
#include "pending.h"
#include "reserved.h"
#include "select.h"
#include "space.h"
#include "timeline.h"

/* The will-run test on the timeline's view of the nodes: the selection
 * code reads the nodes through s, so the views are swapped for the call
 * (timeline.c). */
static bool select_in_view(sl_state *s, uint32_t j, const uint64_t *avail)
{
    sl_timeline_swap_view(s);
    bool ok = sl_select(s, j, avail);
    sl_timeline_swap_view(s);
    return ok;
}

/* Slurm rounds on the wall clock (epoch seconds): trace time t is
 * epoch + t, the trace's UnixStartTime (0 when its header has none). */
static double round_down(const sl_state *s, double t, double step) { return floor((t + s->epoch) / step) * step - s->epoch; }

/* ---- will-run ---- */

typedef struct agg {
    uint64_t cpus;
    uint32_t nodes;
} agg;

static bool agg_fits(const sl_job *job, const agg *a) { return a->cpus >= job->cpus && a->nodes >= job->min_nodes; }

/* The will-run window grown (doubled, or by `linear` seconds) at least
 * once and until it reaches `need`, the next job's end from the first
 * end. Whole seconds jump there at once, which is exact; other sizes
 * take the steps one by one, so the sums round as they always did. */
static double grow_window(double window, double linear, double need)
{
    if (linear <= 0) {
        do
            window *= 2;
        while (need > window && window < 1e18);
        return window;
    }
    const double exact = 9007199254740992.0; /* 2^53 */
    if (window == floor(window) && linear == floor(linear) && need == floor(need) && window < exact / 4 &&
        linear < exact / 4 && fabs(need) < exact / 4 && need > window + linear)
        window += floor((need - window - 1) / linear) * linear; /* the last step before need */
    do
        window += linear;
    while (need > window);
    return window;
}

/* Whether running job r holds any of the nodes in `in`. */
static bool on_nodes(const sl_job *r, const uint64_t *in)
{
    for (uint32_t k = 0; k < r->nalloc_words; k++)
        if (in[r->alloc_words[2 * k]] & r->alloc_words[2 * k + 1])
            return true;
    return false;
}

/* Earliest time >= now at which job j fits on avail; the nodes it would
 * get are left in pick_*. */
static bool will_run(sl_state *s, uint32_t j, const uint64_t *avail, double now, double *when)
{
    const sl_job *job = &s->sj[j];
    const sl_part *p = &s->parts[job->part];
    bool whole = p->exclusive;
    agg a = {0, 0};
    const uint64_t *usable = whole ? s->idle : s->has_free;
    for (uint32_t w = 0; w < s->nwords; w++)
        for (uint64_t bits = p->member[w] & avail[w] & usable[w]; bits; bits &= bits - 1) {
            a.cpus += sl_offer(s, w * 64 + (uint32_t)__builtin_ctzll(bits), whole);
            a.nodes++;
        }
    if (agg_fits(job, &a)) {
        *when = now;
        return sl_select(s, j, avail);
    }
    /* Walk the running jobs by end time (timeline.c), counting what the
     * ones on the nodes asked about give back; when that is all of the
     * partition's nodes, the sums over the steps come from the timeline. */
    uint64_t *in = s->walk_in;
    bool whole_part = true;
    for (uint32_t w = 0; w < s->nwords; w++) {
        in[w] = avail[w] & p->member[w];
        whole_part &= in[w] == p->member[w];
    }
    const agg now_free = a;
    double window = 30, last_end = 0, base = -1;
    uint32_t through = 0; /* steps up to the last job counted */
    bool ok = false;
    for (uint32_t i = 0; i < s->norder && !ok;) {
        bool removed = false;
        for (; i < s->norder; i++) {
            const sl_job *r = &s->sj[s->order[i]];
            if (!on_nodes(r, in))
                continue;
            if (base < 0) /* the first end rounded up to 30 s on the wall clock */
                base = r->expected_end + window - fmod(r->expected_end + s->epoch, window);
            if (!whole_part)
                sl_timeline_step_gain(s, i, in, whole, &a.cpus, &a.nodes);
            last_end = r->expected_end;
            through = i + 1;
            removed = true;
            s->walk_steps++;
            /* The group ends when the next running job, on these nodes
             * or not, ends past the window (docs/slurm.md, "The will-run
             * test"). */
            if (i + 1 < s->norder && s->sj[s->order[i + 1]].expected_end > base + window) {
                i++;
                break;
            }
        }
        if (!removed)
            break;
        if (whole_part) {
            sl_timeline_gain(s, job->part, through, &a.cpus, &a.nodes);
            a.cpus += now_free.cpus;
            a.nodes += now_free.nodes;
        }
        if (agg_fits(job, &a)) {
            sl_timeline_seek(s, through);
            ok = select_in_view(s, j, avail);
        }
        if (ok || i >= s->norder)
            break;
        /* The window doubles (or grows by bf_window_linear) until the
         * next job on these nodes ends inside it, counting from the same
         * base every time (docs/slurm.md, "The will-run test"). */
        while (i < s->norder && !on_nodes(&s->sj[s->order[i]], in))
            i++;
        if (i >= s->norder)
            break;
        window = grow_window(window, s->p.bf_window_linear, s->sj[s->order[i]].expected_end - base);
    }
    if (!ok)
        return false;
    if (last_end <= now) { /* the job holding the nodes runs past its limit */
        last_end += s->p.kill_wait;
        if (last_end <= now)
            last_end = now + 1;
    }
    *when = last_end;
    return true;
}

/* A will-run test, or its answer from earlier in the cycle (answers.c),
 * with the nodes it picked in pick_*. With --slurm-log every test is run,
 * as Slurm runs it (a test compares the two ways). */
static bool will_run_again(sl_state *s, uint32_t j, const uint64_t *avail, double now, double *when)
{
    if (s->setup->log)
        return will_run(s, j, avail, now, when);
    sl_answers *as = &s->answers;
    bool hit;
    sl_answer *e = sl_answers_slot(as, &s->sj[j], avail, &hit);
    if (hit) {
        sl_answers_use(as, e, s->pick_node, s->pick_cpus, &s->npick);
        *when = e->when;
        return e->ok;
    }
    bool ok = will_run(s, j, avail, now, when);
    sl_answers_keep(as, e, ok, *when, s->pick_node, s->pick_cpus, s->npick); /* not kept: asked again */
    return ok;
}

/* ---- the cycle ---- */

/* The partition's nodes in avail and their CPUs, busy or not: a job
 * larger than that cannot start there at any time, so the will-run walk
 * is skipped. Built twice on x86-64 (SL_POPCNT_CLONES), the popcnt
 * instruction is used where the CPU has it. */
SL_POPCNT_CLONES static agg capacity(const sl_state *s, uint32_t part, const uint64_t *avail)
{
    const sl_part *p = &s->parts[part];
    agg a = {0, 0};
    for (uint32_t w = 0; w < s->nwords; w++) {
        uint64_t bits = p->member[w] & avail[w];
        uint32_t n = (uint32_t)__builtin_popcountll(bits);
        a.nodes += n;
        if (p->word_cpus[w] != UINT32_MAX)
            a.cpus += (uint64_t)n * p->word_cpus[w];
        else
            for (; bits; bits &= bits - 1)
                a.cpus += s->node_cpus[w * 64 + (uint32_t)__builtin_ctzll(bits)];
    }
    return a;
}

/* ---- the cycle's tail ----
 * A cycle changes nothing but the jobs it starts: its reservations are
 * dropped at its end. So once no job left in the queue can start now, the
 * rest of the cycle is skipped, with no effect on the schedule (only the
 * tested count differs, so the shortcut is off with --slurm-log).
 * A job can start now only if its partition's nodes free of reservations
 * over [now, now + limit] (res_first: the earliest reservation on each
 * node that ends after now) offer its CPUs and nodes. Reservations and
 * starts only take resources away during a cycle, so a job that fails
 * this once fails it for the rest of the cycle, and a probe that walks
 * down the queue visits each job at most once per cycle. */

/* Up to this many nodes free now or reserved, a pass over them costs
 * less than the sums of reserved.c. */
#define FEW_NODES 64

static bool may_start_now(sl_state *s, uint32_t j, double now)
{
    const sl_job *job = &s->sj[j];
    if (job->eligible > now || s->jobs[j].state != HS_JOB_QUEUED)
        return false;
    const sl_part *p = &s->parts[job->part];
    bool whole = p->exclusive;
    agg a = {whole ? p->idle_cpus : p->free_cpus, whole ? p->idle_nodes : p->free_nodes};
    double until = now + job->limit;
    uint64_t taken_cpus;
    uint32_t taken_nodes;
    if (a.nodes > FEW_NODES && s->nres_touched > FEW_NODES &&
        sl_reserved_taken(s, job->part, until, &taken_cpus, &taken_nodes)) {
        a.cpus -= taken_cpus; /* many nodes: summed by reservation begin (reserved.c) */
        a.nodes -= taken_nodes;
        return agg_fits(job, &a);
    }
    if (a.nodes < s->nres_touched) { /* count the few nodes that offer CPUs */
        const uint64_t *usable = whole ? s->idle : s->has_free;
        a.cpus = a.nodes = 0;
        for (uint32_t w = 0; w < s->nwords; w++)
            for (uint64_t bits = p->member[w] & usable[w]; bits; bits &= bits - 1) {
                uint32_t n = w * 64 + (uint32_t)__builtin_ctzll(bits);
                if (s->res_first[n] > until) {
                    a.cpus += sl_offer(s, n, whole);
                    a.nodes++;
                }
            }
        return agg_fits(job, &a);
    }
    /* or what the partition offers less what the reservations within the
     * job's time limit take, when fewer nodes have one */
    for (uint32_t k = 0; k < s->nres_touched; k++) {
        uint32_t n = s->res_touched[k], o;
        if (s->res_first[n] <= until && (o = sl_offer(s, n, whole)) > 0 && sl_bit(p->member, n)) {
            a.cpus -= o;
            a.nodes--;
        }
    }
    return agg_fits(job, &a);
}

/* Notes a reservation [begin, end) on the picked nodes in res_first.
 * Returns whether it can change what may_start_now says of any job: only
 * when it comes earlier on a node with free CPUs now (busy nodes offer
 * nothing to count). */
static bool note_reservation(sl_state *s, double begin, double end, double now)
{
    if (end <= now || begin >= s->space.r[s->space.n - 1].end) /* outside the map's records */
        return false;
    bool matters = false;
    for (uint32_t k = 0; k < s->npick; k++) {
        uint32_t n = s->pick_node[k];
        if (s->res_first[n] == INFINITY)
            s->res_touched[s->nres_touched++] = n;
        if (begin < s->res_first[n]) {
            double old = s->res_first[n];
            s->res_first[n] = begin;
            sl_reserved_moved(s, n, old);
            matters |= s->node_free[n] > 0;
        }
    }
    return matters;
}

/* The cycle also ends with no start left when it surely counts its last
 * `budget` jobs (bf_max_job_test) before the probe's job: the jobs before
 * that one cannot start now. A job is counted once the nodes of its
 * partition free of reservations hold it at some try of TRY_LATER, and
 * its last try is over the map's last record alone (a job that may not
 * reserve tries only [now, now + limit]). The nodes reserved in the last
 * record only grow (a reservation that splits it leaves the older ones on
 * both parts), and a reservation takes at most max(CPUs, nodes) nodes, as
 * each node it takes gives it a CPU. So a job is surely counted when its
 * partition still holds it without the nodes reserved now (in the last
 * record; anywhere, for a job that may not reserve) and that many more
 * for each job before it that may reserve, each node taken away with the
 * partition's largest CPU count. bf_max_job_user and bf_max_job_part
 * leave jobs uncounted by counts this does not follow, so the bound is
 * not used with them. */
static bool surely_counts_before(const sl_state *s, uint32_t i, uint32_t probe, uint32_t budget, double now)
{
    if (s->p.bf_max_job_user || s->p.bf_max_job_part || probe - i < budget)
        return false;
    const uint64_t *last = s->space.r[s->space.n - 1].avail;
    uint64_t in_last = 0; /* nodes reserved in the last record */
    for (uint32_t w = 0; w < s->nwords; w++)
        in_last += (uint64_t)__builtin_popcountll(~last[w]);
    if (s->nnodes & 63) /* bits past the last node are never free */
        in_last -= 64 - (s->nnodes & 63);
    uint64_t more = 0; /* at most taken by the reservations of jobs i.. */
    for (uint32_t k = i; k < probe && in_last + more < s->nnodes; k++) {
        const sl_job *job = &s->sj[s->pending[k]];
        if (job->eligible > now)
            continue;
        const sl_part *p = &s->parts[job->part];
        bool reserves = sl_may_reserve(s, job, now);
        uint64_t taken = (reserves ? in_last : s->nres_touched) + more;
        if (taken < p->nnodes && p->nnodes - taken >= job->min_nodes && p->cpus >= job->cpus + taken * p->max_node_cpus &&
            --budget == 0)
            return true;
        if (reserves) { /* max(CPUs, nodes, 1) */
            uint32_t most = job->cpus > job->min_nodes ? job->cpus : job->min_nodes;
            more += most > 0 ? most : 1;
        }
    }
    return false;
}

/* ---- jobs like the last ----
 * What a job's test does depends only on its partition, CPUs, node count,
 * time limit and whether it may reserve, and on the cycle's state. A job
 * that neither started nor reserved left that state as it was, so a
 * job of the same shape right after it (users submit many), or after
 * others of that shape, would do exactly the same: it is counted as
 * tested, or not, as that one was, and skipped. */

typedef struct like_last {
    bool valid;
    uint64_t changes; /* the cycle's starts and reservations then */
    uint32_t part, cpus, min_nodes;
    double limit;
    bool no_reserve, counted;
} like_last;

static bool same_as_last(const like_last *l, uint64_t changes, const sl_job *job, bool no_reserve)
{
    return l->valid && l->changes == changes && l->part == job->part && l->cpus == job->cpus && l->min_nodes == job->min_nodes &&
           l->limit == job->limit && l->no_reserve == no_reserve;
}

int sl_backfill(sl_state *s, hs_error *err)
{
    double now = hs_engine_now(s->eng), R = s->p.bf_resolution;
    s->bf_cycles++;
    s->last_bf = now;
    s->changed = false;
    if (s->npending == 0)
        return 0;
    sl_sort_pending(s);
    /* The map starts as one record of every node over the window. */
    memset(s->avail, 0xff, s->nwords * sizeof *s->avail);
    if (s->nnodes & 63)
        s->avail[s->nwords - 1] = (1ull << (s->nnodes & 63)) - 1;
    if (sl_space_reset(&s->space, round_down(s, now, R), round_down(s, now + s->p.bf_window, R), s->avail) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    uint32_t tested = 0, started = 0, tested_at_start = 0; /* tested when the last job started */
    if (s->p.bf_max_job_user)
        memset(s->user_cnt, 0, s->nusers * sizeof *s->user_cnt);
    uint32_t *part_cnt = s->p.bf_max_job_part ? s->part_cnt : NULL;
    if (part_cnt)
        memset(part_cnt, 0, s->nparts * sizeof *part_cnt);
    int rc = 0;
    s->in_backfill = true;
    sl_answers_forget(&s->answers);
    /* probe: the first job at or after i that may start now, as of the
     * state version probe_version (changes: starts, and reservations that
     * may_start_now sees) */
    bool shortcut = !s->setup->log;
    uint32_t probe = 0;
    uint64_t version = 0, probe_version = UINT64_MAX;
    /* the last job that neither started nor got a reservation, as of the
     * state version `changes` (any start or reservation) */
    like_last last = {0};
    uint64_t changes = 0;
    for (uint32_t i = 0; i < s->npending; i++) {
        if (tested >= s->p.bf_max_job_test)
            break;
        if (s->p.bf_max_job_start && started >= s->p.bf_max_job_start)
            break;
        if (shortcut) {
            if (probe < i) {
                probe = i;
                probe_version = UINT64_MAX;
            }
            if (probe_version != version) {
                while (probe < s->npending && !may_start_now(s, s->pending[probe], now))
                    probe++;
                probe_version = version;
            }
            if (probe >= s->npending ||
                (probe > i && surely_counts_before(s, i, probe, s->p.bf_max_job_test - tested, now)))
                break;
        }
        uint32_t j = s->pending[i];
        sl_job *job = &s->sj[j];
        if (job->eligible > now)
            continue;
        if (s->p.bf_max_job_user && s->user_cnt[job->user]++ >= s->p.bf_max_job_user)
            continue;
        if (part_cnt && part_cnt[job->part]++ >= s->p.bf_max_job_part)
            continue;
        bool no_reserve = !sl_may_reserve(s, job, now);
        if (shortcut && same_as_last(&last, changes, job, no_reserve)) {
            if (last.counted) {
                tested++;
                s->bf_tested++;
            }
            continue;
        }
        const sl_part *p = &s->parts[job->part];
        double tl = job->limit, later = now;
        bool counted = false;
        uint64_t changes_before = changes;
        for (;;) { /* TRY_LATER */
            double start_res = later, end_time = (start_res > now ? start_res : now) + tl;
            uint32_t first = sl_space_find(&s->space, start_res);
            memcpy(s->avail, p->member, s->nwords * sizeof *s->avail);
            const uint64_t *to_end = first < s->space.n && s->space.r[s->space.n - 1].begin <= end_time
                                         ? sl_space_free_to_end(&s->space, first)
                                         : NULL;
            /* the next point in time worth trying: the end of the first
             * record whose successor frees a node of the partition
             * (docs/slurm.md, "TRY_LATER"); 0: none. Slurm looks at every
             * record its walk visits, the first one that begins after the
             * window included. */
            later = 0;
            for (uint32_t r = first; r < s->space.n; r++) {
                if (later == 0 && r + 1 < s->space.n && sl_space_frees(&s->space, r, p->member))
                    later = s->space.r[r].end;
                if (s->space.r[r].begin > end_time || (to_end && later > 0))
                    break;
                if (!to_end)
                    for (uint32_t w = 0; w < s->nwords; w++)
                        s->avail[w] &= s->space.r[r].avail[w];
            }
            if (to_end) /* the window covers every record from first on */
                for (uint32_t w = 0; w < s->nwords; w++)
                    s->avail[w] &= to_end[w];
            agg most = capacity(s, job->part, s->avail);
            if (!agg_fits(job, &most)) {
                if (later > 0 && !no_reserve)
                    continue;
                break;
            }
            if (!counted) {
                counted = true;
                tested++;
                s->bf_tested++;
            }
            double t;
            if (!will_run_again(s, j, s->avail, now, &t)) {
                if (later > 0)
                    continue;
                break;
            }
            double start = t > start_res ? t : start_res;
            double rb = round_down(s, start, R), re = round_down(s, rb + tl + R - 1, R);
            if (start > now && !sl_space_nodes_free(&s->space, rb, re, s->pick_node, s->npick)) {
                later = start == start_res ? start + R : start;
                continue;
            }
            if (start <= now) {
                if ((rc = sl_start(s, j, err)) < 0)
                    goto out;
                version++;
                changes++;
                sl_answers_forget(&s->answers);
                started++;
                tested_at_start = tested;
                s->bf_starts++;
                break;
            }
            if (no_reserve)
                break;
            if (later > 0 && start > later)
                continue;
            if (start > now + s->p.bf_window)
                break;
            if (s->space.n >= s->p.bf_node_space_size)
                goto out;
            if (s->setup->log) {
                fprintf(s->setup->log, "%.0f backfill: job %.0f to start at %.0f, end at %.0f on", now, s->jobs[j].swf.f[HS_SWF_JOB_ID],
                        start, re);
                for (uint32_t k = 0; k < s->npick; k++)
                    fprintf(s->setup->log, "%s%s", k ? "," : " ", s->setup->conf.nodes[s->pick_node[k]].name);
                fputc('\n', s->setup->log);
            }
            if (sl_space_reserve(&s->space, rb, re, s->pick_node, s->npick) < 0) {
                rc = hs_error_set(err, NULL, 0, 0, "out of memory");
                goto out;
            }
            if (note_reservation(s, rb, re, now))
                version++;
            changes++;
            break;
        }
        if (changes == changes_before)
            last = (like_last){true, changes, job->part, job->cpus, job->min_nodes, job->limit, no_reserve, counted};
    }
out:
    s->bf_tested_after += tested - tested_at_start;
    s->in_backfill = false;
    for (uint32_t k = 0; k < s->nres_touched; k++)
        s->res_first[s->res_touched[k]] = INFINITY;
    s->nres_touched = 0;
    sl_reserved_forget(s);
    if (s->setup->log)
        fprintf(s->setup->log, "%.0f backfill: tested %u jobs\n", now, tested);
    if (started)
        sl_remove_started(s);
    return rc;
}
