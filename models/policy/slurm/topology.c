/* topology.conf reader (topology.h). */
#include "topology.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hpcsim/hostlist.h"
#include "text_file.h"

void sl_topology_free(sl_topology *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        free(t->sw[i].name);
        free(t->sw[i].nodes);
        free(t->sw[i].children);
    }
    free(t->sw);
    memset(t, 0, sizeof *t);
}

typedef struct name_ix {
    const char *name;
    uint32_t index;
} name_ix;

static int cmp_name(const void *a, const void *b) { return strcmp(((const name_ix *)a)->name, ((const name_ix *)b)->name); }

static uint32_t lookup(const name_ix *ix, uint32_t n, const char *name)
{
    name_ix key = {name, 0};
    const name_ix *hit = bsearch(&key, ix, n, sizeof *ix, cmp_name);
    return hit ? hit->index : UINT32_MAX;
}

/* One switch line: SwitchName=NAME (Nodes=LIST | Switches=LIST) [LinkSpeed=..]. */
/* Sets the bit of each node a switch's Nodes= names. */
typedef struct add_ctx {
    const name_ix *nodes;
    uint32_t nnodes;
    uint64_t *set;
    char unknown[72]; /* the first name that is not a node */
} add_ctx;

static int add_node(void *p, const char *name)
{
    add_ctx *c = p;
    uint32_t n = lookup(c->nodes, c->nnodes, name);
    if (n == UINT32_MAX) {
        snprintf(c->unknown, sizeof c->unknown, "%s", name);
        return -1;
    }
    c->set[n >> 6] |= 1ull << (n & 63);
    return 0;
}

