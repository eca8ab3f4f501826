/* Cluster state: unit numbering, partitions as unit ranges, the free map,
 * and first-fit selection (cluster.h). Partitions own whole node groups and
 * never overlap, so a partition's free count is exact and cheap to keep. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/cluster.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *hs_alloc_mode_name(enum hs_alloc_mode mode)
{
    return mode == HS_ALLOC_NODES ? "nodes" : "cores";
}

void hs_cluster_free(hs_cluster *c)
{
    free(c->name);
    for (uint32_t i = 0; c->groups && i < c->ngroups; i++) {
        free(c->groups[i].name);
        free(c->groups[i].backend);
    }
    free(c->groups);
    for (uint32_t i = 0; i < c->nparts; i++) {
        free(c->parts[i].name);
        free(c->parts[i].units);
    }
    free(c->parts);
    free(c->core_base);
    hs_bitmap_free(&c->free);
    memset(c, 0, sizeof *c);
}

static int cmp_range(const void *a, const void *b)
{
    const hs_range *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

/* Recomputes every partition's unit ranges and the free map for the
 * current mode, from the groups each partition owns. */
static int layout_units(hs_cluster *c)
{
    c->nunits = c->mode == HS_ALLOC_NODES ? c->nnodes : c->ncores;
    hs_bitmap_free(&c->free);
    if (hs_bitmap_init(&c->free, c->nunits) < 0)
        return -1;
    hs_bitmap_set_range(&c->free, 0, c->nunits);
    for (uint32_t p = 0; p < c->nparts; p++) {
        hs_partition *part = &c->parts[p];
        free(part->units);
        if (!(part->units = calloc(c->ngroups, sizeof *part->units)))
            return -1;
        uint32_t n = 0, cores = 0;
        bool mixed = false; /* node sizes differ: no whole-node allocation */
        part->total_units = 0;
        for (uint32_t i = 0; i < c->ngroups; i++) {
            const hs_node_group *g = &c->groups[i];
            if (g->partition != p)
                continue;
            uint64_t first = c->mode == HS_ALLOC_NODES ? g->first_node : c->core_base[g->first_node];
            uint64_t count = c->mode == HS_ALLOC_NODES ? g->count : (uint64_t)g->count * g->cores;
            part->units[n].first = (uint32_t)first;
            part->units[n].count = (uint32_t)count;
            part->total_units += count;
            mixed = mixed || (n > 0 && g->cores != cores);
            cores = g->cores;
            n++;
        }
        part->cores_per_node = mixed ? 0 : cores;
        qsort(part->units, n, sizeof *part->units, cmp_range);
        /* merge adjacent groups into one range */
        uint32_t m = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (m > 0 && part->units[m - 1].first + part->units[m - 1].count == part->units[i].first)
                part->units[m - 1].count += part->units[i].count;
            else
                part->units[m++] = part->units[i];
        }
        part->nranges = m;
        part->free_units = part->total_units;
    }
    return 0;
}

int hs_cluster_finish_layout(hs_cluster *c, const char *source, hs_error *err)
{
    uint64_t nodes = 0, cores = 0;
    for (uint32_t i = 0; i < c->ngroups; i++) {
        c->groups[i].first_node = (uint32_t)nodes;
        nodes += c->groups[i].count;
        cores += (uint64_t)c->groups[i].count * c->groups[i].cores;
    }
    if (nodes == 0)
        return hs_error_set(err, source, 0, 0, "the cluster has no nodes");
    if (nodes > UINT32_MAX / 2 || cores > UINT32_MAX)
        return hs_error_set(err, source, 0, 0,
                            "the cluster is too large: %llu nodes, %llu cores (at most 2^32-1 cores)",
                            (unsigned long long)nodes, (unsigned long long)cores);
    c->nnodes = (uint32_t)nodes;
    c->ncores = cores;
    free(c->core_base);
    if (!(c->core_base = malloc((nodes + 1) * sizeof *c->core_base)))
        return hs_error_set(err, source, 0, 0, "out of memory");
    uint64_t base = 0;
    for (uint32_t g = 0; g < c->ngroups; g++)
        for (uint32_t k = 0; k < c->groups[g].count; k++) {
            c->core_base[c->groups[g].first_node + k] = base;
            base += c->groups[g].cores;
        }
    c->core_base[nodes] = base;
    if (c->nparts == 0) {
        if (!(c->parts = calloc(1, sizeof *c->parts)) || !(c->parts[0].name = strdup("all")))
            return hs_error_set(err, source, 0, 0, "out of memory");
        c->parts[0].swf_partition = -1;
        c->nparts = 1;
        c->default_part = 0;
        for (uint32_t i = 0; i < c->ngroups; i++)
            c->groups[i].partition = 0;
    }
    if (layout_units(c) < 0)
        return hs_error_set(err, source, 0, 0, "out of memory");
    return hs_cluster_set_mode(c, c->mode, source, err);
}

