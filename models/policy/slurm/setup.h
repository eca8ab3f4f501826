/* What the Slurm policy is given (hpcsim/slurm.h makes it). */
#ifndef HPCSIM_SLURM_SETUP_H
#define HPCSIM_SLURM_SETUP_H

#include "conf.h"
#include "hpcsim/slurm.h"
#include "assoc_file.h"
#include "qos_file.h"
#include "params.h"
#include "topology.h"

struct hs_slurm_setup {
    char *source;
    hs_slurm_conf conf;
    hs_slurm_params params;
    uint32_t default_part;
    uint64_t *part_cpus; /* per partition */
    uint64_t *part_switch_cpus; /* per partition: most CPUs of it under one switch (with a topology) */
    FILE *log;           /* decisions, when not NULL */
    sl_topology topo;    /* topology/tree switches; topo.n == 0 without */
    sl_assoc_file assoc; /* a site's associations; assoc.tree.n == 0 without */
    sl_qos_file qos;     /* a site's QOS levels; qos.n == 0 without */
};

/* The Slurm partition of a job: SWF field 16 = n (n >= 1) names the n-th
 * PartitionName line; otherwise the Default=YES one, else the first. */
uint32_t hs_slurm_route(const hs_slurm_setup *s, long swf_partition);
/* Planning time limit: the request in whole minutes (sbatch -t rounds
 * up), capped by the partition's MaxTime; INFINITE limits count as a year. */
double hs_slurm_limit(const hs_slurm_setup *s, uint32_t part, double req_time);

#endif
