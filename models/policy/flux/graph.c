/* Fluxion's resource graph and planner, as the model needs them
 * (graph.h).
 *
 * Each core knows the running job holding it (until its planned end,
 * start + duration) and the reservations of the current loop as spans.
 * A core is free over [t, t + d) when no span overlaps and, if held, t is
 * later than now and not before its planned end. A match walks the nodes
 * of the job's partition in the policy's order (high: highest id first;
 * low: lowest; first: by the free cores each node had when an allocation
 * or reservation last passed through it, then highest id, weights that a
 * job's end does not refresh, as Fluxion's edge weights), and inside a
 * node takes its free cores (or whole sockets) by id until the request is
 * met (Fluxion's stop-on-first-match walk; docs/flux.md).
 *
 * The walk's order is kept as buckets of nodes by weight, each a bitmap
 * (variation: one per perf_class; other static policies: one bucket), so
 * that a weight change moves one bit and a walk at the present skips
 * every node with no free core a word at a time. At the present, the
 * free cores that this loop's reservations make unusable before a
 * window's end are counted from a sorted list of their first
 * reservation's begin: a request that cannot be met is refused without a
 * walk.
 *
 * The rest keeps big clusters fast without changing a decision
 * (docs/flux.md, "Speed"): a reservation that takes a node whole is one
 * span on the node, checked once before its cores; a node with no core
 * reserved on its own and every core free over a window is taken without
 * looking at each core; and the reservation search rejects a candidate
 * time when the partition's cores in use (a step profile of running
 * jobs' planned ends and this loop's reservations) leave too few over the
 * window, before any walk. */
#include "graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t cores_of(const fx_graph *g, uint32_t n) { return (uint32_t)(g->node_base[n + 1] - g->node_base[n]); }

static uint32_t pick_node(const fx_graph *g, uint32_t i) { return g->core_node[g->pick[i].first]; }

/* The end of the runs of picks on one node that start at run i: a match
 * appends a node's cores together. */
static uint32_t node_runs_end(const fx_graph *g, uint32_t i)
{
    uint32_t n = pick_node(g, i), k = i + 1;
    while (k < g->npickruns && pick_node(g, k) == n)
        k++;
    return k;
}

/* Picks cores [first, first + count) of one node, extending the last run
 * when they continue it upwards or downwards (a high policy takes a
 * node's cores from its highest id). */
static void pick_cores(fx_graph *g, uint64_t first, uint32_t count)
{
    fx_pick *last = g->npickruns ? &g->pick[g->npickruns - 1] : NULL;
    g->npick += count;
    if (last && g->core_node[last->first] == g->core_node[first]) {
        if ((uint64_t)last->first + last->count == first) {
            last->count += count;
            return;
        }
        if (first + count == last->first) {
            last->first = (uint32_t)first;
            last->count += count;
            return;
        }
    }
    g->pick[g->npickruns++] = (fx_pick){(uint32_t)first, count};
}

static void bit_set(uint64_t *b, uint32_t i) { b[i >> 6] |= 1ull << (i & 63); }
static void bit_clear(uint64_t *b, uint32_t i) { b[i >> 6] &= ~(1ull << (i & 63)); }

/* Moves node n to bucket b (the `first` policy's weight). */
static void set_bucket(fx_graph *g, uint32_t n, uint32_t b)
{
    uint32_t old = g->node_bucket[n];
    if (old == b)
        return;
    g->weight_moves++;
    bit_clear(g->bucket + (uint64_t)old * g->nwords, n);
    g->bucket_count[old]--;
    bit_set(g->bucket + (uint64_t)b * g->nwords, n);
    g->bucket_count[b]++;
    g->node_bucket[n] = b;
}

static void set_free_now(fx_graph *g, uint32_t n, uint32_t f)
{
    g->free_now[n] = f;
    if (f)
        bit_set(g->has_free, n);
    else
        bit_clear(g->has_free, n);
}

/* The walk over nodes: buckets from the highest, inside one the nodes by
 * id (descending under a high policy); only nodes with a free core when
 * only_free. */
typedef struct walk {
    int64_t bucket, word;
    uint64_t bits;
    bool only_free;
} walk;

static void walk_begin(const fx_graph *g, walk *w, bool only_free)
{
    w->bucket = g->nbuckets;
    w->word = 0;
    w->bits = 0;
    w->only_free = only_free;
}

static bool walk_next(const fx_graph *g, walk *w, uint32_t *node)
{
    bool high = g->match.high;
    for (;;) {
        if (w->bits) {
            int k = high ? 63 - __builtin_clzll(w->bits) : __builtin_ctzll(w->bits);
            w->bits &= ~(1ull << k);
            *node = (uint32_t)(w->word * 64 + k);
            return true;
        }
        bool more = w->bucket < (int64_t)g->nbuckets && (high ? w->word > 0 : w->word + 1 < (int64_t)g->nwords);
        if (more) {
            w->word += high ? -1 : 1;
        } else {
            do
                w->bucket--;
            while (w->bucket >= 0 && g->bucket_count[w->bucket] == 0);
            if (w->bucket < 0)
                return false;
            w->word = high ? (int64_t)g->nwords - 1 : 0;
        }
        w->bits = g->bucket[(uint64_t)w->bucket * g->nwords + (uint64_t)w->word] &
                  (w->only_free ? g->has_free[w->word] : ~0ull);
    }
}

