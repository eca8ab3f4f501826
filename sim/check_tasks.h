/* The checker's part for runs whose jobs ran as tasks on shared nodes
 * (summary.json "tasks"): tasks.csv against nodes.csv and jobs.csv. */
#ifndef HPCSIM_CHECK_TASKS_H
#define HPCSIM_CHECK_TASKS_H

#include <stdint.h>

#include "hpcsim/error.h"

/* A job row of jobs.csv as the tasks check needs it. */
typedef struct hs_check_job {
    long id;
    double start, end;
} hs_check_job;

/* jobs sorted by id. Verifies that every task of tasks.csv belongs to a
 * job of jobs.csv and ran exactly when it did, that there are `expected`
 * tasks, and that no node's cpu, memory (where nodes.csv gives it) or
 * GPUs are ever committed beyond its capacity. */
int hs_check_tasks(const char *nodes_csv, const char *tasks_csv, const hs_check_job *jobs, uint64_t njobs,
                   uint64_t expected, double *peak_share, hs_error *err);
/* peak_share: the largest share of the cluster's CPUs busy at once (0..1). */

#endif
