/* `hpcsim report` of a sweep's folder (report.h, docs/report.md): each
 * figure of merit against each swept parameter, a line per combination
 * of the other parameters with the replications' spread as a band, and a
 * heatmap when two parameters are swept. Read from grid.json and the
 * points' result.json, as results.csv is. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/svg.h"
#include "report.h"
#include "sweep_grid.h"
#include "sweep_point.h"
#include "sweep_table.h"

#define MAX_LINES 8

static const struct merit {
    const char *path, *label;
    bool log;
} merits[] = {
    {"wait.mean", "mean wait (s)", false},
    {"wait.p95", "95th percentile wait (s)", false},
    {"bounded_slowdown.mean", "mean bounded slowdown", true},
    {"utilization", "utilization", false},
    {"makespan", "makespan (s)", false},
};
#define NMERITS (sizeof merits / sizeof *merits)

/* The distinct values of a parameter, in the order points first use them. */
typedef struct values {
    const char **v;
    size_t n;
    bool numeric;
} values;

static size_t value_index(const values *vs, const char *v)
{
    for (size_t i = 0; i < vs->n; i++)
        if (strcmp(vs->v[i], v) == 0)
            return i;
    return SIZE_MAX;
}

static int collect(const sw_grid *g, const char *param, values *vs)
{
    vs->v = malloc((g->npoints ? g->npoints : 1) * sizeof *vs->v);
    if (!vs->v)
        return -1;
    vs->n = 0;
    vs->numeric = true;
    for (uint32_t i = 0; i < g->npoints; i++) {
        const char *v = sw_point_get(&g->points[i], param);
        v = v ? v : "";
        if (value_index(vs, v) != SIZE_MAX)
            continue;
        char *end;
        strtod(v, &end);
        vs->numeric = vs->numeric && end != v && !*end;
        vs->v[vs->n++] = v;
    }
    return 0;
}

/* A point's "other parameters" key: every swept parameter but skip. */
static void others_key(const sw_grid *g, uint32_t i, char *const *swept, size_t ns, size_t skip, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < ns; k++) {
        if (k == skip)
            continue;
        const char *v = sw_point_get(&g->points[i], swept[k]);
        int w = snprintf(buf + at, len - at, "%s%s=%s", at ? ", " : "", swept[k], v ? v : "");
        if (w < 0 || (size_t)w >= len - at)
            return;
        at += (size_t)w;
    }
}

