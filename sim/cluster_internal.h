/* Shared by cluster.c and cluster_json.c, not part of the public API. */
#ifndef HPCSIM_CLUSTER_INTERNAL_H
#define HPCSIM_CLUSTER_INTERNAL_H

#include "hpcsim/cluster.h"

/* Numbers nodes and cores of c->groups, then lays out partition units.
 * part_groups[p] lists the groups of partition p (UINT32_MAX-terminated);
 * NULL makes one partition "all" of every group. */
int hs_cluster_finish_layout(hs_cluster *c, uint32_t **part_groups, const char *source, hs_error *err);

#endif
