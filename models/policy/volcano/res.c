/* Resource vectors (res.h). */
#include "res.h"

#include <math.h>

#include "world.h"

void vc_res_add(vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        a->v[i] += b->v[i];
}

void vc_res_sub(vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        a->v[i] = a->v[i] > b->v[i] ? a->v[i] - b->v[i] : 0;
}

bool vc_res_is_zero(const vc_res *a)
{
    for (int i = 0; i < VC_NRES; i++)
        if (a->v[i] >= VC_MIN_RESOURCE)
            return false;
    return true;
}

static bool le(double l, double r) { return l < r || fabs(l - r) < VC_MIN_RESOURCE; }

bool vc_res_le(const vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        if (!le(a->v[i], b->v[i]))
            return false;
    return true;
}

bool vc_res_le_dims(const vc_res *a, const vc_res *b, const vc_res *dims)
{
    for (int i = 0; i < VC_NRES; i++)
        if (dims->v[i] > 0 && !le(a->v[i], b->v[i]))
            return false;
    return true;
}

bool vc_res_equal(const vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        if (a->v[i] != b->v[i])
            return false;
    return true;
}

bool vc_task_best_effort(const vc_task *t) { return vc_res_is_zero(&t->req); }

void vc_node_idle(const vc_node *n, vc_res *idle)
{
    *idle = n->alloc;
    vc_res_sub(idle, &n->used);
}

void vc_node_future_idle(const vc_node *n, vc_res *fi)
{
    vc_node_idle(n, fi);
    vc_res_add(fi, &n->releasing);
    vc_res_sub(fi, &n->pipelined);
}

/* k8s's non-zero defaults for scoring: 100 mCPU and 200 MiB. */
#define NZ_CPU 100.0
#define NZ_MEM (200.0 * 1024 * 1024)

void vc_node_add_task(vc_node *n, const vc_task *t)
{
    vc_res_add(&n->used, &t->req);
    n->nz_cpu += t->req.v[VC_CPU] > 0 ? t->req.v[VC_CPU] : NZ_CPU;
    n->nz_mem += t->req.v[VC_MEM] > 0 ? t->req.v[VC_MEM] : NZ_MEM;
    n->ntasks++;
}

void vc_node_remove_task(vc_node *n, const vc_task *t)
{
    vc_res_sub(&n->used, &t->req);
    n->nz_cpu -= t->req.v[VC_CPU] > 0 ? t->req.v[VC_CPU] : NZ_CPU;
    n->nz_mem -= t->req.v[VC_MEM] > 0 ? t->req.v[VC_MEM] : NZ_MEM;
    if (n->nz_cpu < 0)
        n->nz_cpu = 0;
    if (n->nz_mem < 0)
        n->nz_mem = 0;
    n->ntasks--;
}
