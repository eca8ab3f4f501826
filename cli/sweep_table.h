/* A sweep's results as one tidy CSV (docs/sweep.md): a row per point,
 * its number, every parameter (the base's first), its status, the
 * figures of its summary.json, and the message of a failed point. Built from the
 * points' result.json files alone, in point order, so that a local run, an
 * MPI run and merged shards of one grid write the same bytes. */
#ifndef HPCSIM_CLI_SWEEP_TABLE_H
#define HPCSIM_CLI_SWEEP_TABLE_H

#include <jansson.h>
#include <stdbool.h>

#include "hpcsim/error.h"
#include "sweep_grid.h"

/* The summary figures, as CSV column names and paths in summary.json. */
typedef struct sw_figure {
    const char *column, *path;
} sw_figure;
extern const sw_figure sw_figures[];

/* results[i]: point i's result.json, NULL for a point not run here (no
 * row). Written to path through a temporary file. */
int sw_table_write(const sw_grid *g, json_t *const *results, const char *path, hs_error *err);

/* A number of a summary by its dotted path; false when absent. */
bool sw_summary_number(const json_t *summary, const char *path, double *out);

#endif
