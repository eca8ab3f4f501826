/* Opening and closing a session, and the plugins' per-session state and
 * hooks (session.h). Each hook follows docs/volcano.md, which says which
 * Volcano function it models; the tiers decide which plugins speak. */
#include "session.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- job and task counts ---- */

/* Each role with a minimum has that many tasks placed (or pipelined when
 * `pipelined`). */
static bool roles_ready(const vc_job *j, bool pipelined)
{
    for (int r = 1; r <= VC_MAX_ROLES; r++)
        if (j->role_placed[r] + (pipelined ? j->role_pipelined[r] : 0) < j->role_min[r])
            return false;
    return true;
}

static bool enabled(const vc_session *s, enum vc_plugin p) { return s->pl[p] != NULL; }

bool vc_job_ready(const vc_session *s, uint32_t job)
{
    if (!enabled(s, VC_PL_GANG) || !s->pl[VC_PL_GANG]->job_ready)
        return true; /* no plugin objects: ready */
    const vc_job *j = &s->w->jobs[job];
    return roles_ready(j, false) && j->nready >= j->min_member;
}

/* A vote: gang permits a pipelined job and rejects the others; with no
 * voter the answer is yes. */
bool vc_job_pipelined(const vc_session *s, uint32_t job)
{
    if (!enabled(s, VC_PL_GANG) || !s->pl[VC_PL_GANG]->job_pipelined)
        return true;
    const vc_job *j = &s->w->jobs[job];
    return roles_ready(j, true) && j->nready + j->npipelined >= j->min_member;
}

/* gang: enough tasks, in total and per role, to ever be ready (every
 * task of a live job counts: a replay has no failed pods). */
bool vc_job_valid(const vc_session *s, uint32_t job)
{
    if (!enabled(s, VC_PL_GANG))
        return true;
    const vc_job *j = &s->w->jobs[job];
    uint32_t per_role[VC_MAX_ROLES + 1] = {0};
    for (uint32_t i = 0; i < j->ntasks; i++)
        per_role[s->w->tasks[j->first_task + i].role]++;
    if (j->ntasks < j->min_member)
        return false;
    for (int r = 1; r <= VC_MAX_ROLES; r++)
        if (per_role[r] < j->role_min[r])
            return false;
    return true;
}

/* ---- orders ---- */

static double dominant_share(const vc_res *alloc, const vc_res *total)
{
    double share = 0;
    for (int r = 0; r < VC_NRES; r++)
        if (total->v[r] > 0 && alloc->v[r] / total->v[r] > share)
            share = alloc->v[r] / total->v[r];
    return share;
}


static int cmp_double(double a, double b) { return a < b ? -1 : a > b; }

static int cmp_uid(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }

int vc_queue_order(const vc_session *s, uint32_t a, uint32_t b)
{
    const vc_queue *qa = &s->w->queues[a], *qb = &s->w->queues[b];
    for (unsigned t = 0; t < s->conf->ntiers; t++)
        for (unsigned k = 0; k < s->conf->tiers[t].nplugins; k++) {
            const vc_plugin_conf *p = &s->conf->tiers[t].plugins[k];
            if (!p->queue_order)
                continue;
            int c = 0;
            if (p->id == VC_PL_PROPORTION) {
                if (qa->priority != qb->priority)
                    return qa->priority > qb->priority ? -1 : 1;
                c = cmp_double(s->q[a].share, s->q[b].share);
            } else if (p->id == VC_PL_DRF && p->hierarchy) {
                /* a flat hierarchy: each queue's dominant share of the cluster */
                c = cmp_double(dominant_share(&s->q[a].allocated, &s->total),
                               dominant_share(&s->q[b].allocated, &s->total));
            }
            if (c)
                return c;
        }
    return cmp_uid(qa->uid ? qa->uid : qa->name, qb->uid ? qb->uid : qb->name);
}

