#define _GNU_SOURCE
/* Plans: points, blocks, their order and a digest (plan.h). */
#include "plan.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdlib.h>
#include <string.h>

#include "backends/backend.h"

static const char *const level_names[HC_HOST_N] = {"idle", "half", "full"};
static const char *const bench_names[] = {"stream", "compute", "wakeup", "pipe", "disk", "launch"};
static const char *const kind_names[] = {"cpu", "mem", "disk"};

const char *hc_host_level_name(enum hc_host_level l) { return l < HC_HOST_N ? level_names[l] : "?"; }

void hc_plan_config_default(hc_plan_config *c)
{
    memset(c, 0, sizeof *c);
    hs_error err;
    hc_plan_set_list(c, "backends", "native,lxc", &err);
    hc_plan_set_list(c, "layouts", "pin", &err);
    hc_plan_set_list(c, "benches", "stream,compute,wakeup,pipe,disk,launch", &err);
    hc_plan_set_list(c, "kinds", "mem", &err);
    hc_plan_set_list(c, "levels", "idle,full", &err);
    c->max_corunners = 1;
    c->reps = 10;
    c->vcpus = 1;
    c->seconds = 1.0;
    c->housekeeping = 0;
    c->seed = 1;
}

static int known(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return (int)i;
    return -1;
}

int hc_plan_set_list(hc_plan_config *c, const char *what, const char *list, hs_error *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", list);
    unsigned n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save), n++) {
        if (n == HC_LIST_MAX)
            return hs_error_set(err, what, 0, 0, "more than %d entries", HC_LIST_MAX);
        if (strlen(tok) >= HC_NAME_MAX)
            return hs_error_set(err, what, 0, 0, "'%s' is too long", tok);
        for (unsigned i = 0; i < n; i++) {
            const char *prev = strcmp(what, "backends") == 0 ? c->backends[i]
                               : strcmp(what, "benches") == 0 ? c->benches[i]
                               : strcmp(what, "kinds") == 0  ? c->kinds[i]
                               : strcmp(what, "layouts") == 0 ? hc_layout_name(c->layouts[i])
                                                               : hc_host_level_name(c->levels[i]);
            if (strcmp(prev, tok) == 0)
                return hs_error_set(err, what, 0, 0, "'%s' is listed twice", tok);
        }
        if (strcmp(what, "backends") == 0) {
            if (!hc_backend_find(tok))
                return hs_error_set(err, what, 0, 0, "unknown backend '%s' (native, lxc, kvm)", tok);
            snprintf(c->backends[n], HC_NAME_MAX, "%s", tok);
        } else if (strcmp(what, "layouts") == 0) {
            if (hc_layout_parse(tok, &c->layouts[n]) < 0)
                return hs_error_set(err, what, 0, 0, "unknown layout '%s' (def, pin_def, pin, vtune, kubevirt)", tok);
        } else if (strcmp(what, "benches") == 0) {
            if (known(bench_names, 6, tok) < 0)
                return hs_error_set(err, what, 0, 0,
                                    "unknown benchmark '%s' (stream, compute, wakeup, pipe, disk, launch)", tok);
            snprintf(c->benches[n], HC_NAME_MAX, "%s", tok);
        } else if (strcmp(what, "kinds") == 0) {
            if (known(kind_names, 3, tok) < 0)
                return hs_error_set(err, what, 0, 0, "unknown load kind '%s' (cpu, mem, disk)", tok);
            snprintf(c->kinds[n], HC_NAME_MAX, "%s", tok);
        } else if (strcmp(what, "levels") == 0) {
            int l = known(level_names, HC_HOST_N, tok);
            if (l < 0)
                return hs_error_set(err, what, 0, 0, "unknown host load level '%s' (idle, half, full)", tok);
            c->levels[n] = (enum hc_host_level)l;
        } else {
            return hs_error_set(err, what, 0, 0, "not a list of this plan");
        }
    }
    if (n == 0)
        return hs_error_set(err, what, 0, 0, "the list is empty");
    if (strcmp(what, "backends") == 0)
        c->nbackends = n;
    else if (strcmp(what, "layouts") == 0)
        c->nlayouts = n;
    else if (strcmp(what, "benches") == 0)
        c->nbenches = n;
    else if (strcmp(what, "kinds") == 0)
        c->nkinds = n;
    else
        c->nlevels = n;
    return 0;
}

void hc_plan_free(hc_plan *p)
{
    free(p->points);
    free(p->blocks);
    memset(p, 0, sizeof *p);
}

