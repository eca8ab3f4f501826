/* The boundary report (`hpcsim-calibrate report model.json`): for each
 * backend of a model, how many nodes can share this host before the
 * predicted slowdown of a job leaves the tolerance (5 % by default), as a
 * best estimate (the fitted curve) and a 95 %-confident figure (the
 * curve's upper band, from the covariance of (a, b) by the delta method);
 * whether run-to-run jitter alone already exceeds it; and a one-line
 * recommendation. Beyond the largest k measured a figure is an
 * extrapolation and says so. With -o, a self-contained HTML page with one
 * SVG plot per curve: measured points (when the measurements named in the
 * model's provenance are readable), fitted curve, band and tolerance. */
#ifndef HPCSIM_CALIBRATE_BOUNDARY_H
#define HPCSIM_CALIBRATE_BOUNDARY_H

#include <stdio.h>

#include "hpcsim/model.h"

typedef struct hc_boundary {
    unsigned best_k, confident_k; /* co-runners within tolerance */
    int best_capped, confident_capped; /* reached the search limit */
    double at1, at1_lo, at1_hi;   /* slowdown with one co-runner and its band */
} hc_boundary;

#define HC_BOUNDARY_K_LIMIT 256

/* Slowdown predicted at k and its standard deviation. */
void hc_curve_predict(const hs_interference *c, double k, double *mean, double *sd);
void hc_boundary_of(const hs_interference *c, double tolerance, hc_boundary *out);

int hc_boundary_report(const char *model_path, double tolerance, const char *html_path, FILE *out, hs_error *err);

#endif
