/* A workload ready to simulate: the SWF records turned into jobs by the
 * archive's rules for missing values, checked against the cluster.
 *
 * Rules (docs/replay.md repeats them):
 *  - processors: requested (field 8); when missing (-1) or 0, allocated
 *    (field 5); when both are missing the job is unusable.
 *  - requested time (field 9) missing: the job's run time is used (a
 *    perfect estimate), and the job is counted in req_time_from_runtime.
 *  - run time (field 4) missing: the job is unusable (its length is unknown).
 *  - run time above requested time is kept; the engine's kill rule decides.
 * Unusable jobs and malformed lines are "skipped"; jobs larger than their
 * partition are "rejected". Both are counted and listed, never dropped. */
#ifndef HPCSIM_TRACE_H
#define HPCSIM_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/swf.h"

enum hs_job_state {
    HS_JOB_SUBMITTED = 0, /* read, arrival not yet simulated */
    HS_JOB_QUEUED,
    HS_JOB_RUNNING,
    HS_JOB_COMPLETED,
    HS_JOB_KILLED, /* reached its requested time */
    HS_JOB_REJECTED
};

typedef struct hs_job {
    hs_swf_record swf;  /* the record as read (output SWF repeats it) */
    double submit;      /* seconds */
    double runtime;     /* the time it needs */
    double req_time;    /* what the user asked for */
    double start, end;  /* set by the engine */
    uint64_t procs;     /* processors after the missing-value rules */
    uint32_t demand;    /* units (nodes or cores) it needs */
    uint32_t held;      /* units it held while running: its demand, or more when a
                         * node-exclusive policy gave it whole nodes (set at start) */
    uint32_t partition;
    uint8_t state;
    bool by_tasks;   /* started as tasks (hs_engine_start_job_tasks): `held` counts its nodes */
    /* The job as tasks (pods) for policies that place amounts on shared
     * nodes (docs/replay.md "Tasks"): `tasks` tasks sharing these totals
     * evenly (hs_job_task). Set by the trace reader. */
    uint32_t tasks;
    uint32_t gpu_milli;
    uint64_t cpu_milli;
    uint64_t mem_mb; /* 0 = no memory requested */
} hs_job;

/* Task i's share of the job's totals: the remainder goes to the first tasks. */
static inline uint64_t hs_job_task_share(uint64_t total, uint32_t tasks, uint32_t i)
{
    return total / tasks + (i < total % tasks);
}

/* Why a line or job did not enter the simulation. */
typedef struct hs_dropped {
    long line;
    long job_id; /* -1 when the line did not parse that far */
    char *reason;
} hs_dropped;

typedef struct hs_trace {
    char *path;
    hs_swf_header header;
    hs_job *jobs; /* accepted jobs, in input order */
    uint32_t njobs;
    hs_dropped *skipped; /* malformed lines and unusable jobs */
    uint32_t nskipped;
    hs_dropped *rejected; /* larger than the cluster or partition */
    uint32_t nrejected;
    uint32_t nmalformed; /* the part of nskipped that were bad lines */
    uint32_t req_time_from_runtime;
    bool pods; /* a Kubernetes pod list: pods have no time limit, so none is killed */
} hs_trace;

typedef struct hs_trace_options {
    bool strict;          /* stop at the first malformed line */
    FILE *warn;           /* where each skipped line is reported; NULL = silent */
    uint32_t warn_limit;  /* print at most this many (0 = all) */
    /* A policy's own test of a job that fits the cluster (the Slurm model:
     * its Slurm partition). Returns 0 to reject it, writing why. NULL = none. */
    int (*accept)(void *ctx, const hs_job *job, char *why, size_t why_len);
    void *accept_ctx;
    /* Reject a job whose tasks (hs_job.tasks) could not all be placed at
     * once on the empty nodes of its partition (cpu, memory where
     * described, GPUs): as a gang it could never start. */
    bool tasks_must_fit;
} hs_trace_options;

/* Reads only the header comments (to size a cluster before loading). */
int hs_trace_read_header(const char *path, hs_swf_header *h, hs_error *err);

/* Reads the whole trace. cluster may be NULL: then every job is accepted
 * and demands are left 0 (the parse-only benchmark uses this). */
int hs_trace_load(hs_trace *t, const char *path, const hs_cluster *cluster,
                  const hs_trace_options *opt, hs_error *err);
void hs_trace_free(hs_trace *t);

#endif
