/* A Flux resource set as a cluster (cluster_flux_r.h): RFC 20's "R",
 * version 1, what `flux resource R` prints. Each rank of
 * execution.R_lite is a node with the cores and GPUs its children list;
 * ranks in ascending order become nodes 0, 1, ...; consecutive ranks
 * alike form one group, named after its first rank ("rank0"). The
 * allocation unit is the core (docs/replay.md "Flux resource sets").
 * Other keys (nodelist, properties, starttime, expiration, scheduling)
 * do not change what a node offers and are read past. */
#define _POSIX_C_SOURCE 200809L
#include "cluster_flux_r.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/json_fields.h"

#define MAX_RANKS 10000000u /* far above any Flux instance, well within memory */
#define MAX_RUNS 1000000u   /* ranges of ranks over all entries */

/* Ranks first..last, each a node of `cores` cores and `gpus` GPUs. */
typedef struct rank_run {
    uint64_t first, last;
    uint32_t cores, gpus;
    uint32_t entry; /* its R_lite entry, for messages */
} rank_run;

typedef struct runs {
    rank_run *r;
    uint32_t n, cap;
    uint64_t ranks;
} runs;

/* An RFC 22 idset: ids and ranges "a-b" in ascending order, separated by
 * commas, optionally in brackets. Calls add(ctx, a, b) for each range;
 * returns the number of ids, or -1 (why set) when it is not one. */
static int64_t idset_each(const char *text, int (*add)(void *ctx, uint64_t a, uint64_t b), void *ctx, const char **why)
{
    const char *p = text;
    size_t len = strlen(text);
    int bracketed = len >= 2 && text[0] == '[' && text[len - 1] == ']';
    const char *end = text + len - (bracketed ? 1 : 0);
    p += bracketed;
    int64_t count = 0;
    uint64_t next = 0; /* the lowest id the next range may start at */
    if (p == end)
        return *why = "an empty idset", -1;
    while (p < end) {
        uint64_t a = 0, b;
        const char *q = p;
        while (q < end && *q >= '0' && *q <= '9' && q - p < 10)
            a = a * 10 + (uint64_t)(*q++ - '0');
        if (q == p || (q < end && *q >= '0' && *q <= '9'))
            return *why = "an id is not a number of at most 10 digits", -1;
        b = a;
        if (q < end && *q == '-') {
            const char *r = ++q;
            b = 0;
            while (q < end && *q >= '0' && *q <= '9' && q - r < 10)
                b = b * 10 + (uint64_t)(*q++ - '0');
            if (q == r || (q < end && *q >= '0' && *q <= '9'))
                return *why = "a range's end is not a number of at most 10 digits", -1;
            if (b < a)
                return *why = "a range runs backwards", -1;
        }
        if (a < next)
            return *why = "ids are not in ascending order, or repeat", -1;
        if (q < end && *q != ',')
            return *why = "ids are separated by commas", -1;
        if (q < end && q + 1 == end)
            return *why = "a comma ends it", -1;
        count += (int64_t)(b - a + 1);
        if (count > (int64_t)MAX_RANKS)
            return *why = "more than 10,000,000 ids", -1;
        if (add && add(ctx, a, b) < 0)
            return *why = "out of memory, or more than 1,000,000 ranges", -1;
        next = b + 1;
        p = q < end ? q + 1 : q;
    }
    return count;
}

typedef struct entry_ctx {
    runs *rs;
    uint32_t cores, gpus, entry;
} entry_ctx;

static int add_run(void *ctx, uint64_t a, uint64_t b)
{
    entry_ctx *e = ctx;
    runs *rs = e->rs;
    if (rs->n == MAX_RUNS)
        return -1;
    if (rs->n == rs->cap) {
        uint32_t cap = rs->cap ? 2 * rs->cap : 16;
        rank_run *more = realloc(rs->r, cap * sizeof *more);
        if (!more)
            return -1;
        rs->r = more;
        rs->cap = cap;
    }
    rs->r[rs->n++] = (rank_run){a, b, e->cores, e->gpus, e->entry};
    rs->ranks += b - a + 1;
    return 0;
}

static int cmp_run(const void *x, const void *y)
{
    const rank_run *a = x, *b = y;
    return a->first < b->first ? -1 : a->first > b->first;
}

/* The ids a child idset names (0 when the child is absent). */
static int child_count(const json_t *children, const char *type, const char *src, const char *path, uint32_t *out,
                       hs_error *err)
{
    const json_t *v = json_object_get(children, type);
    *out = 0;
    if (!v)
        return 0;
    if (!json_is_string(v))
        return hs_error_set(err, src, 0, 0, "%s.children.%s: expected an idset string, got %s", path, type,
                            hs_json_kind(v));
    const char *why = "";
    int64_t n = idset_each(json_string_value(v), NULL, NULL, &why);
    if (n < 0)
        return hs_error_set(err, src, 0, 0, "%s.children.%s: '%.64s' is not an idset: %s", path, type,
                            json_string_value(v), why);
    if (n > (1 << 20))
        return hs_error_set(err, src, 0, 0, "%s.children.%s: more than %d per rank", path, type, 1 << 20);
    *out = (uint32_t)n;
    return 0;
}

