/* The schedule checker (check.h). It trusts nothing but the files: it
 * reads summary.json for the cluster size and the job counts, jobs.csv for
 * the schedule, re-reads out.swf and rejected.csv to count them, and
 * replays starts and ends on a bitmap of units, ends before starts at the
 * same instant, so that two jobs holding one unit at once are caught. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/check.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/bitmap.h"
#include "hpcsim/intervals.h"
#include "hpcsim/output.h"
#include "hpcsim/swf.h"
#include "check_tasks.h"

typedef struct row {
    long id;
    double start, end;
    long line;
    uint32_t first_range, nranges; /* into the shared range array */
} row;

typedef struct checker {
    const char *dir;
    const char *csv;
    row *rows;
    uint64_t nrows, cap;
    hs_range *ranges;
    uint64_t nranges, rcap;
    uint64_t units;
    int kill;
    uint64_t beyond_expected; /* jobs.held_beyond_request of summary.json (0 when absent) */
    uint64_t beyond_seen;     /* rows holding more units than they requested */
    uint64_t tasks;           /* summary.json tasks.count: jobs ran as tasks on shared nodes */
    double peak_units;        /* tasks: the busiest instant's CPUs, in units */
    hs_intervals iv;          /* the row being checked's allocation */
} checker;

static char *path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static int read_summary(const char *path, checker *ck, uint64_t *expect_rows, uint64_t *expect_dropped,
                        hs_error *err)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root)
        return hs_error_set(err, path, jerr.line, jerr.column, "%s", jerr.text);
    json_int_t units = -1, completed = -1, killed = -1, rejected = -1, skipped = -1, beyond = 0, tasks = 0;
    int kill = -1;
    int rc = json_unpack_ex(root, &jerr, 0, "{s:{s:I}, s:b, s:{s:I, s:I, s:I, s:I, s?I}, s?{s:I}}", "cluster", "units",
                            &units, "kill_at_requested_time", &kill, "jobs", "completed", &completed, "killed", &killed,
                            "rejected", &rejected, "skipped", &skipped, "held_beyond_request", &beyond, "tasks",
                            "count", &tasks);
    json_decref(root);
    if (rc < 0)
        return hs_error_set(err, path, 0, 0, "not a summary of hpcsim: %s", jerr.text);
    if (units <= 0 || completed < 0 || killed < 0 || rejected < 0 || skipped < 0 || beyond < 0 || tasks < 0)
        return hs_error_set(err, path, 0, 0, "negative counts or no units");
    ck->tasks = (uint64_t)tasks;
    ck->units = (uint64_t)units;
    ck->kill = kill;
    ck->beyond_expected = (uint64_t)beyond;
    *expect_rows = (uint64_t)(completed + killed);
    *expect_dropped = (uint64_t)(rejected + skipped);
    return 0;
}

static int near(double a, double b) { return fabs(a - b) <= 1e-6 * fmax(1.0, fmax(fabs(a), fabs(b))); }