int vc_job_order(const vc_session *s, uint32_t a, uint32_t b)
{
    const vc_job *ja = &s->w->jobs[a], *jb = &s->w->jobs[b];
    for (unsigned t = 0; t < s->conf->ntiers; t++)
        for (unsigned k = 0; k < s->conf->tiers[t].nplugins; k++) {
            const vc_plugin_conf *p = &s->conf->tiers[t].plugins[k];
            if (!p->job_order)
                continue;
            int c = 0;
            if (p->id == VC_PL_PRIORITY) {
                if (ja->priority != jb->priority)
                    c = ja->priority > jb->priority ? -1 : 1;
            } else if (p->id == VC_PL_GANG) {
                bool ra = vc_job_ready(s, a), rb = vc_job_ready(s, b);
                if (ra != rb)
                    c = ra ? 1 : -1; /* the job not yet ready goes first */
            } else if (p->id == VC_PL_DRF) {
                c = cmp_double(s->job_share[ja->slot], s->job_share[jb->slot]);
            }
            if (c)
                return c;
        }
    int c = cmp_double(ja->created, jb->created);
    if (c || (!ja->uid && !jb->uid)) /* a replay's jobs have no uid: their trace order */
        return c ? c : (a < b ? -1 : a > b);
    return cmp_uid(ja->uid, jb->uid);
}

int vc_task_order(const vc_session *s, uint32_t a, uint32_t b)
{
    const vc_task *ta = &s->w->tasks[a], *tb = &s->w->tasks[b];
    for (unsigned t = 0; t < s->conf->ntiers; t++)
        for (unsigned k = 0; k < s->conf->tiers[t].nplugins; k++) {
            const vc_plugin_conf *p = &s->conf->tiers[t].plugins[k];
            if (p->id == VC_PL_PRIORITY && p->task_order && ta->priority != tb->priority)
                return ta->priority > tb->priority ? -1 : 1;
        }
    if (ta->index >= 0 && tb->index >= 0 && ta->index != tb->index)
        return ta->index < tb->index ? -1 : 1;
    return cmp_uid(ta->uid, tb->uid);
}

/* ---- drf and proportion ---- */

static double queue_share(const vc_queue_attr *a)
{
    double share = 0;
    for (int r = 0; r < VC_NRES; r++) {
        double v = a->deserved.v[r] > 0 ? a->allocated.v[r] / a->deserved.v[r] : (a->allocated.v[r] > 0 ? 1 : 0);
        if (v > share)
            share = v;
    }
    return share;
}

/* Resources beyond the job's minResources that it holds. */
static void elastic_of(const vc_job *j, vc_res *out)
{
    *out = j->allocated;
    if (j->has_min_res)
        vc_res_sub(out, &j->min_res);
}

