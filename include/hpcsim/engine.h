/* The discrete-event engine. Simulated time is double seconds. Events are
 * ordered by (time, kind, sequence number), which fixes the order of events
 * at the same instant: job ends first, then arrivals, then wake-ups, and
 * after all of them one scheduling pass. A run is therefore a pure function
 * of its inputs. */
#ifndef HPCSIM_ENGINE_H
#define HPCSIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/intervals.h"
#include "hpcsim/policy.h"
#include "hpcsim/trace.h"

typedef struct hs_engine hs_engine;

/* Called once per job when it ends, with its allocation still set: this
 * is where outputs stream their per-job rows. */
typedef int (*hs_job_end_fn)(void *ctx, const hs_engine *eng, const hs_job *job,
                             const hs_intervals *alloc, hs_error *err);
/* Called once per job, in input order, as soon as it and every job
 * before it have ended: where outputs write what follows the input order
 * (out.swf, the summary's sums). A streamed trace may free the job after. */
typedef int (*hs_job_retire_fn)(void *ctx, const hs_job *job, hs_error *err);

/* The seam to a performance model, a table of functions as for a policy
 * (hpcsim/perf.h fills one from a model file): the engine never calls a
 * model's code by name. When a job starts on first_node, terms() fixes
 * what stays constant for it (a launch delay before its work begins, a
 * noise factor, and an opaque class); factor() is then the stretch of its
 * run time while k other jobs share its busiest node. A job progresses at
 * 1 / (factor × noise) native seconds of work per second. */
typedef struct hs_job_terms {
    const void *backend; /* opaque to the engine: handed back to factor() */
    int profile;
    double noise;
    double launch;
} hs_job_terms;

typedef struct hs_perf_ops {
    void (*terms)(const void *model, const hs_job *job, uint32_t idx, uint32_t first_node, hs_job_terms *out);
    double (*factor)(const void *model, const hs_job_terms *terms, unsigned k);
} hs_perf_ops;

typedef struct hs_engine_options {
    bool kill_at_req_time; /* default true, as real resource managers do */
    hs_job_end_fn on_job_end;
    void *on_job_end_ctx;
    hs_job_retire_fn on_job_retire;
    void *on_job_retire_ctx;
    void (*progress)(void *ctx, const hs_engine *eng); /* may be NULL */
    void *progress_ctx;
    /* A performance model: jobs progress at its rates, re-planned
     * whenever what shares their nodes changes. perf_ops NULL = every job
     * runs exactly its trace run time. */
    const hs_perf_ops *perf_ops;
    const void *perf;
    /* What the policy is configured with (the Slurm model's slurm.conf,
     * models/policy/slurm); NULL for policies that take none. */
    const void *policy_config;
    /* The run's seed, for policies that draw (Volcano's random ties). */
    unsigned long long seed;
} hs_engine_options;

void hs_engine_options_default(hs_engine_options *o);

hs_engine *hs_engine_new(hs_cluster *cluster, hs_trace *trace, const struct hs_policy_ops *policy,
                         const hs_engine_options *opt, hs_error *err);
void hs_engine_free(hs_engine *eng);

/* Runs to the end. Fails if the policy errs or leaves jobs that could
 * never start (a policy bug, reported rather than hidden). */
int hs_engine_run(hs_engine *eng, hs_error *err);
/* Called by a policy during a scheduling pass: the run ends when the pass
 * returns, successfully, with later jobs left unstarted (or running). A
 * tool that asks a policy one question about a given state stops there
 * (`hpcsim slurm-verify`, docs/slurm-verify.md); a replay never does. */
void hs_engine_stop(hs_engine *eng);
bool hs_engine_stopped(const hs_engine *eng);

/* For policies. */
double hs_engine_now(const hs_engine *eng);
hs_cluster *hs_engine_cluster(const hs_engine *eng);
hs_trace *hs_engine_trace(const hs_engine *eng);
const void *hs_engine_policy_config(const hs_engine *eng);
unsigned long long hs_engine_seed(const hs_engine *eng);
uint32_t hs_engine_job_index(const hs_engine *eng, const hs_job *job);
/* Job idx of the trace: one that has arrived and not yet retired. */
hs_job *hs_engine_job(const hs_engine *eng, uint32_t idx);
/* Every job below this index has ended and retired: a policy that keeps
 * per-job state only from here to the newest arrival holds memory by the
 * jobs that are live (hs_policy_ops.live_jobs_only). */
uint32_t hs_engine_oldest_live(const hs_engine *eng);
/* Starts job now on alloc. Refused (-1, err set, nothing changed) when the
 * job is not queued, the size is wrong, or a unit is outside its partition
 * or busy. The engine copies alloc. */
int hs_engine_start_job(hs_engine *eng, hs_job *job, const hs_intervals *alloc, hs_error *err);
/* The same for a policy that gives whole nodes or sockets: alloc may hold
 * more units than the job asks (never fewer). The job's `held` records
 * them; outputs show them, and summary.json counts such jobs
 * (jobs.held_beyond_request) so that the checker knows to expect them. */
int hs_engine_start_job_holding(hs_engine *eng, hs_job *job, const hs_intervals *alloc, hs_error *err);
/* For a policy that places tasks by amounts on shared nodes (Volcano's
 * pods): starts job now as job->tasks tasks, task i on node_of_task[i],
 * each taking its share of the job's milli-CPUs, memory and milli-GPUs
 * (hs_job_task_share) from its node. Refused (-1, nothing changed) when
 * a node lacks what its tasks ask, lies outside the job's partition, or
 * when this run has started jobs on units: a run places one way. The
 * job's allocation (outputs, models) is then the set of its nodes. */
int hs_engine_start_job_tasks(hs_engine *eng, hs_job *job, const uint32_t *node_of_task, hs_error *err);
/* The node of each task of a job started by tasks, while it runs and in
 * on_job_end; NULL for a job started on units. */
const uint32_t *hs_engine_job_task_nodes(const hs_engine *eng, const hs_job *job);
/* What tasks leave free on a node. */
void hs_engine_node_free(const hs_engine *eng, uint32_t node, hs_node_capacity *out);

/* Asks for a wakeup() call at time t (>= now). */
int hs_engine_wakeup_at(hs_engine *eng, double t, hs_error *err);

/* For the progress line. */
uint64_t hs_engine_jobs_ended(const hs_engine *eng);

#endif
