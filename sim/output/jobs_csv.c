/* Reading jobs.csv back (hpcsim/output.h): the checker and `hpcsim
 * report` both walk its rows. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/output.h"

const char *const hs_jobs_column_names[HS_JOBS_COLUMNS] = {
    "job_id",        "submission_time", "requested_number_of_resources", "requested_time",
    "starting_time", "execution_time",  "finish_time",                   "waiting_time",
    "turnaround_time", "stretch",       "allocated_resources",           "final_state"};

/* Splits line (modified in place) at commas into exactly n fields. */
static int split(char *line, char **fields, int n)
{
    int k = 0;
    fields[k++] = line;
    for (char *p = line; *p; p++)
        if (*p == ',') {
            if (k == n)
                return -1;
            *p = '\0';
            fields[k++] = p + 1;
        }
    return k == n ? 0 : -1;
}

static int num(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return end != s && *end == '\0' && errno == 0 && isfinite(*out) ? 0 : -1;
}

static int read_row(char *line, hs_jobs_row *row, const char *path, long lineno, hs_error *err)
{
    if (split(line, row->text, HS_JOBS_COLUMNS) < 0)
        return hs_error_set(err, path, lineno, 0, "expected %d comma-separated columns", HS_JOBS_COLUMNS);
    for (int k = 0; k < HS_JOBS_COLUMNS; k++) {
        row->v[k] = NAN;
        if (k == HS_COL_ALLOC || k == HS_COL_STATE || (k == HS_COL_STRETCH && row->text[k][0] == '\0'))
            continue;
        if (num(row->text[k], &row->v[k]) < 0)
            return hs_error_set(err, path, lineno, 0, "column %s: '%s' is not a number", hs_jobs_column_names[k],
                                row->text[k]);
    }
    return 0;
}

int hs_jobs_csv_read(const char *path, hs_jobs_row_fn fn, void *ctx, hs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return hs_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0;
    hs_jobs_row row;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > 0 && line[len - 1] == '\n')
            line[--len] = '\0';
        if (lineno == 1) {
            if (strcmp(line, HS_JOBS_CSV_HEADER) != 0) {
                rc = hs_error_set(err, path, 1, 0, "not the jobs.csv header of hpcsim");
                break;
            }
            continue;
        }
        if ((rc = read_row(line, &row, path, lineno, err)) < 0 || (rc = fn(ctx, &row, lineno, err)) < 0)
            break;
    }
    if (rc == 0 && lineno == 0)
        rc = hs_error_set(err, path, 0, 0, "empty file");
    free(line);
    fclose(f);
    return rc;
}
