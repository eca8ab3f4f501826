/* Association tree and the two fair-share algorithms of Slurm's
 * priority/multifactor, written from docs/slurm.md and checked on
 * the cases of B.9 (tests/test_slurm.c). */
#include "assoc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

int sl_assoc_init(sl_assoc_tree *t)
{
    memset(t, 0, sizeof *t);
    return sl_assoc_add(t, NONE, "root", 1, false) == NONE ? -1 : 0;
}

void sl_assoc_free(sl_assoc_tree *t)
{
    for (uint32_t i = 0; i < t->n; i++) {
        free(t->a[i].name);
        free(t->a[i].children);
        free(t->a[i].ranked);
    }
    free(t->a);
    free(t->keys);
    memset(t, 0, sizeof *t);
}

uint32_t sl_assoc_add(sl_assoc_tree *t, uint32_t parent, const char *name, uint32_t shares, bool user)
{
    if (t->n == t->cap) {
        uint32_t cap = t->cap ? 2 * t->cap : 16;
        sl_assoc *more = realloc(t->a, cap * sizeof *more);
        if (!more)
            return NONE;
        t->a = more;
        t->cap = cap;
    }
    if (parent != NONE) {
        sl_assoc *p = &t->a[parent];
        if (p->nchildren == p->cap) {
            uint32_t cap = p->cap ? 2 * p->cap : 4;
            uint32_t *more = realloc(p->children, cap * sizeof *more);
            if (!more)
                return NONE;
            p->children = more;
            p->cap = cap;
        }
    }
    sl_assoc *a = &t->a[t->n];
    memset(a, 0, sizeof *a);
    if (!(a->name = strdup(name)))
        return NONE;
    a->parent = parent;
    a->user = user;
    a->shares = shares;
    if (parent != NONE) {
        t->a[parent].children[t->a[parent].nchildren++] = t->n;
        free(t->a[parent].ranked); /* Fair Tree's order: made again with the new child */
        t->a[parent].ranked = NULL;
    }
    t->nusers += user;
    return t->n++;
}

uint32_t sl_assoc_find(const sl_assoc_tree *t, uint32_t parent, const char *name)
{
    const sl_assoc *p = &t->a[parent];
    for (uint32_t i = 0; i < p->nchildren; i++)
        if (!strcmp(t->a[p->children[i]].name, name))
            return p->children[i];
    return NONE;
}

void sl_assoc_charge(sl_assoc_tree *t, uint32_t a, double usage)
{
    for (; a != NONE; a = t->a[a].parent)
        t->a[a].usage += usage;
}

void sl_assoc_decay(sl_assoc_tree *t, double factor)
{
    for (uint32_t i = 0; i < t->n; i++)
        t->a[i].usage *= factor;
}

static double level_shares(const sl_assoc_tree *t, uint32_t a)
{
    uint32_t p = t->a[a].parent;
    if (p == NONE)
        return t->a[a].shares;
    double sum = 0;
    for (uint32_t i = 0; i < t->a[p].nchildren; i++)
        sum += t->a[t->a[p].children[i]].shares;
    return sum;
}

double sl_assoc_norm_shares(const sl_assoc_tree *t, uint32_t a)
{
    double s = 1;
    for (; t->a[a].parent != NONE; a = t->a[a].parent) {
        double level = level_shares(t, a);
        s *= level > 0 ? t->a[a].shares / level : 0;
    }
    return s;
}

/* Classic: U = usage / root usage; U_e = U for children of the root,
 * else U + (U_e(parent) - U) * shares / level shares. Parents come before
 * children in a[] (a child is added after its parent). */
void sl_assoc_classic(sl_assoc_tree *t, double dampening)
{
    double root = t->a[0].usage;
    t->a[0].eff_usage = 1;
    for (uint32_t i = 1; i < t->n; i++) {
        sl_assoc *a = &t->a[i];
        double u = root > 0 ? a->usage / root : 0;
        if (u > 1)
            u = 1;
        if (a->parent == 0)
            a->eff_usage = u;
        else {
            double level = level_shares(t, i);
            a->eff_usage = u + (t->a[a->parent].eff_usage - u) * (level > 0 ? a->shares / level : 0);
        }
        if (a->user) {
            double s = sl_assoc_norm_shares(t, i);
            a->fs = s > 0 ? pow(2.0, -(a->eff_usage / s) / dampening) : 0;
        }
    }
}

/* ---- Fair Tree ---- */

typedef struct ft_walk {
    sl_assoc_tree *t;
    uint32_t rank; /* rank given to the last user */
    uint32_t rnt;  /* rank not tied: counts down once per user */
} ft_walk;

/* Siblings are sorted by higher level fair-share first; on a tie users
 * before accounts; then by index, so the order is total. Each sibling
 * becomes a key of two integers compared in that order, so sorting
 * touches one small array and not the associations: level_fs is never
 * negative or NaN, and the bits of such doubles order as the values do
 * (complemented, for higher first). */
typedef struct level_key {
    uint64_t fs;    /* ~bits of level_fs */
    uint64_t index; /* accounts after users, then the index */
} level_key;

static bool key_before(const level_key *x, const level_key *y) { return x->fs != y->fs ? x->fs < y->fs : x->index < y->index; }

static level_key key_of(const sl_assoc_tree *t, uint32_t i)
{
    uint64_t bits;
    memcpy(&bits, &t->a[i].level_fs, sizeof bits);
    return (level_key){~bits, (uint64_t)!t->a[i].user << 32 | i};
}

