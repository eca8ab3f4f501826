/* A real scheduler's record of a replay (record.h): a CSV file with a
 * header naming its columns. Every field is checked as it is read, so a
 * bad row is named by its line and column before anything uses it. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/record.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/file.h"
#include "hpcsim/hostlist.h"

#define RECORD_MAX_BYTES (64u << 20)

enum column { COL_JOB, COL_SUBMIT, COL_START, COL_END, COL_NODES, COL_BY, COL_CPUS, NCOLUMNS };
static const char *const column_names[NCOLUMNS] = {"job", "submit", "start", "end", "nodes", "by", "cpus"};

/* One field of a line: [*p, end of field), unquoted into buf (cap bytes).
 * Leaves *p after the separator; *last says whether it ended the line.
 * -1 with why on an unterminated quote or a field longer than cap. */
static int next_field(const char **p, const char *eol, char *buf, size_t cap, bool *last, const char **why)
{
    const char *q = *p;
    size_t n = 0;
    if (q < eol && *q == '"') {
        q++;
        for (;;) {
            if (q >= eol)
                return *why = "a quoted field has no closing quote", -1;
            if (*q == '"') {
                if (q + 1 < eol && q[1] == '"') {
                    q++;
                } else {
                    q++;
                    break;
                }
            }
            if (n + 1 >= cap)
                return *why = "field too long", -1;
            buf[n++] = *q++;
        }
        if (q < eol && *q != ',')
            return *why = "text after a quoted field", -1;
    } else {
        while (q < eol && *q != ',') {
            if (*q == '"')
                return *why = "a quote inside an unquoted field", -1;
            if (n + 1 >= cap)
                return *why = "field too long", -1;
            buf[n++] = *q++;
        }
    }
    buf[n] = '\0';
    *last = q >= eol;
    *p = q < eol ? q + 1 : q;
    return 0;
}

static int parse_time(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!*s || *end || errno || !isfinite(v) || v < -1e12 || v > 1e12)
        return -1;
    *out = v;
    return 0;
}

/* One count of a cpus field: digits, as a number in [1, 1e6]. */
static long cpus_number(const char **p)
{
    long v = 0;
    const char *q = *p;
    while (*q >= '0' && *q <= '9' && v <= 1000000)
        v = 10 * v + (*q++ - '0');
    if (q == *p || v < 1 || v > 1000000)
        return -1;
    *p = q;
    return v;
}

long hs_record_cpus_expand(const char *text, uint32_t *out, uint32_t cap)
{
    long n = 0;
    const char *p = text;
    for (;;) {
        long cpus = cpus_number(&p), times = 1;
        if (cpus < 0)
            return -1;
        if (*p == '(') {
            if (p[1] != 'x')
                return -1;
            p += 2;
            if ((times = cpus_number(&p)) < 0 || *p++ != ')')
                return -1;
        }
        if (n + times > HS_HOSTLIST_MAX)
            return -1;
        for (long k = n; out && k < n + times && (uint64_t)k < cap; k++)
            out[k] = (uint32_t)cpus;
        n += times;
        if (!*p)
            return n;
        if (*p++ != ',')
            return -1;
    }
}

static int count_name(void *ctx, const char *name)
{
    (void)name;
    ++*(uint32_t *)ctx;
    return 0;
}

static int cmp_job(const void *a, const void *b)
{
    long x = ((const hs_record_job *)a)->job, y = ((const hs_record_job *)b)->job;
    return (x > y) - (x < y);
}

