/* Node selection of select/cons_tres (docs/slurm.md): CPUs are
 * counted per node; a job takes CPUs on as many nodes as it needs
 * (whole nodes when its partition is OverSubscribe=EXCLUSIVE or the
 * cluster uses select/linear). Usable nodes are grouped into runs of
 * consecutive indexes with the same weight. The lowest weight wins; among
 * equal weights the first run that is sufficient for what remains with
 * the fewest CPUs (tightest fit), else the largest run. In the chosen run
 * a job needing at most one more node takes the single node with the
 * fewest free CPUs that covers it; otherwise nodes are taken in index
 * order. Partition aggregates (free CPUs, idle nodes) are kept as CPUs
 * are taken and released, so the common "does it fit?" test is O(1). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"
#include "end_order.h"
#include "reserved.h"
#include "timeline.h"


void sl_node_add(sl_state *s, uint32_t n, int64_t cpus)
{
    uint32_t before = s->node_free[n], after = (uint32_t)((int64_t)before + cpus), total = s->node_cpus[n];
    sl_set_free(s, n, after);
    s->tl.valid = false; /* the will-run walk starts from the nodes as they are */
    sl_reserved_freed(s, n, before); /* and the node offers other CPUs */
    for (uint32_t k = 0; k < s->node_nparts[n]; k++) {
        sl_part *p = &s->parts[s->node_parts[n][k]];
        p->free_cpus = (uint64_t)((int64_t)p->free_cpus + cpus);
        p->free_nodes += (after > 0) - (before > 0);
        if (before == total && after != total) {
            p->idle_nodes--;
            p->idle_cpus -= total;
        } else if (before != total && after == total) {
            p->idle_nodes++;
            p->idle_cpus += total;
        }
    }
}

typedef struct run {
    uint32_t first, count; /* node indexes first .. first+count-1, all usable */
    uint64_t cpus;
    uint32_t weight;
    bool used;
} run;

static run *runs;
static uint32_t runs_cap;

/* Word w of leaf switch i's nodes that partition p has, avail
 * allows (NULL: all) and usable says can take it. */
static uint64_t leaf_word(const sl_state *s, uint32_t i, const sl_part *p, const uint64_t *avail, const uint64_t *usable,
                          uint32_t w)
{
    return s->setup->topo.sw[i].nodes[w] & p->member[w] & (avail ? avail[w] : ~0ull) & usable[w];
}

/* topology/tree (docs/slurm.md, "Switches"): the job goes under the
 * highest switch whose usable nodes can hold it (the one with the fewest
 * such nodes on a tie: separate trees do not mix), and takes the leaf
 * switches below it from the one with the fewest usable nodes up (the
 * lower index on a tie), every usable node of each, until what remains
 * fits in the next: from that one only the first nodes it needs. This
 * is what real Slurm 22.05 did on trace D's record: a 4-node job with 3
 * nodes free on one leaf and exactly 4 on another took the 3 and one of
 * the 4. The nodes so chosen are then selected as without topology.
 * Returns the narrowed candidate set, or NULL when no switch can hold the
 * job now. */
