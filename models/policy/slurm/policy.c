/* The Slurm model behind `--policy slurm` (issue 6): when each of Slurm's
 * activities runs, and the state they share. Slurm's controller has
 * three clocks, modelled here as timers that ask the engine for
 * wake-ups (docs/slurm.md):
 *  - the main scheduler: a pass (default_queue_depth jobs) on the first
 *    whole second after a submission or a job's end once batch_sched_delay
 *    has passed since the previous pass, and over the whole queue every
 *    sched_interval;
 *  - the backfill: a cycle every bf_interval, only when something changed
 *    since the last one; the skipped cycles keep their phase while jobs
 *    pend (otherwise the first 1-second poll after a change);
 *  - the priority decay thread: every PriorityCalcPeriod, usage is decayed
 *    and charged and pending jobs' priorities recomputed (only when age or
 *    fair-share weigh anything; otherwise priorities never change).
 * At one instant the order is: ticks, main pass, backfill. Timers stop
 * when there is nothing to do, so a run ends with its last job; skipped
 * ticks lose nothing, since decay over a gap is one factor.
 * Held to a real history (lockstep.h), only the priority clock runs
 * until the instant asked about; then both schedulers run once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "backfill.h"
#include "forced.h"
#include "main_sched.h"
#include "pending.h"
#include "priority.h"
#include "reserved.h"
#include "select.h"
#include "timeline.h"

#define NEVER INFINITY

static void slurm_destroy(void *state)
{
    sl_state *s = state;
    if (!s)
        return;
    if (getenv("HPCSIM_SLURM_STATS"))
        fprintf(stderr,
                "slurm: %llu main passes (%llu starts), %llu backfill cycles (%llu starts), %llu jobs tested (%llu after their "
                "cycle's last start), %llu walk steps, %llu selects\n",
                (unsigned long long)s->main_passes, (unsigned long long)s->main_starts, (unsigned long long)s->bf_cycles,
                (unsigned long long)s->bf_starts, (unsigned long long)s->bf_tested, (unsigned long long)s->bf_tested_after,
                (unsigned long long)s->walk_steps, (unsigned long long)s->selects);
    for (uint32_t i = 0; s->sj && i < hs_engine_trace(s->eng)->njobs; i++) {
        free(s->sj[i].alloc_node);
        free(s->sj[i].alloc_cpus);
        free(s->sj[i].alloc_words);
    }
    for (uint32_t p = 0; s->parts && p < s->nparts; p++) {
        free(s->parts[p].nodes);
        free(s->parts[p].member);
        free(s->parts[p].word_cpus);
    }
    for (uint32_t n = 0; s->node_parts && n < s->nnodes; n++)
        free(s->node_parts[n]);
    sl_space_free(&s->space);
    sl_timeline_free(&s->tl);
    sl_forced_free(s);
    free(s->reserved.b);
    free(s->node_parts);
    free(s->node_nparts);
    free(s->parts);
    free(s->sj);
    free(s->node_cpus);
    free(s->node_free);
    free(s->node_weight);
    free(s->word_weight);
    free(s->node_core_base);
    free(s->pending);
    free(s->running);
    free(s->order);
    free(s->avail);
    free(s->blocked);
    free(s->pick_node);
    free(s->pick_cpus);
    free(s->pick_pairs);
    free(s->has_free);
    free(s->topo_avail);
    free(s->walk_in);
    sl_answers_free(&s->answers);
    free(s->res_first);
    free(s->res_touched);
    free(s->part_failed);
    free(s->part_depth);
    free(s->part_cnt);
    free(s->sw_nodes);
    free(s->sw_cpus);
    free(s->idle);
    free(s->user_cnt);
    hs_intervals_free(&s->iv);
    sl_assoc_free(&s->assoc);
    free(s);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static int make_parts(sl_state *s)
{
    const hs_slurm_conf *c = &s->setup->conf;
    s->nparts = c->nparts;
    if (!(s->parts = calloc(s->nparts, sizeof *s->parts)) || !(s->node_nparts = calloc(s->nnodes, sizeof *s->node_nparts)) ||
        !(s->node_parts = calloc(s->nnodes, sizeof *s->node_parts)))
        return -1;
    for (uint32_t i = 0; i < s->nparts; i++) {
        const hs_slurm_partition *cp = &c->parts[i];
        sl_part *p = &s->parts[i];
        if (!(p->member = calloc(s->nwords, sizeof *p->member)) || !(p->nodes = malloc((cp->nnodes ? cp->nnodes : 1) * sizeof *p->nodes)))
            return -1;
        memcpy(p->nodes, cp->nodes, cp->nnodes * sizeof *p->nodes);
        qsort(p->nodes, cp->nnodes, sizeof *p->nodes, cmp_u32);
        for (uint32_t k = 0; k < cp->nnodes; k++) {
            uint32_t n = p->nodes[k];
            if (sl_bit(p->member, n))
                continue; /* named twice */
            sl_bit_set(p->member, n);
            p->nodes[p->nnodes++] = n;
            p->cpus += s->node_cpus[n];
            if (s->node_cpus[n] > p->max_node_cpus)
                p->max_node_cpus = s->node_cpus[n];
            uint32_t *more = realloc(s->node_parts[n], (s->node_nparts[n] + 1) * sizeof *more);
            if (!more)
                return -1;
            s->node_parts[n] = more;
            more[s->node_nparts[n]++] = i;
        }
        if (!(p->word_cpus = calloc(s->nwords, sizeof *p->word_cpus)))
            return -1;
        for (uint32_t k = 0; k < p->nnodes; k++) { /* UINT32_MAX: mixed */
            uint32_t n = p->nodes[k], *wc = &p->word_cpus[n >> 6];
            *wc = *wc == 0 || *wc == s->node_cpus[n] ? s->node_cpus[n] : UINT32_MAX;
        }
        p->free_cpus = p->idle_cpus = p->cpus;
        p->idle_nodes = p->free_nodes = p->nnodes;
        p->tier = cp->priority_tier;
        p->job_factor = cp->priority_job_factor;
        if (p->job_factor > s->max_job_factor)
            s->max_job_factor = p->job_factor;
        p->max_time = cp->max_time;
        p->exclusive = s->p.whole_nodes || !strcmp(cp->oversubscribe, "EXCLUSIVE");
        p->up = cp->up;
    }
    return 0;
}

