/* Node selection of select/cons_tres (select.c), and a job's start and
 * end on the nodes it picked. */
#ifndef HPCSIM_SLURM_SELECT_H
#define HPCSIM_SLURM_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

/* Can job j start on the nodes of `avail` (NULL: all of its partition's)
 * given node_free[] now? Fills pick_node/pick_cpus/npick by Slurm's
 * consecutive best fit (under a switch, with a topology). */
bool sl_select(sl_state *s, uint32_t j, const uint64_t *avail);
int sl_start(sl_state *s, uint32_t j, hs_error *err);  /* on pick_*; the job leaves pending */
void sl_release(sl_state *s, uint32_t j);
void sl_node_add(sl_state *s, uint32_t n, int64_t cpus); /* free += cpus, aggregates kept */

#endif
