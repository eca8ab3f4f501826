/* The seam between the engine and a scheduling policy. A policy is a
 * table of functions carrying its whole life:
 *
 *   configure  read its own configuration files (--policy-conf) and
 *              options (--policy-opt KEY=VALUE), once, before any output;
 *   cluster    build the cluster when its configuration describes one
 *              (slurm.conf does), else the run's --cluster/--nodes give it;
 *   accept     refuse, at trace loading, a job it could never run;
 *   create .. destroy   one replay: the engine tells it of arrivals, ends
 *              and wake-ups, then calls schedule() once after all events of
 *              the same instant. It answers only through
 *              hs_engine_start_job() and hs_engine_wakeup_at(); it never
 *              sees the event queue or moves the clock;
 *   finish     close what it writes (its decision log), reporting a failed
 *              write; unconfigure frees the configuration.
 *
 * The configuration hooks (configure .. unconfigure) and usage may be
 * NULL; the replay hooks (create .. schedule) may not. Adding a
 * scheduler = a folder under models/policy/ and one line in the registry
 * (models/policy/registry.c); docs/architecture.md shows where it sits. */
#ifndef HPCSIM_POLICY_H
#define HPCSIM_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/trace.h"

struct hs_engine;

/* One --policy-opt KEY=VALUE. */
typedef struct hs_policy_opt {
    const char *key;
    const char *value;
} hs_policy_opt;

/* What the user gave the policy. */
typedef struct hs_policy_args {
    const char *const *conf; /* --policy-conf FILEs, in order */
    unsigned nconf;
    const hs_policy_opt *opts; /* --policy-opt, in order */
    unsigned nopts;
    FILE *warn; /* notes (keys ignored, ...); NULL = quiet */
} hs_policy_args;

struct hs_policy_ops {
    const char *name;
    const char *summary; /* one line for --help */
    /* What --policy-conf and --policy-opt it reads, for --help (lines
     * indented by the caller); NULL = none. */
    const char *usage;
    /* true: jobs start as tasks on shared nodes (hs_engine_start_job_tasks),
     * so the trace reader rejects a job whose tasks could not all be
     * placed at once on its partition (hs_trace_options.tasks_must_fit). */
    bool places_tasks;
    /* true: it keeps per-job state only for jobs at or above
     * hs_engine_oldest_live() and reads jobs only through the engine
     * while they are queued or running, so the trace is streamed and its
     * jobs freed once retired: memory follows the live jobs, not the
     * length of the trace (docs/replay.md "Memory"). */
    bool live_jobs_only;
    /* true: it places units (cores or nodes) by count, and a job's
     * requested memory is held as units (hs_trace_options.memory_as_units),
     * so that nodes whose memory is described are never over-committed. */
    bool memory_as_units;

    /* Reads args into *config (which the engine then hands back through
     * hs_engine_policy_config). NULL: the policy takes no configuration,
     * and a run that gives it some is refused. */
    int (*configure)(const hs_policy_args *args, void **config, hs_error *err);
    /* 1: the configuration describes the cluster, built into c, with
     * source naming where it came from; 0: it does not. */
    int (*cluster)(void *config, hs_cluster *c, char *source, size_t source_len, hs_error *err);
    /* For hs_trace_options.accept. */
    int (*accept)(void *config, const hs_job *job, char *why, size_t why_len);
    /* After a successful replay: -1 (err set) when what it wrote failed. */
    int (*finish)(void *config, hs_error *err);
    void (*unconfigure)(void *config);

    /* Builds the policy's state for this engine's cluster and trace. */
    int (*create)(struct hs_engine *eng, void **state, hs_error *err);
    void (*destroy)(void *state);
    void (*job_submitted)(void *state, hs_job *job);
    void (*job_ended)(void *state, hs_job *job); /* completed or killed */
    void (*wakeup)(void *state);
    /* One scheduling pass at the engine's current time. */
    int (*schedule)(void *state, hs_error *err);
};

const struct hs_policy_ops *hs_policy_find(const char *name);
/* NULL-terminated list of every registered policy. */
const struct hs_policy_ops *const *hs_policy_all(void);

#endif
