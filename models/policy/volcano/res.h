/* Volcano's resource vectors and their comparisons (docs/volcano.md
 * "Resources"). Four dimensions: milli-CPU, memory in bytes, GPUs in
 * milli-GPU, and one more scalar resource a configuration may name (the
 * fixtures' example.com/foo). Values are doubles as in Volcano, and two
 * values closer than 0.1 count as equal, as Volcano's minResource does. */
#ifndef HPCSIM_VOLCANO_RES_H
#define HPCSIM_VOLCANO_RES_H

#include <math.h>
#include <stdbool.h>

enum { VC_CPU = 0, VC_MEM, VC_GPU, VC_OTHER, VC_NRES };

#define VC_MIN_RESOURCE 0.1

typedef struct vc_res {
    double v[VC_NRES];
} vc_res;

/* a += b; a -= b clamping at 0; a is zero in every dimension; a <= b
 * in every dimension; a <= b where `dims` is non-zero; a == b. Inline:
 * they run for every node a pod's scan considers. */
static inline void vc_res_add(vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        a->v[i] += b->v[i];
}

static inline void vc_res_sub(vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        a->v[i] = a->v[i] > b->v[i] ? a->v[i] - b->v[i] : 0;
}

static inline bool vc_res_is_zero(const vc_res *a)
{
    for (int i = 0; i < VC_NRES; i++)
        if (a->v[i] >= VC_MIN_RESOURCE)
            return false;
    return true;
}

static inline bool vc_le(double l, double r) { return l < r || fabs(l - r) < VC_MIN_RESOURCE; }

static inline bool vc_res_le(const vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        if (!vc_le(a->v[i], b->v[i]))
            return false;
    return true;
}

static inline bool vc_res_le_dims(const vc_res *a, const vc_res *b, const vc_res *dims)
{
    for (int i = 0; i < VC_NRES; i++)
        if (dims->v[i] > 0 && !vc_le(a->v[i], b->v[i]))
            return false;
    return true;
}

static inline bool vc_res_equal(const vc_res *a, const vc_res *b)
{
    for (int i = 0; i < VC_NRES; i++)
        if (a->v[i] != b->v[i])
            return false;
    return true;
}


#endif
