/* Resource vectors (res.h). */
#include "res.h"

#include <math.h>


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

