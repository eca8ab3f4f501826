/* Running a sweep's points (docs/sweep.md): on this machine with -j
 * processes at once, or with MPI, rank 0 handing points out one at a time
 * to whichever rank asks (points differ in cost a hundredfold), or one
 * shard of a Slurm job array. Each way writes the same result.json per
 * point and the same results.csv. */
#ifndef HPCSIM_CLI_SWEEP_RUN_H
#define HPCSIM_CLI_SWEEP_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "sweep_grid.h"

typedef struct sw_options {
    const char *grid_path, *out, *self; /* self: this program, run for each point */
    unsigned jobs;                      /* processes at once (per rank under MPI) */
    bool resume, progress;
    uint32_t shard, nshards;            /* run the points i with i % nshards == shard */
} sw_options;

/* The output folder: made, or (with resume) checked to hold this grid. */
int sw_prepare(const sw_grid *g, const sw_options *o, hs_error *err);
bool sw_in_shard(const sw_options *o, uint32_t i);
/* The points of the shard with no result yet, in order (*n of them);
 * NULL when out of memory. */
uint32_t *sw_todo(const sw_grid *g, const sw_options *o, uint32_t *n);

/* Runs the points of the shard that have no result yet (*ran of them).
 * -1 only when the sweep itself cannot go on (a folder cannot be
 * written). */
int sw_run_local(const sw_grid *g, const sw_options *o, uint32_t *ran, hs_error *err);
/* The same over MPI; false from sw_mpi_wanted when this process was not
 * started by mpirun (or the build has no MPI). */
bool sw_mpi_wanted(void);
int sw_run_mpi(const sw_grid *g, const sw_options *o, uint32_t *ran, hs_error *err);

/* Reads the shard's results and writes out/results.csv; counts failed
 * points and those with no result. */
int sw_collect(const sw_grid *g, const sw_options *o, unsigned *failed, unsigned *missing, hs_error *err);

/* A progress line on a terminal: points done of total, failed, ETA. */
typedef struct sw_progress {
    bool on;
    uint32_t total, done, failed, running;
    double start;
} sw_progress;
void sw_progress_begin(sw_progress *p, bool on, uint32_t total);
void sw_progress_show(sw_progress *p);
/* A failed point's message, on its own line. */
void sw_progress_failure(sw_progress *p, uint32_t point, const char *why);
/* Counts a point done from its result text, listing it when it failed. */
void sw_progress_result(sw_progress *p, uint32_t point, const char *text);
void sw_progress_end(sw_progress *p);

#endif
