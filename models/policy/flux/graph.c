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
 * job's end does not refresh, as Fluxion's edge weights), inside a node
 * its sockets, inside a socket its cores, and takes what is free until
 * the request is met (Fluxion's stop-on-first-match walk; docs/flux.md). */
#include "graph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint32_t cores_of(const fx_graph *g, uint32_t n) { return (uint32_t)(g->node_base[n + 1] - g->node_base[n]); }

/* Node a comes before node b in the walk. */
static bool before(const fx_graph *g, uint32_t a, uint32_t b)
{
    if (g->match.dynamic && g->node_weight[a] != g->node_weight[b])
        return g->node_weight[a] > g->node_weight[b];
    return g->match.high ? a > b : a < b;
}

int fx_graph_init(fx_graph *g, const hs_cluster *c, const fx_config *cfg, hs_error *err)
{
    memset(g, 0, sizeof *g);
    g->cluster = c;
    g->match = cfg->match;
    g->nnodes = c->nnodes;
    g->sockets = cfg->sockets_per_node;
    g->ncores = c->ncores;
    for (uint32_t k = 0; k < c->ngroups; k++)
        if (c->groups[k].cores % g->sockets)
            return hs_error_set(err, "--policy-opt", 0, 0,
                                "sockets-per-node=%u: node group '%s' has %u cores, which do not split into %u sockets",
                                g->sockets, c->groups[k].name, c->groups[k].cores, g->sockets);
    size_t n = g->nnodes ? g->nnodes : 1, nc = g->ncores ? g->ncores : 1;
    g->node_part = malloc(n * sizeof *g->node_part);
    g->free_now = malloc(n * sizeof *g->free_now);
    g->part_free = calloc(c->nparts ? c->nparts : 1, sizeof *g->part_free);
    g->planned_end = calloc(nc, sizeof *g->planned_end);
    g->held = calloc(nc, sizeof *g->held);
    g->first_span = malloc(nc * sizeof *g->first_span);
    g->node_weight = malloc(n * sizeof *g->node_weight);
    g->order = malloc(n * sizeof *g->order);
    g->order_pos = malloc(n * sizeof *g->order_pos);
    g->pick = malloc(nc * sizeof *g->pick);
    g->node_base = malloc((n + 1) * sizeof *g->node_base);
    if (!g->node_part || !g->free_now || !g->part_free || !g->planned_end || !g->held || !g->first_span ||
        !g->node_weight || !g->order || !g->order_pos || !g->pick || !g->node_base) {
        fx_graph_free(g);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    for (uint32_t k = 0; k < c->ngroups; k++)
        for (uint32_t i = 0; i < c->groups[k].count; i++)
            g->node_part[c->groups[k].first_node + i] = c->groups[k].partition;
    for (uint32_t i = 0; i <= g->nnodes; i++)
        g->node_base[i] = c->core_base[i];
    for (uint32_t i = 0; i < g->nnodes; i++) {
        g->free_now[i] = cores_of(g, i);
        g->part_free[g->node_part[i]] += g->free_now[i];
        g->node_weight[i] = UINT64_MAX;
        g->order[i] = g->match.high ? g->nnodes - 1 - i : i;
        g->order_pos[g->order[i]] = i;
    }
    for (uint64_t i = 0; i < g->ncores; i++)
        g->first_span[i] = FX_NONE;
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
    free(g->spans);
    free(g->touched);
    free(g->node_weight);
    free(g->order);
    free(g->order_pos);
    free(g->pick);
    free(g->node_base);
    free(g->ends);
    free(g->res_ends);
    memset(g, 0, sizeof *g);
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

/* Whether every core in [first, first + n) is free over the window. */
static bool all_free(const fx_graph *g, uint64_t first, uint32_t n, double t, double end, double now)
{
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
                for (uint32_t k = 0; k < ps; k++)
                    g->pick[g->npick++] = (uint32_t)(first + k);
                (*need)--;
            }
        }
        return;
    }
    for (uint32_t k = 0; k < cores && *need; k++) {
        uint64_t core = g->node_base[n] + (g->match.high ? cores - 1 - k : k);
        if (core_free(g, core, t, end, now)) {
            g->pick[g->npick++] = (uint32_t)core;
            (*need)--;
        }
    }
}

