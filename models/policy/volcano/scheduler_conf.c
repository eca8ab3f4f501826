/* volcano-scheduler.conf and the model's options (scheduler_conf.h). The YAML is
 * read with libyaml's document loader, so that every node carries its
 * line and column for messages. */
#include "scheduler_conf.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "hpcsim/file.h"
#include "quantity.h"

static const char *const action_names[VC_NACTIONS] = {"enqueue", "allocate", "backfill", "preempt", "reclaim"};
static const char *const plugin_names[VC_NPLUGINS] = {"priority",  "gang",       "conformance",
                                                      "drf",       "proportion", "predicates",
                                                      "nodeorder", "binpack",    "overcommit"};

const char *vc_plugin_name(enum vc_plugin p) { return plugin_names[p]; }
const char *vc_action_name(enum vc_action a) { return action_names[a]; }

static void plugin_defaults(vc_plugin_conf *p, uint8_t id)
{
    memset(p, 0, sizeof *p);
    p->id = id;
    p->job_order = p->queue_order = p->task_order = p->predicate = p->node_order = p->job_ready =
        p->job_pipelined = p->job_enqueued = p->allocatable = p->overused = true;
}

static void add_plugin(vc_tier *t, uint8_t id) { plugin_defaults(&t->plugins[t->nplugins++], id); }

static int add_queue(vc_conf *c, const char *name, hs_error *err)
{
    vc_queue_conf *q = realloc(c->queues, (c->nqueues + 1) * sizeof *q);
    if (!q)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    c->queues = q;
    q = &c->queues[c->nqueues];
    memset(q, 0, sizeof *q);
    if (!(q->name = strdup(name)))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    q->weight = 1;
    q->open = true;
    q->reclaimable = true;
    q->swf_queue = -1;
    c->nqueues++;
    return 0;
}

/* DefaultSchedulerConf (docs/volcano.md "Configuration"). */
static void set_default_tiers(vc_conf *c)
{
    c->nactions = 3;
    c->actions[0] = VC_ACT_ENQUEUE;
    c->actions[1] = VC_ACT_ALLOCATE;
    c->actions[2] = VC_ACT_BACKFILL;
    memset(c->tiers, 0, sizeof c->tiers);
    c->ntiers = 2;
    add_plugin(&c->tiers[0], VC_PL_PRIORITY);
    add_plugin(&c->tiers[0], VC_PL_GANG);
    add_plugin(&c->tiers[0], VC_PL_CONFORMANCE);
    add_plugin(&c->tiers[1], VC_PL_OVERCOMMIT);
    add_plugin(&c->tiers[1], VC_PL_DRF);
    add_plugin(&c->tiers[1], VC_PL_PREDICATES);
    add_plugin(&c->tiers[1], VC_PL_PROPORTION);
    add_plugin(&c->tiers[1], VC_PL_NODEORDER);
}

void vc_conf_default(vc_conf *c)
{
    memset(c, 0, sizeof *c);
    set_default_tiers(c);
    c->nodeorder.least = 1;
    c->nodeorder.most = 0;
    c->nodeorder.balanced = 1;
    c->binpack.weight = 1;
    c->binpack.w[VC_CPU] = 1;
    c->binpack.w[VC_MEM] = 1;
    c->overcommit_factor = 1.2;
    c->period = 1;
    c->ties = VC_TIES_RANDOM;
    c->min_feasible_nodes = 100;
    c->min_percentage = 5;
    c->percentage = 0;
    c->skip_doomed_gangs = true;
}

int vc_conf_finish(vc_conf *c, hs_error *err)
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

void vc_conf_free(vc_conf *c)
{
    if (c->log) { /* not finished: the run failed, and a partial log must not look complete */
        fclose(c->log);
        remove(c->log_path);
    }
    for (unsigned i = 0; i < c->nqueues; i++)
        free(c->queues[i].name);
    free(c->queues);
    free(c->log_path);
    memset(c, 0, sizeof *c);
}

bool vc_conf_has_action(const vc_conf *c, enum vc_action a)
{
    for (unsigned i = 0; i < c->nactions; i++)
        if (c->actions[i] == a)
            return true;
    return false;
}

