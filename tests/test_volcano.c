/* The Volcano model's session against Volcano's own unit tests
 * (inputs and expected outcomes transcribed as facts, docs/volcano.md
 * "Fidelity"): allocate's TestAllocate and TestFareShareAllocate,
 * proportion's TestEnqueueAndAllocable, binpack's TestNode scores,
 * nodeorder's least/most allocated choice; then the configuration
 * reader. Each case builds the world by hand, runs one session and
 * compares the binds. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nodeindex.h"
#include "scheduler_conf.h"
#include "session.h"
#include "testlib.h"

#define G 1e9
#define GI 1073741824.0

typedef struct fixture {
    vc_world w;
    vc_conf c;
    vc_node nodes[8];
    vc_queue queues[4];
    vc_job jobs[8];
    vc_task tasks[16];
    uint32_t live[8];
    char names[16][32];
} fixture;

static void fx_init(fixture *f, const char *actions)
{
    memset(f, 0, sizeof *f);
    vc_conf_default(&f->c);
    f->c.ties = VC_TIES_LOWEST;
    /* the tests' tier: gang, drf, proportion, predicates, nodeorder */
    memset(f->c.tiers, 0, sizeof f->c.tiers);
    f->c.ntiers = 1;
    static const uint8_t ids[] = {VC_PL_GANG, VC_PL_DRF, VC_PL_PROPORTION, VC_PL_PREDICATES, VC_PL_NODEORDER};
    for (unsigned i = 0; i < sizeof ids; i++) {
        vc_plugin_conf *p = &f->c.tiers[0].plugins[f->c.tiers[0].nplugins++];
        memset(p, 1, sizeof *p);
        p->id = ids[i];
        p->hierarchy = false;
    }
    f->c.nactions = 0;
    if (strstr(actions, "enqueue"))
        f->c.actions[f->c.nactions++] = VC_ACT_ENQUEUE;
    if (strstr(actions, "allocate"))
        f->c.actions[f->c.nactions++] = VC_ACT_ALLOCATE;
    f->w.nodes = f->nodes;
    f->w.queues = f->queues;
    f->w.jobs = f->jobs;
    f->w.tasks = f->tasks;
    f->w.live = f->live;
}

static uint32_t fx_node(fixture *f, double cpu, double mem, uint32_t pods, uint32_t label)
{
    vc_node *n = &f->nodes[f->w.nnodes];
    n->alloc.v[VC_CPU] = cpu * 1000;
    n->alloc.v[VC_MEM] = mem;
    n->max_tasks = pods;
    n->label = label;
    return f->w.nnodes++;
}

static uint32_t fx_queue(fixture *f, const char *name, uint32_t weight, double cap_cpu, double cap_mem)
{
    vc_queue *q = &f->queues[f->w.nqueues];
    q->name = q->uid = name;
    q->weight = weight;
    q->open = true;
    q->capability.v[VC_CPU] = cap_cpu * 1000;
    q->capability.v[VC_MEM] = cap_mem;
    return f->w.nqueues++;
}

static uint32_t fx_job(fixture *f, const char *uid, uint32_t queue, uint32_t min_member, uint8_t phase)
{
    vc_job *j = &f->jobs[f->w.njobs];
    j->uid = uid;
    j->queue = queue;
    j->min_member = min_member;
    j->phase = phase;
    j->active = true;
    j->first_task = f->w.ntasks;
    f->live[f->w.nlive++] = f->w.njobs;
    return f->w.njobs++;
}

/* A pod of the last job; node VC_NO_NODE = pending. The uid is
 * "namespace-name" as BuildPod makes it; the index is the name's -N. */
static uint32_t fx_pod(fixture *f, const char *ns, const char *name, double cpu, double mem, uint32_t node,
                       uint8_t role, uint32_t selector)
{
    uint32_t ti = f->w.ntasks;
    vc_task *t = &f->tasks[ti];
    vc_job *j = &f->jobs[f->w.njobs - 1];
    snprintf(f->names[ti], sizeof f->names[ti], "%s/%s", ns, name);
    t->uid = f->names[ti];
    t->job = f->w.njobs - 1;
    t->req.v[VC_CPU] = cpu * 1000;
    t->req.v[VC_MEM] = mem;
    t->role = role;
    t->selector = selector;
    const char *dash = strrchr(name, '-');
    t->index = dash && dash[1] >= '0' && dash[1] <= '9' ? atol(dash + 1) : -1;
    t->node = VC_NO_NODE;
    j->ntasks++;
    if (node != VC_NO_NODE) {
        t->status = VC_TASK_RUNNING;
        t->node = node;
        vc_node_add_task(&f->nodes[node], t);
        vc_res_add(&j->allocated, &t->req);
    }
    f->w.ntasks++;
    return ti;
}

