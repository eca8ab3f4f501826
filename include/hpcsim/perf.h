/* What a performance model (hpcsim/model.h) does to the jobs of a replay:
 * each node has a backend (the run's --backend, or its group's "backend"
 * in the cluster file); each job a profile (cpu, memory, io, latency), by
 * rules on its user, application or queue field, else drawn with the
 * run's seed from the shares given; a job progresses at
 *   rate = 1 / (overhead(backend, profile) × slowdown(k) × noise)
 * native seconds of work per second, where k is the largest number of
 * other jobs sharing one of its nodes and slowdown(k) = 1 + a·k^b is the
 * model's interference curve for its profile (host idle preferred); noise
 * is one lognormal draw per job; work starts after a launch delay drawn
 * from the backend's launch quantiles. A profile or curve the model lacks
 * counts as 1; a slowdown extrapolated below 0.1 is held at 0.1. Draws are hashes of (seed, job, purpose), so they do not
 * depend on the order events happen in. */
#ifndef HPCSIM_PERF_H
#define HPCSIM_PERF_H

#include <stdint.h>

#include "hpcsim/cluster.h"
#include "hpcsim/engine.h"
#include "hpcsim/model.h"
#include "hpcsim/trace.h"

typedef struct hs_perf hs_perf;

/* A job whose SWF field (user, application or queue) has this value gets
 * this profile; the first matching rule wins, before any random draw. */
typedef struct hs_profile_rule {
    int field; /* HS_SWF_USER, HS_SWF_APP or HS_SWF_QUEUE */
    double value;
    enum hs_profile profile;
} hs_profile_rule;

#define HS_PERF_MAX_RULES 64

/* "app:7=memory,queue:2=io,user:15=latency" into rules. */
int hs_profile_rules_parse(const char *text, hs_profile_rule *rules, unsigned *n, hs_error *err);

typedef struct hs_perf_config {
    const hs_model *model;
    const char *backend;               /* nodes whose group names none */
    double share[HS_PROFILE_N];        /* of jobs per profile; all 0 = every job cpu */
    uint64_t seed;
    const hs_profile_rule *rules;      /* tried first, in order */
    unsigned nrules;
} hs_perf_config;

/* Resolves every group's backend in the model; refuses a backend the
 * model lacks, naming it. */
hs_perf *hs_perf_new(const hs_perf_config *cfg, const hs_cluster *c, hs_error *err);
void hs_perf_free(hs_perf *p);

const hs_backend_model *hs_perf_node_backend(const hs_perf *p, uint32_t node);
enum hs_profile hs_perf_profile(const hs_perf *p, const hs_job *job, uint32_t idx);
double hs_perf_noise(const hs_perf *p, const hs_backend_model *b, uint32_t job);
double hs_perf_launch(const hs_perf *p, const hs_backend_model *b, uint32_t job);
/* overhead × slowdown(k): the factor on a job's run time. */
double hs_perf_factor(const hs_backend_model *b, enum hs_profile prof, unsigned k);

/* The table the engine is handed (hs_engine_options.perf_ops), with an
 * hs_perf as its model. */
extern const hs_perf_ops hs_perf_engine_ops;

#endif
