/* Real history forced onto the Slurm model (forced.h). */
#include "forced.h"

#include <math.h>
#include <stdlib.h>

#include "pending.h"
#include "select.h"

static int cmp_forced(const void *a, const void *b)
{
    const sl_forced_start *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->job > y->job) - (x->job < y->job);
}

int sl_forced_init(sl_state *s, hs_error *err)
{
    const sl_lockstep_record *l = s->setup->lockstep;
    const hs_trace *t = hs_engine_trace(s->eng);
    if (!(s->forced = malloc((t->njobs ? t->njobs : 1) * sizeof *s->forced)))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    for (uint32_t j = 0; j < t->njobs; j++) {
        const hs_job *hj = &t->jobs[j];
        const hs_record_job *row = hs_record_find(&l->rec, (long)hj->swf.f[HS_SWF_JOB_ID]);
        if (!row || row->start >= l->at)
            continue;
        if (row->start < hj->submit)
            return hs_error_set(err, t->path, 0, 0,
                                "job %ld started at %g in the real record (line %ld) but the trace submits it at %g",
                                row->job, row->start, row->line, hj->submit);
        s->forced[s->nforced++] = (sl_forced_start){row->start, j, (uint32_t)(row - l->rec.jobs)};
    }
    qsort(s->forced, s->nforced, sizeof *s->forced, cmp_forced);
    return 0;
}

void sl_forced_free(sl_state *s)
{
    free(s->forced);
    s->forced = NULL;
    s->nforced = s->next_forced = 0;
}

double sl_forced_next(const sl_state *s) { return s->next_forced < s->nforced ? s->forced[s->next_forced].at : INFINITY; }

/* The CPUs job j takes on its real nodes: those the record gives per
 * node (its cpus column); without them, every CPU of each node in an
 * exclusive partition, else one on each (Slurm gives every node of a job
 * at least one), then, as the model's selection does, the free ones of
 * the first nodes until the job has its CPUs. When the model's guess left
 * too few free on a later job's nodes, that job is squeezed onto what is
 * free there (the log says so, and slurm-verify counts it). The CPUs it
 * gets, 0 when its nodes are all full: it then starts on none, for it did
 * leave the queue (kept queued, the model would start it again at every
 * later instant). */
static uint32_t pick_real_nodes(sl_state *s, uint32_t j, const uint32_t *nodes, const uint32_t *cpus, uint32_t n)
{
    const sl_job *job = &s->sj[j];
    bool whole = s->parts[job->part].exclusive;
    uint32_t left = job->cpus, got = 0;
    s->npick = 0;
    if (n && cpus[0]) { /* known: what the record says, or what is free of it */
        for (uint32_t k = 0; k < n; k++) {
            uint32_t take = cpus[k] < s->node_free[nodes[k]] ? cpus[k] : s->node_free[nodes[k]];
            if (!take)
                continue;
            s->pick_node[s->npick] = nodes[k];
            s->pick_cpus[s->npick++] = take;
            got += take;
        }
        return got < job->cpus ? got : job->cpus;
    }
    for (uint32_t k = 0; k < n; k++) {
        uint32_t node = nodes[k], want = whole ? s->node_cpus[node] : 1;
        if (s->node_free[node] < want || (!whole && left == 0))
            continue;
        s->pick_node[s->npick] = node;
        s->pick_cpus[s->npick++] = want;
        left = left > want ? left - want : 0;
        got += want;
    }
    for (uint32_t k = 0; k < s->npick && left; k++) {
        uint32_t more = s->node_free[s->pick_node[k]] - s->pick_cpus[k];
        more = more < left ? more : left;
        s->pick_cpus[k] += more;
        left -= more;
        got += more;
    }
    return got;
}

int sl_forced_start_due(sl_state *s, double now, hs_error *err)
{
    const sl_lockstep_record *l = s->setup->lockstep;
    bool any = false;
    while (s->next_forced < s->nforced && s->forced[s->next_forced].at <= now) {
        const sl_forced_start *f = &s->forced[s->next_forced++];
        if (s->jobs[f->job].state != HS_JOB_QUEUED)
            return hs_error_set(err, s->setup->source, 0, 0, "job %.0f is not queued at its real start %g",
                                s->jobs[f->job].swf.f[HS_SWF_JOB_ID], f->at);
        uint32_t first = l->node_first[f->row];
        uint32_t got = pick_real_nodes(s, f->job, l->nodes + first, l->cpus + first, l->node_first[f->row + 1] - first);
        if (got < s->sj[f->job].cpus && s->setup->log)
            fprintf(s->setup->log, "%.0f real: squeezed job %.0f onto %u of its %u CPUs\n", now,
                    s->jobs[f->job].swf.f[HS_SWF_JOB_ID], got, s->sj[f->job].cpus);
        s->forcing = true;
        int rc = sl_start(s, f->job, err);
        s->forcing = false;
        if (rc < 0)
            return -1;
        any = true;
    }
    if (any)
        sl_remove_started(s);
    return 0;
}

void sl_forced_dump(sl_state *s)
{
    FILE *log = s->setup->log;
    if (!log)
        return;
    double now = hs_engine_now(s->eng);
    sl_sort_pending(s);
    fprintf(log, "%.0f intervals: sched_interval %g bf_interval %g\n", now, s->p.sched_interval, s->p.bf_interval);
    fprintf(log, "%.0f queue:", now);
    for (uint32_t i = 0; i < s->npending; i++)
        fprintf(log, " %.0f:%u", s->jobs[s->pending[i]].swf.f[HS_SWF_JOB_ID], s->sj[s->pending[i]].prio);
    fprintf(log, "\n%.0f free:", now);
    bool first = true;
    for (uint32_t n = 0; n < s->nnodes; n++)
        if (s->node_free[n]) {
            fprintf(log, "%s%s:%u", first ? " " : ",", s->setup->conf.nodes[n].name, s->node_free[n]);
            first = false;
        }
    fputc('\n', log);
}
