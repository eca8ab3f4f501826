/* The lock-step check (verify.h): for each instant at which real Slurm
 * started jobs, one replay of the Slurm model held to the real history
 * (its lockstep= option), whose decision log at that instant is read back
 * and set beside the record. Each replay reads its inputs afresh: the
 * check is for oracle-sized traces (hundreds of jobs), where that costs
 * milliseconds (docs/slurm-verify.md).
 *
 * An instant is a pass: real starts less than SAME_PASS apart (a record
 * read from slurmctld.log has milliseconds, and one backfill cycle starts
 * its jobs a few apart) are one instant, at the first of them. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/verify.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/engine.h"
#include "hpcsim/file.h"
#include "hpcsim/hostlist.h"
#include "hpcsim/metrics.h"
#include "hpcsim/policy.h"
#include "hpcsim/record.h"
#include "hpcsim/trace.h"

#define SAME_PASS 0.25 /* s */

/* A growing text, for an event's explanation. */
typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0 || !t)
        return;
    if (t->n + (size_t)k + 1 > t->cap) {
        size_t cap = (t->n + (size_t)k + 1) * 2;
        char *more = realloc(t->s, cap);
        if (!more)
            return; /* the explanation is shortened, the figures are not */
        t->s = more;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, t->cap - t->n, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Adds job to sums as a record says real Slurm ran it: submitted,
 * started and ended when the record says. */
static void add_as_recorded(hs_metrics_sums *sums, const hs_job *job, const hs_record_job *row, const hs_cluster *c)
{
    hs_job as_recorded = *job;
    as_recorded.submit = row->submit;
    as_recorded.start = row->start;
    as_recorded.end = row->end;
    as_recorded.state = HS_JOB_COMPLETED;
    hs_metrics_add(sums, &as_recorded, c);
}

/* Fills the free-running figures from a finished replay's jobs. The
 * waits and utilization are summed by the metrics every run reports
 * (hpcsim/metrics.h), once as the model ran each job and once as the
 * record says real Slurm did, so both sides follow summary.json's rules. */
static int free_figures(const hs_trace *trace, const hs_cluster *c, const hs_record *rec, double jitter,
                        hs_verify_result *res)
{
    size_t cap = trace->njobs ? trace->njobs : 1;
    hs_metrics_sums real, model;
    if (!(res->free_real_start = malloc(cap * sizeof *res->free_real_start)) ||
        !(res->free_model_start = malloc(cap * sizeof *res->free_model_start)))
        return -1;
    if (hs_metrics_begin(&real, trace->njobs) < 0)
        return -1;
    if (hs_metrics_begin(&model, trace->njobs) < 0) {
        hs_metrics_sums_free(&real);
        return -1;
    }
    double diff = 0;
    uint32_t n = 0;
    for (uint32_t j = 0; j < trace->njobs; j++) {
        const hs_job *job = &trace->jobs[j];
        const hs_record_job *row = hs_record_find(rec, (long)job->swf.f[HS_SWF_JOB_ID]);
        if (!row || job->state < HS_JOB_RUNNING)
            continue;
        double d = fabs(job->start - row->start);
        diff += d;
        res->free_real_start[n] = row->start;
        res->free_model_start[n++] = job->start;
        res->free_within += d <= jitter;
        hs_metrics_add(&model, job, c);
        add_as_recorded(&real, job, row, c);
    }
    res->free_jobs = n;
    res->free_mean_diff = n ? diff / n : 0;
    hs_metrics_end(&real, trace, c, &res->real);
    hs_metrics_end(&model, trace, c, &res->model);
    return 0;
}

/* Real Slurm against itself: rec beside its re-run, by the rules of
 * free_figures (the jobs of the trace in both records). */
static int rerun_figures(const hs_trace *trace, const hs_cluster *c, const hs_record *rec, const hs_record *again,
                         double jitter, hs_verify_result *res)
{
    hs_metrics_sums sums;
    if (hs_metrics_begin(&sums, trace->njobs) < 0)
        return -1;
    double diff = 0;
    uint32_t n = 0;
    for (uint32_t j = 0; j < trace->njobs; j++) {
        long id = (long)trace->jobs[j].swf.f[HS_SWF_JOB_ID];
        const hs_record_job *a = hs_record_find(rec, id), *b = hs_record_find(again, id);
        if (!a || !b)
            continue;
        double d = fabs(a->start - b->start);
        diff += d;
        n++;
        res->rerun_within += d <= jitter;
        add_as_recorded(&sums, &trace->jobs[j], b, c);
    }
    res->has_rerun = true;
    res->rerun_jobs = n;
    res->rerun_mean_diff = n ? diff / n : 0;
    hs_metrics_end(&sums, trace, c, &res->rerun);
    return 0;
}

/* One replay held to the record until `at`, its decision log in log_path;
 * at < 0: the model free-running to the end, its figures into res. */
static int replay_until(const hs_verify_config *cfg, const hs_record *rec, const hs_record *again, double at,
                        double last, const char *log_path,
                        bool first, hs_verify_result *res, hs_error *err)
{
    FILE *warn = first ? cfg->warn : NULL; /* notes about the inputs, once */
    /* Only the schedulers real Slurm started jobs with at `at`, when the
     * record says which (its `by` column); both when it does not. */
    bool main_pass = false, backfill = false;
    for (uint32_t r = 0; at >= 0 && r < rec->njobs; r++)
        if (rec->jobs[r].start >= at && rec->jobs[r].start <= last) {
            main_pass |= rec->jobs[r].by != HS_BY_BACKFILL;
            backfill |= rec->jobs[r].by != HS_BY_MAIN;
        }
    const char *passes = main_pass && backfill ? "both" : main_pass ? "main" : "backfill";
    const struct hs_policy_ops *policy = hs_policy_find("slurm");
    if (!policy)
        return hs_error_set(err, NULL, 0, 0, "this hpcsim has no Slurm model");
    const char *confs[1] = {cfg->conf_path};
    hs_policy_opt opts[12];
    unsigned n = 0;
    char at_text[64];
    snprintf(at_text, sizeof at_text, "%.17g", at);
    if (cfg->assoc_path)
        opts[n++] = (hs_policy_opt){"assoc", cfg->assoc_path};
    if (cfg->qos_path)
        opts[n++] = (hs_policy_opt){"qos", cfg->qos_path};
    if (cfg->topology_path)
        opts[n++] = (hs_policy_opt){"topology", cfg->topology_path};
    char main_text[64], main_drift_text[64], bf_text[64], bf_drift_text[64], calc_text[64];
    snprintf(calc_text, sizeof calc_text, "%.17g", cfg->calc_phase);
    opts[n++] = (hs_policy_opt){"calc-phase", calc_text};
    if (at < 0 && cfg->phases) {
        snprintf(main_text, sizeof main_text, "%.17g", res->main_phase);
        snprintf(main_drift_text, sizeof main_drift_text, "%.17g", res->main_drift);
        snprintf(bf_text, sizeof bf_text, "%.17g", res->bf_phase);
        snprintf(bf_drift_text, sizeof bf_drift_text, "%.17g", res->bf_drift);
        opts[n++] = (hs_policy_opt){"main-phase", main_text};
        opts[n++] = (hs_policy_opt){"main-drift", main_drift_text};
        opts[n++] = (hs_policy_opt){"bf-phase", bf_text};
        opts[n++] = (hs_policy_opt){"bf-drift", bf_drift_text};
    }
    if (at >= 0) {
        opts[n++] = (hs_policy_opt){"lockstep", cfg->real_path};
        opts[n++] = (hs_policy_opt){"lockstep-at", at_text};
        opts[n++] = (hs_policy_opt){"log", log_path};
        opts[n++] = (hs_policy_opt){"lockstep-passes", passes};
    }
    hs_policy_args args = {confs, 1, opts, n, warn};
    void *config = NULL;
    if (policy->configure(&args, &config, err) < 0)
        return -1;
    int rc = -1;
    hs_cluster cluster;
    char source[512];
    if (policy->cluster(config, &cluster, source, sizeof source, err) < 0)
        goto out_config;
    hs_trace trace;
    hs_trace_options topt = {false, warn, 20, policy->accept, config, policy->places_tasks, policy->live_jobs_only,
                             policy->memory_as_units};
    if (hs_trace_load(&trace, cfg->trace_path, &cluster, &topt, err) < 0)
        goto out_cluster;
    /* Every recorded job must be one the trace gives the model (checked
     * on the first replay: every replay reads the same trace). */
    uint32_t found = rec->njobs;
    if (first)
        for (uint32_t j = found = 0; j < trace.njobs; j++)
            found += hs_record_find(rec, (long)trace.jobs[j].swf.f[HS_SWF_JOB_ID]) != NULL;
    if (found < rec->njobs) {
        for (uint32_t r = 0; r < rec->njobs; r++) {
            bool in = false;
            for (uint32_t j = 0; j < trace.njobs && !in; j++)
                in = (long)trace.jobs[j].swf.f[HS_SWF_JOB_ID] == rec->jobs[r].job;
            if (!in) {
                hs_error_set(err, cfg->real_path, rec->jobs[r].line, 0,
                             "job %ld is not a job of %s (%u of the record's %u are; %u lines skipped, %u jobs "
                             "rejected there)",
                             rec->jobs[r].job, cfg->trace_path, found, rec->njobs, trace.nskipped, trace.nrejected);
                break;
            }
        }
        goto out_trace;
    }
    /* Recorded jobs arrive when real Slurm received them (the record's
     * submit: a few milliseconds after the trace's second when read from
     * slurmctld.log) and run as long as they really held their nodes
     * (launch and epilog included), so that they end when they really
     * ended. */
    for (uint32_t j = 0; j < trace.njobs; j++) {
        const hs_record_job *row = hs_record_find(rec, (long)trace.jobs[j].swf.f[HS_SWF_JOB_ID]);
        if (row) {
            trace.jobs[j].submit = row->submit;
            trace.jobs[j].runtime = row->end - row->start;
        }
    }
    hs_engine_options eopt;
    hs_engine_options_default(&eopt);
    eopt.kill_at_req_time = false;
    eopt.policy_config = config;
    hs_engine *eng = hs_engine_new(&cluster, &trace, policy, &eopt, err);
    if (eng && hs_engine_run(eng, err) == 0 && policy->finish(config, err) == 0)
        rc = 0;
    if (rc == 0 && at < 0 &&
        (free_figures(&trace, &cluster, rec, res->jitter, res) < 0 ||
         (again && rerun_figures(&trace, &cluster, rec, again, res->jitter, res) < 0)))
        rc = hs_error_set(err, NULL, 0, 0, "out of memory");
    hs_engine_free(eng);
out_trace:
    hs_trace_free(&trace);
out_cluster:
    hs_cluster_free(&cluster);
out_config:
    policy->unconfigure(config);
    return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Whether the model's "n1:4,n2:4" names the nodes of host list `real`. */
static bool same_nodes(const char *model, const char *real)
{
    hs_hostlist want = {0}, got = {0};
    char why[128];
    bool same = false;
    char *copy = strdup(model), *save = NULL;
    if (!copy || hs_hostlist_expand(&want, real, why, sizeof why) < 0)
        goto out;
    for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':');
        if (colon)
            *colon = '\0';
        if (hs_hostlist_expand(&got, tok, why, sizeof why) < 0)
            goto out;
    }
    if (got.n != want.n)
        goto out;
    qsort(got.names, got.n, sizeof *got.names, cmp_str);
    qsort(want.names, want.n, sizeof *want.names, cmp_str);
    same = true;
    for (uint32_t i = 0; i < got.n && same; i++)
        same = strcmp(got.names[i], want.names[i]) == 0;
out:
    free(copy);
    hs_hostlist_free(&want);
    hs_hostlist_free(&got);
    return same;
}

