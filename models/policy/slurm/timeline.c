/* The will-run walk's sequence (backfill.c): the running jobs end one by
 * one in expected-end order, each giving its CPUs back to its nodes. The
 * sequence is the same for every will-run test until a job starts or
 * ends; only where a test stops differs (which jobs count depends on the
 * nodes it asks about). So it is logged once, lazily, as far as tests
 * have walked: per step, each node's free CPUs just before it. A test
 * reads its CPU counts from the log instead of changing the nodes and
 * undoing the change, and the node selection it needs at the step where
 * the job fits runs on a view of the nodes after that many steps, which
 * moves forward or back from where the last test left it.
 *
 * The view has every earlier step applied, also those of jobs the test
 * ignores (none of their nodes is among those it asks about); the
 * selection reads only the nodes asked about, so it sees what the walk
 * over the counted jobs alone would have left. */
#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "state.h"

int sl_timeline_init(sl_state *s, uint32_t njobs)
{
    sl_timeline *t = &s->tl;
    if (!(t->step_first = malloc(((size_t)njobs + 1) * sizeof *t->step_first)) ||
        !(t->log_free = malloc(s->nnodes * sizeof *t->log_free)) || !(t->free = malloc(s->nnodes * sizeof *t->free)) ||
        !(t->has_free = calloc(s->nwords, sizeof *t->has_free)) || !(t->idle = calloc(s->nwords, sizeof *t->idle)) ||
        !(t->gain_cpus = malloc(((size_t)njobs + 1) * sizeof *t->gain_cpus)) ||
        !(t->gain_nodes = malloc(((size_t)njobs + 1) * sizeof *t->gain_nodes)))
        return -1;
    return 0;
}

void sl_timeline_free(sl_timeline *t)
{
    free(t->step_first);
    free(t->before);
    free(t->log_free);
    free(t->free);
    free(t->has_free);
    free(t->idle);
    free(t->gain_cpus);
    free(t->gain_nodes);
}

int sl_timeline_grow(sl_state *s, uint64_t e)
{
    sl_timeline *t = &s->tl;
    if (t->entries + e <= t->cap)
        return 0;
    uint64_t cap = t->cap ? t->cap : 1024;
    while (cap < t->entries + e)
        cap *= 2;
    uint32_t *more = realloc(t->before, cap * sizeof *more);
    if (!more)
        return -1;
    t->before = more;
    t->cap = cap;
    return 0;
}

/* The view at step 0: the nodes as they are. */
static void view_from_present(sl_state *s)
{
    sl_timeline *t = &s->tl;
    memcpy(t->free, s->node_free, s->nnodes * sizeof *t->free);
    memcpy(t->has_free, s->has_free, s->nwords * sizeof *t->has_free);
    memcpy(t->idle, s->idle, s->nwords * sizeof *t->idle);
    t->at = 0;
}

/* Starts the log afresh from the nodes' present state. */
static void restart(sl_state *s)
{
    sl_timeline *t = &s->tl;
    memcpy(t->log_free, s->node_free, s->nnodes * sizeof *t->log_free);
    view_from_present(s);
    t->built = t->gain_built = 0;
    t->step_first[0] = 0;
    t->valid = true;
}

/* The free CPUs of step i's nodes (order[i]'s alloc_node) just before it. */
static const uint32_t *step_before(sl_state *s, uint32_t i)
{
    sl_timeline *t = &s->tl;
    if (!t->valid)
        restart(s);
    for (; t->built <= i; t->built++) {
        const sl_job *r = &s->sj[s->order[t->built]];
        uint32_t first = t->step_first[t->built];
        for (uint32_t k = 0; k < r->nalloc; k++) {
            uint32_t n = r->alloc_node[k];
            t->before[first + k] = t->log_free[n];
            t->log_free[n] += r->alloc_cpus[k];
        }
        t->step_first[t->built + 1] = first + r->nalloc;
    }
    return t->before + t->step_first[i];
}

void sl_timeline_step_gain(sl_state *s, uint32_t i, const uint64_t *nodes, bool whole, uint64_t *cpus, uint32_t *count)
{
    const uint32_t *before = step_before(s, i);
    const sl_job *r = &s->sj[s->order[i]];
    uint64_t c = 0; /* summed here: *count might alias the arrays read */
    uint32_t m = 0;
    for (uint32_t k = 0; k < r->nalloc; k++) {
        uint32_t n = r->alloc_node[k];
        if (sl_bit(nodes, n)) {
            uint32_t ob = sl_offer_of(before[k], s->node_cpus[n], whole);
            uint32_t oa = sl_offer_of(before[k] + r->alloc_cpus[k], s->node_cpus[n], whole);
            c += oa - ob;
            m += (oa > 0) - (ob > 0);
        }
    }
    *cpus += c;
    *count += m;
}

void sl_timeline_gain(sl_state *s, uint32_t part, uint32_t steps, uint64_t *cpus, uint32_t *nodes)
{
    sl_timeline *t = &s->tl;
    if (steps == 0) {
        *cpus = *nodes = 0;
        return;
    }
    step_before(s, steps - 1); /* logged that far (and not stale) */
    if (t->gain_part != part || t->gain_built == 0) {
        t->gain_part = part;
        t->gain_cpus[0] = t->gain_nodes[0] = 0;
        t->gain_built = 1;
    }
    const sl_part *p = &s->parts[part];
    for (; t->gain_built <= steps; t->gain_built++) {
        uint32_t i = t->gain_built - 1;
        t->gain_cpus[i + 1] = t->gain_cpus[i];
        t->gain_nodes[i + 1] = t->gain_nodes[i];
        sl_timeline_step_gain(s, i, p->member, p->exclusive, &t->gain_cpus[i + 1], &t->gain_nodes[i + 1]);
    }
    *cpus = t->gain_cpus[steps];
    *nodes = t->gain_nodes[steps];
}

static void view_set(sl_timeline *t, const sl_state *s, uint32_t n, uint32_t f)
{
    sl_set_free_in(t->free, t->has_free, t->idle, s->node_cpus[n], n, f);
}

void sl_timeline_seek(sl_state *s, uint32_t at)
{
    sl_timeline *t = &s->tl;
    if (t->at > at && t->at - at > at) /* nearer from the start */
        view_from_present(s);
    for (; t->at < at; t->at++) {
        const sl_job *r = &s->sj[s->order[t->at]];
        const uint32_t *before = t->before + t->step_first[t->at];
        for (uint32_t k = 0; k < r->nalloc; k++)
            view_set(t, s, r->alloc_node[k], before[k] + r->alloc_cpus[k]);
    }
    for (; t->at > at; t->at--) {
        const sl_job *r = &s->sj[s->order[t->at - 1]];
        const uint32_t *before = t->before + t->step_first[t->at - 1];
        for (uint32_t k = 0; k < r->nalloc; k++)
            view_set(t, s, r->alloc_node[k], before[k]);
    }
}

void sl_timeline_swap_view(sl_state *s)
{
    uint32_t *f = s->node_free;
    uint64_t *h = s->has_free, *i = s->idle;
    s->node_free = s->tl.free;
    s->has_free = s->tl.has_free;
    s->idle = s->tl.idle;
    s->tl.free = f;
    s->tl.has_free = h;
    s->tl.idle = i;
}
