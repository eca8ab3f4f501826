/* The Slurm model checked decision by decision against a real Slurm
 * record (docs/slurm-verify.md): at every instant T at which real Slurm
 * started jobs, the model is held to the real history before T (the
 * Slurm policy's lockstep= option) and asked which jobs its main
 * scheduler and its backfill would start at T, and where. */
#ifndef HPCSIM_VERIFY_H
#define HPCSIM_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hpcsim/error.h"
#include "hpcsim/metrics.h"

typedef struct hs_verify_config {
    const char *trace_path;    /* with the real run's UnixStartTime header */
    const char *conf_path;     /* slurm.conf */
    const char *assoc_path;    /* NULL: none */
    const char *qos_path;      /* NULL: none */
    const char *topology_path; /* NULL: as the Slurm model finds it */
    const char *real_path;     /* REAL.csv (hpcsim/record.h) */
    double jitter;             /* s; < 0: the shorter of sched_interval and bf_interval */
    FILE *warn;                /* notes about slurm.conf, once; NULL = silent */
    bool phases;               /* free-running on the controller's phases read from the record */
    double calc_phase;         /* s from time 0 at which real Slurm's decay thread ran (0: on time 0) */
    const char *rerun_path;    /* NULL, or another record of real Slurm on the same trace */
} hs_verify_config;

/* One instant at which real Slurm started jobs. */
typedef struct hs_verify_event {
    double at;
    uint32_t nreal;       /* jobs real Slurm started at `at` */
    uint32_t nmodel;      /* jobs the model started at `at` */
    uint32_t nboth;       /* of the real ones, started by the model too */
    uint32_t nboth_main;  /* of those, by its main scheduler */
    uint32_t nearly;      /* model starts real Slurm made within the jitter after */
    uint32_t nsame_nodes; /* of nboth, on the real nodes */
    bool agree;           /* every real start, and no model start beyond the jitter */
    char *text;           /* the real and model starts, the queue, the free nodes and the
                             model's reservations: what a reader needs to see why */
} hs_verify_event;

typedef struct hs_verify_result {
    double jitter;
    hs_verify_event *events; /* by time */
    uint32_t nevents, nagree;
    uint64_t real_jobs, matched, matched_main, same_nodes;
    /* by real Slurm's own scheduler, when the record says (its `by` column) */
    uint64_t real_main, real_backfill, matched_real_main, matched_real_backfill;
    /* real starts the model could not place exactly: their nodes had fewer
     * CPUs free in the model than they asked (a record names each job's
     * nodes, not its CPUs on each, so earlier jobs' CPUs are guessed) */
    uint32_t squeezed;
    /* The model free-running on the same trace (the record's run times),
     * beside the record: jobs in both, those starting within the jitter
     * of their real start, the mean absolute start difference, and the
     * metrics of a run (waits, utilization) of real Slurm's schedule and
     * of the model's. */
    uint32_t free_jobs, free_within;
    double *free_real_start, *free_model_start; /* per job in both, in trace order */
    double free_mean_diff;
    /* With cfg->phases: the grids of real Slurm's main scheduler's ticks
     * (main_phase + k (1 + main_drift) s) and of its backfill cycles
     * (bf_phase + k (bf_interval + bf_drift) s) that the record's starts
     * fit best, given to the free-running model (docs/slurm-verify.md). */
    double main_phase, main_drift, bf_phase, bf_drift;
    double bf_interval; /* slurm.conf's, as the model read it */
    /* With cfg->rerun_path: real Slurm against itself, the record beside
     * the re-run as the model's free run is set beside the record (jobs
     * in both, within the jitter, mean absolute start difference), and
     * the re-run's waits and utilization. */
    bool has_rerun;
    uint32_t rerun_jobs, rerun_within;
    double rerun_mean_diff;
    hs_metrics rerun;
    hs_metrics real, model;
} hs_verify_result;

/* Runs the check: one lock-stepped replay per instant. -1 with err on bad
 * input (the record, the trace, slurm.conf, or a record that does not fit
 * them). */
int hs_verify(const hs_verify_config *cfg, hs_verify_result *out, hs_error *err);
void hs_verify_result_free(hs_verify_result *r);

#endif
