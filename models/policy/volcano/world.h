/* What a Volcano session sees (docs/volcano.md "Objects"): nodes with
 * allocatable and used resources, queues, PodGroups (jobs) and their pods
 * (tasks). The policy glue (policy.c) keeps it current as the engine
 * reports arrivals and ends; the unit tests build it by hand from the
 * fixtures of Volcano's own tests. Nothing here knows about the engine. */
#ifndef HPCSIM_VOLCANO_WORLD_H
#define HPCSIM_VOLCANO_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "res.h"

/* Task (pod) status, as far as the model needs it. */
enum vc_task_status {
    VC_TASK_PENDING = 0,
    VC_TASK_ALLOCATED, /* placed in this session, not yet committed */
    VC_TASK_RUNNING,   /* committed (bound); runs until its job ends */
    VC_TASK_PIPELINED, /* placed on resources that are still being released */
    VC_TASK_SUCCEEDED
};

enum vc_job_phase { VC_PG_PENDING = 0, VC_PG_INQUEUE, VC_PG_RUNNING, VC_PG_COMPLETED };

#define VC_MAX_ROLES 4

/* What Kubernetes scoring counts for a zero request: 100 mCPU, 200 MiB. */
#define NZ_CPU 100.0
#define NZ_MEM (200.0 * 1024 * 1024)
#define VC_NO_NODE UINT32_MAX

typedef struct vc_node {
    vc_res alloc;      /* allocatable */
    vc_res used;       /* requests of the pods on it */
    vc_res releasing;  /* of pods being deleted (always 0 in a replay: ends are instant) */
    vc_res pipelined;  /* promised to pipelined pods */
    double nz_cpu, nz_mem; /* requests counted the way k8s scoring does (a zero request counts
                              100 mCPU / 200 MiB) */
    uint32_t ntasks;
    uint32_t max_tasks; /* the node's `pods` allocatable; 0 = no cap */
    uint32_t label;     /* one label value (fixtures' nodeRole); 0 = none */
} vc_node;

typedef struct vc_task {
    uint32_t job;
    vc_res req;
    int32_t priority;
    int64_t index;     /* the pod name's -N suffix; -1 when it has none */
    const char *uid;   /* "namespace-name": the last tie-break */
    uint8_t status;
    uint8_t role;      /* 0 = none, else 1..VC_MAX_ROLES */
    uint32_t selector; /* a node label the pod requires; 0 = any */
    uint32_t node;     /* VC_NO_NODE while pending */
} vc_task;

typedef struct vc_job {
    uint32_t queue;
    uint32_t first_task, ntasks; /* its tasks are world.tasks[first_task ..] */
    uint32_t min_member;
    uint32_t role_min[VC_MAX_ROLES + 1]; /* minTaskMember per role ([0] unused) */
    int32_t priority;
    double created;
    const char *uid;
    uint8_t phase;
    bool active;       /* in the session (false once it has ended) */
    uint32_t slot;     /* its place in world.live during a session */
    bool has_min_res;  /* minResources set (the vc-controller sets it) */
    vc_res min_res;
    vc_res allocated;  /* requests of its tasks in allocated statuses */
    /* Kept by vc_task_set_status (docs/volcano.md "Gang"): tasks ready
     * (allocated statuses, succeeded, or pending BestEffort), pipelined,
     * and per role placed (allocated statuses or succeeded) and pipelined. */
    uint32_t nready, npipelined;
    uint32_t role_placed[VC_MAX_ROLES + 1], role_pipelined[VC_MAX_ROLES + 1];
} vc_job;

typedef struct vc_queue {
    const char *name;
    uint32_t weight;
    int32_t priority;
    bool open;
    bool reclaimable;
    vc_res capability; /* a dimension <= 0 is unlimited */
    vc_res guarantee;
    const char *uid;
} vc_queue;

typedef struct vc_world {
    vc_node *nodes;
    uint32_t nnodes;
    vc_queue *queues;
    uint32_t nqueues;
    vc_job *jobs;
    uint32_t njobs;
    vc_task *tasks;
    uint32_t ntasks;
    uint32_t *live;   /* the jobs a session sees (active ones), in creation order */
    uint32_t nlive;
    bool releasing;   /* some node has Releasing resources (never in a replay: ends are instant) */
    uint32_t last_node_index; /* where the next feasibility scan starts (docs/volcano.md "Sampling") */
    /* NULL, or the index of free amounts: whoever changes a node's
     * amounts calls vc_world_touch. Only for nodes without pod caps or
     * labels (the predicates it cannot see). */
    struct vc_node_index *index;
} vc_world;

static inline bool vc_task_allocated_status(uint8_t s)
{
    return s == VC_TASK_ALLOCATED || s == VC_TASK_RUNNING;
}

/* Every change of a task's status goes through here, keeping its job's
 * counts; vc_job_recount sets them from scratch (a world built by hand). */
void vc_task_set_status(vc_world *w, vc_task *t, uint8_t status);
void vc_job_recount(vc_world *w, vc_job *j);

/* A node's amounts changed: keeps the index current. */
void vc_world_touch(vc_world *w, uint32_t node);

/* No request in any dimension: a BestEffort pod. */
bool vc_task_best_effort(const vc_task *t);

/* FutureIdle = Idle + Releasing - Pipelined, with Idle = alloc - used. */
static inline void vc_node_idle(const vc_node *n, vc_res *idle)
{
    *idle = n->alloc;
    vc_res_sub(idle, &n->used);
}

static inline void vc_node_future_idle(const vc_node *n, vc_res *fi)
{
    vc_node_idle(n, fi);
    vc_res_add(fi, &n->releasing);
    vc_res_sub(fi, &n->pipelined);
}
/* Takes or gives back a task's request on a node (used, pod count and
 * the scoring requests). */
void vc_node_add_task(vc_node *n, const vc_task *t);
void vc_node_remove_task(vc_node *n, const vc_task *t);

#endif
