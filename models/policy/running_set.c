/* Heap of running jobs by expected end (running_set.h). */
#include "running_set.h"

#include <stdlib.h>

static int earlier(const hs_running_set *s, uint32_t a, uint32_t b)
{
    if (s->key[a] != s->key[b])
        return s->key[a] < s->key[b];
    return a < b;
}

static void place(hs_running_set *s, uint32_t i, uint32_t job)
{
    s->heap[i] = job;
    s->pos[job] = i;
}

static void sift_up(hs_running_set *s, uint32_t i)
{
    uint32_t job = s->heap[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (!earlier(s, job, s->heap[parent]))
            break;
        place(s, i, s->heap[parent]);
        i = parent;
    }
    place(s, i, job);
}

static void sift_down(hs_running_set *s, uint32_t i)
{
    uint32_t job = s->heap[i];
    for (;;) {
        uint32_t c = 2 * i + 1;
        if (c >= s->n)
            break;
        if (c + 1 < s->n && earlier(s, s->heap[c + 1], s->heap[c]))
            c++;
        if (!earlier(s, s->heap[c], job))
            break;
        place(s, i, s->heap[c]);
        i = c;
    }
    place(s, i, job);
}

int hs_running_set_add(hs_running_set *s, uint32_t job)
{
    if (s->n == s->cap) {
        uint32_t cap = s->cap ? s->cap * 2 : 64;
        uint32_t *h = realloc(s->heap, cap * sizeof *h);
        if (!h)
            return -1;
        s->heap = h;
        s->cap = cap;
    }
    s->heap[s->n] = job;
    s->pos[job] = s->n;
    sift_up(s, s->n++);
    return 0;
}

void hs_running_set_remove(hs_running_set *s, uint32_t job)
{
    uint32_t i = s->pos[job];
    uint32_t last = s->heap[--s->n];
    if (i == s->n)
        return;
    place(s, i, last);
    sift_up(s, i);
    sift_down(s, s->pos[last]);
}

void hs_running_set_free(hs_running_set *s)
{
    free(s->heap);
    s->heap = NULL;
    s->n = s->cap = 0;
}

/* The frontier is a small heap of positions in s->heap: popping the
 * earliest position and pushing its two children yields jobs in order. */
static int frontier_earlier(const hs_running_set *s, uint32_t a, uint32_t b)
{
    return earlier(s, s->heap[a], s->heap[b]);
}

int hs_running_set_walk(const hs_running_set *s, uint32_t **scratch, uint32_t *scratch_cap,
                        hs_running_visit visit, void *ctx)
{
    if (s->n == 0)
        return 0;
    uint32_t n = 0;
    uint32_t *f = *scratch;
#define FRONTIER_PUSH(x)                                                                           \
    do {                                                                                           \
        if (n == *scratch_cap) {                                                                   \
            uint32_t cap = *scratch_cap ? *scratch_cap * 2 : 64;                                   \
            uint32_t *nf = realloc(f, cap * sizeof *nf);                                           \
            if (!nf)                                                                               \
                return -1;                                                                         \
            f = *scratch = nf;                                                                     \
            *scratch_cap = cap;                                                                    \
        }                                                                                          \
        uint32_t i_ = n++;                                                                         \
        while (i_ > 0 && frontier_earlier(s, (x), f[(i_ - 1) / 2])) {                              \
            f[i_] = f[(i_ - 1) / 2];                                                               \
            i_ = (i_ - 1) / 2;                                                                     \
        }                                                                                          \
        f[i_] = (x);                                                                               \
    } while (0)
    FRONTIER_PUSH(0u);
    while (n > 0) {
        uint32_t top = f[0], last = f[--n], i = 0;
        for (;;) { /* sift `last` down from the root */
            uint32_t c = 2 * i + 1;
            if (c >= n)
                break;
            if (c + 1 < n && frontier_earlier(s, f[c + 1], f[c]))
                c++;
            if (!frontier_earlier(s, f[c], last))
                break;
            f[i] = f[c];
            i = c;
        }
        if (n > 0)
            f[i] = last;
        int r = visit(ctx, s->heap[top]);
        if (r)
            return r;
        if (2 * top + 1 < s->n)
            FRONTIER_PUSH(2 * top + 1);
        if (2 * top + 2 < s->n)
            FRONTIER_PUSH(2 * top + 2);
    }
#undef FRONTIER_PUSH
    return 0;
}
