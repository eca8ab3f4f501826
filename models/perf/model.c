/* Model files (hpcsim/model.h): reading with validation, and writing.
 * Every error names the file and the JSON path of the field at fault;
 * unknown keys are refused, as in cluster descriptions. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/model.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/json_fields.h"

static const char *const profile_names[HS_PROFILE_N] = {"cpu", "memory", "io", "latency"};

const char *hs_profile_name(enum hs_profile p) { return p < HS_PROFILE_N ? profile_names[p] : "?"; }

int hs_profile_parse(const char *name, enum hs_profile *out)
{
    for (int p = 0; p < HS_PROFILE_N; p++)
        if (strcmp(name, profile_names[p]) == 0) {
            *out = (enum hs_profile)p;
            return 0;
        }
    return -1;
}

/* What a reader needs to name a field: the file and the path so far. */
typedef struct ctx {
    const char *src;
    hs_error *err;
} ctx;

static int need_number(const ctx *c, const json_t *obj, const char *path, const char *key, double min, double max,
                       double *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: missing (a number is required)", path, key);
    if (!json_is_number(v))
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: expected a number, got %s", path, key, hs_json_kind(v));
    double x = json_number_value(v);
    if (!(x >= min && x <= max))
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: %g is out of range [%g, %g]", path, key, x, min, max);
    *out = x;
    return 0;
}

static int need_count(const ctx *c, const json_t *obj, const char *path, const char *key, unsigned *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: missing (a count is required)", path, key);
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000000000)
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: expected a positive integer, got %s", path, key,
                            json_is_integer(v) ? "a number out of range" : hs_json_kind(v));
    *out = (unsigned)json_integer_value(v);
    return 0;
}

/* Copies obj[key] (a non-empty string, at most cap-1 bytes); absent is
 * an error only when required. */
static int get_name(const ctx *c, const json_t *obj, const char *path, const char *key, int required, char *out,
                    size_t cap)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return required ? hs_error_set(c->err, c->src, 0, 0, "%s.%s: missing (a name is required)", path, key) : 0;
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) >= cap)
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: expected a name of 1 to %zu characters, got %s", path, key,
                            cap - 1, json_is_string(v) ? "a string of another length" : hs_json_kind(v));
    snprintf(out, cap, "%s", json_string_value(v));
    return 0;
}

static int get_bool(const ctx *c, const json_t *obj, const char *path, const char *key, bool *out)
{
    json_t *v = json_object_get(obj, key);
    if (!v)
        return 0;
    if (!json_is_boolean(v))
        return hs_error_set(c->err, c->src, 0, 0, "%s.%s: expected true or false, got %s", path, key, hs_json_kind(v));
    *out = json_is_true(v);
    return 0;
}

static int need_object(const ctx *c, const json_t *v, const char *path)
{
    if (!json_is_object(v))
        return hs_error_set(c->err, c->src, 0, 0, "%s: expected an object, got %s", path, v ? hs_json_kind(v) : "nothing");
    return 0;
}

static int read_overhead(const ctx *c, const json_t *obj, const char *path, hs_overhead *o)
{
    static const char *const keys[] = {"median", "ci", "n", "benchmark", NULL};
    if (need_object(c, obj, path) < 0 || hs_json_check_keys(obj, keys, c->src, path, c->err) < 0 ||
        need_number(c, obj, path, "median", 1e-6, 1e6, &o->median) < 0 || need_count(c, obj, path, "n", &o->n) < 0 ||
        get_name(c, obj, path, "benchmark", 0, o->benchmark, sizeof o->benchmark) < 0)
        return -1;
    json_t *ci = json_object_get(obj, "ci");
    if (!json_is_array(ci) || json_array_size(ci) != 2 || !json_is_number(json_array_get(ci, 0)) ||
        !json_is_number(json_array_get(ci, 1)))
        return hs_error_set(c->err, c->src, 0, 0, "%s.ci: expected [low, high], two numbers", path);
    o->lo = json_number_value(json_array_get(ci, 0));
    o->hi = json_number_value(json_array_get(ci, 1));
    if (!(o->lo <= o->median && o->median <= o->hi))
        return hs_error_set(c->err, c->src, 0, 0, "%s.ci: [%g, %g] does not contain the median %g", path, o->lo, o->hi,
                            o->median);
    o->known = true;
    return 0;
}

