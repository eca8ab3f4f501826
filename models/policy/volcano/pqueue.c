/* Go's container/heap (up, down, Push, Pop) over item indices (pqueue.h). */
#include "pqueue.h"

#include <stdlib.h>

void vc_pq_init(vc_pqueue *q, vc_order_fn order, const struct vc_session *s)
{
    q->items = NULL;
    q->n = q->cap = 0;
    q->order = order;
    q->s = s;
}

void vc_pq_free(vc_pqueue *q)
{
    free(q->items);
    q->items = NULL;
    q->n = q->cap = 0;
}

static bool less(const vc_pqueue *q, uint32_t i, uint32_t j) { return q->order(q->s, q->items[i], q->items[j]) < 0; }

static void swap(vc_pqueue *q, uint32_t i, uint32_t j)
{
    uint32_t t = q->items[i];
    q->items[i] = q->items[j];
    q->items[j] = t;
}

static void up(vc_pqueue *q, uint32_t j)
{
    while (j > 0) {
        uint32_t i = (j - 1) / 2;
        if (!less(q, j, i))
            break;
        swap(q, i, j);
        j = i;
    }
}

static void down(vc_pqueue *q, uint32_t i, uint32_t n)
{
    for (;;) {
        uint32_t j1 = 2 * i + 1;
        if (j1 >= n)
            break;
        uint32_t j = j1;
        if (j1 + 1 < n && less(q, j1 + 1, j1))
            j = j1 + 1;
        if (!less(q, j, i))
            break;
        swap(q, i, j);
        i = j;
    }
}

int vc_pq_push(vc_pqueue *q, uint32_t item)
{
    if (q->n == q->cap) {
        uint32_t cap = q->cap ? 2 * q->cap : 16;
        uint32_t *m = realloc(q->items, cap * sizeof *m);
        if (!m)
            return -1;
        q->items = m;
        q->cap = cap;
    }
    q->items[q->n++] = item;
    up(q, q->n - 1);
    return 0;
}

uint32_t vc_pq_pop(vc_pqueue *q)
{
    uint32_t last = q->n - 1;
    swap(q, 0, last);
    down(q, 0, last);
    return q->items[--q->n];
}
