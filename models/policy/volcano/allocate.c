/* The allocate action (docs/volcano.md "Allocate"): queues in queue
 * order, one job of the popped queue at a time, its pending tasks in task
 * order, each on the best feasible node; the job's placements are
 * committed when the gang is ready, kept uncommitted when it is
 * pipelined, and rolled back otherwise. A job that became ready with
 * tasks left is pushed back so that its other tasks compete again. */
#include <math.h>
#include <stdlib.h>

#include "nodeindex.h"
#include "queue_jobs.h"

typedef struct alloc_ctx {
    vc_session *s;
    vc_pqueue *jobs;   /* per queue (vc_queue_jobs) */
    vc_pqueue *tasks;  /* per job (by slot), built on its first visit */
    bool *built;       /* by slot */
    uint8_t *failed_roles; /* by slot: roles whose task found no node this session */
    uint32_t *nodes, *idle, *future; /* scratch, one slot per node */
    uint32_t *placed;
    uint32_t nplaced;
} alloc_ctx;

/* Whether a task that found no node ends the job's attempt
 * (NeedContinueAllocating, docs/volcano.md "Allocate"). */
static bool need_continue(const alloc_ctx *c, uint32_t job)
{
    const vc_world *w = c->s->w;
    const vc_job *j = &w->jobs[job];
    if (j->min_member == j->ntasks)
        return false;
    uint32_t role_sum = 0;
    for (int r = 1; r <= VC_MAX_ROLES; r++)
        role_sum += j->role_min[r];
    uint8_t failed = c->failed_roles[w->jobs[job].slot];
    if (j->min_member < role_sum) {
        uint32_t could = 0;
        for (uint32_t i = 0; i < j->ntasks; i++) {
            const vc_task *t = &w->tasks[j->first_task + i];
            if (vc_task_allocated_status(t->status) || t->status == VC_TASK_SUCCEEDED)
                could++;
            else if (t->status == VC_TASK_PENDING && !(failed & (1u << t->role)))
                could++;
        }
        return could >= j->min_member;
    }
    for (unsigned r = 1; r <= VC_MAX_ROLES; r++)
        if ((failed & (1u << r)) && j->role_placed[r] < j->role_min[r])
            return false;
    return true;
}

static int build_tasks(alloc_ctx *c, uint32_t job)
{
    vc_session *s = c->s;
    const vc_job *j = &s->w->jobs[job];
    vc_pqueue *q = &c->tasks[j->slot];
    vc_pq_init(q, vc_task_order, s);
    c->built[j->slot] = true;
    for (uint32_t i = 0; i < j->ntasks; i++) {
        const vc_task *t = &s->w->tasks[j->first_task + i];
        if (t->status == VC_TASK_PENDING && !vc_task_best_effort(t) &&
            vc_pq_push(q, j->first_task + i) < 0)
            return -1;
    }
    return 0;
}

/* Whether the gang's attempt must fail: even its smallest pending task,
 * packed into every node's FutureIdle, fits fewer times than the gang
 * still needs. Every placement only takes room, so the attempt would be
 * rolled back; skipping it saves placing (and scoring) up to all its
 * tasks. Its only other effects would be on where the next node scan
 * starts and on random tie draws (docs/volcano.md "Doomed gangs"). */
static bool doomed(const alloc_ctx *c, uint32_t job)
{
    const vc_session *s = c->s;
    const vc_world *w = s->w;
    const vc_job *j = &w->jobs[job];
    if (!s->conf->skip_doomed_gangs || !w->index || !s->pl[VC_PL_GANG] || !s->pl[VC_PL_GANG]->job_ready ||
        j->nready >= j->min_member)
        return false;
    vc_res least;
    bool any = false;
    for (uint32_t i = 0; i < j->ntasks; i++) {
        const vc_task *t = &w->tasks[j->first_task + i];
        if (t->role)
            return false; /* roles have their own minimums: attempt them */
        if (t->status != VC_TASK_PENDING || vc_task_best_effort(t))
            continue;
        if (!any)
            least = t->req;
        for (int r = 0; r < VC_NRES; r++)
            if (t->req.v[r] < least.v[r])
                least.v[r] = t->req.v[r];
        any = true;
    }
    if (!any)
        return false;
    uint64_t need = j->min_member - j->nready, fit = 0;
    for (uint32_t n = vc_node_index_next(w->index, &least, 0, w->nnodes); n < w->nnodes && fit < need;
         n = vc_node_index_next(w->index, &least, n + 1, w->nnodes)) {
        vc_res fi;
        vc_node_future_idle(&w->nodes[n], &fi);
        uint64_t k = UINT64_MAX;
        for (int r = 0; r < VC_NRES; r++)
            if (least.v[r] > 0) {
                double m = floor((fi.v[r] + VC_MIN_RESOURCE) / least.v[r]);
                uint64_t mk = m > 0 ? (uint64_t)m : 0;
                if (mk < k)
                    k = mk;
            }
        fit += k == UINT64_MAX ? need : k;
    }
    return fit < need;
}