static int read_curve(const ctx *c, const json_t *obj, const char *path, hs_interference *k)
{
    static const char *const keys[] = {"corunner", "host", "a", "b", "b_fixed", "cov", "chi2_dof", "points", "k_max",
                                       NULL};
    if (need_object(c, obj, path) < 0 || hs_json_check_keys(obj, keys, c->src, path, c->err) < 0 ||
        get_name(c, obj, path, "corunner", 1, k->corunner, sizeof k->corunner) < 0 ||
        get_name(c, obj, path, "host", 1, k->host, sizeof k->host) < 0 ||
        /* the slowdown 1 + a·k^b must stay positive, and b sane */
        need_number(c, obj, path, "a", -0.99, 1e3, &k->a) < 0 || need_number(c, obj, path, "b", 0, 4, &k->b) < 0 ||
        get_bool(c, obj, path, "b_fixed", &k->b_fixed) < 0 ||
        need_number(c, obj, path, "chi2_dof", 0, 1e12, &k->chi2_dof) < 0 ||
        need_count(c, obj, path, "points", &k->points) < 0 || need_count(c, obj, path, "k_max", &k->k_max) < 0)
        return -1;
    json_t *cov = json_object_get(obj, "cov");
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            json_t *row = json_array_get(cov, (size_t)i), *v = json_array_get(row, (size_t)j);
            if (!json_is_array(cov) || json_array_size(cov) != 2 || !json_is_array(row) || json_array_size(row) != 2 ||
                !json_is_number(v))
                return hs_error_set(c->err, c->src, 0, 0, "%s.cov: expected a 2×2 matrix of numbers", path);
            k->cov[i][j] = json_number_value(v);
        }
    if (k->cov[0][0] < 0 || k->cov[1][1] < 0 || fabs(k->cov[0][1] - k->cov[1][0]) > 1e-9 * (1 + fabs(k->cov[0][1])))
        return hs_error_set(c->err, c->src, 0, 0, "%s.cov: not a covariance matrix (symmetric, variances >= 0)", path);
    return 0;
}

static int read_launch(const ctx *c, const json_t *obj, const char *path, hs_backend_model *b)
{
    static const char *const keys[] = {"n", "quantiles", NULL};
    if (need_object(c, obj, path) < 0 || hs_json_check_keys(obj, keys, c->src, path, c->err) < 0 ||
        need_count(c, obj, path, "n", &b->launch_n) < 0)
        return -1;
    json_t *q = json_object_get(obj, "quantiles");
    if (!json_is_array(q) || json_array_size(q) == 0 || json_array_size(q) > HS_MODEL_MAX_QUANTILES)
        return hs_error_set(c->err, c->src, 0, 0, "%s.quantiles: expected 1 to %d pairs [probability, seconds]", path,
                            HS_MODEL_MAX_QUANTILES);
    for (size_t i = 0; i < json_array_size(q); i++) {
        json_t *pair = json_array_get(q, i);
        json_t *p = json_array_get(pair, 0), *s = json_array_get(pair, 1);
        if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_number(p) || !json_is_number(s))
            return hs_error_set(c->err, c->src, 0, 0, "%s.quantiles[%zu]: expected [probability, seconds]", path, i);
        double pv = json_number_value(p), sv = json_number_value(s);
        if (!(pv > 0 && pv < 1) || !(sv >= 0) ||
            (i > 0 && (pv <= b->launch_q[i - 1][0] || sv < b->launch_q[i - 1][1])))
            return hs_error_set(c->err, c->src, 0, 0,
                                "%s.quantiles[%zu]: probabilities must rise within (0, 1) and seconds never fall", path,
                                i);
        b->launch_q[i][0] = pv;
        b->launch_q[i][1] = sv;
    }
    b->nquantiles = (unsigned)json_array_size(q);
    return 0;
}

static int read_model(hs_model *m, json_t *root, const char *path, hs_error *err);