/* deserved by water-filling (docs/volcano.md "Proportion"). */
static void proportion_open(vc_session *s)
{
    vc_world *w = s->w;
    vc_res total_guarantee = {{0}};
    for (uint32_t q = 0; q < w->nqueues; q++)
        vc_res_add(&total_guarantee, &w->queues[q].guarantee);
    for (uint32_t k = 0; k < w->nlive; k++) {
        const vc_job *j = &w->jobs[w->live[k]];
        if (j->queue >= w->nqueues)
            continue;
        vc_queue_attr *a = &s->q[j->queue];
        a->present = true;
        for (uint32_t i = 0; i < j->ntasks; i++) {
            const vc_task *t = &w->tasks[j->first_task + i];
            if (vc_task_allocated_status(t->status)) {
                vc_res_add(&a->allocated, &t->req);
                vc_res_add(&a->request, &t->req);
            } else if (t->status == VC_TASK_PENDING) {
                vc_res_add(&a->request, &t->req);
            }
        }
        if (j->phase == VC_PG_INQUEUE && j->has_min_res)
            vc_res_add(&a->inqueue, &j->min_res);
        if (j->phase == VC_PG_RUNNING && j->has_min_res) {
            uint32_t placed = 0;
            for (uint32_t i = 0; i < j->ntasks; i++)
                placed += vc_task_allocated_status(w->tasks[j->first_task + i].status);
            if (placed >= j->min_member) {
                vc_res rest = j->min_res;
                vc_res_sub(&rest, &j->allocated);
                vc_res_add(&a->inqueue, &rest);
            }
        }
        vc_res el;
        elastic_of(j, &el);
        vc_res_add(&a->elastic, &el);
    }
    for (uint32_t q = 0; q < w->nqueues; q++) {
        vc_queue_attr *a = &s->q[q];
        const vc_queue *qq = &w->queues[q];
        for (int r = 0; r < VC_NRES; r++) {
            double cap = s->total.v[r] - total_guarantee.v[r];
            if (cap < 0)
                cap = 0;
            cap += qq->guarantee.v[r];
            if (qq->capability.v[r] > 0 && qq->capability.v[r] < cap)
                cap = qq->capability.v[r];
            a->real_cap.v[r] = cap;
        }
    }
    vc_res remaining = s->total;
    bool *met = calloc(w->nqueues ? w->nqueues : 1, sizeof *met);
    if (!met) {
        s->oom = 1;
        return;
    }
    for (;;) {
        double weights = 0;
        for (uint32_t q = 0; q < w->nqueues; q++)
            if (s->q[q].present && !met[q])
                weights += w->queues[q].weight;
        if (weights == 0)
            break;
        vc_res old_remaining = remaining, increased = {{0}}, decreased = {{0}};
        for (uint32_t q = 0; q < w->nqueues; q++) {
            vc_queue_attr *a = &s->q[q];
            if (!a->present || met[q])
                continue;
            vc_res old = a->deserved;
            for (int r = 0; r < VC_NRES; r++) {
                double d = a->deserved.v[r] + remaining.v[r] * w->queues[q].weight / weights;
                if (d > a->real_cap.v[r])
                    d = a->real_cap.v[r];
                if (d > a->request.v[r])
                    d = a->request.v[r];
                if (d < w->queues[q].guarantee.v[r])
                    d = w->queues[q].guarantee.v[r];
                a->deserved.v[r] = d;
            }
            if (vc_res_le(&a->request, &a->deserved) || vc_res_equal(&a->deserved, &old))
                met[q] = true;
            for (int r = 0; r < VC_NRES; r++) {
                if (a->deserved.v[r] > old.v[r])
                    increased.v[r] += a->deserved.v[r] - old.v[r];
                else
                    decreased.v[r] += old.v[r] - a->deserved.v[r];
            }
        }
        for (int r = 0; r < VC_NRES; r++) {
            remaining.v[r] = remaining.v[r] - increased.v[r] + decreased.v[r];
            if (remaining.v[r] < 0)
                remaining.v[r] = 0;
        }
        if (vc_res_is_zero(&remaining) || vc_res_equal(&remaining, &old_remaining))
            break;
    }
    free(met);
    for (uint32_t q = 0; q < w->nqueues; q++)
        s->q[q].share = queue_share(&s->q[q]);
}

bool vc_queue_overused(const vc_session *s, uint32_t q)
{
    if (!enabled(s, VC_PL_PROPORTION) || !s->pl[VC_PL_PROPORTION]->overused)
        return false;
    return vc_res_le(&s->q[q].deserved, &s->q[q].allocated);
}

bool vc_queue_allocatable(const vc_session *s, uint32_t q, uint32_t task)
{
    if (!enabled(s, VC_PL_PROPORTION) || !s->pl[VC_PL_PROPORTION]->allocatable)
        return true;
    const vc_task *t = &s->w->tasks[task];
    vc_res future = s->q[q].allocated;
    vc_res_add(&future, &t->req);
    return vc_res_le_dims(&future, &s->q[q].deserved, &t->req);
}

/* ---- enqueue votes ---- */

/* 1 permit, -1 reject, 0 abstain. */
static int overcommit_vote(const vc_session *s, const vc_job *j)
{
    if (!j->has_min_res)
        return 1;
    vc_res need = s->oc_inqueue;
    vc_res_add(&need, &j->min_res);
    return vc_res_le_dims(&need, &s->oc_idle, &j->min_res) ? 1 : -1;
}

static int proportion_vote(const vc_session *s, const vc_job *j)
{
    const vc_queue *q = &s->w->queues[j->queue];
    if (!q->open)
        return -1;
    bool capped = false;
    for (int r = 0; r < VC_NRES; r++)
        capped |= q->capability.v[r] > 0;
    if (!capped || !j->has_min_res)
        return 1;
    const vc_queue_attr *a = &s->q[j->queue];
    vc_res need = j->min_res;
    vc_res_add(&need, &a->allocated);
    vc_res_add(&need, &a->inqueue);
    vc_res_sub(&need, &a->elastic);
    return vc_res_le_dims(&need, &a->real_cap, &j->min_res) ? 1 : -1;
}

