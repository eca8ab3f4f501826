/* The pending queue in the order both schedulers take it (pending.c). */
#ifndef HPCSIM_SLURM_PENDING_H
#define HPCSIM_SLURM_PENDING_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

void sl_sort_pending(sl_state *s);
/* Queues a submitted job, in order when the queue is sorted. */
void sl_queue_add(sl_state *s, uint32_t j);
void sl_remove_started(sl_state *s);

#endif
