/* Fitting (fit.h). */
#define _GNU_SOURCE
#include "fit.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "runs.h"

#define MAX_POINTS 100000

static const double launch_p[] = {0.05, 0.25, 0.5, 0.75, 0.95};

/* The job profile a benchmark stands for; -1 when none. */
static int profile_of(const char *bench)
{
    return !strcmp(bench, "compute") ? HS_PROFILE_CPU
           : !strcmp(bench, "stream") ? HS_PROFILE_MEMORY
           : !strcmp(bench, "disk")   ? HS_PROFILE_IO
           : !strcmp(bench, "pipe") || !strcmp(bench, "wakeup") ? HS_PROFILE_LATENCY
                                                                 : -1;
}

double hc_curve_at(const hs_interference *c, double k) { return 1 + c->a * (k > 0 ? pow(k, c->b) : 0); }

typedef struct curve_data {
    const double *k, *y;
} curve_data;

static int curve_f(const gsl_vector *x, void *data, gsl_vector *f)
{
    const curve_data *d = data;
    double a = gsl_vector_get(x, 0), b = gsl_vector_get(x, 1);
    for (size_t i = 0; i < f->size; i++)
        gsl_vector_set(f, i, 1 + a * (d->k[i] > 0 ? pow(d->k[i], b) : 0) - d->y[i]);
    return GSL_SUCCESS;
}

static int curve_df(const gsl_vector *x, void *data, gsl_matrix *J)
{
    const curve_data *d = data;
    double a = gsl_vector_get(x, 0), b = gsl_vector_get(x, 1);
    for (size_t i = 0; i < J->size1; i++) {
        double kb = d->k[i] > 0 ? pow(d->k[i], b) : 0;
        gsl_matrix_set(J, i, 0, kb);
        gsl_matrix_set(J, i, 1, d->k[i] > 0 ? a * kb * log(d->k[i]) : 0);
    }
    return GSL_SUCCESS;
}

/* b held at 1: weighted least squares for a alone, in closed form. */
static void fit_a_only(const double *k, const double *y, const double *w, unsigned n, hs_interference *out)
{
    double skk = 0, sky = 0;
    for (unsigned i = 0; i < n; i++) {
        skk += w[i] * k[i] * k[i];
        sky += w[i] * k[i] * (y[i] - 1);
    }
    out->a = skk > 0 ? sky / skk : 0;
    out->b = 1;
    out->b_fixed = true;
    memset(out->cov, 0, sizeof out->cov);
    out->cov[0][0] = skk > 0 ? 1 / skk : 0;
    double chi2 = 0;
    for (unsigned i = 0; i < n; i++)
        chi2 += w[i] * pow(1 + out->a * k[i] - y[i], 2);
    out->chi2_dof = n > 1 ? chi2 / (n - 1) : 0;
}

/* How many different k the points have. */
static unsigned distinct_k(const double *k, unsigned n)
{
    unsigned distinct = 0;
    for (unsigned i = 0; i < n; i++) {
        int seen = 0;
        for (unsigned j = 0; j < i; j++)
            seen |= k[j] == k[i];
        distinct += !seen;
    }
    return distinct;
}

