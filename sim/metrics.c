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

int hs_metrics_compute(const hs_trace *t, const hs_cluster *c, hs_metrics *m)
{
    memset(m, 0, sizeof *m);
    m->rejected = t->nrejected;
    m->skipped = t->nskipped;
    m->malformed = t->nmalformed;
    double *waits = malloc((t->njobs ? t->njobs : 1) * sizeof *waits);
    if (!waits)
        return -1;
    uint64_t n = 0;
    double used = 0, wait_sum = 0, bsld_sum = 0;
    m->first_submit = INFINITY;
    m->last_end = -INFINITY;
    for (uint32_t i = 0; i < t->njobs; i++) {
        const hs_job *j = &t->jobs[i];
        if (j->state != HS_JOB_COMPLETED && j->state != HS_JOB_KILLED)
            continue;
        m->completed += j->state == HS_JOB_COMPLETED;
        m->killed += j->state == HS_JOB_KILLED;
        double wait = j->start - j->submit, run = j->end - j->start;
        waits[n++] = wait;
        wait_sum += wait;
        bsld_sum += fmax(1.0, (wait + run) / fmax(run, HS_BSLD_TAU));
        /* a job of tasks uses its CPUs, in units: cores, or nodes' worth of cores */
        used += j->by_tasks ? (double)j->cpu_milli / 1000 * ((double)c->nunits / (double)c->ncores) * run
                            : (double)j->held * run;
        m->first_submit = fmin(m->first_submit, j->submit);
        m->last_end = fmax(m->last_end, j->end);
    }
    if (n > 0) {
        qsort(waits, n, sizeof *waits, cmp_double);
        m->makespan = m->last_end - m->first_submit;
        m->utilization = m->makespan > 0 ? used / ((double)c->nunits * m->makespan) : 0;
        m->wait_mean = wait_sum / (double)n;
        m->wait_median = nearest_rank(waits, n, 0.5);
        m->wait_p95 = nearest_rank(waits, n, 0.95);
        m->wait_max = waits[n - 1];
        m->bsld_mean = bsld_sum / (double)n;
    } else {
        m->first_submit = m->last_end = 0;
    }
    free(waits);
    return 0;
}