static const uint64_t *topology_narrow(sl_state *s, uint32_t j, const uint64_t *avail, bool whole)
{
    const sl_topology *t = &s->setup->topo;
    const sl_job *job = &s->sj[j];
    const sl_part *p = &s->parts[job->part];
    const uint64_t *usable = whole ? s->idle : s->has_free;
    memset(s->sw_nodes, 0, t->n * sizeof *s->sw_nodes);
    memset(s->sw_cpus, 0, t->n * sizeof *s->sw_cpus);
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->sw[i].level != 0)
            continue;
        for (uint32_t w = 0; w < s->nwords; w++)
            for (uint64_t bits = leaf_word(s, i, p, avail, usable, w); bits; bits &= bits - 1) {
                uint32_t n = w * 64 + (uint32_t)__builtin_ctzll(bits);
                s->sw_nodes[i]++;
                s->sw_cpus[i] += sl_offer(s, n, whole);
            }
        for (uint32_t a = t->sw[i].parent; a != UINT32_MAX; a = t->sw[a].parent) {
            s->sw_nodes[a] += s->sw_nodes[i];
            s->sw_cpus[a] += s->sw_cpus[i];
        }
    }
    uint32_t top = UINT32_MAX;
    for (uint32_t i = 0; i < t->n; i++) {
        if (s->sw_cpus[i] < job->cpus || s->sw_nodes[i] < job->min_nodes)
            continue;
        if (top == UINT32_MAX || t->sw[i].level > t->sw[top].level ||
            (t->sw[i].level == t->sw[top].level && s->sw_nodes[i] < s->sw_nodes[top]))
            top = i;
    }
    if (top == UINT32_MAX)
        return NULL;
    /* Leaves outside top's subtree count as empty from here on. */
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->sw[i].level != 0)
            continue;
        uint32_t a = i;
        while (a != top && a != UINT32_MAX)
            a = t->sw[a].parent;
        if (a != top)
            s->sw_nodes[i] = 0;
    }
    memset(s->topo_avail, 0, s->nwords * sizeof *s->topo_avail);
    uint64_t need_cpus = job->cpus;
    uint32_t need_nodes = job->min_nodes;
    for (;;) {
        uint32_t pick = UINT32_MAX;
        for (uint32_t i = 0; i < t->n; i++)
            if (t->sw[i].level == 0 && s->sw_nodes[i] && (pick == UINT32_MAX || s->sw_nodes[i] < s->sw_nodes[pick]))
                pick = i;
        if (pick == UINT32_MAX)
            return NULL;
        bool last = s->sw_cpus[pick] >= need_cpus && s->sw_nodes[pick] >= need_nodes;
        for (uint32_t w = 0; w < s->nwords; w++)
            for (uint64_t bits = leaf_word(s, pick, p, avail, usable, w); bits; bits &= bits - 1) {
                uint32_t n = w * 64 + (uint32_t)__builtin_ctzll(bits);
                if (last && need_cpus == 0 && need_nodes == 0)
                    return s->topo_avail;
                uint64_t c = sl_offer(s, n, whole);
                s->topo_avail[w] |= 1ull << (n & 63);
                need_cpus = need_cpus > c ? need_cpus - c : 0;
                need_nodes = need_nodes ? need_nodes - 1 : 0;
            }
        if (last || (need_cpus == 0 && need_nodes == 0))
            return s->topo_avail;
        s->sw_nodes[pick] = 0; /* taken whole */
    }
}

/* Adds count nodes from n on to the runs: to the last run when they
 * follow it with the same weight. false when out of memory. */
static bool run_add(uint32_t *nruns, uint32_t n, uint32_t count, uint64_t cpus, uint32_t weight)
{
    run *last = *nruns ? &runs[*nruns - 1] : NULL;
    if (last && last->first + last->count == n && last->weight == weight) {
        last->count += count;
        last->cpus += cpus;
        return true;
    }
    if (*nruns == runs_cap) {
        uint32_t cap = runs_cap ? 2 * runs_cap : 256;
        run *more = realloc(runs, cap * sizeof *more);
        if (!more)
            return false;
        runs = more;
        runs_cap = cap;
    }
    runs[(*nruns)++] = (run){n, count, cpus, weight, false};
    return true;
}

/* The run the next nodes come from: the lowest weight; among equal
 * weights the run that holds what remains with the fewest CPUs, else the
 * largest; the first on a tie. -1 when no run is left. */
static int64_t best_run(uint32_t nruns, int64_t rem_cpus, int64_t rem_nodes)
{
    int64_t best = -1;
    bool best_suff = false;
    for (uint32_t r = 0; r < nruns; r++) {
        if (runs[r].used)
            continue;
        bool suff = runs[r].cpus >= (uint64_t)(rem_cpus > 0 ? rem_cpus : 0) && runs[r].count >= rem_nodes;
        if (best < 0) {
            best = r, best_suff = suff;
            continue;
        }
        const run *b = &runs[best];
        bool take = runs[r].weight < b->weight ||
                    (runs[r].weight == b->weight &&
                     ((suff && !best_suff) || (suff && best_suff && runs[r].cpus < b->cpus) ||
                      (!suff && !best_suff && runs[r].cpus > b->cpus)));
        if (take)
            best = r, best_suff = suff;
    }
    return best;
}

