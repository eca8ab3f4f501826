/* Applying a model to jobs (hpcsim/perf.h). */
#include "hpcsim/perf.h"

#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct hs_perf {
    const hs_model *model;
    hs_profile_rule rules[HS_PERF_MAX_RULES];
    unsigned nrules;
    const hs_cluster *cluster;
    const hs_backend_model **group; /* per cluster group */
    double cum[HS_PROFILE_N];       /* cumulative shares */
    uint64_t seed;
};

enum draw { DRAW_PROFILE = 1, DRAW_NOISE = 2, DRAW_LAUNCH = 3 };

/* splitmix64: a draw is a pure function of (seed, job, purpose). */
static double uniform(const hs_perf *p, uint32_t job, enum draw what)
{
    uint64_t z = p->seed ^ ((uint64_t)job * 0x9E3779B97F4A7C15ULL) ^ ((uint64_t)what << 56);
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0; /* in (0, 1) */
}

int hs_profile_rules_parse(const char *text, hs_profile_rule *rules, unsigned *n, hs_error *err)
{
    static const struct {
        const char *name;
        int field;
    } fields[] = {{"user", HS_SWF_USER}, {"app", HS_SWF_APP}, {"queue", HS_SWF_QUEUE}};
    char buf[2048];
    if (snprintf(buf, sizeof buf, "%s", text) >= (int)sizeof buf)
        return hs_error_set(err, "--profile-rules", 0, 0, "too long");
    *n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(tok, ':'), *eq = colon ? strchr(colon, '=') : NULL, *end = NULL;
        hs_profile_rule r = {-1, 0, HS_PROFILE_CPU};
        if (colon && eq) {
            *colon = *eq = '\0';
            for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
                if (strcmp(tok, fields[i].name) == 0)
                    r.field = fields[i].field;
            r.value = strtod(colon + 1, &end);
        }
        if (!colon || !eq || r.field < 0 || !end || *end || end == colon + 1 || hs_profile_parse(eq + 1, &r.profile) < 0)
            return hs_error_set(err, "--profile-rules", 0, 0,
                                "rule %u is not FIELD:VALUE=PROFILE (fields user, app, queue; profiles cpu, memory, "
                                "io, latency)",
                                *n + 1);
        if (*n == HS_PERF_MAX_RULES)
            return hs_error_set(err, "--profile-rules", 0, 0, "more than %d rules", HS_PERF_MAX_RULES);
        rules[(*n)++] = r;
    }
    return 0;
}

