/* QOS files (qos_file.h). */
#include "qos_file.h"
#include "text_file.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sl_qos_file_free(sl_qos_file *f)
{
    for (uint32_t i = 0; i < f->n; i++)
        free(f->q[i].name);
    free(f->q);
    memset(f, 0, sizeof *f);
}

static int priority_of(const char *text, uint32_t *v)
{
    if (!*text) { /* sacctmgr prints 0 when unset; empty means the same */
        *v = 0;
        return 0;
    }
    uint64_t x;
    if (sl_parse_uint(text, UINT32_MAX, &x) < 0)
        return -1;
    *v = (uint32_t)x;
    return 0;
}

static int usage_factor_of(const char *text, double *v)
{
    if (!*text) {
        *v = 1;
        return 0;
    }
    char *end;
    errno = 0;
    double x = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(x) || x < 0 || x > 1e6)
        return -1;
    *v = x;
    return 0;
}

int sl_qos_file_parse(sl_qos_file *f, const char *text, const char *source, hs_error *err)
{
    memset(f, 0, sizeof *f);
    char *copy = strdup(text);
    if (!copy)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    int rc = 0;
    long line = 0;
    char *cursor = copy;
    for (char *l; rc == 0 && (l = sl_next_line(&cursor));) {
        line++;
        if (!*l || l[0] == '#')
            continue;
        char *field[4];
        int nf = sl_split_bars(l, field, 4);
        if (nf < 2 || nf > 3) {
            rc = hs_error_set(err, source, line, 0, "expected Name|Priority[|UsageFactor] (2 or 3 fields), got %d", nf);
            break;
        }
        sl_qos q = {NULL, 0, 1};
        if (!*field[0]) {
            rc = hs_error_set(err, source, line, 0, "field 1 (Name) is empty");
            break;
        }
        if (priority_of(field[1], &q.priority) < 0) {
            rc = hs_error_set(err, source, line, 0, "field 2 (Priority): '%.32s' is not an integer in [0, 4294967295]", field[1]);
            break;
        }
        if (nf == 3 && usage_factor_of(field[2], &q.usage_factor) < 0) {
            rc = hs_error_set(err, source, line, 0, "field 3 (UsageFactor): '%.32s' is not a number in [0, 10^6]", field[2]);
            break;
        }
        for (uint32_t i = 0; i < f->n && rc == 0; i++)
            if (!strcmp(f->q[i].name, field[0]))
                rc = hs_error_set(err, source, line, 0, "QOS '%.64s' is defined twice", field[0]);
        if (rc < 0)
            break;
        sl_qos *more = realloc(f->q, (f->n + 1) * sizeof *more);
        if (!more || !(q.name = strdup(field[0]))) {
            if (more)
                f->q = more;
            rc = hs_error_set(err, NULL, 0, 0, "out of memory");
            break;
        }
        f->q = more;
        f->q[f->n++] = q;
        if (q.priority > f->max_priority)
            f->max_priority = q.priority;
        if (!strcmp(q.name, "normal"))
            f->fallback = f->n - 1;
    }
    free(copy);
    if (rc == 0 && f->n == 0)
        rc = hs_error_set(err, source, 0, 0, "no QOS (expected Name|Priority[|UsageFactor] lines)");
    if (rc < 0)
        sl_qos_file_free(f);
    return rc;
}

int sl_qos_file_load(sl_qos_file *f, const char *path, hs_error *err)
{
    memset(f, 0, sizeof *f);
    char *text = sl_read_text_file(path, err);
    if (!text)
        return -1;
    int rc = sl_qos_file_parse(f, text, path, err);
    free(text);
    return rc;
}

uint32_t sl_qos_file_route(const sl_qos_file *f, double queue)
{
    return queue >= 1 && queue <= f->n && queue == floor(queue) ? (uint32_t)queue - 1 : f->fallback;
}