static int plot_against(FILE *h, const sw_grid *g, json_t *const *res, char *const *swept, size_t ns, size_t p,
                        const struct merit *m)
{
    values xs;
    if (collect(g, swept[p], &xs) < 0)
        return -1;
    char(*keys)[512] = malloc((g->npoints ? g->npoints : 1) * sizeof *keys);
    const char **line_names = malloc((g->npoints ? g->npoints : 1) * sizeof *line_names);
    size_t nl = 0;
    int rc = -1;
    if (!keys || !line_names)
        goto done;
    for (uint32_t i = 0; i < g->npoints; i++) {
        others_key(g, i, swept, ns, p, keys[i], sizeof keys[i]);
        bool seen = false;
        for (size_t l = 0; l < nl && !seen; l++)
            seen = strcmp(line_names[l], keys[i]) == 0;
        if (!seen)
            line_names[nl++] = keys[i];
    }
    bool merged = nl > MAX_LINES; /* too many lines to read: one, over all the others */
    size_t nlines = merged ? 1 : nl, cells = nlines * xs.n;
    double *sum = calloc(cells, sizeof *sum), *cnt = calloc(cells, sizeof *cnt), *lo = malloc(cells * sizeof *lo),
           *hi = malloc(cells * sizeof *hi), *x = malloc(cells * sizeof *x), *y = malloc(cells * sizeof *y),
           *ylo = malloc(cells * sizeof *ylo), *yhi = malloc(cells * sizeof *yhi);
    hs_svg_series *series = calloc(nlines, sizeof *series);
    if (!sum || !cnt || !lo || !hi || !x || !y || !ylo || !yhi || !series)
        goto free_cells;
    for (size_t c = 0; c < cells; c++) {
        lo[c] = INFINITY;
        hi[c] = -INFINITY;
    }
    for (uint32_t i = 0; i < g->npoints; i++) {
        const json_t *summary = res[i] ? json_object_get(res[i], "summary") : NULL;
        double v;
        if (!summary || !sw_summary_number(summary, m->path, &v))
            continue;
        const char *pv = sw_point_get(&g->points[i], swept[p]);
        size_t xi = value_index(&xs, pv ? pv : ""), li = 0;
        for (; !merged && li < nl && strcmp(line_names[li], keys[i]) != 0; li++)
            ;
        size_t c = li * xs.n + xi;
        sum[c] += v;
        cnt[c]++;
        lo[c] = fmin(lo[c], v);
        hi[c] = fmax(hi[c], v);
    }
    size_t total = 0;
    for (size_t l = 0; l < nlines; l++) {
        size_t k = 0, base = l * xs.n;
        for (size_t xi = 0; xi < xs.n; xi++) {
            size_t c = base + xi;
            if (!cnt[c])
                continue;
            x[base + k] = xs.numeric ? strtod(xs.v[xi], NULL) : (double)xi;
            y[base + k] = sum[c] / cnt[c];
            ylo[base + k] = lo[c];
            yhi[base + k] = hi[c];
            k++;
        }
        /* a numeric axis is drawn in increasing x */
        for (size_t a = 1; xs.numeric && a < k; a++)
            for (size_t b = a; b > 0 && x[base + b - 1] > x[base + b]; b--) {
                double *arr[4] = {x, y, ylo, yhi};
                for (int q = 0; q < 4; q++) {
                    double t = arr[q][base + b];
                    arr[q][base + b] = arr[q][base + b - 1];
                    arr[q][base + b - 1] = t;
                }
            }
        series[l] = (hs_svg_series){merged ? "all others (mean)" : line_names[l][0] ? line_names[l] : NULL,
                                    x + base, y + base, k, ylo + base, yhi + base, HS_SVG_LINE};
        total += k;
    }
    char title[300], caption[400];
    snprintf(title, sizeof title, "%s against %s", m->label, swept[p]);
    snprintf(caption, sizeof caption,
             "Mean over the points that share a value%s; the band spans their lowest and highest value%s.",
             merged ? " (all other parameters pooled: more than 8 combinations)" : " and the other parameters",
             total ? "" : " (no point succeeded)");
    hs_svg_plot pl = {.title = title, .xlabel = swept[p], .ylabel = m->label, .caption = caption, .ylog = m->log,
                      .xcats = xs.numeric ? NULL : xs.v, .nxcats = xs.numeric ? 0 : xs.n};
    hs_svg_plot_write(h, &pl, series, nlines);
    rc = 0;
free_cells:
    free(sum);
    free(cnt);
    free(lo);
    free(hi);
    free(x);
    free(y);
    free(ylo);
    free(yhi);
    free(series);
done:
    free(keys);
    free(line_names);
    free(xs.v);
    return rc;
}

static int heatmap(FILE *h, const sw_grid *g, json_t *const *res, char *const *swept, const struct merit *m)
{
    values xs, ys;
    if (collect(g, swept[0], &xs) < 0)
        return -1;
    if (collect(g, swept[1], &ys) < 0) {
        free(xs.v);
        return -1;
    }
    double *sum = calloc(xs.n * ys.n, sizeof *sum), *cnt = calloc(xs.n * ys.n, sizeof *cnt);
    int rc = -1;
    if (sum && cnt) {
        for (uint32_t i = 0; i < g->npoints; i++) {
            const json_t *summary = res[i] ? json_object_get(res[i], "summary") : NULL;
            double v;
            if (!summary || !sw_summary_number(summary, m->path, &v))
                continue;
            const char *a = sw_point_get(&g->points[i], swept[0]), *b = sw_point_get(&g->points[i], swept[1]);
            size_t c = value_index(&ys, b ? b : "") * xs.n + value_index(&xs, a ? a : "");
            sum[c] += v;
            cnt[c]++;
        }
        for (size_t c = 0; c < xs.n * ys.n; c++)
            sum[c] = cnt[c] ? sum[c] / cnt[c] : NAN;
        char title[300];
        snprintf(title, sizeof title, "%s by %s and %s", m->label, swept[0], swept[1]);
        hs_svg_plot pl = {.title = title, .xlabel = swept[0], .ylabel = swept[1],
                          .caption = "Each cell: the mean over its replications."};
        hs_svg_heatmap_write(h, &pl, xs.v, xs.n, ys.v, ys.n, sum);
        rc = 0;
    }
    free(sum);
    free(cnt);
    free(xs.v);
    free(ys.v);
    return rc;
}

