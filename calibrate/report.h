/* Reading measurements.jsonl back: paired slowdowns with bootstrap
 * confidence intervals, and launch latencies. Only complete blocks count:
 * a pair is two runs of one block, so the two conditions were measured
 * seconds apart (unpaired blocks lie on a noisy host). */
#ifndef HPCSIM_CALIBRATE_REPORT_H
#define HPCSIM_CALIBRATE_REPORT_H

#include <stdio.h>

#include "hpcsim/error.h"

/* Slowdowns are > 1 when worse: base/value for throughputs, value/base
 * for latencies. Prints Markdown tables to out. */
int hc_report(const char *log_path, unsigned long long seed, FILE *out, hs_error *err);

/* Median and 95 % bootstrap interval of the median of x[0..n). */
void hc_median_ci(const double *x, unsigned n, unsigned long long seed, double *median, double *lo, double *hi);

#endif