/* minResources = the requests of the job's first min_member pods (at
 * least one), as the vc-controller sets it. */
static void fx_min_resources(fixture *f)
{
    for (uint32_t j = 0; j < f->w.njobs; j++) {
        vc_job *job = &f->jobs[j];
        job->has_min_res = true;
        uint32_t n = job->min_member ? job->min_member : job->ntasks;
        for (uint32_t i = 0; i < n && i < job->ntasks; i++)
            vc_res_add(&job->min_res, &f->tasks[job->first_task + i].req);
    }
}

/* Runs one session; writes "pod->node, ..." (nodes named n1, n2, ...). */
static void fx_run(fixture *f, char *binds, size_t cap)
{
    for (uint32_t j = 0; j < f->w.njobs; j++)
        vc_job_recount(&f->w, &f->jobs[j]);
    vc_session s;
    ck_assert_int_eq(vc_session_open(&s, &f->w, &f->c, 1), 0);
    ck_assert_int_eq(vc_session_run_actions(&s), 0);
    binds[0] = 0;
    for (uint32_t i = 0; i < s.nbinds; i++) {
        const vc_task *t = &f->tasks[s.binds[i]];
        size_t n = strlen(binds);
        snprintf(binds + n, cap - n, "%s%s->n%u", i ? ", " : "", t->uid, t->node + 1);
    }
    vc_session_close(&s);
}

/* ---- actions/allocate/allocate_test.go::TestAllocate ---- */

START_TEST(allocate_one_job_two_pods_one_node)
{
    fixture f;
    fx_init(&f, "allocate");
    fx_node(&f, 2, 4 * GI, 10, 0);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0);
    fx_job(&f, "c1/pg1", c1, 0, VC_PG_INQUEUE);
    fx_pod(&f, "c1", "p1", 1, G, VC_NO_NODE, 0, 0);
    fx_pod(&f, "c1", "p2", 1, G, VC_NO_NODE, 0, 0);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "c1/p1->n1, c1/p2->n1");
}
END_TEST

START_TEST(allocate_two_jobs_one_node)
{
    fixture f;
    fx_init(&f, "allocate");
    fx_node(&f, 2, 4 * G, 10, 0);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0), c2 = fx_queue(&f, "c2", 1, 0, 0);
    fx_job(&f, "c1/pg1", c1, 0, VC_PG_INQUEUE);
    fx_pod(&f, "c1", "pg1-p-1", 1, G, VC_NO_NODE, 0, 0);
    fx_pod(&f, "c1", "pg1-p-2", 1, G, VC_NO_NODE, 0, 0);
    fx_job(&f, "c2/pg2", c2, 0, VC_PG_INQUEUE);
    fx_pod(&f, "c2", "pg2-p-1", 1, G, VC_NO_NODE, 0, 0);
    fx_pod(&f, "c2", "pg2-p-2", 1, G, VC_NO_NODE, 0, 0);
    char b[256];
    fx_run(&f, b, sizeof b);
    /* each queue deserves 1 CPU: the second pod of a queue is not allocatable */
    ck_assert_str_eq(b, "c1/pg1-p-1->n1, c2/pg2-p-1->n1");
}
END_TEST

START_TEST(allocate_high_priority_queue_does_not_block)
{
    fixture f;
    fx_init(&f, "allocate");
    fx_node(&f, 2, 4 * G, 10, 0);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0), c2 = fx_queue(&f, "c2", 1, 0, 0);
    f.queues[c1].priority = 1;
    fx_job(&f, "c1/pg1", c1, 0, VC_PG_INQUEUE);
    fx_pod(&f, "c1", "p1", 3, G, VC_NO_NODE, 0, 0);
    fx_job(&f, "c1/pg2", c2, 0, VC_PG_INQUEUE);
    fx_pod(&f, "c1", "p2", 1, G, VC_NO_NODE, 0, 0);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "c1/p2->n1");
}
END_TEST

enum { MASTER = 1, WORKER = 2 };

START_TEST(allocate_prepredicate_failed_continues_to_min_member)
{
    fixture f;
    fx_init(&f, "allocate");
    fx_node(&f, 1, 4 * G, 10, MASTER);
    fx_node(&f, 1, 4 * G, 10, WORKER);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0);
    uint32_t j = fx_job(&f, "c1/pg1", c1, 2, VC_PG_INQUEUE);
    f.jobs[j].role_min[MASTER] = 1;
    f.jobs[j].role_min[WORKER] = 1;
    fx_pod(&f, "c1", "p0", 1, G, VC_NO_NODE, MASTER, MASTER);
    fx_pod(&f, "c1", "p1", 1, G, VC_NO_NODE, MASTER, MASTER);
    fx_pod(&f, "c1", "p2", 1, G, VC_NO_NODE, WORKER, WORKER);
    fx_pod(&f, "c1", "p3", 1, G, VC_NO_NODE, WORKER, WORKER);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "c1/p0->n1, c1/p2->n2");
}
END_TEST

