/* The priority queue Volcano's actions use: a binary heap that compares
 * items with the order functions' current values, sifting exactly as Go's
 * container/heap does. Shares change while items sit in the heap and the
 * heap is not re-sorted (docs/volcano.md "Allocate"), so which item comes
 * out next depends on this exact sifting, not only on the order. */
#ifndef HPCSIM_VOLCANO_PQUEUE_H
#define HPCSIM_VOLCANO_PQUEUE_H

#include <stdbool.h>
#include <stdint.h>

struct vc_session;

/* < 0 when a goes first. */
typedef int (*vc_order_fn)(const struct vc_session *s, uint32_t a, uint32_t b);

typedef struct vc_pqueue {
    uint32_t *items;
    uint32_t n, cap;
    vc_order_fn order;
    const struct vc_session *s;
} vc_pqueue;

void vc_pq_init(vc_pqueue *q, vc_order_fn order, const struct vc_session *s);
void vc_pq_free(vc_pqueue *q);
int vc_pq_push(vc_pqueue *q, uint32_t item); /* -1: out of memory */
uint32_t vc_pq_pop(vc_pqueue *q);            /* q must not be empty */
static inline bool vc_pq_empty(const vc_pqueue *q) { return q->n == 0; }

#endif