static int switch_line(sl_topology *t, char *text, const char *src, long line, const name_ix *nodes, uint32_t nnodes,
                       hs_error *err)
{
    char *name = NULL, *list = NULL;
    int is_nodes = -1;
    for (char *save = NULL, *tok = strtok_r(text, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok)
            return hs_error_set(err, src, line, 0, "'%.64s' is not Key=Value", tok);
        *eq = '\0';
        if (!strcasecmp(tok, "SwitchName"))
            name = eq + 1;
        else if (!strcasecmp(tok, "Nodes") || !strcasecmp(tok, "Switches")) {
            if (list)
                return hs_error_set(err, src, line, 0, "a switch has either Nodes= or Switches=, once");
            list = eq + 1;
            is_nodes = !strcasecmp(tok, "Nodes");
        } else if (strcasecmp(tok, "LinkSpeed"))
            return hs_error_set(err, src, line, 0, "unknown key '%.64s' (SwitchName, Nodes, Switches, LinkSpeed)", tok);
    }
    if (!name || !*name)
        return hs_error_set(err, src, line, 0, "expected SwitchName=NAME");
    if (!list)
        return hs_error_set(err, src, line, 0, "SwitchName=%.64s: no Nodes= or Switches=", name);
    for (uint32_t i = 0; i < t->n; i++)
        if (!strcmp(t->sw[i].name, name))
            return hs_error_set(err, src, line, 0, "SwitchName=%.64s: defined twice (first on line %ld)", name, t->sw[i].line);
    sl_switch *more = realloc(t->sw, (t->n + 1) * sizeof *more);
    if (!more)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    t->sw = more;
    sl_switch *s = &t->sw[t->n];
    memset(s, 0, sizeof *s);
    s->line = line;
    s->parent = UINT32_MAX;
    if (!(s->name = strdup(name)) || !(s->nodes = calloc(t->nwords, sizeof *s->nodes)) ||
        (!is_nodes && !(s->children = strdup(list)))) {
        free(s->name);
        free(s->nodes);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    t->n++;
    if (!is_nodes)
        return 0;
    /* Each name is looked up as it is expanded: the first that is not a
     * node stops the line, however many the expression would make. */
    add_ctx ctx = {nodes, nnodes, s->nodes, {0}};
    char why[200];
    if (hs_hostlist_each(list, HS_HOSTLIST_MAX, add_node, &ctx, why, sizeof why) < 0) {
        if (ctx.unknown[0])
            return hs_error_set(err, src, line, 0, "SwitchName=%.64s: node '%.64s' is not in slurm.conf", name,
                                ctx.unknown);
        return hs_error_set(err, src, line, 0, "Nodes=%.64s: %s", list, why);
    }
    return 0;
}

/* Switches= lists become parent links, node sets and levels. */
static int resolve(sl_topology *t, const char *src, hs_error *err)
{
    for (uint32_t i = 0; i < t->n; i++) {
        if (!t->sw[i].children)
            continue;
        hs_hostlist hl = {0};
        char why[200];
        if (hs_hostlist_expand(&hl, t->sw[i].children, why, sizeof why) < 0) {
            hs_hostlist_free(&hl);
            return hs_error_set(err, src, t->sw[i].line, 0, "Switches=%.64s: %s", t->sw[i].children, why);
        }
        for (uint32_t k = 0; k < hl.n; k++) {
            uint32_t c = UINT32_MAX;
            for (uint32_t j = 0; j < t->n; j++)
                if (!strcmp(t->sw[j].name, hl.names[k]))
                    c = j;
            if (c == UINT32_MAX || c == i || t->sw[c].parent != UINT32_MAX) {
                hs_error_set(err, src, t->sw[i].line, 0, "SwitchName=%.64s: switch '%.64s' %s", t->sw[i].name, hl.names[k],
                             c == UINT32_MAX ? "is not defined" : c == i ? "is itself" : "already has a parent switch");
                hs_hostlist_free(&hl);
                return -1;
            }
            t->sw[c].parent = i;
        }
        hs_hostlist_free(&hl);
    }
    /* Levels and node sets bottom-up; a chain longer than the switch
     * count is a loop. */
    for (uint32_t i = 0; i < t->n; i++) {
        uint32_t lvl = 0, steps = 0;
        for (uint32_t a = i; t->sw[a].parent != UINT32_MAX; a = t->sw[a].parent) {
            if (++steps > t->n)
                return hs_error_set(err, src, t->sw[i].line, 0, "SwitchName=%.64s: its Switches= form a loop", t->sw[i].name);
            uint32_t p = t->sw[a].parent;
            lvl++;
            if (t->sw[p].level < lvl)
                t->sw[p].level = lvl;
            for (uint32_t w = 0; w < t->nwords; w++)
                t->sw[p].nodes[w] |= t->sw[i].nodes[w];
        }
    }
    return 0;
}

int sl_topology_parse(sl_topology *t, const char *text, const char *source, const hs_slurm_conf *conf, hs_error *err)
{
    memset(t, 0, sizeof *t);
    t->nwords = (conf->nnodes + 63) / 64;
    name_ix *ix = malloc((conf->nnodes ? conf->nnodes : 1) * sizeof *ix);
    char *copy = strdup(text);
    if (!ix || !copy) {
        free(ix);
        free(copy);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (uint32_t i = 0; i < conf->nnodes; i++)
        ix[i] = (name_ix){conf->nodes[i].name, i};
    qsort(ix, conf->nnodes, sizeof *ix, cmp_name);
    int rc = 0;
    long line = 0;
    for (char *l = copy, *next; l && rc == 0; l = next) {
        line++;
        next = strchr(l, '\n');
        if (next)
            *next++ = '\0';
        char *hash = strchr(l, '#');
        if (hash)
            *hash = '\0';
        char *p = l;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p)
            rc = switch_line(t, p, source, line, ix, conf->nnodes, err);
    }
    if (rc == 0 && t->n == 0)
        rc = hs_error_set(err, source, 0, 0, "no SwitchName line");
    if (rc == 0)
        rc = resolve(t, source, err);
    free(ix);
    free(copy);
    if (rc < 0)
        sl_topology_free(t);
    return rc;
}

int sl_topology_load(sl_topology *t, const char *path, const hs_slurm_conf *conf, hs_error *err)
{
    memset(t, 0, sizeof *t);
    char *text = sl_read_text_file(path, err);
    if (!text)
        return -1;
    int rc = sl_topology_parse(t, text, path, conf, err);
    free(text);
    return rc;
}
