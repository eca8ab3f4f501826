/* The report (report.h). */
#define _GNU_SOURCE
#include "report.h"

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BOOTSTRAP 2000

typedef struct run {
    char block[112], point[96], backend[16], bench[16];
    double ready_ms; /* launch: create -> ready, where the backend knows it; else < 0 */
    int on, higher_better;
    double value;
} run;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median_of(double *x, unsigned n)
{
    qsort(x, n, sizeof *x, cmp_double);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

void hc_median_ci(const double *x, unsigned n, unsigned long long seed, double *median, double *lo, double *hi)
{
    double *tmp = malloc(n * sizeof *tmp), *meds = malloc(BOOTSTRAP * sizeof *meds);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!tmp || !meds || !r || n == 0) {
        *median = *lo = *hi = NAN;
        goto out;
    }
    gsl_rng_set(r, (unsigned long)seed);
    memcpy(tmp, x, n * sizeof *tmp);
    *median = median_of(tmp, n);
    for (unsigned b = 0; b < BOOTSTRAP; b++) {
        for (unsigned i = 0; i < n; i++)
            tmp[i] = x[gsl_rng_uniform_int(r, n)];
        meds[b] = median_of(tmp, n);
    }
    qsort(meds, BOOTSTRAP, sizeof *meds, cmp_double);
    *lo = meds[(int)(0.025 * BOOTSTRAP)];
    *hi = meds[(int)(0.975 * BOOTSTRAP) - 1];
out:
    free(tmp);
    free(meds);
    if (r)
        gsl_rng_free(r);
}

static double slowdown(double base, double value, int higher_better)
{
    return higher_better ? base / value : value / base;
}

typedef struct group {
    char point[96], backend[16], what[24];
    double *x;
    unsigned n, cap;
} group;

static int add(group **gs, unsigned *ng, const char *point, const char *backend, const char *what, double v)
{
    group *g = NULL;
    for (unsigned i = 0; i < *ng && !g; i++)
        if (!strcmp((*gs)[i].point, point) && !strcmp((*gs)[i].backend, backend) && !strcmp((*gs)[i].what, what))
            g = &(*gs)[i];
    if (!g) {
        group *n = realloc(*gs, (*ng + 1) * sizeof *n);
        if (!n)
            return -1;
        *gs = n;
        g = &n[(*ng)++];
        memset(g, 0, sizeof *g);
        snprintf(g->point, sizeof g->point, "%s", point);
        snprintf(g->backend, sizeof g->backend, "%s", backend);
        snprintf(g->what, sizeof g->what, "%s", what);
    }
    if (g->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 16;
        double *x = realloc(g->x, g->cap * sizeof *x);
        if (!x)
            return -1;
        g->x = x;
    }
    g->x[g->n++] = v;
    return 0;
}

static int cmp_group(const void *a, const void *b)
{
    const group *x = a, *y = b;
    int c = strcmp(x->what, y->what);
    if (!c)
        c = strcmp(x->point, y->point);
    return c ? c : strcmp(x->backend, y->backend);
}

