/* What a backfill cycle's reservations take from the CPUs free now, by
 * when they begin (backfill.c's probe asks "is enough left over
 * [now, now + limit]?" of job after job). Nodes free now that carry a
 * reservation are summed per reservation begin (res_first, the earliest
 * on each node), for one partition at a time, and kept up to date as
 * reservations come; a question then costs one pass over the few
 * distinct begins, not one over the nodes. A start changes what its
 * nodes offer, and their sums with it: left out, the sums would take too
 * much and the probe would pass over a job that can start (the test
 * probe_sees_starts_on_reserved_nodes); a reservation left out would
 * only make the probe stop later. */
#include <math.h>
#include <stdlib.h>

#include "reserved.h"
#include "state.h"

void sl_reserved_forget(sl_state *s) { s->reserved.part = UINT32_MAX; }

/* Adds (sign 1) or takes away (-1) a node offering o CPUs at begin. */
static bool bucket_add(sl_state *s, double begin, uint32_t o, int sign)
{
    sl_reserved *r = &s->reserved;
    if (o == 0)
        return true;
    uint32_t k = 0;
    while (k < r->n && r->b[k].begin != begin)
        k++;
    if (k == r->n) {
        if (r->n == r->cap) {
            uint32_t cap = r->cap ? 2 * r->cap : 64;
            sl_reserved_bucket *more = realloc(r->b, cap * sizeof *more);
            if (!more)
                return false;
            r->b = more;
            r->cap = cap;
        }
        r->b[r->n++] = (sl_reserved_bucket){begin, 0, 0};
    }
    r->b[k].cpus = sign > 0 ? r->b[k].cpus + o : r->b[k].cpus - o;
    r->b[k].nodes = sign > 0 ? r->b[k].nodes + 1 : r->b[k].nodes - 1;
    return true;
}

static uint32_t offer(const sl_state *s, uint32_t n) { return sl_offer(s, n, s->parts[s->reserved.part].exclusive); }

void sl_reserved_moved(sl_state *s, uint32_t n, double old_first)
{
    sl_reserved *r = &s->reserved;
    if (r->part == UINT32_MAX || !sl_bit(s->parts[r->part].member, n))
        return;
    uint32_t o = offer(s, n);
    if ((old_first != INFINITY && !bucket_add(s, old_first, o, -1)) || !bucket_add(s, s->res_first[n], o, 1))
        sl_reserved_forget(s);
}

void sl_reserved_freed(sl_state *s, uint32_t n, uint32_t old_free)
{
    sl_reserved *r = &s->reserved;
    if (r->part == UINT32_MAX || s->res_first[n] == INFINITY || !sl_bit(s->parts[r->part].member, n))
        return;
    uint32_t old = sl_offer_of(old_free, s->node_cpus[n], s->parts[r->part].exclusive);
    if (!bucket_add(s, s->res_first[n], old, -1) || !bucket_add(s, s->res_first[n], offer(s, n), 1))
        sl_reserved_forget(s);
}

bool sl_reserved_taken(sl_state *s, uint32_t part, double until, uint64_t *cpus, uint32_t *nodes)
{
    sl_reserved *r = &s->reserved;
    if (r->part != part) {
        r->part = part;
        r->n = 0;
        for (uint32_t k = 0; k < s->nres_touched; k++) {
            uint32_t n = s->res_touched[k];
            if (sl_bit(s->parts[part].member, n) && !bucket_add(s, s->res_first[n], offer(s, n), 1)) {
                sl_reserved_forget(s);
                return false;
            }
        }
    }
    *cpus = 0;
    *nodes = 0;
    for (uint32_t k = 0; k < r->n; k++)
        if (r->b[k].begin <= until) {
            *cpus += r->b[k].cpus;
            *nodes += r->b[k].nodes;
        }
    return true;
}