/* Users get dense numbers. Associations come from the site's file
 * (hs_slurm_setup_load_assoc) where it names the user; otherwise each
 * (account = SWF group, user) pair is one under the root with one raw
 * share, Slurm's default. */
static int make_jobs(sl_state *s)
{
    hs_trace *t = hs_engine_trace(s->eng);
    if (!(s->sj = calloc(t->njobs ? t->njobs : 1, sizeof *s->sj)))
        return -1;
    if (s->setup->assoc.tree.n ? sl_assoc_copy(&s->assoc, &s->setup->assoc.tree) < 0 : sl_assoc_init(&s->assoc) < 0)
        return -1;
    uint32_t *uids = malloc((t->njobs ? t->njobs : 1) * sizeof *uids);
    if (!uids)
        return -1;
    for (uint32_t j = 0; j < t->njobs; j++) {
        double u = t->jobs[j].swf.f[HS_SWF_USER];
        uids[j] = u < 0 ? UINT32_MAX : (uint32_t)u;
    }
    qsort(uids, t->njobs, sizeof *uids, cmp_u32);
    uint32_t nu = 0;
    for (uint32_t j = 0; j < t->njobs; j++)
        if (j == 0 || uids[j] != uids[j - 1])
            uids[nu++] = uids[j];
    s->nusers = nu;
    for (uint32_t j = 0; j < t->njobs; j++) {
        const hs_job *hj = &t->jobs[j];
        sl_job *job = &s->sj[j];
        job->part = hs_slurm_route(s->setup, (long)hj->swf.f[HS_SWF_PARTITION]);
        const sl_part *p = &s->parts[job->part];
        job->cpus = (uint32_t)hj->procs;
        job->min_nodes = (uint32_t)((hj->procs + p->max_node_cpus - 1) / p->max_node_cpus);
        if (job->min_nodes == 0)
            job->min_nodes = 1;
        job->limit = hs_slurm_limit(s->setup, job->part, hj->req_time);
        job->eligible = hj->submit;
        job->qos = s->setup->qos.n ? sl_qos_file_route(&s->setup->qos, hj->swf.f[HS_SWF_QUEUE]) : 0;
        double u = hj->swf.f[HS_SWF_USER], g = hj->swf.f[HS_SWF_GROUP];
        uint32_t uid = u < 0 ? UINT32_MAX : (uint32_t)u;
        uint32_t *pos = bsearch(&uid, uids, nu, sizeof *uids, cmp_u32);
        job->user = (uint32_t)(pos - uids);
        if (s->setup->assoc.tree.n && (job->assoc = sl_assoc_file_user(&s->setup->assoc, u < 0 ? -1 : (long)u)) != UINT32_MAX)
            continue; /* the site's own association */
        char acct[32], user[32];
        snprintf(acct, sizeof acct, g < 0 ? "nogroup" : "g%.0f", g);
        snprintf(user, sizeof user, u < 0 ? "nouser" : "u%.0f", u);
        uint32_t a = sl_assoc_find(&s->assoc, 0, acct);
        if (a == UINT32_MAX && (a = sl_assoc_add(&s->assoc, 0, acct, 1, false)) == UINT32_MAX)
            goto fail;
        uint32_t ua = sl_assoc_find(&s->assoc, a, user);
        if (ua == UINT32_MAX && (ua = sl_assoc_add(&s->assoc, a, user, 1, true)) == UINT32_MAX)
            goto fail;
        job->assoc = ua;
    }
    free(uids);
    if (s->p.fair_tree)
        return sl_assoc_fair_tree(&s->assoc);
    sl_assoc_classic(&s->assoc, s->p.dampening);
    return 0;
fail:
    free(uids);
    return -1;
}

