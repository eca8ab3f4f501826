/* Fluxion's configuration (config.h). The defaults are Fluxion's own
 * (flux-config-sched-fluxion-qmanager(5) and -resource(5)): queue policy
 * fcfs, queue-depth 32 (capped by max-queue-depth 1,000,000), hybrid's
 * reservation-depth 64 (capped by max-reservation-depth 100,000), easy
 * fixed at 1, conservative at the queue depth; match policy first. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/file.h"
#include "toml.h"

static const fx_match matches[] = {
    /* name, high, dynamic, node_exclusive, by_class. hinode/lonode scale a
     * node's id so that the node choice dominates: with node-centric walks
     * that is high/low; variation prefers a lower perf_class (a cluster
     * file's groups give it; missing is 9999, as in Fluxion), then low
     * order (docs/flux.md). */
    {"first", true, true, false, false},    {"firstnodex", true, true, true, false}, {"high", true, false, false, false},
    {"low", false, false, false, false},    {"hinode", true, false, false, false},   {"lonode", false, false, false, false},
    {"hinodex", true, false, true, false},  {"lonodex", false, false, true, false},  {"variation", false, false, false, true},
};

static const char *const policy_names[] = {"fcfs", "easy", "hybrid", "conservative"};
static const char *const string_keys[] = {"queue-policy", "match-policy", "prune-filters"};
static const char *const uint_keys[] = {"queue-depth", "max-queue-depth", "reservation-depth", "max-reservation-depth"};

const char *fx_queue_policy_name(enum fx_queue_policy p) { return policy_names[p]; }

/* Where a setting came from, for messages: "file:line:col: path" or
 * "--policy-opt key". */
typedef struct origin {
    const char *source;
    int line, col;
    const char *path;
} origin;

__attribute__((format(printf, 3, 4))) static int refuse(hs_error *err, const origin *o, const char *fmt, ...)
{
    char text[HS_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return hs_error_set(err, o->source, o->line, o->col, "%s: %s", o->path, text);
}

static int set_string(fx_config *c, const char *key, const char *v, const origin *o, hs_error *err)
{
    if (strcmp(key, "queue-policy") == 0) {
        for (int p = 0; p < 4; p++)
            if (strcmp(v, policy_names[p]) == 0) {
                c->queue_policy = (enum fx_queue_policy)p;
                return 0;
            }
        return refuse(err, o, "'%s' is not fcfs, easy, hybrid or conservative", v);
    }
    if (strcmp(key, "match-policy") == 0) {
        for (size_t i = 0; i < sizeof matches / sizeof matches[0]; i++)
            if (strcmp(v, matches[i].name) == 0) {
                c->match = matches[i];
                return 0;
            }
        if (strcmp(v, "locality") == 0)
            return refuse(err, o, "'%s' is not modelled (no expected outcome of Fluxion's to check it against)", v);
        return refuse(err, o,
                      "'%s' is not a match policy (first, firstnodex, high, low, hinode, lonode, hinodex, lonodex, "
                      "variation)",
                      v);
    }
    if (strcmp(key, "prune-filters") == 0) {
        char *copy = strdup(v);
        if (!copy)
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        free(c->prune_filters);
        c->prune_filters = copy;
        return 0;
    }
    return 1; /* not a string setting */
}

static int set_uint(fx_config *c, const char *key, long long v, const origin *o, hs_error *err)
{
    struct {
        const char *key;
        uint64_t *field;
        long long min;
    } ints[] = {
        {"queue-depth", &c->queue_depth, 1},
        {"max-queue-depth", &c->max_queue_depth, 1},
        {"reservation-depth", &c->reservation_depth, 0},
        {"max-reservation-depth", &c->max_reservation_depth, 0},
    };
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++)
        if (strcmp(key, ints[i].key) == 0) {
            if (v < ints[i].min || v > 100000000) {
                return refuse(err, o, "%lld is out of range (%lld to 100000000)", v, ints[i].min);
            }
            *ints[i].field = (uint64_t)v;
            return 0;
        }
    return 1;
}

/* --- the TOML file --- */

typedef struct ignored {
    char names[1024];
} ignored;

static void note_ignored(ignored *ig, const char *path)
{
    size_t n = strlen(ig->names);
    snprintf(ig->names + n, sizeof ig->names - n, "%s%s", n ? ", " : "", path);
}

