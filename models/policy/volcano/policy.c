/* Volcano on the policy seam (hpcsim/policy.h); docs/volcano.md says
 * what it follows.
 *
 * Every trace job is a PodGroup of job->tasks pods (minMember = all of
 * them: SWF jobs are rigid), in the queue its SWF queue number maps to
 * (else "default"). Arrivals and ends only update the world; a session
 * runs at multiples of schedule-period, as Volcano's periodic loop does.
 * A session runs when something happened since the last one, or when the
 * last one changed something (an enqueue or a bind), since the next may
 * then do more; the others are skipped: with deterministic ties and no
 * node sampling they would repeat the last one's answer exactly, which
 * tests/test_volcano_cli.sh checks (idle-sessions=run runs them all).
 * A job starts in the engine when all its pods are bound, on their
 * nodes; binding takes no time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler_conf.h"
#include "nodeindex.h"
#include "hpcsim/engine.h"
#include "hpcsim/policy.h"
#include "session.h"

typedef struct volcano {
    hs_engine *eng;
    const vc_conf *conf;
    vc_world w;
    vc_queue *queues;
    bool *started;      /* per job: handed to the engine */
    uint32_t *nodes;    /* scratch: a job's task nodes */
    double next_session; /* INFINITY: none asked for */
    unsigned long long seed;
    bool dirty;         /* an arrival or end since the last session */
    bool changed;       /* the last session enqueued or bound something */
    bool mem_scheduled; /* every node describes its memory */
    uint32_t dead;      /* ended jobs still in live */
    vc_node_index index;
} volcano;

#define BYTES_PER_MB 1048576.0

static int vc_configure(const hs_policy_args *args, void **config, hs_error *err)
{
    vc_conf *c = malloc(sizeof *c);
    if (!c)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (vc_conf_read(c, args, err) < 0) {
        vc_conf_free(c);
        free(c);
        return -1;
    }
    *config = c;
    return 0;
}

static void vc_unconfigure(void *config)
{
    if (!config)
        return;
    vc_conf_free(config);
    free(config);
}

static uint32_t queue_of(const vc_conf *c, const hs_job *job)
{
    long q = (long)job->swf.f[HS_SWF_QUEUE];
    for (unsigned i = 0; q >= 0 && i < c->nqueues; i++)
        if (c->queues[i].swf_queue == q)
            return i;
    return 0; /* "default" */
}

static void task_request(const volcano *v, const hs_job *job, uint32_t i, vc_res *r)
{
    memset(r, 0, sizeof *r);
    r->v[VC_CPU] = (double)hs_job_task_share(job->cpu_milli, job->tasks, i);
    if (v->mem_scheduled)
        r->v[VC_MEM] = (double)hs_job_task_share(job->mem_mb, job->tasks, i) * BYTES_PER_MB;
    r->v[VC_GPU] = (double)hs_job_task_share(job->gpu_milli, job->tasks, i);
}

static void vc_destroy(void *state)
{
    volcano *v = state;
    if (!v)
        return;
    vc_node_index_free(&v->index);
    free(v->w.nodes);
    free(v->w.jobs);
    free(v->w.tasks);
    free(v->w.live);
    free(v->queues);
    free(v->started);
    free(v->nodes);
    free(v);
}

