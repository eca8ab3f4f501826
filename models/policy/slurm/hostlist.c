/* Host list expansion (hostlist.h). An item is text with bracket groups;
 * items are separated by commas outside brackets. Each bracket group is a
 * comma list of numbers or ranges "lo-hi". */
#define _POSIX_C_SOURCE 200809L
#include "hostlist.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(hs_hostlist *l, const char *name)
{
    if (l->n == HS_HOSTLIST_MAX)
        return -1;
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

/* Expands item[pos..] with prefix already built in buf[0..len). */
static int expand(hs_hostlist *l, const char *item, size_t pos, char *buf, size_t len, size_t cap, char *why,
                  size_t wcap)
{
    const char *open = strchr(item + pos, '[');
    if (!open) {
        size_t rest = strlen(item + pos);
        if (len + rest + 1 > cap)
            return snprintf(why, wcap, "host name too long"), -1;
        memcpy(buf + len, item + pos, rest + 1);
        if (strchr(buf, ']'))
            return snprintf(why, wcap, "']' without '[' in '%s'", item), -1;
        return push(l, buf) < 0 ? (snprintf(why, wcap, "more than %u hosts or out of memory", HS_HOSTLIST_MAX), -1)
                                : 0;
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
        for (unsigned long v = lo; v <= hi; v++) {
            int w = snprintf(buf + len + plen, cap - len - plen, "%0*lu", p[0] == '0' ? (int)width : 1, v);
            if (w < 0 || (size_t)w >= cap - len - plen)
                return snprintf(why, wcap, "host name too long"), -1;
            if (expand(l, item, after, buf, len + plen + (size_t)w, cap, why, wcap) < 0)
                return -1;
        }
        p = end + 1;
    }
    return 0;
}

int hs_hostlist_expand(hs_hostlist *list, const char *expr, char *why, size_t cap)
{
    uint32_t before = list->n;
    size_t n = strlen(expr);
    char *item = malloc(n + 1), *buf = malloc(n + 64);
    int rc = item && buf ? 0 : (snprintf(why, cap, "out of memory"), -1);
    size_t start = 0;
    int depth = 0;
    for (size_t i = 0; rc == 0 && i <= n; i++) {
        if (expr[i] == '[')
            depth++;
        else if (expr[i] == ']')
            depth--;
        if ((expr[i] == ',' && depth == 0) || expr[i] == '\0') {
            memcpy(item, expr + start, i - start);
            item[i - start] = '\0';
            if (item[0] == '\0')
                rc = (snprintf(why, cap, "empty host name in '%s'", expr), -1);
            else
                rc = expand(list, item, 0, buf, 0, n + 64, why, cap);
            start = i + 1;
        }
    }
    free(item);
    free(buf);
    if (rc < 0) { /* all or nothing */
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
