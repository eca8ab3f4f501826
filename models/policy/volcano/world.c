/* Nodes and tasks of the world (world.h). */
#include "world.h"

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
