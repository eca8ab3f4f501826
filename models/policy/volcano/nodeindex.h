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

struct vc_world;

typedef struct vc_node_index {
    uint32_t n, size;    /* nodes; leaves (a power of two) */
    double *max[VC_NRES]; /* [1, size) inner entries, [size, 2 size) leaves */
} vc_node_index;

int vc_node_index_build(vc_node_index *x, const struct vc_world *w);
void vc_node_index_free(vc_node_index *x);
/* After a node's used, releasing or pipelined amounts changed. */
void vc_node_index_update(vc_node_index *x, const struct vc_world *w, uint32_t node);
/* The first node in [from, to) whose free amounts could hold req; to
 * when none. */
uint32_t vc_node_index_next(const vc_node_index *x, const vc_res *req, uint32_t from, uint32_t to);

#endif