START_TEST(allocate_master_min_member_unmet_breaks)
{
    fixture f;
    fx_init(&f, "allocate");
    fx_node(&f, 1, 4 * G, 10, MASTER);
    fx_node(&f, 2, 4 * G, 10, WORKER);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0);
    uint32_t j = fx_job(&f, "c1/pg1", c1, 2, VC_PG_INQUEUE);
    f.jobs[j].role_min[MASTER] = 2;
    fx_pod(&f, "c1", "p0", 1, G, VC_NO_NODE, MASTER, MASTER);
    fx_pod(&f, "c1", "p1", 1, G, VC_NO_NODE, MASTER, MASTER);
    fx_pod(&f, "c1", "p2", 1, G, VC_NO_NODE, WORKER, WORKER);
    fx_pod(&f, "c1", "p3", 1, G, VC_NO_NODE, WORKER, WORKER);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, ""); /* the gang fails: everything rolled back */
    for (uint32_t n = 0; n < f.w.nnodes; n++)
        ck_assert(vc_res_is_zero(&f.nodes[n].used));
}
END_TEST

/* ---- TestFareShareAllocate: the queue with the lower DRF share first ---- */

START_TEST(fair_share_low_drf_share_queue_first)
{
    fixture f;
    fx_init(&f, "allocate");
    f.c.tiers[0].plugins[1].hierarchy = true; /* drf orders queues */
    f.c.tiers[0].nplugins = 4;                /* without proportion */
    f.c.tiers[0].plugins[2] = f.c.tiers[0].plugins[3];
    f.c.tiers[0].plugins[3] = f.c.tiers[0].plugins[4];
    fx_node(&f, 5, 5 * G, 10, 0);
    uint32_t q1 = fx_queue(&f, "q-1", 1, 0, 0), q2 = fx_queue(&f, "q-2", 1, 0, 0);
    fx_job(&f, "ns/pg-small-1", q1, 1, VC_PG_RUNNING);
    fx_pod(&f, "ns", "pod-small-1", 1, G, 0, 0, 0);
    fx_job(&f, "ns/pg-large-1", q1, 1, VC_PG_INQUEUE);
    fx_pod(&f, "ns", "pod-large-1", 2, 2 * G, VC_NO_NODE, 0, 0);
    fx_job(&f, "ns/pg-large-2", q2, 1, VC_PG_INQUEUE);
    fx_pod(&f, "ns", "pod-large-2", 3, 2 * G, VC_NO_NODE, 0, 0);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "ns/pod-large-2->n1");
}
END_TEST

/* ---- plugins/proportion/proportion_test.go::TestEnqueueAndAllocable ---- */

static void proportion_world(fixture *f, const char *actions)
{
    fx_init(f, actions);
    fx_node(f, 2, 2 * G, 10, 0);
    fx_node(f, 2, 2 * G, 10, 0);
    fx_queue(f, "q1", 1, 2, 2 * G);
    fx_queue(f, "q2", 1, 3, 3 * G);
    fx_job(f, "ns/pg1", 0, 1, VC_PG_RUNNING);
    fx_pod(f, "ns", "pod1", 1, 2 * G, 0, 0, 0);
    fx_job(f, "ns/pg2", 1, 1, VC_PG_RUNNING);
    fx_pod(f, "ns", "pod2", 2, 1 * G, 1, 0, 0);
}

START_TEST(proportion_cpu_only_request_ignores_memory)
{
    fixture f;
    proportion_world(&f, "enqueue allocate");
    fx_job(&f, "ns/pg3", 0, 1, VC_PG_PENDING);
    fx_pod(&f, "ns", "pod3", 1, 0, VC_NO_NODE, 0, 0);
    fx_min_resources(&f);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "ns/pod3->n1");
}
END_TEST

START_TEST(proportion_memory_only_request)
{
    fixture f;
    proportion_world(&f, "enqueue allocate");
    fx_job(&f, "ns/pg4", 1, 1, VC_PG_PENDING);
    fx_pod(&f, "ns", "pod4", 0, 1 * G, VC_NO_NODE, 0, 0);
    fx_min_resources(&f);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "ns/pod4->n2");
}
END_TEST

