/* Running jobs by expected end (end_order.c). */
#ifndef HPCSIM_SLURM_END_ORDER_H
#define HPCSIM_SLURM_END_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"
#include "state.h"

void sl_order_add(sl_state *s, uint32_t j);    /* a job started */
void sl_order_remove(sl_state *s, uint32_t j); /* a job ended */

#endif
