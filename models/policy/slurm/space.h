/* The backfill's node-space map (docs/slurm.md): consecutive time
 * records [begin, end), each with the nodes no pending job has reserved
 * then. Kept as an array in time order, so the record holding a time is
 * found by binary search, and with a hash of each record's nodes, so the
 * merge of equal neighbours Slurm does after each insert costs a
 * comparison per record, not a bitmap comparison. */
#ifndef HPCSIM_SLURM_SPACE_H
#define HPCSIM_SLURM_SPACE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sl_space_rec {
    double begin, end;
    uint64_t *avail;
    uint64_t hash;
} sl_space_rec;

typedef struct sl_space_map {
    sl_space_rec *r;
    uint32_t n, cap;
    uint64_t **pool; /* bitmaps of dropped records, for reuse */
    uint32_t npool, pool_cap;
    uint32_t nwords;
    /* suffix[i]: the nodes free in every record from i to the last, for
     * i >= suffix_from (UINT32_MAX: none); made lazily, dropped when the
     * records change (sl_space_free_to_end) */
    uint64_t *suffix;
    uint32_t suffix_from, suffix_cap;
    uint64_t *mask;     /* nwords, all 0 between calls: the nodes asked about */
    uint32_t *touched;  /* the words of mask that are not 0 */
} sl_space_map;

void sl_space_init(sl_space_map *m, uint32_t nwords);
void sl_space_free(sl_space_map *m);
/* One record [begin, end) of the nodes in all. -1 on ENOMEM. */
int sl_space_reset(sl_space_map *m, double begin, double end, const uint64_t *all);
/* Index of the first record ending after t (m->n if none). */
uint32_t sl_space_find(const sl_space_map *m, double t);
/* Are the nodes free of reservations throughout [begin, end)? */
bool sl_space_nodes_free(const sl_space_map *m, double begin, double end, const uint32_t *nodes, uint32_t n);
/* Whether record i + 1 (< m->n) has a node of `of` that record i lacks:
 * a reservation ends there, and a job may fit from then on. */
bool sl_space_frees(const sl_space_map *m, uint32_t i, const uint64_t *of);
/* The nodes free of reservations in every record from i (< m->n) to the
 * last. Jobs whose window reaches the end of the map (most: bf_window is
 * shorter than many time limits) ask this of one record after another in
 * TRY_LATER; made once from the last record back and kept until the next
 * reservation, each answer costs a bitmap copy instead of an AND over
 * every record. NULL on ENOMEM (intersect the records instead). */
const uint64_t *sl_space_free_to_end(sl_space_map *m, uint32_t i);
/* Reserves the nodes over [begin, end): records are split at both ends,
 * the nodes cleared inside, then the first pair of neighbours with equal
 * nodes (if any) merged. -1 on ENOMEM. */
int sl_space_reserve(sl_space_map *m, double begin, double end, const uint32_t *nodes, uint32_t n);

#endif