int hc_report(const char *log_path, unsigned long long seed, FILE *out, hs_error *err)
{
    FILE *f = fopen(log_path, "r");
    if (!f)
        return hs_error_set(err, log_path, 0, 0, "cannot read");
    run *runs = NULL;
    unsigned nruns = 0, cap = 0;
    char **done = NULL;
    unsigned ndone = 0;
    char *line = NULL;
    size_t lcap = 0;
    int emulated = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        if (!j)
            continue;
        const char *block = json_string_value(json_object_get(j, "block"));
        if (block && json_is_true(json_object_get(j, "block_done"))) {
            done = realloc(done, (ndone + 1) * sizeof *done);
            done[ndone++] = strdup(block);
        } else if (block && !json_is_true(json_object_get(j, "warmup")) &&
                   json_is_number(json_object_get(json_object_get(j, "result"), "value"))) {
            if (nruns == cap) {
                cap = cap ? 2 * cap : 256;
                runs = realloc(runs, cap * sizeof *runs);
            }
            run *r = &runs[nruns++];
            json_t *res = json_object_get(j, "result");
            snprintf(r->block, sizeof r->block, "%s", block);
            snprintf(r->point, sizeof r->point, "%s", json_string_value(json_object_get(j, "point")));
            /* emulated runs (kvm under TCG) are labelled wherever they show */
            int tcg = json_is_true(json_object_get(res, "emulated"));
            emulated |= tcg;
            snprintf(r->backend, sizeof r->backend, "%.9s%s", json_string_value(json_object_get(j, "backend")),
                     tcg ? " (TCG)" : "");
            json_t *ready = json_object_get(res, "ready_ms");
            r->ready_ms = json_is_number(ready) ? json_number_value(ready) : -1;
            snprintf(r->bench, sizeof r->bench, "%s", json_string_value(json_object_get(j, "bench")));
            r->on = strcmp(json_string_value(json_object_get(j, "load_state")), "on") == 0;
            r->higher_better = json_is_true(json_object_get(res, "higher_is_better"));
            r->value = json_number_value(json_object_get(res, "value"));
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    group *gs = NULL;
    unsigned ng = 0;
    for (unsigned d = 0; d < ndone; d++) {
        run *native_off = NULL;
        for (unsigned i = 0; i < nruns; i++)
            if (!strcmp(runs[i].block, done[d]) && !strcmp(runs[i].backend, "native") && !runs[i].on)
                native_off = &runs[i];
        for (unsigned i = 0; i < nruns; i++) {
            run *r = &runs[i];
            if (strcmp(r->block, done[d]) || r->on)
                continue;
            for (unsigned k = 0; k < nruns; k++) /* its "on" twin */
                if (!strcmp(runs[k].block, done[d]) && !strcmp(runs[k].backend, r->backend) && runs[k].on)
                    add(&gs, &ng, r->point, r->backend, "load on / off", slowdown(r->value, runs[k].value, r->higher_better));
            if (native_off && strcmp(r->backend, "native") != 0)
                add(&gs, &ng, r->point, r->backend, "vs native", slowdown(native_off->value, r->value, r->higher_better));
            if (!strcmp(r->bench, "launch"))
                add(&gs, &ng, r->point, r->backend, "launch ms", r->value);
            if (!strcmp(r->bench, "launch") && r->ready_ms >= 0)
                add(&gs, &ng, r->point, r->backend, "ready ms", r->ready_ms);
        }
    }
    qsort(gs, ng, sizeof *gs, cmp_group);
    fprintf(out, "%u complete blocks in %s\n\n", ndone, log_path);
    fprintf(out, "| comparison | point | backend | pairs | slowdown (median) | 95%% CI |\n|---|---|---|---:|---:|---|\n");
    for (unsigned i = 0; i < ng; i++) {
        if (!strcmp(gs[i].what, "launch ms") || !strcmp(gs[i].what, "ready ms"))
            continue;
        double m, lo, hi;
        hc_median_ci(gs[i].x, gs[i].n, seed + i, &m, &lo, &hi);
        fprintf(out, "| %s | %s | %s | %u | %.3f | [%.3f, %.3f] |\n", gs[i].what, gs[i].point, gs[i].backend, gs[i].n,
                m, lo, hi);
    }
    int header = 0;
    for (unsigned i = 0; i < ng; i++) {
        int whole = !strcmp(gs[i].what, "launch ms");
        if (!whole && strcmp(gs[i].what, "ready ms"))
            continue;
        if (!header++)
            fprintf(out, "\n| launch latency (load off) | backend | from creation to | n | median (ms) | p90 (ms) |\n"
                         "|---|---|---|---:|---:|---:|\n");
        qsort(gs[i].x, gs[i].n, sizeof *gs[i].x, cmp_double);
        double med = median_of(gs[i].x, gs[i].n);
        double p90 = gs[i].x[(unsigned)ceil(0.9 * gs[i].n) - 1];
        fprintf(out, "| %s | %s | %s | %u | %.1f | %.1f |\n", gs[i].point, gs[i].backend,
                whole ? "gone again (a whole no-op life)" : "ready", gs[i].n, med, p90);
    }
    if (emulated)
        fprintf(out, "\n(TCG): kvm nodes ran under QEMU TCG emulation, no usable KVM: their figures measure an "
                     "emulator, NOT virtualization overhead.\n");
    for (unsigned i = 0; i < ng; i++)
        free(gs[i].x);
    free(gs);
    for (unsigned d = 0; d < ndone; d++)
        free(done[d]);
    free(done);
    free(runs);
    return 0;
}