int hs_report_sweep(const char *dir, FILE *h, hs_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/grid.json", dir);
    sw_grid g;
    if (sw_grid_load(&g, path, err) < 0)
        return -1;
    json_t **res = calloc(g.npoints ? g.npoints : 1, sizeof *res);
    char **swept = malloc((g.ncolumns ? g.ncolumns : 1) * sizeof *swept);
    if (!res || !swept) {
        free(res);
        free(swept);
        sw_grid_free(&g);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    bool replicated = false;
    for (unsigned c = 0; c < g.ncolumns; c++)
        replicated |= strcmp(g.columns[c], "replication") == 0;
    size_t ns = 0;
    for (unsigned c = 0; c < g.ncolumns; c++) {
        const char *name = g.columns[c];
        /* replications and the seeds they set are the spread, not an axis;
         * a parameter with one value is not swept */
        if (replicated && (!strcmp(name, "replication") || !strcmp(name, "seed") || !strcmp(name, "gen.seed")))
            continue;
        values vs;
        if (collect(&g, name, &vs) < 0) {
            free(res);
            free(swept);
            sw_grid_free(&g);
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        }
        if (vs.n > 1)
            swept[ns++] = g.columns[c];
        free(vs.v);
    }
    unsigned ok = 0, failed = 0, missing = 0;
    for (uint32_t i = 0; i < g.npoints; i++) {
        sw_point_dir(path, sizeof path, dir, i, g.npoints);
        res[i] = sw_result_read(path);
        const char *st = res[i] ? json_string_value(json_object_get(res[i], "status")) : NULL;
        if (!st)
            missing++;
        else if (!strcmp(st, "ok"))
            ok++;
        else
            failed++;
    }
    int rc = 0;
    if (!ok)
        rc = hs_error_set(err, dir, 0, 0, "no point of this sweep has a result yet: nothing to plot");
    if (rc == 0) {
        hs_html_begin(h, "hpcsim sweep report");
        fprintf(h, "<p>%u points: %u ok, %u failed, %u not run. Swept:", g.npoints, ok, failed, missing);
        for (size_t k = 0; k < ns; k++) {
            fputs(k ? ", " : " ", h);
            hs_html_escape(h, swept[k]);
        }
        fprintf(h, "%s.</p>\n", ns ? replicated ? "; each with its replications" : "" : " nothing (no parameter has two values), so there is nothing to plot against");
        for (size_t p = 0; p < ns && rc == 0; p++) {
            fputs("<h2>Against ", h);
            hs_html_escape(h, swept[p]);
            fputs("</h2>\n", h);
            for (size_t m = 0; m < NMERITS && rc == 0; m++)
                if (plot_against(h, &g, res, swept, ns, p, &merits[m]) < 0)
                    rc = hs_error_set(err, NULL, 0, 0, "out of memory");
        }
        if (ns == 2) {
            fputs("<h2>Both parameters</h2>\n", h);
            for (size_t m = 0; m < NMERITS && rc == 0; m++)
                if (heatmap(h, &g, res, swept, &merits[m]) < 0)
                    rc = hs_error_set(err, NULL, 0, 0, "out of memory");
        }
        hs_html_end(h);
    }
    for (uint32_t i = 0; i < g.npoints; i++)
        json_decref(res[i]);
    free(res);
    free(swept);
    sw_grid_free(&g);
    return rc;
}
