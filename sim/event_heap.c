/* Binary min-heap of events (event_heap.h). */
#include "event_heap.h"

#include <stdlib.h>

static bool before(const hs_event *a, const hs_event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    if (a->kind != b->kind)
        return a->kind < b->kind;
    return a->seq < b->seq;
}

int hs_heap_push(hs_event_heap *h, double time, uint32_t kind, uint32_t job)
{
    if (h->n == h->cap) {
        uint64_t cap = h->cap ? h->cap * 2 : 1024;
        hs_event *ev = realloc(h->ev, cap * sizeof *ev);
        if (!ev)
            return -1;
        h->ev = ev;
        h->cap = cap;
    }
    hs_event e = {time, h->next_seq++, kind, job};
    uint64_t i = h->n++;
    while (i > 0) {
        uint64_t parent = (i - 1) / 2;
        if (!before(&e, &h->ev[parent]))
            break;
        h->ev[i] = h->ev[parent];
        i = parent;
    }
    h->ev[i] = e;
    return 0;
}

bool hs_heap_peek(const hs_event_heap *h, hs_event *out)
{
    if (h->n == 0)
        return false;
    *out = h->ev[0];
    return true;
}

bool hs_heap_pop(hs_event_heap *h, hs_event *out)
{
    if (h->n == 0)
        return false;
    *out = h->ev[0];
    hs_event last = h->ev[--h->n];
    uint64_t i = 0;
    for (;;) {
        uint64_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && before(&h->ev[c + 1], &h->ev[c]))
            c++;
        if (!before(&h->ev[c], &last))
            break;
        h->ev[i] = h->ev[c];
        i = c;
    }
    if (h->n > 0)
        h->ev[i] = last;
    return true;
}

void hs_heap_free(hs_event_heap *h)
{
    free(h->ev);
    h->ev = NULL;
    h->n = h->cap = 0;
}
