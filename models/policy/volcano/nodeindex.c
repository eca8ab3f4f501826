/* The tournament tree of free amounts (nodeindex.h). */
#include "nodeindex.h"

#include <math.h>
#include <stdlib.h>


static void pull(vc_node_index *x, uint32_t i)
{
    for (int r = 0; r < VC_NRES; r++)
        x->max[r][i] = fmax(x->max[r][2 * i], x->max[r][2 * i + 1]);
}

int vc_node_index_build(vc_node_index *x, uint32_t n)
{
    x->n = n;
    x->size = 1;
    while (x->size < x->n)
        x->size *= 2;
    for (int r = 0; r < VC_NRES; r++) {
        x->max[r] = malloc(2 * (size_t)x->size * sizeof *x->max[r]);
        if (!x->max[r]) {
            vc_node_index_free(x);
            return -1;
        }
        for (uint32_t i = 0; i < 2 * x->size; i++)
            x->max[r][i] = -INFINITY;
    }
    return 0;
}

void vc_node_index_free(vc_node_index *x)
{
    for (int r = 0; r < VC_NRES; r++) {
        free(x->max[r]);
        x->max[r] = NULL;
    }
}

void vc_node_index_set(vc_node_index *x, uint32_t node, const vc_res *future_idle)
{
    for (int r = 0; r < VC_NRES; r++)
        x->max[r][x->size + node] = future_idle->v[r];
    for (uint32_t i = (x->size + node) / 2; i >= 1; i /= 2)
        pull(x, i);
}

/* Could an entry hold req? The same tolerance as vc_res_le. */
static int may_fit(const vc_node_index *x, uint32_t i, const vc_res *req)
{
    for (int r = 0; r < VC_NRES; r++)
        if (req->v[r] > 0 && !(req->v[r] < x->max[r][i] || fabs(req->v[r] - x->max[r][i]) < VC_MIN_RESOURCE))
            return 0;
    return 1;
}

/* The first leaf under entry i whose amounts may fit, or UINT32_MAX.
 * An entry's maxima come from different nodes per resource, so an entry
 * that may fit can have no leaf that does: the search backtracks. */
static uint32_t first_under(const vc_node_index *x, uint32_t i, const vc_res *req)
{
    if (!may_fit(x, i, req))
        return UINT32_MAX;
    if (i >= x->size)
        return i - x->size;
    uint32_t got = first_under(x, 2 * i, req);
    return got != UINT32_MAX ? got : first_under(x, 2 * i + 1, req);
}

/* From leaf `from`: the leaf itself when it fits (the common case when
 * most nodes have room), else up to the nearest subtree to the right
 * that holds a fitting leaf, and down into it. */
uint32_t vc_node_index_next(const vc_node_index *x, const vc_res *req, uint32_t from, uint32_t to)
{
    if (from >= to)
        return to;
    uint32_t i = x->size + from;
    if (may_fit(x, i, req))
        return from;
    for (;;) {
        while (i & 1)
            i >>= 1;
        if (i == 0)
            return to;
        i++;
        uint32_t got = first_under(x, i, req);
        if (got != UINT32_MAX)
            return got < to ? got : to;
    }
}