/* The model's comma-separated node names as a Slurm host list
 * ("n[1-35]"), comparable with slurmctld.log's backfill map; NULL when
 * out of memory. */
static char *compressed(const char *names)
{
    char *copy = strdup(names);
    uint32_t n = 1;
    for (const char *p = names; *p; p++)
        n += *p == ',';
    const char **list = copy ? malloc(n * sizeof *list) : NULL;
    char *out = NULL;
    if (list) {
        uint32_t k = 0;
        char *save = NULL;
        for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save))
            list[k++] = name;
        out = hs_hostlist_compress(list, k);
    }
    free(list);
    free(copy);
    return out;
}

/* Reads the log's lines at `at` into the event: what the model started
 * (and where), its reservations and the state it saw. */
static int read_decisions(const char *log_path, const hs_record *rec, double at, double last, double *jitter,
                          hs_verify_event *ev, hs_verify_result *res, bool *squeezed, hs_error *err)
{
    char *log = hs_read_file(log_path, 1u << 30, NULL, err);
    if (!log)
        return -1;
    char stamp[64];
    int slen = snprintf(stamp, sizeof stamp, "%.0f ", at);
    text why = {0}, model = {0}, state = {0};
    uint32_t nresv = 0;
    enum { SHOWN_RESERVATIONS = 8 };
    bool *started = calloc(rec->njobs ? rec->njobs : 1, sizeof *started);
    if (!started) {
        free(log);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    char *save = NULL;
    for (char *line = strtok_r(log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        double sched, bf, begin, end;
        long job;
        int off = 0;
        const char *squeeze = strstr(line, " real: squeezed job ");
        if (squeeze && sscanf(squeeze, " real: squeezed job %ld", &job) == 1) {
            const hs_record_job *row = hs_record_find(rec, job);
            if (row && !squeezed[row - rec->jobs]) {
                squeezed[row - rec->jobs] = true;
                res->squeezed++;
            }
        }
        if (strncmp(line, stamp, (size_t)slen) != 0)
            continue;
        const char *rest = line + slen;
        if (sscanf(rest, "intervals: sched_interval %lf bf_interval %lf", &sched, &bf) == 2) {
            res->bf_interval = bf;
            if (*jitter < 0)
                *jitter = sched > 0 && (bf <= 0 || sched < bf) ? sched : bf > 0 ? bf : 0;
        } else if (strncmp(rest, "queue:", 6) == 0 || strncmp(rest, "free:", 5) == 0) {
            text_add(&state, "    %.*s%s\n", 300, rest, strlen(rest) > 300 ? " ..." : "");
        } else if (sscanf(rest, "backfill: job %ld to start at %lf, end at %lf on %n", &job, &begin, &end, &off) == 3 &&
                   off) {
            if (nresv++ < SHOWN_RESERVATIONS) {
                char *nodes = compressed(rest + off);
                text_add(&state, "    reserved: job %ld from %.0f to %.0f on %.*s%s\n", job, begin, end, 200,
                         nodes ? nodes : rest + off, nodes && strlen(nodes) > 200 ? " ..." : "");
                free(nodes);
            }
        } else if ((sscanf(rest, "main: started job %ld on %n", &job, &off) == 1 && off) ||
                   (sscanf(rest, "backfill: started job %ld on %n", &job, &off) == 1 && off)) {
            bool main_sched = rest[0] == 'm';
            const char *nodes = rest + off;
            const hs_record_job *row = hs_record_find(rec, job);
            ev->nmodel++;
            text_add(&model, " %ld (%s)", job, main_sched ? "main" : "backfill");
            if (row && row->start >= at && row->start <= last) {
                started[row - rec->jobs] = true;
                ev->nboth++;
                ev->nboth_main += main_sched;
                if (row->by == HS_BY_MAIN)
                    res->matched_real_main++;
                else if (row->by == HS_BY_BACKFILL)
                    res->matched_real_backfill++;
                if (same_nodes(nodes, row->nodes))
                    ev->nsame_nodes++;
                else
                    text_add(&model, " on %.*s, real %.*s", 200, nodes, 200, row->nodes);
            } else if (row && row->start > last && row->start <= at + *jitter) {
                ev->nearly++;
            } else {
                text_add(&model, row ? " [real start %g]" : " [never started by real Slurm]", row ? row->start : 0);
            }
        }
    }
    text_add(&why, "  at %.0f: real Slurm started", at);
    for (uint32_t r = 0; r < rec->njobs; r++)
        if (rec->jobs[r].start >= at && rec->jobs[r].start <= last) {
            ev->nreal++;
            if (rec->jobs[r].by == HS_BY_MAIN)
                res->real_main++;
            else if (rec->jobs[r].by == HS_BY_BACKFILL)
                res->real_backfill++;
            text_add(&why, " %ld%s", rec->jobs[r].job, started[r] ? "" : " (not the model)");
        }
    if (nresv > SHOWN_RESERVATIONS)
        text_add(&state, "    (%u more reservations)\n", nresv - SHOWN_RESERVATIONS);
    text_add(&why, "; the model started%s\n%s", model.s ? model.s : " nothing", state.s ? state.s : "");
    ev->agree = ev->nboth == ev->nreal && ev->nmodel == ev->nboth + ev->nearly;
    ev->text = why.s;
    free(model.s);
    free(state.s);
    free(started);
    free(log);
    return 0;
}

static const double TAU = 6.283185307179586; /* 2 pi */

/* The grid phase + k period that the instants t fit best, for period in
 * [lo, hi] by steps of step: the circular mean of their places in the
 * period, and the period whose mean resultant length is greatest (1:
 * every instant on the grid; the first of equals, so lo when one instant
 * cannot tell). */

static void fit_grid(const double *t, uint32_t n, double lo, double hi, double step, double *period, double *phase)
{
    double best = -1;
    for (uint32_t k = 0; lo + k * step <= hi; k++) {
        double p = lo + k * step, c = 0, sn = 0;
        for (uint32_t i = 0; i < n; i++) {
            double a = TAU * fmod(t[i], p) / p;
            c += cos(a);
            sn += sin(a);
        }
        double r = hypot(c, sn);
        if (r > best + 1e-9) {
            double ang = atan2(sn, c);
            best = r;
            *period = p;
            *phase = (ang < 0 ? ang + TAU : ang) / TAU * p;
        }
    }
}

/* The controller's phases as the record shows them: real Slurm's main
 * scheduler starts jobs on the ticks of its 1-second loop, which drift
 * later by the loop's own work (1.6-3.3 ms a second on our records), and
 * a backfill start is a cycle's time, the next cycle coming bf_interval
 * after the previous one ended: the grids that the main and the backfill
 * starts fit best. Needs the record's `by` column. */
static int record_phases(const hs_record *rec, const char *path, double bf_interval, hs_verify_result *out,
                         hs_error *err)
{
    double *main_t = malloc((rec->njobs + 1) * sizeof *main_t), *bf_t = malloc((rec->njobs + 1) * sizeof *bf_t);
    uint32_t nmain = 0, nbf = 0;
    if (!main_t || !bf_t) {
        free(main_t);
        free(bf_t);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (uint32_t r = 0; r < rec->njobs; r++) {
        const hs_record_job *j = &rec->jobs[r];
        if (j->by == HS_BY_MAIN)
            main_t[nmain++] = j->start;
        else if (j->by == HS_BY_BACKFILL)
            bf_t[nbf++] = j->start;
    }
    int rc = 0;
    if (!nmain || !nbf) {
        rc = hs_error_set(err, path, 0, 0,
                          "--phases needs jobs started by the main scheduler and by the backfill (the record's `by` "
                          "column)");
    } else {
        double period, bf_period;
        fit_grid(main_t, nmain, 1, 1.005, 1e-6, &period, &out->main_phase);
        out->main_drift = period - 1;
        fit_grid(bf_t, nbf, bf_interval, bf_interval + 0.05, 1e-5, &bf_period, &out->bf_phase);
        out->bf_drift = bf_period - bf_interval;
    }
    free(main_t);
    free(bf_t);
    return rc;
}

int hs_verify(const hs_verify_config *cfg, hs_verify_result *out, hs_error *err)
{
    memset(out, 0, sizeof *out);
    hs_record rec, again;
    bool have_again = false;
    if (hs_record_read(&rec, cfg->real_path, err) < 0)
        return -1;
    double *times = malloc(rec.njobs * sizeof *times);
    bool *squeezed = calloc(rec.njobs, sizeof *squeezed);
    char log_path[] = "/tmp/hpcsim-verify-XXXXXX";
    int fd = -1, rc = -1;
    if (!times || !squeezed || !(out->events = calloc(rec.njobs, sizeof *out->events))) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        goto out;
    }
    if ((fd = mkstemp(log_path)) < 0) {
        hs_error_set(err, log_path, 0, 0, "cannot make a temporary file for the model's decisions");
        goto out;
    }
    close(fd);
    uint32_t n = 0;
    for (uint32_t r = 0; r < rec.njobs; r++)
        times[n++] = rec.jobs[r].start;
    qsort(times, n, sizeof *times, cmp_double);
    out->jitter = cfg->jitter;
    for (uint32_t i = 0; i < n; i++) {
        if (i && times[i] - times[i - 1] < SAME_PASS)
            continue;
        uint32_t k = i; /* the pass's last start */
        while (k + 1 < n && times[k + 1] - times[k] < SAME_PASS)
            k++;
        hs_verify_event *ev = &out->events[out->nevents++];
        ev->at = times[i];
        if (replay_until(cfg, &rec, NULL, times[i], times[k], log_path, out->nevents == 1, out, err) < 0 ||
            read_decisions(log_path, &rec, times[i], times[k], &out->jitter, ev, out, squeezed, err) < 0)
            goto out;
        out->nagree += ev->agree;
        out->real_jobs += ev->nreal;
        out->matched += ev->nboth;
        out->matched_main += ev->nboth_main;
        out->same_nodes += ev->nsame_nodes;
    }
    if (out->jitter < 0)
        out->jitter = 0;
    if (cfg->phases && record_phases(&rec, cfg->real_path, out->bf_interval, out, err) < 0)
        goto out;
    if (cfg->rerun_path) {
        if (hs_record_read(&again, cfg->rerun_path, err) < 0)
            goto out;
        have_again = true;
    }
    if (replay_until(cfg, &rec, have_again ? &again : NULL, -1, -1, NULL, false, out, err) < 0)
        goto out;
    rc = 0;
out:
    if (fd >= 0)
        unlink(log_path);
    free(times);
    free(squeezed);
    hs_record_free(&rec);
    if (have_again)
        hs_record_free(&again);
    if (rc < 0)
        hs_verify_result_free(out);
    return rc;
}

void hs_verify_result_free(hs_verify_result *r)
{
    for (uint32_t i = 0; r->events && i < r->nevents; i++)
        free(r->events[i].text);
    free(r->events);
    free(r->free_real_start);
    free(r->free_model_start);
    memset(r, 0, sizeof *r);
}
