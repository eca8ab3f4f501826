/* The report (report.h). */
#define _GNU_SOURCE
#include "report.h"

#include "runs.h"

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define BOOTSTRAP 2000


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
    *median = hc_median(tmp, n);
    for (unsigned b = 0; b < BOOTSTRAP; b++) {
        for (unsigned i = 0; i < n; i++)
            tmp[i] = x[gsl_rng_uniform_int(r, n)];
        meds[b] = hc_median(tmp, n);
    }
    hc_sort(meds, BOOTSTRAP);
    *lo = meds[(int)(0.025 * BOOTSTRAP)];
    *hi = meds[(int)(0.975 * BOOTSTRAP) - 1];
out:
    free(tmp);
    free(meds);
    if (r)
        gsl_rng_free(r);
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
    hc_runs all;
    if (hc_runs_load(log_path, &all, err) < 0)
        return -1;
    hc_run *runs = all.runs;
    unsigned nruns = all.n, ndone = all.nblocks;
    char **done = all.blocks;
    int emulated = 0;
    for (unsigned i = 0; i < nruns; i++)
        if (runs[i].emulated) { /* labelled wherever they show */
            emulated = 1;
            size_t len = strlen(runs[i].backend);
            snprintf(runs[i].backend + len, sizeof runs[i].backend - len, " (TCG)");
        }
    group *gs = NULL;
    unsigned ng = 0;
    for (unsigned d = 0; d < ndone; d++) {
        hc_run *native_off = NULL;
        for (unsigned i = 0; i < nruns; i++)
            if (!strcmp(runs[i].block, done[d]) && !strcmp(runs[i].backend, "native") && !runs[i].on)
                native_off = &runs[i];
        for (unsigned i = 0; i < nruns; i++) {
            hc_run *r = &runs[i];
            if (strcmp(r->block, done[d]) || r->on)
                continue;
            for (unsigned k = 0; k < nruns; k++) /* its "on" twin */
                if (!strcmp(runs[k].block, done[d]) && !strcmp(runs[k].backend, r->backend) && runs[k].on)
                    add(&gs, &ng, r->point, r->backend, "load on / off", hc_slowdown(r->value, runs[k].value, r->higher_better));
            if (native_off && strcmp(r->backend, "native") != 0)
                add(&gs, &ng, r->point, r->backend, "vs native", hc_slowdown(native_off->value, r->value, r->higher_better));
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
        hc_sort(gs[i].x, gs[i].n);
        double med = hc_median(gs[i].x, gs[i].n);
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
    hc_runs_free(&all);
    return 0;
}