START_TEST(proportion_enqueue_refuses_beyond_capability)
{
    fixture f;
    proportion_world(&f, "enqueue allocate");
    uint32_t j = fx_job(&f, "ns/pg5", 0, 1, VC_PG_PENDING);
    fx_pod(&f, "ns", "pod5", 1, 1 * G, VC_NO_NODE, 0, 0);
    fx_min_resources(&f);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "");
    ck_assert_int_eq(f.jobs[j].phase, VC_PG_PENDING);
}
END_TEST

START_TEST(proportion_allocatable_refuses_beyond_deserved)
{
    fixture f;
    proportion_world(&f, "allocate");
    fx_job(&f, "ns/pg5", 0, 1, VC_PG_INQUEUE);
    fx_pod(&f, "ns", "pod5", 1, 1 * G, VC_NO_NODE, 0, 0);
    fx_min_resources(&f);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "");
}
END_TEST

START_TEST(proportion_closed_queue)
{
    fixture f;
    proportion_world(&f, "enqueue allocate");
    f.queues[0].open = false;
    uint32_t j = fx_job(&f, "ns/pg3", 0, 1, VC_PG_PENDING);
    fx_pod(&f, "ns", "pod3", 1, 0, VC_NO_NODE, 0, 0);
    fx_min_resources(&f);
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "");
    ck_assert_int_eq(f.jobs[j].phase, VC_PG_PENDING);
}
END_TEST

/* ---- backfill: BestEffort pods only, higher job priority first, then
 * higher task priority (the rule of backfill_test.go's
 * TestPickUpPendingTasks, on our own numbers): a node capped at 2 pods
 * takes the two pods of the priority-2 job, the priority-1 job's pod
 * stays pending, and the pod with requests is left to allocate. ---- */

START_TEST(backfill_best_effort_by_priority)
{
    fixture f;
    fx_init(&f, "");
    f.c.actions[f.c.nactions++] = VC_ACT_BACKFILL;
    vc_plugin_conf *prio = &f.c.tiers[0].plugins[f.c.tiers[0].nplugins++];
    memset(prio, 1, sizeof *prio);
    prio->id = VC_PL_PRIORITY;
    prio->hierarchy = false;
    fx_node(&f, 4, 4 * G, 2, 0);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0);
    uint32_t low = fx_job(&f, "c1/low", c1, 0, VC_PG_INQUEUE);
    f.jobs[low].priority = 1;
    fx_pod(&f, "c1", "low-0", 0, 0, VC_NO_NODE, 0, 0);
    fx_pod(&f, "c1", "low-1", 1, G, VC_NO_NODE, 0, 0);
    uint32_t high = fx_job(&f, "c1/high", c1, 0, VC_PG_INQUEUE);
    f.jobs[high].priority = 2;
    fx_pod(&f, "c1", "high-0", 0, 0, VC_NO_NODE, 0, 0);
    uint32_t t = fx_pod(&f, "c1", "high-1", 0, 0, VC_NO_NODE, 0, 0);
    f.tasks[t].priority = 5;
    char b[256];
    fx_run(&f, b, sizeof b);
    ck_assert_str_eq(b, "c1/high-1->n1, c1/high-0->n1");
}
END_TEST

/* ---- overcommit's enqueue gate (docs/volcano.md "Actions"), on our own
 * numbers: 10 CPUs, 5 used by a running job: idle = 10 x 1.2 - 5 = 7
 * CPUs. A job asking 6 is enqueued; then one asking 2 is refused (6 + 2 >
 * 7); with the factor at 1.5 (idle 10) both go in. ---- */

static void overcommit_world(fixture *f, double factor, uint32_t *j6, uint32_t *j2)
{
    fx_init(f, "enqueue");
    f->c.tiers[0].nplugins = 0; /* overcommit alone votes */
    vc_plugin_conf *oc = &f->c.tiers[0].plugins[f->c.tiers[0].nplugins++];
    memset(oc, 1, sizeof *oc);
    oc->id = VC_PL_OVERCOMMIT;
    oc->hierarchy = false;
    f->c.overcommit_factor = factor;
    fx_node(f, 10, 100 * G, 0, 0);
    uint32_t c1 = fx_queue(f, "c1", 1, 0, 0);
    fx_job(f, "c1/run", c1, 1, VC_PG_RUNNING);
    fx_pod(f, "c1", "run-0", 5, G, 0, 0, 0);
    *j6 = fx_job(f, "c1/six", c1, 1, VC_PG_PENDING);
    fx_pod(f, "c1", "six-0", 6, G, VC_NO_NODE, 0, 0);
    *j2 = fx_job(f, "c1/two", c1, 1, VC_PG_PENDING);
    fx_pod(f, "c1", "two-0", 2, G, VC_NO_NODE, 0, 0);
    fx_min_resources(f);
}