int fx_graph_init(fx_graph *g, const hs_cluster *c, const fx_config *cfg, hs_error *err)
{
    memset(g, 0, sizeof *g);
    g->cluster = c;
    g->match = cfg->match;
    g->nnodes = c->nnodes;
    g->nwords = (c->nnodes + 63) / 64;
    g->sockets = cfg->sockets_per_node;
    g->ncores = c->ncores;
    g->nparts = c->nparts;
    uint32_t most = 0;
    for (uint32_t k = 0; k < c->ngroups; k++) {
        if (c->groups[k].cores % g->sockets)
            return hs_error_set(err, "--policy-opt", 0, 0,
                                "sockets-per-node=%u: node group '%s' has %u cores, which do not split into %u sockets",
                                g->sockets, c->groups[k].name, c->groups[k].cores, g->sockets);
        most = c->groups[k].cores > most ? c->groups[k].cores : most;
    }
    /* `first`: a bucket per weight 0..most, and one above for untouched
     * nodes; `variation`: a bucket per perf_class, the lowest class
     * walked first; other policies: one bucket */
    uint32_t classes[256], nclasses = 0;
    if (g->match.by_class)
        for (uint32_t k = 0; k < c->ngroups; k++) {
            uint32_t at = 0;
            while (at < nclasses && classes[at] < c->groups[k].perf_class)
                at++;
            if (at < nclasses && classes[at] == c->groups[k].perf_class)
                continue;
            if (nclasses == 256)
                return hs_error_set(err, "--policy-opt", 0, 0,
                                    "match-policy=variation: more than 256 distinct perf_class values in the cluster");
            memmove(classes + at + 1, classes + at, (nclasses - at) * sizeof *classes);
            classes[at] = c->groups[k].perf_class;
            nclasses++;
        }
    g->nbuckets = g->match.dynamic ? most + 2 : g->match.by_class ? nclasses : 1;
    size_t n = g->nnodes ? g->nnodes : 1, nc = g->ncores ? g->ncores : 1, np = c->nparts ? c->nparts : 1;
    size_t words = g->nwords ? g->nwords : 1;
    g->node_part = malloc(n * sizeof *g->node_part);
    g->free_now = malloc(n * sizeof *g->free_now);
    g->part_free = calloc(np, sizeof *g->part_free);
    g->part_cores = calloc(np, sizeof *g->part_cores);
    g->planned_end = calloc(nc, sizeof *g->planned_end);
    g->held = calloc(nc, sizeof *g->held);
    g->first_span = malloc(nc * sizeof *g->first_span);
    g->min_begin = malloc(nc * sizeof *g->min_begin);
    g->core_node = malloc(nc * sizeof *g->core_node);
    g->node_min_end = malloc(n * sizeof *g->node_min_end);
    g->node_max_end = malloc(n * sizeof *g->node_max_end);
    g->node_core_spans = calloc(n, sizeof *g->node_core_spans);
    g->node_first_span = malloc(n * sizeof *g->node_first_span);
    g->node_min_begin = malloc(n * sizeof *g->node_min_begin);
    g->node_max_span_end = malloc(n * sizeof *g->node_max_span_end);
    g->node_bucket = malloc(n * sizeof *g->node_bucket);
    g->bucket = calloc((size_t)g->nbuckets * words, sizeof *g->bucket);
    g->bucket_count = calloc(g->nbuckets, sizeof *g->bucket_count);
    g->has_free = calloc(words, sizeof *g->has_free);
    g->blocking = calloc(np, sizeof *g->blocking);
    g->pick = malloc(nc * sizeof *g->pick);
    g->sort_mark = calloc(words, sizeof *g->sort_mark);
    g->sort_at = malloc(n * sizeof *g->sort_at);
    g->node_base = malloc((n + 1) * sizeof *g->node_base);
    if (!g->node_part || !g->free_now || !g->part_free || !g->part_cores || !g->planned_end || !g->held || !g->first_span ||
        !g->min_begin || !g->core_node || !g->node_min_end || !g->node_max_end || !g->node_core_spans ||
        !g->node_first_span || !g->node_min_begin || !g->node_max_span_end || !g->node_bucket || !g->bucket || !g->bucket_count || !g->has_free || !g->blocking ||
        !g->pick || !g->sort_mark || !g->sort_at || !g->node_base) {
        fx_graph_free(g);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (uint32_t k = 0; k < c->ngroups; k++)
        for (uint32_t i = 0; i < c->groups[k].count; i++)
            g->node_part[c->groups[k].first_node + i] = c->groups[k].partition;
    for (uint32_t i = 0; i <= g->nnodes; i++)
        g->node_base[i] = c->core_base[i];
    uint32_t top = g->nbuckets - 1;
    for (uint32_t k = 0; k < c->ngroups; k++)
        for (uint32_t i = c->groups[k].first_node; i < c->groups[k].first_node + c->groups[k].count; i++) {
            uint32_t b = top;
            if (g->match.by_class) { /* the walk starts at the top bucket: the lowest class */
                uint32_t rank = 0;
                while (classes[rank] != c->groups[k].perf_class)
                    rank++;
                b = top - rank;
            }
            bit_set(g->bucket + (uint64_t)b * g->nwords, i);
            g->bucket_count[b]++;
            g->node_bucket[i] = b;
        }
    for (uint32_t i = 0; i < g->nnodes; i++) {
        set_free_now(g, i, cores_of(g, i));
        g->part_free[g->node_part[i]] += g->free_now[i];
        g->part_cores[g->node_part[i]] += g->free_now[i];
        g->node_min_end[i] = INFINITY;
        g->node_max_end[i] = -INFINITY;
        g->node_first_span[i] = FX_NONE;
        g->node_min_begin[i] = INFINITY;
        g->node_max_span_end[i] = -INFINITY;
        for (uint64_t k = g->node_base[i]; k < g->node_base[i + 1]; k++)
            g->core_node[k] = i;
    }
    for (uint64_t i = 0; i < g->ncores; i++) {
        g->first_span[i] = FX_NONE;
        g->min_begin[i] = INFINITY;
    }
    return 0;
}

void fx_graph_free(fx_graph *g)
{
    free(g->node_part);
    free(g->free_now);
    free(g->part_free);
    free(g->planned_end);
    free(g->held);
    free(g->first_span);
    free(g->min_begin);
    free(g->core_node);
    free(g->node_min_end);
    free(g->node_max_end);
    free(g->node_core_spans);
    free(g->node_first_span);
    free(g->node_min_begin);
    free(g->node_max_span_end);
    free(g->touched_nodes);
    free(g->spans);
    free(g->touched);
    free(g->node_bucket);
    free(g->bucket);
    free(g->bucket_count);
    free(g->has_free);
    for (uint32_t p = 0; g->blocking && p < g->nparts; p++) {
        free(g->blocking[p].begin);
        free(g->blocking[p].count);
    }
    free(g->blocking);
    free(g->pick);
    free(g->sort_mark);
    free(g->sort_at);
    free(g->node_base);
    free(g->ends);
    free(g->resv);
    free(g->part_cores);
    free(g->resv_begin);
    free(g->scratch_x);
    free(g->scratch_u);
    free(g->scratch_dq);
    free(g->scratch_rise);
    free(g->failed);
    memset(g, 0, sizeof *g);
}

/* --- free cores that reservations block, by their first span's begin:
 * a loop's reservations have few distinct begins, so (begin, count)
 * pairs in order --- */

static uint32_t count_before(const fx_blocking *b, double x)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < b->n && b->begin[i] < x; i++)
        n += b->count[i];
    return n;
}

