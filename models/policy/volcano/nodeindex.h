/* A tournament tree over the nodes' FutureIdle (docs/volcano.md
 * "Sampling"): each inner entry holds the largest free amount of each
 * resource below it, so a scan for nodes that fit a task skips whole
 * runs of full nodes. It only prunes (a node whose every requested
 * amount could fit is still tested by the predicate), so the nodes found,
 * their order and the rotating index are the linear scan's exactly. */
#ifndef HPCSIM_VOLCANO_NODEINDEX_H
#define HPCSIM_VOLCANO_NODEINDEX_H

#include <stdint.h>

#include "res.h"

typedef struct vc_node_index {
    uint32_t n, size;    /* nodes; leaves (a power of two) */
    double *max[VC_NRES]; /* [1, size) inner entries, [size, 2 size) leaves */
} vc_node_index;

/* n nodes, none with room yet: set each with vc_node_index_set. */
int vc_node_index_build(vc_node_index *x, uint32_t n);
void vc_node_index_free(vc_node_index *x);
/* A node's FutureIdle, whenever it changes (vc_world_touch). */
void vc_node_index_set(vc_node_index *x, uint32_t node, const vc_res *future_idle);
/* The first node in [from, to) whose free amounts could hold req; to
 * when none. */
uint32_t vc_node_index_next(const vc_node_index *x, const vc_res *req, uint32_t from, uint32_t to);

#endif