static bool tied(const sl_assoc_tree *t, uint32_t x, uint32_t y) { return t->a[x].level_fs == t->a[y].level_fs; }

static void set_level_fs(sl_assoc_tree *t, uint32_t i, double level)
{
    sl_assoc *a = &t->a[i];
    double parent_usage = t->a[a->parent].usage;
    double s = level > 0 ? a->shares / level : 0;
    double u = parent_usage > 0 ? a->usage / parent_usage : 0;
    a->level_fs = s == 0 ? 0 : u == 0 ? INFINITY : s / u;
}

/* Bottom-up merge sort of k[0..n) with tmp of the same size. */
static void merge_sort(level_key *k, level_key *tmp, uint32_t n)
{
    level_key *from = k, *to = tmp;
    for (uint32_t width = 1; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
            uint32_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi)
                to[o++] = key_before(&from[b], &from[a]) ? from[b++] : from[a++];
            while (a < mid)
                to[o++] = from[a++];
            while (b < hi)
                to[o++] = from[b++];
        }
        level_key *swap = from;
        from = to;
        to = swap;
    }
    if (from != k)
        memcpy(k, from, n * sizeof *k);
}

/* Sorts siblings. Between two recalculations the order rarely changes
 * much, so an account's children are kept as last sorted and put back in
 * order by insertion, which then costs a pass; when more moves than a
 * full sort would cost are needed, a merge sort finishes. The order is
 * total, so either way gives the same result. -1 on ENOMEM. */
static int sort_level(sl_assoc_tree *t, uint32_t *sib, uint32_t n)
{
    if (n > t->keys_cap) {
        level_key *k = realloc(t->keys, 2 * (size_t)n * sizeof *k);
        if (!k)
            return -1;
        t->keys = k;
        t->keys_cap = n;
    }
    level_key *k = t->keys;
    for (uint32_t i = 0; i < n; i++)
        k[i] = key_of(t, sib[i]);
    int64_t moves_left = 8 * (int64_t)n + 64;
    for (uint32_t i = 1; i < n; i++) {
        level_key x = k[i];
        uint32_t at = i;
        for (; at > 0 && key_before(&x, &k[at - 1]); at--)
            k[at] = k[at - 1];
        k[at] = x;
        if ((moves_left -= i - at) < 0) {
            merge_sort(k, k + n, n);
            break;
        }
    }
    for (uint32_t i = 0; i < n; i++)
        sib[i] = (uint32_t)k[i].index;
    return 0;
}

/* The children of account i, for walk to sort in place: kept from the
 * last recalculation. NULL on ENOMEM. */
static uint32_t *ranked_children(sl_assoc_tree *t, uint32_t i)
{
    sl_assoc *a = &t->a[i];
    if (!a->ranked) {
        if (!(a->ranked = malloc((a->nchildren ? a->nchildren : 1) * sizeof *a->ranked)))
            return NULL;
        if (a->nchildren) /* a leaf account has no children array: memcpy from NULL is undefined */
            memcpy(a->ranked, a->children, a->nchildren * sizeof *a->ranked);
    }
    return a->ranked;
}

/* Siblings (which may come from several tied accounts, merged) sorted and
 * walked depth-first. account_tied: the first of them ties with the user
 * ranked just before (an account whose level fair-share equals a user's). */
static int walk(ft_walk *w, uint32_t *sib, uint32_t n, bool account_tied)
{
    sl_assoc_tree *t = w->t;
    if (sort_level(t, sib, n) < 0)
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        bool tie = account_tied ? true : i > 0 && tied(t, sib[i - 1], sib[i]);
        account_tied = false;
        sl_assoc *a = &t->a[sib[i]];
        if (a->user) {
            if (!tie)
                w->rank = w->rnt;
            a->fs = t->nusers ? (double)w->rank / t->nusers : 0;
            w->rnt--;
            continue;
        }
        if (i > 0 && tie && !t->a[sib[i - 1]].user)
            continue; /* merged into the account before it */
        /* Merge the children of this account and of the accounts tied with it. */
        uint32_t end = i + 1, total = a->nchildren;
        while (end < n && !t->a[sib[end]].user && tied(t, sib[i], sib[end]))
            total += t->a[sib[end++]].nchildren;
        bool merged = end > i + 1;
        uint32_t *kids = merged ? malloc((total ? total : 1) * sizeof *kids) : ranked_children(t, sib[i]), k = 0;
        if (!kids)
            return -1;
        for (uint32_t j = i; j < end; j++) {
            const sl_assoc *acc = &t->a[sib[j]];
            double level = 0;
            for (uint32_t c = 0; c < acc->nchildren; c++)
                level += t->a[acc->children[c]].shares;
            for (uint32_t c = 0; c < acc->nchildren; c++) {
                set_level_fs(t, acc->children[c], level);
                if (merged)
                    kids[k++] = acc->children[c];
            }
        }
        int rc = walk(w, kids, merged ? k : total, tie);
        if (merged)
            free(kids);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int sl_assoc_fair_tree(sl_assoc_tree *t)
{
    ft_walk w = {t, t->nusers, t->nusers};
    sl_assoc *root = &t->a[0];
    uint32_t *kids = ranked_children(t, 0);
    if (!kids)
        return -1;
    double level = 0;
    for (uint32_t c = 0; c < root->nchildren; c++)
        level += t->a[root->children[c]].shares;
    for (uint32_t c = 0; c < root->nchildren; c++)
        set_level_fs(t, root->children[c], level);
    return walk(&w, kids, root->nchildren, false);
}