static int slurm_create(hs_engine *eng, void **state, hs_error *err)
{
    const hs_slurm_setup *setup = hs_engine_policy_config(eng);
    if (!setup)
        return hs_error_set(err, "--policy slurm", 0, 0, "needs --slurm-conf FILE (the cluster and the scheduler's parameters come from it)");
    const hs_cluster *c = hs_engine_cluster(eng);
    if (c->nnodes != setup->conf.nnodes || c->mode != HS_ALLOC_CORES)
        return hs_error_set(err, setup->source, 0, 0, "the cluster must be the one this slurm.conf describes (%u nodes, by cores)",
                            setup->conf.nnodes);
    sl_state *s = calloc(1, sizeof *s);
    if (!s)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    s->eng = eng;
    s->jobs = hs_engine_trace(eng)->jobs;
    s->setup = setup;
    s->p = setup->params;
    s->epoch = hs_engine_trace(eng)->header.unix_start_time > 0 ? (double)hs_engine_trace(eng)->header.unix_start_time : 0;
    s->nnodes = c->nnodes;
    s->nwords = (s->nnodes + 63) / 64;
    uint32_t njobs = hs_engine_trace(eng)->njobs, n = s->nnodes;
    if (!(s->node_cpus = malloc(n * sizeof *s->node_cpus)) || !(s->node_free = malloc(n * sizeof *s->node_free)) ||
        !(s->node_weight = malloc(n * sizeof *s->node_weight)) ||
        !(s->word_weight = malloc(s->nwords * sizeof *s->word_weight)) || !(s->node_core_base = malloc((n + 1) * sizeof *s->node_core_base)) ||
        !(s->avail = calloc(s->nwords, sizeof *s->avail)) || !(s->blocked = calloc(s->nwords, sizeof *s->blocked)) ||
        !(s->pick_node = malloc(n * sizeof *s->pick_node)) || !(s->pick_cpus = malloc(n * sizeof *s->pick_cpus)) ||
        !(s->pick_pairs = malloc(n * sizeof *s->pick_pairs)) ||
        !(s->has_free = calloc(s->nwords, sizeof *s->has_free)) ||
        !(s->idle = calloc(s->nwords, sizeof *s->idle)) || !(s->topo_avail = calloc(s->nwords, sizeof *s->topo_avail)) ||
        !(s->walk_in = calloc(s->nwords, sizeof *s->walk_in)) ||
        sl_answers_init(&s->answers, s->nwords) < 0 || !(s->res_first = malloc(n * sizeof *s->res_first)) ||
        !(s->res_touched = malloc(n * sizeof *s->res_touched)) ||
        !(s->part_failed = calloc(setup->conf.nparts, sizeof *s->part_failed)) ||
        !(s->part_depth = calloc(setup->conf.nparts, sizeof *s->part_depth)) ||
        !(s->part_cnt = calloc(setup->conf.nparts, sizeof *s->part_cnt)) ||
        !(s->sw_nodes = calloc(setup->topo.n + 1, sizeof *s->sw_nodes)) || !(s->sw_cpus = calloc(setup->topo.n + 1, sizeof *s->sw_cpus)) || !(s->pending = malloc((njobs ? njobs : 1) * sizeof *s->pending)) ||
        !(s->running = malloc((njobs ? njobs : 1) * sizeof *s->running)) || !(s->order = malloc((njobs ? njobs : 1) * sizeof *s->order)))
        goto nomem;
    for (uint32_t i = 0; i < n; i++) {
        s->node_cpus[i] = setup->conf.nodes[i].cpus;
        sl_set_free(s, i, s->node_cpus[i]);
        s->node_weight[i] = setup->conf.nodes[i].weight;
        uint32_t *ww = &s->word_weight[i >> 6];
        *ww = (i & 63) == 0 || *ww == s->node_weight[i] ? s->node_weight[i] : UINT32_MAX;
        s->res_first[i] = INFINITY;
        s->total_cpus += s->node_cpus[i];
    }
    memcpy(s->node_core_base, c->core_base, (n + 1) * sizeof *s->node_core_base);
    if (sl_timeline_init(s, njobs) < 0 || make_parts(s) < 0 || make_jobs(s) < 0 || !(s->user_cnt = calloc(s->nusers ? s->nusers : 1, sizeof *s->user_cnt)))
        goto nomem;
    if (setup->lockstep && sl_forced_init(s, err) < 0) {
        slurm_destroy(s);
        return -1;
    }
    sl_space_init(&s->space, s->nwords);
    sl_reserved_forget(s);
    s->main_due = s->bf_due = -1;
    s->last_main = s->last_bf = -NEVER;
    s->next_full = s->next_tick = s->next_wake = NEVER;
    s->dynamic_priority = s->p.multifactor && (s->p.w_age || s->p.w_fairshare);
    *state = s;
    return 0;
nomem:
    slurm_destroy(s);
    return hs_error_set(err, NULL, 0, 0, "out of memory");
}