static int check_row(void *ctx, const hs_jobs_row *line, long lineno, hs_error *err)
{
    checker *ck = ctx;
    hs_intervals *iv = &ck->iv;
    char *const *f = line->text;
    const double *v = line->v;
    if (v[HS_COL_START] < v[HS_COL_SUBMIT])
        return hs_error_set(err, ck->csv, lineno, 0, "job %s starts at %s, before its submission at %s", f[HS_COL_ID],
                            f[HS_COL_START], f[HS_COL_SUBMIT]);
    if (v[HS_COL_EXEC] < 0 || !near(v[HS_COL_FINISH], v[HS_COL_START] + v[HS_COL_EXEC]) || !near(v[HS_COL_WAIT], v[HS_COL_START] - v[HS_COL_SUBMIT]) ||
        !near(v[HS_COL_TURN], v[HS_COL_FINISH] - v[HS_COL_SUBMIT]))
        return hs_error_set(err, ck->csv, lineno, 0,
                            "job %s: times do not add up (finish = start + execution, wait = start - "
                            "submission, turnaround = finish - submission)",
                            f[HS_COL_ID]);
    int killed = strcmp(f[HS_COL_STATE], "COMPLETED_WALLTIME_REACHED") == 0;
    if (!killed && strcmp(f[HS_COL_STATE], "COMPLETED_SUCCESSFULLY") != 0)
        return hs_error_set(err, ck->csv, lineno, 0, "column final_state: unknown state '%s'", f[HS_COL_STATE]);
    if ((killed && !near(v[HS_COL_EXEC], v[HS_COL_REQ])) || (ck->kill && v[HS_COL_EXEC] > v[HS_COL_REQ] && !near(v[HS_COL_EXEC], v[HS_COL_REQ])))
        return hs_error_set(err, ck->csv, lineno, 0, "job %s ran %s s against a requested time of %s s (%s)",
                            f[HS_COL_ID], f[HS_COL_EXEC], f[HS_COL_REQ], f[HS_COL_STATE]);
    /* a count of units: compared as an integer below, so it must be one */
    if (!(v[HS_COL_NRES] >= 0 && v[HS_COL_NRES] <= 0x1p53 && v[HS_COL_NRES] == floor(v[HS_COL_NRES])))
        return hs_error_set(err, ck->csv, lineno, 0, "column requested_number_of_resources: '%s' is not a count",
                            f[HS_COL_NRES]);
    const char *why;
    if (hs_intervals_parse(iv, f[HS_COL_ALLOC], strlen(f[HS_COL_ALLOC]), &why) < 0)
        return hs_error_set(err, ck->csv, lineno, 0, "column allocated_resources: %s", why);
    /* More than requested only where summary.json says whole nodes were
     * given (a node-exclusive policy), and never fewer. */
    uint64_t total = hs_intervals_total(iv);
    bool beyond = total > (uint64_t)v[HS_COL_NRES] && ck->beyond_expected > 0;
    /* Tasks share nodes: allocated_resources lists the job's nodes, and
     * tasks.csv is checked against their capacities instead. */
    if (total != (uint64_t)v[HS_COL_NRES] && !beyond && !ck->tasks)
        return hs_error_set(err, ck->csv, lineno, 0, "job %s holds %llu units but requested %s", f[HS_COL_ID],
                            (unsigned long long)total, f[HS_COL_NRES]);
    ck->beyond_seen += beyond;
    if (iv->n && (uint64_t)iv->r[iv->n - 1].first + iv->r[iv->n - 1].count > ck->units)
        return hs_error_set(err, ck->csv, lineno, 0, "job %s uses unit %u; the cluster has %llu", f[HS_COL_ID],
                            iv->r[iv->n - 1].first + iv->r[iv->n - 1].count - 1, (unsigned long long)ck->units);
    if (ck->nrows == ck->cap) {
        ck->cap = ck->cap ? ck->cap * 2 : 4096;
        row *r = realloc(ck->rows, ck->cap * sizeof *r);
        if (!r)
            return hs_error_set(err, ck->csv, lineno, 0, "out of memory");
        ck->rows = r;
    }
    while (ck->nranges + iv->n > ck->rcap) {
        ck->rcap = ck->rcap ? ck->rcap * 2 : 4096;
        hs_range *r = realloc(ck->ranges, ck->rcap * sizeof *r);
        if (!r)
            return hs_error_set(err, ck->csv, lineno, 0, "out of memory");
        ck->ranges = r;
    }
    memcpy(ck->ranges + ck->nranges, iv->r, iv->n * sizeof *iv->r);
    row *r = &ck->rows[ck->nrows++];
    r->id = strtol(f[HS_COL_ID], NULL, 10);
    r->start = v[HS_COL_START];
    r->end = v[HS_COL_FINISH];
    r->line = lineno;
    r->first_range = (uint32_t)ck->nranges;
    r->nranges = iv->n;
    ck->nranges += iv->n;
    return 0;
}

static int read_csv(checker *ck, hs_error *err)
{
    int rc = hs_jobs_csv_read(ck->csv, check_row, ck, err);
    hs_intervals_free(&ck->iv);
    return rc;
}

static const row *sort_rows; /* qsort context */