static int toml_setting(fx_config *c, const fx_toml *v, const char *table, const char *src, ignored *ig,
                        hs_error *err);

/* A table of key = value settings (queue-params, policy-params), or the
 * same as one string "key=value,key=value" (the module-option form). */
static int toml_params(fx_config *c, const fx_toml *v, const char *table, const char *src, ignored *ig,
                       hs_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s.%s", table, v->key);
    origin o = {src, v->line, v->column, path};
    if (v->kind == FX_TOML_TABLE) {
        for (size_t i = 0; i < v->nmembers; i++)
            if (toml_setting(c, v->members[i], path, src, ig, err) < 0)
                return -1;
        return 0;
    }
    if (v->kind != FX_TOML_STRING)
        return refuse(err, &o, "expected a table or a string, got %s", fx_toml_kind_name(v->kind));
    char *copy = strdup(v->string), *save = NULL;
    if (!copy)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '='), *end = NULL;
        long long n = eq ? strtoll(eq + 1, &end, 10) : 0;
        if (eq)
            *eq = '\0';
        int rc = !eq || !end || *end || end == eq + 1 ? refuse(err, &o, "'%s' is not KEY=INTEGER", kv)
                                                      : set_uint(c, kv, n, &o, err);
        if (rc == 1) {
            char p[300];
            snprintf(p, sizeof p, "%s.%s", path, kv);
            note_ignored(ig, p);
        }
        if (rc < 0) {
            free(copy);
            return -1;
        }
    }
    free(copy);
    return 0;
}

static int toml_setting(fx_config *c, const fx_toml *v, const char *table, const char *src, ignored *ig,
                        hs_error *err)
{
    char path[256];
    snprintf(path, sizeof path, "%s.%s", table, v->key);
    origin o = {src, v->line, v->column, path};
    for (size_t i = 0; i < sizeof string_keys / sizeof string_keys[0]; i++)
        if (strcmp(v->key, string_keys[i]) == 0) {
            if (v->kind != FX_TOML_STRING)
                return refuse(err, &o, "expected a string, got %s", fx_toml_kind_name(v->kind));
            return set_string(c, v->key, v->string, &o, err);
        }
    for (size_t i = 0; i < sizeof uint_keys / sizeof uint_keys[0]; i++)
        if (strcmp(v->key, uint_keys[i]) == 0) {
            if (v->kind != FX_TOML_INTEGER)
                return refuse(err, &o, "expected an integer, got %s", fx_toml_kind_name(v->kind));
            return set_uint(c, v->key, v->integer, &o, err);
        }
    if (strcmp(v->key, "queue-params") == 0 || strcmp(v->key, "policy-params") == 0)
        return toml_params(c, v, table, src, ig, err);
    note_ignored(ig, path);
    return 0;
}

static int read_file(fx_config *c, const char *path, FILE *warn, hs_error *err)
{
    fx_toml *root = fx_toml_load(path, err);
    if (!root)
        return -1;
    ignored ig = {""};
    int rc = 0;
    for (size_t i = 0; i < root->nmembers && rc == 0; i++) {
        const fx_toml *t = root->members[i];
        bool ours = strcmp(t->key, "sched-fluxion-qmanager") == 0 || strcmp(t->key, "sched-fluxion-resource") == 0;
        if (!ours) {
            note_ignored(&ig, t->key);
            continue;
        }
        if (t->kind != FX_TOML_TABLE) {
            origin o = {path, t->line, t->column, t->key};
            rc = refuse(err, &o, "expected a table, got %s", fx_toml_kind_name(t->kind));
            break;
        }
        for (size_t k = 0; k < t->nmembers && rc == 0; k++)
            rc = toml_setting(c, t->members[k], t->key, path, &ig, err);
    }
    if (rc == 0 && warn && ig.names[0])
        fprintf(warn, "%s: keys with no effect on scheduling, ignored: %s\n", path, ig.names);
    fx_toml_free(root);
    return rc < 0 ? -1 : 0;
}

/* --- --policy-opt --- */

