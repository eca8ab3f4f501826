/* Schedule metrics computed from the jobs after a run. */
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
} hs_metrics;

/* Returns -1 only on ENOMEM. */
int hs_metrics_compute(const hs_trace *t, const hs_cluster *c, hs_metrics *m);

#endif
