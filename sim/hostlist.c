/* Host list expansion (hostlist.h). An item is text with bracket groups;
 * items are separated by commas outside brackets. Each bracket group is a
 * comma list of numbers or ranges "lo-hi". */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/hostlist.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One walk over an expression: counting its names when visit is NULL
 * (each bracket group's values multiply, so no name is written), else
 * handing each to visit in order. */
typedef struct walker {
    int (*visit)(void *ctx, const char *name);
    void *ctx;
    char *why;
    size_t wcap;
} walker;

#define TOO_MANY ((int64_t)HS_HOSTLIST_MAX + 1) /* counts saturate here */

static int64_t saturate(uint64_t n) { return n > (uint64_t)TOO_MANY ? TOO_MANY : (int64_t)n; }

/* The names of item[pos..] after the prefix buf[0..len): their number, or
 * -1 (why set) on a malformed item or a failed visit. */
static int64_t expand(walker *w, const char *item, size_t pos, char *buf, size_t len, size_t cap)
{
    char *why = w->why;
    size_t wcap = w->wcap;
    const char *open = strchr(item + pos, '[');
    if (!open) {
        size_t rest = strlen(item + pos);
        if (len + rest + 1 > cap)
            return snprintf(why, wcap, "host name too long"), -1;
        memcpy(buf + len, item + pos, rest + 1);
        if (strchr(buf, ']'))
            return snprintf(why, wcap, "']' without '[' in '%s'", item), -1;
        return w->visit && w->visit(w->ctx, buf) < 0 ? -1 : 1;
    }
    size_t plen = (size_t)(open - (item + pos));
    if (len + plen + 1 > cap)
        return snprintf(why, wcap, "host name too long"), -1;
    memcpy(buf + len, item + pos, plen);
    buf[len + plen] = '\0';
    if (strchr(buf + len, ']'))
        return snprintf(why, wcap, "']' without '[' in '%s'", item), -1;
    const char *close = strchr(open, ']');
    if (!close)
        return snprintf(why, wcap, "'[' without ']' in '%s'", item), -1;
    if (close == open + 1)
        return snprintf(why, wcap, "empty brackets in '%s'", item), -1;
    size_t after = (size_t)(close + 1 - item);
    const char *p = open + 1;
    int64_t total = 0;
    while (p < close) {
        const char *comma = memchr(p, ',', (size_t)(close - p));
        const char *end = comma ? comma : close;
        const char *dash = memchr(p, '-', (size_t)(end - p));
        const char *lo_end = dash ? dash : end;
        size_t width = (size_t)(lo_end - p);
        if (width == 0 || width > 9 || (dash && (end - dash - 1 == 0 || end - dash - 1 > 9)))
            return snprintf(why, wcap, "bad range in '%s'", item), -1;
        for (const char *c = p; c < end; c++)
            if (!isdigit((unsigned char)*c) && c != dash)
                return snprintf(why, wcap, "'%c' in a range of '%s' (digits and '-' only)", *c, item), -1;
        unsigned long lo = strtoul(p, NULL, 10), hi = dash ? strtoul(dash + 1, NULL, 10) : lo;
        if (hi < lo)
            return snprintf(why, wcap, "range %lu-%lu runs backwards in '%s'", lo, hi, item), -1;
        /* Counting, the widest value (hi) stands for all: one walk of the rest. */
        for (unsigned long v = w->visit ? lo : hi; v <= hi; v++) {
            int n = snprintf(buf + len + plen, cap - len - plen, "%0*lu", p[0] == '0' ? (int)width : 1, v);
            if (n < 0 || (size_t)n >= cap - len - plen)
                return snprintf(why, wcap, "host name too long"), -1;
            int64_t rest = expand(w, item, after, buf, len + plen + (size_t)n, cap);
            if (rest < 0)
                return -1;
            total = saturate((uint64_t)total + (uint64_t)rest * (w->visit ? 1 : hi - lo + 1));
        }
        p = end + 1;
    }
    return total;
}

/* Walks every item of expr (commas outside brackets separate them). */
static int64_t walk(walker *w, const char *expr)
{
    size_t n = strlen(expr);
    char *item = malloc(n + 1), *buf = malloc(n + 64);
    int64_t total = item && buf ? 0 : (snprintf(w->why, w->wcap, "out of memory"), -1);
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; total >= 0 && i <= n; i++) {
        if (expr[i] == '[')
            depth++;
        else if (expr[i] == ']')
            depth--;
        if ((expr[i] == ',' && depth == 0) || expr[i] == '\0') {
            memcpy(item, expr + start, i - start);
            item[i - start] = '\0';
            int64_t k = item[0] ? expand(w, item, 0, buf, 0, n + 64)
                                : (snprintf(w->why, w->wcap, "empty host name in '%s'", expr), -1);
            total = k < 0 ? -1 : saturate((uint64_t)total + (uint64_t)k);
            start = i + 1;
        }
    }
    free(item);
    free(buf);
    return total;
}

