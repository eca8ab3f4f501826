/* The Slurm model's inputs: a real slurm.conf (and its topology.conf),
 * read once, giving both the cluster and the scheduler's parameters.
 * `hpcsim run --policy slurm --slurm-conf FILE` is built on this. */
#ifndef HPCSIM_SLURM_H
#define HPCSIM_SLURM_H

#include <stddef.h>
#include <stdio.h>

#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/trace.h"

typedef struct hs_slurm_setup hs_slurm_setup;

/* Reads and checks slurm.conf; notes (ignored keys, weights Slurm drops)
 * go to warn when not NULL. NULL on error, with err naming file and line.
 * topology_path: a topology.conf (switch-aware selection, topology/tree);
 * NULL = the topology.conf beside slurm.conf when it says
 * TopologyPlugin=topology/tree, as Slurm reads it, else none. */
hs_slurm_setup *hs_slurm_setup_load(const char *conf_path, const char *topology_path, FILE *warn, hs_error *err);
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

/* Logs each scheduling decision to log (like Slurm's DebugFlags=Backfill):
 *   T main: started job ID on NODES
 *   T backfill: started job ID on NODES
 *   T backfill: job ID to start at S, end at E (a reservation)
 *   T backfill: tested N jobs
 * times in trace seconds, ID the SWF job id. NULL = no log. */
void hs_slurm_setup_set_log(hs_slurm_setup *s, FILE *log);

/* For hs_trace_options.accept: refuses a job its Slurm partition can
 * never run, writing why. */
int hs_slurm_setup_accept(void *setup, const hs_job *job, char *why, size_t why_len);

#endif
