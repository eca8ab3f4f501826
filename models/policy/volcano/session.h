/* One Volcano session (docs/volcano.md "Sessions"): opened on the world
 * as it is, it computes every plugin's per-session state (DRF shares,
 * proportion's deserved resources, overcommit's idle and in-queue
 * totals), runs the configured actions in order, and is closed, which
 * sets the PodGroup phases. Tasks committed by the session are listed in
 * `binds`, in commit order. */
#ifndef HPCSIM_VOLCANO_SESSION_H
#define HPCSIM_VOLCANO_SESSION_H

#include <stdint.h>

#include "scheduler_conf.h"
#include "world.h"

typedef struct vc_queue_attr {
    bool present;      /* has jobs in the session */
    vc_res deserved, allocated, request, inqueue, elastic, real_cap;
    double share;
} vc_queue_attr;

typedef struct vc_session {
    vc_world *w;
    const vc_conf *conf;
    const vc_plugin_conf *pl[VC_NPLUGINS]; /* NULL = not configured */
    vc_res total;
    vc_queue_attr *q;    /* per queue */
    double *job_share;   /* drf, per job */
    vc_res oc_idle, oc_inqueue; /* overcommit */
    uint64_t rng;        /* random ties */
    uint32_t *binds;     /* committed tasks */
    uint32_t nbinds, capbinds;
    uint32_t npipelined; /* tasks pipelined now */
    uint32_t enqueued;   /* jobs moved to Inqueue */
    double *scores;      /* scratch: one node score per candidate */
    int oom;
} vc_session;

/* Opens a session; rng_seed seeds its tie draws. -1 when out of memory. */
int vc_session_open(vc_session *s, vc_world *w, const vc_conf *conf, uint64_t rng_seed);
/* Runs the configured actions in order. */
int vc_session_run_actions(vc_session *s);
/* Sets PodGroup phases and frees the session. */
void vc_session_close(vc_session *s);

/* The actions (enqueue.c, allocate.c, backfill.c). */
void vc_enqueue(vc_session *s);
void vc_allocate(vc_session *s);
void vc_backfill(vc_session *s);

/* Comparisons of the configured order functions: < 0 when a goes first. */
int vc_queue_order(const vc_session *s, uint32_t a, uint32_t b);
int vc_job_order(const vc_session *s, uint32_t a, uint32_t b);
int vc_task_order(const vc_session *s, uint32_t a, uint32_t b);

/* Votes and checks the plugins take. */
bool vc_job_ready(const vc_session *s, uint32_t job);
bool vc_job_pipelined(const vc_session *s, uint32_t job);
bool vc_job_valid(const vc_session *s, uint32_t job);
bool vc_job_enqueueable(const vc_session *s, uint32_t job);
void vc_job_enqueued(vc_session *s, uint32_t job);
bool vc_queue_overused(const vc_session *s, uint32_t q);
bool vc_queue_allocatable(const vc_session *s, uint32_t q, uint32_t task);
/* Resource fit on FutureIdle plus the predicates plugin. */
bool vc_predicate(const vc_session *s, uint32_t task, uint32_t node);

/* Task placement with the session's event handlers (drf, proportion). */
void vc_session_place(vc_session *s, uint32_t task, uint32_t node, bool pipeline);
void vc_session_unplace(vc_session *s, uint32_t task);
int vc_session_bind(vc_session *s, uint32_t task);

/* Node scores (score.c): the sum of every node-order plugin's score. */
double vc_node_score(const vc_session *s, uint32_t task, uint32_t node);
double vc_binpack_score(const vc_binpack_args *a, const vc_task *t, const vc_node *n);
double vc_least_allocated(const vc_task *t, const vc_node *n);
double vc_most_allocated(const vc_task *t, const vc_node *n);
double vc_balanced_allocation(const vc_task *t, const vc_node *n);
/* Best of cand[0..n) by score; ties random or lowest node index. */
uint32_t vc_select_best(vc_session *s, uint32_t task, const uint32_t *cand, uint32_t n);

/* Feasible nodes for a task, from the rotating index (docs/volcano.md
 * "Sampling"); returns how many were written to out. */
uint32_t vc_predicate_nodes(vc_session *s, uint32_t task, uint32_t *out);
uint32_t vc_nodes_to_find(const vc_conf *c, uint32_t nnodes);

#endif
