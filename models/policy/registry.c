/* The list of policies `--policy` can name. A new scheduler adds one line. */
#include <string.h>

#include "hpcsim/policy.h"

extern const struct hs_policy_ops hs_policy_fcfs;
extern const struct hs_policy_ops hs_policy_easy;
extern const struct hs_policy_ops hs_policy_slurm;
extern const struct hs_policy_ops hs_policy_flux;
extern const struct hs_policy_ops hs_policy_volcano;

static const struct hs_policy_ops *const registry[] = {
    &hs_policy_fcfs,
    &hs_policy_easy,
    &hs_policy_slurm,
    &hs_policy_flux,
    &hs_policy_volcano,
    NULL,
};

const struct hs_policy_ops *const *hs_policy_all(void) { return registry; }

const struct hs_policy_ops *hs_policy_find(const char *name)
{
    for (const struct hs_policy_ops *const *p = registry; *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    return NULL;
}
