/* The lock-step check's side of a run (lockstep.h): the jobs real Slurm
 * started before the instant asked about start at their real times on
 * their real nodes, and at that instant the log gets the state the
 * model's schedulers see (docs/slurm-verify.md). */
#ifndef HPCSIM_SLURM_FORCED_H
#define HPCSIM_SLURM_FORCED_H

#include "state.h"

/* Which jobs to start and when, from s->setup->lockstep; -1 with err when
 * the record and the trace disagree (a job started before the trace
 * submits it). */
int sl_forced_init(sl_state *s, hs_error *err);
void sl_forced_free(sl_state *s);
/* Starts the jobs due at now or before on their real nodes (squeezed onto
 * their free CPUs when the model's guess of how many each took before
 * left too few: the log says "real: squeezed"); -1 with err when a job is
 * not queued then. */
int sl_forced_start_due(sl_state *s, double now, hs_error *err);
/* The next forced start, or INFINITY. */
double sl_forced_next(const sl_state *s);
/* "T intervals: sched_interval S bf_interval B", "T queue: JOB:PRIORITY
 * ..." in the schedulers' order and "T free: NODE:CPUS,..." into the
 * log. */
void sl_forced_dump(sl_state *s);

#endif
