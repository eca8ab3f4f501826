/* Inline SVG plots in a self-contained HTML page (hpcsim/svg.h). Axes
 * get "nice" ticks (1, 2 or 5 times a power of ten; decades on a log
 * axis); coordinates are printed with one decimal so that the same data
 * give the same bytes. */
#include "hpcsim/svg.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static const char *const palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define NCOLORS (sizeof palette / sizeof *palette)

void hs_html_escape(FILE *out, const char *t)
{
    for (; t && *t; t++)
        switch (*t) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*t, out);
        }
}

void hs_html_begin(FILE *out, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>", out);
    hs_html_escape(out, title);
    fputs("</title>\n<style>body{font-family:sans-serif;max-width:1200px;margin:auto;padding:0 12px}"
          "figure.plot{display:inline-block;margin:8px;vertical-align:top}figcaption{font-size:12px;max-width:560px}"
          "table{border-collapse:collapse;font-size:13px}td,th{padding:2px 8px;border-bottom:1px solid #ddd;"
          "text-align:right}th{background:#f4f4f4}svg text{font-family:sans-serif}</style></head><body>\n<h1>",
          out);
    hs_html_escape(out, title);
    fputs("</h1>\n", out);
}

void hs_html_end(FILE *out) { fputs("</body></html>\n", out); }

/* An axis: data range, log or not, and the pixel span it maps to. */
typedef struct axis {
    double lo, hi; /* in axis units (log10 of the value on a log axis) */
    bool log;
    double p0, p1; /* pixels of lo and hi */
    double floor;  /* log axis: values below are drawn here */
    double step;   /* between ticks, in axis units */
} axis;

static double ax_unit(const axis *a, double v)
{
    if (!a->log)
        return v;
    return log10(v > a->floor ? v : a->floor);
}

static double ax_px(const axis *a, double v)
{
    double u = ax_unit(a, v);
    return a->hi > a->lo ? a->p0 + (a->p1 - a->p0) * (u - a->lo) / (a->hi - a->lo) : (a->p0 + a->p1) / 2;
}