static int blocking_add(fx_blocking *b, double x, uint32_t k)
{
    uint32_t i = 0;
    while (i < b->n && b->begin[i] < x)
        i++;
    if (i < b->n && b->begin[i] == x) {
        b->count[i] += k;
        return 0;
    }
    if (b->n == b->cap) {
        uint32_t cap = b->cap ? 2 * b->cap : 16;
        double *begin = realloc(b->begin, cap * sizeof *begin);
        if (begin)
            b->begin = begin;
        uint32_t *count = begin ? realloc(b->count, cap * sizeof *count) : NULL;
        if (!count)
            return -1;
        b->count = count;
        b->cap = cap;
    }
    memmove(b->begin + i + 1, b->begin + i, (b->n - i) * sizeof *b->begin);
    memmove(b->count + i + 1, b->count + i, (b->n - i) * sizeof *b->count);
    b->begin[i] = x;
    b->count[i] = k;
    b->n++;
    return 0;
}

static void blocking_sub(fx_blocking *b, double x, uint32_t k)
{
    for (uint32_t i = 0; i < b->n; i++)
        if (b->begin[i] == x) {
            if ((b->count[i] -= k) == 0) {
                memmove(b->begin + i, b->begin + i + 1, (b->n - i - 1) * sizeof *b->begin);
                memmove(b->count + i, b->count + i + 1, (b->n - i - 1) * sizeof *b->count);
                b->n--;
            }
            return;
        }
}

/* Node n's earliest planned end among its held cores (INFINITY: none
 * held), kept as jobs start and end there. */
static void node_end_update(fx_graph *g, uint32_t n)
{
    double e = INFINITY, last = -INFINITY;
    /* a node with every core free holds none: no need to look */
    for (uint64_t k = g->free_now[n] == cores_of(g, n) ? g->node_base[n + 1] : g->node_base[n]; k < g->node_base[n + 1]; k++)
        if (g->held[k]) {
            e = g->planned_end[k] < e ? g->planned_end[k] : e;
            last = g->planned_end[k] > last ? g->planned_end[k] : last;
        }
    g->node_min_end[n] = e;
    g->node_max_end[n] = last;
}

/* The earliest begin of the reservations of this loop that take a core,
 * on its own or with its whole node (INFINITY: none). */
static double core_min_begin(const fx_graph *g, uint32_t core)
{
    double own = g->min_begin[core], node = g->node_min_begin[g->core_node[core]];
    return own < node ? own : node;
}

static bool core_free(const fx_graph *g, uint64_t core, double t, double end, double now)
{
    if (g->held[core] && (t <= now || g->planned_end[core] > t))
        return false;
    for (uint32_t s = g->first_span[core]; s != FX_NONE; s = g->spans[s].next)
        if (g->spans[s].begin < end && t < g->spans[s].end)
            return false;
    return true;
}

/* Whether a reservation that took node n whole overlaps the window: then
 * none of its cores is free (checked once per node, before its cores). */
static bool node_taken(const fx_graph *g, uint32_t n, double t, double end)
{
    /* a window before the first span or after the last meets none: under
     * conservative a node carries many spans, and walks ask every node */
    if (end <= g->node_min_begin[n] || t >= g->node_max_span_end[n])
        return false;
    for (uint32_t s = g->node_first_span[n]; s != FX_NONE; s = g->spans[s].next)
        if (g->spans[s].begin < end && t < g->spans[s].end)
            return true;
    return false;
}

