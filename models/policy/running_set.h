/* Running jobs of one partition ordered by their expected end (start +
 * requested time, as the scheduler knows it; ties by job index). A binary
 * heap with positions, so a job that ends is removed in O(log n), and the
 * earliest k ends are visited in O(k log k) without sorting everything:
 * that is what EASY's reservation needs at every pass. */
#ifndef HPCSIM_POLICY_RUNNING_SET_H
#define HPCSIM_POLICY_RUNNING_SET_H

#include <stdint.h>

typedef struct hs_running_set {
    uint32_t *heap;   /* job indices */
    uint32_t n, cap;
    uint32_t *pos;    /* per job index: its place in heap (shared by all partitions' sets) */
    const double *key; /* per job index: expected end */
} hs_running_set;

int hs_running_set_add(hs_running_set *s, uint32_t job);  /* -1 on ENOMEM */
void hs_running_set_remove(hs_running_set *s, uint32_t job);
void hs_running_set_free(hs_running_set *s);

/* Visits running jobs by increasing expected end until visit() returns
 * nonzero; scratch is reused between calls. Returns visit's value, or 0. */
typedef int (*hs_running_visit)(void *ctx, uint32_t job);
int hs_running_set_walk(const hs_running_set *s, uint32_t **scratch, uint32_t *scratch_cap,
                        hs_running_visit visit, void *ctx);

#endif