int hs_hostlist_each(const char *expr, uint32_t max, int (*visit)(void *ctx, const char *name), void *ctx,
                     char *why, size_t cap)
{
    /* Counted first: an expression whose groups multiply into millions
     * of names is refused at once instead of after writing them. */
    walker w = {NULL, NULL, why, cap};
    int64_t count = walk(&w, expr);
    if (count < 0)
        return -1;
    if (count > (int64_t)max)
        return snprintf(why, cap, "more than %u hosts", max), -1;
    w.visit = visit;
    w.ctx = ctx;
    return walk(&w, expr) < 0 ? -1 : 0;
}

static int push(void *ctx, const char *name)
{
    hs_hostlist *l = ctx;
    if (l->n == l->cap) {
        uint32_t cap = l->cap ? 2 * l->cap : 64;
        char **more = realloc(l->names, cap * sizeof *more);
        if (!more)
            return -1;
        l->names = more;
        l->cap = cap;
    }
    if (!(l->names[l->n] = strdup(name)))
        return -1;
    l->n++;
    return 0;
}

int hs_hostlist_expand(hs_hostlist *list, const char *expr, char *why, size_t cap)
{
    uint32_t before = list->n;
    why[0] = '\0';
    int rc = hs_hostlist_each(expr, HS_HOSTLIST_MAX - list->n, push, list, why, cap);
    if (rc < 0) { /* all or nothing */
        if (!why[0])
            snprintf(why, cap, "out of memory");
        while (list->n > before)
            free(list->names[--list->n]);
    }
    return rc;
}

void hs_hostlist_free(hs_hostlist *l)
{
    for (uint32_t i = 0; i < l->n; i++)
        free(l->names[i]);
    free(l->names);
    memset(l, 0, sizeof *l);
}

/* A name split into its stem and trailing number ("n07" -> "n", 7,
 * width 2); digits: 0 when it does not end in one. */
typedef struct stem {
    size_t len, digits;
    unsigned long long number;
} stem;

static stem split(const char *name)
{
    stem s = {strlen(name), 0, 0};
    while (s.digits < s.len && s.digits < 18 && isdigit((unsigned char)name[s.len - s.digits - 1]))
        s.digits++;
    s.len -= s.digits;
    for (size_t i = 0; i < s.digits; i++)
        s.number = s.number * 10 + (unsigned long long)(name[s.len + i] - '0');
    return s;
}

/* Whether b can join a's bracket: the same stem, and a number of the
 * same width (zero padding must survive the round trip). */
static bool same_stem(const char *a, stem sa, const char *b, stem sb)
{
    return sa.digits && sb.digits && sa.len == sb.len && memcmp(a, b, sa.len) == 0 &&
           (sa.digits == sb.digits || (a[sa.len] != '0' && b[sb.len] != '0'));
}

char *hs_hostlist_compress(const char *const *names, uint32_t n)
{
    /* Each name adds at most itself, a separator and a bracket pair: one
     * allocation holds the result. */
    size_t cap = 1;
    for (uint32_t i = 0; i < n; i++)
        cap += strlen(names[i]) + 3;
    char *out = malloc(cap), *w = out;
    if (!out)
        return NULL;
    for (uint32_t i = 0; i < n;) {
        stem a = split(names[i]);
        uint32_t k = i + 1; /* names[i, k) share a's bracket */
        while (k < n && same_stem(names[i], a, names[k], split(names[k])))
            k++;
        if (i)
            *w++ = ',';
        if (k == i + 1) {
            w += sprintf(w, "%s", names[i]);
            i = k;
            continue;
        }
        w += sprintf(w, "%.*s[", (int)a.len, names[i]);
        for (uint32_t r = i; r < k;) { /* a run of consecutive numbers */
            stem first = split(names[r]);
            uint32_t e = r + 1;
            while (e < k && split(names[e]).number == first.number + (e - r))
                e++;
            w += sprintf(w, "%s%s", r > i ? "," : "", names[r] + first.len);
            if (e > r + 1)
                w += sprintf(w, "-%s", names[e - 1] + first.len);
            r = e;
        }
        *w++ = ']';
        i = k;
    }
    *w = '\0';
    return out;
}