static double nice_step(double range, int want)
{
    double raw = range / want, mag = pow(10, floor(log10(raw))), f = raw / mag;
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

static void tick_text(double v, char *buf, size_t len)
{
    double a = fabs(v);
    if (a >= 1e6 && a < 1e15)
        snprintf(buf, len, "%.3gM", v / 1e6);
    else if (a >= 1e4 && a < 1e6)
        snprintf(buf, len, "%.3gk", v / 1e3);
    else
        snprintf(buf, len, "%.4g", fabs(v) < 1e-12 ? 0.0 : v);
}

/* Fits an axis to [lo, hi] (values, not units). */
static void ax_fit(axis *a, double lo, double hi, bool log, bool from_zero)
{
    a->log = log;
    if (log) {
        /* no positive value at all (every wait 0): one decade from 1 */
        double minpos = lo > 0 && isfinite(lo) ? lo : hi > 0 && isfinite(hi) ? hi : 1;
        a->floor = pow(10, floor(log10(minpos)));
        a->lo = log10(a->floor);
        a->hi = hi > 0 && isfinite(hi) ? ceil(log10(hi)) : a->lo + 1;
        if (a->hi <= a->lo)
            a->hi = a->lo + 1;
        a->step = 1;
        return;
    }
    if (from_zero && lo > 0)
        lo = 0;
    if (!(hi > lo)) {
        double pad = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
        lo -= pad;
        hi += pad;
    }
    a->step = nice_step(hi - lo, 5);
    a->lo = floor(lo / a->step) * a->step;
    a->hi = ceil(hi / a->step) * a->step;
}

/* Ticks and labels of an axis; horizontal: along x at pixel y = at. */
static void ax_draw(FILE *out, const axis *a, bool horizontal, double at, double other0, double other1,
                    const char *const *cats, size_t ncats)
{
    char buf[32];
    if (cats) {
        for (size_t i = 0; i < ncats; i++) {
            double px = ax_px(a, (double)i);
            fprintf(out, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>", px, at + 14);
            hs_html_escape(out, cats[i]);
            fputs("</text>\n", out);
        }
        return;
    }
    /* counted, not accumulated: the same ticks whatever the rounding */
    long nticks = (long)floor((a->hi - a->lo) / a->step + 1e-9);
    for (long k = 0; k <= nticks; k++) {
        double u = a->lo + a->step * (double)k;
        double v = a->log ? pow(10, u) : u;
        tick_text(v, buf, sizeof buf);
        double px = a->p0 + (a->p1 - a->p0) * (u - a->lo) / (a->hi - a->lo);
        if (horizontal)
            fprintf(out,
                    "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#eee'/>"
                    "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>%s</text>\n",
                    px, px, other0, other1, px, at + 14, buf);
        else
            fprintf(out,
                    "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#eee'/>"
                    "<text x='%.1f' y='%.1f' font-size='11' text-anchor='end'>%s</text>\n",
                    other0, other1, px, px, at - 4, px + 4, buf);
    }
}

typedef struct frame {
    double W, H, L, R, T, B;
    axis x, y;
} frame;

static void frame_begin(FILE *out, frame *f, const hs_svg_plot *p, size_t points)
{
    fprintf(out, "<figure class='plot' data-points='%zu'>", points);
    if (p->title) {
        fputs("<div style='font-weight:bold;font-size:14px'>", out);
        hs_html_escape(out, p->title);
        fputs("</div>", out);
    }
    fprintf(out, "<svg xmlns='http://www.w3.org/2000/svg' width='%.0f' height='%.0f' viewBox='0 0 %.0f %.0f' role='img'>\n",
            f->W, f->H, f->W, f->H);
}

static void frame_axes(FILE *out, const frame *f, const hs_svg_plot *p)
{
    double x0 = f->L, x1 = f->W - f->R, y0 = f->T, y1 = f->H - f->B;
    ax_draw(out, &f->x, true, y1, y0, y1, p->xcats, p->nxcats);
    ax_draw(out, &f->y, false, x0, x0, x1, NULL, 0);
    fprintf(out, "<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='none' stroke='#888'/>\n", x0, y0, x1 - x0,
            y1 - y0);
    if (p->xlabel) {
        fprintf(out, "<text x='%.1f' y='%.1f' font-size='12' text-anchor='middle'>", (x0 + x1) / 2, f->H - 6);
        hs_html_escape(out, p->xlabel);
        fputs("</text>\n", out);
    }
    if (p->ylabel) {
        fprintf(out, "<text x='12' y='%.1f' font-size='12' text-anchor='middle' transform='rotate(-90 12 %.1f)'>",
                (y0 + y1) / 2, (y0 + y1) / 2);
        hs_html_escape(out, p->ylabel);
        fputs("</text>\n", out);
    }
}

static void frame_end(FILE *out, const hs_svg_plot *p)
{
    fputs("</svg>", out);
    if (p->caption)
        fprintf(out, "<figcaption>%s</figcaption>", p->caption);
    fputs("</figure>\n", out);
}

static void frame_size(frame *f, const hs_svg_plot *p)
{
    f->W = p->width > 0 ? p->width : 560;
    f->H = p->height > 0 ? p->height : 320;
    f->L = 60;
    f->R = 14;
    f->T = 10;
    f->B = 40;
    f->x.p0 = f->L;
    f->x.p1 = f->W - f->R;
    f->y.p0 = f->H - f->B;
    f->y.p1 = f->T;
}

void hs_svg_plot_write(FILE *out, const hs_svg_plot *p, const hs_svg_series *s, size_t ns)
{
    frame f;
    frame_size(&f, p);
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY, xpos = INFINITY, ypos = INFINITY;
    size_t points = 0;
    for (size_t k = 0; k < ns; k++)
        for (size_t i = 0; i < s[k].n; i++) {
            double ys[3] = {s[k].y[i], s[k].lo ? s[k].lo[i] : s[k].y[i], s[k].hi ? s[k].hi[i] : s[k].y[i]};
            if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i]))
                continue;
            points++;
            xlo = fmin(xlo, s[k].x[i]);
            xhi = fmax(xhi, s[k].x[i]);
            if (s[k].x[i] > 0)
                xpos = fmin(xpos, s[k].x[i]);
            for (int j = 0; j < 3; j++)
                if (isfinite(ys[j])) {
                    ylo = fmin(ylo, ys[j]);
                    yhi = fmax(yhi, ys[j]);
                    if (ys[j] > 0)
                        ypos = fmin(ypos, ys[j]);
                }
        }
    if (p->has_hline) {
        ylo = fmin(ylo, p->hline);
        yhi = fmax(yhi, p->hline);
    }
    if (!points) {
        xlo = ylo = 0;
        xhi = yhi = 1;
    }
    if (p->xcats) {
        f.x.log = false;
        f.x.lo = -0.5;
        f.x.hi = (double)p->nxcats - 0.5;
        f.x.step = 1;
    } else {
        ax_fit(&f.x, p->xlog ? xpos : xlo, xhi, p->xlog, false);
    }
    ax_fit(&f.y, p->ylog ? ypos : ylo, yhi, p->ylog, p->y_from_zero);
    frame_begin(out, &f, p, points);
    frame_axes(out, &f, p);
    if (p->has_hline)
        fprintf(out, "<line x1='%.1f' x2='%.1f' y1='%.1f' y2='%.1f' stroke='#d62728' stroke-dasharray='5,4'/>\n", f.L,
                f.W - f.R, ax_px(&f.y, p->hline), ax_px(&f.y, p->hline));
    for (size_t k = 0; k < ns; k++) {
        const hs_svg_series *r = &s[k];
        const char *color = palette[k % NCOLORS];
        if (r->lo && r->hi && r->n) {
            fprintf(out, "<polygon class='band' fill='%s' fill-opacity='0.2' stroke='none' points='", color);
            for (size_t i = 0; i < r->n; i++)
                fprintf(out, "%.1f,%.1f ", ax_px(&f.x, r->x[i]), ax_px(&f.y, r->hi[i]));
            for (size_t i = r->n; i-- > 0;)
                fprintf(out, "%.1f,%.1f ", ax_px(&f.x, r->x[i]), ax_px(&f.y, r->lo[i]));
            fputs("'/>\n", out);
        }
        if (r->style != HS_SVG_POINTS && r->n) {
            fprintf(out, "<polyline class='series' fill='none' stroke='%s' stroke-width='1.6' points='", color);
            for (size_t i = 0; i < r->n; i++) {
                if (r->style == HS_SVG_STEP && i > 0)
                    fprintf(out, "%.1f,%.1f ", ax_px(&f.x, r->x[i]), ax_px(&f.y, r->y[i - 1]));
                fprintf(out, "%.1f,%.1f ", ax_px(&f.x, r->x[i]), ax_px(&f.y, r->y[i]));
            }
            fputs("'/>\n", out);
        }
        if (r->style == HS_SVG_LINE || r->style == HS_SVG_POINTS)
            for (size_t i = 0; i < r->n; i++)
                if (isfinite(r->y[i]))
                    fprintf(out, "<circle class='pt' cx='%.1f' cy='%.1f' r='2.6' fill='%s'/>\n", ax_px(&f.x, r->x[i]),
                            ax_px(&f.y, r->y[i]), color);
        if (r->label && ns > 1) {
            double ly = f.T + 14 + 14.0 * (double)k;
            fprintf(out, "<rect x='%.1f' y='%.1f' width='10' height='10' fill='%s'/><text x='%.1f' y='%.1f' font-size='11'>",
                    f.L + 8, ly - 9, color, f.L + 22, ly);
            hs_html_escape(out, r->label);
            fputs("</text>\n", out);
        }
    }
    frame_end(out, p);
}

