/* Fuzz target for the Volcano model's volcano-scheduler.conf reader:
 * any bytes either fail with a message naming the source and a line, or
 * give a configuration whose actions, tiers and queues are well formed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler_conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vc_conf c;
    vc_conf_default(&c);
    hs_error err;
    if (vc_conf_parse(&c, (const char *)data, size, "fuzz.conf", NULL, &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.conf") != 0 ||
            (err.line < 1 && strcmp(err.text, "out of memory") != 0))
            abort();
        vc_conf_free(&c);
        return 0;
    }
    if (c.nactions > VC_MAX_ACTIONS || c.ntiers > VC_MAX_TIERS)
        abort();
    for (unsigned i = 0; i < c.nactions; i++)
        if (c.actions[i] >= VC_NACTIONS)
            abort();
    bool seen[VC_NPLUGINS] = {false};
    for (unsigned t = 0; t < c.ntiers; t++) {
        if (c.tiers[t].nplugins > VC_MAX_TIER_PLUGINS)
            abort();
        for (unsigned k = 0; k < c.tiers[t].nplugins; k++) {
            uint8_t id = c.tiers[t].plugins[k].id;
            if (id >= VC_NPLUGINS || seen[id])
                abort(); /* a plugin is listed once */
            seen[id] = true;
        }
    }
    for (unsigned q = 0; q < c.nqueues; q++) {
        if (!c.queues[q].name || !c.queues[q].name[0] || c.queues[q].weight < 1)
            abort();
        for (unsigned k = 0; k < q; k++)
            if (strcmp(c.queues[q].name, c.queues[k].name) == 0)
                abort();
    }
    if (c.overcommit_factor < 1 || c.binpack.weight < 0)
        abort();
    vc_conf_free(&c);
    return 0;
}
