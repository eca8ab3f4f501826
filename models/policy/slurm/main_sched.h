/* The main scheduler's pass (main_sched.c). */
#ifndef HPCSIM_SLURM_MAIN_SCHED_H
#define HPCSIM_SLURM_MAIN_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

int sl_main_pass(sl_state *s, bool full, hs_error *err);

#endif
