/* The Slurm model's state, shared by its parts, and the small inline
 * helpers they all use; each part's functions are in the header named
 * like it (select.h, timeline.h, backfill.h, ...). One model run = one
 * sl_state. Times are seconds of simulated time. */
#ifndef HPCSIM_SLURM_STATE_H
#define HPCSIM_SLURM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "assoc.h"
#include "hpcsim/engine.h"
#include "params.h"
#include "setup.h"
#include "space.h"

/* Hot functions that count bits are built for CPUs with and without the
 * popcnt instruction (chosen when the program loads): the baseline x86-64
 * that Debian targets has no popcnt, and its library call is slow. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SL_POPCNT_CLONES __attribute__((target_clones("popcnt", "default")))
#else
#define SL_POPCNT_CLONES
#endif

typedef struct sl_part {
    uint32_t *nodes;      /* sorted node indexes */
    uint32_t nnodes;
    uint64_t *member;     /* bitmap over nodes */
    uint64_t cpus;
    uint32_t max_node_cpus;
    uint32_t *word_cpus;  /* per bitmap word: its member nodes' CPUs when equal, UINT32_MAX when not */
    uint32_t tier, job_factor;
    double max_time;      /* s; < 0 = INFINITE */
    bool exclusive;       /* OverSubscribe=EXCLUSIVE, or select/linear */
    bool up;
    /* kept current as jobs start and end */
    uint64_t free_cpus;   /* on its nodes */
    uint32_t free_nodes;  /* with a free CPU */
    uint32_t idle_nodes;  /* with every CPU free */
    uint64_t idle_cpus;
} sl_part;

typedef struct sl_job {
    uint32_t part, assoc;
    uint32_t qos;         /* index in setup->qos, when it has any */
    uint32_t prio;
    uint32_t cpus;        /* tasks of one CPU */
    uint32_t min_nodes;
    double limit;         /* planning time limit, s (whole minutes) */
    double eligible;
    double expected_end;  /* start + limit while running */
    double charged_to;    /* usage charged up to this time */
    uint32_t user;        /* dense user number (for bf_max_job_user) */
    uint32_t nalloc;      /* nodes while running */
    uint32_t *alloc_node, *alloc_cpus;
    uint64_t *alloc_words;  /* the nodes as (bitmap word, bits) pairs */
    uint32_t nalloc_words;
    uint32_t run_slot;
} sl_job;

/* The backfill's will-run answers, until a start (answers.h). */
#define SL_ANSWERS 256
typedef struct sl_answer {
    uint64_t gen;           /* an answer while equal to sl_answers.gen */
    uint64_t hash;
    uint32_t part, cpus, min_nodes;
    bool ok;
    double when;
    uint32_t npick, pick_cap;
    uint32_t *pick_node, *pick_cpus;
} sl_answer;

typedef struct sl_answers {
    uint64_t gen;
    uint32_t nwords;
    uint64_t *avail;        /* per slot, the nodes asked about */
    sl_answer *last;        /* the answer whose picks are in pick_* */
    sl_answer e[SL_ANSWERS];
} sl_answers;

/* The running jobs' releases in expected-end order, the sequence every
 * will-run walk follows (timeline.h). */
typedef struct sl_timeline {
    bool valid;            /* false once a job starts or ends */
    uint32_t built;        /* steps (entries of order[]) logged so far */
    uint32_t *step_first;  /* per step, its first entry; step_first[built] ends the log */
    uint32_t *before;      /* per entry (a node of the step's job): its free CPUs just before */
    uint64_t cap;          /* entries allocated: at least the running jobs' nodes */
    uint64_t entries;      /* the running jobs' nodes, counted as they start and end */
    uint32_t *log_free;    /* free CPUs after the logged steps */
    uint32_t at;           /* the view: free CPUs and their bitmaps after `at` steps */
    uint32_t *free;
    uint64_t *has_free, *idle;
    /* what the first k steps give back on all of partition gain_part's
     * nodes (as the will-run counts it), for k < gain_built */
    uint32_t gain_part, gain_built;
    uint64_t *gain_cpus;
    uint32_t *gain_nodes;
} sl_timeline;

/* Per reservation begin, the CPUs and nodes free now that it takes in
 * partition part (reserved.h). */
/* A job real Slurm started before the lock-step instant (forced.h). */
typedef struct sl_forced_start {
    double at;
    uint32_t job, row; /* trace index; row of the record */
} sl_forced_start;

typedef struct sl_reserved_bucket {
    double begin;
    uint64_t cpus;
    uint32_t nodes;
} sl_reserved_bucket;

typedef struct sl_reserved {
    uint32_t part; /* UINT32_MAX: not made */
    sl_reserved_bucket *b;
    uint32_t n, cap;
} sl_reserved;

