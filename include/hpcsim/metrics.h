/* Schedule metrics, summed over the jobs as they retire (in input order,
 * so the sums are the same whichever way the trace was read). */
#ifndef HPCSIM_METRICS_H
#define HPCSIM_METRICS_H

#include <stdint.h>

#include "hpcsim/cluster.h"
#include "hpcsim/trace.h"

#define HS_BSLD_TAU 10.0 /* seconds; the usual bound for short jobs */

typedef struct hs_metrics {
    uint64_t completed, killed, rejected, skipped, malformed;
    double first_submit, last_end;
    double makespan;    /* last end − first submission */
    double utilization; /* unit-seconds used / (units × makespan) */
    double wait_mean, wait_median, wait_p95, wait_max;
    double bsld_mean;   /* bounded slowdown, τ = HS_BSLD_TAU */
    uint64_t held_beyond; /* jobs given more units than they asked (node-exclusive policies) */
} hs_metrics;

/* The running sums. The exact median and 95th percentile need every
 * wait: 8 bytes a job, the one part of a run that grows with the trace. */
typedef struct hs_metrics_sums {
    hs_metrics m;
    double used, wait_sum, bsld_sum;
    double *waits;
    uint64_t n, cap;
} hs_metrics_sums;

/* For a trace of njobs jobs. -1 on ENOMEM. */
int hs_metrics_begin(hs_metrics_sums *s, uint32_t njobs);
/* One job that ended. */
void hs_metrics_add(hs_metrics_sums *s, const hs_job *j, const hs_cluster *c);
/* The metrics of every job added, with the trace's counts of dropped
 * lines; frees the sums. */
void hs_metrics_end(hs_metrics_sums *s, const hs_trace *t, const hs_cluster *c, hs_metrics *m);
void hs_metrics_sums_free(hs_metrics_sums *s);

#endif