/* A heap of run indexes whose top is the run best_run picks when none
 * can hold what remains: lowest weight, most CPUs, first. */
static uint32_t *heap;
static uint32_t heap_cap;

static bool heap_before(uint32_t a, uint32_t b)
{
    const run *x = &runs[a], *y = &runs[b];
    if (x->weight != y->weight)
        return x->weight < y->weight;
    if (x->cpus != y->cpus)
        return x->cpus > y->cpus;
    return a < b;
}

static void heap_down(uint32_t n, uint32_t at)
{
    for (;;) {
        uint32_t l = 2 * at + 1, r = l + 1, top = at;
        if (l < n && heap_before(heap[l], heap[top]))
            top = l;
        if (r < n && heap_before(heap[r], heap[top]))
            top = r;
        if (top == at)
            return;
        uint32_t t = heap[at];
        heap[at] = heap[top];
        heap[top] = t;
        at = top;
    }
}

/* The unused runs as a heap; 0 when there are none (or no memory: the
 * caller then fails the selection, as for no runs). */
static uint32_t heap_build(uint32_t nruns)
{
    if (nruns > heap_cap) {
        uint32_t *more = realloc(heap, nruns * sizeof *more);
        if (!more)
            return 0;
        heap = more;
        heap_cap = nruns;
    }
    uint32_t n = 0;
    for (uint32_t r = 0; r < nruns; r++)
        if (!runs[r].used)
            heap[n++] = r;
    for (uint32_t k = n / 2; k-- > 0;)
        heap_down(n, k);
    return n;
}

static void heap_pop(uint32_t *n)
{
    heap[0] = heap[--*n];
    heap_down(*n, 0);
}

