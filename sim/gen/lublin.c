/* The Lublin–Feitelson workload model of rigid jobs:
 * U. Lublin and D. G. Feitelson, "The workload on parallel supercomputers:
 * modeling the characteristics of rigid jobs", JPDC 63(11), 2003, with
 * the parameter sets of the authors' reference implementation (batch,
 * interactive, and the one-type fit; docs/gen.md lists them).
 *
 *  - Size: serial with probability `serial`; else log2(size) is drawn from
 *    a two-stage uniform, [ulow, umed] with probability uprob, else
 *    [umed, uhi]; a power-of-two job (probability pow2) rounds that
 *    exponent, another rounds 2^u. The sets were fitted on 128 nodes (uhi
 *    7; interactive jobs stop at 5.5): on another machine uhi moves with
 *    log2(nodes) and umed keeps its distance below it, which stays in the
 *    paper's [uhi - 3.5, uhi - 1.5].
 *  - Run time: ln(run time) follows a hyper-gamma, Gamma(a1, b1) with
 *    probability p and Gamma(a2, b2) otherwise, p = pa * size + pb (larger
 *    jobs run longer); a run time above the cut-off is drawn again, not
 *    truncated.
 *  - Arrivals: ln(gap) follows the rush-hour gamma, Gamma(aarr * arar,
 *    barr), in "activity time", mapped to the clock through the daily
 *    cycle: 48 half-hour buckets from midnight weighted by the differences
 *    of the Gamma(anum, bnum) CDF at their bounds, normalised to mean 1.
 *    Interactive and batch jobs ("both") are two such streams, each with
 *    its own parameters and random numbers, interleaved by arrival time.
 *
 * Requested times are not part of the model: a job asks for its run time
 * times (1 + Exp(1)), rounded up to the next limit users commonly pick and
 * capped at the cut-off, so no generated job overruns its request. With a
 * target load, every arrival gap is scaled by one factor, found by a
 * first pass at the model's own rate, so that the offered load
 * (node-seconds asked for / (nodes × the submission span)) is the target:
 * the model's own rate overloads large machines. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/file.h"
#include "hpcsim/gen.h"
#include "hpcsim/output.h"

#define SLOTS_PER_DAY 48
#define SLOT_SECONDS 1800.0
#define FITTED_UHI 7.0 /* log2 of the 128-node machine the sets were fitted on */

typedef struct lf_set {
    const char *name;
    double serial, pow2, ulow, umed, uhi, uprob;
    double a1, b1, a2, b2, pa, pb;
    double aarr, barr, anum, bnum, arar;
    int queue; /* the SWF queue field: 0 interactive, 1 batch, -1 no type */
} lf_set;

static const lf_set batch = {"batch", 0.2927, 0.6686, 1.2, 5, 7, 0.875, 6.57, 0.823, 639.1, 0.0156, -0.003, 0.6986,
                             6.0415, 0.8531, 6.1271, 5.2740, 1.0519, 1};
static const lf_set interactive = {"interactive", 0.1541, 0.625, 1, 3, 5.5, 0.705, 3.8351, 0.6605, 7.073, 0.6856,
                                   -0.0118, 0.9156, 6.5510, 0.6621, 8.9186, 3.6680, 0.9797, 0};
static const lf_set typeless = {"typeless", 0.244, 0.576, 0.8, 4.5, 7, 0.86, 4.2, 0.94, 312, 0.03, -0.0054, 0.78,
                                10.2303, 0.4871, 8.1737, 3.9631, 1.0225, -1};

int hs_gen_type_parse(const char *word, enum hs_gen_type *out)
{
    static const char *const names[] = {"batch", "interactive", "both", "typeless"};
    for (int i = 0; i < 4; i++)
        if (strcmp(word, names[i]) == 0) {
            *out = (enum hs_gen_type)i;
            return 0;
        }
    return -1;
}

