/* Sum-augmented treap of running jobs (running_set.h). */
#include "running_set.h"

#include <stdbool.h>
#include <stdlib.h>

int hs_running_nodes_init(hs_running_nodes *n, uint32_t njobs, const double *key)
{
    size_t c = njobs ? njobs : 1;
    n->left = malloc(c * sizeof *n->left);
    n->right = malloc(c * sizeof *n->right);
    n->weight = malloc(c * sizeof *n->weight);
    n->sum = malloc(c * sizeof *n->sum);
    n->key = key;
    if (!n->left || !n->right || !n->weight || !n->sum) {
        hs_running_nodes_free(n);
        return -1;
    }
    return 0;
}

void hs_running_nodes_free(hs_running_nodes *n)
{
    free(n->left);
    free(n->right);
    free(n->weight);
    free(n->sum);
    n->left = n->right = n->weight = NULL;
    n->sum = NULL;
}

static uint32_t priority(uint32_t job) { return job * 2654435761u; } /* Knuth's multiplicative hash */

static bool before(const hs_running_nodes *n, uint32_t a, uint32_t b)
{
    return n->key[a] < n->key[b] || (n->key[a] == n->key[b] && a < b);
}

static uint64_t sum_of(const hs_running_nodes *n, uint32_t t) { return t == HS_RS_NIL ? 0 : n->sum[t]; }

static void update(hs_running_nodes *n, uint32_t t)
{
    n->sum[t] = sum_of(n, n->left[t]) + n->weight[t] + sum_of(n, n->right[t]);
}

/* Splits t into the jobs before `job` (*a) and the others (*b). */
static void split(hs_running_nodes *n, uint32_t t, uint32_t job, uint32_t *a, uint32_t *b)
{
    if (t == HS_RS_NIL) {
        *a = *b = HS_RS_NIL;
    } else if (before(n, t, job)) {
        split(n, n->right[t], job, &n->right[t], b);
        *a = t;
        update(n, t);
    } else {
        split(n, n->left[t], job, a, &n->left[t]);
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
        n->right[a] = merge(n, n->right[a], b);
        update(n, a);
        return a;
    }
    n->left[b] = merge(n, a, n->left[b]);
    update(n, b);
    return b;
}

void hs_running_set_add(hs_running_set *s, uint32_t job, uint32_t units)
{
    hs_running_nodes *n = s->nodes;
    n->left[job] = n->right[job] = HS_RS_NIL;
    n->weight[job] = units;
    n->sum[job] = units;
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
        n->sum[t] -= n->weight[job];
        link = &n->left[t];
        t = *link;
    }
    *link = n->right[job];
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
        uint64_t left = sum_of(n, n->left[t]);
        if (need <= left) {
            t = n->left[t];
        } else if (need <= left + n->weight[t]) {
            break;
        } else {
            need -= left + n->weight[t];
            t = n->right[t];
        }
    }
    double end = n->key[t] > now ? n->key[t] : now;
    *shadow = end;
    /* 2. Everything that ends by then (all of it when the end is clamped to now). */
    uint64_t by_then = 0;
    for (t = s->root; t != HS_RS_NIL;) {
        if (n->key[t] <= end) {
            by_then += sum_of(n, n->left[t]) + n->weight[t];
            t = n->right[t];
        } else {
            t = n->left[t];
        }
    }
    *released = by_then;
    return 0;
}
