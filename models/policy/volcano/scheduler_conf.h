/* A volcano-scheduler.conf as the model uses it (docs/volcano.md
 * "Configuration"): the actions in order, the tiers of plugins with the
 * switches and arguments the model reads, the queues (Kubernetes objects,
 * given in hpcsim's own `queues` list) and the model's options
 * (--policy-opt). Absent file: Volcano's compiled-in default. */
#ifndef HPCSIM_VOLCANO_SCHEDULER_CONF_H
#define HPCSIM_VOLCANO_SCHEDULER_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hpcsim/error.h"
#include "hpcsim/policy.h"
#include "res.h"

enum vc_action { VC_ACT_ENQUEUE, VC_ACT_ALLOCATE, VC_ACT_BACKFILL, VC_ACT_PREEMPT, VC_ACT_RECLAIM, VC_NACTIONS };

enum vc_plugin {
    VC_PL_PRIORITY, VC_PL_GANG, VC_PL_CONFORMANCE, VC_PL_DRF, VC_PL_PROPORTION, VC_PL_PREDICATES,
    VC_PL_NODEORDER, VC_PL_BINPACK, VC_PL_OVERCOMMIT, VC_NPLUGINS
};

/* One plugin as a tier lists it: the enable* switches default to true. */
typedef struct vc_plugin_conf {
    uint8_t id;
    bool job_order, queue_order, task_order, predicate, node_order, job_ready, job_pipelined,
        job_enqueued, allocatable, overused;
    bool hierarchy; /* drf's enableHierarchy (default false): queue order by DRF share */
} vc_plugin_conf;

#define VC_MAX_TIERS 8
#define VC_MAX_TIER_PLUGINS 16
#define VC_MAX_ACTIONS 8

typedef struct vc_tier {
    vc_plugin_conf plugins[VC_MAX_TIER_PLUGINS];
    unsigned nplugins;
} vc_tier;

/* nodeorder's weights (docs/volcano.md "Node scores"). */
typedef struct vc_nodeorder_args {
    double least, most, balanced;
} vc_nodeorder_args;

/* binpack's weights; a weight per dimension, 0 = not counted. */
typedef struct vc_binpack_args {
    double weight;
    double w[VC_NRES];
} vc_binpack_args;

typedef struct vc_queue_conf {
    char *name;
    uint32_t weight;
    int32_t priority;
    bool open, reclaimable;
    vc_res capability, guarantee;
    long swf_queue; /* SWF field 15 value routed here; -1 = none */
} vc_queue_conf;

enum vc_ties { VC_TIES_RANDOM, VC_TIES_LOWEST };

typedef struct vc_conf {
    uint8_t actions[VC_MAX_ACTIONS];
    unsigned nactions;
    vc_tier tiers[VC_MAX_TIERS];
    unsigned ntiers;
    vc_nodeorder_args nodeorder;
    vc_binpack_args binpack;
    double overcommit_factor;
    vc_queue_conf *queues; /* "default" is always there */
    unsigned nqueues;
    /* options */
    double period;              /* schedule-period, seconds */
    enum vc_ties ties;
    uint32_t min_feasible_nodes;  /* 100 */
    uint32_t min_percentage;      /* 5 */
    uint32_t percentage;          /* 0 = adaptive; 100 = score every node */
    bool run_idle_sessions;       /* also run sessions in which nothing can change */
    bool skip_doomed_gangs;       /* do not attempt a gang that cannot fit the free room (default) */
    char *log_path;
    FILE *log;   /* open from configure until finish (removed after a failed run) */
} vc_conf;

/* Volcano's DefaultSchedulerConf and command-line defaults. */
void vc_conf_default(vc_conf *c);
/* Reads --policy-conf files (YAML) and --policy-opt options over the
 * default. Unknown actions, plugins and keys are listed once on
 * args->warn; a wrong type is an error naming file, line and key. */
int vc_conf_read(vc_conf *c, const hs_policy_args *args, hs_error *err);
/* One YAML document from memory (tests, fuzzing). */
int vc_conf_parse(vc_conf *c, const char *text, size_t len, const char *source, FILE *warn, hs_error *err);
/* Closes the decision log after a successful run: -1 when writing failed. */
int vc_conf_finish(vc_conf *c, hs_error *err);
/* Frees c; a log still open belongs to a failed run and is removed. */
void vc_conf_free(vc_conf *c);

bool vc_conf_has_action(const vc_conf *c, enum vc_action a);
/* The plugin's entry, or NULL when no tier lists it. */
const vc_plugin_conf *vc_conf_plugin(const vc_conf *c, enum vc_plugin p);
const char *vc_plugin_name(enum vc_plugin p);
const char *vc_action_name(enum vc_action a);

#endif