/* Whether every core of node n is free over the window, known without
 * looking at them: no core of it has a reservation of its own (a
 * reservation that took it whole is node_taken's), and none is held, or
 * the window starts later than now and after the last held core's end. */
static bool node_all_free(const fx_graph *g, uint32_t n, double t, double now)
{
    return g->node_core_spans[n] == 0 &&
           (g->free_now[n] == cores_of(g, n) || (t > now && g->node_max_end[n] <= t));
}

/* Whether every core in [first, first + n) is free over the window. */
static bool all_free(const fx_graph *g, uint64_t first, uint32_t n, double t, double end, double now)
{
    if (n && node_all_free(g, g->core_node[first], t, now))
        return true;
    for (uint32_t k = 0; k < n; k++)
        if (!core_free(g, first + k, t, end, now))
            return false;
    return true;
}

/* Takes node n's resources free over the window until *need is met:
 * whole sockets (socket slots) or cores, by id, highest first under a
 * high policy (first included), lowest first under a low one, across the
 * node: Fluxion scores every qualifying child and takes the best. */
static void take_from_node(fx_graph *g, uint32_t n, const fx_request *r, double t, double end, double now,
                           uint32_t *need)
{
    uint32_t cores = cores_of(g, n), ps = cores / g->sockets;
    if (r->slot == FX_SLOT_SOCKET) {
        for (uint32_t i = 0; i < g->sockets && *need; i++) {
            uint64_t first = g->node_base[n] + (uint64_t)(g->match.high ? g->sockets - 1 - i : i) * ps;
            if (all_free(g, first, ps, t, end, now)) {
                pick_cores(g, first, ps);
                (*need)--;
            }
        }
        return;
    }
    if (node_all_free(g, n, t, now)) {
        uint32_t take = *need < cores ? *need : cores;
        pick_cores(g, g->node_base[n] + (g->match.high ? cores - take : 0), take);
        *need -= take;
        return;
    }
    for (uint32_t k = 0; k < cores && *need; k++) {
        uint64_t core = g->node_base[n] + (g->match.high ? cores - 1 - k : k);
        if (core_free(g, core, t, end, now)) {
            pick_cores(g, core, 1);
            (*need)--;
        }
    }
}

bool fx_graph_match(fx_graph *g, const fx_request *r, double t, double now)
{
    g->npick = g->npickruns = 0;
    double end = t + r->duration;
    uint32_t need = r->count;
    /* At the present, for cores: the free cores less those a reservation
     * of this loop takes before the window ends is exactly what a walk
     * would find, so a request beyond it is refused at once. */
    if (t <= now && r->slot == FX_SLOT_CORE && !g->match.node_exclusive &&
        g->part_free[r->partition] - count_before(&g->blocking[r->partition], end) < need)
        return false;
    walk w;
    walk_begin(g, &w, t <= now);
    uint32_t n;
    while (need && walk_next(g, &w, &n)) {
        /* a node all held past t has nothing to give */
        if (g->node_part[n] != r->partition || (g->free_now[n] == 0 && g->node_min_end[n] > t))
            continue;
        if (node_taken(g, n, t, end))
            continue;
        uint32_t cores = cores_of(g, n);
        if (r->slot == FX_SLOT_NODE || g->match.node_exclusive) {
            if (!all_free(g, g->node_base[n], cores, t, end, now))
                continue;
            pick_cores(g, g->node_base[n], cores);
            /* a whole node meets a node slot, a socket slot per socket, or its cores */
            uint32_t gives = r->slot == FX_SLOT_NODE ? 1 : r->slot == FX_SLOT_SOCKET ? g->sockets : cores;
            need = gives >= need ? 0 : need - gives;
            continue;
        }
        take_from_node(g, n, r, t, end, now, &need);
    }
    if (need) {
        g->npick = g->npickruns = 0;
        return false;
    }
    return true;
}

/* The cores of partition p in use as a step function of time, as
 * Fluxion's aggregate planner sees them: U(x) = cores held by running
 * jobs still planned to run at x, plus cores this loop's reservations
 * hold at x. It drops at running jobs' and reservations' ends and rises
 * only at reservations' begins. Made during a search as breakpoints (x,
 * U from x on), ascending, only as far as the search looks (a search
 * that succeeds early needs few of a busy cluster's thousands of ends);
 * before the first, U is u0. */
typedef struct profile {
    double *x;
    int64_t *u;
    uint32_t n;
    int64_t u0;
    uint32_t p;       /* the partition */
    uint32_t e, b, v; /* the merge's place in the three streams */
    int64_t last_u;   /* U after the last breakpoint */
} profile;

/* Readies an empty profile of partition p, with room for every
 * breakpoint; -1 when out of memory. */
static int profile_start(fx_graph *g, uint32_t p, profile *pr)
{
    uint32_t need = g->nends + 2 * g->nresv + 1;
    if (need > g->scratch_cap) {
        double *x = realloc(g->scratch_x, need * sizeof *x);
        if (x)
            g->scratch_x = x;
        int64_t *u = x ? realloc(g->scratch_u, need * sizeof *u) : NULL;
        if (u)
            g->scratch_u = u;
        uint32_t *dq = u ? realloc(g->scratch_dq, need * sizeof *dq) : NULL;
        if (dq)
            g->scratch_dq = dq;
        int64_t *rise = dq ? realloc(g->scratch_rise, need * sizeof *rise) : NULL;
        if (!rise)
            return -1;
        g->scratch_rise = rise;
        g->scratch_cap = need;
    }
    *pr = (profile){.x = g->scratch_x, .u = g->scratch_u, .p = p};
    pr->u0 = pr->last_u = (int64_t)(g->part_cores[p] - g->part_free[p]);
    return 0;
}

