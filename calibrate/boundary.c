/* The boundary report (boundary.h). */
#define _GNU_SOURCE
#include "boundary.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fit.h"
#include "hpcsim/file.h"
#include "hpcsim/svg.h"
#include "platforms.h"
#include "runs.h"

void hc_curve_predict(const hs_interference *c, double k, double *mean, double *sd)
{
    double kb = k > 0 ? pow(k, c->b) : 0, g0 = kb, g1 = k > 0 ? c->a * kb * log(k) : 0;
    *mean = 1 + c->a * kb;
    double var = g0 * g0 * c->cov[0][0] + 2 * g0 * g1 * c->cov[0][1] + g1 * g1 * c->cov[1][1];
    *sd = var > 0 ? sqrt(var) : 0;
}

void hc_boundary_of(const hs_interference *c, double tolerance, hc_boundary *out)
{
    memset(out, 0, sizeof *out);
    int best_open = 1, conf_open = 1;
    for (unsigned k = 1; k <= HC_BOUNDARY_K_LIMIT && (best_open || conf_open); k++) {
        double m, sd;
        hc_curve_predict(c, k, &m, &sd);
        best_open = best_open && m <= 1 + tolerance;
        conf_open = conf_open && m + 1.96 * sd <= 1 + tolerance;
        out->best_k += best_open;
        out->confident_k += conf_open;
    }
    out->best_capped = out->best_k == HC_BOUNDARY_K_LIMIT;
    out->confident_capped = out->confident_k == HC_BOUNDARY_K_LIMIT;
    double m, sd;
    hc_curve_predict(c, 1, &m, &sd);
    out->at1 = m;
    out->at1_lo = m - 1.96 * sd;
    out->at1_hi = m + 1.96 * sd;
}

/* "3 nodes", "≥ 257 nodes (extrapolated beyond k = 3)". */
static void nodes_text(unsigned k, int capped, unsigned k_max, char *out, size_t cap)
{
    snprintf(out, cap, "%s%u node%s%s", capped ? ">= " : "", k + 1, k ? "s" : "",
             k > k_max ? " (extrapolated)" : "");
}

/* The curve a backend's boundary rests on for one profile: host idle. */
static const hs_interference *idle_curve(const hs_backend_model *b, int p)
{
    for (unsigned i = 0; i < b->ncurves[p]; i++)
        if (strcmp(b->curves[p][i].host, "idle") == 0)
            return &b->curves[p][i];
    return NULL;
}

/* The interference curve with its 95 % band, the measured points and the
 * tolerance line, drawn by the plotting code `hpcsim report` uses. */
static void svg_plot(FILE *h, const hs_backend_model *b, int p, const hs_interference *c, const hc_runs *runs,
                     double tolerance)
{
    enum { STEPS = 40 };
    unsigned kmax = c->k_max + 2;
    double *k = NULL, *y = NULL;
    unsigned n = 0;
    if (runs && runs->n) {
        k = malloc(runs->n * sizeof *k);
        y = malloc(runs->n * sizeof *y);
        const char *bench = hc_bench_for_profile(runs, p); /* the one the curve was fitted on */
        if (k && y && bench)
            n = hc_curve_points(runs, b->name, b->layout, bench, c->corunner, c->host, k, y);
        if (n == 0) { /* a model name with the layout appended: try the bare backend */
            char base[sizeof b->name];
            hc_backend_base(b, base, sizeof base);
            if (k && y && bench)
                n = hc_curve_points(runs, base, b->layout, bench, c->corunner, c->host, k, y);
        }
    }
    for (unsigned i = 0; i < n; i++) /* spread repetitions a little so they stay visible */
        k[i] += 0.08 * ((int)(i % 5) - 2);
    double cx[STEPS + 1], cy[STEPS + 1], lo[STEPS + 1], hi[STEPS + 1];
    for (int i = 0; i <= STEPS; i++) {
        double m, sd;
        cx[i] = kmax * i / (double)STEPS;
        hc_curve_predict(c, cx[i], &m, &sd);
        cy[i] = m;
        lo[i] = m - 1.96 * sd;
        hi[i] = m + 1.96 * sd;
    }
    hs_svg_series s[2] = {{"fitted curve, 95 % band", cx, cy, STEPS + 1, lo, hi, HS_SVG_CURVE},
                          {"measured", k, y, n, NULL, NULL, HS_SVG_POINTS}};
    char xlabel[96], caption[512];
    snprintf(xlabel, sizeof xlabel, "co-located %s co-runners k", c->corunner);
    snprintf(caption, sizeof caption,
             "%s, %s profile, host %s: slowdown = 1 + %.3f·k<sup>%.2f</sup>%s, 95 %% band; %u measured points; "
             "dashed: tolerance %.0f %%",
             b->name, hs_profile_name((enum hs_profile)p), c->host, c->a, c->b, c->b_fixed ? " (b held at 1)" : "", n,
             tolerance * 100);
    hs_svg_plot pl = {.xlabel = xlabel, .ylabel = "slowdown", .caption = caption, .width = 420, .height = 260,
                      .has_hline = true, .hline = 1 + tolerance};
    hs_svg_plot_write(h, &pl, s, n ? 2 : 1);
    free(k);
    free(y);
}

