/* slurm.conf reader (conf.h). */
#define _POSIX_C_SOURCE 200809L
#include "conf.h"
#include "text_file.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double hs_slurm_time(const char *t)
{
    if (!strcasecmp(t, "INFINITE") || !strcasecmp(t, "UNLIMITED"))
        return -1;
    long v[4] = {0, 0, 0, 0};
    int n = 0;
    long days = 0;
    const char *p = t, *dash = strchr(t, '-');
    char *end;
    if (dash) {
        days = strtol(t, &end, 10);
        if (end != dash || end == t || days < 0)
            return -2;
        p = dash + 1;
    }
    while (*p) {
        if (n == 3 || !isdigit((unsigned char)*p))
            return -2;
        v[n++] = strtol(p, &end, 10);
        p = end;
        if (*p == ':')
            p++;
        else if (*p)
            return -2;
    }
    if (n == 0)
        return -2;
    if (dash) /* days-hours[:minutes[:seconds]] */
        return days * 86400.0 + v[0] * 3600.0 + v[1] * 60.0 + v[2];
    if (n == 1) /* minutes */
        return v[0] * 60.0;
    if (n == 2) /* minutes:seconds */
        return v[0] * 60.0 + v[1];
    return v[0] * 3600.0 + v[1] * 60.0 + v[2];
}

static void note_ignored(hs_slurm_conf *c, const char *key)
{
    for (uint32_t i = 0; i < c->nignored; i++)
        if (!strcasecmp(c->ignored[i], key))
            return;
    char **more = realloc(c->ignored, (c->nignored + 1) * sizeof *more);
    if (more && (more[c->nignored] = strdup(key))) {
        c->ignored = more;
        c->nignored++;
    } else if (more) {
        c->ignored = more;
    }
}

static int add_kv(hs_slurm_kv **arr, uint32_t *n, const char *key, const char *value, long line)
{
    hs_slurm_kv *more = realloc(*arr, (*n + 1) * sizeof *more);
    if (!more)
        return -1;
    *arr = more;
    more[*n].key = strdup(key);
    more[*n].value = strdup(value);
    more[*n].line = line;
    if (!more[*n].key || !more[*n].value) {
        free(more[*n].key);
        free(more[*n].value);
        return -1;
    }
    (*n)++;
    return 0;
}

typedef struct reader {
    hs_slurm_conf *c;
    const char *src;
    long line;
    hs_error *err;
    hs_slurm_node node_default;
    hs_slurm_partition part_default;
} reader;

static int node_line(reader *r, char **keys, char **vals, int n)
{
    hs_slurm_node nd = r->node_default;
    int cpus_given = nd.cpus != 0; /* from a DEFAULT line */
    for (int i = 1; i < n; i++) {
        uint64_t x;
        const char *k = keys[i];
        uint32_t *field = !strcasecmp(k, "CPUs") || !strcasecmp(k, "Procs") ? &nd.cpus
                          : !strcasecmp(k, "Sockets") || !strcasecmp(k, "SocketsPerBoard") ? &nd.sockets
                          : !strcasecmp(k, "CoresPerSocket")                                ? &nd.cores_per_socket
                          : !strcasecmp(k, "ThreadsPerCore")                                ? &nd.threads_per_core
                          : !strcasecmp(k, "Weight")                                        ? &nd.weight
                                                                                            : NULL;
        if (field || !strcasecmp(k, "RealMemory")) {
            if (sl_parse_uint(vals[i], field ? UINT32_MAX : UINT64_MAX / 2, &x) < 0)
                return hs_error_set(r->err, r->src, r->line, 0, "%s=%s: expected a non-negative integer", k, vals[i]);
            if (field)
                *field = (uint32_t)x;
            else
                nd.real_memory = x;
            cpus_given |= field == &nd.cpus;
        } else {
            note_ignored(r->c, k); /* NodeAddr, State, Feature, Gres, ...: no effect on scheduling */
        }
    }
    if (!cpus_given) /* Slurm's default: every thread of every core */
        nd.cpus = (nd.sockets ? nd.sockets : 1) * (nd.cores_per_socket ? nd.cores_per_socket : 1) *
                  (nd.threads_per_core ? nd.threads_per_core : 1);
    if (!strcasecmp(vals[0], "DEFAULT")) {
        r->node_default = nd;
        if (!cpus_given)
            r->node_default.cpus = 0; /* recomputed per line */
        return 0;
    }
    hs_hostlist hl = {0};
    char why[200];
    if (hs_hostlist_expand(&hl, vals[0], why, sizeof why) < 0) {
        hs_hostlist_free(&hl); /* the list itself may have grown */
        return hs_error_set(r->err, r->src, r->line, 0, "NodeName=%s: %s", vals[0], why);
    }
    hs_slurm_node *more = realloc(r->c->nodes, (r->c->nnodes + hl.n) * sizeof *more);
    if (!more) {
        hs_hostlist_free(&hl);
        return hs_error_set(r->err, r->src, r->line, 0, "out of memory");
    }
    r->c->nodes = more;
    nd.line = r->line;
    for (uint32_t i = 0; i < hl.n; i++) { /* twice-defined names are caught once all are read */
        more[r->c->nnodes] = nd;
        more[r->c->nnodes++].name = hl.names[i];
        hl.names[i] = NULL;
    }
    hs_hostlist_free(&hl);
    return 0;
}