bool fx_graph_match(fx_graph *g, const fx_request *r, double t, double now)
{
    g->npick = 0;
    double end = t + r->duration;
    uint32_t need = r->count;
    /* Now, and for cores, the partition's free count is a bound that
     * settles most refusals at once. */
    if (t <= now && r->slot == FX_SLOT_CORE && g->part_free[r->partition] < need)
        return false;
    for (uint32_t i = 0; i < g->nnodes && need; i++) {
        uint32_t n = g->order[i];
        if (g->node_part[n] != r->partition || (t <= now && g->free_now[n] == 0))
            continue;
        uint32_t cores = cores_of(g, n);
        if (r->slot == FX_SLOT_NODE || g->match.node_exclusive) {
            if (!all_free(g, g->node_base[n], cores, t, end, now))
                continue;
            for (uint32_t k = 0; k < cores; k++)
                g->pick[g->npick++] = (uint32_t)(g->node_base[n] + k);
            /* a whole node meets a node slot, a socket slot per socket, or its cores */
            uint32_t gives = r->slot == FX_SLOT_NODE ? 1 : r->slot == FX_SLOT_SOCKET ? g->sockets : cores;
            need = gives >= need ? 0 : need - gives;
            continue;
        }
        take_from_node(g, n, r, t, end, now, &need);
    }
    if (need) {
        g->npick = 0;
        return false;
    }
    return true;
}

bool fx_graph_earliest(fx_graph *g, const fx_request *r, double now, double *at)
{
    /* Candidate times, ascending: the ends of running jobs (g->ends) and of
     * this loop's reservations (g->res_ends), both kept sorted. */
    uint64_t freed = g->part_free[r->partition];
    uint32_t e = 0, v = 0;
    double last = now;
    while (e < g->nends || v < g->nres_ends) {
        bool from_running = v == g->nres_ends || (e < g->nends && g->ends[e].end <= g->res_ends[v]);
        double t = from_running ? g->ends[e].end : g->res_ends[v];
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
        if (v < g->nres_ends && g->res_ends[v] == t)
            continue;
        last = t;
        if (r->slot == FX_SLOT_CORE && freed < r->count)
            continue;
        if (fx_graph_match(g, r, t, now)) {
            *at = t;
            return true;
        }
    }
    return false;
}

/* Adds a reservation's end to the sorted res_ends. */
static int add_res_end(fx_graph *g, double end)
{
    if (g->nres_ends == g->res_ends_cap) {
        uint32_t cap = g->res_ends_cap ? 2 * g->res_ends_cap : 64;
        double *more = realloc(g->res_ends, cap * sizeof *more);
        if (!more)
            return -1;
        g->res_ends = more;
        g->res_ends_cap = cap;
    }
    uint32_t i = g->nres_ends;
    while (i > 0 && g->res_ends[i - 1] > end) {
        g->res_ends[i] = g->res_ends[i - 1];
        i--;
    }
    g->res_ends[i] = end;
    g->nres_ends++;
    return 0;
}

/* Keeps node n in its place in the `first` order after its weight moved. */
static void reorder(fx_graph *g, uint32_t n)
{
    uint32_t pos = g->order_pos[n];
    while (pos > 0 && before(g, n, g->order[pos - 1])) {
        g->order[pos] = g->order[pos - 1];
        g->order_pos[g->order[pos]] = pos;
        pos--;
    }
    while (pos + 1 < g->nnodes && before(g, g->order[pos + 1], n)) {
        g->order[pos] = g->order[pos + 1];
        g->order_pos[g->order[pos]] = pos;
        pos++;
    }
    g->order[pos] = n;
    g->order_pos[n] = pos;
}

/* The node holding a graph core: nodes are few next to cores, so a
 * binary search over node_base. */
static uint32_t node_of(const fx_graph *g, uint32_t core)
{
    uint32_t lo = 0, hi = g->nnodes;
    while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (g->node_base[mid] <= core)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* `first`: the picks' nodes take as weight their free cores now (an
 * allocation or a reservation passed through them). */
