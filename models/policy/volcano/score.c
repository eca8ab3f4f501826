/* Node scores (docs/volcano.md "Node scores"): nodeorder's Kubernetes
 * scores (LeastAllocated, MostAllocated, BalancedAllocation) times their
 * weights, plus binpack, summed; the best node wins and equal best
 * scores are broken at random (or by lowest node index for fixtures). */
#include <math.h>
#include <stdint.h>

#include "session.h"

#define MAX_NODE_SCORE 100


/* Kubernetes computes these in int64: milli-CPU and bytes. */
static int64_t least_one(int64_t requested, int64_t capacity)
{
    if (capacity == 0 || requested > capacity)
        return 0;
    return (capacity - requested) * MAX_NODE_SCORE / capacity;
}

static int64_t most_one(int64_t requested, int64_t capacity)
{
    if (capacity == 0)
        return 0;
    if (requested > capacity)
        requested = capacity;
    return requested * MAX_NODE_SCORE / capacity;
}

/* The node's requests plus the pod's, zero requests counted as k8s's
 * defaults. */
static void nonzero_requested(const vc_task *t, const vc_node *n, int64_t *cpu, int64_t *mem)
{
    *cpu = (int64_t)(n->nz_cpu + (t->req.v[VC_CPU] > 0 ? t->req.v[VC_CPU] : NZ_CPU));
    *mem = (int64_t)(n->nz_mem + (t->req.v[VC_MEM] > 0 ? t->req.v[VC_MEM] : NZ_MEM));
}

double vc_least_allocated(const vc_task *t, const vc_node *n)
{
    int64_t cpu, mem;
    nonzero_requested(t, n, &cpu, &mem);
    int64_t s = least_one(cpu, (int64_t)n->alloc.v[VC_CPU]) + least_one(mem, (int64_t)n->alloc.v[VC_MEM]);
    return (double)(s / 2);
}

double vc_most_allocated(const vc_task *t, const vc_node *n)
{
    int64_t cpu, mem;
    nonzero_requested(t, n, &cpu, &mem);
    int64_t s = most_one(cpu, (int64_t)n->alloc.v[VC_CPU]) + most_one(mem, (int64_t)n->alloc.v[VC_MEM]);
    return (double)(s / 2);
}

double vc_balanced_allocation(const vc_task *t, const vc_node *n)
{
    double f[3];
    int k = 0;
    static const int dims[3] = {VC_CPU, VC_MEM, VC_GPU};
    for (int i = 0; i < 3; i++) {
        int r = dims[i];
        if (n->alloc.v[r] <= 0)
            continue;
        double frac = (n->used.v[r] + t->req.v[r]) / n->alloc.v[r];
        f[k++] = frac > 1 ? 1 : frac;
    }
    double std = 0;
    if (k == 2) {
        std = fabs(f[0] - f[1]) / 2;
    } else if (k > 2) {
        double mean = 0, var = 0;
        for (int i = 0; i < k; i++)
            mean += f[i];
        mean /= k;
        for (int i = 0; i < k; i++)
            var += (f[i] - mean) * (f[i] - mean);
        std = sqrt(var / k);
    }
    return (double)(int64_t)((1 - std) * MAX_NODE_SCORE);
}

double vc_binpack_score(const vc_binpack_args *a, const vc_task *t, const vc_node *n)
{
    double score = 0, weights = 0;
    for (int r = 0; r < VC_NRES; r++) {
        if (t->req.v[r] <= 0 || a->w[r] <= 0)
            continue;
        weights += a->w[r];
        if (n->alloc.v[r] <= 0)
            continue;
        double used = n->used.v[r] + t->req.v[r];
        if (used > n->alloc.v[r])
            return 0;
        score += a->w[r] * used / n->alloc.v[r];
    }
    if (weights <= 0)
        return 0;
    return score / weights * MAX_NODE_SCORE * a->weight;
}

double vc_node_score(const vc_session *s, uint32_t task, uint32_t node)
{
    const vc_task *t = &s->w->tasks[task];
    const vc_node *n = &s->w->nodes[node];
    double score = 0;
    const vc_plugin_conf *no = s->pl[VC_PL_NODEORDER], *bp = s->pl[VC_PL_BINPACK];
    if (no && no->node_order) {
        const vc_nodeorder_args *a = &s->conf->nodeorder;
        if (a->least)
            score += vc_least_allocated(t, n) * a->least;
        if (a->most)
            score += vc_most_allocated(t, n) * a->most;
        if (a->balanced && !vc_task_best_effort(t))
            score += vc_balanced_allocation(t, n) * a->balanced;
    }
    if (bp && bp->node_order)
        score += vc_binpack_score(&s->conf->binpack, t, n);
    return score;
}

/* splitmix64: the session's tie draws. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint32_t vc_select_best(vc_session *s, uint32_t task, const uint32_t *cand, uint32_t n)
{
    if (n == 1)
        return cand[0]; /* a single candidate is taken without scoring */
    double best = -INFINITY;
    uint32_t nbest = 0, lowest = UINT32_MAX;
    for (uint32_t i = 0; i < n; i++) {
        double sc = s->scores[i] = vc_node_score(s, task, cand[i]);
        if (sc > best) {
            best = sc;
            nbest = 0;
            lowest = UINT32_MAX;
        }
        if (sc == best) {
            nbest++;
            if (cand[i] < lowest)
                lowest = cand[i];
        }
    }
    if (s->conf->ties == VC_TIES_LOWEST || nbest == 1)
        return lowest;
    uint64_t pick = next_random(&s->rng) % nbest;
    for (uint32_t i = 0; i < n; i++)
        if (s->scores[i] == best && pick-- == 0)
            return cand[i];
    return lowest;
}