bool vc_job_enqueueable(const vc_session *s, uint32_t job)
{
    const vc_job *j = &s->w->jobs[job];
    for (unsigned t = 0; t < s->conf->ntiers; t++) {
        bool permit = false;
        for (unsigned k = 0; k < s->conf->tiers[t].nplugins; k++) {
            const vc_plugin_conf *p = &s->conf->tiers[t].plugins[k];
            if (!p->job_enqueued)
                continue;
            int v = p->id == VC_PL_OVERCOMMIT ? overcommit_vote(s, j)
                    : p->id == VC_PL_PROPORTION ? proportion_vote(s, j)
                                                 : 0;
            if (v < 0)
                return false;
            permit |= v > 0;
        }
        if (permit)
            return true;
    }
    return true;
}

void vc_job_enqueued(vc_session *s, uint32_t job)
{
    vc_job *j = &s->w->jobs[job];
    if (j->has_min_res) {
        vc_res_add(&s->oc_inqueue, &j->min_res);
        vc_res_add(&s->q[j->queue].inqueue, &j->min_res);
    }
    j->phase = VC_PG_INQUEUE;
    s->enqueued++;
}

static void overcommit_open(vc_session *s)
{
    vc_res used = {{0}};
    for (uint32_t n = 0; n < s->w->nnodes; n++)
        vc_res_add(&used, &s->w->nodes[n].used);
    for (int r = 0; r < VC_NRES; r++)
        s->oc_idle.v[r] = s->total.v[r] * s->conf->overcommit_factor - used.v[r];
    for (uint32_t k = 0; k < s->w->nlive; k++) {
        const vc_job *j = &s->w->jobs[s->w->live[k]];
        if (!j->has_min_res)
            continue;
        if (j->phase == VC_PG_INQUEUE) {
            vc_res_add(&s->oc_inqueue, &j->min_res);
        } else if (j->phase == VC_PG_RUNNING) {
            uint32_t placed = 0;
            for (uint32_t i = 0; i < j->ntasks; i++)
                placed += vc_task_allocated_status(s->w->tasks[j->first_task + i].status);
            if (placed >= j->min_member) {
                vc_res rest = j->min_res;
                vc_res_sub(&rest, &j->allocated);
                vc_res_add(&s->oc_inqueue, &rest);
            }
        }
    }
}

/* ---- predicates ---- */

bool vc_predicate(const vc_session *s, uint32_t task, uint32_t node)
{
    const vc_task *t = &s->w->tasks[task];
    const vc_node *n = &s->w->nodes[node];
    vc_res fi;
    vc_node_future_idle(n, &fi);
    if (!vc_res_le_dims(&t->req, &fi, &t->req))
        return false;
    if (enabled(s, VC_PL_PREDICATES) && s->pl[VC_PL_PREDICATES]->predicate) {
        if (n->max_tasks && n->ntasks >= n->max_tasks)
            return false;
        if (t->selector && t->selector != n->label)
            return false;
    }
    return true;
}

/* ---- placement events ---- */

static void account(vc_session *s, const vc_task *t, bool add)
{
    vc_job *j = &s->w->jobs[t->job];
    vc_queue_attr *a = &s->q[j->queue];
    if (add) {
        vc_res_add(&j->allocated, &t->req);
        vc_res_add(&a->allocated, &t->req);
    } else {
        vc_res_sub(&j->allocated, &t->req);
        vc_res_sub(&a->allocated, &t->req);
    }
    s->job_share[j->slot] = dominant_share(&j->allocated, &s->total);
    a->share = queue_share(a);
}

void vc_session_place(vc_session *s, uint32_t task, uint32_t node, bool pipeline)
{
    vc_task *t = &s->w->tasks[task];
    vc_node *n = &s->w->nodes[node];
    t->node = node;
    if (pipeline) {
        vc_task_set_status(s->w, t, VC_TASK_PIPELINED);
        s->npipelined++;
        vc_res_add(&n->pipelined, &t->req);
        vc_world_touch(s->w, node);
        return; /* pipelined tasks hold no allocation yet */
    }
    vc_task_set_status(s->w, t, VC_TASK_ALLOCATED);
    vc_node_add_task(n, t);
    vc_world_touch(s->w, node);
    account(s, t, true);
}