int hc_fit_curve(const double *k, const double *y, const double *w, unsigned n, hs_interference *out, hs_error *err)
{
    unsigned distinct = distinct_k(k, n);
    double kmax = 0;
    for (unsigned i = 0; i < n; i++)
        kmax = k[i] > kmax ? k[i] : kmax;
    out->points = n;
    out->k_max = (unsigned)kmax;
    if (n == 0 || kmax <= 0)
        return hs_error_set(err, "fit", 0, 0, "an interference curve needs points with k > 0");
    fit_a_only(k, y, w, n, out); /* also the starting point of the full fit */
    if (distinct < 3 || n < 3)
        return 0; /* k^b is the same for every b at k = 0 and 1 */
    curve_data d = {k, y};
    gsl_multifit_nlinear_fdf fdf = {curve_f, curve_df, NULL, n, 2, &d, 0, 0, 0};
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    gsl_multifit_nlinear_workspace *ws = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, n, 2);
    double x0[2] = {out->a != 0 ? out->a : 0.1, 1};
    gsl_vector_view xv = gsl_vector_view_array(x0, 2);
    gsl_vector_const_view wv = gsl_vector_const_view_array(w, n);
    gsl_matrix *cov = gsl_matrix_alloc(2, 2);
    int info, ok = ws && cov;
    gsl_error_handler_t *old = gsl_set_error_handler_off(); /* failures are ours to report */
    if (ok && gsl_multifit_nlinear_winit(&xv.vector, &wv.vector, &fdf, ws) == GSL_SUCCESS &&
        gsl_multifit_nlinear_driver(200, 1e-10, 1e-10, 0, NULL, NULL, &info, ws) == GSL_SUCCESS) {
        double a = gsl_vector_get(ws->x, 0), b = gsl_vector_get(ws->x, 1);
        gsl_multifit_nlinear_covar(gsl_multifit_nlinear_jac(ws), 0.0, cov);
        double chi = gsl_blas_dnrm2(gsl_multifit_nlinear_residual(ws));
        /* a b outside [0, 4] means the data cannot tell b: keep b = 1 */
        if (isfinite(a) && isfinite(b) && b >= 0 && b <= 4 && a > -0.99) {
            out->a = a;
            out->b = b;
            out->b_fixed = false;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++)
                    out->cov[i][j] = gsl_matrix_get(cov, (size_t)i, (size_t)j);
            out->chi2_dof = chi * chi / (n - 2);
        }
    }
    gsl_set_error_handler(old);
    if (ws)
        gsl_multifit_nlinear_free(ws);
    if (cov)
        gsl_matrix_free(cov);
    return 0;
}

/* Weights 1/variance of the repetitions at each k; a k measured once (or
 * without spread) borrows the pooled variance. */
static void weights(const double *k, const double *y, unsigned n, double *w)
{
    double pooled = 0;
    unsigned groups = 0;
    for (unsigned i = 0; i < n; i++) {
        double s = 0, s2 = 0;
        unsigned m = 0;
        for (unsigned j = 0; j < n; j++)
            if (k[j] == k[i]) {
                s += y[j];
                s2 += y[j] * y[j];
                m++;
            }
        w[i] = m > 1 ? (s2 - s * s / m) / (m - 1) : -1; /* the variance for now */
        if (w[i] > 0) {
            pooled += w[i];
            groups++;
        }
    }
    pooled = groups ? pooled / groups : 1e-4;
    for (unsigned i = 0; i < n; i++)
        w[i] = 1 / (w[i] > 1e-12 ? w[i] : pooled);
}

/* Which model a run belongs to, and the models' names. */
typedef struct key {
    char backend[16], layout[16];
} key;

static int key_index(const key *keys, unsigned n, const hc_run *r)
{
    for (unsigned i = 0; i < n; i++)
        if (!strcmp(keys[i].backend, r->backend) && !strcmp(keys[i].layout, r->layout))
            return (int)i;
    return -1;
}

static const hc_run *find_run(const hc_runs *all, const char *block, const char *backend, int on)
{
    for (unsigned i = 0; i < all->n; i++)
        if (!strcmp(all->runs[i].block, block) && !strcmp(all->runs[i].backend, backend) && all->runs[i].on == on)
            return &all->runs[i];
    return NULL;
}

const char *hc_bench_for_profile(const hc_runs *all, int p)
{
    const char *best = NULL;
    for (unsigned i = 0; i < all->n; i++)
        if (profile_of(all->runs[i].bench) == p && (!best || !strcmp(all->runs[i].bench, "pipe")))
            best = all->runs[i].bench;
    return best;
}

static void shuffle(double *x, unsigned n, gsl_rng *r)
{
    for (unsigned i = n; i > 1; i--) {
        unsigned j = (unsigned)gsl_rng_uniform_int(r, i);
        double t = x[i - 1];
        x[i - 1] = x[j];
        x[j] = t;
    }
}