static int vc_create(hs_engine *eng, void **state, hs_error *err)
{
    volcano *v = calloc(1, sizeof *v);
    if (!v)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    *state = v;
    v->eng = eng;
    v->conf = hs_engine_policy_config(eng);
    v->next_session = INFINITY;
    hs_cluster *c = hs_engine_cluster(eng);
    hs_trace *t = hs_engine_trace(eng);
    v->mem_scheduled = true;
    for (uint32_t g = 0; g < c->ngroups; g++)
        v->mem_scheduled &= c->groups[g].memory_mb > 0;
    uint64_t ntasks = 0;
    uint32_t maxtasks = 1;
    for (uint32_t i = 0; i < t->njobs; i++) {
        ntasks += t->jobs[i].tasks;
        if (t->jobs[i].tasks > maxtasks)
            maxtasks = t->jobs[i].tasks;
    }
    if (ntasks > UINT32_MAX)
        return hs_error_set(err, t->path, 0, 0, "volcano: more than 2^32 pods");
    v->w.nodes = calloc(c->nnodes ? c->nnodes : 1, sizeof *v->w.nodes);
    v->w.jobs = calloc(t->njobs ? t->njobs : 1, sizeof *v->w.jobs);
    v->w.tasks = calloc(ntasks ? ntasks : 1, sizeof *v->w.tasks);
    v->w.live = malloc((t->njobs ? t->njobs : 1) * sizeof *v->w.live);
    v->queues = calloc(v->conf->nqueues, sizeof *v->queues);
    v->started = calloc(t->njobs ? t->njobs : 1, sizeof *v->started);
    v->nodes = malloc(maxtasks * sizeof *v->nodes);
    if (!v->w.nodes || !v->w.jobs || !v->w.tasks || !v->w.live || !v->queues || !v->started || !v->nodes)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    v->w.nnodes = c->nnodes;
    for (uint32_t n = 0; n < c->nnodes; n++) {
        hs_node_capacity cap;
        hs_cluster_node_capacity(c, n, &cap);
        v->w.nodes[n].alloc.v[VC_CPU] = (double)cap.cpu_milli;
        v->w.nodes[n].alloc.v[VC_MEM] = v->mem_scheduled ? (double)cap.mem_mb * BYTES_PER_MB : 0;
        v->w.nodes[n].alloc.v[VC_GPU] = (double)cap.gpu_milli;
    }
    if (vc_node_index_build(&v->index, c->nnodes) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    v->w.index = &v->index;
    for (uint32_t n = 0; n < c->nnodes; n++)
        vc_world_touch(&v->w, n);
    v->w.nqueues = v->conf->nqueues;
    v->w.queues = v->queues;
    for (unsigned q = 0; q < v->conf->nqueues; q++) {
        const vc_queue_conf *qc = &v->conf->queues[q];
        v->queues[q] = (vc_queue){qc->name, qc->weight, qc->priority, qc->open, qc->reclaimable,
                                  qc->capability, qc->guarantee, qc->name};
    }
    uint32_t next_task = 0;
    v->w.njobs = t->njobs;
    v->w.ntasks = (uint32_t)ntasks;
    for (uint32_t i = 0; i < t->njobs; i++) {
        const hs_job *job = &t->jobs[i];
        vc_job *j = &v->w.jobs[i];
        j->queue = queue_of(v->conf, job);
        j->first_task = next_task;
        j->ntasks = job->tasks;
        j->min_member = job->tasks;
        j->created = job->submit;
        j->has_min_res = true;
        for (uint32_t k = 0; k < job->tasks; k++) {
            vc_task *task = &v->w.tasks[next_task++];
            task->job = i;
            task->index = k;
            task->node = VC_NO_NODE;
            task_request(v, job, k, &task->req);
            vc_res_add(&j->min_res, &task->req);
        }
        vc_job_recount(&v->w, j);
    }
    v->seed = hs_engine_seed(eng);
    return 0;
}

/* The next session instant at or after t (never before it: a wake-up
 * in the past would be refused and the session lost). */
static double grid_at_or_after(const volcano *v, double t)
{
    double p = v->conf->period;
    double k = ceil(t / p);
    return k * p >= t ? k * p : (k + 1) * p;
}

static void ask_session(volcano *v, double t)
{
    double at = grid_at_or_after(v, t);
    if (at < v->next_session) {
        v->next_session = at;
        hs_error ignored;
        hs_engine_wakeup_at(v->eng, at, &ignored);
    }
}

static void vc_job_submitted(void *state, hs_job *job)
{
    volcano *v = state;
    uint32_t i = hs_engine_job_index(v->eng, job);
    vc_job *j = &v->w.jobs[i];
    j->active = true;
    j->phase = VC_PG_PENDING;
    v->w.live[v->w.nlive++] = i;
    v->dirty = true;
    ask_session(v, hs_engine_now(v->eng));
}

static void vc_job_ended(void *state, hs_job *job)
{
    volcano *v = state;
    uint32_t i = hs_engine_job_index(v->eng, job);
    vc_job *j = &v->w.jobs[i];
    for (uint32_t k = 0; k < j->ntasks; k++) {
        vc_task *t = &v->w.tasks[j->first_task + k];
        vc_node_remove_task(&v->w.nodes[t->node], t);
        vc_world_touch(&v->w, t->node);
        vc_task_set_status(&v->w, t, VC_TASK_SUCCEEDED);
    }
    memset(&j->allocated, 0, sizeof j->allocated);
    j->active = false;
    j->phase = VC_PG_COMPLETED;
    v->dead++;
    v->dirty = true;
    ask_session(v, hs_engine_now(v->eng));
}

static void vc_wakeup(void *state) { (void)state; }

/* Drops ended jobs from the live list, keeping the order. */
static void compact_live(volcano *v)
{
    uint32_t n = 0;
    for (uint32_t k = 0; k < v->w.nlive; k++)
        if (v->w.jobs[v->w.live[k]].active)
            v->w.live[n++] = v->w.live[k];
    v->w.nlive = n;
    v->dead = 0;
}

static uint64_t mix(uint64_t a, uint64_t b)
{
    uint64_t z = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    return z ^ (z >> 31);
}

static int vc_schedule(void *state, hs_error *err)
{
    volcano *v = state;
    double now = hs_engine_now(v->eng);
    if (now < v->next_session)
        return 0;
    v->next_session = INFINITY;
    if (!v->dirty && !v->changed && !v->conf->run_idle_sessions)
        return 0;
    if (v->dead)
        compact_live(v);
    if (!v->w.nlive) {
        v->dirty = v->changed = false;
        return 0;
    }
    vc_session s;
    /* Each session draws its ties from its own stream: a skipped
     * session shifts no later draw. */
    if (vc_session_open(&s, &v->w, v->conf, mix(v->seed, (uint64_t)llround(now / v->conf->period))) < 0 ||
        vc_session_run_actions(&s) < 0) {
        vc_session_close(&s);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    v->changed = s.nbinds > 0 || s.enqueued > 0;
    v->dirty = false;
    hs_trace *t = hs_engine_trace(v->eng);
    int rc = 0;
    for (uint32_t b = 0; b < s.nbinds && rc == 0; b++) {
        const vc_task *task = &v->w.tasks[s.binds[b]];
        uint32_t ji = task->job;
        if (v->conf->log)
            fprintf(v->conf->log, "%.17g %ld %lld %u\n", now, (long)t->jobs[ji].swf.f[HS_SWF_JOB_ID],
                    (long long)task->index, task->node);
        if (v->started[ji])
            continue;
        const vc_job *j = &v->w.jobs[ji];
        bool all = true;
        for (uint32_t k = 0; k < j->ntasks && all; k++) {
            all = v->w.tasks[j->first_task + k].status == VC_TASK_RUNNING;
            v->nodes[k] = v->w.tasks[j->first_task + k].node;
        }
        if (!all)
            continue;
        v->started[ji] = true;
        rc = hs_engine_start_job_tasks(v->eng, &t->jobs[ji], v->nodes, err);
    }
    vc_session_close(&s);
    if (rc < 0)
        return -1;
    bool pending = false;
    for (uint32_t k = 0; k < v->w.nlive && !pending; k++)
        pending = !v->started[v->w.live[k]];
    if (pending && (v->changed || v->conf->run_idle_sessions))
        ask_session(v, now + v->conf->period * 0.5);
    return 0;
}

static int vc_finish(void *config, hs_error *err) { return vc_conf_finish(config, err); }

const struct hs_policy_ops hs_policy_volcano = {
    .name = "volcano",
    .summary = "Volcano (Kubernetes batch): periodic sessions of enqueue, allocate, backfill; gang, DRF, "
               "proportion, binpack, node order",
    .usage = "--policy-conf volcano-scheduler.conf (YAML: actions, tiers; hpcsim's queues list)\n"
             "--policy-opt ties=random|lowest, schedule-period=S, minimum-feasible-nodes=N,\n"
             "  minimum-percentage-nodes-to-find=P, percentage-nodes-to-find=P (100 = every node),\n"
             "  idle-sessions=skip|run, doomed-gangs=skip|attempt, log=FILE",
    .places_tasks = true,
    .configure = vc_configure,
    .finish = vc_finish,
    .unconfigure = vc_unconfigure,
    .create = vc_create,
    .destroy = vc_destroy,
    .job_submitted = vc_job_submitted,
    .job_ended = vc_job_ended,
    .wakeup = vc_wakeup,
    .schedule = vc_schedule,
};
