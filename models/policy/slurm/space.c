/* Node-space map (space.h). */
#include "space.h"

#include <stdlib.h>
#include <string.h>

void sl_space_init(sl_space_map *m, uint32_t nwords)
{
    memset(m, 0, sizeof *m);
    m->nwords = nwords;
}

void sl_space_free(sl_space_map *m)
{
    for (uint32_t i = 0; i < m->n; i++)
        free(m->r[i].avail);
    for (uint32_t i = 0; i < m->npool; i++)
        free(m->pool[i]);
    free(m->r);
    free(m->pool);
    free(m->suffix);
    free(m->mask);
    free(m->touched);
    memset(m, 0, sizeof *m);
}

/* A record's hash is a sum over its words, so clearing bits in a few
 * words updates it by those words alone. It only spares bitmap
 * comparisons: equal hashes are still compared word by word. */
static uint64_t word_factor(uint32_t w) { return 0x9e3779b97f4a7c15ull * (2 * (uint64_t)w + 1); }

static uint64_t hash_of(const uint64_t *w, uint32_t n)
{
    uint64_t h = 0;
    for (uint32_t i = 0; i < n; i++)
        h += w[i] * word_factor(i);
    return h;
}

/* The nodes as bits in m->mask, and the words they are in, in m->touched
 * (their count returned); mask_clear empties the mask again. */
static uint32_t mask_of(sl_space_map *m, const uint32_t *nodes, uint32_t n)
{
    uint32_t nt = 0;
    for (uint32_t k = 0; k < n;) { /* nodes of one word mostly come together */
        uint32_t w = nodes[k] >> 6;
        uint64_t bits = 0;
        for (; k < n && nodes[k] >> 6 == w; k++)
            bits |= 1ull << (nodes[k] & 63);
        if (!m->mask[w])
            m->touched[nt++] = w;
        m->mask[w] |= bits;
    }
    return nt;
}

static void mask_clear(sl_space_map *m, uint32_t nt)
{
    for (uint32_t k = 0; k < nt; k++)
        m->mask[m->touched[k]] = 0;
}

static void drop_bitmap(sl_space_map *m, uint64_t *b)
{
    if (m->npool == m->pool_cap) {
        uint32_t cap = m->pool_cap ? 2 * m->pool_cap : 64;
        uint64_t **more = realloc(m->pool, cap * sizeof *more);
        if (!more) {
            free(b);
            return;
        }
        m->pool = more;
        m->pool_cap = cap;
    }
    m->pool[m->npool++] = b;
}

static uint64_t *new_bitmap(sl_space_map *m)
{
    return m->npool ? m->pool[--m->npool] : malloc(m->nwords * sizeof(uint64_t));
}

/* Inserts a copy of record i right after it (same nodes). */
static int duplicate(sl_space_map *m, uint32_t i)
{
    if (m->n == m->cap) {
        uint32_t cap = m->cap ? 2 * m->cap : 64;
        sl_space_rec *more = realloc(m->r, cap * sizeof *more);
        if (!more)
            return -1;
        m->r = more;
        m->cap = cap;
    }
    uint64_t *b = new_bitmap(m);
    if (!b)
        return -1;
    memmove(&m->r[i + 2], &m->r[i + 1], (m->n - i - 1) * sizeof *m->r);
    m->r[i + 1] = m->r[i];
    m->r[i + 1].avail = b;
    memcpy(b, m->r[i].avail, m->nwords * sizeof *b);
    m->n++;
    return 0;
}

int sl_space_reset(sl_space_map *m, double begin, double end, const uint64_t *all)
{
    for (uint32_t i = 1; i < m->n; i++)
        drop_bitmap(m, m->r[i].avail);
    if (m->n == 0) {
        if ((!m->mask && !(m->mask = calloc(m->nwords, sizeof *m->mask))) ||
            (!m->touched && !(m->touched = malloc(m->nwords * sizeof *m->touched))))
            return -1;
        if (!(m->r = m->cap ? m->r : malloc(64 * sizeof *m->r)))
            return -1;
        if (!m->cap)
            m->cap = 64;
        if (!(m->r[0].avail = new_bitmap(m)))
            return -1;
    }
    m->n = 1;
    m->suffix_from = UINT32_MAX; /* none made */
    m->r[0].begin = begin;
    m->r[0].end = end;
    memcpy(m->r[0].avail, all, m->nwords * sizeof(uint64_t));
    m->r[0].hash = hash_of(all, m->nwords);
    return 0;
}