/* A cell's colour: white to dark blue over [lo, hi]. */
static void cell_color(double v, double lo, double hi, char *buf, size_t len)
{
    double t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
    int r = (int)(247 - t * (247 - 8)), g = (int)(251 - t * (251 - 48)), b = (int)(255 - t * (255 - 107));
    snprintf(buf, len, "#%02x%02x%02x", r, g, b);
}

void hs_svg_heatmap_write(FILE *out, const hs_svg_plot *p, const char *const *xcats, size_t nx,
                          const char *const *ycats, size_t ny, const double *z)
{
    frame f;
    frame_size(&f, p);
    f.L = 90;
    f.x.p0 = f.L;
    double lo = INFINITY, hi = -INFINITY;
    size_t points = 0;
    for (size_t i = 0; i < nx * ny; i++)
        if (isfinite(z[i])) {
            lo = fmin(lo, z[i]);
            hi = fmax(hi, z[i]);
            points++;
        }
    frame_begin(out, &f, p, points);
    double cw = (f.W - f.L - f.R) / (double)(nx ? nx : 1), chh = (f.H - f.T - f.B) / (double)(ny ? ny : 1);
    for (size_t j = 0; j < ny; j++)
        for (size_t i = 0; i < nx; i++) {
            double v = z[j * nx + i], x = f.L + cw * (double)i, y = f.H - f.B - chh * (double)(j + 1);
            char col[16], val[32];
            if (!isfinite(v))
                continue;
            cell_color(v, lo, hi, col, sizeof col);
            tick_text(v, val, sizeof val);
            bool dark = hi > lo && (v - lo) / (hi - lo) > 0.55;
            fprintf(out,
                    "<rect class='cell' x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' stroke='#fff'/>"
                    "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle' fill='%s'>%s</text>\n",
                    x, y, cw, chh, col, x + cw / 2, y + chh / 2 + 4, dark ? "#fff" : "#000", val);
        }
    for (size_t i = 0; i < nx; i++) {
        fprintf(out, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='middle'>", f.L + cw * ((double)i + 0.5),
                f.H - f.B + 14);
        hs_html_escape(out, xcats[i]);
        fputs("</text>\n", out);
    }
    for (size_t j = 0; j < ny; j++) {
        fprintf(out, "<text x='%.1f' y='%.1f' font-size='11' text-anchor='end'>", f.L - 4,
                f.H - f.B - chh * ((double)j + 0.5) + 4);
        hs_html_escape(out, ycats[j]);
        fputs("</text>\n", out);
    }
    if (p->xlabel) {
        fprintf(out, "<text x='%.1f' y='%.1f' font-size='12' text-anchor='middle'>", (f.L + f.W - f.R) / 2, f.H - 6);
        hs_html_escape(out, p->xlabel);
        fputs("</text>\n", out);
    }
    if (p->ylabel) {
        fprintf(out, "<text x='12' y='%.1f' font-size='12' text-anchor='middle' transform='rotate(-90 12 %.1f)'>",
                (f.T + f.H - f.B) / 2, (f.T + f.H - f.B) / 2);
        hs_html_escape(out, p->ylabel);
        fputs("</text>\n", out);
    }
    frame_end(out, p);
}

