/* The Slurm model held to a real history (docs/slurm-verify.md): with
 * --policy-opt lockstep=REAL.csv and lockstep-at=T, every job that real
 * Slurm started before T starts at its real time on its real nodes, the
 * model's own schedulers stay silent, and at T its main scheduler and
 * then its backfill run once on that state (lockstep-passes=main or
 * backfill: only that one, when the record says real Slurm ran only it
 * then); the log (log=FILE) then has
 * the queue, the free nodes and what each scheduler started or planned at
 * T, and the run stops. `hpcsim slurm-verify` asks this for every instant
 * at which real Slurm started jobs. */
#ifndef HPCSIM_SLURM_LOCKSTEP_H
#define HPCSIM_SLURM_LOCKSTEP_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "hpcsim/record.h"
#include "conf.h"

/* The record, its host lists resolved to slurm.conf's nodes once. */
typedef struct sl_lockstep_record {
    hs_record rec;
    double at;           /* the instant asked about */
    bool main_pass, backfill; /* which schedulers run then (lockstep-passes=) */
    uint32_t *node_first; /* per row: its first entry in nodes[]; node_first[njobs] ends them */
    uint32_t *nodes;
    uint32_t *cpus;       /* beside nodes[]: the CPUs the job held there, 0 when the record does not say */
} sl_lockstep_record;

/* Reads path and resolves its nodes against conf; at is the instant. -1
 * with err naming the file and line of a host list naming an unknown
 * node. */
int sl_lockstep_record_load(sl_lockstep_record *l, const char *path, double at, const hs_slurm_conf *conf,
                            hs_error *err);
void sl_lockstep_record_free(sl_lockstep_record *l);

#endif