/* The first time >= t on the controller's 1-second background loop,
 * which wakes at main_phase + k (1 + main_drift) s: each turn of the loop
 * sleeps a second after its own work (main_phase and main_drift 0 unless
 * measured: docs/slurm.md, "Two schedulers and a decay thread"). */
static double next_second(const sl_state *s, double t)
{
    double f = s->setup->main_phase, period = 1 + s->setup->main_drift;
    return f + ceil((t - f) / period) * period;
}

static void request_main(sl_state *s)
{
    double now = hs_engine_now(s->eng), f = s->setup->main_phase, period = 1 + s->setup->main_drift;
    double t = f + floor((now - f) / period) * period + period, after = s->last_main + s->p.batch_sched_delay;
    if (after > t)
        t = next_second(s, after);
    if (s->main_due < 0 || t < s->main_due)
        s->main_due = t;
}

static void slurm_submitted(void *state, hs_job *hj)
{
    sl_state *s = state;
    uint32_t j = hs_engine_job_index(s->eng, hj);
    sl_priority_job(s, j);
    sl_queue_add(s, j);
    s->changed = true;
    request_main(s);
}

static void slurm_ended(void *state, hs_job *hj)
{
    sl_state *s = state;
    uint32_t j = hs_engine_job_index(s->eng, hj);
    sl_charge_end(s, j);
    sl_release(s, j);
    request_main(s); /* as after a submission: real Slurm's record shows no pass at once */
}

