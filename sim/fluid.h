/* Fluid progress of running jobs under a performance model (engine.h), for
 * the engine: each running job has work left (native seconds) and a rate;
 * when a job starts or ends, every job sharing one of its nodes has its
 * progress brought up to now and its end re-planned at the new rate (the
 * way SimGrid shares resources). A re-planned end is pushed anew; the
 * engine ignores an end event whose time is no longer the job's end. */
#ifndef HPCSIM_FLUID_H
#define HPCSIM_FLUID_H

#include <stdbool.h>
#include <stdint.h>

#include "event_heap.h"
#include "hpcsim/cluster.h"
#include "hpcsim/intervals.h"
#include "hpcsim/engine.h"
#include "hpcsim/trace.h"

typedef struct hs_fluid hs_fluid;

/* Reads each job's allocation (hs_job.alloc) while it runs. */
hs_fluid *hs_fluid_new(const hs_perf_ops *ops, const void *model, hs_cluster *c, hs_trace *t);
void hs_fluid_free(hs_fluid *f);
/* Allocations hold node ids rather than units (a run whose jobs start
 * as tasks, hs_engine_start_job_tasks). */
void hs_fluid_use_node_ids(hs_fluid *f);

/* job (index idx) starts now on alloc: plans it and re-plans its
 * neighbours; limit = start + requested time when jobs are killed there,
 * else infinity; no running job lies below oldest_live (its state is
 * kept for live jobs only, hpcsim/job_ring.h). Returns -1 when out of
 * memory. */
int hs_fluid_start(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx, const hs_intervals *alloc,
                   double limit, uint32_t oldest_live);
/* job idx ends now: its neighbours are re-planned. */
int hs_fluid_end(hs_fluid *f, hs_event_heap *heap, double now, uint32_t idx, const hs_intervals *alloc);
/* Whether it reached its limit before its work was done. */
bool hs_fluid_killed(const hs_fluid *f, uint32_t idx);

#endif