/* The value of one field of a row into job; why when it is wrong. */
static int set_field(hs_record_job *job, enum column c, const char *v, char *why, size_t cap)
{
    switch (c) {
    case COL_JOB: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (!*v || *end || errno || n < 1)
            return snprintf(why, cap, "expected a job number (1 or more), got '%s'", v), -1;
        job->job = n;
        return 0;
    }
    case COL_SUBMIT:
    case COL_START:
    case COL_END: {
        double *t = c == COL_SUBMIT ? &job->submit : c == COL_START ? &job->start : &job->end;
        if (parse_time(v, t) < 0)
            return snprintf(why, cap, "expected seconds from the trace's time 0, got '%s'", v), -1;
        return 0;
    }
    case COL_NODES: {
        if (!*v)
            return snprintf(why, cap, "empty host list"), -1;
        if (hs_hostlist_each(v, HS_HOSTLIST_MAX, count_name, &job->nnodes, why, cap) < 0)
            return -1;
        if (!(job->nodes = strdup(v)))
            return snprintf(why, cap, "out of memory"), -1;
        return 0;
    }
    case COL_BY:
        if (!*v)
            job->by = HS_BY_UNKNOWN;
        else if (strcmp(v, "main") == 0)
            job->by = HS_BY_MAIN;
        else if (strcmp(v, "backfill") == 0)
            job->by = HS_BY_BACKFILL;
        else
            return snprintf(why, cap, "expected main, backfill or nothing, got '%s'", v), -1;
        return 0;
    case COL_CPUS:
        if (!*v)
            return 0;
        if (hs_record_cpus_expand(v, NULL, 0) < 0)
            return snprintf(why, cap, "expected CPUs per node such as 4(x2),1, got '%s'", v), -1;
        if (!(job->cpus = strdup(v)))
            return snprintf(why, cap, "out of memory"), -1;
        return 0;
    default:
        return 0;
    }
}

