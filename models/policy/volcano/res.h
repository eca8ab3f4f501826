/* Volcano's resource vectors and their comparisons (docs/volcano.md
 * "Resources"). Four dimensions: milli-CPU, memory in bytes, GPUs in
 * milli-GPU, and one more scalar resource a configuration may name (the
 * fixtures' example.com/foo). Values are doubles as in Volcano, and two
 * values closer than 0.1 count as equal, as Volcano's minResource does. */
#ifndef HPCSIM_VOLCANO_RES_H
#define HPCSIM_VOLCANO_RES_H

#include <stdbool.h>

enum { VC_CPU = 0, VC_MEM, VC_GPU, VC_OTHER, VC_NRES };

#define VC_MIN_RESOURCE 0.1

typedef struct vc_res {
    double v[VC_NRES];
} vc_res;

void vc_res_add(vc_res *a, const vc_res *b);
void vc_res_sub(vc_res *a, const vc_res *b); /* clamps at 0 */
bool vc_res_is_zero(const vc_res *a);
/* a <= b in every dimension. */
bool vc_res_le(const vc_res *a, const vc_res *b);
/* a <= b in the dimensions where `dims` is non-zero. */
bool vc_res_le_dims(const vc_res *a, const vc_res *b, const vc_res *dims);
bool vc_res_equal(const vc_res *a, const vc_res *b);

#endif
