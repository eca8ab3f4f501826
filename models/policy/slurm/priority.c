/* priority/multifactor (docs/slurm.md). A job's priority is the sum
 * of weight × factor over age, fair-share, job size, partition and QOS
 * (0 without a QOS file: a trace names none; the association factor is
 * 0), at least 1,
 * truncated to an unsigned 32-bit integer as Slurm does. It is set at
 * submission and recomputed for pending jobs at each PriorityCalcPeriod
 * tick, when usage is also decayed and charged; between ticks it does not
 * move. With priority/basic every job has the same priority, so the
 * queue is in submission order. */
#include <math.h>

#include "priority.h"
#include "state.h"

static double age_factor(const sl_state *s, const sl_job *j, double now)
{
    if (s->p.max_age <= 0 || j->eligible > now)
        return 0;
    /* Slurm's times are whole seconds (time_t): a job received at 87.015 s
     * has aged 0 s at 87.9 s and 1 s at 88 s. */
    double f = (floor(now) - floor(j->eligible)) / s->p.max_age;
    return f > 1 ? 1 : f;
}

double sl_size_factor(const hs_slurm_params *p, double n, double c, double nodes, double cpus, double limit)
{
    double f;
    if (p->small_relative_to_time) {
        double x = nodes * c / n;
        f = (x > cpus ? x : cpus) / (limit / 60.0) / c;
        if (p->favor_small)
            f = 1 - f;
    } else if (p->favor_small)
        f = ((n - nodes > 0 ? n - nodes : 0) / n + (c - cpus) / c) / 2;
    else
        f = (nodes / n + cpus / c) / 2;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* Fair-share factors from the usage as it is now. A recalculation with
 * no pending job has no priority to set (half of CEA-Curie's), so its
 * factors are left until one is needed (a submission) or the usage is
 * about to change (a job's end charges it): computed then from the same
 * usage, they are the same. */
static void fair_share_now(sl_state *s)
{
    if (!s->fs_stale)
        return;
    s->fs_stale = false;
    if (s->p.fair_tree)
        sl_assoc_fair_tree(&s->assoc);
    else
        sl_assoc_classic(&s->assoc, s->p.dampening);
}

void sl_priority_job(sl_state *s, uint32_t j)
{
    sl_job *job = &s->sj[j];
    if (!s->p.multifactor) {
        job->prio = 1;
        return;
    }
    double now = hs_engine_now(s->eng);
    double prio = 0;
    fair_share_now(s);
    prio += s->p.w_age * age_factor(s, job, now);
    prio += s->p.w_fairshare * s->assoc.a[job->assoc].fs;
    /* A job asks for CPUs (sbatch -n, what an SWF line says): until it
     * runs Slurm counts it on 1 node, whatever it will need. InitPrio on
     * trace D: a 14-CPU job 882 with FavorSmall, not 781 (docs/slurm.md). */
    prio += s->p.w_jobsize * sl_size_factor(&s->p, s->nnodes, (double)s->total_cpus, 1, job->cpus, job->limit);
    if (s->max_job_factor)
        prio += s->p.w_partition * ((double)s->parts[job->part].job_factor / s->max_job_factor);
    const sl_qos_file *q = &s->setup->qos;
    if (q->max_priority) /* 0 without a file */
        prio += s->p.w_qos * ((double)q->q[job->qos].priority / q->max_priority);
    job->prio = sl_priority_value(prio);
}

uint32_t sl_priority_value(double sum)
{
    if (sum < 1)
        return 1; /* 0 means held */
    return sum >= 4294967295.0 ? UINT32_MAX : (uint32_t)sum;
}

/* Usage of running job j from where it was last charged to now, with
 * Slurm's per-second decay (d^Δ for the Δ seconds run). Slurm counts in
 * whole seconds (time_t: a job's start, the decay thread's clock) and
 * charges nothing for less than one, so Δ is taken between whole
 * seconds: E's record ranks two users of one account by usage that
 * differs by 0.1 % (docs/slurm.md, "Priority"). */
static void charge(sl_state *s, uint32_t j, double now, double decay)
{
    sl_job *job = &s->sj[j];
    double delta = floor(now) - floor(job->charged_to);
    if (delta < 1)
        return;
    uint32_t cpus = 0;
    for (uint32_t k = 0; k < job->nalloc; k++)
        cpus += job->alloc_cpus[k];
    /* At a recalculation most running jobs ran the same Δ: one pow for them all. */
    if (delta != s->decay_delta || decay != s->decay_base) {
        s->decay_delta = delta;
        s->decay_base = decay;
        s->decay_value = decay > 0 ? pow(decay, delta) : 1;
    }
    double usage_factor = s->setup->qos.n ? s->setup->qos.q[job->qos].usage_factor : 1;
    sl_assoc_charge(&s->assoc, job->assoc, delta * s->decay_value * cpus * usage_factor);
    job->charged_to = now;
}

static double decay_per_second(const sl_state *s)
{
    return s->p.decay_half_life > 0 ? 1 - 0.693 / s->p.decay_half_life : 0;
}

void sl_charge_end(sl_state *s, uint32_t j)
{
    if (s->p.charge_at_end && s->p.w_fairshare) {
        fair_share_now(s);
        charge(s, j, hs_engine_now(s->eng), decay_per_second(s));
    }
}

void sl_priority_tick(sl_state *s)
{
    double now = hs_engine_now(s->eng);
    if (s->p.w_fairshare) {
        double d = decay_per_second(s);
        double elapsed = floor(now) - floor(s->last_tick); /* whole seconds, as charge() */
        if (d > 0 && elapsed > 0)
            sl_assoc_decay(&s->assoc, pow(d, elapsed));
        for (uint32_t r = 0; r < s->nrunning; r++)
            charge(s, s->running[r], now, d);
        s->fs_stale = true;
        if (s->npending)
            fair_share_now(s);
    }
    s->last_tick = now;
    for (uint32_t i = 0; i < s->npending; i++)
        sl_priority_job(s, s->pending[i]);
    s->pending_sorted = false;
}