void vc_session_unplace(vc_session *s, uint32_t task)
{
    vc_task *t = &s->w->tasks[task];
    vc_node *n = &s->w->nodes[t->node];
    if (t->status == VC_TASK_PIPELINED) {
        vc_res_sub(&n->pipelined, &t->req);
        s->npipelined--;
    } else {
        vc_node_remove_task(n, t);
        account(s, t, false);
    }
    vc_world_touch(s->w, t->node);
    vc_task_set_status(s->w, t, VC_TASK_PENDING);
    t->node = VC_NO_NODE;
}

int vc_session_bind(vc_session *s, uint32_t task)
{
    vc_task_set_status(s->w, &s->w->tasks[task], VC_TASK_RUNNING);
    if (s->nbinds == s->capbinds) {
        uint32_t cap = s->capbinds ? 2 * s->capbinds : 64;
        uint32_t *b = realloc(s->binds, cap * sizeof *b);
        if (!b)
            return s->oom = -1;
        s->binds = b;
        s->capbinds = cap;
    }
    s->binds[s->nbinds++] = task;
    return 0;
}

/* ---- open, run, close ---- */

int vc_session_open(vc_session *s, vc_world *w, const vc_conf *conf, uint64_t rng_seed)
{
    memset(s, 0, sizeof *s);
    s->w = w;
    s->conf = conf;
    s->rng = rng_seed;
    for (int p = 0; p < VC_NPLUGINS; p++)
        s->pl[p] = vc_conf_plugin(conf, (enum vc_plugin)p);
    s->q = calloc(w->nqueues ? w->nqueues : 1, sizeof *s->q);
    s->job_share = calloc(w->nlive ? w->nlive : 1, sizeof *s->job_share);
    s->scores = malloc((w->nnodes ? w->nnodes : 1) * sizeof *s->scores);
    if (!s->q || !s->job_share || !s->scores) {
        free(s->q);
        free(s->job_share);
        free(s->scores);
        return -1;
    }
    for (uint32_t n = 0; n < w->nnodes; n++)
        vc_res_add(&s->total, &w->nodes[n].alloc);
    for (uint32_t k = 0; k < w->nlive; k++) {
        vc_job *j = &w->jobs[w->live[k]];
        j->slot = k;
        s->job_share[k] = dominant_share(&j->allocated, &s->total);
    }
    proportion_open(s);
    overcommit_open(s);
    return s->oom ? -1 : 0;
}

void vc_session_close(vc_session *s)
{
    vc_world *w = s->w;
    /* Tasks left pipelined hold nothing past the session: the next one
     * places them again (they were never bound). */
    for (uint32_t k = 0; k < w->nlive; k++) {
        const vc_job *j = &w->jobs[w->live[k]];
        for (uint32_t i = j->first_task; i < j->first_task + j->ntasks; i++) {
            vc_task *t = &w->tasks[i];
            if (t->status != VC_TASK_PIPELINED && t->status != VC_TASK_ALLOCATED)
                continue;
            if (t->status == VC_TASK_PIPELINED)
                vc_res_sub(&w->nodes[t->node].pipelined, &t->req);
            else {
                vc_node_remove_task(&w->nodes[t->node], t);
                vc_res_sub(&w->jobs[t->job].allocated, &t->req);
            }
            vc_world_touch(w, t->node);
            vc_task_set_status(w, t, VC_TASK_PENDING);
            t->node = VC_NO_NODE;
        }
    }
    for (uint32_t k = 0; k < w->nlive; k++) {
        vc_job *j = &w->jobs[w->live[k]];
        uint32_t scheduled = 0, done = 0;
        for (uint32_t i = 0; i < j->ntasks; i++) {
            uint8_t st = w->tasks[j->first_task + i].status;
            scheduled += st == VC_TASK_RUNNING || st == VC_TASK_SUCCEEDED;
            done += st == VC_TASK_SUCCEEDED;
        }
        if (scheduled >= j->min_member)
            j->phase = done == j->ntasks && done > 0 ? VC_PG_COMPLETED : VC_PG_RUNNING;
        else if (j->phase != VC_PG_INQUEUE)
            j->phase = VC_PG_PENDING;
    }
    free(s->q);
    free(s->job_share);
    free(s->binds);
    free(s->scores);
    s->scores = NULL;
    s->q = NULL;
    s->job_share = NULL;
    s->binds = NULL;
}
