/* What the Slurm policy is given: a real slurm.conf (and its
 * topology.conf, associations and QOS levels), read once, giving both the
 * cluster and the scheduler's parameters (docs/slurm.md). configure.c
 * hands it to the engine through the policy seam. */
#ifndef HPCSIM_SLURM_SETUP_H
#define HPCSIM_SLURM_SETUP_H

#include <stdio.h>

#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/policy.h"
#include "hpcsim/trace.h"
#include "conf.h"
#include "assoc_file.h"
#include "qos_file.h"
#include "lockstep.h"
#include "params.h"
#include "topology.h"

typedef struct hs_slurm_setup hs_slurm_setup;

struct hs_slurm_setup {
    char *source;
    hs_slurm_conf conf;
    hs_slurm_params params;
    uint32_t default_part;
    uint64_t *part_cpus; /* per partition */
    uint64_t *part_switch_cpus; /* per partition: most CPUs of it under one switch (with a topology) */
    FILE *log;           /* decisions, when not NULL (log=FILE, docs/slurm.md) */
    char *log_path;
    sl_topology topo;    /* topology/tree switches; topo.n == 0 without */
    sl_assoc_file assoc; /* a site's associations; assoc.tree.n == 0 without */
    sl_qos_file qos;     /* a site's QOS levels; qos.n == 0 without */
    sl_lockstep_record *lockstep; /* lockstep=, lockstep-at= (lockstep.h); NULL without */
    /* When the controller's loops run (main-phase=, main-drift=, bf-phase=,
     * bf-drift=, calc-phase=; docs/slurm.md, "Two schedulers and a decay
     * thread"): the main scheduler ticks at main_phase + k (1 + main_drift)
     * s, a backfill cycle ran at bf_phase when has_bf_phase and each comes
     * bf_interval + bf_drift s after the one before, the decay thread at
     * calc_phase. */
    double main_phase, main_drift, bf_phase, bf_drift, calc_phase;
    bool has_bf_phase;
};

/* Reads and checks slurm.conf; notes (ignored keys, weights Slurm drops)
 * go to warn when not NULL. NULL on error, with err naming file and line.
 * topology_path: a topology.conf (switch-aware selection, topology/tree);
 * NULL = the topology.conf beside slurm.conf when it says
 * TopologyPlugin=topology/tree, as Slurm reads it, else none. */
hs_slurm_setup *hs_slurm_setup_load(const char *conf_path, const char *topology_path, FILE *warn, hs_error *err);
/* The same, with slurm.conf keys set over the file (hs_slurm_conf_override). */
hs_slurm_setup *hs_slurm_setup_load_over(const char *conf_path, const char *topology_path, const hs_policy_opt *over,
                                         unsigned nover, FILE *warn, hs_error *err);
void hs_slurm_setup_free(hs_slurm_setup *s);

/* The cluster the file describes: a group per run of consecutive nodes of
 * the same size, one engine partition of every node (Slurm partitions may
 * overlap; the model keeps them), allocation by cores. */
int hs_slurm_setup_cluster(const hs_slurm_setup *s, hs_cluster *c, hs_error *err);

/* Reads an association file (the output of `sacctmgr -nP show
 * associations format=account,user,fairshare,parentname`): the account
 * tree and raw shares fair-share uses. A trace's user N is the user "N" or
 * "uN" there; users not in the file get account "g<SWF group>" under root.
 * Without one, every (SWF group, user) pair is an association with one
 * share. Errors name the file and line. */
int hs_slurm_setup_load_assoc(hs_slurm_setup *s, const char *path, hs_error *err);

/* Reads a QOS file (the output of `sacctmgr -nP show qos
 * format=name,priority,usagefactor`): SWF queue n (field 15) gets the
 * n-th QOS, other jobs "normal" (else the first). It gives the QOS
 * priority factor (PriorityWeightQOS) and scales fair-share usage by
 * UsageFactor. Without one every job's QOS factor is 0. Errors name the
 * file and line. */
int hs_slurm_setup_load_qos(hs_slurm_setup *s, const char *path, hs_error *err);

/* For hs_trace_options.accept: refuses a job its Slurm partition can
 * never run, writing why. */
int hs_slurm_setup_accept(void *setup, const hs_job *job, char *why, size_t why_len);

/* The policy seam's configuration hooks (hpcsim/policy.h), configure.c:
 * one slurm.conf and the options topology=, assoc=, qos=, log=FILE. A log
 * still open when the setup is freed (the run failed) is removed. */
int sl_configure(const hs_policy_args *args, void **config, hs_error *err);
int sl_configured_cluster(void *config, hs_cluster *c, char *source, size_t source_len, hs_error *err);
int sl_finish(void *config, hs_error *err);
void sl_unconfigure(void *config);

/* The Slurm partition of a job: SWF field 16 = n (n >= 1) names the n-th
 * PartitionName line; otherwise the Default=YES one, else the first. */
uint32_t hs_slurm_route(const hs_slurm_setup *s, long swf_partition);
/* Planning time limit: the request in whole minutes (sbatch -t rounds
 * up), capped by the partition's MaxTime; INFINITE limits count as a year. */
double hs_slurm_limit(const hs_slurm_setup *s, uint32_t part, double req_time);

#endif