static void slurm_wakeup(void *state) { (void)state; }

static double next_multiple(double now, double period) { return (floor(now / period) + 1) * period; }

/* The decay thread's next run after now: it runs every PriorityCalcPeriod
 * from its own start, calc_phase s from the trace's time 0 (0 unless
 * measured; docs/slurm.md, "Two schedulers and a decay thread"). */
static double next_tick(const sl_state *s, double now)
{
    double phase = s->setup->calc_phase, period = s->p.calc_period;
    return phase + (floor((now - phase) / period) + 1) * period;
}

/* Held to a real history: the real starts until the instant asked
 * about, priorities on their own clock; at the instant, the state into
 * the log, a full main pass, a backfill cycle, and the run stops. */
static int lockstep_schedule(sl_state *s, hs_error *err)
{
    double now = hs_engine_now(s->eng), at = s->setup->lockstep->at;
    if (s->next_wake <= now)
        s->next_wake = NEVER;
    if (sl_forced_start_due(s, now, err) < 0)
        return -1;
    if (s->next_tick <= now) {
        sl_priority_tick(s);
        s->next_tick = NEVER;
    }
    if (now >= at) {
        sl_forced_dump(s);
        const sl_lockstep_record *l = s->setup->lockstep;
        if ((l->main_pass && sl_main_pass(s, true, err) < 0) || (l->backfill && s->p.backfill && sl_backfill(s, err) < 0))
            return -1;
        hs_engine_stop(s->eng);
        return 0;
    }
    if (s->dynamic_priority && (s->npending || s->nrunning) && s->next_tick == NEVER)
        s->next_tick = next_tick(s, now);
    double due = sl_forced_next(s);
    if (at < due)
        due = at;
    if (s->next_tick < due)
        due = s->next_tick;
    if (due < s->next_wake) {
        if (hs_engine_wakeup_at(s->eng, due, err) < 0)
            return -1;
        s->next_wake = due;
    }
    return 0;
}

