/* topology.conf for topology/tree: switches, each with the nodes below it
 * (leaf switches: Nodes=; others: Switches=), read into bitmaps over the
 * slurm.conf's node indexes. A job then goes to the lowest-level switch
 * that can hold it, best fit on node count (docs/slurm.md). */
#ifndef HPCSIM_SLURM_TOPOLOGY_H
#define HPCSIM_SLURM_TOPOLOGY_H

#include <stdint.h>

#include "conf.h"
#include "hpcsim/error.h"

typedef struct sl_switch {
    char *name;
    long line;
    uint32_t level;      /* 0 for leaf switches */
    uint64_t *nodes;     /* bitmap over nodes: every node below it */
    char *children;      /* Switches= as written (resolved after reading) */
    uint32_t parent;     /* UINT32_MAX for a top switch */
} sl_switch;

typedef struct sl_topology {
    sl_switch *sw;
    uint32_t n;
    uint32_t nwords;
} sl_topology;

/* Reads path against the nodes of conf. Errors name the file and line:
 * unknown node or switch, a switch with two parents, a loop. */
int sl_topology_load(sl_topology *t, const char *path, const hs_slurm_conf *conf, hs_error *err);
int sl_topology_parse(sl_topology *t, const char *text, const char *source, const hs_slurm_conf *conf, hs_error *err);
void sl_topology_free(sl_topology *t);

#endif
