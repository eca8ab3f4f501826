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

typedef struct hs_engine_options {
    bool kill_at_req_time; /* default true, as real resource managers do */
    hs_job_end_fn on_job_end;
    void *on_job_end_ctx;
    void (*progress)(void *ctx, const hs_engine *eng); /* may be NULL */
    void *progress_ctx;
    /* A performance model (hpcsim/perf.h): jobs progress at its rates,
     * re-planned whenever what shares their nodes changes. NULL = every
     * job runs exactly its trace run time. */
    const struct hs_perf *perf;
    /* What the policy is configured with (the Slurm model's slurm.conf,
     * hpcsim/slurm.h); NULL for policies that need none. */
    const void *policy_config;
} hs_engine_options;

void hs_engine_options_default(hs_engine_options *o);

hs_engine *hs_engine_new(hs_cluster *cluster, hs_trace *trace, const struct hs_policy_ops *policy,
                         const hs_engine_options *opt, hs_error *err);
void hs_engine_free(hs_engine *eng);

/* Runs to the end. Fails if the policy errs or leaves jobs that could
 * never start (a policy bug, reported rather than hidden). */
int hs_engine_run(hs_engine *eng, hs_error *err);

/* For policies. */
double hs_engine_now(const hs_engine *eng);
hs_cluster *hs_engine_cluster(const hs_engine *eng);
hs_trace *hs_engine_trace(const hs_engine *eng);
const void *hs_engine_policy_config(const hs_engine *eng);
uint32_t hs_engine_job_index(const hs_engine *eng, const hs_job *job);
/* Starts job now on alloc. Refused (-1, err set, nothing changed) when the
 * job is not queued, the size is wrong, or a unit is outside its partition
 * or busy. The engine copies alloc. */
int hs_engine_start_job(hs_engine *eng, hs_job *job, const hs_intervals *alloc, hs_error *err);
/* Asks for a wakeup() call at time t (>= now). */
int hs_engine_wakeup_at(hs_engine *eng, double t, hs_error *err);

/* For the progress line. */
uint64_t hs_engine_jobs_ended(const hs_engine *eng);

#endif