const vc_plugin_conf *vc_conf_plugin(const vc_conf *c, enum vc_plugin p)
{
    for (unsigned t = 0; t < c->ntiers; t++)
        for (unsigned k = 0; k < c->tiers[t].nplugins; k++)
            if (c->tiers[t].plugins[k].id == p)
                return &c->tiers[t].plugins[k];
    return NULL;
}

/* ---- YAML ---- */

typedef struct reader {
    yaml_document_t doc;
    const char *source;
    hs_error *err;
    char ignored[512]; /* what is not modelled, listed once */
} reader;

static int fail(reader *r, const yaml_node_t *n, const char *fmt, const char *key)
{
    return hs_error_set(r->err, r->source, n ? (long)n->start_mark.line + 1 : 0,
                        n ? (long)n->start_mark.column + 1 : 0, fmt, key);
}

static void note_ignored(reader *r, const char *what, const char *name)
{
    char item[128];
    snprintf(item, sizeof item, "%s %s", what, name);
    if (strstr(r->ignored, item))
        return;
    size_t len = strlen(r->ignored);
    snprintf(r->ignored + len, sizeof r->ignored - len, "%s%s", len ? ", " : "", item);
}

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int read_bool(reader *r, const yaml_node_t *n, const char *key, bool *out)
{
    const char *v = scalar(n);
    if (v && (!strcmp(v, "true") || !strcmp(v, "True") || !strcmp(v, "TRUE")))
        *out = true;
    else if (v && (!strcmp(v, "false") || !strcmp(v, "False") || !strcmp(v, "FALSE")))
        *out = false;
    else
        return fail(r, n, "%s: expected true or false", key);
    return 0;
}

static int read_number(reader *r, const yaml_node_t *n, const char *key, double *out)
{
    const char *v = scalar(n);
    char *end;
    errno = 0;
    double d = v ? strtod(v, &end) : 0;
    if (!v || !*v || *end || errno || !isfinite(d))
        return fail(r, n, "%s: expected a number", key);
    *out = d;
    return 0;
}

/* Plugin switches: the ones the model uses set its flags, the others are
 * read (their type checked) and have nothing to switch. */
static const struct {
    const char *key;
    size_t offset;
} switches[] = {
    {"enableJobOrder", offsetof(vc_plugin_conf, job_order)},
    {"enableQueueOrder", offsetof(vc_plugin_conf, queue_order)},
    {"enableTaskOrder", offsetof(vc_plugin_conf, task_order)},
    {"enablePredicate", offsetof(vc_plugin_conf, predicate)},
    {"enableNodeOrder", offsetof(vc_plugin_conf, node_order)},
    {"enableJobReady", offsetof(vc_plugin_conf, job_ready)},
    {"enableJobPipelined", offsetof(vc_plugin_conf, job_pipelined)},
    {"enableJobEnqueued", offsetof(vc_plugin_conf, job_enqueued)},
    {"enabledAllocatable", offsetof(vc_plugin_conf, allocatable)},
    {"enabledOverused", offsetof(vc_plugin_conf, overused)},
    {"enableHierarchy", offsetof(vc_plugin_conf, hierarchy)},
};
static const char *const other_switches[] = {
    "enableNamespaceOrder", "enablePreemptable", "enableReclaimable",
    "enablePreemptive",     "EnabledClusterOrder", "enableBestNode",  "enableTargetJob",
    "enableReservedNodes",  "enabledVictim",    "enableJobStarving", NULL};

