/* The sweep's CSV (sweep_table.h). */
#define _POSIX_C_SOURCE 200809L
#include "sweep_table.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/file.h"

const sw_figure sw_figures[] = {
    {"jobs_completed", "jobs.completed"},
    {"jobs_killed", "jobs.killed"},
    {"jobs_rejected", "jobs.rejected"},
    {"jobs_skipped", "jobs.skipped"},
    {"makespan", "makespan"},
    {"utilization", "utilization"},
    {"wait_mean", "wait.mean"},
    {"wait_median", "wait.median"},
    {"wait_p95", "wait.p95"},
    {"wait_max", "wait.max"},
    {"bounded_slowdown_mean", "bounded_slowdown.mean"},
    {NULL, NULL},
};

bool sw_summary_number(const json_t *summary, const char *path, double *out)
{
    const json_t *v = summary;
    char part[64];
    for (const char *p = path; v && *p;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);
        if (n >= sizeof part)
            return false;
        memcpy(part, p, n);
        part[n] = '\0';
        v = json_is_object(v) ? json_object_get(v, part) : NULL;
        p += n + (dot != NULL);
    }
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

/* A CSV field, quoted when it must be (RFC 4180). */
static void field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

int sw_table_write(const sw_grid *g, json_t *const *results, const char *path, hs_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return hs_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
    fputs("point", f);
    for (unsigned c = 0; c < g->ncolumns; c++) {
        fputc(',', f);
        field(f, g->columns[c]);
    }
    fputs(",status", f);
    for (const sw_figure *x = sw_figures; x->column; x++)
        fprintf(f, ",%s", x->column);
    fputs(",error\n", f);
    for (uint32_t i = 0; i < g->npoints; i++) {
        const json_t *r = results[i];
        if (!r)
            continue;
        fprintf(f, "%u", i);
        for (unsigned c = 0; c < g->ncolumns; c++) {
            const char *v = sw_point_get(&g->points[i], g->columns[c]);
            fputc(',', f);
            field(f, v ? v : "");
        }
        const char *status = json_string_value(json_object_get(r, "status"));
        fputc(',', f);
        field(f, status ? status : "");
        const json_t *summary = json_object_get(r, "summary");
        for (const sw_figure *x = sw_figures; x->column; x++) {
            double v;
            char buf[64] = "";
            if (summary && sw_summary_number(summary, x->path, &v))
                sw_number_text(v, buf, sizeof buf);
            fprintf(f, ",%s", buf);
        }
        const char *why = json_string_value(json_object_get(r, "error"));
        fputc(',', f);
        field(f, why ? why : "");
        fputc('\n', f);
    }
    return hs_file_commit(f, tmp, path, err);
}