/* Appends the next breakpoint, merging three sorted streams (running
 * ends, reservation begins and reservation ends, all kept in order) and
 * every change at the same x; false when none is left. */
static bool profile_more(const fx_graph *g, profile *pr)
{
    uint32_t p = pr->p;
    while (pr->e < g->nends && (g->ends[pr->e].part != p || !isfinite(g->ends[pr->e].end)))
        pr->e++;
    while (pr->b < g->nresv && g->resv_begin[pr->b].part != p)
        pr->b++;
    while (pr->v < g->nresv && (g->resv[pr->v].part != p || !isfinite(g->resv[pr->v].end)))
        pr->v++;
    double xe = pr->e < g->nends ? g->ends[pr->e].end : INFINITY,
           xb = pr->b < g->nresv ? g->resv_begin[pr->b].begin : INFINITY,
           xv = pr->v < g->nresv ? g->resv[pr->v].end : INFINITY;
    double x = xe < xb ? xe : xb;
    x = xv < x ? xv : x;
    if (x == INFINITY)
        return false;
    for (; pr->e < g->nends && g->ends[pr->e].end == x; pr->e++)
        if (g->ends[pr->e].part == p)
            pr->last_u -= g->ends[pr->e].cores;
    for (; pr->b < g->nresv && g->resv_begin[pr->b].begin == x; pr->b++)
        if (g->resv_begin[pr->b].part == p)
            pr->last_u += g->resv_begin[pr->b].cores;
    for (; pr->v < g->nresv && g->resv[pr->v].end == x; pr->v++)
        if (g->resv[pr->v].part == p)
            pr->last_u -= g->resv[pr->v].cores;
    pr->x[pr->n] = x;
    pr->u[pr->n++] = pr->last_u;
    return true;
}

/* Whether breakpoint i exists, making it if need be. */
static bool profile_has(const fx_graph *g, profile *pr, uint32_t i)
{
    while (i >= pr->n)
        if (!profile_more(g, pr))
            return false;
    return true;
}

/* --- the walks that failed at a future time since resources were last
 * freed: cores are only taken in between (starts, reservations), and a
 * walk fails exactly when fewer slots than asked are free over its
 * window, so a request as big and as long fails there too. Under
 * conservative the searches of one loop try the same times again and
 * again. Kept sorted by time. --- */