int hs_record_parse(hs_record *r, const char *text, size_t len, const char *source, hs_error *err)
{
    memset(r, 0, sizeof *r);
    int order[NCOLUMNS];
    unsigned ncols = 0;
    bool seen[NCOLUMNS] = {false};
    uint32_t cap = 0;
    size_t fcap = len + 1 < 4096 ? 4096 : len + 1;
    char *field = malloc(fcap), why[256];
    if (!field)
        return hs_error_set(err, source, 0, 0, "out of memory");
    const char *p = text, *end = text + len;
    long line = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *next = eol ? eol + 1 : end;
        if (!eol)
            eol = end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        line++;
        const char *q = p, *why_c = NULL;
        p = next;
        if (q == eol && ncols > 0)
            continue; /* a blank line */
        bool last = false;
        const char *line_start = q;
        if (ncols == 0) { /* the header */
            if (q == eol) {
                hs_error_set(err, source, line, 0, "no header (job,submit,start,end,nodes)");
                goto fail;
            }
            while (!last) {
                const char *at = q;
                if (next_field(&q, eol, field, fcap, &last, &why_c) < 0) {
                    hs_error_set(err, source, line, (int)(at - line_start + 1), "%s", why_c);
                    goto fail;
                }
                int c = -1;
                for (int k = 0; k < NCOLUMNS; k++)
                    if (strcmp(field, column_names[k]) == 0 || (k == COL_JOB && strcmp(field, "swf_id") == 0))
                        c = k;
                if (c < 0) {
                    hs_error_set(err, source, line, 0,
                                 "unknown column '%s' (expected job, submit, start, end, nodes and optionally by, cpus)",
                                 field);
                    goto fail;
                }
                if (seen[c] || ncols == NCOLUMNS) {
                    hs_error_set(err, source, line, 0, "column '%s' given twice", column_names[c]);
                    goto fail;
                }
                seen[c] = true;
                order[ncols++] = c;
            }
            for (int k = 0; k < COL_BY; k++)
                if (!seen[k]) {
                    hs_error_set(err, source, line, 0, "no '%s' column (the header needs job, submit, start, end, nodes)",
                                 column_names[k]);
                    goto fail;
                }
            continue;
        }
        if (r->njobs == cap) {
            uint32_t more = cap ? 2 * cap : 256;
            hs_record_job *grown = realloc(r->jobs, more * sizeof *grown);
            if (!grown) {
                hs_error_set(err, source, line, 0, "out of memory");
                goto fail;
            }
            r->jobs = grown;
            cap = more;
        }
        hs_record_job *job = &r->jobs[r->njobs++];
        memset(job, 0, sizeof *job);
        job->line = line;
        unsigned k = 0;
        while (!last) {
            const char *at = q;
            if (k == ncols) {
                hs_error_set(err, source, line, (int)(at - line_start + 1), "more fields than the header's %u", ncols);
                goto fail;
            }
            if (next_field(&q, eol, field, fcap, &last, &why_c) < 0) {
                hs_error_set(err, source, line, (int)(at - line_start + 1), "field '%s': %s", column_names[order[k]],
                             why_c);
                goto fail;
            }
            if (set_field(job, (enum column)order[k], field, why, sizeof why) < 0) {
                hs_error_set(err, source, line, (int)(at - line_start + 1), "field '%s': %s", column_names[order[k]],
                             why);
                goto fail;
            }
            k++;
        }
        if (k < ncols) {
            hs_error_set(err, source, line, 0, "%u fields, the header has %u", k, ncols);
            goto fail;
        }
        long counted = job->cpus ? hs_record_cpus_expand(job->cpus, NULL, 0) : (long)job->nnodes;
        if (counted != (long)job->nnodes) {
            hs_error_set(err, source, line, 0, "field 'cpus': '%s' gives %ld nodes, the host list '%s' names %u",
                         job->cpus, counted, job->nodes, job->nnodes);
            goto fail;
        }
        /* sacct's whole seconds against a time 0 with a fraction: a job
         * can seem to start up to a second before its submission. Its
         * start and end are truncated alike, so both move up and the run
         * time stays what was measured. */
        if (job->start < job->submit - 1 || job->end < job->start) {
            hs_error_set(err, source, line, 0, "job %ld: submit %g, start %g, end %g are not in that order", job->job,
                         job->submit, job->start, job->end);
            goto fail;
        }
        if (job->start < job->submit) {
            job->end += job->submit - job->start;
            job->start = job->submit;
        }
    }
    if (ncols == 0) {
        hs_error_set(err, source, 1, 0, "no header (job,submit,start,end,nodes)");
        goto fail;
    }
    if (r->njobs == 0) {
        hs_error_set(err, source, 0, 0, "no job in the record");
        goto fail;
    }
    qsort(r->jobs, r->njobs, sizeof *r->jobs, cmp_job);
    for (uint32_t i = 1; i < r->njobs; i++)
        if (r->jobs[i].job == r->jobs[i - 1].job) {
            long a = r->jobs[i - 1].line, b = r->jobs[i].line;
            hs_error_set(err, source, a > b ? a : b, 0, "job %ld is recorded twice (lines %ld and %ld)", r->jobs[i].job,
                         a < b ? a : b, a > b ? a : b);
            goto fail;
        }
    free(field);
    return 0;
fail:
    free(field);
    hs_record_free(r);
    return -1;
}

int hs_record_read(hs_record *r, const char *path, hs_error *err)
{
    memset(r, 0, sizeof *r);
    size_t len;
    char *text = hs_read_file(path, RECORD_MAX_BYTES, &len, err);
    if (!text)
        return -1;
    int rc = hs_record_parse(r, text, len, path, err);
    free(text);
    return rc;
}

void hs_record_free(hs_record *r)
{
    for (uint32_t i = 0; r->jobs && i < r->njobs; i++) {
        free(r->jobs[i].nodes);
        free(r->jobs[i].cpus);
    }
    free(r->jobs);
    memset(r, 0, sizeof *r);
}

const hs_record_job *hs_record_find(const hs_record *r, long job)
{
    hs_record_job key = {.job = job};
    return r->njobs ? bsearch(&key, r->jobs, r->njobs, sizeof *r->jobs, cmp_job) : NULL;
}