static int yes_no(reader *r, const char *k, const char *v, bool *out)
{
    if (!strcasecmp(v, "YES"))
        *out = true;
    else if (!strcasecmp(v, "NO"))
        *out = false;
    else
        return hs_error_set(r->err, r->src, r->line, 0, "%s=%s: expected YES or NO", k, v);
    return 0;
}

static int partition_line(reader *r, char **keys, char **vals, int n)
{
    hs_slurm_partition p = r->part_default;
    p.nodes = NULL;
    p.nnodes = 0;
    const char *nodes = NULL;
    for (int i = 1; i < n; i++) {
        const char *k = keys[i], *v = vals[i];
        uint64_t x;
        if (!strcasecmp(k, "Nodes")) {
            nodes = v;
        } else if (!strcasecmp(k, "Default")) {
            if (yes_no(r, k, v, &p.is_default) < 0)
                return -1;
        } else if (!strcasecmp(k, "MaxTime") || !strcasecmp(k, "DefaultTime")) {
            double t = hs_slurm_time(v);
            if (t < -1)
                return hs_error_set(r->err, r->src, r->line, 0, "%s=%s: not a Slurm time (minutes, [days-]hours:minutes:seconds or INFINITE)", k, v);
            *(!strcasecmp(k, "MaxTime") ? &p.max_time : &p.default_time) = t;
        } else if (!strcasecmp(k, "PriorityTier") || !strcasecmp(k, "PriorityJobFactor") ||
                   !strcasecmp(k, "Priority")) {
            if (sl_parse_uint(v, 65533, &x) < 0)
                return hs_error_set(r->err, r->src, r->line, 0, "%s=%s: expected an integer 0..65533", k, v);
            if (strcasecmp(k, "PriorityJobFactor"))
                p.priority_tier = (uint32_t)x; /* Priority= sets both, as in Slurm */
            if (strcasecmp(k, "PriorityTier"))
                p.priority_job_factor = (uint32_t)x;
        } else if (!strcasecmp(k, "OverSubscribe") || !strcasecmp(k, "Shared")) {
            snprintf(p.oversubscribe, sizeof p.oversubscribe, "%.*s", (int)strcspn(v, ":"), v);
            for (char *c = p.oversubscribe; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            if (strcmp(p.oversubscribe, "NO") && strcmp(p.oversubscribe, "YES") && strcmp(p.oversubscribe, "FORCE") &&
                strcmp(p.oversubscribe, "EXCLUSIVE"))
                return hs_error_set(r->err, r->src, r->line, 0, "%s=%s: expected NO, YES, FORCE or EXCLUSIVE", k, v);
        } else if (!strcasecmp(k, "State")) {
            p.up = !strcasecmp(v, "UP");
        } else {
            note_ignored(r->c, k);
        }
    }
    if (!strcasecmp(vals[0], "DEFAULT")) {
        r->part_default = p;
        return 0;
    }
    if (!nodes)
        return hs_error_set(r->err, r->src, r->line, 0, "PartitionName=%s: no Nodes=", vals[0]);
    p.line = r->line;
    p.nodes = NULL;
    hs_slurm_partition *more = realloc(r->c->parts, (r->c->nparts + 1) * sizeof *more);
    if (more)
        r->c->parts = more;
    if (!more || !(p.name = strdup(vals[0])) || !(p.nodes_expr = strdup(nodes))) {
        if (more)
            free(p.name);
        return hs_error_set(r->err, r->src, r->line, 0, "out of memory");
    }
    r->c->parts = more;
    more[r->c->nparts++] = p;
    return 0;
}

/* Global keys besides Priority*, SchedulerParameters and SelectType* that
 * change what the scheduler does. */
static const char *const scheduling_keys[] = {
    "SchedulerType", "AccountingStorageType", "AccountingStorageEnforce", "FairShareDampeningFactor",
    "TopologyPlugin", "KillWait", NULL,
};

static int global_key(reader *r, const char *k, const char *v)
{
    if (!strcasecmp(k, "SchedulerParameters")) {
        char *copy = strdup(v);
        int rc = copy ? 0 : -1;
        for (char *save = NULL, *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok && rc == 0;
             tok = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(tok, '=');
            if (eq)
                *eq = '\0';
            rc = add_kv(&r->c->sched, &r->c->nsched, tok, eq ? eq + 1 : "", r->line);
        }
        free(copy);
        return rc < 0 ? hs_error_set(r->err, r->src, r->line, 0, "out of memory") : 0;
    }
    if (!strncasecmp(k, "Priority", 8))
        return add_kv(&r->c->priority, &r->c->npriority, k, v, r->line) < 0 ? hs_error_set(r->err, r->src, r->line, 0, "out of memory") : 0;
    for (const char *const *s = scheduling_keys; *s; s++)
        if (!strcasecmp(k, *s))
            return add_kv(&r->c->settings, &r->c->nsettings, k, v, r->line) < 0 ? hs_error_set(r->err, r->src, r->line, 0, "out of memory") : 0;
    if (!strcasecmp(k, "SelectType") || !strcasecmp(k, "SelectTypeParameters")) {
        char **slot = !strcasecmp(k, "SelectType") ? &r->c->select_type : &r->c->select_type_parameters;
        free(*slot);
        return (*slot = strdup(v)) ? 0 : hs_error_set(r->err, r->src, r->line, 0, "out of memory");
    }
    note_ignored(r->c, k);
    return 0;
}

/* One logical line, comments and continuations already removed. */
static int logical_line(reader *r, char *text)
{
    char *keys[256], *vals[256];
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(text, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok)
            return hs_error_set(r->err, r->src, r->line, 0, "'%s' is not Key=Value", tok);
        if (n == 256)
            return hs_error_set(r->err, r->src, r->line, 0, "more than 256 Key=Value pairs on one line");
        *eq = '\0';
        keys[n] = tok;
        vals[n++] = eq + 1;
    }
    if (n == 0)
        return 0;
    if (!strcasecmp(keys[0], "NodeName"))
        return node_line(r, keys, vals, n);
    if (!strcasecmp(keys[0], "PartitionName"))
        return partition_line(r, keys, vals, n);
    for (int i = 0; i < n; i++) /* several global keys may share a line */
        if (global_key(r, keys[i], vals[i]) < 0)
            return -1;
    return 0;
}