static int read_backend(const ctx *c, const json_t *obj, const char *path, hs_backend_model *b)
{
    static const char *const keys[] = {"name", "layout", "emulated", "overhead", "interference", "noise", "launch",
                                       NULL};
    char sub[160];
    if (need_object(c, obj, path) < 0 || hs_json_check_keys(obj, keys, c->src, path, c->err) < 0 ||
        get_name(c, obj, path, "name", 1, b->name, sizeof b->name) < 0 ||
        get_name(c, obj, path, "layout", 0, b->layout, sizeof b->layout) < 0 ||
        get_bool(c, obj, path, "emulated", &b->emulated) < 0)
        return -1;
    const char *key;
    json_t *v;
    json_t *over = json_object_get(obj, "overhead");
    if (over) {
        snprintf(sub, sizeof sub, "%s.overhead", path);
        if (need_object(c, over, sub) < 0)
            return -1;
    }
    json_object_foreach(over, key, v) {
        enum hs_profile p;
        snprintf(sub, sizeof sub, "%s.overhead.%s", path, key);
        if (hs_profile_parse(key, &p) < 0)
            return hs_error_set(c->err, c->src, 0, 0, "%s: not a profile (cpu, memory, io, latency)", sub);
        if (read_overhead(c, v, sub, &b->overhead[p]) < 0)
            return -1;
    }
    json_t *inter = json_object_get(obj, "interference");
    if (inter) {
        snprintf(sub, sizeof sub, "%s.interference", path);
        if (need_object(c, inter, sub) < 0)
            return -1;
    }
    json_object_foreach(inter, key, v) {
        enum hs_profile p;
        snprintf(sub, sizeof sub, "%s.interference.%s", path, key);
        if (hs_profile_parse(key, &p) < 0)
            return hs_error_set(c->err, c->src, 0, 0, "%s: not a profile (cpu, memory, io, latency)", sub);
        if (!json_is_array(v) || json_array_size(v) > HS_MODEL_MAX_CURVES)
            return hs_error_set(c->err, c->src, 0, 0, "%s: expected a list of at most %d curves", sub,
                                HS_MODEL_MAX_CURVES);
        for (size_t i = 0; i < json_array_size(v); i++) {
            char at[200];
            snprintf(at, sizeof at, "%s[%zu]", sub, i);
            if (read_curve(c, json_array_get(v, i), at, &b->curves[p][i]) < 0)
                return -1;
        }
        b->ncurves[p] = (unsigned)json_array_size(v);
    }
    json_t *noise = json_object_get(obj, "noise");
    if (noise) {
        static const char *const nkeys[] = {"mu", "sigma", "n", NULL};
        snprintf(sub, sizeof sub, "%s.noise", path);
        if (need_object(c, noise, sub) < 0 || hs_json_check_keys(noise, nkeys, c->src, sub, c->err) < 0 ||
            need_number(c, noise, sub, "mu", -5, 5, &b->noise_mu) < 0 ||
            need_number(c, noise, sub, "sigma", 0, 5, &b->noise_sigma) < 0 ||
            need_count(c, noise, sub, "n", &b->noise_n) < 0)
            return -1;
        b->noise_known = true;
    }
    json_t *launch = json_object_get(obj, "launch");
    if (launch) {
        snprintf(sub, sizeof sub, "%s.launch", path);
        if (read_launch(c, launch, sub, b) < 0)
            return -1;
    }
    return 0;
}

int hs_model_load(hs_model *m, const char *path, hs_error *err)
{
    memset(m, 0, sizeof *m);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return hs_error_set(err, path, jerr.line, jerr.column, "not valid JSON: %s", jerr.text);
    return read_model(m, root, path, err);
}

int hs_model_parse(hs_model *m, const char *text, size_t len, const char *source, hs_error *err)
{
    memset(m, 0, sizeof *m);
    json_error_t jerr;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root)
        return hs_error_set(err, source, jerr.line, jerr.column, "not valid JSON: %s", jerr.text);
    return read_model(m, root, source, err);
}

/* Validates root into m; takes root. */
static int read_model(hs_model *m, json_t *root, const char *path, hs_error *err)
{
    ctx c = {path, err};
    static const char *const keys[] = {"format", "provenance", "backends", NULL};
    int rc = -1;
    if (!json_is_object(root)) {
        hs_error_set(err, path, 0, 0, "expected an object at the top, got %s", hs_json_kind(root));
        goto out;
    }
    if (hs_json_check_keys(root, keys, path, "", err) < 0)
        goto out;
    json_t *fmt = json_object_get(root, "format");
    if (!json_is_integer(fmt) || json_integer_value(fmt) != HS_MODEL_FORMAT) {
        hs_error_set(err, path, 0, 0, "format: expected %d, got %s", HS_MODEL_FORMAT,
                     json_is_integer(fmt) ? "another version" : fmt ? hs_json_kind(fmt) : "nothing");
        goto out;
    }
    json_t *prov = json_object_get(root, "provenance");
    if (need_object(&c, prov, "provenance") < 0)
        goto out;
    json_t *bs = json_object_get(root, "backends");
    if (!json_is_array(bs) || json_array_size(bs) == 0 || json_array_size(bs) > HS_MODEL_MAX_BACKENDS) {
        hs_error_set(err, path, 0, 0, "backends: expected a list of 1 to %d backends", HS_MODEL_MAX_BACKENDS);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(bs); i++) {
        char at[64];
        snprintf(at, sizeof at, "backends[%zu]", i);
        if (read_backend(&c, json_array_get(bs, i), at, &m->backends[i]) < 0)
            goto out;
        for (size_t j = 0; j < i; j++)
            if (strcmp(m->backends[j].name, m->backends[i].name) == 0) {
                hs_error_set(err, path, 0, 0, "%s.name: '%s' is already backends[%zu]", at, m->backends[i].name, j);
                goto out;
            }
        m->nbackends = (unsigned)i + 1;
    }
    m->provenance = json_dumps(prov, JSON_COMPACT | JSON_PRESERVE_ORDER);
    rc = m->provenance ? 0 : hs_error_set(err, path, 0, 0, "out of memory");
out:
    json_decref(root);
    if (rc < 0)
        hs_model_free(m);
    return rc;
}