static unsigned long long fnv(const char *s, unsigned long long h)
{
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int hc_plan_build(hc_plan *p, const hc_plan_config *cfg, hs_error *err)
{
    memset(p, 0, sizeof *p);
    p->cfg = *cfg;
    if (cfg->reps == 0 || cfg->vcpus == 0 || !(cfg->seconds > 0))
        return hs_error_set(err, "plan", 0, 0, "repetitions, vCPUs and the window must be positive");
    unsigned loads = 1 + cfg->max_corunners * cfg->nkinds; /* k = 0 once, then k = 1..K of each kind */
    unsigned n = cfg->nlayouts * cfg->nbenches * loads * cfg->nlevels;
    if (!(p->points = calloc(n, sizeof *p->points)) || !(p->blocks = calloc((size_t)n * cfg->reps, sizeof *p->blocks)))
        return hs_error_set(err, "plan", 0, 0, "out of memory");
    unsigned long long h = 1469598103934665603ull;
    char desc[256];
    snprintf(desc, sizeof desc, "v1 vcpus=%u hk=%u seconds=%g reps=%u seed=%llu backends=", cfg->vcpus,
             cfg->housekeeping, cfg->seconds, cfg->reps, cfg->seed);
    h = fnv(desc, h);
    for (unsigned b = 0; b < cfg->nbackends; b++)
        h = fnv(cfg->backends[b], fnv(",", h));
    for (unsigned l = 0; l < cfg->nlayouts; l++)
        for (unsigned be = 0; be < cfg->nbenches; be++)
            for (unsigned ld = 0; ld < loads; ld++)
                for (unsigned lv = 0; lv < cfg->nlevels; lv++) {
                    hc_point *pt = &p->points[p->npoints++];
                    pt->layout = cfg->layouts[l];
                    pt->bench = be;
                    pt->kind = ld == 0 ? -1 : (int)((ld - 1) % cfg->nkinds);
                    pt->k = ld == 0 ? 0 : (ld - 1) / cfg->nkinds + 1;
                    pt->level = cfg->levels[lv];
                    snprintf(pt->id, sizeof pt->id, "%s/%s/%s%u/%s", hc_layout_name(pt->layout), cfg->benches[be],
                             pt->kind < 0 ? "none" : cfg->kinds[pt->kind], pt->k, hc_host_level_name(pt->level));
                    h = fnv(pt->id, fnv(";", h));
                }
    snprintf(p->digest, sizeof p->digest, "%016llx", h);
    for (unsigned i = 0; i < p->npoints; i++)
        for (unsigned r = 0; r < cfg->reps; r++) {
            hc_block *b = &p->blocks[p->nblocks++];
            b->point = i;
            b->rep = r;
            snprintf(b->id, sizeof b->id, "%s/r%u", p->points[i].id, r);
        }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return hs_error_set(err, "plan", 0, 0, "out of memory");
    gsl_rng_set(rng, (unsigned long)cfg->seed);
    gsl_ran_shuffle(rng, p->blocks, p->nblocks, sizeof *p->blocks);
    gsl_rng_free(rng);
    return 0;
}

void hc_plan_run_order(const hc_plan *p, unsigned b, unsigned *order)
{
    unsigned n = 2 * p->cfg.nbackends;
    for (unsigned i = 0; i < n; i++)
        order[i] = i;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng)
        return;
    gsl_rng_set(rng, (unsigned long)fnv(p->blocks[b].id, p->cfg.seed * 1099511628211ull + 1));
    gsl_ran_shuffle(rng, order, n, sizeof *order);
    gsl_rng_free(rng);
}

double hc_plan_estimate(const hc_plan *p)
{
    double per_run = p->cfg.seconds + 0.15; /* settle + start-up of the benchmark */
    double warmup = (p->cfg.seconds < 0.2 ? p->cfg.seconds : 0.2) + 0.15;
    double per_block = 2.0 * p->cfg.nbackends * per_run + p->cfg.nbackends * (warmup + 0.2);
    /* a kvm node boots for each run (3 per block) and each co-runner
     * once; 15 s is a boot under TCG here, so on a KVM host (1-2 s) the
     * estimate errs long */
    int kvm = 0;
    for (unsigned b = 0; b < p->cfg.nbackends; b++)
        kvm |= strcmp(p->cfg.backends[b], "kvm") == 0;
    double total = per_block * p->nblocks;
    for (unsigned i = 0; kvm && i < p->nblocks; i++)
        total += 15.0 * (3 + p->points[p->blocks[i].point].k);
    return total;
}

void hc_plan_print(const hc_plan *p, FILE *out)
{
    const hc_plan_config *c = &p->cfg;
    fprintf(out, "plan %s: %u points × %u repetitions = %u blocks; each block measures", p->digest, p->npoints,
            c->reps, p->nblocks);
    for (unsigned b = 0; b < c->nbackends; b++)
        fprintf(out, " %s", c->backends[b]);
    fprintf(out, " with load off and on (%u runs of %g s)\n", 2 * c->nbackends * p->nblocks, c->seconds);
    fprintf(out, "nodes of %u vCPU%s, %u housekeeping core%s, seed %llu\n", c->vcpus, c->vcpus > 1 ? "s" : "",
            c->housekeeping, c->housekeeping == 1 ? "" : "s", c->seed);
    for (unsigned i = 0; i < p->npoints; i++)
        fprintf(out, "  point %s\n", p->points[i].id);
    double est = hc_plan_estimate(p);
    fprintf(out, "estimated duration: %.0f s (%.1f min)\n", est, est / 60);
}
