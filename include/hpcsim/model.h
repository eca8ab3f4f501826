/* Performance models: the contract between hpcsim-calibrate (which fits
 * them from measurements) and hpcsim (which stretches runtimes with them).
 * A model file is JSON, "format": 1, described in docs/models.md:
 *
 *   { "format": 1,
 *     "provenance": { ... where the numbers come from ... },
 *     "backends": [ { "name": "lxc", "layout": "pin", "emulated": false,
 *         "overhead": { "cpu": {"median": 1.01, "ci": [0.98, 1.04], "n": 10,
 *                               "benchmark": "compute"}, ... },
 *         "interference": { "memory": [ {"corunner": "mem", "host": "idle",
 *               "a": 0.31, "b": 1.0, "b_fixed": true, "cov": [[..,..],[..,..]],
 *               "chi2_dof": 0.9, "points": 20, "k_max": 1} ], ... },
 *         "noise": {"mu": 0.0, "sigma": 0.03, "n": 40},
 *         "launch": {"n": 10, "quantiles": [[0.05, 0.041], [0.5, 0.070], ...]} } ] }
 *
 * Overheads and slowdowns are factors on a job's runtime (> 1 = slower).
 * Interference: slowdown(k) = 1 + a·k^b for k co-located nodes running
 * the given co-runner kind. Noise: a runtime factor exp(N(mu, sigma²)).
 * Launch quantiles are in seconds. Loading validates everything and names
 * the field at fault: "model.json: backends[1].noise.sigma: ...". */
#ifndef HPCSIM_MODEL_H
#define HPCSIM_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "hpcsim/error.h"

#define HS_MODEL_FORMAT 1
#define HS_MODEL_MAX_BACKENDS 32
#define HS_MODEL_MAX_CURVES 8
#define HS_MODEL_MAX_QUANTILES 16

enum hs_profile { HS_PROFILE_CPU, HS_PROFILE_MEMORY, HS_PROFILE_IO, HS_PROFILE_LATENCY, HS_PROFILE_N };

const char *hs_profile_name(enum hs_profile p);
int hs_profile_parse(const char *name, enum hs_profile *out);

typedef struct hs_overhead {
    bool known;
    double median, lo, hi; /* factor on runtime and its 95 % interval */
    unsigned n;
    char benchmark[16];    /* what it was measured with */
} hs_overhead;

typedef struct hs_interference {
    char corunner[16]; /* the co-runners' stressor: cpu, mem, disk */
    char host[8];      /* host load level while measured: idle, half, full */
    double a, b;
    bool b_fixed;      /* too few distinct k to fit b: held at 1 */
    double cov[2][2];  /* of (a, b); b's row and column are 0 when fixed */
    double chi2_dof;   /* goodness of fit */
    unsigned points, k_max;
} hs_interference;

typedef struct hs_backend_model {
    char name[32];
    char layout[16];
    bool emulated; /* measured under emulation (QEMU TCG): not representative */
    hs_overhead overhead[HS_PROFILE_N];
    hs_interference curves[HS_PROFILE_N][HS_MODEL_MAX_CURVES];
    unsigned ncurves[HS_PROFILE_N];
    bool noise_known;
    double noise_mu, noise_sigma;
    unsigned noise_n;
    unsigned launch_n, nquantiles;
    double launch_q[HS_MODEL_MAX_QUANTILES][2]; /* (probability, seconds), increasing */
} hs_backend_model;

typedef struct hs_model {
    unsigned nbackends;
    hs_backend_model backends[HS_MODEL_MAX_BACKENDS];
    char *provenance; /* the provenance object as compact JSON text (owned) */
} hs_model;

/* Reads and validates a model file; on error nothing is kept. */
int hs_model_load(hs_model *m, const char *path, hs_error *err);
/* The same from text in memory; source names it in errors. */
int hs_model_parse(hs_model *m, const char *text, size_t len, const char *source, hs_error *err);
/* Writes it (temporary file, then rename: never a partial file). */
int hs_model_write(const hs_model *m, const char *path, hs_error *err);
void hs_model_free(hs_model *m);

const hs_backend_model *hs_model_backend(const hs_model *m, const char *name);

#endif
