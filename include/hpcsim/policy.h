/* The seam between the engine and a scheduling policy. A policy is a
 * table of functions. The engine tells it of arrivals, ends and wake-ups,
 * then calls schedule() once after all events of the same instant. The
 * policy answers only through hs_engine_start_job() (an explicit
 * allocation) and hs_engine_wakeup_at(); it never sees the event queue or
 * moves the clock. Adding a scheduler = a folder under models/policy/ and
 * one line in the registry (models/policy/registry.c). */
#ifndef HPCSIM_POLICY_H
#define HPCSIM_POLICY_H

#include "hpcsim/error.h"
#include "hpcsim/trace.h"

struct hs_engine;

struct hs_policy_ops {
    const char *name;
    const char *summary; /* one line for --help */
    /* Builds the policy's state for this engine's cluster and trace. */
    int (*create)(struct hs_engine *eng, void **state, hs_error *err);
    void (*destroy)(void *state);
    void (*job_submitted)(void *state, hs_job *job);
    void (*job_ended)(void *state, hs_job *job); /* completed or killed */
    void (*wakeup)(void *state);
    /* One scheduling pass at the engine's current time. */
    int (*schedule)(void *state, hs_error *err);
};

const struct hs_policy_ops *hs_policy_find(const char *name);
/* NULL-terminated list of every registered policy. */
const struct hs_policy_ops *const *hs_policy_all(void);

#endif