static uint32_t draw_size(gsl_rng *r, const lf_set *m, uint32_t nodes)
{
    if (nodes == 1 || gsl_rng_uniform(r) < m->serial)
        return 1;
    double uhi = log2((double)nodes) - (FITTED_UHI - m->uhi), umed = uhi - (m->uhi - m->umed), ulow = m->ulow;
    if (umed < ulow) /* a machine smaller than the fit: the stages shrink to what fits */
        umed = ulow;
    if (uhi < umed)
        uhi = umed;
    double u = gsl_rng_uniform(r) < m->uprob ? ulow + (umed - ulow) * gsl_rng_uniform(r)
                                             : umed + (uhi - umed) * gsl_rng_uniform(r);
    double size = gsl_rng_uniform(r) < m->pow2 ? pow(2.0, round(u)) : round(pow(2.0, u));
    if (size < 1)
        size = 1;
    if (size > nodes)
        size = nodes;
    return (uint32_t)size;
}

static double draw_runtime(gsl_rng *r, const lf_set *m, uint32_t size, double max_runtime)
{
    double p = m->pa * size + m->pb;
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    for (;;) {
        double lg = gsl_rng_uniform(r) < p ? gsl_ran_gamma(r, m->a1, m->b1) : gsl_ran_gamma(r, m->a2, m->b2);
        double t = round(exp(lg));
        if (t <= max_runtime)
            return t < 1 ? 1 : t;
    }
}

static double draw_request(gsl_rng *r, double runtime, double max_runtime)
{
    static const double limits[] = {300,   600,   900,   1800,   3600,   7200,   14400,
                                    28800, 43200, 86400, 172800, 259200, 604800};
    double want = runtime * (1.0 + gsl_ran_exponential(r, 1.0));
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (limits[i] >= want)
            return limits[i] < max_runtime ? limits[i] : max_runtime;
    return max_runtime;
}

/* Advances the clock from t by `activity` units of activity time through
 * the daily cycle's piecewise-constant rates. */
static double warp(double t, double activity, const double *rate)
{
    for (;;) {
        double day_pos = fmod(t, SLOTS_PER_DAY * SLOT_SECONDS);
        int s = (int)(day_pos / SLOT_SECONDS);
        double slot_end = t - day_pos + (s + 1) * SLOT_SECONDS;
        double can = (slot_end - t) * rate[s];
        if (can >= activity)
            return t + activity / rate[s];
        activity -= can;
        t = slot_end;
    }
}

/* One stream of jobs of one type: its random numbers, its daily cycle,
 * and its next job, drawn ahead so that two streams can be interleaved. */
typedef struct stream {
    const lf_set *m;
    gsl_rng *r;
    double rate[SLOTS_PER_DAY];
    double t;        /* the next job's arrival */
    double run, req;
    uint32_t size;
} stream;

static void stream_next(stream *s, const hs_gen_config *cfg, double k)
{
    double gap = exp(gsl_ran_gamma(s->r, s->m->aarr * s->m->arar, s->m->barr));
    s->t = warp(s->t, gap * k, s->rate);
    s->size = draw_size(s->r, s->m, cfg->nodes);
    s->run = draw_runtime(s->r, s->m, s->size, cfg->max_runtime);
    s->req = draw_request(s->r, s->run, cfg->max_runtime);
}

static int streams_begin(stream *s, unsigned n, const hs_gen_config *cfg, double k)
{
    const lf_set *sets[2];
    if (cfg->type == HS_GEN_BOTH) {
        sets[0] = &interactive;
        sets[1] = &batch;
    } else {
        sets[0] = cfg->type == HS_GEN_INTERACTIVE ? &interactive : cfg->type == HS_GEN_TYPELESS ? &typeless : &batch;
    }
    for (unsigned i = 0; i < n; i++) {
        s[i].m = sets[i];
        s[i].t = 0;
        if (!(s[i].r = gsl_rng_alloc(gsl_rng_mt19937)))
            return -1;
        /* a stream's numbers do not depend on the other's */
        gsl_rng_set(s[i].r, (unsigned long)(cfg->seed * 2 + i));
        double sum = 0;
        for (int b = 0; b < SLOTS_PER_DAY; b++)
            sum += s[i].rate[b] = gsl_cdf_gamma_P(b + 1.0, s[i].m->anum, s[i].m->bnum) -
                                  gsl_cdf_gamma_P((double)b, s[i].m->anum, s[i].m->bnum);
        for (int b = 0; b < SLOTS_PER_DAY; b++)
            s[i].rate[b] *= SLOTS_PER_DAY / sum;
        stream_next(&s[i], cfg, k);
    }
    return 0;
}

