/* The backends by name, and the cleanup of a killed run with every
 * backend's hook (backend.h). Above the backends: it names them all. */
#include <string.h>

#include "backend.h"

const hc_backend_ops *hc_backend_find(const char *name)
{
    if (strcmp(name, "native") == 0)
        return &hc_backend_native;
    if (strcmp(name, "lxc") == 0)
        return &hc_backend_lxc;
    if (strcmp(name, "kvm") == 0)
        return &hc_backend_kvm;
    return NULL;
}

/* Every backend's cleanup hook, NULL-terminated. */
static const hc_cleanup_hook *const *cleanup_hooks(void)
{
    static const hc_cleanup_hook *hooks[4];
    const hc_backend_ops *all[] = {&hc_backend_native, &hc_backend_lxc, &hc_backend_kvm};
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++)
        if (all[i]->cleanup)
            hooks[n++] = all[i]->cleanup;
    hooks[n] = NULL;
    return hooks;
}

int hc_cleanup(const char *workdir, FILE *log, hs_error *err)
{
    return hc_state_cleanup(workdir, cleanup_hooks(), log, err);
}

int hc_leftovers(const char *workdir, FILE *log) { return hc_state_leftovers(workdir, cleanup_hooks(), log); }
