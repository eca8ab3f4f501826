/* What a backfill cycle's reservations take from the nodes free now
 * (reserved.c): per reservation begin, the CPUs and nodes free now that
 * it takes (nodes with free CPUs and res_first == begin) in a partition. */
#ifndef HPCSIM_SLURM_RESERVED_H
#define HPCSIM_SLURM_RESERVED_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

void sl_reserved_forget(sl_state *s); /* the cycle ended */
/* Node n's res_first came down from old_first (INFINITY: none). */
void sl_reserved_moved(sl_state *s, uint32_t n, double old_first);
/* Node n had old_free free CPUs (a job started or ended on it). */
void sl_reserved_freed(sl_state *s, uint32_t n, uint32_t old_free);
/* CPUs and nodes free now in partition part whose first reservation
 * begins at or before until. false when out of memory (count otherwise). */
bool sl_reserved_taken(sl_state *s, uint32_t part, double until, uint64_t *cpus, uint32_t *nodes);

#endif