static void touch_weights(fx_graph *g)
{
    if (!g->match.dynamic)
        return;
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < g->npick; i++) {
        uint32_t n = node_of(g, g->pick[i]);
        if (n == last)
            continue;
        last = n;
        g->node_weight[n] = g->free_now[n];
        reorder(g, n);
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
    uint32_t part = g->npick ? g->node_part[node_of(g, g->pick[0])] : 0;
    for (uint32_t i = 0; i < g->npick; i++) {
        uint32_t core = g->pick[i];
        g->held[core] = true;
        g->planned_end[core] = now + duration;
        g->free_now[node_of(g, core)]--;
    }
    g->part_free[part] -= g->npick;
    add_end(g, now + duration, g->npick, part); /* out of memory: reservations see it later, nothing worse */
    touch_weights(g);
}

int fx_graph_reserve(fx_graph *g, double at, double duration)
{
    for (uint32_t i = 0; i < g->npick; i++) {
        uint32_t core = g->pick[i];
        if (g->nspans == g->span_cap || g->ntouched == g->touched_cap) {
            uint32_t cap = g->span_cap ? 2 * g->span_cap : 1024;
            fx_span *s = realloc(g->spans, cap * sizeof *s);
            uint32_t *t = s ? realloc(g->touched, cap * sizeof *t) : NULL;
            if (s)
                g->spans = s;
            if (!t)
                return -1;
            g->touched = t;
            g->span_cap = g->touched_cap = cap;
        }
        if (g->first_span[core] == FX_NONE)
            g->touched[g->ntouched++] = core;
        g->spans[g->nspans] = (fx_span){at, at + duration, g->first_span[core]};
        g->first_span[core] = g->nspans++;
    }
    touch_weights(g);
    return isfinite(at + duration) ? add_res_end(g, at + duration) : 0;
}

void fx_graph_release(fx_graph *g, const uint32_t *cores, uint32_t n)
{
    if (!n)
        return;
    uint32_t part = g->node_part[node_of(g, cores[0])];
    double end = g->planned_end[cores[0]];
    for (uint32_t i = 0; i < n; i++) {
        g->held[cores[i]] = false;
        g->free_now[node_of(g, cores[i])]++;
    }
    g->part_free[part] += n;
    remove_end(g, end, n, part);
}

void fx_graph_cancel_reservations(fx_graph *g)
{
    for (uint32_t i = 0; i < g->ntouched; i++)
        g->first_span[g->touched[i]] = FX_NONE;
    g->ntouched = 0;
    g->nspans = 0;
    g->nres_ends = 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int fx_graph_units(const fx_graph *g, hs_intervals *out)
{
    hs_intervals_reset(out);
    uint32_t *sorted = malloc((g->npick ? g->npick : 1) * sizeof *sorted);
    if (!sorted)
        return -1;
    memcpy(sorted, g->pick, g->npick * sizeof *sorted);
    qsort(sorted, g->npick, sizeof *sorted, cmp_u32);
    int rc = 0;
    uint32_t last = UINT32_MAX;
    for (uint32_t i = 0; i < g->npick && rc == 0; i++) {
        uint32_t unit = g->cluster->mode == HS_ALLOC_NODES ? node_of(g, sorted[i]) : sorted[i];
        if (unit != last)
            rc = hs_intervals_append(out, unit, 1);
        last = unit;
    }
    free(sorted);
    return rc;
}

void fx_graph_write_picks(const fx_graph *g, FILE *out)
{
    uint32_t *sorted = malloc((g->npick ? g->npick : 1) * sizeof *sorted);
    if (!sorted)
        return;
    memcpy(sorted, g->pick, g->npick * sizeof *sorted);
    qsort(sorted, g->npick, sizeof *sorted, cmp_u32);
    for (uint32_t i = 0; i < g->npick;) {
        uint32_t n = node_of(g, sorted[i]);
        fprintf(out, " node%u[", n);
        bool first = true;
        while (i < g->npick && node_of(g, sorted[i]) == n) {
            uint32_t a = sorted[i], b = a;
            while (i + 1 < g->npick && sorted[i + 1] == b + 1)
                b = sorted[++i];
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
