/* The Flux model's configuration: Fluxion's own TOML tables
 * [sched-fluxion-qmanager] and [sched-fluxion-resource] (--policy-conf),
 * then --policy-opt KEY=VALUE over them, with Fluxion's defaults for every
 * absent key (docs/flux.md). */
#ifndef HPCSIM_FLUX_CONFIG_H
#define HPCSIM_FLUX_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "hpcsim/error.h"
#include "hpcsim/policy.h"

enum fx_queue_policy { FX_FCFS, FX_EASY, FX_HYBRID, FX_CONSERVATIVE };

#define FX_MAX_SOCKETS 64 /* per node */

/* A match policy as Fluxion's policy factory composes it. */
typedef struct fx_match {
    const char *name;
    bool high;           /* prefer higher ids (else lower) */
    bool dynamic;        /* `first`: children ordered by free resources when last touched */
    bool node_exclusive; /* every chosen node taken whole */
    bool by_class;       /* `variation`: nodes of a lower perf_class first, then low order */
} fx_match;

typedef struct fx_config {
    char *source;                   /* the TOML file, or "--policy-opt" */
    enum fx_queue_policy queue_policy;
    uint64_t queue_depth;           /* jobs considered per loop (after the cap) */
    uint64_t max_queue_depth;
    uint64_t reservation_depth;     /* reservations per loop, as the policy uses it */
    uint64_t max_reservation_depth;
    fx_match match;
    char *prune_filters;
    uint32_t sockets_per_node;      /* the resource graph's sockets per node (cores split evenly) */
    bool urgency_from_queue;        /* a job's urgency is its SWF queue field (else 16) */
    bool socket_slots;              /* a job's processors are whole sockets (slot{socket}), else cores */
    FILE *log;                      /* each loop's starts and reservations; NULL = none */
    char *log_path;
} fx_config;

/* Reads args->conf (at most one TOML file) and args->opts into c.
 * Unknown keys of the file are listed once on args->warn. */
int fx_config_read(fx_config *c, const hs_policy_args *args, hs_error *err);
/* Closes the log (0, or -1 when a write failed) and frees c. A log still
 * open when freed without fx_config_finish belongs to a failed run: it
 * is removed. */
int fx_config_finish(fx_config *c, hs_error *err);
void fx_config_free(fx_config *c);

const char *fx_queue_policy_name(enum fx_queue_policy p);

#endif