void hs_model_free(hs_model *m)
{
    free(m->provenance);
    memset(m, 0, sizeof *m);
}

const hs_backend_model *hs_model_backend(const hs_model *m, const char *name)
{
    for (unsigned i = 0; i < m->nbackends; i++)
        if (strcmp(m->backends[i].name, name) == 0)
            return &m->backends[i];
    return NULL;
}

static json_t *backend_json(const hs_backend_model *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(b->name));
    if (b->layout[0])
        json_object_set_new(o, "layout", json_string(b->layout));
    json_object_set_new(o, "emulated", json_boolean(b->emulated));
    json_t *over = json_object(), *inter = json_object();
    for (int p = 0; p < HS_PROFILE_N; p++) {
        const hs_overhead *ov = &b->overhead[p];
        if (ov->known) {
            json_t *x = json_pack("{s:f, s:[f, f], s:i}", "median", ov->median, "ci", ov->lo, ov->hi, "n", (int)ov->n);
            if (ov->benchmark[0])
                json_object_set_new(x, "benchmark", json_string(ov->benchmark));
            json_object_set_new(over, profile_names[p], x);
        }
        if (b->ncurves[p]) {
            json_t *arr = json_array();
            for (unsigned i = 0; i < b->ncurves[p]; i++) {
                const hs_interference *k = &b->curves[p][i];
                json_array_append_new(
                    arr, json_pack("{s:s, s:s, s:f, s:f, s:b, s:[[f, f], [f, f]], s:f, s:i, s:i}", "corunner",
                                   k->corunner, "host", k->host, "a", k->a, "b", k->b, "b_fixed", k->b_fixed, "cov",
                                   k->cov[0][0], k->cov[0][1], k->cov[1][0], k->cov[1][1], "chi2_dof", k->chi2_dof,
                                   "points", (int)k->points, "k_max", (int)k->k_max));
            }
            json_object_set_new(inter, profile_names[p], arr);
        }
    }
    json_object_set_new(o, "overhead", over);
    json_object_set_new(o, "interference", inter);
    if (b->noise_known)
        json_object_set_new(o, "noise",
                            json_pack("{s:f, s:f, s:i}", "mu", b->noise_mu, "sigma", b->noise_sigma, "n", (int)b->noise_n));
    if (b->nquantiles) {
        json_t *q = json_array();
        for (unsigned i = 0; i < b->nquantiles; i++)
            json_array_append_new(q, json_pack("[f, f]", b->launch_q[i][0], b->launch_q[i][1]));
        json_object_set_new(o, "launch", json_pack("{s:i, s:o}", "n", (int)b->launch_n, "quantiles", q));
    }
    return o;
}

int hs_model_write(const hs_model *m, const char *path, hs_error *err)
{
    json_error_t jerr;
    json_t *prov = m->provenance ? json_loads(m->provenance, 0, &jerr) : json_object();
    if (!json_is_object(prov)) {
        json_decref(prov);
        return hs_error_set(err, path, 0, 0, "provenance: not a JSON object");
    }
    json_t *bs = json_array();
    for (unsigned i = 0; i < m->nbackends; i++)
        json_array_append_new(bs, backend_json(&m->backends[i]));
    json_t *root = json_pack("{s:i, s:o, s:o}", "format", HS_MODEL_FORMAT, "provenance", prov, "backends", bs);
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        json_decref(root);
        return hs_error_set(err, path, 0, 0, "path too long");
    }
    int rc = json_dump_file(root, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return hs_error_set(err, path, 0, 0, "cannot write: %s", strerror(e));
    }
    return 0;
}