int hs_cluster_init_uniform(hs_cluster *c, uint32_t nnodes, uint32_t cores, enum hs_alloc_mode mode,
                            hs_error *err)
{
    memset(c, 0, sizeof *c);
    if (nnodes == 0 || cores == 0)
        return hs_error_set(err, "--nodes/--cores-per-node", 0, 0,
                            "a cluster needs at least one node with at least one core (got %u × %u)",
                            nnodes, cores);
    c->mode = mode;
    if (!(c->name = strdup("uniform")) || !(c->groups = calloc(1, sizeof *c->groups)) ||
        !(c->groups[0].name = strdup("nodes"))) {
        hs_cluster_free(c);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    c->ngroups = 1;
    c->groups[0].count = nnodes;
    c->groups[0].cores = cores;
    c->groups[0].perf_class = HS_NO_PERF_CLASS;
    if (hs_cluster_finish_layout(c, "--nodes/--cores-per-node", err) < 0) {
        hs_cluster_free(c);
        return -1;
    }
    return 0;
}

int hs_cluster_set_mode(hs_cluster *c, enum hs_alloc_mode mode, const char *source, hs_error *err)
{
    if (mode == HS_ALLOC_NODES)
        for (uint32_t p = 0; p < c->nparts; p++)
            if (c->parts[p].cores_per_node == 0)
                return hs_error_set(err, source, 0, 0,
                                    "partition '%s' mixes nodes with different core counts; whole-node "
                                    "allocation needs one size per partition (use core allocation)",
                                    c->parts[p].name);
    if (mode == c->mode && c->free.words)
        return 0;
    c->mode = mode;
    return layout_units(c) < 0 ? hs_error_set(err, source, 0, 0, "out of memory") : 0;
}

uint64_t hs_cluster_demand(const hs_cluster *c, uint32_t p, uint64_t procs)
{
    if (c->mode == HS_ALLOC_CORES)
        return procs;
    uint64_t cpn = c->parts[p].cores_per_node;
    return (procs + cpn - 1) / cpn;
}

uint64_t hs_cluster_demand_memory(const hs_cluster *c, uint32_t p, uint64_t procs, uint64_t mem_mb, int *raised)
{
    uint64_t demand = hs_cluster_demand(c, p, procs), need = 0;
    *raised = 0;
    if (mem_mb == 0)
        return demand;
    for (uint32_t g = 0; g < c->ngroups; g++) {
        const hs_node_group *ng = &c->groups[g];
        if (ng->partition != p)
            continue;
        if (ng->memory_mb == 0)
            return demand; /* memory not described: not limited */
        /* a node of ng holding k of the job's d units carries mem_mb * k / d */
        uint64_t per_node = c->mode == HS_ALLOC_CORES ? ng->cores : 1;
        unsigned __int128 units = ((unsigned __int128)mem_mb * per_node + ng->memory_mb - 1) / ng->memory_mb;
        uint64_t u = units > UINT64_MAX ? UINT64_MAX : (uint64_t)units;
        need = u > need ? u : need;
    }
    *raised = need > demand;
    return need > demand ? need : demand;
}

uint32_t hs_cluster_route(const hs_cluster *c, long swf_partition)
{
    if (swf_partition >= 0)
        for (uint32_t p = 0; p < c->nparts; p++)
            if (c->parts[p].swf_partition == swf_partition)
                return p;
    return c->default_part;
}

void hs_cluster_node_capacity(const hs_cluster *c, uint32_t node, hs_node_capacity *out)
{
    uint32_t lo = 0, hi = c->ngroups; /* groups are numbered in order: first_node grows */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->groups[mid].first_node <= node)
            lo = mid;
        else
            hi = mid;
    }
    const hs_node_group *g = &c->groups[lo];
    out->cpu_milli = (uint64_t)g->cores * 1000;
    out->mem_mb = g->memory_mb;
    out->gpu_milli = (uint64_t)g->gpus * 1000;
}

