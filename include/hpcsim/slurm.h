/* The Slurm model's inputs: a real slurm.conf (and, later, topology.conf),
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
 * go to warn when not NULL. NULL on error, with err naming file and line. */
hs_slurm_setup *hs_slurm_setup_load(const char *conf_path, FILE *warn, hs_error *err);
void hs_slurm_setup_free(hs_slurm_setup *s);

/* The cluster the file describes: a group per run of consecutive nodes of
 * the same size, one engine partition of every node (Slurm partitions may
 * overlap; the model keeps them), allocation by cores. */
int hs_slurm_setup_cluster(const hs_slurm_setup *s, hs_cluster *c, hs_error *err);

/* For hs_trace_options.accept: refuses a job its Slurm partition can
 * never run, writing why. */
int hs_slurm_setup_accept(void *setup, const hs_job *job, char *why, size_t why_len);

#endif