void hs_svg_gantt_write(FILE *out, const hs_svg_plot *p, const hs_svg_box *b, size_t n)
{
    frame f;
    frame_size(&f, p);
    double xlo = INFINITY, xhi = -INFINITY, yhi = 0;
    for (size_t i = 0; i < n; i++) {
        xlo = fmin(xlo, b[i].x0);
        xhi = fmax(xhi, b[i].x1);
        yhi = fmax(yhi, b[i].y1);
    }
    if (!n) {
        xlo = 0;
        xhi = yhi = 1;
    }
    ax_fit(&f.x, xlo, xhi, false, false);
    ax_fit(&f.y, 0, yhi, false, true);
    frame_begin(out, &f, p, n);
    frame_axes(out, &f, p);
    for (size_t i = 0; i < n; i++) {
        double x0 = ax_px(&f.x, b[i].x0), x1 = ax_px(&f.x, b[i].x1), y0 = ax_px(&f.y, b[i].y1), y1 = ax_px(&f.y, b[i].y0);
        fprintf(out, "<rect class='box' x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s' fill-opacity='0.8'/>\n",
                x0, y0, fmax(x1 - x0, 0.3), fmax(y1 - y0, 0.3), palette[b[i].key % NCOLORS]);
    }
    frame_end(out, p);
}
