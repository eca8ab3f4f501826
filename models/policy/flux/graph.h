/* The Flux model's resources and planner (graph.c): the cluster as
 * Fluxion's resource graph cluster → node → socket → core, each core's
 * time line (the job running on it until its planned end, and the
 * reservations of the current loop), and the match: which cores or
 * nodes a job gets over [t, t + duration), walked in the match policy's
 * order. Times are exact seconds: Fluxion's planner does not round
 * (docs/flux.md). */
#ifndef HPCSIM_FLUX_GRAPH_H
#define HPCSIM_FLUX_GRAPH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "hpcsim/cluster.h"
#include "hpcsim/error.h"
#include "hpcsim/intervals.h"

/* A reservation span on a core: [begin, end) of the current loop. */
typedef struct fx_span {
    double begin, end;
    uint32_t next; /* the core's next span, or FX_NONE */
} fx_span;

#define FX_NONE UINT32_MAX

/* A reservation of the current loop, for the planner's aggregate. */
typedef struct fx_resv {
    double begin, end;
    uint32_t cores, part;
} fx_resv;

/* A running job's planned end, for the reservation search. */
typedef struct fx_end {
    double end;
    uint32_t cores, part;
} fx_end;

/* Cores [first, first + count) of one node (graph core ids:
 * node_base + k). */
typedef struct fx_pick {
    uint32_t first, count;
} fx_pick;

/* What a job asks for: `count` slots of one kind. */
enum fx_slot { FX_SLOT_CORE, FX_SLOT_SOCKET, FX_SLOT_NODE };

typedef struct fx_request {
    enum fx_slot slot;
    uint32_t count;
    uint32_t partition; /* only its nodes */
    double duration;    /* INFINITY: unlimited, held for ever */
} fx_request;

/* A walk at a future time that failed (graph.c). */
typedef struct fx_failed {
    double t, duration;
    uint32_t count, partition;
    enum fx_slot slot;
} fx_failed;

/* Per partition, the free cores that a reservation of this loop holds,
 * counted by their first reservation's begin. */
typedef struct fx_blocking {
    double *begin;   /* distinct, ascending */
    uint32_t *count; /* free cores whose first span begins there */
    uint32_t n, cap;
} fx_blocking;

typedef struct fx_graph {
    const hs_cluster *cluster;
    fx_match match;
    uint32_t nnodes, nwords, sockets; /* sockets per node */
    uint64_t ncores;
    uint32_t nparts;
    uint32_t *node_part;      /* per node: its partition */
    uint32_t *free_now;       /* per node: cores not held by a running job */
    uint64_t *part_free;      /* per partition: free_now summed */
    double *planned_end;      /* per core: its running job's start + duration */
    bool *held;               /* per core: a running job holds it */
    uint32_t *first_span;     /* per core: its reservation spans (this loop) */
    double *min_begin;        /* per core: its own earliest span's begin (INFINITY: none) */
    uint32_t *core_node;      /* per core: its node */
    double *node_min_end;     /* per node: earliest planned end of its held cores */
    double *node_max_end;     /* per node: latest planned end of its held cores (-inf: none held) */
    uint32_t *node_core_spans; /* per node: reservation spans on single cores of it (this loop) */
    fx_blocking *blocking;    /* per partition */
    fx_span *spans;
    uint32_t nspans, span_cap;
    uint32_t *touched;        /* cores with spans or an earliest begin, to clear them */
    uint32_t ntouched, touched_cap;
    uint32_t *node_first_span; /* per node: spans of reservations that took it whole (this loop) */
    double *node_min_begin;   /* per node: their earliest begin (INFINITY: none) */
    double *node_max_span_end; /* per node: their latest end (-INFINITY: none) */
    uint32_t *touched_nodes;  /* nodes with such spans, to clear them */
    uint32_t ntouched_nodes, touched_nodes_cap;
    /* The walk's order: buckets of nodes (bitmaps of nwords words), walked
     * from the highest. `first`: bucket w holds the nodes whose edge weight
     * (free cores when an allocation or reservation last passed through)
     * is w, the top one those never touched; other policies: one bucket. */
    uint32_t nbuckets;
    uint64_t *bucket;
    uint32_t *bucket_count;
    uint32_t *node_bucket;    /* per node */
    uint64_t weight_moves;    /* how many times a node changed bucket: a loop that moved none left them as it found them */
    uint64_t *has_free;       /* bitmap: nodes with a free core now */
    /* the picks of the last successful match, as runs of consecutive
     * cores of one node: a big job takes thousands of whole nodes, and
     * each reservation of it then costs a step per node, not per core */
    fx_pick *pick;
    uint32_t npickruns;       /* runs in pick[] */
    uint32_t npick;           /* cores in them */
    uint64_t *sort_mark;      /* scratch of sorted_picks: a bit per node */
    uint32_t *sort_at;        /* and per node its first run */
    uint64_t *node_base;      /* per node: its first core (the cluster's core_base) */
    fx_end *ends;             /* running jobs by planned end */
    uint32_t nends, ends_cap;
    fx_resv *resv;            /* this loop's reservations, by end */
    uint32_t nresv, resv_cap;
    uint64_t *part_cores;     /* per partition: its cores */
    fx_resv *resv_begin;      /* the same reservations, by begin */
    uint32_t resv_begin_cap;
    /* scratch of the reservation search's aggregate profile (graph.c) */
    double *scratch_x;
    int64_t *scratch_u;
    uint32_t *scratch_dq;
    int64_t *scratch_rise;
    fx_failed *failed;        /* walks that failed since cores were last freed, by time */
    uint32_t nfailed, failed_cap;
    uint32_t scratch_cap;
} fx_graph;

/* Builds the graph of c (sockets per node from the configuration). */
int fx_graph_init(fx_graph *g, const hs_cluster *c, const fx_config *cfg, hs_error *err);
void fx_graph_free(fx_graph *g);

/* Matches r over [t, t + r->duration) in the policy's order; on success
 * the cores are in pick/npick. now: the present (cores still held are
 * free only at a later t, and only after their planned end). */
bool fx_graph_match(fx_graph *g, const fx_request *r, double t, double now);

/* The earliest t > now at which r matches, tried at the times the
 * planner's availability changes (ends of running jobs and of this
 * loop's reservations), as Fluxion's planner does; the picks are left in
 * pick/npick. false when no time works. */
bool fx_graph_earliest(fx_graph *g, const fx_request *r, double now, double *at);

/* The picks become a running job's (held until now + duration) or a
 * reservation of this loop over [at, at + duration); both update the
 * `first` policy's weights. -1 when out of memory. */
void fx_graph_hold(fx_graph *g, double now, double duration);
int fx_graph_reserve(fx_graph *g, double at, double duration);
/* A running job's cores (the picks it started on) are free again. */
void fx_graph_release(fx_graph *g, const fx_pick *runs, uint32_t nruns);
/* Drops every reservation (a loop begins). */
void fx_graph_cancel_reservations(fx_graph *g);

/* The picks as unit ids of the cluster (cores, or nodes in node mode). */
int fx_graph_units(const fx_graph *g, hs_intervals *out);
/* "node3[0-15] node4[0-7]": the picks, for the decision log. */
void fx_graph_write_picks(const fx_graph *g, FILE *out);

#endif
