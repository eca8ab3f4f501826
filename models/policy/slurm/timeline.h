/* The will-run walk's sequence of releases (timeline.c): step i is the
 * running job order[i] ending, logged lazily and shared by every walk
 * until a job starts or ends. */
#ifndef HPCSIM_SLURM_TIMELINE_H
#define HPCSIM_SLURM_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

int sl_timeline_init(sl_state *s, uint32_t njobs);
void sl_timeline_free(sl_timeline *t);
/* Room for e more logged nodes (a job about to start on e nodes). */
int sl_timeline_grow(sl_state *s, uint64_t e);
/* Adds what step i gives back on the nodes of the bitmap `nodes`, as a
 * job (whole: whole-node) counts it: CPUs it may use, and nodes that come
 * to offer some. */
void sl_timeline_step_gain(sl_state *s, uint32_t i, const uint64_t *nodes, bool whole, uint64_t *cpus, uint32_t *count);
/* Moves the view to "after the first `at` steps" (at <= steps logged). */
void sl_timeline_seek(sl_state *s, uint32_t at);
/* What the first `steps` steps give back on all of partition part's
 * nodes: CPUs it may use and nodes that come to offer some. */
void sl_timeline_gain(sl_state *s, uint32_t part, uint32_t steps, uint64_t *cpus, uint32_t *nodes);
/* Swaps the view with the nodes' present state (node_free, has_free,
 * idle), so that code reading the present reads the view; swapped back
 * by a second call. */
void sl_timeline_swap_view(sl_state *s);

#endif
