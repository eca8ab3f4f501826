/* The files a run leaves in its output directory:
 *   jobs.csv      one row per job that ran, Batsim's column names;
 *   out.swf       the simulated schedule as SWF (wait and run from the simulation);
 *   rejected.csv  jobs too large for the cluster, and skipped lines, with reasons;
 *   summary.json  makespan, utilization, waits, bounded slowdown, counts.
 * Each is written under a temporary name and renamed into place only when
 * the whole run succeeded, so a failed or killed run never leaves a
 * truncated file that looks complete. */
#ifndef HPCSIM_OUTPUT_H
#define HPCSIM_OUTPUT_H

#include "hpcsim/engine.h"
#include "hpcsim/metrics.h"

#define HS_JOBS_CSV_HEADER                                                                    \
    "job_id,submission_time,requested_number_of_resources,requested_time,starting_time,"    \
    "execution_time,finish_time,waiting_time,turnaround_time,stretch,allocated_resources,"   \
    "final_state"

/* jobs.csv read back, a row at a time (the checker, `hpcsim report`). */
enum hs_jobs_column {
    HS_COL_ID, HS_COL_SUBMIT, HS_COL_NRES, HS_COL_REQ, HS_COL_START, HS_COL_EXEC, HS_COL_FINISH,
    HS_COL_WAIT, HS_COL_TURN, HS_COL_STRETCH, HS_COL_ALLOC, HS_COL_STATE, HS_JOBS_COLUMNS
};
extern const char *const hs_jobs_column_names[HS_JOBS_COLUMNS];

typedef struct hs_jobs_row {
    char *text[HS_JOBS_COLUMNS]; /* each column as written (valid during the call) */
    double v[HS_JOBS_COLUMNS];   /* the numbers; NaN for allocated_resources, final_state, an empty stretch */
} hs_jobs_row;

typedef int (*hs_jobs_row_fn)(void *ctx, const hs_jobs_row *row, long line, hs_error *err);

/* Checks the header, splits each row into its columns, reads their
 * numbers and hands the row to fn; -1 (from the file, or from fn) stops,
 * with err naming the file and line. */
int hs_jobs_csv_read(const char *path, hs_jobs_row_fn fn, void *ctx, hs_error *err);

typedef struct hs_outputs hs_outputs;

/* Facts about the run that summary.json records next to the metrics. */
typedef struct hs_run_facts {
    const char *trace_path;
    const char *cluster_source; /* a file name, or a description of the flags */
    const char *policy;
    unsigned long long seed;
    int kill_at_req_time;
    const char *model_path;     /* NULL = no performance model (then not mentioned) */
    const char *backend;
} hs_run_facts;

/* Creates dir if needed and opens the temporary files. t (its header
 * and job count: the jobs need not be read yet), c and the strings of
 * facts must outlive o. */
hs_outputs *hs_outputs_open(const char *dir, const hs_trace *t, const hs_cluster *c, const hs_run_facts *facts,
                            hs_error *err);
/* The engine's per-job callbacks (ctx is the hs_outputs). */
int hs_outputs_job_end(void *ctx, const hs_engine *eng, const hs_job *job,
                       const hs_intervals *alloc, hs_error *err);
int hs_outputs_job_retire(void *ctx, const hs_job *job, hs_error *err);
/* Writes the remaining files, renames all into place, frees o, and gives
 * the run's metrics in *m. */
int hs_outputs_finish(hs_outputs *o, const hs_trace *t, hs_metrics *m, hs_error *err);
/* Removes the temporary files (after a failure) and frees o. */
void hs_outputs_abort(hs_outputs *o);

/* Formats a number the way every output does: integers without a
 * fraction, others with up to 15 significant digits. buf needs
 * HS_NUMBER_MAX bytes; returns the length (no NUL is written). */
#define HS_NUMBER_MAX 32
size_t hs_format_number(char *buf, double v);
void hs_write_number(FILE *out, double v);

#endif