static void streams_end(stream *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        gsl_rng_free(s[i].r);
}

/* The stream whose next job arrives first (the first one on a tie). */
static stream *earliest(stream *s, unsigned n)
{
    stream *e = &s[0];
    for (unsigned i = 1; i < n; i++)
        if (s[i].t < e->t)
            e = &s[i];
    return e;
}

int hs_gen_lublin(const hs_gen_config *cfg, const char *path, hs_error *err)
{
    if (cfg->jobs == 0 || cfg->nodes == 0 || cfg->max_runtime < 60 || cfg->load < 0)
        return hs_error_set(err, path, 0, 0,
                            "need at least one job, one node, a runtime limit of 60 s or more and a load "
                            "of 0 or more (got %llu jobs, %u nodes, %.0f s, load %g)",
                            (unsigned long long)cfg->jobs, cfg->nodes, cfg->max_runtime, cfg->load);
    unsigned n = cfg->type == HS_GEN_BOTH ? 2 : 1;
    stream s[2] = {{0}};
    /* A first pass at the model's own rate measures its offered load; the
     * same draws then run with every gap scaled to reach the target. */
    double k = 1.0, model_load = 0;
    if (streams_begin(s, n, cfg, 1.0) < 0) {
        streams_end(s, n);
        return hs_error_set(err, path, 0, 0, "out of memory");
    }
    double work = 0, first = 0, last = 0;
    for (uint64_t i = 0; i < cfg->jobs; i++) {
        stream *e = earliest(s, n);
        if (i == 0)
            first = e->t;
        last = e->t;
        work += e->size * e->run;
        stream_next(e, cfg, 1.0);
    }
    streams_end(s, n);
    model_load = last > first ? work / ((double)cfg->nodes * (last - first)) : 0;
    if (cfg->load > 0 && model_load > 0)
        k = model_load / cfg->load;

    char tmp[4096];
    FILE *f = NULL;
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp || !(f = fopen(tmp, "w")))
        return hs_error_set(err, path, 0, 0, "cannot write: %s", f ? "path too long" : strerror(errno));
    if (streams_begin(s, n, cfg, k) < 0) {
        streams_end(s, n);
        fclose(f);
        unlink(tmp);
        return hs_error_set(err, path, 0, 0, "out of memory");
    }
    static const char *const type_names[] = {"batch", "interactive", "both", "typeless"};
    fprintf(f, "; Version: 2.2\n");
    fprintf(f, "; Computer: synthetic, Lublin-Feitelson 2003 rigid-job model, %s parameters (hpcsim gen)\n",
            type_names[cfg->type]);
    fprintf(f, "; Note: made by: %s\n", cfg->command ? cfg->command : "hpcsim gen");
    fprintf(f, "; Note: seed %llu, %llu jobs, %u nodes of 1 processor, runtime cut-off %.0f s\n", cfg->seed,
            (unsigned long long)cfg->jobs, cfg->nodes, cfg->max_runtime);
    fprintf(f, "; Note: offered load at the model's arrival rate %.3f; arrival gaps scaled by %.6g\n", model_load, k);
    if (cfg->type == HS_GEN_BOTH)
        fprintf(f, "; Note: queue 0 = interactive jobs, 1 = batch jobs\n");
    fprintf(f, "; UnixStartTime: 0\n; MaxJobs: %llu\n; MaxRecords: %llu\n", (unsigned long long)cfg->jobs,
            (unsigned long long)cfg->jobs);
    fprintf(f, "; MaxNodes: %u\n; MaxProcs: %u\n", cfg->nodes, cfg->nodes);
    for (uint64_t i = 0; i < cfg->jobs; i++) {
        stream *e = earliest(s, n);
        /* job submit wait run alloc cpu mem req_procs req_time req_mem status user group app queue part prev think */
        fprintf(f, "%llu %.0f -1 %.0f %u -1 -1 %u %.0f -1 1 -1 -1 -1 %d -1 -1 -1\n", (unsigned long long)i + 1,
                floor(e->t), e->run, e->size, e->size, e->req, e->m->queue);
        stream_next(e, cfg, k);
    }
    streams_end(s, n);
    return hs_file_commit(f, tmp, path, err);
}
