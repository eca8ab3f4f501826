/* priority/multifactor (priority.c): job priorities, their periodic
 * recalculation and the fair-share usage a job's end charges. */
#ifndef HPCSIM_SLURM_PRIORITY_H
#define HPCSIM_SLURM_PRIORITY_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

/* Job size factor (B.3): n nodes and c CPUs in the cluster. */
double sl_size_factor(const hs_slurm_params *p, double n, double c, double nodes, double cpus, double limit);
/* Sum of weighted factors → Slurm's priority (>= 1, truncated, capped). */
uint32_t sl_priority_value(double sum);
void sl_priority_job(sl_state *s, uint32_t j);
void sl_priority_tick(sl_state *s);
void sl_charge_end(sl_state *s, uint32_t j);

#endif
