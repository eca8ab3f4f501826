/* The schedule checker: verifies from a run's output files alone that
 * no node or core is ever over-allocated, no job starts before its
 * submission, times add up, and every accepted job appears exactly once. */
#ifndef HPCSIM_CHECK_H
#define HPCSIM_CHECK_H

#include <stdint.h>

#include "hpcsim/error.h"

typedef struct hs_check_report {
    uint64_t jobs;       /* rows checked */
    uint64_t units;      /* resource units of the cluster */
    double max_busy;     /* most units busy at once */
} hs_check_report;

/* 0 when the schedule in dir is valid; -1 with err naming the file, the
 * line and the violated rule otherwise. */
int hs_check_outdir(const char *dir, hs_check_report *rep, hs_error *err);

#endif