uint32_t sl_space_find(const sl_space_map *m, double t)
{
    uint32_t lo = 0, hi = m->n;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (m->r[mid].end > t)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Node by node, not through the mask of sl_space_reserve: the loop stops
 * at the first reserved node, while a mask is made of all of them first
 * (one here made whole RICC 3.6 % slower on 2026-12-04). */
bool sl_space_nodes_free(const sl_space_map *m, double begin, double end, const uint32_t *nodes, uint32_t n)
{
    for (uint32_t i = sl_space_find(m, begin); i < m->n && m->r[i].begin < end; i++)
        for (uint32_t k = 0; k < n; k++)
            if (!(m->r[i].avail[nodes[k] >> 6] >> (nodes[k] & 63) & 1))
                return false;
    return true;
}

bool sl_space_frees(const sl_space_map *m, uint32_t i, const uint64_t *of)
{
    const uint64_t *a = m->r[i].avail, *b = m->r[i + 1].avail;
    for (uint32_t w = 0; w < m->nwords; w++)
        if (of[w] & b[w] & ~a[w])
            return true;
    return false;
}

/* Makes a record begin at t, when t falls strictly inside one. */
static int split_at(sl_space_map *m, double t)
{
    uint32_t i = sl_space_find(m, t);
    if (i == m->n || !(m->r[i].begin < t))
        return 0;
    if (duplicate(m, i) < 0)
        return -1;
    m->r[i].end = t;
    m->r[i + 1].begin = t;
    return 0;
}

const uint64_t *sl_space_free_to_end(sl_space_map *m, uint32_t i)
{
    uint32_t W = m->nwords;
    if (m->suffix_cap < m->n) {
        uint64_t *more = realloc(m->suffix, (size_t)m->cap * W * sizeof *more);
        if (!more)
            return NULL;
        m->suffix = more;
        m->suffix_cap = m->cap;
    }
    if (m->suffix_from > m->n)
        m->suffix_from = m->n;
    for (; m->suffix_from > i; m->suffix_from--) {
        uint32_t k = m->suffix_from - 1;
        uint64_t *dst = m->suffix + (size_t)k * W;
        const uint64_t *rec = m->r[k].avail, *after = m->suffix + (size_t)(k + 1) * W;
        if (k + 1 == m->n)
            memcpy(dst, rec, W * sizeof *dst);
        else
            for (uint32_t w = 0; w < W; w++)
                dst[w] = rec[w] & after[w];
    }
    return m->suffix + (size_t)i * W;
}

int sl_space_reserve(sl_space_map *m, double begin, double end, const uint32_t *nodes, uint32_t n)
{
    m->suffix_from = UINT32_MAX; /* the records change */
    if (split_at(m, begin) < 0 || split_at(m, end) < 0)
        return -1;
    uint32_t nt = mask_of(m, nodes, n);
    for (uint32_t i = sl_space_find(m, begin); i < m->n && m->r[i].begin < end; i++)
        for (uint32_t k = 0; k < nt; k++) {
            uint32_t w = m->touched[k];
            uint64_t was = m->r[i].avail[w], is = was & ~m->mask[w];
            m->r[i].avail[w] = is;
            m->r[i].hash += (is - was) * word_factor(w);
        }
    mask_clear(m, nt);
    for (uint32_t i = 0; i + 1 < m->n; i++)
        if (m->r[i].hash == m->r[i + 1].hash &&
            !memcmp(m->r[i].avail, m->r[i + 1].avail, m->nwords * sizeof(uint64_t))) {
            m->r[i].end = m->r[i + 1].end;
            drop_bitmap(m, m->r[i + 1].avail);
            memmove(&m->r[i + 1], &m->r[i + 2], (m->n - i - 2) * sizeof *m->r);
            m->n--;
            break;
        }
    return 0;
}