hs_perf *hs_perf_new(const hs_perf_config *cfg, const hs_cluster *c, hs_error *err)
{
    hs_perf *p = calloc(1, sizeof *p);
    if (p)
        p->group = calloc(c->ngroups ? c->ngroups : 1, sizeof *p->group);
    if (!p || !p->group) {
        free(p);
        hs_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    p->model = cfg->model;
    p->cluster = c;
    p->nrules = cfg->nrules < HS_PERF_MAX_RULES ? cfg->nrules : HS_PERF_MAX_RULES;
    if (p->nrules)
        memcpy(p->rules, cfg->rules, p->nrules * sizeof *p->rules);
    p->seed = cfg->seed;
    for (uint32_t g = 0; g < c->ngroups; g++) {
        const char *name = c->groups[g].backend ? c->groups[g].backend : cfg->backend;
        if (!name) {
            hs_error_set(err, NULL, 0, 0, "group %s has no backend: give --backend or a \"backend\" in the cluster file",
                         c->groups[g].name);
            hs_perf_free(p);
            return NULL;
        }
        p->group[g] = hs_model_backend(cfg->model, name);
        if (!p->group[g]) {
            hs_error_set(err, NULL, 0, 0, "backend '%s' (group %s) is not in the model", name, c->groups[g].name);
            hs_perf_free(p);
            return NULL;
        }
    }
    double total = 0;
    for (int i = 0; i < HS_PROFILE_N; i++)
        total += cfg->share[i];
    for (int i = 0; i < HS_PROFILE_N; i++)
        p->cum[i] = (i ? p->cum[i - 1] : 0) + (total > 0 ? cfg->share[i] / total : i == HS_PROFILE_CPU);
    return p;
}

void hs_perf_free(hs_perf *p)
{
    if (!p)
        return;
    free(p->group);
    free(p);
}

const hs_backend_model *hs_perf_node_backend(const hs_perf *p, uint32_t node)
{
    const hs_cluster *c = p->cluster;
    for (uint32_t g = 0; g < c->ngroups; g++)
        if (node >= c->groups[g].first_node && node < c->groups[g].first_node + c->groups[g].count)
            return p->group[g];
    return p->group[0];
}

enum hs_profile hs_perf_profile(const hs_perf *p, const hs_job *job, uint32_t idx)
{
    for (unsigned i = 0; i < p->nrules; i++)
        if (job->swf.f[p->rules[i].field] == p->rules[i].value)
            return p->rules[i].profile;
    double u = uniform(p, idx, DRAW_PROFILE);
    for (int i = 0; i < HS_PROFILE_N; i++)
        if (u < p->cum[i])
            return (enum hs_profile)i;
    return HS_PROFILE_CPU;
}

double hs_perf_noise(const hs_perf *p, const hs_backend_model *b, uint32_t job)
{
    if (!b->noise_known || b->noise_sigma <= 0)
        return 1;
    return exp(b->noise_mu + b->noise_sigma * gsl_cdf_ugaussian_Pinv(uniform(p, job, DRAW_NOISE)));
}

/* The inverse of the piecewise-linear distribution through the quantiles,
 * flat beyond the first and last. */
double hs_perf_launch(const hs_perf *p, const hs_backend_model *b, uint32_t job)
{
    if (b->nquantiles == 0)
        return 0;
    double u = uniform(p, job, DRAW_LAUNCH);
    const double(*q)[2] = b->launch_q;
    if (u <= q[0][0])
        return q[0][1];
    for (unsigned i = 1; i < b->nquantiles; i++)
        if (u <= q[i][0])
            return q[i - 1][1] + (u - q[i - 1][0]) / (q[i][0] - q[i - 1][0]) * (q[i][1] - q[i - 1][1]);
    return q[b->nquantiles - 1][1];
}

double hs_perf_factor(const hs_backend_model *b, enum hs_profile prof, unsigned k)
{
    double f = b->overhead[prof].known ? b->overhead[prof].median : 1;
    if (k == 0 || b->ncurves[prof] == 0)
        return f;
    const hs_interference *c = &b->curves[prof][0];
    for (unsigned i = 0; i < b->ncurves[prof]; i++)
        if (strcmp(b->curves[prof][i].host, "idle") == 0) {
            c = &b->curves[prof][i];
            break;
        }
    double slowdown = 1 + c->a * pow((double)k, c->b);
    /* a curve fitted with a < 0 (co-runners that speed a job up, as the
     * pipe benchmark on this project's 2-CPU host shows) must not give a
     * zero or negative time when extrapolated */
    return f * (slowdown > 0.1 ? slowdown : 0.1);
}

/* The engine's seam (hpcsim/engine.h): it reaches these only through the
 * table, so the engine never depends on this room. */
static void seam_terms(const void *model, const hs_job *job, uint32_t idx, uint32_t first_node, hs_job_terms *out)
{
    const hs_perf *p = model;
    const hs_backend_model *b = hs_perf_node_backend(p, first_node);
    out->backend = b;
    out->profile = (int)hs_perf_profile(p, job, idx);
    out->noise = hs_perf_noise(p, b, idx);
    out->launch = hs_perf_launch(p, b, idx);
}

static double seam_factor(const void *model, const hs_job_terms *t, unsigned k)
{
    return hs_perf_factor(t->backend, (enum hs_profile)t->profile, k);
}

const hs_perf_ops hs_perf_engine_ops = {seam_terms, seam_factor};