START_TEST(overcommit_gate)
{
    fixture f;
    uint32_t j6, j2;
    char b[64];
    overcommit_world(&f, 1.2, &j6, &j2);
    fx_run(&f, b, sizeof b);
    ck_assert_int_eq(f.jobs[j6].phase, VC_PG_INQUEUE);
    ck_assert_int_eq(f.jobs[j2].phase, VC_PG_PENDING);
    overcommit_world(&f, 1.5, &j6, &j2);
    fx_run(&f, b, sizeof b);
    ck_assert_int_eq(f.jobs[j6].phase, VC_PG_INQUEUE);
    ck_assert_int_eq(f.jobs[j2].phase, VC_PG_INQUEUE);
}
END_TEST

/* ---- plugins/binpack/binpack_test.go::TestNode ---- */

static vc_node bp_node(double cpu, double mem, double gpu, double foo)
{
    vc_node n;
    memset(&n, 0, sizeof n);
    n.alloc.v[VC_CPU] = cpu * 1000;
    n.alloc.v[VC_MEM] = mem;
    n.alloc.v[VC_GPU] = gpu * 1000;
    n.alloc.v[VC_OTHER] = foo * 1000;
    return n;
}

static vc_task bp_pod(double cpu, double mem, double gpu, double foo)
{
    vc_task t;
    memset(&t, 0, sizeof t);
    t.req.v[VC_CPU] = cpu * 1000;
    t.req.v[VC_MEM] = mem;
    t.req.v[VC_GPU] = gpu * 1000;
    t.req.v[VC_OTHER] = foo * 1000;
    return t;
}

START_TEST(binpack_scores)
{
    vc_node n1 = bp_node(2, 4 * GI, 0, 0), n2 = bp_node(4, 16 * GI, 4, 0), n3 = bp_node(2, 4 * GI, 0, 16);
    vc_task p1 = bp_pod(1, GI, 0, 0), p2 = bp_pod(1.5, 0, 0, 0), p3 = bp_pod(2, 10 * GI, 2, 0),
            p4 = bp_pod(3, 4 * GI, 0, 3);
    vc_node_add_task(&n1, &p1); /* p1 runs on n1, p2 on n3 */
    vc_node_add_task(&n3, &p2);
    vc_binpack_args a = {10, {2, 3, 7, 8}};
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p1, &n1), 700, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p1, &n2), 137.5, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p1, &n3), 0, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p2, &n2), 375, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p3, &n2), 531.25, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&a, &p4, &n2), 173.076923, 1e-6);
    vc_binpack_args b = {1, {1, 1, 23, 0}};
    ck_assert_double_eq_tol(vc_binpack_score(&b, &p1, &n1), 75, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&b, &p1, &n2), 15.625, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&b, &p2, &n2), 37.5, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&b, &p3, &n2), 50.5, 1e-6);
    ck_assert_double_eq_tol(vc_binpack_score(&b, &p4, &n2), 50, 1e-6);
}
END_TEST

/* ---- plugins/nodeorder/nodeorder_test.go: least vs most allocated ---- */

static uint32_t nodeorder_pick(double least, double most)
{
    fixture f;
    fx_init(&f, "allocate");
    f.c.nodeorder.least = least;
    f.c.nodeorder.most = most;
    fx_node(&f, 2, 4 * GI, 10, 0);
    fx_node(&f, 4, 8 * GI, 10, 0);
    uint32_t c1 = fx_queue(&f, "c1", 1, 0, 0);
    fx_job(&f, "c1/pg1", c1, 1, VC_PG_INQUEUE);
    uint32_t t = fx_pod(&f, "c1", "p1", 1, G, VC_NO_NODE, 0, 0);
    char b[256];
    fx_run(&f, b, sizeof b);
    return f.tasks[t].node;
}

START_TEST(nodeorder_least_and_most_allocated)
{
    ck_assert_uint_eq(nodeorder_pick(1, 0), 1); /* n2 */
    ck_assert_uint_eq(nodeorder_pick(0, 1), 0); /* n1 */
}
END_TEST

/* ---- sampling (docs/volcano.md "Sampling") ---- */

