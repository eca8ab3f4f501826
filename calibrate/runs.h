/* measurements.jsonl read back for analysis (report, fit): the measured
 * runs of complete blocks only (a pair is two runs of one block, measured
 * seconds apart; an unfinished block has no partner to pair with), warm-ups
 * left out. A block cut by a kill and run again by --resume counts once:
 * only the runs of the attempt (run_id) that logged it done are kept. */
#ifndef HPCSIM_CALIBRATE_RUNS_H
#define HPCSIM_CALIBRATE_RUNS_H

#include "hpcsim/error.h"

typedef struct hc_run {
    char block[112], point[96], backend[16], layout[16], bench[16], kind[16], host[8];
    char attempt[16];  /* the run_id of the hpcsim-calibrate run that measured it */
    unsigned k;        /* co-located nodes */
    int on;            /* their load running */
    int higher_better;
    int emulated;      /* made under emulation (kvm under TCG) */
    double value;
    double ready_ms;   /* launch: create -> ready where known, else < 0 */
} hc_run;

typedef struct hc_runs {
    hc_run *runs;
    unsigned n;
    char **blocks; /* complete ones, in log order, each once */
    char **block_attempts; /* the run_id that completed each */
    unsigned nblocks;
    char *host;    /* the host facts of the first run, compact JSON text, or NULL */
} hc_runs;

int hc_runs_load(const char *log_path, hc_runs *out, hs_error *err);
void hc_runs_free(hc_runs *r);

/* Ids of the blocks the log marks complete for this plan (what --resume
 * skips); -1 when the log belongs to another plan. A missing log has
 * none. *done is malloc'd, n entries. */
int hc_runs_done_blocks(const char *log_path, const char *digest, char ***done, unsigned *n, hs_error *err);

/* > 1 when value is worse than base: base/value for throughputs,
 * value/base for latencies. */
double hc_slowdown(double base, double value, int higher_better);

/* Sorts x[0..n) in increasing order. */
void hc_sort(double *x, unsigned n);

/* Median of x[0..n) (sorts x). */
double hc_median(double *x, unsigned n);

#endif