static int read_arguments(reader *r, vc_conf *c, uint8_t id, const yaml_node_t *args)
{
    if (args->type != YAML_MAPPING_NODE)
        return fail(r, args, "%s: expected a mapping", "arguments");
    for (yaml_node_pair_t *p = args->data.mapping.pairs.start; p < args->data.mapping.pairs.top; p++) {
        const yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
        const yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
        const char *k = scalar(kn);
        if (!k)
            return fail(r, kn, "%s: a key must be a string", "arguments");
        double d = 0;
        double *target = NULL;
        if (id == VC_PL_NODEORDER) {
            if (!strcmp(k, "leastrequested.weight"))
                target = &c->nodeorder.least;
            else if (!strcmp(k, "mostrequested.weight"))
                target = &c->nodeorder.most;
            else if (!strcmp(k, "balancedresource.weight"))
                target = &c->nodeorder.balanced;
        } else if (id == VC_PL_BINPACK) {
            if (!strcmp(k, "binpack.weight"))
                target = &c->binpack.weight;
            else if (!strcmp(k, "binpack.cpu"))
                target = &c->binpack.w[VC_CPU];
            else if (!strcmp(k, "binpack.memory"))
                target = &c->binpack.w[VC_MEM];
            else if (!strcmp(k, "binpack.resources.nvidia.com/gpu"))
                target = &c->binpack.w[VC_GPU];
            else if (!strcmp(k, "binpack.resources")) {
                if (!scalar(vn))
                    return fail(r, vn, "%s: expected a list of resource names in one string", k);
                continue; /* names; each weight comes in its own key */
            } else if (!strncmp(k, "binpack.resources.", 18)) {
                target = &c->binpack.w[VC_OTHER]; /* the one extra scalar resource */
            }
        } else if (id == VC_PL_OVERCOMMIT && !strcmp(k, "overcommit-factor")) {
            target = &c->overcommit_factor;
        }
        if (!target) {
            if (!scalar(vn))
                return fail(r, vn, "%s: expected a value", k);
            note_ignored(r, "argument", k);
            continue;
        }
        if (read_number(r, vn, k, &d) < 0)
            return -1;
        if (d < 0)
            return fail(r, vn, "%s: must not be negative", k);
        *target = d;
    }
    if (id == VC_PL_OVERCOMMIT && c->overcommit_factor < 1)
        c->overcommit_factor = 1.2; /* Volcano falls back to its default below 1 */
    return 0;
}

static int read_plugin(reader *r, vc_conf *c, vc_tier *tier, const yaml_node_t *pn)
{
    if (pn->type != YAML_MAPPING_NODE)
        return fail(r, pn, "%s: each plugin must be a mapping with a name", "plugins");
    const yaml_node_t *name = NULL;
    for (yaml_node_pair_t *p = pn->data.mapping.pairs.start; p < pn->data.mapping.pairs.top; p++)
        if (scalar(yaml_document_get_node(&r->doc, p->key)) &&
            !strcmp(scalar(yaml_document_get_node(&r->doc, p->key)), "name"))
            name = yaml_document_get_node(&r->doc, p->value);
    if (!scalar(name))
        return fail(r, name ? name : pn, "%s: expected a plugin name", "name");
    int id = -1;
    for (int i = 0; i < VC_NPLUGINS; i++)
        if (!strcmp(scalar(name), plugin_names[i]))
            id = i;
    vc_plugin_conf pc;
    plugin_defaults(&pc, (uint8_t)(id < 0 ? 0 : id));
    for (yaml_node_pair_t *p = pn->data.mapping.pairs.start; p < pn->data.mapping.pairs.top; p++) {
        const yaml_node_t *kn = yaml_document_get_node(&r->doc, p->key);
        const yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
        const char *k = scalar(kn);
        if (!k)
            return fail(r, kn, "%s: a key must be a string", "plugins");
        if (!strcmp(k, "name"))
            continue;
        if (!strcmp(k, "arguments")) {
            if (id >= 0 && read_arguments(r, c, (uint8_t)id, vn) < 0)
                return -1;
            continue;
        }
        bool b, known = false;
        for (size_t i = 0; i < sizeof switches / sizeof *switches; i++)
            if (!strcmp(k, switches[i].key)) {
                if (read_bool(r, vn, k, &b) < 0)
                    return -1;
                *(bool *)((char *)&pc + switches[i].offset) = b;
                known = true;
            }
        for (int i = 0; other_switches[i] && !known; i++)
            if (!strcmp(k, other_switches[i])) {
                if (read_bool(r, vn, k, &b) < 0)
                    return -1;
                known = true;
            }
        if (!known)
            note_ignored(r, "key", k);
    }
    if (id < 0) {
        note_ignored(r, "plugin", scalar(name));
        return 0;
    }
    if (vc_conf_plugin(c, (enum vc_plugin)id))
        return fail(r, name, "plugin %s is listed twice", scalar(name));
    if (tier->nplugins == VC_MAX_TIER_PLUGINS)
        return fail(r, pn, "%s: too many plugins in one tier", "plugins");
    tier->plugins[tier->nplugins++] = pc;
    return 0;
}