START_TEST(nodes_to_find)
{
    vc_conf c;
    vc_conf_default(&c);
    ck_assert_uint_eq(vc_nodes_to_find(&c, 100), 100);
    ck_assert_uint_eq(vc_nodes_to_find(&c, 1000), 420); /* 50 - 1000/125 = 42 % */
    ck_assert_uint_eq(vc_nodes_to_find(&c, 10000), 500); /* 5 % floor */
    ck_assert_uint_eq(vc_nodes_to_find(&c, 1523), 578); /* 50 - 12 = 38 % of 1523 */
    ck_assert_uint_eq(vc_nodes_to_find(&c, 150), 100);  /* at least 100 */
    c.percentage = 100;
    ck_assert_uint_eq(vc_nodes_to_find(&c, 10000), 10000);
}
END_TEST

/* The index of free amounts finds the nodes, in the order, and moves
 * the rotating start exactly as the linear scan does, on a 300-node
 * world (sampling on: 100 of them are wanted) with random free amounts. */
START_TEST(index_scan_equals_linear_scan)
{
    enum { NODES = 300, JOBS = 40 };
    static vc_node nodes[NODES];
    static vc_task tasks[JOBS];
    static vc_job jobs[JOBS];
    static vc_queue queue = {"q", 1, 0, true, true, {{0}}, {{0}}, "q"};
    uint32_t live[JOBS];
    vc_world w = {nodes, NODES, &queue, 1, jobs, JOBS, tasks, JOBS, live, JOBS, false, 0, NULL};
    memset(nodes, 0, sizeof nodes);
    memset(tasks, 0, sizeof tasks);
    memset(jobs, 0, sizeof jobs);
    uint64_t seed = 12345;
    for (uint32_t n = 0; n < NODES; n++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        nodes[n].alloc.v[VC_CPU] = 8000;
        nodes[n].alloc.v[VC_MEM] = 64 * GI;
        nodes[n].used.v[VC_CPU] = (double)((seed >> 33) % 9) * 1000;
        nodes[n].used.v[VC_MEM] = (double)((seed >> 45) % 65) * GI;
    }
    for (uint32_t j = 0; j < JOBS; j++) {
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        jobs[j] = (vc_job){.ntasks = 1, .first_task = j, .min_member = 1, .active = true, .phase = VC_PG_INQUEUE};
        tasks[j] = (vc_task){.job = j, .index = 0, .node = VC_NO_NODE};
        tasks[j].req.v[VC_CPU] = (double)(1 + (seed >> 40) % 8) * 1000;
        tasks[j].req.v[VC_MEM] = (double)((seed >> 50) % 48) * GI;
        live[j] = j;
    }
    vc_conf c;
    vc_conf_default(&c);
    vc_node_index index;
    ck_assert_int_eq(vc_node_index_build(&index, NODES), 0);
    w.index = &index;
    for (uint32_t n = 0; n < NODES; n++)
        vc_world_touch(&w, n);
    w.index = NULL;
    static uint32_t a[NODES], b[NODES];
    uint32_t total = 0;
    for (uint32_t j = 0; j < JOBS; j++) {
        vc_session s;
        ck_assert_int_eq(vc_session_open(&s, &w, &c, 1), 0);
        uint32_t start = w.last_node_index;
        w.index = NULL;
        uint32_t na = vc_predicate_nodes(&s, j, a);
        uint32_t after_linear = w.last_node_index;
        w.last_node_index = start;
        w.index = &index;
        uint32_t nb = vc_predicate_nodes(&s, j, b);
        ck_assert_uint_eq(na, nb);
        ck_assert_uint_eq(after_linear, w.last_node_index);
        for (uint32_t i = 0; i < na; i++)
            ck_assert_uint_eq(a[i], b[i]);
        total += na;
        if (na) { /* place it, so that later scans see a changed world */
            vc_node_add_task(&nodes[a[0]], &tasks[j]);
            vc_world_touch(&w, a[0]);
        }
        w.index = NULL;
        vc_session_close(&s);
    }
    ck_assert_uint_gt(total, 100); /* the scans found something to compare */
    vc_node_index_free(&index);
}
END_TEST

/* ---- configuration ---- */

static const char helm_conf[] = "actions: \"enqueue, allocate, backfill\"\n"
                                "tiers:\n"
                                "- plugins:\n"
                                "  - name: priority\n"
                                "  - name: gang\n"
                                "    enablePreemptable: false\n"
                                "  - name: conformance\n"
                                "- plugins:\n"
                                "  - name: overcommit\n"
                                "  - name: drf\n"
                                "    enablePreemptable: false\n"
                                "  - name: predicates\n"
                                "  - name: proportion\n"
                                "  - name: nodeorder\n"
                                "  - name: binpack\n";

