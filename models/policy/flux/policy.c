/* Flux's Fluxion scheduler (qmanager + resource) on the policy seam
 * (hpcsim/policy.h); docs/flux.md says what it follows.
 *
 * Pending jobs are kept in Fluxion's order: priority (the urgency,
 * default 16) high first, then submit time, then arrival. A loop runs when
 * a job arrives or ends (no timer). fcfs: the first queue-depth jobs are
 * matched now, in order, until the first that does not fit. easy, hybrid
 * and conservative: every reservation of the previous loop is dropped;
 * each of the first queue-depth jobs is matched now, else, while fewer
 * than reservation-depth jobs hold reservations, at the earliest time the
 * planner allows (that job then holds its resources over [t, t + its
 * duration), so later jobs of the loop cannot delay it); a job that can
 * be neither is blocked until a job ends. A loop that stopped at the
 * depth and started a job runs again at once.
 *
 * A loop after arrivals alone (no job started or ended since the last one
 * began), whose new jobs all sort after where the last loop stopped,
 * carries on from there with the last loop's reservations instead of
 * redoing it: the jobs before would get the same answers (the same cores
 * are held, the planner's change points are all still to come, a window
 * that starts later meets the same reservations), so the schedule is the
 * same. Under first (and firstnodex) that holds only when the last loop
 * moved no node's weight: each reservation sets the weights that order
 * the next walk, as in Fluxion, and a redo would walk in the new order.
 * fcfs reserves nothing, so under any match policy its loop after
 * arrivals alone behind a head that did not fit is skipped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "graph.h"
#include "hpcsim/engine.h"
#include "hpcsim/policy.h"

#define URGENCY_DEFAULT 16
#define URGENCY_MAX 31

typedef struct flux {
    hs_engine *eng;
    hs_job *jobs;
    const fx_config *cfg;
    fx_graph g;
    uint32_t *pending;         /* in Fluxion's order */
    uint32_t npending;
    uint32_t *blocked;         /* cannot even be reserved: back to pending when a job ends */
    uint32_t nblocked;
    uint32_t *prio;            /* per job */
    uint32_t *arrival;         /* per job: arrival counter */
    uint32_t narrivals;
    fx_pick **held;            /* per running job: its graph cores, as runs */
    uint32_t *nheld;
    bool *was_reserved;        /* per job: held a reservation in an earlier loop */
    bool schedulable;
    /* where the last loop stopped, to carry on after arrivals alone */
    bool dirty;                /* a job started or ended since the last loop began, or none ran */
    uint32_t stop_at;          /* pending index the last loop stopped at */
    bool weights_kept;         /* the last loop (and what carried it on) moved no weight */
    uint64_t stop_reserved, stop_scheduled;
    hs_intervals units;
} flux;

static int flux_configure(const hs_policy_args *args, void **config, hs_error *err)
{
    fx_config *c = malloc(sizeof *c);
    if (!c)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (fx_config_read(c, args, err) < 0) {
        fx_config_free(c);
        free(c);
        return -1;
    }
    *config = c;
    return 0;
}

static int flux_finish(void *config, hs_error *err) { return fx_config_finish(config, err); }

static void flux_unconfigure(void *config)
{
    if (!config)
        return;
    fx_config_free(config);
    free(config);
}

/* The urgency of a job: its SWF queue field with urgency=queue (no queue:
 * the default), else the default. */
static int urgency_of(const fx_config *c, const hs_job *job)
{
    double q = job->swf.f[HS_SWF_QUEUE];
    return c->urgency_from_queue && q >= 0 ? (int)q : URGENCY_DEFAULT;
}

/* Urgency 0 holds a job for ever, and there is no urgency above 31. */
static int flux_accept(void *config, const hs_job *job, char *why, size_t why_len)
{
    int u = urgency_of(config, job);
    if (u < 1 || u > URGENCY_MAX) {
        snprintf(why, why_len, "urgency %d (SWF queue field) is %s", u,
                 u == 0 ? "a hold: the job would never run" : "not in 1..31");
        return 0;
    }
    return 1;
}

static void flux_destroy(void *state)
{
    flux *f = state;
    uint32_t n = hs_engine_trace(f->eng)->njobs;
    for (uint32_t j = 0; f->held && j < n; j++)
        free(f->held[j]);
    free(f->held);
    free(f->nheld);
    free(f->pending);
    free(f->blocked);
    free(f->prio);
    free(f->arrival);
    free(f->was_reserved);
    fx_graph_free(&f->g);
    hs_intervals_free(&f->units);
    free(f);
}

