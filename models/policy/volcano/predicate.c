/* Which nodes a task may go to (docs/volcano.md "Sampling"): above
 * minimum-feasible-nodes Volcano stops after finding a share of the
 * cluster's nodes, scanning from where the previous scan stopped, so only
 * a rotating sample is scored. Volcano scans 16 nodes at a time in
 * parallel; the model scans in order, which is what one worker does. */
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

uint32_t vc_predicate_nodes(vc_session *s, uint32_t task, uint32_t *out)
{
    vc_world *w = s->w;
    uint32_t n = w->nnodes;
    if (!n)
        return 0;
    uint32_t want = vc_nodes_to_find(s->conf, n), found = 0, processed = 0;
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