typedef struct name_index {
    const char *name;
    uint32_t node;
} name_index;

static int cmp_name_only(const void *a, const void *b)
{
    return strcmp(((const name_index *)a)->name, ((const name_index *)b)->name);
}

static int cmp_name(const void *a, const void *b)
{
    const name_index *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->node > y->node) - (x->node < y->node);
}

/* Catches names defined twice and gives each partition its node indexes. */
static int resolve(hs_slurm_conf *c, const char *src, hs_error *err)
{
    name_index *ix = malloc((c->nnodes ? c->nnodes : 1) * sizeof *ix);
    if (!ix)
        return hs_error_set(err, src, 0, 0, "out of memory");
    for (uint32_t i = 0; i < c->nnodes; i++)
        ix[i] = (name_index){c->nodes[i].name, i};
    qsort(ix, c->nnodes, sizeof *ix, cmp_name);
    int rc = 0;
    for (uint32_t i = 1; rc == 0 && i < c->nnodes; i++)
        if (!strcmp(ix[i - 1].name, ix[i].name))
            rc = hs_error_set(err, src, c->nodes[ix[i].node].line, 0, "node %s is defined twice (first on line %ld)",
                              ix[i].name, c->nodes[ix[i - 1].node].line);
    for (uint32_t p = 0; rc == 0 && p < c->nparts; p++) {
        hs_slurm_partition *part = &c->parts[p];
        hs_hostlist hl = {0};
        char why[200];
        int all = !strcasecmp(part->nodes_expr, "ALL");
        if (!all && hs_hostlist_expand(&hl, part->nodes_expr, why, sizeof why) < 0) {
            rc = hs_error_set(err, src, part->line, 0, "Nodes=%s: %s", part->nodes_expr, why);
        } else {
            uint32_t n = all ? c->nnodes : hl.n;
            part->nodes = malloc((n ? n : 1) * sizeof *part->nodes);
            if (!part->nodes)
                rc = hs_error_set(err, src, part->line, 0, "out of memory");
            for (uint32_t i = 0; rc == 0 && i < n; i++) {
                name_index key = {all ? c->nodes[i].name : hl.names[i], 0};
                name_index *at = all ? NULL : bsearch(&key, ix, c->nnodes, sizeof *ix, cmp_name_only);
                if (!all && !at)
                    rc = hs_error_set(err, src, part->line, 0, "PartitionName=%s: node %s has no NodeName line",
                                      part->name, key.name);
                else
                    part->nodes[part->nnodes++] = all ? i : at->node;
            }
        }
        hs_hostlist_free(&hl);
    }
    free(ix);
    return rc;
}

