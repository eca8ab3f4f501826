/* Running a plan on this host (series.c) and reading its log back. */
#ifndef HPCSIM_CALIBRATE_SERIES_H
#define HPCSIM_CALIBRATE_SERIES_H

#include <stdbool.h>

#include "plan.h"
#include "topology.h"

typedef struct hc_series_options {
    const char *workdir;   /* measurements.jsonl, state, lxc/ */
    const char *bench_bin; /* hpcsim-bench */
    bool resume;
    bool progress;
    unsigned max_blocks;   /* stop after this many blocks (0 = all); for tests */
} hc_series_options;

/* Runs every block of the plan not yet complete in WORKDIR's log. */
int hc_series_run(const hc_plan *p, const hc_topology *t, const hc_series_options *o, hs_error *err);

#endif
