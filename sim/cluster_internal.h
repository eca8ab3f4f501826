/* Shared by cluster.c and cluster_json.c, not part of the public API. */
#ifndef HPCSIM_CLUSTER_INTERNAL_H
#define HPCSIM_CLUSTER_INTERNAL_H

#include "hpcsim/cluster.h"

/* Numbers nodes and cores of c->groups, then lays out partition units
 * from each group's partition. With no partitions (c->nparts == 0) it
 * makes one, "all", of every group. */
int hs_cluster_finish_layout(hs_cluster *c, const char *source, hs_error *err);

#endif
