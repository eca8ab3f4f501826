/* A workload ready to simulate: the SWF records turned into jobs by the
 * archive's rules for missing values, checked against the cluster.
 *
 * Rules (docs/replay.md repeats them):
 *  - processors: requested (field 8); when missing (-1) or 0, allocated
 *    (field 5); when both are missing the job is unusable. Counts round
 *    to the nearest whole processor: one that rounds to 0 counts as 0.
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
#include "hpcsim/intervals.h"
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
    uint32_t index;     /* its place in the trace: 0, 1, ... in input order */
    uint8_t state;
    bool by_tasks;   /* started as tasks (hs_engine_start_job_tasks): `held` counts its nodes */
    /* The job as tasks (pods) for policies that place amounts on shared
     * nodes (docs/replay.md "Tasks"): `tasks` tasks sharing these totals
     * evenly (hs_job_task). Set by the trace reader. */
    uint32_t tasks;
    uint32_t gpu_milli;
    uint64_t cpu_milli;
    uint64_t mem_mb; /* 0 = no memory requested */
    /* The engine's while the job runs (and during its end callback): the
     * units it holds, and for a job started as tasks the node of each. */
    hs_intervals alloc;
    uint32_t *task_nodes;
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

/* Jobs are held in chunks of HS_JOB_CHUNK; hs_trace_job() finds one. */
#define HS_JOB_CHUNK_BITS 12
#define HS_JOB_CHUNK (1u << HS_JOB_CHUNK_BITS)

struct hs_trace_stream;

typedef struct hs_trace {
    char *path;
    hs_swf_header header;
    /* The accepted jobs, in input order. A trace read whole holds them in
     * one array (jobs); a streamed one (hs_trace_options.stream) only the
     * chunks between hs_trace_need() and hs_trace_release(), and jobs is
     * NULL. Either way hs_trace_job(t, i) is job i. */
    hs_job *jobs;
    hs_job **chunk;
    uint32_t njobs;
    struct hs_trace_stream *stream; /* NULL when read whole */
    hs_dropped *skipped; /* malformed lines and unusable jobs */
    uint32_t nskipped;
    hs_dropped *rejected; /* larger than the cluster or partition */
    uint32_t nrejected;
    uint32_t nmalformed; /* the part of nskipped that were bad lines */
    uint32_t req_time_from_runtime;
    uint32_t demand_from_memory; /* jobs holding more units for their memory (hs_trace_options.memory_as_units) */
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
    /* Read the trace once to check and count it, and then again as the
     * run needs its jobs, so that memory follows the jobs that are live
     * rather than the length of the trace (docs/replay.md "Memory"). A
     * trace that is not in submit order is read whole all the same. */
    bool stream;
    /* A job's memory (SWF field 10 x processors) is held as units: its
     * demand is hs_cluster_demand_memory, so that no node's memory is
     * ever over-committed by policies that place units (docs/replay.md
     * "Memory requests"). */
    bool memory_as_units;
} hs_trace_options;

/* Reads only the header comments (to size a cluster before loading). */
int hs_trace_read_header(const char *path, hs_swf_header *h, hs_error *err);

/* Reads the trace (whole, or streamed: see hs_trace_options.stream).
 * cluster may be NULL: then every job is accepted and demands are left 0
 * (the parse-only benchmark uses this). A streamed trace reads the file
 * again later: cluster and opt must stay valid until hs_trace_free. */
int hs_trace_load(hs_trace *t, const char *path, const hs_cluster *cluster,
                  const hs_trace_options *opt, hs_error *err);
void hs_trace_free(hs_trace *t);

static inline hs_job *hs_trace_job(const hs_trace *t, uint32_t i)
{
    return &t->chunk[i >> HS_JOB_CHUNK_BITS][i & (HS_JOB_CHUNK - 1)];
}

/* Streamed traces: makes jobs 0..i readable (those not yet released),
 * reading on from where the last call stopped. -1 when the file cannot
 * be read again as it was the first time. A trace read whole: nothing. */
int hs_trace_need(hs_trace *t, uint32_t i, hs_error *err);
/* Streamed traces: frees the chunks wholly below job `below`; their jobs
 * must not be used again. A trace read whole keeps everything. */
void hs_trace_release(hs_trace *t, uint32_t below);

#endif