typedef struct sl_state {
    hs_engine *eng;
    hs_job *jobs;
    const hs_slurm_setup *setup;
    hs_slurm_params p;
    double epoch;         /* the trace's UnixStartTime, for Slurm's wall-clock rounding */
    uint32_t nnodes, nwords;
    uint32_t *node_cpus, *node_free, *node_weight;
    uint32_t *word_weight;     /* per bitmap word: its 64 nodes' weight when equal, UINT32_MAX when not */
    uint64_t *has_free, *idle; /* bitmaps: free > 0, free == cpus (kept by sl_set_free) */
    uint64_t *node_core_base;
    uint32_t **node_parts;  /* partitions each node is in */
    uint32_t *node_nparts;
    sl_part *parts;
    uint32_t nparts;
    uint64_t total_cpus;
    uint32_t max_job_factor;
    sl_job *sj;
    sl_assoc_tree assoc;
    uint32_t nusers;
    uint32_t *user_cnt;   /* backfill: jobs of each user tested in this cycle */
    /* pending jobs in queue order (sorted lazily) */
    uint32_t *pending;
    uint32_t npending, pending_cap;
    bool pending_sorted;
    /* running jobs */
    uint32_t *running;
    uint32_t nrunning;
    /* timers */
    double last_main, main_due;   /* main_due < 0: no request */
    double next_full;
    double last_bf, bf_due;       /* bf_due < 0: waiting for a change */
    bool changed;                 /* since the last backfill cycle */
    bool bf_left_pending;         /* the last backfill cycle left jobs pending */
    double next_tick, last_tick;
    double decay_base, decay_delta, decay_value; /* priority.c: the last decay^Δ computed */
    bool fs_stale;                /* priority.c: fair-share factors not yet computed from the usage */
    double next_wake;
    bool dynamic_priority;
    /* scratch */
    uint64_t *avail, *blocked, *topo_avail, *walk_in;
    bool *part_failed;           /* main pass: partitions blocked in this pass */
    uint32_t *part_depth, *part_cnt; /* per partition: jobs seen in this pass / cycle */
    uint32_t *sw_nodes;          /* per switch: usable nodes / CPUs below it (selection) */
    uint64_t *sw_cpus;
    uint32_t *pick_node, *pick_cpus, npick;
    uint64_t *pick_pairs;        /* sl_start: picks as (node << 32 | cpus), to sort */
    uint32_t *order;             /* running jobs by expected end (end_order.c) */
    uint32_t norder;
    sl_space_map space;          /* backfill */
    sl_answers answers;          /* backfill */
    sl_timeline tl;              /* backfill: the will-run walk's sequence */
    double *res_first;           /* backfill: per node, the earliest reservation begin (INFINITY: none) */
    uint32_t *res_touched, nres_touched; /* nodes whose res_first is set */
    sl_reserved reserved;        /* backfill: res_first's nodes free now, summed by begin */
    hs_intervals iv;
    bool in_backfill;            /* for --slurm-log: who starts a job */
    bool forcing;                /* lock-step: real Slurm starts it (forced.h) */
    sl_forced_start *forced;     /* lock-step: by time */
    uint32_t nforced, next_forced;
    /* counters HPCSIM_SLURM_STATS prints at the end */
    uint64_t main_starts, bf_starts, bf_cycles, main_passes, bf_tested, walk_steps, selects;
    uint64_t bf_tested_after; /* jobs tested after the last start of their cycle */
} sl_state;

/* Sets node n's free CPUs (f of its cpus) and its bits in has_free/idle:
 * in the cluster's arrays, or in the timeline's view of them. */
static inline void sl_set_free_in(uint32_t *free, uint64_t *has_free, uint64_t *idle, uint32_t cpus, uint32_t n, uint32_t f)
{
    free[n] = f;
    uint64_t bit = 1ull << (n & 63);
    has_free[n >> 6] = f ? has_free[n >> 6] | bit : has_free[n >> 6] & ~bit;
    idle[n >> 6] = f == cpus ? idle[n >> 6] | bit : idle[n >> 6] & ~bit;
}

/* The cluster's node n (not the partition aggregates, which sl_node_add keeps). */
static inline void sl_set_free(sl_state *s, uint32_t n, uint32_t f)
{
    sl_set_free_in(s->node_free, s->has_free, s->idle, s->node_cpus[n], n, f);
}

/* CPUs a node with f of its total free can give a job: all free ones,
 * or, for a whole-node job, all or none. */
static inline uint32_t sl_offer_of(uint32_t f, uint32_t total, bool whole) { return whole ? (f == total ? f : 0) : f; }

/* What node n can give a job now. */
static inline uint32_t sl_offer(const sl_state *s, uint32_t n, bool whole)
{
    return sl_offer_of(s->node_free[n], s->node_cpus[n], whole);
}

/* Whether a queued job may hold resources for later: get a backfill
 * reservation, and block its partition in the main pass. Below
 * bf_min_prio_reserve, or younger than bf_min_age_reserve, it may not
 * (and backfill tries it at now only). */
static inline bool sl_may_reserve(const sl_state *s, const sl_job *job, double now)
{
    return job->prio >= s->p.bf_min_prio_reserve && (s->p.bf_min_age_reserve <= 0 || now - job->eligible >= s->p.bf_min_age_reserve);
}

static inline bool sl_bit(const uint64_t *b, uint32_t i) { return b[i >> 6] >> (i & 63) & 1; }
static inline void sl_bit_set(uint64_t *b, uint32_t i) { b[i >> 6] |= 1ull << (i & 63); }
static inline void sl_bit_clear(uint64_t *b, uint32_t i) { b[i >> 6] &= ~(1ull << (i & 63)); }

#endif