static void fit_overhead(const hc_runs *all, const key *kk, const char *bench, unsigned long long seed, hs_overhead *o,
                         FILE *report)
{
    double *x = malloc(all->n * sizeof *x);
    unsigned n = 0;
    int idle_only = 0; /* prefer blocks with the host idle too */
    for (unsigned i = 0; i < all->n; i++) {
        const hc_run *r = &all->runs[i];
        idle_only |= !strcmp(r->backend, kk->backend) && !strcmp(r->bench, bench) && r->k == 0 && !strcmp(r->host, "idle");
    }
    for (unsigned i = 0; x && i < all->n; i++) {
        const hc_run *r = &all->runs[i];
        if (strcmp(r->backend, kk->backend) || strcmp(r->layout, kk->layout) || strcmp(r->bench, bench) || r->on ||
            r->k != 0 || (idle_only && strcmp(r->host, "idle")))
            continue;
        const hc_run *nat = find_run(all, r->block, "native", 0);
        if (nat)
            x[n++] = !strcmp(kk->backend, "native") ? 1 : hc_slowdown(nat->value, r->value, r->higher_better);
    }
    if (n > 0) {
        hc_median_ci(x, n, seed, &o->median, &o->lo, &o->hi);
        o->n = n;
        o->known = true;
        snprintf(o->benchmark, sizeof o->benchmark, "%s", bench);
    }
    if (n >= 3 && report && strcmp(kk->backend, "native")) {
        gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(rng, (unsigned long)seed);
        shuffle(x, n, rng);
        gsl_rng_free(rng);
        unsigned nfit = (2 * n + 2) / 3;
        double fit = hc_median(x, nfit), held = hc_median(x + nfit, n - nfit);
        fprintf(report, "| overhead | %s %s | %s | %u blocks: %.3f | %u blocks: %.3f | %.1f %% |\n", kk->backend,
                kk->layout, bench, nfit, fit, n - nfit, held, 100 * fabs(fit - held) / held);
    }
    free(x);
}

unsigned hc_curve_points(const hc_runs *all, const char *backend, const char *layout, const char *bench,
                         const char *kind, const char *host, double *k, double *y)
{
    unsigned n = 0;
    for (unsigned i = 0; i < all->n; i++) { /* k = 0 (no co-runner) anchors every kind's curve */
        const hc_run *r = &all->runs[i];
        if (strcmp(r->backend, backend) || strcmp(r->layout, layout) || strcmp(r->bench, bench) || r->on ||
            strcmp(r->host, host) || (r->k > 0 && strcmp(r->kind, kind)))
            continue;
        const hc_run *on = find_run(all, r->block, r->backend, 1);
        if (on) {
            k[n] = r->k;
            y[n++] = hc_slowdown(r->value, on->value, r->higher_better);
        }
    }
    return n;
}