START_TEST(conf_helm_chart_loads)
{
    vc_conf c;
    vc_conf_default(&c);
    hs_error err;
    ck_assert_int_eq(vc_conf_parse(&c, helm_conf, strlen(helm_conf), "volcano-scheduler.conf", stderr, &err), 0);
    ck_assert_uint_eq(c.nactions, 3);
    ck_assert_uint_eq(c.ntiers, 2);
    ck_assert_uint_eq(c.tiers[1].nplugins, 6);
    ck_assert_ptr_nonnull(vc_conf_plugin(&c, VC_PL_BINPACK));
    vc_conf_free(&c);
}
END_TEST

START_TEST(conf_arguments_and_unknowns)
{
    const char *text = "actions: \"enqueue, allocate, preempt, backfill\"\n"
                       "tiers:\n"
                       "- plugins:\n"
                       "  - name: sla\n"
                       "  - name: nodeorder\n"
                       "    arguments:\n"
                       "      leastrequested.weight: 0\n"
                       "      mostrequested.weight: 2\n"
                       "  - name: binpack\n"
                       "    arguments:\n"
                       "      binpack.weight: 10\n"
                       "      binpack.cpu: 2\n"
                       "      binpack.resources: nvidia.com/gpu\n"
                       "      binpack.resources.nvidia.com/gpu: 7\n"
                       "  - name: overcommit\n"
                       "    arguments:\n"
                       "      overcommit-factor: 0.5\n";
    vc_conf c;
    vc_conf_default(&c);
    hs_error err;
    char *notes = NULL;
    size_t nlen = 0;
    FILE *warn = open_memstream(&notes, &nlen);
    ck_assert_int_eq(vc_conf_parse(&c, text, strlen(text), "v.conf", warn, &err), 0);
    fclose(warn);
    ck_assert_str_eq(notes, "v.conf: not modelled, ignored: action preempt, plugin sla\n");
    free(notes);
    ck_assert_uint_eq(c.nactions, 3);
    ck_assert_double_eq(c.nodeorder.least, 0);
    ck_assert_double_eq(c.nodeorder.most, 2);
    ck_assert_double_eq(c.binpack.weight, 10);
    ck_assert_double_eq(c.binpack.w[VC_CPU], 2);
    ck_assert_double_eq(c.binpack.w[VC_GPU], 7);
    ck_assert_double_eq(c.overcommit_factor, 1.2); /* below 1: Volcano's default */
    vc_conf_free(&c);
}
END_TEST

static void conf_refused(const char *text, long line, const char *needle)
{
    vc_conf c;
    vc_conf_default(&c);
    hs_error err;
    ck_assert_int_eq(vc_conf_parse(&c, text, strlen(text), "bad.conf", NULL, &err), -1);
    ck_assert_str_eq(err.source, "bad.conf");
    ck_assert_int_eq(err.line, line);
    if (!strstr(err.text, needle))
        ck_abort_msg("message '%s' lacks '%s'", err.text, needle);
    vc_conf_free(&c);
}

START_TEST(conf_bad_types_name_line_and_key)
{
    conf_refused("actions: [enqueue]\n", 1, "actions");
    conf_refused("tiers:\n- plugins:\n  - name: gang\n    enableJobReady: maybe\n", 4, "enableJobReady");
    conf_refused("tiers:\n- plugins:\n  - name: nodeorder\n    arguments:\n      leastrequested.weight: x\n", 5,
                 "leastrequested.weight");
    conf_refused("tiers: 3\n", 1, "tiers");
    conf_refused("actions: \"a\n", 2, "YAML"); /* libyaml marks the end of the open string */
    conf_refused("queues:\n- name: q1\n  weight: 0\n", 3, "weight");
    conf_refused("queues:\n- name: q1\n  capability: {cpu: lots}\n", 3, "cpu");
}
END_TEST

START_TEST(conf_queues)
{
    const char *text = "queues:\n- name: research\n  weight: 3\n  capability: {cpu: \"500\", memory: 2Ti}\n"
                       "  swf-queue: 2\n- name: closed\n  state: Closed\n";
    vc_conf c;
    vc_conf_default(&c);
    hs_error err;
    ck_assert_int_eq(vc_conf_parse(&c, text, strlen(text), "q.yaml", NULL, &err), 0);
    ck_assert_uint_eq(c.nqueues, 2);
    ck_assert_uint_eq(c.queues[0].weight, 3);
    ck_assert_double_eq(c.queues[0].capability.v[VC_CPU], 500000);
    ck_assert_double_eq(c.queues[0].capability.v[VC_MEM], 2 * 1099511627776.0);
    ck_assert_int_eq(c.queues[0].swf_queue, 2);
    ck_assert(!c.queues[1].open);
    vc_conf_free(&c);
}
END_TEST

/* ---- replays through the engine ---- */