static int read_tiers(reader *r, vc_conf *c, const yaml_node_t *tn)
{
    if (tn->type != YAML_SEQUENCE_NODE)
        return fail(r, tn, "%s: expected a list of tiers", "tiers");
    memset(c->tiers, 0, sizeof c->tiers);
    c->ntiers = 0;
    for (yaml_node_item_t *it = tn->data.sequence.items.start; it < tn->data.sequence.items.top; it++) {
        const yaml_node_t *tier = yaml_document_get_node(&r->doc, *it);
        if (tier->type != YAML_MAPPING_NODE)
            return fail(r, tier, "%s: each tier must be a mapping with plugins", "tiers");
        if (c->ntiers == VC_MAX_TIERS)
            return fail(r, tier, "%s: too many tiers", "tiers");
        vc_tier *t = &c->tiers[c->ntiers++];
        for (yaml_node_pair_t *p = tier->data.mapping.pairs.start; p < tier->data.mapping.pairs.top; p++) {
            const char *k = scalar(yaml_document_get_node(&r->doc, p->key));
            const yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
            if (!k || strcmp(k, "plugins")) {
                note_ignored(r, "key", k ? k : "?");
                continue;
            }
            if (vn->type != YAML_SEQUENCE_NODE)
                return fail(r, vn, "%s: expected a list of plugins", "plugins");
            for (yaml_node_item_t *pi = vn->data.sequence.items.start; pi < vn->data.sequence.items.top; pi++)
                if (read_plugin(r, c, t, yaml_document_get_node(&r->doc, *pi)) < 0)
                    return -1;
        }
    }
    return 0;
}

static int read_actions(reader *r, vc_conf *c, const yaml_node_t *an)
{
    const char *v = scalar(an);
    if (!v)
        return fail(r, an, "%s: expected a string such as \"enqueue, allocate, backfill\"", "actions");
    c->nactions = 0;
    const char *p = v;
    while (*p) {
        while (*p == ' ' || *p == ',' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(e - p), p);
        int id = -1;
        for (int i = 0; i < VC_NACTIONS; i++)
            if (!strcmp(name, action_names[i]))
                id = i;
        if (id < 0 || id == VC_ACT_PREEMPT || id == VC_ACT_RECLAIM)
            note_ignored(r, "action", name);
        else if (c->nactions < VC_MAX_ACTIONS)
            c->actions[c->nactions++] = (uint8_t)id;
        p = e;
    }
    return 0;
}

static int read_resources(reader *r, const yaml_node_t *n, const char *key, vc_res *out)
{
    if (n->type != YAML_MAPPING_NODE)
        return fail(r, n, "%s: expected a mapping of resources (cpu, memory, nvidia.com/gpu)", key);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&r->doc, p->key));
        const yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
        int dim = !k ? -1 : !strcmp(k, "cpu") ? VC_CPU : !strcmp(k, "memory") ? VC_MEM
                          : !strcmp(k, "nvidia.com/gpu") ? VC_GPU : -1;
        if (dim < 0)
            return fail(r, vn, "%s: resources are cpu, memory and nvidia.com/gpu", key);
        if (!scalar(vn) || vc_quantity_parse(scalar(vn), dim, &out->v[dim]) < 0)
            return fail(r, vn, "%s: expected a Kubernetes quantity (2, 500m, 4Gi)", k);
    }
    return 0;
}

