/* `hpcsim report` of one run's folder (report.h, docs/report.md): its
 * summary, utilization and queue length over time, the wait-time CDF,
 * bounded slowdown by job size and, under 2,000 jobs, a Gantt chart,
 * all read back from jobs.csv and summary.json. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/intervals.h"
#include "hpcsim/output.h"
#include "hpcsim/svg.h"
#include "report.h"

#define BINS 300
#define CDF_POINTS 400
#define GANTT_MAX_JOBS 2000

typedef struct job_row {
    double id, submit, demand, start, end, held; /* held: units allocated */
    uint32_t first_range, nranges;               /* into rows.ranges */
} job_row;

typedef struct rows {
    job_row *r;
    size_t n, cap;
    hs_range *ranges; /* every row's allocation, one after another */
    size_t nranges, rcap;
    hs_intervals iv;
    const char *path; /* jobs.csv, for messages */
} rows;

static void rows_free(rows *t)
{
    free(t->r);
    free(t->ranges);
    hs_intervals_free(&t->iv);
}

/* A row of jobs.csv (read by hs_jobs_csv_read) kept for the plots. */
static int keep_row(void *ctx, const hs_jobs_row *line, long lineno, hs_error *err)
{
    rows *t = ctx;
    const char *why;
    if (hs_intervals_parse(&t->iv, line->text[HS_COL_ALLOC], strlen(line->text[HS_COL_ALLOC]), &why) < 0)
        return hs_error_set(err, t->path, lineno, 0, "column allocated_resources: %s", why);
    if (t->n == t->cap) {
        size_t c = t->cap ? 2 * t->cap : 1024;
        job_row *more = realloc(t->r, c * sizeof *more);
        if (!more)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        t->r = more;
        t->cap = c;
    }
    while (t->nranges + t->iv.n > t->rcap) {
        size_t c = t->rcap ? 2 * t->rcap : 1024;
        hs_range *more = realloc(t->ranges, c * sizeof *more);
        if (!more)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        t->ranges = more;
        t->rcap = c;
    }
    memcpy(t->ranges + t->nranges, t->iv.r, t->iv.n * sizeof *t->iv.r);
    const double *v = line->v;
    t->r[t->n++] = (job_row){v[HS_COL_ID], v[HS_COL_SUBMIT], v[HS_COL_NRES], v[HS_COL_START], v[HS_COL_FINISH],
                             (double)hs_intervals_total(&t->iv), (uint32_t)t->nranges, t->iv.n};
    t->nranges += t->iv.n;
    return 0;
}

typedef struct event {
    double t, delta;
} event;

