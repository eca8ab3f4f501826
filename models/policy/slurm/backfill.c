/* The backfill cycle (POLICY-SPEC.md B.5, B.7). Pending jobs are taken in
 * queue order. Each gets the earliest start that (a) the running jobs'
 * time limits allow, by the will-run test, and (b) leaves the nodes
 * reserved for the jobs before it alone. A job that can start now starts;
 * a later one gets a whole-node reservation in the node-space map (start
 * rounded down, end rounded up to bf_resolution) if it lies inside
 * bf_window, so later jobs cannot delay it. Running jobs are not in the
 * map: the will-run test walks them by end time (start + limit) in groups
 * whose window starts at 30 s and doubles (or grows by
 * bf_window_linear), and the job's start is the end of the last job of
 * the group after which it fits. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state.h"

#define NIL (-1)

static const sl_state *end_state;

static int cmp_end(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    double ea = end_state->sj[a].expected_end, eb = end_state->sj[b].expected_end;
    if (ea != eb)
        return ea < eb ? -1 : 1;
    return (a > b) - (a < b);
}

/* A job the cycle started joins the running jobs the will-run walks. */
static void add_to_order(sl_state *s, uint32_t j)
{
    uint32_t lo = 0, hi = s->norder;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (cmp_end(&s->order[mid], &j) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(s->order + lo + 1, s->order + lo, (s->norder - lo) * sizeof *s->order);
    s->order[lo] = j;
    s->norder++;
}

/* ---- node-space map ---- */

static int32_t space_new(sl_state *s, double begin, double end, const uint64_t *avail)
{
    int32_t r;
    if (s->space_free != NIL) {
        r = s->space_free;
        s->space_free = s->space[r].next;
    } else {
        if (s->nspace == s->space_cap) {
            uint32_t cap = s->space_cap ? 2 * s->space_cap : 64;
            sl_space *more = realloc(s->space, cap * sizeof *more);
            if (!more)
                return NIL;
            memset(more + s->space_cap, 0, (cap - s->space_cap) * sizeof *more);
            s->space = more;
            s->space_cap = cap;
        }
        r = (int32_t)s->nspace++;
        if (!s->space[r].avail && !(s->space[r].avail = malloc(s->nwords * sizeof(uint64_t))))
            return NIL;
    }
    s->space[r].begin = begin;
    s->space[r].end = end;
    s->space[r].next = NIL;
    memcpy(s->space[r].avail, avail, s->nwords * sizeof(uint64_t));
    return r;
}

/* Splits the record holding time t so that a record begins at t. */
static int split_at(sl_state *s, double t)
{
    for (int32_t r = 0; r != NIL; r = s->space[r].next) {
        sl_space *rec = &s->space[r];
        if (rec->begin < t && t < rec->end) {
            int32_t n = space_new(s, t, rec->end, rec->avail);
            if (n == NIL)
                return -1;
            rec = &s->space[r]; /* space_new may move the array */
            s->space[n].next = rec->next;
            rec->next = n;
            rec->end = t;
            return 0;
        }
    }
    return 0;
}

static bool same_avail(const sl_state *s, const sl_space *a, const sl_space *b)
{
    return !memcmp(a->avail, b->avail, s->nwords * sizeof(uint64_t));
}

/* Takes the picked nodes out of every record inside [begin, end). */
static int reserve(sl_state *s, double begin, double end, uint32_t *nrecords)
{
    if (split_at(s, begin) < 0 || split_at(s, end) < 0)
        return -1;
    for (int32_t r = 0; r != NIL; r = s->space[r].next) {
        sl_space *rec = &s->space[r];
        if (rec->begin >= end)
            break;
        if (rec->end <= begin)
            continue;
        for (uint32_t k = 0; k < s->npick; k++)
            sl_bit_clear(rec->avail, s->pick_node[k]);
    }
    /* One merge of neighbours with equal nodes, as Slurm does per insert. */
    for (int32_t r = 0; r != NIL && s->space[r].next != NIL; r = s->space[r].next) {
        int32_t n = s->space[r].next;
        if (same_avail(s, &s->space[r], &s->space[n])) {
            s->space[r].end = s->space[n].end;
            s->space[r].next = s->space[n].next;
            s->space[n].next = s->space_free;
            s->space_free = n;
            break;
        }
    }
    uint32_t count = 0;
    for (int32_t r = 0; r != NIL; r = s->space[r].next)
        count++;
    *nrecords = count;
    return 0;
}

/* Do the picked nodes stay unreserved throughout [begin, end)? */
static bool picks_free(const sl_state *s, double begin, double end)
{
    for (int32_t r = 0; r != NIL; r = s->space[r].next) {
        const sl_space *rec = &s->space[r];
        if (rec->begin >= end)
            break;
        if (rec->end <= begin)
            continue;
        for (uint32_t k = 0; k < s->npick; k++)
            if (!sl_bit(rec->avail, s->pick_node[k]))
                return false;
    }
    return true;
}

/* ---- will-run ---- */

typedef struct agg {
    uint64_t cpus;
    uint32_t nodes;
} agg;

static bool agg_fits(const sl_job *job, const agg *a) { return a->cpus >= job->cpus && a->nodes >= job->min_nodes; }

static uint32_t offer(const sl_state *s, uint32_t n, bool whole)
{
    uint32_t f = s->node_free[n];
    return whole ? (f == s->node_cpus[n] ? f : 0) : f;
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
            a.cpus += offer(s, w * 64 + (uint32_t)__builtin_ctzll(bits), whole);
            a.nodes++;
        }
    if (agg_fits(job, &a)) {
        *when = now;
        return sl_select(s, j, avail);
    }
    uint32_t nsaved = 0;
    double window = 30, last_end = 0;
    bool ok = false;
    for (uint32_t i = 0; i < s->norder && !ok;) {
        double first_end = -1;
        for (; i < s->norder; i++) {
            const sl_job *r = &s->sj[s->order[i]];
            bool relevant = false;
            for (uint32_t k = 0; k < r->nalloc && !relevant; k++)
                relevant = sl_bit(avail, r->alloc_node[k]) && sl_bit(p->member, r->alloc_node[k]);
            if (!relevant)
                continue;
            if (first_end < 0)
                first_end = r->expected_end;
            else if (r->expected_end > first_end + window)
                break;
            for (uint32_t k = 0; k < r->nalloc; k++) {
                uint32_t n = r->alloc_node[k];
                if (!s->touched[n]) {
                    s->touched[n] = 1;
                    s->saved[nsaved] = n;
                    s->saved_free[nsaved++] = s->node_free[n];
                }
                bool in = sl_bit(avail, n) && sl_bit(p->member, n);
                uint32_t before = in ? offer(s, n, whole) : 0;
                sl_set_free(s, n, s->node_free[n] + r->alloc_cpus[k]);
                if (in) {
                    uint32_t after = offer(s, n, whole);
                    a.cpus += after - before;
                    a.nodes += (after > 0) - (before > 0);
                }
            }
            last_end = r->expected_end;
            s->walk_steps++;
        }
        if (first_end < 0)
            break;
        window = s->p.bf_window_linear > 0 ? window + s->p.bf_window_linear : window * 2;
        if (agg_fits(job, &a))
            ok = sl_select(s, j, avail);
    }
    for (uint32_t k = 0; k < nsaved; k++) {
        sl_set_free(s, s->saved[k], s->saved_free[k]);
        s->touched[s->saved[k]] = 0;
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

/* ---- the cycle ---- */

/* CPUs of the partition's nodes in avail, busy or not: a job larger than
 * that cannot start there at any time, so the will-run walk is skipped. */
static uint64_t capacity(const sl_state *s, uint32_t part, const uint64_t *avail)
{
    const sl_part *p = &s->parts[part];
    uint64_t cpus = 0;
    for (uint32_t w = 0; w < s->nwords; w++) {
        uint64_t bits = p->member[w] & avail[w];
        if (p->uniform_cpus)
            cpus += (uint64_t)__builtin_popcountll(bits) * p->uniform_cpus;
        else
            for (; bits; bits &= bits - 1)
                cpus += s->node_cpus[w * 64 + (uint32_t)__builtin_ctzll(bits)];
    }
    return cpus;
}

static uint32_t popcount_and(const sl_state *s, const uint64_t *a)
{
    uint32_t c = 0;
    for (uint32_t w = 0; w < s->nwords; w++)
        c += (uint32_t)__builtin_popcountll(a[w]);
    return c;
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
    memcpy(s->order, s->running, s->nrunning * sizeof *s->order);
    s->norder = s->nrunning;
    end_state = s;
    qsort(s->order, s->norder, sizeof *s->order, cmp_end);
    /* The map starts as one record of every node over the window. */
    for (uint32_t r = 0; r < s->nspace; r++)
        s->space[r].next = r + 1 < s->nspace ? (int32_t)r + 1 : NIL;
    s->space_free = s->nspace > 1 ? 1 : NIL;
    if (s->nspace > 0)
        s->space[s->nspace - 1].next = NIL;
    memset(s->avail, 0xff, s->nwords * sizeof *s->avail);
    if (s->nnodes & 63)
        s->avail[s->nwords - 1] = (1ull << (s->nnodes & 63)) - 1;
    double win_end = floor((now + s->p.bf_window) / R) * R;
    if (s->nspace == 0) {
        if (space_new(s, floor(now / R) * R, win_end, s->avail) != 0)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
    } else {
        s->space[0] = (sl_space){floor(now / R) * R, win_end, s->space[0].avail, NIL};
        memcpy(s->space[0].avail, s->avail, s->nwords * sizeof *s->avail);
    }
    uint32_t nrecords = 1, tested = 0, started = 0;
    if (s->p.bf_max_job_user)
        memset(s->user_cnt, 0, s->nusers * sizeof *s->user_cnt);
    uint32_t *part_cnt = s->p.bf_max_job_part ? calloc(s->nparts, sizeof *part_cnt) : NULL;
    if (s->p.bf_max_job_part && !part_cnt)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    int rc = 0;
    s->in_backfill = true;
    for (uint32_t i = 0; i < s->npending; i++) {
        if (tested >= s->p.bf_max_job_test)
            break;
        if (s->p.bf_max_job_start && started >= s->p.bf_max_job_start)
            break;
        uint32_t j = s->pending[i];
        sl_job *job = &s->sj[j];
        if (job->eligible > now)
            continue;
        if (s->p.bf_max_job_user && s->user_cnt[job->user]++ >= s->p.bf_max_job_user)
            continue;
        if (part_cnt && part_cnt[job->part]++ >= s->p.bf_max_job_part)
            continue;
        bool no_reserve = job->prio < s->p.bf_min_prio_reserve ||
                          (s->p.bf_min_age_reserve > 0 && now - job->eligible < s->p.bf_min_age_reserve);
        const sl_part *p = &s->parts[job->part];
        double tl = job->limit, later = now;
        bool counted = false;
        for (;;) { /* TRY_LATER */
            double start_res = later, end_time = (start_res > now ? start_res : now) + tl;
            later = 0;
            memcpy(s->avail, p->member, s->nwords * sizeof *s->avail);
            for (int32_t r = 0; r != NIL; r = s->space[r].next) {
                const sl_space *rec = &s->space[r];
                if (rec->end <= start_res)
                    continue;
                /* the next point in time worth trying: where this record ends */
                if (later == 0 && rec->next != NIL)
                    later = rec->end;
                if (rec->begin > end_time)
                    break;
                for (uint32_t w = 0; w < s->nwords; w++)
                    s->avail[w] &= rec->avail[w];
            }
            if (capacity(s, job->part, s->avail) < job->cpus || popcount_and(s, s->avail) < job->min_nodes) {
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
            if (!will_run(s, j, s->avail, now, &t)) {
                if (later > 0)
                    continue;
                break;
            }
            double start = t > start_res ? t : start_res;
            double rb = floor(start / R) * R, re = floor((start + tl + R - 1) / R) * R;
            if (start > now && !picks_free(s, rb, re)) {
                later = start == start_res ? start + R : start;
                continue;
            }
            if (start <= now) {
                if ((rc = sl_start(s, j, err)) < 0)
                    goto out;
                add_to_order(s, j);
                started++;
                s->bf_starts++;
                break;
            }
            if (no_reserve)
                break;
            if (later > 0 && start > later)
                continue;
            if (start > now + s->p.bf_window)
                break;
            if (nrecords >= s->p.bf_node_space_size)
                goto out;
            if (s->setup->log)
                fprintf(s->setup->log, "%.0f backfill: job %.0f to start at %.0f, end at %.0f\n", now, s->jobs[j].swf.f[HS_SWF_JOB_ID],
                        start, re);
            if (reserve(s, rb, re, &nrecords) < 0) {
                rc = hs_error_set(err, NULL, 0, 0, "out of memory");
                goto out;
            }
            break;
        }
    }
out:
    s->in_backfill = false;
    if (s->setup->log)
        fprintf(s->setup->log, "%.0f backfill: tested %u jobs\n", now, tested);
    free(part_cnt);
    if (started)
        sl_remove_started(s);
    return rc;
}