static bool failed_before(const fx_graph *g, const fx_request *r, double t)
{
    uint32_t lo = 0, hi = g->nfailed;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (g->failed[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < g->nfailed && g->failed[i].t == t; i++) {
        const fx_failed *f = &g->failed[i];
        if (f->slot == r->slot && f->partition == r->partition && f->count <= r->count && f->duration <= r->duration)
            return true;
    }
    return false;
}

static void note_failure(fx_graph *g, const fx_request *r, double t)
{
    if (g->nfailed == g->failed_cap) {
        uint32_t cap = g->failed_cap ? 2 * g->failed_cap : 256;
        fx_failed *more = realloc(g->failed, cap * sizeof *more);
        if (!more)
            return; /* out of memory: the walks are only done again */
        g->failed = more;
        g->failed_cap = cap;
    }
    uint32_t i = g->nfailed;
    while (i > 0 && g->failed[i - 1].t > t) {
        g->failed[i] = g->failed[i - 1];
        i--;
    }
    g->failed[i] = (fx_failed){t, r->duration, r->count, r->partition, r->slot};
    g->nfailed++;
}

bool fx_graph_earliest(fx_graph *g, const fx_request *r, double now, double *at)
{
    /* Candidate times, ascending: the ends of running jobs (g->ends) and of
     * this loop's reservations (g->resv), both kept sorted. */
    uint32_t p = r->partition;
    uint64_t freed = g->part_free[p];
    uint32_t e = 0, v = 0;
    double last = now;
    bool counted = r->slot == FX_SLOT_CORE && !g->match.node_exclusive, built = false;
    profile pr = {0};
    /* The most cores in use over [t, t + duration) is the maximum of U at t
     * and at the reservation begins inside: U only rises there. Both ends
     * of the window only move forward, so a deque of the begins inside,
     * with falling U, keeps it (dq: their indexes in resv_begin, rise:
     * U there), and the profile is made only as far as the last begin a
     * window reaches: under easy, with no other reservation, only up to
     * the candidate itself. */
    uint32_t lo = 0, at_b = 0, rb = 0, qh = 0, qt = 0, *dq = NULL;
    int64_t *rise = NULL;
    while (e < g->nends || v < g->nresv) {
        bool from_running = v == g->nresv || (e < g->nends && g->ends[e].end <= g->resv[v].end);
        double t = from_running ? g->ends[e].end : g->resv[v].end;
        if (from_running) {
            if (g->ends[e].part == r->partition) /* what running jobs give back by t bounds what is free */
                freed += g->ends[e].cores;
            e++;
        } else {
            v++;
        }
        if (t <= last || !isfinite(t))
            continue;
        /* all entries at t first: their cores count toward the bound */
        if (e < g->nends && g->ends[e].end == t)
            continue;
        if (v < g->nresv && g->resv[v].end == t)
            continue;
        last = t;
        if (r->slot == FX_SLOT_CORE && freed < r->count)
            continue;
        /* As Fluxion's aggregate planner: the cores busy at some instant
         * of the window (held past it, or reserved over it) leave too few. */
        /* readied at the first candidate that needs it: often none does */
        if (counted && !built && profile_start(g, p, &pr) < 0)
            counted = false; /* out of memory: no shortcut, the walks still decide */
        built = true;
        dq = g->scratch_dq; /* the start may have moved them */
        rise = g->scratch_rise;
        if (counted) {
            double end = t + r->duration;
            while (profile_has(g, &pr, lo) && pr.x[lo] <= t)
                lo++;
            int64_t at_t = lo ? pr.u[lo - 1] : pr.u0;
            for (; rb < g->nresv && g->resv_begin[rb].begin < end; rb++) {
                double b = g->resv_begin[rb].begin;
                if (g->resv_begin[rb].part != p)
                    continue;
                while (profile_has(g, &pr, at_b) && pr.x[at_b] <= b)
                    at_b++;
                int64_t u = at_b ? pr.u[at_b - 1] : pr.u0;
                while (qt > qh && rise[qt - 1] <= u)
                    qt--;
                dq[qt] = rb;
                rise[qt++] = u;
            }
            while (qt > qh && g->resv_begin[dq[qh]].begin <= t)
                qh++;
            int64_t most = qt > qh && rise[qh] > at_t ? rise[qh] : at_t;
            if ((int64_t)g->part_cores[p] - most < (int64_t)r->count)
                continue;
        }
        if (failed_before(g, r, t))
            continue;
        if (fx_graph_match(g, r, t, now)) {
            *at = t;
            return true;
        }
        note_failure(g, r, t);
    }
    return false;
}

/* Keeps a reservation in g->resv, sorted by end. */
static int add_resv(fx_graph *g, fx_resv x)
{
    if (g->nresv == g->resv_cap) {
        uint32_t cap = g->resv_cap ? 2 * g->resv_cap : 64;
        fx_resv *more = realloc(g->resv, cap * sizeof *more);
        if (!more)
            return -1;
        g->resv = more;
        g->resv_cap = cap;
    }
    if (g->nresv == g->resv_begin_cap) {
        uint32_t cap = g->resv_begin_cap ? 2 * g->resv_begin_cap : 64;
        fx_resv *more = realloc(g->resv_begin, cap * sizeof *more);
        if (!more)
            return -1;
        g->resv_begin = more;
        g->resv_begin_cap = cap;
    }
    uint32_t i = g->nresv;
    while (i > 0 && g->resv[i - 1].end > x.end) {
        g->resv[i] = g->resv[i - 1];
        i--;
    }
    g->resv[i] = x;
    i = g->nresv;
    while (i > 0 && g->resv_begin[i - 1].begin > x.begin) {
        g->resv_begin[i] = g->resv_begin[i - 1];
        i--;
    }
    g->resv_begin[i] = x;
    g->nresv++;
    return 0;
}

/* `first`: the picks' nodes take as weight their free cores now (an
 * allocation or a reservation passed through them). */
static void touch_weights(fx_graph *g)
{
    if (!g->match.dynamic)
        return;
    for (uint32_t i = 0; i < g->npickruns; i++) {
        uint32_t n = pick_node(g, i);
        set_bucket(g, n, g->free_now[n]);
    }
}

static int add_end(fx_graph *g, double end, uint32_t cores, uint32_t part)
{
    if (g->nends == g->ends_cap) {
        uint32_t cap = g->ends_cap ? 2 * g->ends_cap : 256;
        fx_end *more = realloc(g->ends, cap * sizeof *more);
        if (!more)
            return -1;
        g->ends = more;
        g->ends_cap = cap;
    }
    uint32_t lo = 0, hi = g->nends;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (g->ends[mid].end <= end)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(g->ends + lo + 1, g->ends + lo, (g->nends - lo) * sizeof *g->ends);
    g->ends[lo] = (fx_end){end, cores, part};
    g->nends++;
    return 0;
}

static void remove_end(fx_graph *g, double end, uint32_t cores, uint32_t part)
{
    uint32_t lo = 0, hi = g->nends;
    while (lo < hi) { /* the first entry not before end */
        uint32_t mid = (lo + hi) / 2;
        if (g->ends[mid].end < end)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t i = lo; i < g->nends && g->ends[i].end == end; i++)
        if (g->ends[i].cores == cores && g->ends[i].part == part) {
            memmove(g->ends + i, g->ends + i + 1, (g->nends - i - 1) * sizeof *g->ends);
            g->nends--;
            return;
        }
}

void fx_graph_hold(fx_graph *g, double now, double duration)
{
    uint32_t part = g->npickruns ? g->node_part[pick_node(g, 0)] : 0;
    for (uint32_t i = 0; i < g->npickruns; i++) {
        uint32_t n = pick_node(g, i);
        bool by_node = g->node_core_spans[n] == 0; /* its cores' earliest begin is the node's */
        for (uint32_t core = g->pick[i].first; core < g->pick[i].first + g->pick[i].count; core++) {
            g->held[core] = true;
            g->planned_end[core] = now + duration;
            double b = core_min_begin(g, core);
            if (!by_node && isfinite(b)) /* reserved later, held now: no longer a free core it blocks */
                blocking_sub(&g->blocking[part], b, 1);
        }
        if (by_node && isfinite(g->node_min_begin[n]))
            blocking_sub(&g->blocking[part], g->node_min_begin[n], g->pick[i].count);
        set_free_now(g, n, g->free_now[n] - g->pick[i].count);
        if (now + duration < g->node_min_end[n])
            g->node_min_end[n] = now + duration;
        if (now + duration > g->node_max_end[n])
            g->node_max_end[n] = now + duration;
    }
    g->part_free[part] -= g->npick;
    add_end(g, now + duration, g->npick, part); /* out of memory: reservations see it later, nothing worse */
    touch_weights(g);
}

static int grow_spans(fx_graph *g)
{
    if (g->nspans < g->span_cap)
        return 0;
    uint32_t cap = g->span_cap ? 2 * g->span_cap : 1024;
    fx_span *more = realloc(g->spans, cap * sizeof *more);
    if (!more)
        return -1;
    g->spans = more;
    g->span_cap = cap;
    return 0;
}

/* Remembers a core given a span or an earliest begin of its own, to
 * clear it when the loop's reservations are dropped. */
static int touch_core(fx_graph *g, uint32_t core)
{
    if (g->ntouched == g->touched_cap) {
        uint32_t cap = g->touched_cap ? 2 * g->touched_cap : 1024;
        uint32_t *more = realloc(g->touched, cap * sizeof *more);
        if (!more)
            return -1;
        g->touched = more;
        g->touched_cap = cap;
    }
    g->touched[g->ntouched++] = core;
    return 0;
}

/* Core `core` is reserved on its own from `at` on: the earliest begin
 * of its reservations, and (free now) the count of blocked free cores by
 * it. */
static int reserved_from(fx_graph *g, uint32_t core, double at)
{
    if (g->first_span[core] == FX_NONE && !isfinite(g->min_begin[core]) && touch_core(g, core) < 0)
        return -1;
    double was = core_min_begin(g, core);
    if (!g->held[core] && at < was) {
        fx_blocking *b = &g->blocking[g->node_part[g->core_node[core]]];
        if (isfinite(was))
            blocking_sub(b, was, 1);
        if (blocking_add(b, at, 1) < 0)
            return -1;
    }
    if (at < g->min_begin[core])
        g->min_begin[core] = at;
    return 0;
}

/* A reservation that takes a node whole is one span on the node, not
 * one per core: big jobs on big nodes are most of a loop's work. Only
 * the node's free cores need their earliest begin (what blocks them at
 * the present): a held core is read again only after a job's end, and
 * then every reservation is dropped first. */
int fx_graph_reserve(fx_graph *g, double at, double duration)
{
    for (uint32_t i = 0; i < g->npickruns;) {
        uint32_t n = pick_node(g, i), k = node_runs_end(g, i), taken = 0;
        for (uint32_t j = i; j < k; j++)
            taken += g->pick[j].count;
        if (taken == cores_of(g, n)) {
            if (grow_spans(g) < 0)
                return -1;
            if (g->node_first_span[n] == FX_NONE) {
                if (g->ntouched_nodes == g->touched_nodes_cap) {
                    uint32_t cap = g->touched_nodes_cap ? 2 * g->touched_nodes_cap : 256;
                    uint32_t *more = realloc(g->touched_nodes, cap * sizeof *more);
                    if (!more)
                        return -1;
                    g->touched_nodes = more;
                    g->touched_nodes_cap = cap;
                }
                g->touched_nodes[g->ntouched_nodes++] = n;
            }
            g->spans[g->nspans] = (fx_span){at, at + duration, g->node_first_span[n]};
            g->node_first_span[n] = g->nspans++;
            if (at + duration > g->node_max_span_end[n])
                g->node_max_span_end[n] = at + duration;
            /* its free cores are blocked from `at` on, if not earlier:
             * counted by node while no core of it has a span of its own
             * (their earliest begin is then the node's) */
            double was = g->node_min_begin[n];
            if (at < was) {
                fx_blocking *b = &g->blocking[g->node_part[n]];
                g->node_min_begin[n] = at;
                if (g->node_core_spans[n] == 0 && g->free_now[n]) {
                    if (isfinite(was))
                        blocking_sub(b, was, g->free_now[n]);
                    if (blocking_add(b, at, g->free_now[n]) < 0)
                        return -1;
                } else if (g->free_now[n]) {
                    for (uint64_t c = g->node_base[n]; c < g->node_base[n + 1]; c++) {
                        double before = g->min_begin[c] < was ? g->min_begin[c] : was;
                        if (g->held[c] || at >= before)
                            continue;
                        if (isfinite(before))
                            blocking_sub(b, before, 1);
                        if (blocking_add(b, at, 1) < 0)
                            return -1;
                    }
                }
            }
        } else {
            for (uint32_t j = i; j < k; j++)
                for (uint32_t core = g->pick[j].first; core < g->pick[j].first + g->pick[j].count; core++) {
                    if (grow_spans(g) < 0 || reserved_from(g, core, at) < 0)
                        return -1;
                    g->spans[g->nspans] = (fx_span){at, at + duration, g->first_span[core]};
                    g->first_span[core] = g->nspans++;
                    g->node_core_spans[n]++;
                }
        }
        i = k;
    }
    touch_weights(g);
    uint32_t part = g->npickruns ? g->node_part[pick_node(g, 0)] : 0;
    return add_resv(g, (fx_resv){at, at + duration, g->npick, part});
}

void fx_graph_release(fx_graph *g, const fx_pick *runs, uint32_t nruns)
{
    if (!nruns)
        return;
    uint32_t part = g->node_part[g->core_node[runs[0].first]], n = 0;
    double end = g->planned_end[runs[0].first];
    for (uint32_t i = 0; i < nruns; i++) {
        uint32_t node = g->core_node[runs[i].first];
        memset(g->held + runs[i].first, 0, runs[i].count * sizeof *g->held);
        set_free_now(g, node, g->free_now[node] + runs[i].count);
        n += runs[i].count;
        if (i + 1 == nruns || g->core_node[runs[i + 1].first] != node)
            node_end_update(g, node);
    }
    g->part_free[part] += n;
    remove_end(g, end, n, part);
    g->nfailed = 0; /* freed cores: a walk may now succeed */
}

void fx_graph_cancel_reservations(fx_graph *g)
{
    for (uint32_t i = 0; i < g->ntouched; i++) {
        g->first_span[g->touched[i]] = FX_NONE;
        g->min_begin[g->touched[i]] = INFINITY;
        g->node_core_spans[g->core_node[g->touched[i]]] = 0;
    }
    for (uint32_t i = 0; i < g->ntouched_nodes; i++) {
        g->node_first_span[g->touched_nodes[i]] = FX_NONE;
        g->node_min_begin[g->touched_nodes[i]] = INFINITY;
        g->node_max_span_end[g->touched_nodes[i]] = -INFINITY;
    }
    g->ntouched_nodes = 0;
    for (uint32_t p = 0; p < g->nparts; p++)
        g->blocking[p].n = 0;
    g->ntouched = 0;
    g->nspans = 0;
    g->nresv = 0;
    g->nfailed = 0;
}

static int cmp_first(const void *a, const void *b)
{
    uint32_t x = ((const fx_pick *)a)->first, y = ((const fx_pick *)b)->first;
    return (x > y) - (x < y);
}

/* The picks' runs in ascending core order (runs never overlap), or NULL
 * when out of memory. A match appends each node's runs together, so the
 * nodes are put in order by a bitmap (a word per 64 nodes) and each
 * node's few runs by insertion, rather than every run by qsort. */
static fx_pick *sorted_picks(const fx_graph *g)
{
    fx_pick *sorted = malloc((g->npickruns ? g->npickruns : 1) * sizeof *sorted);
    if (!sorted)
        return NULL;
    bool apart = false; /* a node in two places (not what a match makes) */
    for (uint32_t i = 0; i < g->npickruns; i = node_runs_end(g, i)) {
        uint32_t n = pick_node(g, i);
        apart = apart || (g->sort_mark[n >> 6] >> (n & 63) & 1);
        bit_set(g->sort_mark, n);
        g->sort_at[n] = i;
    }
    uint32_t at = 0;
    for (uint32_t w = 0; w < g->nwords; w++) {
        for (uint64_t bits = g->sort_mark[w]; bits; bits &= bits - 1) {
            uint32_t i = g->sort_at[w * 64 + (uint32_t)__builtin_ctzll(bits)], k = node_runs_end(g, i), from = at;
            for (; i < k; i++) {
                uint32_t q = at++;
                while (q > from && sorted[q - 1].first > g->pick[i].first) {
                    sorted[q] = sorted[q - 1];
                    q--;
                }
                sorted[q] = g->pick[i];
            }
        }
        g->sort_mark[w] = 0;
    }
    if (apart) {
        memcpy(sorted, g->pick, g->npickruns * sizeof *sorted);
        qsort(sorted, g->npickruns, sizeof *sorted, cmp_first);
    }
    return sorted;
}

int fx_graph_units(const fx_graph *g, hs_intervals *out)
{
    hs_intervals_reset(out);
    fx_pick *sorted = sorted_picks(g);
    if (!sorted)
        return -1;
    int rc = 0;
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < g->npickruns && rc == 0; i++) {
        if (g->cluster->mode != HS_ALLOC_NODES) {
            rc = hs_intervals_append(out, sorted[i].first, sorted[i].count);
            continue;
        }
        uint32_t node = g->core_node[sorted[i].first];
        if (node != last)
            rc = hs_intervals_append(out, node, 1);
        last = node;
    }
    free(sorted);
    return rc;
}

void fx_graph_write_picks(const fx_graph *g, FILE *out)
{
    fx_pick *sorted = sorted_picks(g);
    if (!sorted)
        return;
    for (uint32_t i = 0; i < g->npickruns;) {
        uint32_t n = g->core_node[sorted[i].first];
        fprintf(out, " node%u[", n);
        bool first = true;
        while (i < g->npickruns && g->core_node[sorted[i].first] == n) {
            uint32_t a = sorted[i].first, b = a + sorted[i].count - 1;
            while (i + 1 < g->npickruns && sorted[i + 1].first == b + 1 && g->core_node[sorted[i + 1].first] == n)
                b += sorted[++i].count;
            i++;
            uint32_t la = (uint32_t)(a - g->node_base[n]), lb = (uint32_t)(b - g->node_base[n]);
            if (la == lb)
                fprintf(out, "%s%u", first ? "" : ",", la);
            else
                fprintf(out, "%s%u-%u", first ? "" : ",", la, lb);
            first = false;
        }
        fputc(']', out);
    }
    free(sorted);
}
