/* Nodes and tasks of the world (world.h). */
#include "world.h"

#include <string.h>

#include "nodeindex.h"

bool vc_task_best_effort(const vc_task *t) { return vc_res_is_zero(&t->req); }


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

static bool placed_status(uint8_t s) { return s == VC_TASK_ALLOCATED || s == VC_TASK_RUNNING || s == VC_TASK_SUCCEEDED; }

static void count(vc_job *j, const vc_task *t, int sign)
{
    if (placed_status(t->status) || (t->status == VC_TASK_PENDING && vc_task_best_effort(t)))
        j->nready += (uint32_t)sign;
    if (placed_status(t->status))
        j->role_placed[t->role] += (uint32_t)sign;
    if (t->status == VC_TASK_PIPELINED) {
        j->npipelined += (uint32_t)sign;
        j->role_pipelined[t->role] += (uint32_t)sign;
    }
}

void vc_task_set_status(vc_world *w, vc_task *t, uint8_t status)
{
    vc_job *j = &w->jobs[t->job];
    count(j, t, -1);
    t->status = status;
    count(j, t, +1);
}

void vc_job_recount(vc_world *w, vc_job *j)
{
    j->nready = j->npipelined = 0;
    memset(j->role_placed, 0, sizeof j->role_placed);
    memset(j->role_pipelined, 0, sizeof j->role_pipelined);
    for (uint32_t i = 0; i < j->ntasks; i++)
        count(j, &w->tasks[j->first_task + i], +1);
}

void vc_world_touch(vc_world *w, uint32_t node)
{
    if (w->index) {
        vc_res fi;
        vc_node_future_idle(&w->nodes[node], &fi);
        vc_node_index_set(w->index, node, &fi);
    }
}