bool sl_select(sl_state *s, uint32_t j, const uint64_t *avail)
{
    const sl_job *job = &s->sj[j];
    const sl_part *p = &s->parts[job->part];
    bool whole = p->exclusive;
    s->npick = 0;
    s->selects++;
    if (!avail && !(whole ? p->idle_cpus >= job->cpus && p->idle_nodes >= job->min_nodes : p->free_cpus >= job->cpus))
        return false;
    if (s->setup->topo.n && !(avail = topology_narrow(s, j, avail, whole)))
        return false;
    /* Runs of usable nodes. */
    uint32_t nruns = 0;
    uint64_t total = 0;
    uint32_t total_nodes = 0;
    const uint64_t *usable = whole ? s->idle : s->has_free;
    for (uint32_t w = 0; w < s->nwords; w++) {
        uint64_t bits = p->member[w] & (avail ? avail[w] : ~0ull) & usable[w];
        if (bits == ~0ull && (s->idle[w] & bits) == bits && p->word_cpus[w] != UINT32_MAX && s->word_weight[w] != UINT32_MAX) {
            /* 64 idle nodes alike: one step */
            uint64_t cpus = 64ull * p->word_cpus[w];
            total += cpus;
            total_nodes += 64;
            if (!run_add(&nruns, w * 64, 64, cpus, s->word_weight[w]))
                return false;
            continue;
        }
        if (s->word_weight[w] == UINT32_MAX) {
            for (; bits; bits &= bits - 1) {
                uint32_t n = w * 64 + (uint32_t)__builtin_ctzll(bits), o = sl_offer(s, n, whole);
                total += o;
                total_nodes++;
                if (!run_add(&nruns, n, 1, o, s->node_weight[n]))
                    return false;
            }
            continue;
        }
        /* One weight in the word: a span of consecutive usable nodes is
         * added at once (usable nodes offer their free CPUs, or all of
         * them when whole). */
        const uint32_t *offers = whole ? s->node_cpus : s->node_free;
        while (bits) {
            uint32_t at = (uint32_t)__builtin_ctzll(bits), n = w * 64 + at;
            uint64_t rest = ~(bits >> at);
            uint32_t len = rest ? (uint32_t)__builtin_ctzll(rest) : 64 - at;
            uint64_t cpus = 0;
            for (uint32_t k = 0; k < len; k++)
                cpus += offers[n + k];
            total += cpus;
            total_nodes += len;
            if (!run_add(&nruns, n, len, cpus, s->word_weight[w]))
                return false;
            bits = at + len < 64 ? bits & (~0ull << (at + len)) : 0;
        }
    }
    if (total < job->cpus || total_nodes < job->min_nodes)
        return false;
    int64_t rem_cpus = job->cpus;
    int64_t rem_nodes = job->min_nodes ? job->min_nodes : 1;
    uint32_t nheap = 0;
    for (uint32_t iter = 0; rem_cpus > 0 || rem_nodes > 0; iter++) {
        /* Until a run can hold what remains, each pick is the largest
         * run of the lowest weight: after a few picks by scanning every
         * run, the top of a heap of the unused runs. The scan is left for
         * when the top could suffice. */
        if (iter == 3 && !(nheap = heap_build(nruns)))
            return false;
        while (nheap && runs[heap[0]].used)
            heap_pop(&nheap);
        int64_t best;
        if (nheap && runs[heap[0]].cpus < (uint64_t)(rem_cpus > 0 ? rem_cpus : 0))
            best = heap[0];
        else
            best = best_run(nruns, rem_cpus, rem_nodes);
        if (best < 0)
            return false;
        run *r = &runs[best];
        r->used = true;
        if (rem_nodes <= 1 && rem_cpus > 0) { /* best fit on one node */
            uint32_t pick = UINT32_MAX, pick_o = 0;
            for (uint32_t n = r->first; n < r->first + r->count; n++) {
                uint32_t o = sl_offer(s, n, whole);
                if (o >= rem_cpus && (pick == UINT32_MAX || o < pick_o))
                    pick = n, pick_o = o;
            }
            if (pick != UINT32_MAX) {
                s->pick_node[s->npick] = pick;
                s->pick_cpus[s->npick++] = whole ? pick_o : (uint32_t)rem_cpus;
                return true;
            }
        }
        for (uint32_t n = r->first; n < r->first + r->count && (rem_cpus > 0 || rem_nodes > 0); n++) {
            uint32_t o = sl_offer(s, n, whole);
            uint32_t use = whole || (int64_t)o <= rem_cpus ? o : (uint32_t)rem_cpus;
            if (use == 0)
                use = 1; /* a node the job must span still runs one of its tasks */
            s->pick_node[s->npick] = n;
            s->pick_cpus[s->npick++] = use;
            rem_cpus -= use;
            rem_nodes--;
        }
    }
    return true;
}

