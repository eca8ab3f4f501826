/* `hpcsim slurm-verify --report FILE`: the lock-step check's figures as
 * one self-contained HTML page (report.h, docs/slurm-verify.md): the
 * agreement table, the shares of agreeing instants and jobs as the run
 * goes, the free-running starts against real Slurm's, and the first
 * disagreements with the state that led to them. */
#include <stdlib.h>

#include "hpcsim/svg.h"
#include "report.h"

static double pct(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

static void row(FILE *h, const char *what, uint64_t a, uint64_t b, const char *of)
{
    fprintf(h, "<tr><td>%s</td><td>%llu of %llu %s</td><td>%.1f %%</td></tr>\n", what, (unsigned long long)a,
            (unsigned long long)b, of, pct(a, b));
}

int hs_report_verify(const hs_verify_result *r, const char *real_path, unsigned show, FILE *h, hs_error *err)
{
    size_t n = r->nevents ? r->nevents : 1;
    double *x = malloc(n * sizeof *x), *decisions = malloc(n * sizeof *decisions), *jobs = malloc(n * sizeof *jobs);
    if (!x || !decisions || !jobs) {
        free(x);
        free(decisions);
        free(jobs);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    hs_html_begin(h, "hpcsim slurm-verify");
    fputs("<h1>The Slurm model against real Slurm, decision by decision</h1>\n<p>Record: ", h);
    hs_html_escape(h, real_path);
    fprintf(h, ". At each of the %u instants at which real Slurm started jobs, the model was held to the real history "
               "before it and asked what its main scheduler and its backfill would start (jitter %g s).</p>\n",
            r->nevents, r->jitter);
    fputs("<table><tr><th>what agrees</th><th>count</th><th>share</th></tr>\n", h);
    row(h, "instants at which the model starts the jobs real Slurm started", r->nagree, r->nevents, "instants");
    row(h, "jobs started by the model at their real instant", r->matched, r->real_jobs, "jobs");
    row(h, "of those, on their real nodes", r->same_nodes, r->matched, "jobs");
    if (r->real_main)
        row(h, "jobs real Slurm's main scheduler started", r->matched_real_main, r->real_main, "jobs");
    if (r->real_backfill)
        row(h, "jobs real Slurm's backfill started", r->matched_real_backfill, r->real_backfill, "jobs");
    row(h, "free-running: jobs starting within the jitter of real Slurm", r->free_within, r->free_jobs, "jobs");
    if (r->has_rerun)
        row(h, "real Slurm's re-run: jobs starting within the jitter of the record", r->rerun_within, r->rerun_jobs,
            "jobs");
    fputs("</table>\n", h);
    const hs_metrics *m[3] = {&r->real, &r->model, &r->rerun};
    unsigned cols = r->has_rerun ? 3 : 2;
    fputs("<table><tr><th></th><th>real Slurm</th><th>the model, free-running</th>", h);
    fputs(r->has_rerun ? "<th>real Slurm, re-run</th></tr>\n" : "</tr>\n", h);
    fputs("<tr><td>mean wait (s)</td>", h);
    for (unsigned k = 0; k < cols; k++)
        fprintf(h, "<td>%.1f</td>", m[k]->wait_mean);
    fputs("</tr>\n<tr><td>median wait (s)</td>", h);
    for (unsigned k = 0; k < cols; k++)
        fprintf(h, "<td>%.0f</td>", m[k]->wait_median);
    fputs("</tr>\n<tr><td>95th percentile wait (s)</td>", h);
    for (unsigned k = 0; k < cols; k++)
        fprintf(h, "<td>%.0f</td>", m[k]->wait_p95);
    fputs("</tr>\n<tr><td>utilization</td>", h);
    for (unsigned k = 0; k < cols; k++)
        fprintf(h, "<td>%.3f</td>", m[k]->utilization);
    fputs("</tr></table>\n", h);
    if (r->squeezed)
        fprintf(h, "<p>%u real starts were squeezed onto fewer CPUs than they asked: the record names nodes, not CPUs "
                   "per node.</p>\n",
                r->squeezed);
    uint32_t agree = 0;
    uint64_t real = 0, matched = 0;
    for (uint32_t i = 0; i < r->nevents; i++) {
        agree += r->events[i].agree;
        real += r->events[i].nreal;
        matched += r->events[i].nboth;
        x[i] = r->events[i].at;
        decisions[i] = pct(agree, i + 1);
        jobs[i] = pct(matched, real);
    }
    hs_svg_series s[2] = {{"instants that agree", x, decisions, r->nevents, NULL, NULL, HS_SVG_LINE},
                          {"jobs started at their instant", x, jobs, r->nevents, NULL, NULL, HS_SVG_LINE}};
    hs_svg_plot p = {.title = "Agreement as the run goes",
                     .xlabel = "real start instant (s from the trace's time 0)",
                     .ylabel = "share so far (%)",
                     .caption = "Cumulative: a fall marks the instants at which the model decides otherwise.",
                     .y_from_zero = true};
    hs_svg_plot_write(h, &p, s, 2);
    if (r->free_jobs) {
        double lo = r->free_real_start[0], hi = lo;
        for (uint32_t i = 0; i < r->free_jobs; i++) {
            double a = r->free_real_start[i], b = r->free_model_start[i];
            lo = a < lo ? a : b < lo ? b : lo;
            hi = a > hi ? a : b > hi ? b : hi;
        }
        double dx[2] = {lo, hi};
        hs_svg_series f[2] = {{"jobs", r->free_real_start, r->free_model_start, r->free_jobs, NULL, NULL, HS_SVG_POINTS},
                              {"the same start", dx, dx, 2, NULL, NULL, HS_SVG_CURVE}};
        hs_svg_plot q = {.title = "Free-running: the model's starts against real Slurm's",
                         .xlabel = "real start (s)",
                         .ylabel = "model start (s)",
                         .caption = "The model replays the trace on its own; a job on the line started when real "
                                    "Slurm started it."};
        hs_svg_plot_write(h, &q, f, 2);
    }
    fputs("<h2>First disagreements</h2>\n", h);
    unsigned shown = 0;
    for (uint32_t i = 0; i < r->nevents && shown < show; i++) {
        const hs_verify_event *ev = &r->events[i];
        if (ev->agree && ev->nsame_nodes == ev->nboth)
            continue;
        shown++;
        fputs("<pre>", h);
        hs_html_escape(h, ev->text ? ev->text : "");
        fputs("</pre>\n", h);
    }
    if (!shown)
        fputs("<p>None.</p>\n", h);
    hs_html_end(h);
    free(x);
    free(decisions);
    free(jobs);
    return 0;
}
