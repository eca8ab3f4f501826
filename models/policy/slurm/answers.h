/* The backfill's will-run answers (answers.c): a question asked again
 * with the same partition, CPUs, node count and nodes and no start since
 * gets the answer and picked nodes it got (docs/slurm.md). */
#ifndef HPCSIM_SLURM_ANSWERS_H
#define HPCSIM_SLURM_ANSWERS_H

#include <stdbool.h>
#include <stdint.h>

#include "state.h"

int sl_answers_init(sl_answers *a, uint32_t nwords);
void sl_answers_free(sl_answers *a);
void sl_answers_forget(sl_answers *a); /* a job started, or a cycle begins */
/* The slot of job's question about avail; *hit when it holds its answer
 * (else it is taken for the answer sl_answers_keep will store). */
sl_answer *sl_answers_slot(sl_answers *a, const sl_job *job, const uint64_t *avail, bool *hit);
/* Puts a hit's picked nodes in node/cpus/npick (pick_*), unless they are
 * there already. */
void sl_answers_use(sl_answers *a, sl_answer *e, uint32_t *node, uint32_t *cpus, uint32_t *npick);
/* Stores an answer and the nodes picked; -1 (not stored) when out of memory. */
int sl_answers_keep(sl_answers *a, sl_answer *e, bool ok, double when, const uint32_t *node, const uint32_t *cpus, uint32_t npick);

#endif
