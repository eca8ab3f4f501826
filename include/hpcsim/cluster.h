/* The simulated platform: groups of identical nodes, optional disjoint
 * partitions, and the allocation unit (whole nodes or cores). Every
 * schedulable unit has an id: in node mode the node index, in core mode
 * the global core index (node-major). A partition owns whole nodes, so its
 * units form a sorted list of ranges. */
#ifndef HPCSIM_CLUSTER_H
#define HPCSIM_CLUSTER_H

#include <stdint.h>

#include "hpcsim/bitmap.h"
#include "hpcsim/error.h"
#include "hpcsim/intervals.h"

enum hs_alloc_mode { HS_ALLOC_CORES = 0, HS_ALLOC_NODES = 1 };

typedef struct hs_node_group {
    char *name;
    uint32_t count;
    uint32_t cores;      /* per node */
    uint64_t memory_mb;  /* per node; 0 = not described */
    uint32_t gpus;       /* per node */
    uint32_t first_node; /* index of its first node */
    uint32_t partition;  /* the one partition it belongs to */
    char *backend;       /* its nodes' backend in a performance model; NULL = the run's */
    uint32_t perf_class; /* a performance class for policies that use one (lower: preferred);
                            HS_NO_PERF_CLASS when not given */
} hs_node_group;

#define HS_NO_PERF_CLASS 9999 /* Fluxion's value for a node without perf_class */

typedef struct hs_partition {
    char *name;
    long swf_partition;  /* SWF field 16 value routed here; -1 = none */
    hs_range *units;     /* sorted ranges of unit ids */
    uint32_t nranges;
    uint64_t total_units;
    uint64_t free_units; /* kept current by hs_cluster_take/release */
    uint32_t cores_per_node; /* 0 when its nodes differ */
} hs_partition;

typedef struct hs_cluster {
    char *name;
    enum hs_alloc_mode mode;
    hs_node_group *groups;
    uint32_t ngroups;
    hs_partition *parts;
    uint32_t nparts;
    uint32_t default_part;
    uint32_t nnodes;
    uint64_t ncores;
    uint64_t nunits;     /* nnodes or ncores, by mode */
    uint64_t *core_base; /* first global core id of each node; nnodes+1 entries */
    hs_bitmap free;      /* 1 = unit free */
} hs_cluster;

/* A homogeneous cluster of nnodes × cores (what --nodes/--cores-per-node give). */
int hs_cluster_init_uniform(hs_cluster *c, uint32_t nnodes, uint32_t cores,
                            enum hs_alloc_mode mode, hs_error *err);

/* Reads a cluster description (JSON; format in docs/replay.md). */
int hs_cluster_load_json(hs_cluster *c, const char *path, hs_error *err);
/* Same, from a string; source names it in messages. */
int hs_cluster_parse_json(hs_cluster *c, const char *text, size_t len, const char *source,
                          hs_error *err);

/* A Kubernetes node list ("sn,cpu_milli,memory_mib,gpu,model", the
 * Alibaba openb format): whether text starts with its header, and the
 * cluster it describes (cores = cpu_milli / 1000, memory, GPUs; the
 * allocation unit is the core). hs_cluster_load_json reads either. */
int hs_cluster_is_nodes_csv(const char *text, size_t len);
int hs_cluster_parse_nodes_csv(hs_cluster *c, const char *text, size_t len, const char *source, hs_error *err);

/* Switches the allocation unit (before any job runs). Node mode needs
 * every partition's nodes to have the same core count. */
int hs_cluster_set_mode(hs_cluster *c, enum hs_alloc_mode mode, const char *source, hs_error *err);

void hs_cluster_free(hs_cluster *c);

/* For readers that fill c->groups (and c->parts) themselves, as the JSON
 * reader and a policy's own configuration do: numbers nodes and cores of
 * the groups, then lays out partition units from each group's partition.
 * With no partitions (c->nparts == 0) it makes one, "all", of every
 * group. */
int hs_cluster_finish_layout(hs_cluster *c, const char *source, hs_error *err);

/* Units a job of `procs` processors needs in partition p (node mode:
 * ceil(procs / cores per node)). */
uint64_t hs_cluster_demand(const hs_cluster *c, uint32_t p, uint64_t procs);

/* Units a job of `procs` processors and `mem_mb` of memory needs in
 * partition p when its memory is held as units (docs/replay.md "Memory
 * requests"): at least hs_cluster_demand, and enough units that its
 * memory, spread over them evenly, never exceeds any node's memory per
 * unit (memory / cores in core mode, memory in node mode) in p. Where a
 * group of p does not describe its memory, or the job asks none, that is
 * hs_cluster_demand. *raised: whether memory made it larger. */
uint64_t hs_cluster_demand_memory(const hs_cluster *c, uint32_t p, uint64_t procs, uint64_t mem_mb, int *raised);

/* Partition a job goes to, from its SWF partition field. */
uint32_t hs_cluster_route(const hs_cluster *c, long swf_partition);

/* What one node offers to policies that place tasks by amounts
 * (hs_engine_start_job_tasks): milli-CPUs (cores x 1000), memory in MB
 * (0 = not described: memory is then not limited) and milli-GPUs. */
typedef struct hs_node_capacity {
    uint64_t cpu_milli;
    uint64_t mem_mb;
    uint64_t gpu_milli;
} hs_node_capacity;
void hs_cluster_node_capacity(const hs_cluster *c, uint32_t node, hs_node_capacity *out);

/* Node that owns a unit id. */
uint32_t hs_cluster_node_of_unit(const hs_cluster *c, uint64_t unit);

/* Lowest-numbered free units of partition p, `demand` of them, appended
 * to out. Returns 0, or -1 when fewer are free. */
int hs_cluster_first_fit(const hs_cluster *c, uint32_t p, uint64_t demand, hs_intervals *out);

/* Checks that every unit of alloc lies in partition p and is free. */
int hs_cluster_check_free(const hs_cluster *c, uint32_t p, const hs_intervals *alloc, hs_error *err);
void hs_cluster_take(hs_cluster *c, uint32_t p, const hs_intervals *alloc);
void hs_cluster_release(hs_cluster *c, uint32_t p, const hs_intervals *alloc);

const char *hs_alloc_mode_name(enum hs_alloc_mode mode);

#endif