static int allocate_job(alloc_ctx *c, uint32_t q, uint32_t job)
{
    vc_session *s = c->s;
    vc_world *w = s->w;
    vc_pqueue *tasks = &c->tasks[w->jobs[job].slot];
    c->nplaced = 0;
    if (doomed(c, job))
        return 0;
    while (!vc_pq_empty(tasks)) {
        uint32_t ti = vc_pq_pop(tasks);
        vc_task *t = &w->tasks[ti];
        if (!vc_queue_allocatable(s, q, ti))
            continue;
        if (t->role && (c->failed_roles[w->jobs[job].slot] & (1u << t->role)))
            continue; /* the role's error is cached for the session */
        uint32_t n = vc_predicate_nodes(s, ti, c->nodes);
        if (n == 0) {
            if (t->role)
                c->failed_roles[w->jobs[job].slot] |= (uint8_t)(1u << t->role);
            if (need_continue(c, job))
                continue;
            break;
        }
        bool pipeline = false;
        uint32_t best;
        if (!s->npipelined && !w->releasing) { /* FutureIdle is Idle on every node: one gradient */
            best = vc_select_best(s, ti, c->nodes, n);
        } else {
            uint32_t nidle = 0, nfuture = 0;
            for (uint32_t i = 0; i < n; i++) {
                vc_res idle;
                vc_node_idle(&w->nodes[c->nodes[i]], &idle);
                if (vc_res_le_dims(&t->req, &idle, &t->req))
                    c->idle[nidle++] = c->nodes[i];
                else
                    c->future[nfuture++] = c->nodes[i];
            }
            pipeline = nidle == 0;
            best = pipeline ? vc_select_best(s, ti, c->future, nfuture) : vc_select_best(s, ti, c->idle, nidle);
        }
        vc_session_place(s, ti, best, pipeline);
        c->placed[c->nplaced++] = ti;
        if (vc_job_ready(s, job) && !vc_pq_empty(tasks)) {
            if (vc_pq_push(&c->jobs[q], job) < 0)
                return -1;
            break;
        }
    }
    if (vc_job_ready(s, job)) {
        for (uint32_t i = 0; i < c->nplaced; i++)
            if (w->tasks[c->placed[i]].status == VC_TASK_ALLOCATED && vc_session_bind(s, c->placed[i]) < 0)
                return -1;
    } else if (!vc_job_pipelined(s, job)) {
        for (uint32_t i = c->nplaced; i-- > 0;)
            vc_session_unplace(s, c->placed[i]);
    }
    return 0;
}

/* Jobs past Pending (when enqueue runs) whose gang could ever be ready. */
static bool allocatable_job(const vc_session *s, uint32_t job)
{
    if (s->w->jobs[job].phase == VC_PG_PENDING && vc_conf_has_action(s->conf, VC_ACT_ENQUEUE))
        return false;
    return vc_job_valid(s, job);
}

void vc_allocate(vc_session *s)
{
    vc_world *w = s->w;
    vc_queue_jobs qj = {0};
    alloc_ctx c = {.s = s};
    size_t nj = w->nlive ? w->nlive : 1, nn = w->nnodes ? w->nnodes : 1, nt = 1;
    for (uint32_t k = 0; k < w->nlive; k++)
        if (w->jobs[w->live[k]].ntasks > nt)
            nt = w->jobs[w->live[k]].ntasks;
    c.tasks = calloc(nj, sizeof *c.tasks);
    c.built = calloc(nj, sizeof *c.built);
    c.failed_roles = calloc(nj, 1);
    c.nodes = malloc(nn * sizeof *c.nodes);
    c.idle = malloc(nn * sizeof *c.idle);
    c.future = malloc(nn * sizeof *c.future);
    c.placed = malloc(nt * sizeof *c.placed);
    if (!c.tasks || !c.built || !c.failed_roles || !c.nodes || !c.idle || !c.future || !c.placed)
        s->oom = 1;
    else if (vc_queue_jobs_build(&qj, s, allocatable_job) == 0)
        c.jobs = qj.jobs;
    while (!s->oom && !vc_pq_empty(&qj.queues)) {
        uint32_t q = vc_pq_pop(&qj.queues);
        if (vc_queue_overused(s, q) || vc_pq_empty(&qj.jobs[q]))
            continue;
        uint32_t j = vc_pq_pop(&qj.jobs[q]);
        if ((!c.built[w->jobs[j].slot] && build_tasks(&c, j) < 0) || allocate_job(&c, q, j) < 0 ||
            vc_pq_push(&qj.queues, q) < 0)
            s->oom = 1;
    }
    vc_queue_jobs_free(&qj, w);
    for (uint32_t k = 0; c.built && c.tasks && k < w->nlive; k++)
        if (c.built[k])
            vc_pq_free(&c.tasks[k]);
    free(c.tasks);
    free(c.built);
    free(c.failed_roles);
    free(c.nodes);
    free(c.idle);
    free(c.future);
    free(c.placed);
}