static int read_queue(reader *r, vc_conf *c, const yaml_node_t *qn)
{
    if (qn->type != YAML_MAPPING_NODE)
        return fail(r, qn, "%s: each queue must be a mapping with a name", "queues");
    const yaml_node_t *name = NULL;
    for (yaml_node_pair_t *p = qn->data.mapping.pairs.start; p < qn->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&r->doc, p->key));
        if (k && !strcmp(k, "name"))
            name = yaml_document_get_node(&r->doc, p->value);
    }
    if (!scalar(name) || !*scalar(name))
        return fail(r, name ? name : qn, "%s: expected a queue name", "name");
    vc_queue_conf *q = NULL;
    for (unsigned i = 0; i < c->nqueues; i++)
        if (!strcmp(c->queues[i].name, scalar(name)))
            q = &c->queues[i];
    if (q && strcmp(q->name, "default"))
        return fail(r, name, "queue %s is listed twice", scalar(name));
    if (!q) {
        if (add_queue(c, scalar(name), r->err) < 0)
            return -1;
        q = &c->queues[c->nqueues - 1];
    }
    for (yaml_node_pair_t *p = qn->data.mapping.pairs.start; p < qn->data.mapping.pairs.top; p++) {
        const char *k = scalar(yaml_document_get_node(&r->doc, p->key));
        const yaml_node_t *vn = yaml_document_get_node(&r->doc, p->value);
        double d = 0;
        if (!k)
            return fail(r, qn, "%s: a key must be a string", "queues");
        if (!strcmp(k, "name"))
            continue;
        if (!strcmp(k, "weight") || !strcmp(k, "priority") || !strcmp(k, "swf-queue")) {
            if (read_number(r, vn, k, &d) < 0)
                return -1;
            if (d != floor(d) || fabs(d) > 1e9 || (!strcmp(k, "weight") && d < 1) ||
                (!strcmp(k, "swf-queue") && d < 0))
                return fail(r, vn, "%s: expected a whole number in range", k);
            if (!strcmp(k, "weight"))
                q->weight = (uint32_t)d;
            else if (!strcmp(k, "priority"))
                q->priority = (int32_t)d;
            else
                q->swf_queue = (long)d;
        } else if (!strcmp(k, "state")) {
            const char *v = scalar(vn);
            if (!v || (strcmp(v, "Open") && strcmp(v, "Closed")))
                return fail(r, vn, "%s: expected Open or Closed", k);
            q->open = !strcmp(v, "Open");
        } else if (!strcmp(k, "reclaimable")) {
            if (read_bool(r, vn, k, &q->reclaimable) < 0)
                return -1;
        } else if (!strcmp(k, "capability")) {
            if (read_resources(r, vn, k, &q->capability) < 0)
                return -1;
        } else if (!strcmp(k, "guarantee")) {
            if (read_resources(r, vn, k, &q->guarantee) < 0)
                return -1;
        } else {
            return fail(r, vn, "%s: not a queue key (name, weight, priority, state, reclaimable, capability, "
                               "guarantee, swf-queue)", k);
        }
    }
    return 0;
}

int vc_conf_parse(vc_conf *c, const char *text, size_t len, const char *source, FILE *warn, hs_error *err)
{
    reader r = {.source = source, .err = err};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &r.doc)) {
        int rc = hs_error_set(err, source, (long)parser.problem_mark.line + 1, (long)parser.problem_mark.column + 1,
                              "YAML: %s", parser.problem ? parser.problem : "cannot be read");
        yaml_parser_delete(&parser);
        return rc;
    }
    yaml_parser_delete(&parser);
    int rc = 0;
    const yaml_node_t *root = yaml_document_get_root_node(&r.doc);
    if (!root) {
        rc = hs_error_set(err, source, 1, 1, "empty file: expected actions and tiers, or queues");
    } else if (root->type != YAML_MAPPING_NODE) {
        rc = fail(&r, root, "%s: expected a mapping (actions, tiers, queues)", "top level");
    } else {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top && !rc; p++) {
            const yaml_node_t *kn = yaml_document_get_node(&r.doc, p->key);
            const yaml_node_t *vn = yaml_document_get_node(&r.doc, p->value);
            const char *k = scalar(kn);
            if (!k)
                rc = fail(&r, kn, "%s: a key must be a string", "top level");
            else if (!strcmp(k, "actions"))
                rc = read_actions(&r, c, vn);
            else if (!strcmp(k, "tiers"))
                rc = read_tiers(&r, c, vn);
            else if (!strcmp(k, "queues")) {
                if (vn->type != YAML_SEQUENCE_NODE)
                    rc = fail(&r, vn, "%s: expected a list of queues", "queues");
                for (yaml_node_item_t *it = vn->type == YAML_SEQUENCE_NODE ? vn->data.sequence.items.start : NULL;
                     !rc && it && it < vn->data.sequence.items.top; it++)
                    rc = read_queue(&r, c, yaml_document_get_node(&r.doc, *it));
            } else
                note_ignored(&r, "key", k);
        }
    }
    yaml_document_delete(&r.doc);
    if (!rc && r.ignored[0] && warn)
        fprintf(warn, "%s: not modelled, ignored: %s\n", source, r.ignored);
    return rc;
}