static int read_option(fx_config *c, const hs_policy_opt *opt, hs_error *err)
{
    char path[128];
    snprintf(path, sizeof path, "%s", opt->key);
    origin o = {"--policy-opt", 0, 0, path};
    int rc = set_string(c, opt->key, opt->value, &o, err);
    if (rc != 1)
        return rc;
    char *end = NULL;
    errno = 0;
    long long n = strtoll(opt->value, &end, 10);
    bool number = end && end != opt->value && !*end && errno == 0;
    if (strcmp(opt->key, "sockets-per-node") == 0) {
        if (!number || n < 1 || n > FX_MAX_SOCKETS)
            return refuse(err, &o, "'%s' is not an integer in [1, 64]", opt->value);
        c->sockets_per_node = (uint32_t)n;
        return 0;
    }
    if (strcmp(opt->key, "urgency") == 0) {
        if (strcmp(opt->value, "queue") != 0 && strcmp(opt->value, "default") != 0)
            return refuse(err, &o, "'%s' is neither queue nor default", opt->value);
        c->urgency_from_queue = strcmp(opt->value, "queue") == 0;
        return 0;
    }
    if (strcmp(opt->key, "slot") == 0) {
        if (strcmp(opt->value, "core") != 0 && strcmp(opt->value, "socket") != 0)
            return refuse(err, &o, "'%s' is neither core nor socket", opt->value);
        c->socket_slots = strcmp(opt->value, "socket") == 0;
        return 0;
    }
    if (strcmp(opt->key, "log") == 0) {
        free(c->log_path);
        if (!(c->log_path = strdup(opt->value)))
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        return 0;
    }
    for (size_t i = 0; i < sizeof uint_keys / sizeof uint_keys[0]; i++)
        if (strcmp(opt->key, uint_keys[i]) == 0)
            return number ? set_uint(c, opt->key, n, &o, err)
                          : refuse(err, &o, "'%s' is not an integer", opt->value);
    return hs_error_set(err, "--policy-opt", 0, 0,
                            "flux has no option '%s' (its options: queue-policy, queue-depth, max-queue-depth, "
                            "reservation-depth, max-reservation-depth, match-policy, prune-filters, "
                            "sockets-per-node, slot, urgency, log)",
                            opt->key);
}

int fx_config_read(fx_config *c, const hs_policy_args *args, hs_error *err)
{
    memset(c, 0, sizeof *c);
    c->queue_policy = FX_FCFS;
    c->queue_depth = 32;
    c->max_queue_depth = 1000000;
    c->reservation_depth = 64;
    c->max_reservation_depth = 100000;
    c->match = matches[0];
    c->sockets_per_node = 1;
    if (!(c->prune_filters = strdup("ALL:core,ALL:node")))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (args->nconf > 1)
        return hs_error_set(err, "--policy flux", 0, 0, "reads one TOML file, %u --policy-conf files were given",
                            args->nconf);
    if (!(c->source = strdup(args->nconf ? args->conf[0] : "--policy-opt")))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    if (args->nconf && read_file(c, args->conf[0], args->warn, err) < 0)
        return -1;
    for (unsigned i = 0; i < args->nopts; i++)
        if (read_option(c, &args->opts[i], err) < 0)
            return -1;
    /* What each policy makes of the depths (Fluxion's queue policies). */
    if (c->queue_depth > c->max_queue_depth)
        c->queue_depth = c->max_queue_depth;
    switch (c->queue_policy) {
    case FX_FCFS: c->reservation_depth = 0; break;
    case FX_EASY: c->reservation_depth = 1; break;
    case FX_HYBRID:
        if (c->reservation_depth > c->max_reservation_depth)
            c->reservation_depth = c->max_reservation_depth;
        break;
    case FX_CONSERVATIVE:
        c->reservation_depth = c->max_reservation_depth < c->queue_depth ? c->max_reservation_depth : c->queue_depth;
        break;
    }
    if (c->log_path && !(c->log = fopen(c->log_path, "w")))
        return hs_error_set(err, c->log_path, 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

int fx_config_finish(fx_config *c, hs_error *err)
{
    if (!c->log)
        return 0;
    FILE *log = c->log;
    c->log = NULL;
    if (hs_file_close(log, c->log_path, err) < 0) { /* a full disk: no log that looks complete */
        remove(c->log_path);
        return -1;
    }
    return 0;
}

void fx_config_free(fx_config *c)
{
    if (c->log) { /* not finished: the run failed, and a partial log must not look complete */
        fclose(c->log);
        remove(c->log_path);
    }
    free(c->log_path);
    free(c->prune_filters);
    free(c->source);
    memset(c, 0, sizeof *c);
}
