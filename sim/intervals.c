/* Sorted range sets of unit ids, and their Batsim text form (intervals.h). */
#include "hpcsim/intervals.h"

#include <stdlib.h>
#include <string.h>

void hs_intervals_free(hs_intervals *iv)
{
    free(iv->r);
    iv->r = NULL;
    iv->n = iv->cap = 0;
}

void hs_intervals_reset(hs_intervals *iv) { iv->n = 0; }

int hs_intervals_append(hs_intervals *iv, uint32_t first, uint32_t count)
{
    if (count == 0)
        return 0;
    if (iv->n > 0) {
        hs_range *last = &iv->r[iv->n - 1];
        if ((uint64_t)last->first + last->count == first) {
            last->count += count;
            return 0;
        }
    }
    if (iv->n == iv->cap) {
        uint32_t cap = iv->cap ? iv->cap * 2 : 4;
        hs_range *r = realloc(iv->r, cap * sizeof *r);
        if (!r)
            return -1;
        iv->r = r;
        iv->cap = cap;
    }
    iv->r[iv->n].first = first;
    iv->r[iv->n].count = count;
    iv->n++;
    return 0;
}

uint64_t hs_intervals_total(const hs_intervals *iv)
{
    uint64_t t = 0;
    for (uint32_t i = 0; i < iv->n; i++)
        t += iv->r[i].count;
    return t;
}

/* Appends a unit id in decimal; ids are written by the million. */
static size_t put_id(char *p, uint32_t v)
{
    char tmp[10], *q = tmp + sizeof tmp;
    do {
        *--q = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    size_t n = (size_t)(tmp + sizeof tmp - q);
    memcpy(p, q, n);
    return n;
}

int hs_intervals_write(const hs_intervals *iv, FILE *out)
{
    char buf[512];
    size_t n = 0;
    for (uint32_t i = 0; i < iv->n; i++) {
        const hs_range *r = &iv->r[i];
        if (n > sizeof buf - 24) {
            fwrite(buf, 1, n, out);
            n = 0;
        }
        if (i > 0)
            buf[n++] = ' ';
        n += put_id(buf + n, r->first);
        if (r->count > 1) {
            buf[n++] = '-';
            n += put_id(buf + n, r->first + r->count - 1);
        }
    }
    fwrite(buf, 1, n, out);
    return ferror(out) ? -1 : 0;
}

/* Reads a decimal unit id at *p (no sign, fits in uint32). */
static int read_id(const char **p, const char *end, uint32_t *out)
{
    uint64_t v = 0;
    const char *s = *p;
    if (s >= end || *s < '0' || *s > '9')
        return -1;
    while (s < end && *s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX)
            return -1;
        s++;
    }
    *p = s;
    *out = (uint32_t)v;
    return 0;
}

int hs_intervals_parse(hs_intervals *iv, const char *text, size_t len, const char **why)
{
    const char *p = text, *end = text + len;
    uint64_t next_min = 0;
    hs_intervals_reset(iv);
    while (p < end) {
        uint32_t a, b;
        if (read_id(&p, end, &a) < 0)
            return *why = "expected a unit id", -1;
        b = a;
        if (p < end && *p == '-') {
            p++;
            if (read_id(&p, end, &b) < 0 || b < a)
                return *why = "bad range", -1;
        }
        if (a < next_min)
            return *why = "ranges not increasing", -1;
        next_min = (uint64_t)b + 1;
        if (hs_intervals_append(iv, a, b - a + 1) < 0)
            return *why = "out of memory", -1;
        if (p < end) {
            if (*p != ' ')
                return *why = "expected a space between ranges", -1;
            p++;
            if (p == end)
                return *why = "trailing space", -1;
        }
    }
    return 0;
}
