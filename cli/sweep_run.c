/* Running a sweep on this machine (sweep_run.h): the output folder, the
 * points still to run, -j processes at once, the results table and the
 * progress line. */
#define _POSIX_C_SOURCE 200809L
#include "sweep_run.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep_point.h"
#include "sweep_table.h"

static double now_seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

bool sw_in_shard(const sw_options *o, uint32_t i) { return o->nshards <= 1 || i % o->nshards == o->shard; }

/* Whether a file holds exactly len bytes of text. */
static int same_bytes(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    int same = 1;
    char buf[4096];
    size_t at = 0, n;
    while (same && (n = fread(buf, 1, sizeof buf, f)) > 0) {
        same = at + n <= len && memcmp(buf, text + at, n) == 0;
        at += n;
    }
    fclose(f);
    return same && at == len;
}

int sw_prepare(const sw_grid *g, const sw_options *o, hs_error *err)
{
    char path[4200];
    if (mkdir(o->out, 0777) < 0 && errno != EEXIST)
        return hs_error_set(err, o->out, 0, 0, "cannot make the folder: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/grid.json", o->out);
    int same = same_bytes(path, g->text, g->text_len);
    if (same == 0)
        return hs_error_set(err, path, 0, 0, "differs from %s: this folder holds another sweep (choose another --out)",
                            o->grid_path);
    /* shards of one grid may share a folder; a whole sweep resumes only when asked */
    if (same == 1 && !o->resume && o->nshards <= 1)
        return hs_error_set(err, o->out, 0, 0, "holds this sweep already: --resume runs the points it lacks");
    if (same < 0) {
        char tmp[4300];
        snprintf(tmp, sizeof tmp, "%s/.grid.json.%ld.tmp", o->out, (long)getpid());
        FILE *f = fopen(tmp, "wb");
        int bad = !f || fwrite(g->text, 1, g->text_len, f) != g->text_len;
        if ((f && fclose(f) != 0) | bad || rename(tmp, path) < 0) {
            unlink(tmp);
            return hs_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
        }
    }
    snprintf(path, sizeof path, "%s/points", o->out);
    if (mkdir(path, 0777) < 0 && errno != EEXIST)
        return hs_error_set(err, path, 0, 0, "cannot make the folder: %s", strerror(errno));
    return 0;
}

void sw_progress_begin(sw_progress *p, bool on, uint32_t total)
{
    memset(p, 0, sizeof *p);
    p->on = on;
    p->total = total;
    p->start = now_seconds();
}

