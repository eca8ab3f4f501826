/* Schedule metrics (metrics.h). Percentiles use the nearest-rank rule on
 * the sorted waits, so they are values some job actually had. */
#include "hpcsim/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double nearest_rank(const double *sorted, uint64_t n, double q)
{
    uint64_t rank = (uint64_t)ceil(q * (double)n);
    return sorted[rank ? rank - 1 : 0];
}

int hs_metrics_begin(hs_metrics_sums *s, uint32_t njobs)
{
    memset(s, 0, sizeof *s);
    s->m.first_submit = INFINITY;
    s->m.last_end = -INFINITY;
    s->cap = njobs ? njobs : 1;
    return (s->waits = malloc(s->cap * sizeof *s->waits)) ? 0 : -1;
}

void hs_metrics_add(hs_metrics_sums *s, const hs_job *j, const hs_cluster *c)
{
    hs_metrics *m = &s->m;
    if (j->state != HS_JOB_COMPLETED && j->state != HS_JOB_KILLED)
        return;
    m->completed += j->state == HS_JOB_COMPLETED;
    m->killed += j->state == HS_JOB_KILLED;
    m->held_beyond += !j->by_tasks && j->held > j->demand;
    double wait = j->start - j->submit, run = j->end - j->start;
    if (s->n < s->cap)
        s->waits[s->n] = wait;
    s->n++;
    s->wait_sum += wait;
    s->bsld_sum += fmax(1.0, (wait + run) / fmax(run, HS_BSLD_TAU));
    /* a job of tasks uses its CPUs, in units: cores, or nodes' worth of cores */
    s->used += j->by_tasks ? (double)j->cpu_milli / 1000 * ((double)c->nunits / (double)c->ncores) * run
                           : (double)j->held * run;
    m->first_submit = fmin(m->first_submit, j->submit);
    m->last_end = fmax(m->last_end, j->end);
}

void hs_metrics_end(hs_metrics_sums *s, const hs_trace *t, const hs_cluster *c, hs_metrics *m)
{
    *m = s->m;
    m->rejected = t->nrejected;
    m->skipped = t->nskipped;
    m->malformed = t->nmalformed;
    uint64_t n = s->n < s->cap ? s->n : s->cap; /* never more than the trace's jobs */
    if (n > 0) {
        qsort(s->waits, n, sizeof *s->waits, cmp_double);
        m->makespan = m->last_end - m->first_submit;
        m->utilization = m->makespan > 0 ? s->used / ((double)c->nunits * m->makespan) : 0;
        m->wait_mean = s->wait_sum / (double)n;
        m->wait_median = nearest_rank(s->waits, n, 0.5);
        m->wait_p95 = nearest_rank(s->waits, n, 0.95);
        m->wait_max = s->waits[n - 1];
        m->bsld_mean = s->bsld_sum / (double)n;
    } else {
        m->first_submit = m->last_end = 0;
    }
    hs_metrics_sums_free(s);
}

void hs_metrics_sums_free(hs_metrics_sums *s)
{
    free(s->waits);
    s->waits = NULL;
}