static int cmp_event(const void *a, const void *b)
{
    const event *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The time average of a step function (events, sorted) over BINS bins of
 * [t0, t1]: x the bins' starts, y the averages. */
static void binned(const event *e, size_t n, double t0, double t1, double scale, double *x, double *y)
{
    double w = (t1 - t0) / BINS, level = 0;
    size_t k = 0;
    for (int b = 0; b < BINS; b++) {
        double lo = t0 + w * b, hi = lo + w, area = 0, at = lo;
        while (k < n && e[k].t < hi) {
            if (e[k].t > at) {
                area += level * (e[k].t - at);
                at = e[k].t;
            }
            level += e[k].delta;
            k++;
        }
        area += level * (hi - at);
        x[b] = lo;
        y[b] = w > 0 ? area / w * scale : level * scale;
    }
}

static double number_at(const json_t *root, const char *a, const char *b)
{
    const json_t *v = json_object_get(root, a);
    if (b)
        v = json_object_get(v, b);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static void summary_table(FILE *h, const json_t *s, size_t njobs)
{
    fputs("<table><tr><th>policy</th><th>trace</th><th>cluster</th><th>units</th><th>jobs</th><th>makespan (s)</th>"
          "<th>utilization</th><th>mean wait (s)</th><th>p95 wait (s)</th><th>mean bounded slowdown</th></tr>\n<tr><td>",
          h);
    hs_html_escape(h, json_string_value(json_object_get(s, "policy")));
    fputs("</td><td>", h);
    hs_html_escape(h, json_string_value(json_object_get(s, "trace")));
    fputs("</td><td>", h);
    hs_html_escape(h, json_string_value(json_object_get(json_object_get(s, "cluster"), "name")));
    fprintf(h, "</td><td>%.0f</td><td>%zu</td><td>%.0f</td><td>%.3f</td><td>%.0f</td><td>%.0f</td><td>%.2f</td></tr></table>\n",
            number_at(s, "cluster", "units"), njobs, number_at(s, "makespan", NULL), number_at(s, "utilization", NULL),
            number_at(s, "wait", "mean"), number_at(s, "wait", "p95"), number_at(s, "bounded_slowdown", "mean"));
}

int hs_report_run(const char *dir, FILE *h, hs_error *err)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t je;
    json_t *s = json_load_file(path, 0, &je);
    if (!s)
        return hs_error_set(err, path, je.line, je.column, "%s", je.text);
    double units = number_at(s, "cluster", "units"), tau = number_at(s, "bounded_slowdown", "tau");
    if (!(units > 0) || !(tau > 0)) {
        json_decref(s);
        return hs_error_set(err, path, 0, 0, "cluster.units or bounded_slowdown.tau: missing or not positive");
    }
    rows t = {0};
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    t.path = path;
    int rc = hs_jobs_csv_read(path, keep_row, &t, err);
    size_t n = t.n;
    event *busy = NULL, *queue = NULL;
    double *wait = NULL, *x = NULL, *y = NULL, *y2 = NULL;
    if (rc == 0 && n == 0)
        rc = hs_error_set(err, path, 0, 0, "no job: nothing to plot");
    if (rc == 0 && (!(busy = malloc(2 * n * sizeof *busy)) || !(queue = malloc(2 * n * sizeof *queue)) ||
                    !(wait = malloc(n * sizeof *wait)) || !(x = malloc((n + BINS) * sizeof *x)) ||
                    !(y = malloc((n + BINS) * sizeof *y)) || !(y2 = malloc((n + BINS) * sizeof *y2))))
        rc = hs_error_set(err, NULL, 0, 0, "out of memory");
    if (rc < 0)
        goto done;

    hs_html_begin(h, "hpcsim run report");
    summary_table(h, s, n);
    double t0 = INFINITY, t1 = -INFINITY;
    /* Where tasks share nodes (summary.json "tasks"), allocated_resources
     * lists nodes, and a job's share of the units is what it asked for. */
    bool tasks = json_object_get(s, "tasks") != NULL;
    for (size_t i = 0; i < n; i++) {
        const job_row *j = &t.r[i];
        double used = tasks ? j->demand : j->held;
        busy[2 * i] = (event){j->start, used};
        busy[2 * i + 1] = (event){j->end, -used};
        queue[2 * i] = (event){j->submit, 1};
        queue[2 * i + 1] = (event){j->start, -1};
        wait[i] = j->start - j->submit;
        t0 = fmin(t0, j->submit);
        t1 = fmax(t1, j->end);
    }
    if (!(t1 > t0))
        t1 = t0 + 1;
    qsort(busy, 2 * n, sizeof *busy, cmp_event);
    qsort(queue, 2 * n, sizeof *queue, cmp_event);
    double hours = 1 / 3600.0;
    binned(busy, 2 * n, t0, t1, 1 / units, x, y);
    binned(queue, 2 * n, t0, t1, 1, x, y2);
    for (int b = 0; b < BINS; b++)
        x[b] = (x[b] - t0) * hours;
    hs_svg_series su = {"utilization", x, y, BINS, NULL, NULL, HS_SVG_STEP};
    hs_svg_plot pu = {.title = "Utilization over time", .xlabel = "hours since the first submission",
                      .ylabel = "busy share of the units", .y_from_zero = true,
                      .caption = "The share of the cluster's units held by running jobs, averaged over 300 bins."};
    hs_svg_plot_write(h, &pu, &su, 1);
    hs_svg_series sq = {"queue", x, y2, BINS, NULL, NULL, HS_SVG_STEP};
    hs_svg_plot pq = {.title = "Queue length over time", .xlabel = "hours since the first submission",
                      .ylabel = "jobs waiting", .y_from_zero = true,
                      .caption = "Jobs submitted and not yet started, averaged over 300 bins."};
    hs_svg_plot_write(h, &pq, &sq, 1);

    /* the wait-time CDF, at up to CDF_POINTS quantiles */
    qsort(wait, n, sizeof *wait, cmp_double);
    size_t m = n < CDF_POINTS ? n : CDF_POINTS;
    for (size_t k = 0; k < m; k++) {
        size_t i = m > 1 ? (size_t)((double)k * (double)(n - 1) / (double)(m - 1)) : 0;
        x[k] = wait[i];
        y[k] = (double)(i + 1) / (double)n;
    }
    hs_svg_series sc = {"wait", x, y, m, NULL, NULL, HS_SVG_CURVE};
    hs_svg_plot pc = {.title = "Wait time CDF", .xlabel = "wait (s, log scale; 0 drawn at the lowest decade)",
                      .ylabel = "share of jobs", .xlog = true, .y_from_zero = true,
                      .caption = "The share of jobs that waited at most x seconds."};
    hs_svg_plot_write(h, &pc, &sc, 1);

    /* bounded slowdown by size class: 1, 2, 3-4, 5-8, ... */
    double sum[40] = {0}, count[40] = {0};
    int top = 0;
    for (size_t i = 0; i < n; i++) {
        const job_row *j = &t.r[i];
        int c = 0;
        while (c < 39 && (double)(1ull << c) < j->demand)
            c++;
        double run = j->end - j->start, w = j->start - j->submit;
        sum[c] += fmax(1, (w + run) / fmax(run, tau));
        count[c]++;
        top = c > top ? c : top;
    }
    char labels[40][48];
    const char *cats[40];
    size_t nc = 0;
    for (int c = 0; c <= top; c++) {
        if (c <= 1)
            snprintf(labels[c], sizeof labels[c], "%d", c + 1);
        else
            snprintf(labels[c], sizeof labels[c], "%llu-%llu", (1ull << (c - 1)) + 1, 1ull << c);
        cats[c] = labels[c];
        x[c] = (double)c;
        y[c] = count[c] ? sum[c] / count[c] : NAN;
        nc++;
    }
    hs_svg_series sb = {"bounded slowdown", x, y, nc, NULL, NULL, HS_SVG_LINE};
    char caption[200];
    snprintf(caption, sizeof caption,
             "Mean of max(1, (wait + run) / max(run, %g s)) over the jobs of each size class (units requested).", tau);
    hs_svg_plot pb = {.title = "Bounded slowdown by job size", .xlabel = "units requested",
                      .ylabel = "mean bounded slowdown", .xcats = cats, .nxcats = nc, .ylog = true, .caption = caption};
    hs_svg_plot_write(h, &pb, &sb, 1);

    if (n <= GANTT_MAX_JOBS) {
        size_t nb = 0, capb = 0;
        hs_svg_box *boxes = NULL;
        for (size_t i = 0; i < n && rc == 0; i++) {
            const job_row *j = &t.r[i];
            for (uint32_t k = 0; k < j->nranges && rc == 0; k++) {
                const hs_range *g = &t.ranges[j->first_range + k];
                if (nb == capb) {
                    capb = capb ? 2 * capb : 1024;
                    hs_svg_box *more = realloc(boxes, capb * sizeof *more);
                    if (!more) {
                        rc = hs_error_set(err, NULL, 0, 0, "out of memory");
                        break;
                    }
                    boxes = more;
                }
                boxes[nb++] = (hs_svg_box){(j->start - t0) * hours, (j->end - t0) * hours, (double)g->first,
                                           (double)g->first + g->count, (unsigned)j->id};
            }
        }
        hs_svg_plot pg = {.title = "Schedule (Gantt chart)", .xlabel = "hours since the first submission",
                          .ylabel = "unit", .width = 1100, .height = 420,
                          .caption = "Each job's units over its run; colours follow job ids."};
        if (rc == 0)
            hs_svg_gantt_write(h, &pg, boxes, nb);
        free(boxes);
    } else {
        fprintf(h, "<p>No Gantt chart: %zu jobs (it is drawn for runs of at most %d).</p>\n", n, GANTT_MAX_JOBS);
    }
    hs_html_end(h);
done:
    free(busy);
    free(queue);
    free(wait);
    free(x);
    free(y);
    free(y2);
    rows_free(&t);
    json_decref(s);
    return rc;
}