static int parse_count(const char *key, const char *v, double lo, double hi, double *out, hs_error *err)
{
    char *end;
    errno = 0;
    double d = strtod(v, &end);
    if (!*v || *end || errno || !(d >= lo && d <= hi))
        return hs_error_set(err, "--policy-opt", 0, 0, "%s=%s: expected a number from %g to %g", key, v, lo, hi);
    *out = d;
    return 0;
}

static int read_option(vc_conf *c, const hs_policy_opt *o, hs_error *err)
{
    double d = 0;
    if (!strcmp(o->key, "ties")) {
        if (strcmp(o->value, "random") && strcmp(o->value, "lowest"))
            return hs_error_set(err, "--policy-opt", 0, 0, "ties=%s: expected random or lowest", o->value);
        c->ties = strcmp(o->value, "lowest") ? VC_TIES_RANDOM : VC_TIES_LOWEST;
    } else if (!strcmp(o->key, "schedule-period")) {
        if (parse_count(o->key, o->value, 0.001, 86400, &c->period, err) < 0)
            return -1;
    } else if (!strcmp(o->key, "minimum-feasible-nodes")) {
        if (parse_count(o->key, o->value, 1, 1e9, &d, err) < 0 || d != floor(d))
            return hs_error_set(err, "--policy-opt", 0, 0, "%s=%s: expected a whole number >= 1", o->key, o->value);
        c->min_feasible_nodes = (uint32_t)d;
    } else if (!strcmp(o->key, "minimum-percentage-nodes-to-find") || !strcmp(o->key, "percentage-nodes-to-find")) {
        if (parse_count(o->key, o->value, 0, 100, &d, err) < 0 || d != floor(d))
            return hs_error_set(err, "--policy-opt", 0, 0, "%s=%s: expected a whole number 0-100", o->key, o->value);
        *(o->key[0] == 'm' ? &c->min_percentage : &c->percentage) = (uint32_t)d;
    } else if (!strcmp(o->key, "idle-sessions")) {
        if (strcmp(o->value, "skip") && strcmp(o->value, "run"))
            return hs_error_set(err, "--policy-opt", 0, 0, "idle-sessions=%s: expected skip or run", o->value);
        c->run_idle_sessions = !strcmp(o->value, "run");
    } else if (!strcmp(o->key, "doomed-gangs")) {
        if (strcmp(o->value, "skip") && strcmp(o->value, "attempt"))
            return hs_error_set(err, "--policy-opt", 0, 0, "doomed-gangs=%s: expected skip or attempt", o->value);
        c->skip_doomed_gangs = !strcmp(o->value, "skip");
    } else if (!strcmp(o->key, "log")) {
        free(c->log_path);
        if (!(c->log_path = strdup(o->value)))
            return hs_error_set(err, NULL, 0, 0, "out of memory");
    } else {
        return hs_error_set(err, "--policy-opt", 0, 0,
                            "%s: not a Volcano option (ties, schedule-period, minimum-feasible-nodes, "
                            "minimum-percentage-nodes-to-find, percentage-nodes-to-find, idle-sessions, doomed-gangs, log)",
                            o->key);
    }
    return 0;
}

int vc_conf_read(vc_conf *c, const hs_policy_args *args, hs_error *err)
{
    vc_conf_default(c);
    if (add_queue(c, "default", err) < 0)
        return -1;
    for (unsigned i = 0; i < args->nconf; i++) {
        size_t len;
        char *text = hs_read_file(args->conf[i], 1 << 24, &len, err);
        if (!text)
            return -1;
        int rc = vc_conf_parse(c, text, len, args->conf[i], args->warn, err);
        free(text);
        if (rc < 0)
            return -1;
    }
    for (unsigned i = 0; i < args->nopts; i++)
        if (read_option(c, &args->opts[i], err) < 0)
            return -1;
    if (c->log_path) {
        if (!(c->log = fopen(c->log_path, "w")))
            return hs_error_set(err, c->log_path, 0, 0, "cannot write: %s", strerror(errno));
        fprintf(c->log, "# time job pod node\n");
    }
    return 0;
}