static void clock_text(double s, char *buf, size_t len)
{
    long t = (long)(s + 0.5);
    if (t >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

void sw_progress_show(sw_progress *p)
{
    if (!p->on)
        return;
    double spent = now_seconds() - p->start;
    char el[32], eta[32] = "?";
    clock_text(spent, el, sizeof el);
    if (p->done)
        clock_text(spent / p->done * (p->total - p->done), eta, sizeof eta);
    int width = 30, filled = p->total ? (int)((double)p->done / p->total * width) : width;
    fprintf(stderr, "\r\033[K[%.*s%*s] %u/%u points", filled, "##############################", width - filled, "",
            p->done, p->total);
    if (p->failed)
        fprintf(stderr, ", %u failed", p->failed);
    fprintf(stderr, ", %u running, %s elapsed, ETA %s", p->running, el, eta);
    fflush(stderr);
}

void sw_progress_failure(sw_progress *p, uint32_t point, const char *why)
{
    fprintf(stderr, "%shpcsim sweep: point %u failed: %s\n", p->on ? "\r\033[K" : "", point, why);
    sw_progress_show(p);
}

void sw_progress_end(sw_progress *p)
{
    if (p->on)
        fputc('\n', stderr);
}

/* Counts a finished point (its result text) in the progress line. */
void sw_progress_result(sw_progress *pr, uint32_t i, const char *text)
{
    pr->done++;
    json_t *r = json_loads(text, 0, NULL);
    const char *status = json_string_value(json_object_get(r, "status"));
    if (status && strcmp(status, "ok") != 0) {
        pr->failed++;
        sw_progress_failure(pr, i, json_string_value(json_object_get(r, "error")));
    } else {
        sw_progress_show(pr);
    }
    json_decref(r);
}

uint32_t *sw_todo(const sw_grid *g, const sw_options *o, uint32_t *n)
{
    uint32_t *todo = malloc((g->npoints ? g->npoints : 1) * sizeof *todo);
    char dir[4200];
    *n = 0;
    for (uint32_t i = 0; todo && i < g->npoints; i++) {
        if (!sw_in_shard(o, i))
            continue;
        sw_point_dir(dir, sizeof dir, o->out, i, g->npoints);
        json_t *r = sw_result_read(dir);
        if (!r)
            todo[(*n)++] = i;
        json_decref(r);
    }
    return todo;
}

int sw_run_local(const sw_grid *g, const sw_options *o, uint32_t *ran, hs_error *err)
{
    uint32_t ntodo, *todo = sw_todo(g, o, &ntodo);
    uint32_t *slot_point = calloc(o->jobs, sizeof *slot_point);
    pid_t *slot_pid = calloc(o->jobs, sizeof *slot_pid);
    if (!todo || !slot_point || !slot_pid) {
        free(todo);
        free(slot_point);
        free(slot_pid);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    char dir[4200];
    *ran = ntodo;
    sw_progress pr;
    sw_progress_begin(&pr, o->progress, ntodo);
    sw_progress_show(&pr);
    int rc = 0;
    uint32_t next = 0;
    while (rc == 0 && (next < ntodo || pr.running > 0)) {
        for (unsigned s = 0; s < o->jobs && next < ntodo && rc == 0; s++) {
            if (slot_pid[s])
                continue;
            uint32_t i = todo[next++];
            sw_point_dir(dir, sizeof dir, o->out, i, g->npoints);
            pid_t pid = sw_point_start(o->self, &g->points[i], dir, err);
            if (pid < 0) {
                rc = -1;
                break;
            }
            slot_pid[s] = pid;
            slot_point[s] = i;
            pr.running++;
        }
        if (rc < 0 || pr.running == 0)
            break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            rc = hs_error_set(err, NULL, 0, 0, "waitpid: %s", strerror(errno));
            break;
        }
        for (unsigned s = 0; s < o->jobs; s++) {
            if (slot_pid[s] != pid)
                continue;
            slot_pid[s] = 0;
            pr.running--;
            sw_point_dir(dir, sizeof dir, o->out, slot_point[s], g->npoints);
            char *text = sw_point_finish(slot_point[s], dir, status, err);
            if (!text) {
                rc = -1;
                break;
            }
            sw_progress_result(&pr, slot_point[s], text);
            free(text);
        }
    }
    /* the sweep cannot go on: its points' processes die with it (sweep_point.h) */
    sw_progress_end(&pr);
    free(todo);
    free(slot_point);
    free(slot_pid);
    return rc;
}

int sw_collect(const sw_grid *g, const sw_options *o, unsigned *failed, unsigned *missing, hs_error *err)
{
    json_t **results = calloc(g->npoints ? g->npoints : 1, sizeof *results);
    if (!results)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    *failed = *missing = 0;
    char dir[4200], path[4300];
    for (uint32_t i = 0; i < g->npoints; i++) {
        if (!sw_in_shard(o, i))
            continue;
        sw_point_dir(dir, sizeof dir, o->out, i, g->npoints);
        results[i] = sw_result_read(dir);
        if (!results[i])
            (*missing)++;
        else if (strcmp(json_string_value(json_object_get(results[i], "status")), "ok") != 0)
            (*failed)++;
    }
    if (o->nshards > 1)
        snprintf(path, sizeof path, "%s/results.shard-%u-of-%u.csv", o->out, o->shard, o->nshards);
    else
        snprintf(path, sizeof path, "%s/results.csv", o->out);
    int rc = sw_table_write(g, results, path, err);
    for (uint32_t i = 0; i < g->npoints; i++)
        json_decref(results[i]);
    free(results);
    return rc;
}