int hs_slurm_conf_parse(hs_slurm_conf *c, const char *text, const char *source, hs_error *err)
{
    memset(c, 0, sizeof *c);
    reader r = {c, source, 0, err, {0}, {0}};
    r.part_default.max_time = -1;
    r.part_default.default_time = -1;
    r.part_default.up = true;
    r.part_default.priority_job_factor = 1;
    r.part_default.priority_tier = 1;
    snprintf(r.part_default.oversubscribe, sizeof r.part_default.oversubscribe, "NO");
    size_t cap = strlen(text) + 1, len = 0;
    char *logical = malloc(cap);
    if (!logical)
        return hs_error_set(err, source, 0, 0, "out of memory");
    long line = 0, start = 0;
    int rc = 0;
    for (const char *p = text; rc == 0 && *p;) {
        const char *nl = strchr(p, '\n'), *end = nl ? nl : p + strlen(p);
        line++;
        if (len == 0)
            start = line;
        const char *hash = memchr(p, '#', (size_t)(end - p));
        const char *stop = hash ? hash : end;
        while (stop > p && (stop[-1] == '\r' || stop[-1] == ' ' || stop[-1] == '\t'))
            stop--;
        int more = stop > p && stop[-1] == '\\';
        /* a continuation joins the next line as it is, as Slurm does */
        memcpy(logical + len, p, (size_t)(stop - p - more));
        len += (size_t)(stop - p - more);
        if (!more || !nl) {
            logical[len] = '\0';
            r.line = start;
            rc = logical_line(&r, logical);
            len = 0;
        }
        p = nl ? nl + 1 : end;
    }
    free(logical);
    if (rc < 0) {
        hs_slurm_conf_free(c);
        return -1;
    }
    if (c->nnodes == 0) {
        hs_slurm_conf_free(c);
        return hs_error_set(err, source, 0, 0, "no NodeName line: the cluster comes from it");
    }
    if (resolve(c, source, err) < 0) {
        hs_slurm_conf_free(c);
        return -1;
    }
    return 0;
}