static void fit_curves(const hc_runs *all, const key *kk, const char *bench, int p, hs_backend_model *b, FILE *report)
{
    double *k = malloc(all->n * sizeof *k), *y = malloc(all->n * sizeof *y), *w = malloc(all->n * sizeof *w);
    char kinds[8][16], hosts[8][8];
    unsigned nc = 0;
    for (unsigned i = 0; i < all->n && nc < 8; i++) { /* the (kind, host) pairs measured with k > 0 */
        const hc_run *r = &all->runs[i];
        if (strcmp(r->backend, kk->backend) || strcmp(r->layout, kk->layout) || strcmp(r->bench, bench) || r->k == 0)
            continue;
        int seen = 0;
        for (unsigned c = 0; c < nc; c++)
            seen |= !strcmp(kinds[c], r->kind) && !strcmp(hosts[c], r->host);
        if (!seen) {
            snprintf(kinds[nc], sizeof kinds[nc], "%s", r->kind);
            snprintf(hosts[nc], sizeof hosts[nc], "%s", r->host);
            nc++;
        }
    }
    for (unsigned c = 0; k && y && w && c < nc && b->ncurves[p] < HS_MODEL_MAX_CURVES; c++) {
        unsigned n = hc_curve_points(all, kk->backend, kk->layout, bench, kinds[c], hosts[c], k, y);
        hs_interference *cv = &b->curves[p][b->ncurves[p]];
        memset(cv, 0, sizeof *cv);
        snprintf(cv->corunner, sizeof cv->corunner, "%s", kinds[c]);
        snprintf(cv->host, sizeof cv->host, "%s", hosts[c]);
        weights(k, y, n, w);
        hs_error err;
        if (hc_fit_curve(k, y, w, n, cv, &err) < 0)
            continue;
        b->ncurves[p]++;
        if (!report)
            continue;
        /* held out: the largest k, predicted from the others */
        unsigned m = 0, at = 0, distinct = distinct_k(k, n);
        double *heldy = malloc(n * sizeof *heldy);
        for (unsigned i = 0; heldy && i < n; i++) { /* partition: k < k_max first */
            if (k[i] < cv->k_max) {
                double tk = k[m], ty = y[m];
                k[m] = k[i];
                y[m] = y[i];
                k[i] = tk;
                y[i] = ty;
                m++;
            }
        }
        for (unsigned i = m; heldy && i < n; i++)
            heldy[at++] = y[i];
        hs_interference part;
        if (heldy && distinct >= 3 && (weights(k, y, m, w), hc_fit_curve(k, y, w, m, &part, &err) == 0)) {
            double pred = hc_curve_at(&part, cv->k_max), meas = hc_median(heldy, at);
            fprintf(report, "| interference | %s %s | %s, %s co-runners, host %s | k < %u: %.3f at k = %u | k = %u: %.3f | %.1f %% |\n",
                    kk->backend, kk->layout, bench, kinds[c], hosts[c], cv->k_max, pred, cv->k_max, cv->k_max, meas,
                    100 * fabs(pred - meas) / meas);
        } else {
            fprintf(report, "| interference | %s %s | %s, %s co-runners, host %s | (k = 0..%u: too few k to hold one out) | | |\n",
                    kk->backend, kk->layout, bench, kinds[c], hosts[c], cv->k_max);
        }
        free(heldy);
    }
    free(k);
    free(y);
    free(w);
}

static void fit_noise_launch(const hc_runs *all, const key *kk, hs_backend_model *b)
{
    double *logs = malloc(all->n * sizeof *logs), *g = malloc(all->n * sizeof *g);
    unsigned n = 0, nl = 0;
    for (unsigned i = 0; logs && g && i < all->n; i++) {
        const hc_run *r = &all->runs[i];
        if (strcmp(r->backend, kk->backend) || strcmp(r->layout, kk->layout))
            continue;
        if (!strcmp(r->bench, "launch")) {
            if (!r->on)
                g[nl++] = r->value / 1e3;
            continue;
        }
        int first = 1; /* each (point, load state) group once, at its first run */
        for (unsigned j = 0; j < i && first; j++)
            first = !(!strcmp(all->runs[j].backend, r->backend) && !strcmp(all->runs[j].layout, r->layout) &&
                      !strcmp(all->runs[j].point, r->point) && all->runs[j].on == r->on);
        if (!first)
            continue;
        double *v = malloc(all->n * sizeof *v);
        unsigned m = 0;
        for (unsigned j = i; v && j < all->n; j++)
            if (!strcmp(all->runs[j].backend, r->backend) && !strcmp(all->runs[j].layout, r->layout) &&
                !strcmp(all->runs[j].point, r->point) && all->runs[j].on == r->on)
                v[m++] = all->runs[j].value;
        if (v && m >= 2) {
            double *sorted = malloc(m * sizeof *sorted);
            if (sorted) {
                memcpy(sorted, v, m * sizeof *v);
                double med = hc_median(sorted, m);
                for (unsigned j = 0; j < m; j++) /* as a factor on runtime */
                    logs[n++] = log(hc_slowdown(med, v[j], r->higher_better));
                free(sorted);
            }
        }
        free(v);
    }
    if (n >= 2) {
        double s = 0, s2 = 0;
        for (unsigned i = 0; i < n; i++)
            s += logs[i];
        b->noise_mu = s / n;
        for (unsigned i = 0; i < n; i++)
            s2 += pow(logs[i] - b->noise_mu, 2);
        b->noise_sigma = sqrt(s2 / (n - 1));
        b->noise_n = n;
        b->noise_known = true;
    }
    if (nl > 0) {
        hc_sort(g, nl);
        b->launch_n = nl;
        b->nquantiles = sizeof launch_p / sizeof launch_p[0];
        for (unsigned q = 0; q < b->nquantiles; q++) { /* linear between order statistics */
            double pos = launch_p[q] * (nl - 1);
            unsigned lo = (unsigned)pos;
            double frac = pos - lo;
            b->launch_q[q][0] = launch_p[q];
            b->launch_q[q][1] = lo + 1 < nl ? g[lo] + frac * (g[lo + 1] - g[lo]) : g[lo];
        }
    }
    free(logs);
    free(g);
}

