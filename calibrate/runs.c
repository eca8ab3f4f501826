/* Reading measurements back (runs.h). */
#define _GNU_SOURCE
#include "runs.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void hc_sort(double *x, unsigned n) { qsort(x, n, sizeof *x, cmp_double); }

double hc_median(double *x, unsigned n)
{
    hc_sort(x, n);
    return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double hc_slowdown(double base, double value, int higher_better)
{
    return higher_better ? base / value : value / base;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int block_index(const hc_runs *r, const char *block)
{
    for (unsigned b = 0; b < r->nblocks; b++)
        if (strcmp(r->blocks[b], block) == 0)
            return (int)b;
    return -1;
}

static int add_block(hc_runs *r, const char *block, const char *attempt)
{
    char **b = realloc(r->blocks, (r->nblocks + 1) * sizeof *b);
    if (b)
        r->blocks = b;
    char **a = realloc(r->block_attempts, (r->nblocks + 1) * sizeof *a);
    if (a)
        r->block_attempts = a;
    if (!a || !b || !(b[r->nblocks] = strdup(block)))
        return -1;
    if (!(a[r->nblocks] = strdup(attempt))) {
        free(b[r->nblocks]);
        return -1;
    }
    r->nblocks++;
    return 0;
}

int hc_runs_load(const char *log_path, hc_runs *out, hs_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(log_path, "r");
    if (!f)
        return hs_error_set(err, log_path, 0, 0, "cannot read: %s", strerror(errno));
    hc_run *runs = NULL;
    unsigned n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    int rc = 0;
    while (rc == 0 && getline(&line, &lcap, f) > 0) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        if (!j) /* a line cut by a kill: only ever the last one */
            continue;
        const char *block = json_string_value(json_object_get(j, "block"));
        json_t *res = json_object_get(j, "result");
        if (block && json_is_true(json_object_get(j, "block_done"))) {
            if (block_index(out, block) < 0 && add_block(out, block, str(j, "run_id")) < 0)
                rc = hs_error_set(err, log_path, 0, 0, "out of memory");
        } else if (block && !json_is_true(json_object_get(j, "warmup")) &&
                   json_is_number(json_object_get(res, "value"))) {
            if (n == cap) {
                hc_run *more = realloc(runs, (cap = cap ? 2 * cap : 256) * sizeof *runs);
                if (!more) {
                    json_decref(j);
                    rc = hs_error_set(err, log_path, 0, 0, "out of memory");
                    break;
                }
                runs = more;
            }
            hc_run *r = &runs[n++];
            json_t *load = json_object_get(j, "load");
            snprintf(r->block, sizeof r->block, "%s", block);
            snprintf(r->attempt, sizeof r->attempt, "%s", str(j, "run_id"));
            snprintf(r->point, sizeof r->point, "%s", str(j, "point"));
            snprintf(r->backend, sizeof r->backend, "%s", str(j, "backend"));
            snprintf(r->layout, sizeof r->layout, "%s", str(j, "layout"));
            snprintf(r->bench, sizeof r->bench, "%s", str(j, "bench"));
            snprintf(r->kind, sizeof r->kind, "%s", str(load, "kind"));
            snprintf(r->host, sizeof r->host, "%s", str(load, "host"));
            r->k = (unsigned)json_integer_value(json_object_get(load, "k"));
            r->on = strcmp(str(j, "load_state"), "on") == 0;
            r->higher_better = json_is_true(json_object_get(res, "higher_is_better"));
            r->emulated = json_is_true(json_object_get(res, "emulated"));
            r->value = json_number_value(json_object_get(res, "value"));
            json_t *ready = json_object_get(res, "ready_ms");
            r->ready_ms = json_is_number(ready) ? json_number_value(ready) : -1;
            if (!out->host && json_is_object(json_object_get(j, "host")))
                out->host = json_dumps(json_object_get(j, "host"), JSON_COMPACT | JSON_PRESERVE_ORDER);
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    /* keep only the runs of complete blocks, from the attempt that completed them */
    unsigned kept = 0;
    for (unsigned i = 0; i < n; i++) {
        int b = block_index(out, runs[i].block);
        if (b >= 0 && strcmp(runs[i].attempt, out->block_attempts[b]) == 0)
            runs[kept++] = runs[i];
    }
    out->runs = runs;
    out->n = kept;
    if (rc < 0)
        hc_runs_free(out);
    return rc;
}

int hc_runs_done_blocks(const char *log_path, const char *digest, char ***done, unsigned *n, hs_error *err)
{
    *done = NULL;
    *n = 0;
    FILE *f = fopen(log_path, "r");
    if (!f)
        return errno == ENOENT ? 0 : hs_error_set(err, log_path, 0, 0, "cannot read: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    int rc = 0;
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        if (!j) /* a line cut by a kill -9: only ever the last one */
            continue;
        const char *plan = json_string_value(json_object_get(j, "plan"));
        if (plan && strcmp(plan, digest) != 0) {
            rc = hs_error_set(err, log_path, lineno, 0,
                              "belongs to plan %s, not to this plan (%s); use another --workdir", plan, digest);
            json_decref(j);
            break;
        }
        const char *block = json_string_value(json_object_get(j, "block"));
        if (block && json_is_true(json_object_get(j, "block_done"))) {
            char **d = realloc(*done, (*n + 1) * sizeof *d);
            if (d)
                *done = d;
            if (!d || !(d[*n] = strdup(block))) {
                json_decref(j);
                rc = hs_error_set(err, log_path, 0, 0, "out of memory");
                break;
            }
            (*n)++;
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
    return rc;
}

void hc_runs_free(hc_runs *r)
{
    for (unsigned b = 0; b < r->nblocks; b++) {
        free(r->blocks[b]);
        free(r->block_attempts[b]);
    }
    free(r->blocks);
    free(r->block_attempts);
    free(r->runs);
    free(r->host);
    memset(r, 0, sizeof *r);
}
