/* The backfill cycle (backfill.c). */
#ifndef HPCSIM_SLURM_BACKFILL_H
#define HPCSIM_SLURM_BACKFILL_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

int sl_backfill(sl_state *s, hs_error *err);

#endif
