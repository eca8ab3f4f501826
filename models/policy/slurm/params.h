/* The numbers Slurm's scheduler runs on, read from a slurm.conf with the
 * defaults of Slurm 22.05 (docs/slurm.md) where a key is absent.
 * Every value is checked: a wrong one is an error naming the file, the
 * line and the key. */
#ifndef HPCSIM_SLURM_PARAMS_H
#define HPCSIM_SLURM_PARAMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "hpcsim/error.h"

typedef struct hs_slurm_params {
    /* main scheduler */
    bool backfill;              /* SchedulerType=sched/backfill (default) */
    double sched_interval;      /* full-queue pass period, s (60) */
    double batch_sched_delay;   /* s (3) */
    uint32_t default_queue_depth; /* 100 */
    uint32_t partition_job_depth; /* 0 = no limit */
    uint32_t sched_max_job_start; /* 0 = no limit */
    /* backfill */
    double bf_interval;         /* s (30) */
    double bf_resolution;       /* s (60) */
    double bf_window;           /* s (1440 min) */
    uint32_t bf_max_job_test;   /* 500 */
    uint32_t bf_max_job_start;  /* 0 = no limit */
    uint32_t bf_max_job_user, bf_max_job_part; /* 0 = no limit */
    uint32_t bf_node_space_size; /* = bf_max_job_test */
    double bf_min_age_reserve;  /* s */
    uint32_t bf_min_prio_reserve;
    double bf_window_linear;    /* s; 0 = the will-run window doubles */
    /* priority/multifactor (priority/basic when false) */
    bool multifactor;
    uint32_t w_age, w_fairshare, w_jobsize, w_partition, w_qos, w_assoc;
    double max_age;             /* s (7 days) */
    double decay_half_life;     /* s (7 days); 0 = no decay */
    double calc_period;         /* s (5 min) */
    bool favor_small;
    bool fair_tree;             /* false with PriorityFlags=NO_FAIR_TREE */
    bool small_relative_to_time;
    double dampening;           /* FairShareDampeningFactor (1) */
    bool slurmdbd;              /* AccountingStorageType=accounting_storage/slurmdbd */
    bool charge_at_end;         /* AccountingStorageEnforce has limits or safe */
    /* selection */
    bool whole_nodes;           /* select/linear: whole nodes only */
    bool topology_tree;         /* TopologyPlugin=topology/tree */
    double kill_wait;           /* s (30) */
} hs_slurm_params;

/* Whether key is one of the Priority* keys the model reads. */
bool hs_slurm_priority_key_read(const char *key);

/* Fills p from c; source names the file in messages. Notes (the weights
 * Slurm itself drops without slurmdbd, ...) go to warn when not NULL. */
int hs_slurm_params_read(hs_slurm_params *p, const hs_slurm_conf *c, const char *source, FILE *warn,
                         hs_error *err);

#endif