static int read_entries(runs *rs, const json_t *lite, const char *src, hs_error *err)
{
    if (!json_is_array(lite) || json_array_size(lite) == 0)
        return hs_error_set(err, src, 0, 0, "execution.R_lite: expected a non-empty array, got %s",
                            !lite ? "nothing" : json_is_array(lite) ? "an empty array" : hs_json_kind(lite));
    for (size_t i = 0; i < json_array_size(lite); i++) {
        const json_t *e = json_array_get(lite, i);
        char path[48];
        snprintf(path, sizeof path, "execution.R_lite[%zu]", i);
        if (!json_is_object(e))
            return hs_error_set(err, src, 0, 0, "%s: expected an object, got %s", path, hs_json_kind(e));
        const json_t *rank = json_object_get(e, "rank"), *children = json_object_get(e, "children");
        if (!json_is_string(rank))
            return hs_error_set(err, src, 0, 0, "%s.rank: expected an idset string, got %s", path,
                                rank ? hs_json_kind(rank) : "nothing");
        if (!json_is_object(children))
            return hs_error_set(err, src, 0, 0, "%s.children: expected an object, got %s", path,
                                children ? hs_json_kind(children) : "nothing");
        const char *type;
        const json_t *v;
        json_object_foreach((json_t *)children, type, v)
        {
            if (strcmp(type, "core") != 0 && strcmp(type, "gpu") != 0)
                return hs_error_set(err, src, 0, 0, "%s.children.%s: unknown resource (R version 1 has core and gpu)",
                                    path, type);
        }
        entry_ctx ctx = {rs, 0, 0, (uint32_t)i};
        if (child_count(children, "core", src, path, &ctx.cores, err) < 0 ||
            child_count(children, "gpu", src, path, &ctx.gpus, err) < 0)
            return -1;
        if (ctx.cores == 0)
            return hs_error_set(err, src, 0, 0, "%s.children.core: missing (a rank needs cores)", path);
        const char *why = "";
        if (idset_each(json_string_value(rank), add_run, &ctx, &why) < 0)
            return hs_error_set(err, src, 0, 0, "%s.rank: '%.64s' is not an idset: %s", path,
                                json_string_value(rank), why);
        if (rs->ranks > MAX_RANKS)
            return hs_error_set(err, src, 0, 0, "execution.R_lite: more than %u ranks in all", MAX_RANKS);
    }
    return 0;
}

/* Groups of consecutive ranks alike. */
static int make_groups(hs_cluster *c, runs *rs, const char *src, hs_error *err)
{
    qsort(rs->r, rs->n, sizeof *rs->r, cmp_run);
    for (uint32_t i = 1; i < rs->n; i++)
        if (rs->r[i].first <= rs->r[i - 1].last)
            return hs_error_set(err, src, 0, 0,
                                "execution.R_lite[%u].rank: rank %llu is also in execution.R_lite[%u]", rs->r[i].entry,
                                (unsigned long long)rs->r[i].first, rs->r[i - 1].entry);
    uint32_t ngroups = 0;
    for (uint32_t i = 0; i < rs->n; i++)
        ngroups += i == 0 || rs->r[i].cores != rs->r[i - 1].cores || rs->r[i].gpus != rs->r[i - 1].gpus;
    if (!(c->groups = calloc(ngroups, sizeof *c->groups)))
        return hs_error_set(err, src, 0, 0, "out of memory");
    for (uint32_t i = 0; i < rs->n; i++) {
        const rank_run *r = &rs->r[i];
        if (i == 0 || r->cores != rs->r[i - 1].cores || r->gpus != rs->r[i - 1].gpus) {
            hs_node_group *g = &c->groups[c->ngroups++];
            char name[32];
            snprintf(name, sizeof name, "rank%llu", (unsigned long long)r->first);
            if (!(g->name = strdup(name)))
                return hs_error_set(err, src, 0, 0, "out of memory");
            g->cores = r->cores;
            g->gpus = r->gpus;
            g->perf_class = HS_NO_PERF_CLASS;
        }
        c->groups[c->ngroups - 1].count += (uint32_t)(r->last - r->first + 1);
    }
    return 0;
}

int hs_cluster_is_flux_r(const json_t *root)
{
    return json_is_object(root) && json_object_get(root, "version") && json_object_get(root, "execution");
}

int hs_cluster_from_flux_r(hs_cluster *c, const json_t *root, const char *src, hs_error *err)
{
    const json_t *version = json_object_get(root, "version"), *exec = json_object_get(root, "execution");
    if (!json_is_integer(version) || json_integer_value(version) != 1)
        return hs_error_set(err, src, 0, 0, "version: a Flux resource set of version 1 is read, got %s",
                            json_is_integer(version) ? "another version" : hs_json_kind(version));
    if (!json_is_object(exec))
        return hs_error_set(err, src, 0, 0, "execution: expected an object, got %s", hs_json_kind(exec));
    c->mode = HS_ALLOC_CORES;
    if (!(c->name = strdup("Flux resource set")))
        return hs_error_set(err, src, 0, 0, "out of memory");
    runs rs = {0};
    int rc = read_entries(&rs, json_object_get(exec, "R_lite"), src, err);
    if (rc == 0)
        rc = make_groups(c, &rs, src, err);
    free(rs.r);
    return rc < 0 ? -1 : hs_cluster_finish_layout(c, src, err);
}