static int cmp_pick(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

/* Picks in node order (runs are taken best fit first, not in order). */
static void sort_picks(sl_state *s)
{
    bool sorted = true;
    for (uint32_t k = 1; k < s->npick && sorted; k++)
        sorted = s->pick_node[k - 1] < s->pick_node[k];
    if (sorted)
        return;
    uint64_t *pairs = s->pick_pairs;
    for (uint32_t k = 0; k < s->npick; k++)
        pairs[k] = (uint64_t)s->pick_node[k] << 32 | s->pick_cpus[k];
    qsort(pairs, s->npick, sizeof *pairs, cmp_pick);
    for (uint32_t k = 0; k < s->npick; k++) {
        s->pick_node[k] = (uint32_t)(pairs[k] >> 32);
        s->pick_cpus[k] = (uint32_t)pairs[k];
    }
}

int sl_start(sl_state *s, uint32_t j, hs_error *err)
{
    sl_job *job = &s->sj[j];
    const hs_cluster *c = hs_engine_cluster(s->eng);
    hs_intervals_reset(&s->iv);
    if (sl_timeline_grow(s, s->npick) < 0 || !(job->alloc_node = malloc(s->npick * sizeof *job->alloc_node)) ||
        !(job->alloc_cpus = malloc(s->npick * sizeof *job->alloc_cpus)))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    /* The engine's units are cores, in node order; each node gives its
     * lowest free ones. */
    sort_picks(s);
    uint32_t total = 0;
    for (uint32_t k = 0; k < s->npick; k++) {
        uint32_t n = s->pick_node[k], want = s->pick_cpus[k];
        uint64_t core = s->node_core_base[n], end = s->node_core_base[n + 1];
        while (want > 0) {
            uint64_t first = hs_bitmap_next_set(&c->free, core, end);
            if (first >= end)
                return hs_error_set(err, NULL, 0, 0, "slurm model: node %u has fewer free cores than counted", n);
            uint64_t last = hs_bitmap_next_clear(&c->free, first, end);
            uint64_t take = last - first < want ? last - first : want;
            if (hs_intervals_append(&s->iv, (uint32_t)first, (uint32_t)take) < 0)
                return hs_error_set(err, NULL, 0, 0, "out of memory");
            want -= (uint32_t)take;
            core = first + take;
        }
        job->alloc_node[k] = n;
        job->alloc_cpus[k] = s->pick_cpus[k];
        total += s->pick_cpus[k];
    }
    job->nalloc = s->npick;
    s->tl.entries += job->nalloc;
    /* The nodes as (word, bits) pairs, for the will-run's relevance test. */
    uint32_t nw = 0;
    for (uint32_t k = 0; k < s->npick; k++)
        nw += k == 0 || s->pick_node[k] >> 6 != s->pick_node[k - 1] >> 6;
    if (!(job->alloc_words = malloc(2 * (nw ? nw : 1) * sizeof *job->alloc_words)))
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    job->nalloc_words = 0;
    for (uint32_t k = 0; k < s->npick; k++) {
        uint32_t n = s->pick_node[k];
        if (k == 0 || n >> 6 != s->pick_node[k - 1] >> 6) {
            job->alloc_words[2 * job->nalloc_words] = n >> 6;
            job->alloc_words[2 * job->nalloc_words++ + 1] = 0;
        }
        job->alloc_words[2 * job->nalloc_words - 1] |= 1ull << (n & 63);
    }
    hs_job *hj = &s->jobs[j];
    /* Whole-node jobs hold more cores than they asked for. */
    uint32_t saved_demand = hj->demand;
    hj->demand = total;
    if (hs_engine_start_job(s->eng, hj, &s->iv, err) < 0) {
        hj->demand = saved_demand;
        return -1;
    }
    for (uint32_t k = 0; k < s->npick; k++)
        sl_node_add(s, job->alloc_node[k], -(int64_t)job->alloc_cpus[k]);
    /* Slurm's times are whole seconds (time_t): a job started at 576.4 s
     * is planned to end at 576 s + its limit, and the will-run test
     * groups ends by that (docs/slurm.md, "The will-run test"). */
    job->expected_end = floor(hs_engine_now(s->eng) + s->epoch) - s->epoch + job->limit;
    job->charged_to = hs_engine_now(s->eng);
    if (s->setup->log) {
        fprintf(s->setup->log, "%.0f %s: started job %.0f on", hs_engine_now(s->eng),
                s->forcing ? "real" : s->in_backfill ? "backfill" : "main",
                hj->swf.f[HS_SWF_JOB_ID]);
        for (uint32_t k = 0; k < job->nalloc; k++)
            fprintf(s->setup->log, "%s%s:%u", k ? "," : " ", s->setup->conf.nodes[job->alloc_node[k]].name, job->alloc_cpus[k]);
        fputc('\n', s->setup->log);
    }
    job->run_slot = s->nrunning;
    s->running[s->nrunning++] = j;
    sl_order_add(s, j);
    s->changed = true;
    return 0;
}

void sl_release(sl_state *s, uint32_t j)
{
    sl_job *job = &s->sj[j];
    sl_order_remove(s, j);
    s->tl.entries -= job->nalloc;
    for (uint32_t k = 0; k < job->nalloc; k++)
        sl_node_add(s, job->alloc_node[k], (int64_t)job->alloc_cpus[k]);
    free(job->alloc_node);
    free(job->alloc_cpus);
    free(job->alloc_words);
    job->alloc_node = job->alloc_cpus = NULL;
    job->alloc_words = NULL;
    job->nalloc = 0;
    uint32_t last = s->running[--s->nrunning];
    s->running[job->run_slot] = last;
    s->sj[last].run_slot = job->run_slot;
    s->changed = true;
}
