/* Which nodes a task may go to (docs/volcano.md "Sampling"): above
 * minimum-feasible-nodes Volcano stops after finding a share of the
 * cluster's nodes, scanning from where the previous scan stopped, so only
 * a rotating sample is scored. Volcano scans 16 nodes at a time in
 * parallel; the model scans in order, which is what one worker does. */
#include "nodeindex.h"
#include "session.h"

uint32_t vc_nodes_to_find(const vc_conf *c, uint32_t nnodes)
{
    if (nnodes <= c->min_feasible_nodes || c->percentage >= 100)
        return nnodes;
    int64_t pct = c->percentage;
    if (pct <= 0) {
        pct = 50 - (int64_t)nnodes / 125;
        if (pct < (int64_t)c->min_percentage)
            pct = c->min_percentage;
    }
    uint64_t k = (uint64_t)nnodes * (uint64_t)pct / 100;
    if (k < c->min_feasible_nodes)
        k = c->min_feasible_nodes;
    return (uint32_t)k;
}

/* The same scan with the index of free amounts skipping nodes that
 * cannot hold the task: the nodes found and the count of nodes the
 * linear scan would have processed are the same (tests/test_volcano.c
 * compares the two). */
static uint32_t indexed_scan(vc_session *s, uint32_t task, uint32_t *out, uint32_t want)
{
    vc_world *w = s->w;
    uint32_t n = w->nnodes, start = w->last_node_index, found = 0, processed = n;
    const vc_res *req = &w->tasks[task].req;
    for (int part = 0; part < 2 && processed == n; part++) {
        uint32_t lo = part ? 0 : start, hi = part ? start : n;
        for (uint32_t i = vc_node_index_next(w->index, req, lo, hi); i < hi;
             i = vc_node_index_next(w->index, req, i + 1, hi)) {
            /* the index holds each node's FutureIdle and prunes with the
             * predicate's own comparison: a node it yields fits, and a
             * world with an index has no pod caps or labels to check */
            if (found == want) {
                processed = (i + n - start) % n + 1;
                break;
            }
            out[found++] = i;
        }
    }
    w->last_node_index = (uint32_t)(((uint64_t)start + processed) % n);
    return found;
}

uint32_t vc_predicate_nodes(vc_session *s, uint32_t task, uint32_t *out)
{
    vc_world *w = s->w;
    uint32_t n = w->nnodes;
    if (!n)
        return 0;
    uint32_t want = vc_nodes_to_find(s->conf, n), found = 0, processed = 0;
    if (w->index)
        return indexed_scan(s, task, out, want);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t node = (w->last_node_index + i) % n;
        processed++;
        if (!vc_predicate(s, task, node))
            continue;
        if (found == want)
            break; /* one more feasible node than wanted ends the scan, uncounted */
        out[found++] = node;
    }
    w->last_node_index = (uint32_t)(((uint64_t)w->last_node_index + processed) % n);
    return found;
}