static char *provenance(const char *log_path, const hc_runs *all, const hs_model *m)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    FILE *f = fopen(log_path, "rb");
    int ch;
    while (f && (ch = fgetc(f)) != EOF)
        h = (h ^ (unsigned char)ch) * 0x100000001b3ULL;
    if (f)
        fclose(f);
    char digest[17];
    snprintf(digest, sizeof digest, "%016llx", (unsigned long long)h);
    json_error_t jerr;
    json_t *host = all->host ? json_loads(all->host, 0, &jerr) : NULL;
    json_t *emu = json_array();
    for (unsigned i = 0; i < m->nbackends; i++)
        if (m->backends[i].emulated)
            json_array_append_new(emu, json_string(m->backends[i].name));
    json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o}", "source", "measurements", "tool",
                          "hpcsim-calibrate " HPCSIM_VERSION, "measurements", log_path, "digest_fnv1a64", digest,
                          "blocks", (int)all->nblocks, "host", host ? host : json_null(), "emulated_backends", emu);
    char *text = p ? json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(p);
    return text;
}

int hc_fit(const char *log_path, unsigned long long seed, hs_model *m, FILE *report, hs_error *err)
{
    memset(m, 0, sizeof *m);
    hc_runs all;
    if (hc_runs_load(log_path, &all, err) < 0)
        return -1;
    if (all.n == 0) {
        hc_runs_free(&all);
        return hs_error_set(err, log_path, 0, 0, "no complete block to fit");
    }
    key keys[HS_MODEL_MAX_BACKENDS];
    unsigned nk = 0;
    for (unsigned i = 0; i < all.n && nk < HS_MODEL_MAX_BACKENDS; i++)
        if (key_index(keys, nk, &all.runs[i]) < 0) {
            snprintf(keys[nk].backend, sizeof keys[nk].backend, "%s", all.runs[i].backend);
            snprintf(keys[nk].layout, sizeof keys[nk].layout, "%s", all.runs[i].layout);
            nk++;
        }
    if (report)
        fprintf(report, "| held-out check | model | what | fitted on | held out | error |\n|---|---|---|---|---|---:|\n");
    for (unsigned i = 0; i < nk; i++) {
        hs_backend_model *b = &m->backends[m->nbackends++];
        int layouts = 0; /* a backend measured in several layouts gets one model per layout */
        for (unsigned j = 0; j < nk; j++)
            layouts += !strcmp(keys[j].backend, keys[i].backend);
        snprintf(b->name, sizeof b->name, layouts > 1 ? "%s-%s" : "%s", keys[i].backend, keys[i].layout);
        snprintf(b->layout, sizeof b->layout, "%s", keys[i].layout);
        for (unsigned r = 0; r < all.n; r++)
            b->emulated |= key_index(&keys[i], 1, &all.runs[r]) == 0 && all.runs[r].emulated;
        for (int p = 0; p < HS_PROFILE_N; p++) {
            const char *bench = hc_bench_for_profile(&all, p);
            if (!bench)
                continue;
            fit_overhead(&all, &keys[i], bench, seed + (unsigned long long)p, &b->overhead[p], report);
            fit_curves(&all, &keys[i], bench, p, b, report);
        }
        fit_noise_launch(&all, &keys[i], b);
    }
    m->provenance = provenance(log_path, &all, m);
    hc_runs_free(&all);
    if (!m->provenance)
        return hs_error_set(err, log_path, 0, 0, "out of memory");
    return 0;
}
