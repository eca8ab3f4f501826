/* Fitting models from measurements (`hpcsim-calibrate fit`):
 *  - overhead of each backend and layout against native per benchmark,
 *    from paired ratios in blocks without load: median and bootstrap 95 %;
 *  - interference: the slowdown with load on against off versus k, fitted
 *    as 1 + a·k^b by weighted non-linear least squares (GSL), weights
 *    1/variance of the repetitions at each k, covariance of (a, b) kept;
 *    with fewer than three distinct k, b is held at 1 and only a is fitted;
 *    one curve per co-runner kind and host load level;
 *  - noise: a lognormal fitted to per-repetition deviations from their
 *    point's median; launch: quantiles of launch latency;
 *  - held-out checks: overheads fitted on a random two thirds of the blocks
 *    and compared with the rest, curves fitted without their largest k and
 *    compared with it.
 * Benchmarks map to job profiles: compute -> cpu, stream -> memory,
 * disk -> io, pipe (else wakeup) -> latency. */
#ifndef HPCSIM_CALIBRATE_FIT_H
#define HPCSIM_CALIBRATE_FIT_H

#include <stdio.h>

#include "hpcsim/model.h"

/* Fits y = 1 + a·k^b to n points with weights w (1/variance). Fills a, b,
 * b_fixed, cov, chi2_dof, points, k_max of out. */
int hc_fit_curve(const double *k, const double *y, const double *w, unsigned n, hs_interference *out, hs_error *err);

/* The curve's prediction at k. */
double hc_curve_at(const hs_interference *c, double k);

/* The measured points (k, slowdown with load on against off) of one
 * curve: runs of backend/layout/bench with host load `host`, co-runners
 * of `kind` (k = 0 blocks anchor every kind). k and y hold all->n. */
struct hc_runs;
unsigned hc_curve_points(const struct hc_runs *all, const char *backend, const char *layout, const char *bench,
                         const char *kind, const char *host, double *k, double *y);

/* The benchmark these runs measured for profile p (pipe before wakeup),
 * the one fit uses for it; NULL when none. */
const char *hc_bench_for_profile(const struct hc_runs *all, int p);

/* Fits the model of the log's complete blocks; prints the held-out checks
 * to report (may be NULL). */
int hc_fit(const char *log_path, unsigned long long seed, hs_model *m, FILE *report, hs_error *err);

#endif