static int flux_create(hs_engine *eng, void **state, hs_error *err)
{
    const fx_config *cfg = hs_engine_policy_config(eng);
    if (!cfg)
        return hs_error_set(err, "--policy flux", 0, 0, "not configured");
    uint32_t n = hs_engine_trace(eng)->njobs;
    size_t m = n ? n : 1;
    flux *f = calloc(1, sizeof *f);
    if (!f)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    f->eng = eng;
    f->jobs = hs_engine_trace(eng)->jobs;
    f->cfg = cfg;
    f->pending = malloc(m * sizeof *f->pending);
    f->blocked = malloc(m * sizeof *f->blocked);
    f->prio = malloc(m * sizeof *f->prio);
    f->arrival = malloc(m * sizeof *f->arrival);
    f->held = calloc(m, sizeof *f->held);
    f->nheld = calloc(m, sizeof *f->nheld);
    f->was_reserved = calloc(m, sizeof *f->was_reserved);
    if (!f->pending || !f->blocked || !f->prio || !f->arrival || !f->held || !f->nheld || !f->was_reserved) {
        flux_destroy(f);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    f->dirty = true;
    if (fx_graph_init(&f->g, hs_engine_cluster(eng), cfg, err) < 0) {
        flux_destroy(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* Fluxion's pending key: priority descending, submit time, arrival. */
static bool goes_before(const flux *f, uint32_t a, uint32_t b)
{
    if (f->prio[a] != f->prio[b])
        return f->prio[a] > f->prio[b];
    if (f->jobs[a].submit != f->jobs[b].submit)
        return f->jobs[a].submit < f->jobs[b].submit;
    return f->arrival[a] < f->arrival[b];
}

/* Queues j in order; returns its place. */
static uint32_t pending_insert(flux *f, uint32_t j)
{
    uint32_t lo = 0, hi = f->npending;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (goes_before(f, f->pending[mid], j))
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(f->pending + lo + 1, f->pending + lo, (f->npending - lo) * sizeof *f->pending);
    f->pending[lo] = j;
    f->npending++;
    return lo;
}

static void pending_remove_at(flux *f, uint32_t i)
{
    memmove(f->pending + i, f->pending + i + 1, (f->npending - i - 1) * sizeof *f->pending);
    f->npending--;
}

static void flux_submitted(void *state, hs_job *job)
{
    flux *f = state;
    uint32_t j = hs_engine_job_index(f->eng, job);
    int u = urgency_of(f->cfg, job);
    f->prio[j] = u == URGENCY_MAX ? UINT32_MAX : (uint32_t)u; /* expedite: the highest priority */
    f->arrival[j] = f->narrivals++;
    /* ahead of where the last loop stopped, or under first with
     * reservations (they move its weights): redo it */
    bool moved_weights = f->cfg->match.dynamic && f->cfg->queue_policy != FX_FCFS && !f->weights_kept;
    if (pending_insert(f, j) < f->stop_at || moved_weights)
        f->dirty = true;
    f->schedulable = true;
}

static void flux_ended(void *state, hs_job *job)
{
    flux *f = state;
    uint32_t j = hs_engine_job_index(f->eng, job);
    fx_graph_release(&f->g, f->held[j], f->nheld[j]);
    free(f->held[j]);
    f->held[j] = NULL;
    f->nheld[j] = 0;
    for (uint32_t i = 0; i < f->nblocked; i++) /* a job's end reconsiders the blocked ones */
        pending_insert(f, f->blocked[i]);
    f->nblocked = 0;
    f->dirty = true;
    f->schedulable = true;
}

static void flux_wakeup(void *state) { (void)state; }

/* What job j asks of the graph. */
static fx_request request_of(const flux *f, uint32_t j)
{
    const hs_job *job = &f->jobs[j];
    fx_request r;
    bool nodes = hs_engine_cluster(f->eng)->mode == HS_ALLOC_NODES;
    r.slot = nodes ? FX_SLOT_NODE : f->cfg->socket_slots ? FX_SLOT_SOCKET : FX_SLOT_CORE;
    r.count = nodes ? job->demand : (uint32_t)job->procs;
    r.partition = job->partition;
    /* whole seconds, rounded up; 0 is unlimited (held for ever) */
    r.duration = job->req_time > 0 ? ceil(job->req_time) : INFINITY;
    return r;
}

static void log_picks(flux *f, const char *what, uint32_t j, double at, double duration)
{
    FILE *log = f->cfg->log;
    if (!log)
        return;
    double now = hs_engine_now(f->eng);
    fprintf(log, "%.0f %s job %.0f", now, what, f->jobs[j].swf.f[HS_SWF_JOB_ID]);
    if (at > now)
        fprintf(log, " at %.0f until %.0f", at, at + duration);
    fputs(" on", log);
    fx_graph_write_picks(&f->g, log);
    fputc('\n', log);
}

/* Starts job j on the graph's picks. */
static int start(flux *f, uint32_t j, const fx_request *r, const char *how, hs_error *err)
{
    double now = hs_engine_now(f->eng);
    uint32_t nruns = f->g.npickruns;
    fx_pick *runs = malloc((nruns ? nruns : 1) * sizeof *runs);
    if (!runs || fx_graph_units(&f->g, &f->units) < 0) {
        free(runs);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    memcpy(runs, f->g.pick, nruns * sizeof *runs);
    log_picks(f, how, j, now, r->duration);
    if (hs_engine_start_job_holding(f->eng, &f->jobs[j], &f->units, err) < 0) {
        free(runs);
        return -1;
    }
    fx_graph_hold(&f->g, now, r->duration);
    f->dirty = true;
    f->held[j] = runs;
    f->nheld[j] = nruns;
    return 0;
}

/* fcfs: in order, until the first job that does not fit now. */
static int fcfs_loop(flux *f, hs_error *err)
{
    double now = hs_engine_now(f->eng);
    if (!f->dirty) /* arrivals alone, behind a head that still does not fit */
        return 0;
    f->dirty = false;
    uint64_t started = 0;
    while (f->npending && started < f->cfg->queue_depth) {
        uint32_t j = f->pending[0];
        fx_request r = request_of(f, j);
        if (!fx_graph_match(&f->g, &r, now, now)) {
            f->stop_at = 1; /* only a job sorting before this head changes the answer */
            return 0;
        }
        if (start(f, j, &r, "start", err) < 0)
            return -1;
        pending_remove_at(f, 0);
        started++;
    }
    f->schedulable = started == f->cfg->queue_depth && f->npending > 0;
    f->dirty = true; /* the queue ran dry or the depth was reached: the next loop looks afresh */
    return 0;
}

/* easy, hybrid, conservative: one shared loop, differing in depth. */
static int backfill_loop(flux *f, hs_error *err)
{
    double now = hs_engine_now(f->eng);
    uint64_t reserved = f->stop_reserved, scheduled = f->stop_scheduled, moves = f->g.weight_moves;
    uint32_t i = f->stop_at;
    if (f->dirty) {
        fx_graph_cancel_reservations(&f->g);
        reserved = scheduled = 0;
        i = 0;
        f->weights_kept = true;
    }
    f->dirty = false;
    bool started_any = false;
    while (scheduled < f->cfg->queue_depth && i < f->npending) {
        uint32_t j = f->pending[i];
        fx_request r = request_of(f, j);
        bool try_reserve = reserved < f->cfg->reservation_depth;
        double at;
        if (fx_graph_match(&f->g, &r, now, now)) {
            const char *how = f->was_reserved[j] ? "start (reserved)" : reserved ? "start (backfill)" : "start";
            if (start(f, j, &r, how, err) < 0)
                return -1;
            pending_remove_at(f, i);
            started_any = true;
        } else if (try_reserve && fx_graph_earliest(&f->g, &r, now, &at)) {
            if (fx_graph_reserve(&f->g, at, r.duration) < 0)
                return hs_error_set(err, NULL, 0, 0, "out of memory");
            log_picks(f, "reserve", j, at, r.duration);
            f->was_reserved[j] = true;
            reserved++;
            i++;
        } else if (try_reserve) { /* not even reservable: blocked, and not counted */
            if (f->cfg->log)
                fprintf(f->cfg->log, "%.0f block job %.0f\n", now, f->jobs[j].swf.f[HS_SWF_JOB_ID]);
            f->blocked[f->nblocked++] = j;
            pending_remove_at(f, i);
            continue;
        } else {
            i++;
        }
        scheduled++;
    }
    f->stop_at = i;
    f->stop_reserved = reserved;
    f->stop_scheduled = scheduled;
    f->weights_kept = f->weights_kept && f->g.weight_moves == moves;
    /* A loop cut by the depth runs again only if it started a job: one
     * that only reserved would find the same answers (docs/flux.md). */
    f->schedulable = scheduled >= f->cfg->queue_depth && i < f->npending && started_any;
    return 0;
}

static int flux_schedule(void *state, hs_error *err)
{
    flux *f = state;
    /* A job running past its planned end (no kill at the requested time)
     * moves the planner's change points: a loop must start afresh. */
    if (f->g.nends && f->g.ends[0].end <= hs_engine_now(f->eng))
        f->dirty = true;
    while (f->schedulable) {
        f->schedulable = false;
        if ((f->cfg->queue_policy == FX_FCFS ? fcfs_loop(f, err) : backfill_loop(f, err)) < 0)
            return -1;
    }
    return 0;
}

const struct hs_policy_ops hs_policy_flux = {
    .name = "flux",
    .summary = "Flux's Fluxion: fcfs, easy, hybrid or conservative queues on a resource graph, from its TOML",
    .usage = "--policy-conf FILE         Fluxion's TOML: [sched-fluxion-qmanager] queue-policy, queue-params\n"
             "                           (queue-depth, max-queue-depth), policy-params (reservation-depth,\n"
             "                           max-reservation-depth); [sched-fluxion-resource] match-policy\n"
             "--policy-opt KEY=VALUE     any of those keys (over the file), and: sockets-per-node=N,\n"
             "                           slot=core|socket, urgency=queue (the SWF queue field, 1-31; else\n"
             "                           16), log=FILE (each loop's starts and reservations)\n",
    .configure = flux_configure,
    .accept = flux_accept,
    .finish = flux_finish,
    .unconfigure = flux_unconfigure,
    .create = flux_create,
    .destroy = flux_destroy,
    .job_submitted = flux_submitted,
    .job_ended = flux_ended,
    .wakeup = flux_wakeup,
    .schedule = flux_schedule,
};
