/* Tasks on shared nodes (check_tasks.h): each node's amounts are
 * replayed over time, ends before starts at one instant, as the engine
 * frees a job's resources before the policy's pass. */
#define _POSIX_C_SOURCE 200809L
#include "check_tasks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct task_row {
    long job;
    uint32_t node;
    double cpu, mem, gpu;
    double start, end;
    long line;
} task_row;

typedef struct cap_row {
    double cpu, mem, gpu;
} cap_row;

/* Splits a CSV line of numbers into v[0..n); -1 unless exactly n. */
static int numbers(char *line, double *v, int n)
{
    int k = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
        char *end;
        errno = 0;
        if (k == n)
            return -1;
        v[k] = strtod(tok, &end);
        if (end == tok || *end || errno || !isfinite(v[k]))
            return -1;
        k++;
    }
    return k == n ? 0 : -1;
}

static int read_nodes(const char *path, cap_row **out, uint32_t *n, hs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return hs_error_set(err, path, 0, 0, "cannot open: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    uint32_t have = 0, room = 0;
    cap_row *rows = NULL;
    int rc = 0;
    while (rc == 0 && getline(&line, &cap, f) > 0) {
        lineno++;
        if (lineno == 1) {
            if (strcmp(line, "node,cpu_milli,memory_mb,gpu_milli\n"))
                rc = hs_error_set(err, path, 1, 0, "not an hpcsim nodes.csv header");
            continue;
        }
        double v[4];
        if (numbers(line, v, 4) < 0 || v[0] != have) {
            rc = hs_error_set(err, path, lineno, 0, "expected node %u: four numbers", have);
            break;
        }
        if (have == room) {
            room = room ? 2 * room : 1024;
            cap_row *m = realloc(rows, room * sizeof *m);
            if (!m) {
                rc = hs_error_set(err, path, lineno, 0, "out of memory");
                break;
            }
            rows = m;
        }
        rows[have++] = (cap_row){v[1], v[2], v[3]};
    }
    free(line);
    fclose(f);
    *out = rows;
    *n = have;
    return rc;
}

static const hs_check_job *find_job(const hs_check_job *jobs, uint64_t n, long id)
{
    uint64_t lo = 0, hi = n;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (jobs[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && jobs[lo].id == id ? &jobs[lo] : NULL;
}

static const task_row *sort_tasks; /* qsort context */

/* event = task index * 2 + (0 end, 1 start) */
static int cmp_event(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    const task_row *tx = &sort_tasks[x >> 1], *ty = &sort_tasks[y >> 1];
    double ax = (x & 1) ? tx->start : tx->end, ay = (y & 1) ? ty->start : ty->end;
    if (ax != ay)
        return ax < ay ? -1 : 1;
    if ((x & 1) != (y & 1))
        return (x & 1) < (y & 1) ? -1 : 1;
    return x < y ? -1 : x > y;
}

int hs_check_tasks(const char *npath, const char *tpath, const hs_check_job *jobs, uint64_t njobs, uint64_t expected,
                   double *peak_share, hs_error *err)
{
    double busy = 0, peak = 0, total = 0;
    *peak_share = 0;
    cap_row *caps = NULL;
    uint32_t nnodes = 0;
    task_row *tasks = NULL;
    uint64_t ntasks = 0, room = 0, *ev = NULL;
    cap_row *used = NULL;
    char *line = NULL;
    size_t lcap = 0;
    FILE *f = NULL;
    int rc = -1;
    if (read_nodes(npath, &caps, &nnodes, err) < 0)
        goto out;
    if (!(f = fopen(tpath, "r"))) {
        hs_error_set(err, tpath, 0, 0, "cannot open: %s", strerror(errno));
        goto out;
    }
    long lineno = 0;
    while (getline(&line, &lcap, f) > 0) {
        lineno++;
        if (lineno == 1) {
            if (strcmp(line, "job_id,task,node,cpu_milli,memory_mb,gpu_milli,starting_time,finish_time\n")) {
                hs_error_set(err, tpath, 1, 0, "not an hpcsim tasks.csv header");
                goto out;
            }
            continue;
        }
        double v[8];
        if (numbers(line, v, 8) < 0) {
            hs_error_set(err, tpath, lineno, 0, "expected eight numbers");
            goto out;
        }
        const hs_check_job *j = find_job(jobs, njobs, (long)v[0]);
        if (!j || j->start != v[6] || j->end != v[7]) {
            hs_error_set(err, tpath, lineno, 0, "task %.0f of job %.0f: %s", v[1], v[0],
                         j ? "its times are not its job's in jobs.csv" : "no such job in jobs.csv");
            goto out;
        }
        if (v[2] < 0 || v[2] >= nnodes || v[2] != floor(v[2])) {
            hs_error_set(err, tpath, lineno, 0, "task %.0f of job %.0f: node %.0f; nodes.csv has %u", v[1], v[0],
                         v[2], nnodes);
            goto out;
        }
        if (ntasks == room) {
            room = room ? 2 * room : 4096;
            task_row *m = realloc(tasks, room * sizeof *m);
            if (!m) {
                hs_error_set(err, tpath, lineno, 0, "out of memory");
                goto out;
            }
            tasks = m;
        }
        tasks[ntasks++] = (task_row){(long)v[0], (uint32_t)v[2], v[3], v[4], v[5], v[6], v[7], lineno};
    }
    if (ntasks != expected) {
        hs_error_set(err, tpath, 0, 0, "%llu tasks, but summary.json counts %llu", (unsigned long long)ntasks,
                     (unsigned long long)expected);
        goto out;
    }
    ev = malloc((2 * ntasks + 1) * sizeof *ev);
    used = calloc(nnodes ? nnodes : 1, sizeof *used);
    if (!ev || !used) {
        hs_error_set(err, tpath, 0, 0, "out of memory");
        goto out;
    }
    for (uint64_t i = 0; i < ntasks; i++) {
        ev[2 * i] = i << 1;
        ev[2 * i + 1] = i << 1 | 1;
    }
    sort_tasks = tasks;
    qsort(ev, 2 * ntasks, sizeof *ev, cmp_event);
    sort_tasks = NULL;
    for (uint64_t e = 0; e < 2 * ntasks; e++) {
        const task_row *t = &tasks[ev[e] >> 1];
        cap_row *u = &used[t->node];
        const cap_row *c = &caps[t->node];
        double sign = (ev[e] & 1) ? 1 : -1;
        busy += sign * t->cpu;
        if (busy > peak)
            peak = busy;
        u->cpu += sign * t->cpu;
        u->mem += sign * t->mem;
        u->gpu += sign * t->gpu;
        if ((ev[e] & 1) && (u->cpu > c->cpu || u->gpu > c->gpu || (c->mem > 0 && u->mem > c->mem))) {
            hs_error_set(err, tpath, t->line,
                         0, "job %ld starts at %.15g on node %u beyond its capacity (cpu %.15g of %.15g m, "
                            "memory %.15g of %.15g MB, gpu %.15g of %.15g m)", t->job, t->start, t->node, u->cpu,
                         c->cpu, u->mem, c->mem, u->gpu, c->gpu);
            goto out;
        }
    }
    for (uint32_t n = 0; n < nnodes; n++)
        total += caps[n].cpu;
    *peak_share = total > 0 ? peak / total : 0;
    rc = 0;
out:
    if (f)
        fclose(f);
    free(line);
    free(ev);
    free(used);
    free(tasks);
    free(caps);
    return rc;
}
