/* The engine's event queue: a binary min-heap ordered by (time, kind,
 * sequence number). The kind rank puts job ends before wake-ups at the
 * same instant; the sequence number makes equal keys pop in insertion
 * order, so the order never depends on the heap's internal layout. */
#ifndef HPCSIM_EVENT_HEAP_H
#define HPCSIM_EVENT_HEAP_H

#include <stdbool.h>
#include <stdint.h>

enum hs_event_kind { HS_EV_JOB_END = 0, HS_EV_WAKEUP = 2 };

typedef struct hs_event {
    double time;
    uint64_t seq;
    uint32_t kind;
    uint32_t job; /* job index for HS_EV_JOB_END */
} hs_event;

typedef struct hs_event_heap {
    hs_event *ev;
    uint64_t n, cap;
    uint64_t next_seq;
} hs_event_heap;

int hs_heap_push(hs_event_heap *h, double time, uint32_t kind, uint32_t job); /* -1 on ENOMEM */
bool hs_heap_peek(const hs_event_heap *h, hs_event *out);
bool hs_heap_pop(hs_event_heap *h, hs_event *out);
void hs_heap_free(hs_event_heap *h);

#endif