uint32_t hs_cluster_node_of_unit(const hs_cluster *c, uint64_t unit)
{
    if (c->mode == HS_ALLOC_NODES)
        return (uint32_t)unit;
    uint32_t lo = 0, hi = c->nnodes; /* core_base[lo] <= unit < core_base[hi] */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (c->core_base[mid] <= unit)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int hs_cluster_first_fit(const hs_cluster *c, uint32_t p, uint64_t demand, hs_intervals *out)
{
    const hs_partition *part = &c->parts[p];
    if (demand > part->free_units)
        return -1;
    for (uint32_t r = 0; r < part->nranges && demand > 0; r++) {
        uint64_t pos = part->units[r].first, end = pos + part->units[r].count;
        while (demand > 0) {
            pos = hs_bitmap_next_set(&c->free, pos, end);
            if (pos == end)
                break;
            uint64_t run_end = hs_bitmap_next_clear(&c->free, pos, end);
            uint64_t take = run_end - pos < demand ? run_end - pos : demand;
            if (hs_intervals_append(out, (uint32_t)pos, (uint32_t)take) < 0)
                return -1;
            demand -= take;
            pos += take;
        }
    }
    return demand == 0 ? 0 : -1;
}

/* Index of the partition range holding unit u, or -1. */
static long range_of(const hs_partition *part, uint64_t u)
{
    uint32_t lo = 0, hi = part->nranges;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if ((uint64_t)part->units[mid].first + part->units[mid].count <= u)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < part->nranges && part->units[lo].first <= u ? (long)lo : -1;
}

int hs_cluster_check_free(const hs_cluster *c, uint32_t p, const hs_intervals *alloc, hs_error *err)
{
    const hs_partition *part = &c->parts[p];
    uint64_t next_min = 0;
    for (uint32_t i = 0; i < alloc->n; i++) {
        const hs_range *a = &alloc->r[i];
        uint64_t last = (uint64_t)a->first + a->count - 1;
        if (a->first < next_min)
            return hs_error_set(err, NULL, 0, 0, "the allocation's ranges overlap or are out of order");
        next_min = last + 1;
        long r = range_of(part, a->first);
        if (a->count == 0 || r < 0 || last >= (uint64_t)part->units[r].first + part->units[r].count)
            return hs_error_set(err, NULL, 0, 0, "units %u-%llu are not all in partition '%s'", a->first,
                                (unsigned long long)last, part->name);
        if (!hs_bitmap_all_set(&c->free, a->first, a->count)) {
            uint64_t busy = hs_bitmap_next_clear(&c->free, a->first, last + 1);
            return hs_error_set(err, NULL, 0, 0, "%s %llu is busy",
                                c->mode == HS_ALLOC_NODES ? "node" : "core", (unsigned long long)busy);
        }
    }
    return 0;
}

void hs_cluster_take(hs_cluster *c, uint32_t p, const hs_intervals *alloc)
{
    for (uint32_t i = 0; i < alloc->n; i++)
        hs_bitmap_clear_range(&c->free, alloc->r[i].first, alloc->r[i].count);
    c->parts[p].free_units -= hs_intervals_total(alloc);
}

void hs_cluster_release(hs_cluster *c, uint32_t p, const hs_intervals *alloc)
{
    for (uint32_t i = 0; i < alloc->n; i++)
        hs_bitmap_set_range(&c->free, alloc->r[i].first, alloc->r[i].count);
    c->parts[p].free_units += hs_intervals_total(alloc);
}