int hs_slurm_conf_load(hs_slurm_conf *c, const char *path, hs_error *err)
{
    memset(c, 0, sizeof *c);
    char *text = sl_read_text_file(path, err);
    if (!text)
        return -1;
    int rc = hs_slurm_conf_parse(c, text, path, err);
    free(text);
    return rc;
}

void hs_slurm_conf_free(hs_slurm_conf *c)
{
    for (uint32_t i = 0; i < c->nnodes; i++)
        free(c->nodes[i].name);
    free(c->nodes);
    for (uint32_t i = 0; i < c->nparts; i++) {
        free(c->parts[i].name);
        free(c->parts[i].nodes_expr);
        free(c->parts[i].nodes);
    }
    free(c->parts);
    for (uint32_t i = 0; i < c->nsched; i++) {
        free(c->sched[i].key);
        free(c->sched[i].value);
    }
    free(c->sched);
    for (uint32_t i = 0; i < c->npriority; i++) {
        free(c->priority[i].key);
        free(c->priority[i].value);
    }
    free(c->priority);
    for (uint32_t i = 0; i < c->nsettings; i++) {
        free(c->settings[i].key);
        free(c->settings[i].value);
    }
    free(c->settings);
    free(c->select_type);
    free(c->select_type_parameters);
    for (uint32_t i = 0; i < c->nignored; i++)
        free(c->ignored[i]);
    free(c->ignored);
    memset(c, 0, sizeof *c);
}

const char *hs_slurm_sched_param(const hs_slurm_conf *c, const char *key)
{
    for (uint32_t i = 0; i < c->nsched; i++)
        if (!strcasecmp(c->sched[i].key, key))
            return c->sched[i].value;
    return NULL;
}

const hs_slurm_kv *hs_slurm_setting(const hs_slurm_conf *c, const char *key)
{
    const hs_slurm_kv *found = NULL; /* the last one wins, as in Slurm */
    for (uint32_t i = 0; i < c->nsettings; i++)
        if (!strcasecmp(c->settings[i].key, key))
            found = &c->settings[i];
    for (uint32_t i = 0; i < c->npriority; i++)
        if (!strcasecmp(c->priority[i].key, key))
            found = &c->priority[i];
    return found;
}

int hs_slurm_conf_override(hs_slurm_conf *c, const char *key, const char *value, hs_error *err)
{
    if (!*value)
        return hs_error_set(err, "--policy-opt", 0, 0, "%s: no value", key);
    if (!strncasecmp(key, "SchedulerParameters.", 20)) {
        const char *sub = key + 20;
        if (!*sub || strchr(sub, ',') || strchr(value, ','))
            return hs_error_set(err, "--policy-opt", 0, 0, "%s=%s: one SchedulerParameters option and one value",
                                key, value);
        /* the file's own entry goes: the first one found is the one read */
        for (uint32_t i = 0; i < c->nsched; i++)
            if (!strcasecmp(c->sched[i].key, sub)) {
                free(c->sched[i].key);
                free(c->sched[i].value);
                memmove(c->sched + i, c->sched + i + 1, (c->nsched - i - 1) * sizeof *c->sched);
                c->nsched--;
                i--;
            }
        return add_kv(&c->sched, &c->nsched, sub, value, 0) < 0 ? hs_error_set(err, NULL, 0, 0, "out of memory") : 0;
    }
    if (!strcasecmp(key, "NodeName") || !strcasecmp(key, "PartitionName") || !strcasecmp(key, "SchedulerParameters"))
        return hs_error_set(err, "--policy-opt", 0, 0,
                            "%s: not settable by an option (write it in slurm.conf; a SchedulerParameters option "
                            "is SchedulerParameters.NAME=VALUE)",
                            key);
    uint32_t ignored = c->nignored;
    reader r = {c, "--policy-opt", 0, err, {0}, {0}};
    if (global_key(&r, key, value) < 0)
        return -1;
    if (c->nignored != ignored) { /* a key the model does not read would change nothing: a typo */
        free(c->ignored[--c->nignored]);
        return hs_error_set(err, "--policy-opt", 0, 0, "%s: not a slurm.conf key the model reads", key);
    }
    return 0;
}