int hc_boundary_report(const char *model_path, double tolerance, const char *html_path, FILE *out, hs_error *err)
{
    hs_model m;
    if (hs_model_load(&m, model_path, err) < 0)
        return -1;
    hc_runs runs = {0};
    json_error_t jerr;
    json_t *prov = json_loads(m.provenance, 0, &jerr);
    const char *log = json_string_value(json_object_get(prov, "measurements"));
    hs_error ignored;
    int have_runs = log && hc_runs_load(log, &runs, &ignored) == 0;
    FILE *h = NULL;
    char tmp[1100] = "";
    if (html_path && snprintf(tmp, sizeof tmp, "%s.tmp", html_path) < (int)sizeof tmp)
        h = fopen(tmp, "w"); /* renamed once complete: never a partial page */
    if (html_path && !h) {
        json_decref(prov);
        hs_model_free(&m);
        return hs_error_set(err, html_path, 0, 0, "cannot write: %s", strerror(errno));
    }
    fprintf(out, "Boundary of %s (tolerance %.0f %% slowdown; a backend's limit rests on its host-idle curves)\n\n",
            model_path, tolerance * 100);
    fprintf(out, "| backend | profile | co-runners | host load | nodes within (best estimate) | nodes within (95 %% "
                 "confident) | slowdown at k = 1 [95 %%] | measured k |\n|---|---|---|---|---|---|---|---:|\n");
    if (h) {
        hs_html_begin(h, "hpcsim boundary report");
        fputs("<p>Model: ", h);
        hs_html_escape(h, model_path);
        fprintf(h, ". Tolerance: %.0f %% slowdown.</p>\n", tolerance * 100);
    }
    const char *best_name = NULL;
    unsigned best_nodes = 0;
    double best_overhead = INFINITY;
    char summary[2048] = "";
    size_t slen = 0;
    for (unsigned i = 0; i < m.nbackends; i++) {
        const hs_backend_model *b = &m.backends[i];
        unsigned limit = UINT32_MAX; /* the backend's boundary: its tightest profile */
        int any = 0;
        for (int p = 0; p < HS_PROFILE_N; p++)
            for (unsigned ci = 0; ci < b->ncurves[p]; ci++) { /* every host load level measured */
                const hs_interference *c = &b->curves[p][ci];
                hc_boundary bd;
                hc_boundary_of(c, tolerance, &bd);
                char best[64], conf[64];
                nodes_text(bd.best_k, bd.best_capped, c->k_max, best, sizeof best);
                nodes_text(bd.confident_k, bd.confident_capped, c->k_max, conf, sizeof conf);
                fprintf(out, "| %s%s | %s | %s | %s | %s | %s | %.3f [%.3f, %.3f] | 0..%u |\n", b->name,
                        b->emulated ? " (emulated)" : "", hs_profile_name((enum hs_profile)p), c->corunner, c->host,
                        best, conf, bd.at1, bd.at1_lo, bd.at1_hi, c->k_max);
                if (c == idle_curve(b, p) || (!idle_curve(b, p) && ci == 0)) { /* the backend's limit */
                    limit = bd.confident_k + 1 < limit ? bd.confident_k + 1 : limit;
                    any = 1;
                }
                if (h)
                    svg_plot(h, b, p, c, have_runs ? &runs : NULL, tolerance);
            }
        if (b->noise_known && b->noise_sigma > tolerance)
            fprintf(out, "| %s | (all) | none | any | jitter alone: runs vary by sigma = %.1f %% > %.0f %% | | | |\n", b->name,
                    100 * b->noise_sigma, 100 * tolerance);
        if (!any)
            continue;
        int w = snprintf(summary + slen, sizeof summary - slen, "%s%s %u", slen ? ", " : "", b->name, limit);
        if (w > 0 && (size_t)w < sizeof summary - slen)
            slen += (size_t)w;
        /* the most nodes; between equals, the smaller CPU overhead */
        double over = b->overhead[HS_PROFILE_CPU].known ? b->overhead[HS_PROFILE_CPU].median : 1;
        if (strcmp(b->name, "native") != 0 && !b->emulated &&
            (limit > best_nodes || (limit == best_nodes && over < best_overhead))) {
            best_nodes = limit;
            best_name = b->name;
            best_overhead = over;
        }
    }
    hc_platforms_report(&m, out, h);
    char rec[3072];
    if (best_name)
        snprintf(rec, sizeof rec,
                 "Recommendation: %s nodes, at most %u per host: then every profile's predicted slowdown stays "
                 "within %.0f %% with 95 %% confidence (%s CPU overhead %.3f; nodes per host by backend: %.2000s).%s",
                 best_name, best_nodes, tolerance * 100, best_name, best_overhead, summary,
                 best_nodes == 1 ? " At 1, no co-location is safe on this host: emulate one node per host." : "");
    else
        snprintf(rec, sizeof rec, "No recommendation: the model has no interference curve for a non-emulated, "
                                  "non-native backend.");
    fprintf(out, "\n%s\n", rec);
    if (h) {
        fputs("<p><b>", h);
        hs_html_escape(h, rec);
        fputs("</b></p>\n", h);
        hs_html_end(h);
        if (hs_file_commit(h, tmp, html_path, err) < 0) {
            json_decref(prov);
            hc_runs_free(&runs);
            hs_model_free(&m);
            return -1;
        }
    }
    json_decref(prov);
    hc_runs_free(&runs);
    hs_model_free(&m);
    return 0;
}
