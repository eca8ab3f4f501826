/* One replay, wired from its inputs: what `hpcsim run` does, callable
 * from tests. Nothing is written unless the trace and cluster load. */
#ifndef HPCSIM_RUN_H
#define HPCSIM_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hpcsim/error.h"
#include "hpcsim/metrics.h"
#include "hpcsim/policy.h"

#define HS_RUN_MAX_POLICY_CONF 8
#define HS_RUN_MAX_POLICY_OPTS 64

typedef struct hs_run_config {
    const char *trace_path;      /* "-" = standard input */
    const char *cluster_path;    /* NULL: --nodes/--cores-per-node or the trace header */
    uint32_t nodes;              /* 0 = MaxNodes of the header */
    uint32_t cores_per_node;     /* 0 = MaxProcs / MaxNodes of the header */
    int alloc_mode;              /* -1 = the cluster file's, else cores */
    const char *policy;
    const char *out_dir;
    unsigned long long seed;
    bool strict;
    bool kill_at_req_time;
    FILE *warn;                  /* skipped lines and notes; NULL = silent */
    bool progress;               /* progress line on stderr */
    const char *model_path;      /* a performance model (hpcsim/model.h); NULL = none */
    const char *backend;         /* nodes' backend in it, unless their group names one */
    double profile_share[4];     /* of jobs per profile (cpu, memory, io, latency); all 0 = all cpu */
    const char *profile_rules;   /* "app:7=memory,queue:2=io": tried before the shares; NULL = none */
    /* The policy's own configuration (hpcsim/policy.h). */
    const char *policy_conf[HS_RUN_MAX_POLICY_CONF];
    unsigned npolicy_conf;
    hs_policy_opt policy_opts[HS_RUN_MAX_POLICY_OPTS];
    unsigned npolicy_opts;
} hs_run_config;

void hs_run_config_default(hs_run_config *cfg);
/* Appends a --policy-conf file or a --policy-opt; -1 when the list is full. */
int hs_run_config_add_conf(hs_run_config *cfg, const char *path);
int hs_run_config_add_opt(hs_run_config *cfg, const char *key, const char *value);

int hs_run(const hs_run_config *cfg, hs_metrics *out_metrics, hs_error *err);

#endif