static int cmp_id(const void *a, const void *b)
{
    const row *x = &sort_rows[*(const uint64_t *)a], *y = &sort_rows[*(const uint64_t *)b];
    return x->id < y->id ? -1 : x->id > y->id;
}

/* An event is row index * 4 + kind. At one instant, ends come first, then
 * zero-length jobs (which hold their units for an empty interval: their
 * units need only be free at that instant), then starts. */
enum { EV_END = 0, EV_INSTANT = 1, EV_START = 2 };

static double event_time(uint64_t e)
{
    const row *r = &sort_rows[e >> 2];
    return (e & 3) == EV_END ? r->end : r->start;
}

static int cmp_event(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    double tx = event_time(x), ty = event_time(y);
    if (tx != ty)
        return tx < ty ? -1 : 1;
    if ((x & 3) != (y & 3))
        return (x & 3) < (y & 3) ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int cmp_check_job(const void *a, const void *b)
{
    const hs_check_job *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int check_tasks(checker *ck, hs_error *err)
{
    hs_check_job *jobs = malloc((ck->nrows ? ck->nrows : 1) * sizeof *jobs);
    if (!jobs)
        return hs_error_set(err, ck->csv, 0, 0, "out of memory");
    for (uint64_t i = 0; i < ck->nrows; i++)
        jobs[i] = (hs_check_job){ck->rows[i].id, ck->rows[i].start, ck->rows[i].end};
    qsort(jobs, ck->nrows, sizeof *jobs, cmp_check_job);
    double share = 0;
    char *nodes = path_in(ck->dir, "nodes.csv"), *tasks = path_in(ck->dir, "tasks.csv");
    int rc = nodes && tasks ? hs_check_tasks(nodes, tasks, jobs, ck->nrows, ck->tasks, &share, err)
                            : hs_error_set(err, ck->dir, 0, 0, "out of memory");
    free(nodes);
    free(tasks);
    free(jobs);
    ck->peak_units = share * (double)ck->units;
    return rc;
}

static int sweep(checker *ck, hs_check_report *rep, hs_error *err)
{
    uint64_t n = ck->nrows, nev = 0;
    uint64_t *ord = malloc((2 * n + 1) * sizeof *ord);
    hs_bitmap busy = {0};
    if (!ord || hs_bitmap_init(&busy, ck->units) < 0) {
        free(ord);
        return hs_error_set(err, ck->csv, 0, 0, "out of memory");
    }
    sort_rows = ck->rows;
    for (uint64_t i = 0; i < n; i++)
        ord[i] = i;
    qsort(ord, n, sizeof *ord, cmp_id);
    int rc = 0;
    for (uint64_t i = 1; i < n && rc == 0; i++)
        if (ck->rows[ord[i]].id == ck->rows[ord[i - 1]].id)
            rc = hs_error_set(err, ck->csv, ck->rows[ord[i]].line, 0, "job %ld appears twice (also line %ld)",
                              ck->rows[ord[i]].id, ck->rows[ord[i - 1]].line);
    for (uint64_t i = 0; i < n; i++) {
        if (ck->rows[i].end > ck->rows[i].start) {
            ord[nev++] = i << 2 | EV_END;
            ord[nev++] = i << 2 | EV_START;
        } else {
            ord[nev++] = i << 2 | EV_INSTANT;
        }
    }
    qsort(ord, nev, sizeof *ord, cmp_event);
    uint64_t in_use = 0;
    for (uint64_t e = 0; e < nev && rc == 0 && !ck->tasks; e++) {
        const row *r = &ck->rows[ord[e] >> 2];
        const hs_range *rg = ck->ranges + r->first_range;
        int kind = (int)(ord[e] & 3);
        for (uint32_t k = 0; k < r->nranges && rc == 0; k++) {
            if (kind == EV_END) {
                hs_bitmap_clear_range(&busy, rg[k].first, rg[k].count);
                in_use -= rg[k].count;
                continue;
            }
            if (hs_bitmap_any_set(&busy, rg[k].first, rg[k].count)) {
                uint64_t u = hs_bitmap_next_set(&busy, rg[k].first, (uint64_t)rg[k].first + rg[k].count);
                rc = hs_error_set(err, ck->csv, r->line, 0,
                                  "job %ld starts at %.15g on unit %llu, which another job still holds", r->id,
                                  r->start, (unsigned long long)u);
                break;
            }
            if (kind == EV_START) {
                hs_bitmap_set_range(&busy, rg[k].first, rg[k].count);
                in_use += rg[k].count;
            }
        }
        if (rep && (double)in_use > rep->max_busy)
            rep->max_busy = (double)in_use;
    }
    sort_rows = NULL;
    hs_bitmap_free(&busy);
    free(ord);
    if (rc == 0 && ck->tasks) {
        rc = check_tasks(ck, err);
        if (rep)
            rep->max_busy = ck->peak_units;
    }
    return rc;
}

/* Data lines of out.swf, each parsed; and data rows of rejected.csv. */
static int count_swf(const char *path, uint64_t *n, hs_error *err)
{
    hs_swf_reader *r = hs_swf_open(path, err);
    if (!r)
        return -1;
    hs_swf_record rec;
    enum hs_swf_status st;
    *n = 0;
    while ((st = hs_swf_next(r, &rec, err)) == HS_SWF_RECORD)
        (*n)++;
    hs_swf_close(r);
    return st == HS_SWF_EOF ? 0 : -1;
}

static int count_lines(const char *path, uint64_t *n, hs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return hs_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    int c, last = '\n';
    *n = 0;
    while ((c = getc(f)) != EOF) {
        if (c == '\n')
            (*n)++;
        last = c;
    }
    fclose(f);
    if (last != '\n')
        return hs_error_set(err, path, 0, 0, "the last line is cut short");
    return 0;
}

int hs_check_outdir(const char *dir, hs_check_report *rep, hs_error *err)
{
    checker ck = {0};
    char *summary = path_in(dir, "summary.json"), *csv = path_in(dir, "jobs.csv"), *swf = path_in(dir, "out.swf"),
         *rej = path_in(dir, "rejected.csv");
    uint64_t expect_rows = 0, expect_dropped = 0, nswf = 0, nrej = 0;
    int rc = -1;
    if (rep)
        memset(rep, 0, sizeof *rep);
    if (!summary || !csv || !swf || !rej) {
        hs_error_set(err, dir, 0, 0, "out of memory");
        goto out;
    }
    ck.csv = csv;
    ck.dir = dir;
    if (read_summary(summary, &ck, &expect_rows, &expect_dropped, err) < 0 || read_csv(&ck, err) < 0)
        goto out;
    if (ck.nrows != expect_rows) {
        hs_error_set(err, csv, 0, 0, "%llu jobs, but summary.json counts %llu completed or killed",
                     (unsigned long long)ck.nrows, (unsigned long long)expect_rows);
        goto out;
    }
    if (ck.beyond_seen != ck.beyond_expected) {
        hs_error_set(err, csv, 0, 0, "%llu jobs hold more units than they requested, but summary.json counts %llu",
                     (unsigned long long)ck.beyond_seen, (unsigned long long)ck.beyond_expected);
        goto out;
    }
    if (sweep(&ck, rep, err) < 0 || count_swf(swf, &nswf, err) < 0 || count_lines(rej, &nrej, err) < 0)
        goto out;
    if (nswf != expect_rows) {
        hs_error_set(err, swf, 0, 0, "%llu jobs, but jobs.csv has %llu", (unsigned long long)nswf,
                     (unsigned long long)expect_rows);
        goto out;
    }
    if (nrej == 0 || nrej - 1 != expect_dropped) {
        hs_error_set(err, rej, 0, 0, "%llu rows, but summary.json counts %llu rejected or skipped",
                     (unsigned long long)(nrej ? nrej - 1 : 0), (unsigned long long)expect_dropped);
        goto out;
    }
    if (rep) {
        rep->jobs = ck.nrows;
        rep->units = ck.units;
    }
    rc = 0;
out:
    free(ck.rows);
    free(ck.ranges);
    free(summary);
    free(csv);
    free(swf);
    free(rej);
    return rc;
}