static int slurm_schedule(void *state, hs_error *err)
{
    sl_state *s = state;
    if (s->setup->lockstep)
        return lockstep_schedule(s, err);
    double now = hs_engine_now(s->eng);
    if (s->next_wake <= now)
        s->next_wake = NEVER;
    if (s->next_tick <= now) {
        sl_priority_tick(s);
        s->next_tick = NEVER;
    }
    bool full = s->next_full <= now;
    if (full || (s->main_due >= 0 && s->main_due <= now)) {
        if (sl_main_pass(s, full, err) < 0)
            return -1;
        s->main_due = -1;
        if (full)
            s->next_full = NEVER;
    }
    if (s->p.backfill && s->bf_due >= 0 && s->bf_due <= now) {
        if (sl_backfill(s, err) < 0)
            return -1;
        s->bf_due = -1;
        s->bf_left_pending = s->npending > 0;
    }
    /* Re-arm the timers that have something to do. While jobs pend, real
     * Slurm's backfill runs a cycle every bf_interval whether or not
     * anything changed; the model skips the cycles that would change
     * nothing, but keeps their phase: the next cycle after a change is
     * on the bf_interval grid. With nothing left pending, real Slurm's
     * agent polls every second, and the next cycle is on the first such
     * poll after the change (docs/slurm.md, "Two schedulers and a decay thread"). */
    if (s->p.backfill && s->changed && s->bf_due < 0) {
        double period = s->p.bf_interval + s->setup->bf_drift; /* a cycle sleeps bf_interval after it ends */
        double base = s->last_bf + period;
        double step = s->bf_left_pending ? period : 1;
        if (isinf(base) && s->setup->has_bf_phase) /* the next cycle of the measured grid */
            base = s->setup->bf_phase + period * ceil((now - s->setup->bf_phase) / period);
        s->bf_due = isinf(base) ? now : now <= base ? base : base + step * ceil((now - base) / step);
    }
    if (s->npending && s->next_full == NEVER)
        s->next_full = next_multiple(now, s->p.sched_interval > 0 ? s->p.sched_interval : 60);
    if (s->dynamic_priority && (s->npending || s->nrunning) && s->next_tick == NEVER)
        s->next_tick = next_tick(s, now);
    double due = s->next_full;
    if (s->main_due >= 0 && s->main_due < due)
        due = s->main_due;
    if (s->p.backfill && s->bf_due >= 0 && s->bf_due < due)
        due = s->bf_due;
    if (s->next_tick < due)
        due = s->next_tick;
    if (due < s->next_wake && due != NEVER) {
        if (hs_engine_wakeup_at(s->eng, due, err) < 0)
            return -1;
        s->next_wake = due;
    }
    return 0;
}

const struct hs_policy_ops hs_policy_slurm = {
    .name = "slurm",
    .summary = "Slurm 22.05 from a slurm.conf: multifactor priority, main scheduler, backfill, cons_tres",
    .usage = "--policy-conf slurm.conf   the cluster (NodeName, PartitionName) and the scheduler\n"
             "                           (SchedulerParameters, Priority*, SelectType*); SWF partition n\n"
             "                           goes to the n-th PartitionName (alias --slurm-conf)\n"
             "--policy-opt topology=FILE its topology.conf (default: beside slurm.conf when it sets\n"
             "                           TopologyPlugin=topology/tree; alias --topology-conf)\n"
             "--policy-opt assoc=FILE    the site's associations, as printed by sacctmgr -nP show assoc\n"
             "                           format=account,user,fairshare,parentname (alias --slurm-assoc)\n"
             "--policy-opt qos=FILE      the site's QOS levels, as printed by sacctmgr -nP show qos\n"
             "                           format=name,priority,usagefactor; SWF queue n gets the n-th\n"
             "                           (alias --slurm-qos)\n"
             "--policy-opt log=FILE      every start and backfill reservation, one per line (alias\n"
             "                           --slurm-log)\n"
             "--policy-opt main-phase=S  the controller's 1 s loop wakes S (0 to 1) after each whole\n"
             "                           second (default 0: the next whole second)\n"
             "--policy-opt main-drift=D  each turn of that loop takes 1 + D s (default 0)\n"
             "--policy-opt bf-phase=T    a backfill cycle ran at T s: cycles keep that grid (default:\n"
             "                           the first cycle when the first job arrives)\n"
             "--policy-opt bf-drift=D    each backfill cycle comes bf_interval + D s after the one\n"
             "                           before (its own length; default 0)\n"
             "--policy-opt calc-phase=T  the priority decay thread ran at T s: it runs every\n"
             "                           PriorityCalcPeriod from there (default 0)\n",
    .configure = sl_configure,
    .cluster = sl_configured_cluster,
    .accept = hs_slurm_setup_accept,
    .finish = sl_finish,
    .unconfigure = sl_unconfigure,
    .create = slurm_create,
    .destroy = slurm_destroy,
    .job_submitted = slurm_submitted,
    .job_ended = slurm_ended,
    .wakeup = slurm_wakeup,
    .schedule = slurm_schedule,
};
