/* Plots as inline SVG in one self-contained HTML page: no script, no
 * network reference, the same bytes for the same data. `hpcsim report`
 * and `hpcsim-calibrate report` both draw with it (docs/report.md).
 *
 * Every plot is a <figure class="plot" data-points="N"> whose N counts the
 * data points drawn, so that a test in a browser can check that no plot
 * came out empty. */
#ifndef HPCSIM_SVG_H
#define HPCSIM_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum hs_svg_style {
    HS_SVG_LINE,   /* a polyline with a dot at each point */
    HS_SVG_STEP,   /* a step function (utilization, queue length), no dots */
    HS_SVG_POINTS, /* dots only */
    HS_SVG_CURVE,  /* a polyline, no dots (a fitted curve) */
};

typedef struct hs_svg_series {
    const char *label;       /* in the legend; NULL: none */
    const double *x, *y;
    size_t n;
    const double *lo, *hi;   /* a shaded band from lo to hi at each x, or NULL */
    enum hs_svg_style style;
} hs_svg_series;

typedef struct hs_svg_plot {
    const char *title;       /* above the plot */
    const char *xlabel, *ylabel;
    const char *caption;     /* under it (may hold HTML: the caller escapes) */
    double width, height;    /* 0: 560 x 320 */
    bool xlog, ylog;         /* values <= 0 are drawn at the axis' lowest decade */
    const char *const *xcats; /* categorical x axis: x values are indexes into it */
    size_t nxcats;
    bool has_hline;          /* a dashed reference line at y = hline */
    double hline;
    bool y_from_zero;        /* the y axis starts at 0 */
} hs_svg_plot;

/* One plot of series. */
void hs_svg_plot_write(FILE *out, const hs_svg_plot *p, const hs_svg_series *s, size_t ns);

/* A heatmap: z[j * nx + i] at column i (xcats) and row j (ycats); NaN is
 * an empty cell. Each cell shows its value. */
void hs_svg_heatmap_write(FILE *out, const hs_svg_plot *p, const char *const *xcats, size_t nx,
                          const char *const *ycats, size_t ny, const double *z);

/* A Gantt chart: box k spans [x0, x1) in time and [y0, y1) in resource
 * units; its colour follows key. */
typedef struct hs_svg_box {
    double x0, x1, y0, y1;
    unsigned key;
} hs_svg_box;
void hs_svg_gantt_write(FILE *out, const hs_svg_plot *p, const hs_svg_box *b, size_t n);

/* The page around the plots. */
void hs_html_begin(FILE *out, const char *title);
void hs_html_end(FILE *out);
/* Text with &, <, >, " and ' escaped. */
void hs_html_escape(FILE *out, const char *text);

#endif
