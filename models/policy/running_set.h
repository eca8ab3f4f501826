/* Running jobs of one partition ordered by their expected end (start +
 * requested time, as the scheduler knows it; ties by job index), with the
 * units they hold summed over every subtree. EASY asks of it, at each
 * pass, "when will enough units be free for the head, and how many are
 * free then": with the sums, both answers are one descent, O(log n),
 * instead of a walk over the earliest-ending jobs (which was a third of a
 * RICC replay). A treap: random-looking but fixed priorities (a hash of the
 * job index) keep it balanced and the run deterministic. */
#ifndef HPCSIM_POLICY_RUNNING_SET_H
#define HPCSIM_POLICY_RUNNING_SET_H

#include <stdint.h>

#define HS_RS_NIL UINT32_MAX

/* Node arrays are per job and shared by every partition's set: job j's
 * entry is at j & mask (the caller keeps them in a ring, job_ring.h, and
 * sets mask to its capacity - 1). */
typedef struct hs_running_nodes {
    uint32_t *left, *right, *weight;
    uint64_t *sum;
    const double *key; /* expected end per job, owned by the caller */
    uint32_t mask;
} hs_running_nodes;

typedef struct hs_running_set {
    hs_running_nodes *nodes;
    uint32_t root;
} hs_running_set;


/* key[job] must be set before add and unchanged until remove. */
void hs_running_set_add(hs_running_set *s, uint32_t job, uint32_t units);
void hs_running_set_remove(hs_running_set *s, uint32_t job);

/* With `missing` more units needed than are free now (> 0): the earliest
 * expected end by which that many are released (ends before now count as
 * now), and the units released by then, counting every job that ends at
 * that very time. Returns -1 when the whole set releases fewer. */
int hs_running_set_reserve(const hs_running_set *s, uint64_t missing, double now, double *shadow,
                           uint64_t *released);

#endif
