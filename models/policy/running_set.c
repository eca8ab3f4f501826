/* Sum-augmented treap of running jobs (running_set.h). */
#include "running_set.h"

#include <stdbool.h>
#include <stdlib.h>

static uint32_t priority(uint32_t job) { return job * 2654435761u; } /* Knuth's multiplicative hash */

static bool before(const hs_running_nodes *n, uint32_t a, uint32_t b)
{
    return n->key[a & n->mask] < n->key[b & n->mask] || (n->key[a & n->mask] == n->key[b & n->mask] && a < b);
}

static uint64_t sum_of(const hs_running_nodes *n, uint32_t t) { return t == HS_RS_NIL ? 0 : n->sum[t & n->mask]; }

static void update(hs_running_nodes *n, uint32_t t)
{
    n->sum[t & n->mask] = sum_of(n, n->left[t & n->mask]) + n->weight[t & n->mask] + sum_of(n, n->right[t & n->mask]);
}

/* Splits t into the jobs before `job` (*a) and the others (*b). */
static void split(hs_running_nodes *n, uint32_t t, uint32_t job, uint32_t *a, uint32_t *b)
{
    if (t == HS_RS_NIL) {
        *a = *b = HS_RS_NIL;
    } else if (before(n, t, job)) {
        split(n, n->right[t & n->mask], job, &n->right[t & n->mask], b);
        *a = t;
        update(n, t);
    } else {
        split(n, n->left[t & n->mask], job, a, &n->left[t & n->mask]);
        *b = t;
        update(n, t);
    }
}

/* Joins a and b, every job of a being before every job of b. */
static uint32_t merge(hs_running_nodes *n, uint32_t a, uint32_t b)
{
    if (a == HS_RS_NIL)
        return b;
    if (b == HS_RS_NIL)
        return a;
    if (priority(a) > priority(b)) {
        n->right[a & n->mask] = merge(n, n->right[a & n->mask], b);
        update(n, a);
        return a;
    }
    n->left[b & n->mask] = merge(n, a, n->left[b & n->mask]);
    update(n, b);
    return b;
}

void hs_running_set_add(hs_running_set *s, uint32_t job, uint32_t units)
{
    hs_running_nodes *n = s->nodes;
    n->left[job & n->mask] = n->right[job & n->mask] = HS_RS_NIL;
    n->weight[job & n->mask] = units;
    n->sum[job & n->mask] = units;
    uint32_t a, b;
    split(n, s->root, job, &a, &b);
    s->root = merge(n, merge(n, a, job), b);
}

void hs_running_set_remove(hs_running_set *s, uint32_t job)
{
    hs_running_nodes *n = s->nodes;
    uint32_t a, b;
    split(n, s->root, job, &a, &b); /* job is the first of b */
    uint32_t *link = &b, t = b;
    while (t != job) { /* the leftmost path of b leads to job */
        n->sum[t & n->mask] -= n->weight[job & n->mask];
        link = &n->left[t & n->mask];
        t = *link;
    }
    *link = n->right[job & n->mask];
    s->root = merge(n, a, b);
}

int hs_running_set_reserve(const hs_running_set *s, uint64_t missing, double now, double *shadow,
                           uint64_t *released)
{
    const hs_running_nodes *n = s->nodes;
    if (sum_of(n, s->root) < missing)
        return -1;
    /* 1. The job whose end completes the missing units, in end order. */
    uint32_t t = s->root;
    uint64_t need = missing;
    for (;;) {
        uint64_t left = sum_of(n, n->left[t & n->mask]);
        if (need <= left) {
            t = n->left[t & n->mask];
        } else if (need <= left + n->weight[t & n->mask]) {
            break;
        } else {
            need -= left + n->weight[t & n->mask];
            t = n->right[t & n->mask];
        }
    }
    double end = n->key[t & n->mask] > now ? n->key[t & n->mask] : now;
    *shadow = end;
    /* 2. Everything that ends by then (all of it when the end is clamped to now). */
    uint64_t by_then = 0;
    for (t = s->root; t != HS_RS_NIL;) {
        if (n->key[t & n->mask] <= end) {
            by_then += sum_of(n, n->left[t & n->mask]) + n->weight[t & n->mask];
            t = n->right[t & n->mask];
        } else {
            t = n->left[t & n->mask];
        }
    }
    *released = by_then;
    return 0;
}