static void vjob(char *buf, size_t cap, int id, double submit, double run, int procs, double req)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%d %.0f -1 %.0f %d -1 -1 %d %.0f -1 1 1 1 -1 -1 -1 -1 -1\n", id, submit, run, procs,
             procs, req);
}

static void vreplay(const char *name, const char *swf, uint32_t nodes, uint32_t cores, tl_result *r)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "volcano";
    cfg.nodes = nodes;
    cfg.cores_per_node = cores;
    ck_assert_int_eq(hs_run_config_add_opt(&cfg, "ties", "lowest"), 0);
    tl_replay(name, swf, &cfg, r);
}

/* 2 nodes x 8 cores. J1 (8 cores) runs 0-100. J2 (16 cores: a gang of
 * two 8-core pods) cannot start while J1 runs: overcommit keeps it
 * Pending (1.2 x 16 - 8 = 11.2 cores < 16), so it holds nothing, and J3
 * (4 cores, at 2 s) starts at once on the free node. J2 starts whole when
 * J1 and J3 have ended. */
START_TEST(replay_gang_waits_whole_and_holds_nothing)
{
    char swf[1024] = "";
    vjob(swf, sizeof swf, 1, 0, 100, 8, 200);
    vjob(swf, sizeof swf, 2, 1, 50, 16, 200);
    vjob(swf, sizeof swf, 3, 2, 10, 4, 200);
    tl_result r;
    vreplay("vc_gang", swf, 2, 8, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[2], 2);
    ck_assert_str_eq(r.alloc[2], "1");
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_str_eq(r.alloc[1], "0-1");
}
END_TEST

/* Sessions run at whole multiples of schedule-period: a job submitted
 * at 0.5 s starts at 1 s, not at once. */
START_TEST(replay_sessions_are_periodic)
{
    char swf[1024] = "";
    vjob(swf, sizeof swf, 1, 0, 10, 4, 20);
    size_t n = strlen(swf);
    snprintf(swf + n, sizeof swf - n, "2 0.5 -1 10 4 -1 -1 4 20 -1 1 1 1 -1 -1 -1 -1 -1\n");
    tl_result r;
    vreplay("vc_period", swf, 1, 8, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[1], 1);
}
END_TEST

/* Pods share nodes: two 4-core jobs on one 8-core node at once. */
START_TEST(replay_pods_share_a_node)
{
    char swf[1024] = "";
    vjob(swf, sizeof swf, 1, 0, 10, 4, 20);
    vjob(swf, sizeof swf, 2, 0, 10, 4, 20);
    vjob(swf, sizeof swf, 3, 0, 10, 4, 20);
    tl_result r;
    vreplay("vc_share", swf, 1, 8, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[1], 0);
    ck_assert_double_eq(r.start[2], 10);
    ck_assert_str_eq(r.alloc[0], "0");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("volcano");
    TCase *t = tcase_create("session");
    tcase_add_test(t, allocate_one_job_two_pods_one_node);
    tcase_add_test(t, allocate_two_jobs_one_node);
    tcase_add_test(t, allocate_high_priority_queue_does_not_block);
    tcase_add_test(t, allocate_prepredicate_failed_continues_to_min_member);
    tcase_add_test(t, allocate_master_min_member_unmet_breaks);
    tcase_add_test(t, fair_share_low_drf_share_queue_first);
    tcase_add_test(t, proportion_cpu_only_request_ignores_memory);
    tcase_add_test(t, proportion_memory_only_request);
    tcase_add_test(t, proportion_enqueue_refuses_beyond_capability);
    tcase_add_test(t, proportion_allocatable_refuses_beyond_deserved);
    tcase_add_test(t, proportion_closed_queue);
    tcase_add_test(t, backfill_best_effort_by_priority);
    tcase_add_test(t, overcommit_gate);
    tcase_add_test(t, binpack_scores);
    tcase_add_test(t, nodeorder_least_and_most_allocated);
    tcase_add_test(t, nodes_to_find);
    tcase_add_test(t, index_scan_equals_linear_scan);
    suite_add_tcase(s, t);
    TCase *c = tcase_create("conf");
    tcase_add_test(c, conf_helm_chart_loads);
    tcase_add_test(c, conf_arguments_and_unknowns);
    tcase_add_test(c, conf_bad_types_name_line_and_key);
    tcase_add_test(c, conf_queues);
    suite_add_tcase(s, c);
    TCase *r = tcase_create("replay");
    tcase_add_test(r, replay_gang_waits_whole_and_holds_nothing);
    tcase_add_test(r, replay_sessions_are_periodic);
    tcase_add_test(r, replay_pods_share_a_node);
    suite_add_tcase(s, r);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
