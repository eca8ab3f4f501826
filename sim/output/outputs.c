/* The output directory of a run (output.h). jobs.csv is streamed as jobs
 * end, so allocations need not be kept for the whole run; out.swf and the
 * summary's sums as jobs retire, in input order, so the jobs themselves
 * need not be either; the other files are written at the end. All go to
 * ".<name>.tmp" first and are renamed only after everything succeeded. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/output.h"

#include <errno.h>
#include <stdbool.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hpcsim/file.h"
#include "hpcsim/metrics.h"

#ifndef HPCSIM_VERSION
#define HPCSIM_VERSION "0.1.0"
#endif

/* tasks.csv and nodes.csv only for runs whose jobs start as tasks. */
enum { OUT_JOBS, OUT_SWF, OUT_REJECTED, OUT_SUMMARY, OUT_TASKS, OUT_NODES, OUT_N };
#define HS_JOBS_ROW_MAX (HS_SWF_NFIELDS * (HS_NUMBER_MAX + 1)) /* the longest row of numbers */
static const char *const out_names[OUT_N] = {"jobs.csv",     "out.swf",   "rejected.csv",
                                             "summary.json", "tasks.csv", "nodes.csv"};

#define TASKS_CSV_HEADER "job_id,task,node,cpu_milli,memory_mb,gpu_milli,starting_time,finish_time"

struct hs_outputs {
    char *final[OUT_N];
    char *tmp[OUT_N];
    const hs_cluster *c;
    hs_run_facts facts;
    hs_metrics_sums sums;
    FILE *swf;
    FILE *jobs;
    FILE *tasks;    /* opened at the first job that ran as tasks */
    uint64_t ntasks;
    char *made_dir; /* the output folder when this run created it: a failed run removes it */
};

static char *join(const char *dir, const char *prefix, const char *name, const char *suffix)
{
    size_t n = strlen(dir) + strlen(prefix) + strlen(name) + strlen(suffix) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s%s%s", dir, prefix, name, suffix);
    return s;
}

/* Output i opened at its temporary name; an error names the file the user
 * will look for. */
static FILE *out_open(const hs_outputs *o, int i, hs_error *err)
{
    FILE *f = fopen(o->tmp[i], "w");
    if (!f)
        hs_error_set(err, o->final[i], 0, 0, "cannot write: %s", strerror(errno));
    return f;
}

static void outputs_free(hs_outputs *o)
{
    hs_metrics_sums_free(&o->sums);
    for (int i = 0; i < OUT_N; i++) {
        free(o->final[i]);
        free(o->tmp[i]);
    }
    free(o->made_dir);
    free(o);
}

void hs_outputs_abort(hs_outputs *o)
{
    if (!o)
        return;
    if (o->jobs)
        fclose(o->jobs);
    if (o->swf)
        fclose(o->swf);
    if (o->tasks)
        fclose(o->tasks);
    for (int i = 0; i < OUT_N; i++)
        if (o->tmp[i])
            unlink(o->tmp[i]);
    if (o->made_dir)
        rmdir(o->made_dir); /* only if empty: nothing of anyone else's goes */
    outputs_free(o);
}

static void write_swf_header(const hs_outputs *o, const hs_trace *t)
{
    FILE *f = o->swf;
    fprintf(f, "; hpcsim %s: simulated schedule of %s, policy %s, seed %llu\n", HPCSIM_VERSION, o->facts.trace_path,
            o->facts.policy, o->facts.seed);
    fprintf(f, "; hpcsim: wait, run time and allocated processors come from the simulation; status 1 = "
               "completed, 0 = killed at its requested time; other fields are the input's\n");
    for (size_t i = 0; i < t->header.ncomments; i++)
        fprintf(f, "%s\n", t->header.comments[i]);
}

hs_outputs *hs_outputs_open(const char *dir, const hs_trace *t, const hs_cluster *c, const hs_run_facts *facts,
                            hs_error *err)
{
    bool made = mkdir(dir, 0777) == 0;
    if (!made && errno != EEXIST) {
        hs_error_set(err, dir, 0, 0, "cannot create the output directory: %s", strerror(errno));
        return NULL;
    }
    hs_outputs *o = calloc(1, sizeof *o);
    if (!o || (made && !(o->made_dir = strdup(dir)))) {
        free(o);
        if (made)
            rmdir(dir);
        hs_error_set(err, dir, 0, 0, "out of memory");
        return NULL;
    }
    o->c = c;
    o->facts = *facts;
    for (int i = 0; i < OUT_N; i++)
        if (!(o->final[i] = join(dir, "", out_names[i], "")) || !(o->tmp[i] = join(dir, ".", out_names[i], ".tmp"))) {
            hs_error_set(err, dir, 0, 0, "out of memory");
            hs_outputs_abort(o);
            return NULL;
        }
    if (hs_metrics_begin(&o->sums, t->njobs) < 0) {
        hs_error_set(err, o->final[OUT_SUMMARY], 0, 0, "out of memory");
        hs_outputs_abort(o);
        return NULL;
    }
    if (!(o->jobs = out_open(o, OUT_JOBS, err)) || !(o->swf = out_open(o, OUT_SWF, err))) {
        hs_outputs_abort(o);
        return NULL;
    }
    fputs(HS_JOBS_CSV_HEADER "\n", o->jobs);
    write_swf_header(o, t);
    return o;
}

/* A row is built in memory and written once: one stdio call per row
 * instead of one per field. */
typedef struct row_buf {
    char text[HS_JOBS_ROW_MAX];
    size_t len;
} row_buf;

static void row_number(row_buf *r, double v, char sep)
{
    r->len += hs_format_number(r->text + r->len, v);
    r->text[r->len++] = sep;
}

/* One row per task: where it ran and what it held. */
static int write_tasks(hs_outputs *o, const hs_job *job, const uint32_t *nodes, hs_error *err)
{
    if (!o->tasks) {
        if (!(o->tasks = out_open(o, OUT_TASKS, err)))
            return -1;
        fputs(TASKS_CSV_HEADER "\n", o->tasks);
    }
    for (uint32_t i = 0; i < job->tasks; i++) {
        row_buf r = {.len = 0};
        row_number(&r, job->swf.f[HS_SWF_JOB_ID], ',');
        row_number(&r, i, ',');
        row_number(&r, nodes[i], ',');
        row_number(&r, (double)hs_job_task_share(job->cpu_milli, job->tasks, i), ',');
        row_number(&r, (double)hs_job_task_share(job->mem_mb, job->tasks, i), ',');
        row_number(&r, (double)hs_job_task_share(job->gpu_milli, job->tasks, i), ',');
        row_number(&r, job->start, ',');
        row_number(&r, job->end, '\n');
        fwrite(r.text, 1, r.len, o->tasks);
    }
    o->ntasks += job->tasks;
    if (ferror(o->tasks))
        return hs_error_set(err, o->final[OUT_TASKS], 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

int hs_outputs_job_end(void *ctx, const hs_engine *eng, const hs_job *job, const hs_intervals *alloc,
                       hs_error *err)
{
    hs_outputs *o = ctx;
    const uint32_t *nodes = hs_engine_job_task_nodes(eng, job);
    if (nodes && write_tasks(o, job, nodes, err) < 0)
        return -1;
    FILE *f = o->jobs;
    double exec = job->end - job->start, wait = job->start - job->submit, turnaround = job->end - job->submit;
    row_buf r = {.len = 0};
    row_number(&r, job->swf.f[HS_SWF_JOB_ID], ',');
    row_number(&r, job->submit, ',');
    row_number(&r, job->demand, ',');
    row_number(&r, job->req_time, ',');
    row_number(&r, job->start, ',');
    row_number(&r, exec, ',');
    row_number(&r, job->end, ',');
    row_number(&r, wait, ',');
    row_number(&r, turnaround, ',');
    if (exec > 0) /* Batsim's stretch: turnaround / execution; empty (NaN) for 0-length jobs */
        row_number(&r, turnaround / exec, ',');
    else
        r.text[r.len++] = ',';
    fwrite(r.text, 1, r.len, f);
    hs_intervals_write(alloc, f); /* unbounded length: straight to the file */
    fputs(job->state == HS_JOB_KILLED ? ",COMPLETED_WALLTIME_REACHED\n" : ",COMPLETED_SUCCESSFULLY\n", f);
    if (ferror(f))
        return hs_error_set(err, o->final[OUT_JOBS], 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

int hs_outputs_job_retire(void *ctx, const hs_job *j, hs_error *err)
{
    hs_outputs *o = ctx;
    const hs_cluster *c = o->c;
    hs_metrics_add(&o->sums, j, c);
    double fld[HS_SWF_NFIELDS];
    memcpy(fld, j->swf.f, sizeof fld);
    fld[HS_SWF_WAIT] = j->start - j->submit;
    fld[HS_SWF_RUN] = j->end - j->start;
    fld[HS_SWF_ALLOC_PROCS] = j->by_tasks ? (double)j->procs
                              : c->mode == HS_ALLOC_NODES
                                  ? (double)j->held * c->parts[j->partition].cores_per_node
                                  : (double)j->held;
    fld[HS_SWF_STATUS] = j->state == HS_JOB_KILLED ? 0 : 1;
    row_buf r = {.len = 0};
    for (int k = 0; k < HS_SWF_NFIELDS; k++)
        row_number(&r, fld[k], k + 1 < HS_SWF_NFIELDS ? ' ' : '\n');
    fwrite(r.text, 1, r.len, o->swf);
    if (ferror(o->swf))
        return hs_error_set(err, o->final[OUT_SWF], 0, 0, "cannot write: %s", strerror(errno));
    return 0;
}

static void csv_quoted(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static int write_rejected(const hs_outputs *o, const hs_trace *t, hs_error *err)
{
    FILE *f = out_open(o, OUT_REJECTED, err);
    if (!f)
        return -1;
    fputs("line,job_id,kind,reason\n", f);
    /* Both lists are in line order; merge them so the file is too. */
    uint32_t a = 0, b = 0;
    while (a < t->nskipped || b < t->nrejected) {
        bool skip = b >= t->nrejected || (a < t->nskipped && t->skipped[a].line < t->rejected[b].line);
        const hs_dropped *d = skip ? &t->skipped[a++] : &t->rejected[b++];
        fprintf(f, "%ld,", d->line);
        if (d->job_id >= 0)
            fprintf(f, "%ld", d->job_id);
        fprintf(f, ",%s,", skip ? "skipped" : "rejected");
        csv_quoted(f, d->reason);
        fputc('\n', f);
    }
    return hs_file_close(f, o->final[OUT_REJECTED], err);
}

static json_t *cluster_json(const hs_cluster *c, const char *source)
{
    json_t *parts = json_array();
    for (uint32_t p = 0; p < c->nparts; p++)
        json_array_append_new(parts, json_pack("{s:s, s:I}", "name", c->parts[p].name, "units",
                                               (json_int_t)c->parts[p].total_units));
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o}", "source", source, "name", c->name, "allocation",
                     hs_alloc_mode_name(c->mode), "nodes", (json_int_t)c->nnodes, "cores", (json_int_t)c->ncores,
                     "units", (json_int_t)c->nunits, "partitions", parts);
}

static int write_nodes(const hs_outputs *o, const hs_cluster *c, hs_error *err)
{
    FILE *f = out_open(o, OUT_NODES, err);
    if (!f)
        return -1;
    fputs("node,cpu_milli,memory_mb,gpu_milli\n", f);
    for (uint32_t n = 0; n < c->nnodes; n++) {
        hs_node_capacity cap;
        hs_cluster_node_capacity(c, n, &cap);
        fprintf(f, "%u,%llu,%llu,%llu\n", n, (unsigned long long)cap.cpu_milli, (unsigned long long)cap.mem_mb,
                (unsigned long long)cap.gpu_milli);
    }
    return hs_file_close(f, o->final[OUT_NODES], err);
}

static int write_summary(const hs_outputs *o, const hs_trace *t, const hs_metrics *mp, uint64_t ntasks,
                         hs_error *err)
{
    const hs_cluster *c = o->c;
    const hs_run_facts *facts = &o->facts;
    hs_metrics m = *mp;
    json_t *root = json_pack(
        "{s:i, s:s, s:s, s:o, s:s, s:I, s:b,"
        " s:{s:I, s:I, s:I, s:I, s:I, s:I},"
        " s:f, s:f, s:{s:f, s:f, s:f, s:f}, s:{s:f, s:f}}",
        "format", 1, "tool", "hpcsim " HPCSIM_VERSION, "trace", facts->trace_path, "cluster",
        cluster_json(c, facts->cluster_source), "policy", facts->policy, "seed", (json_int_t)facts->seed,
        "kill_at_requested_time", facts->kill_at_req_time, "jobs", "completed", (json_int_t)m.completed, "killed",
        (json_int_t)m.killed, "rejected", (json_int_t)m.rejected, "skipped", (json_int_t)m.skipped,
        "malformed_lines", (json_int_t)m.malformed, "requested_time_from_run_time",
        (json_int_t)t->req_time_from_runtime, "makespan", m.makespan, "utilization", m.utilization, "wait", "mean",
        m.wait_mean, "median", m.wait_median, "p95", m.wait_p95, "max", m.wait_max, "bounded_slowdown", "tau",
        HS_BSLD_TAU, "mean", m.bsld_mean);
    /* only node-exclusive policies hold more: other summaries stay as they were */
    if (root && m.held_beyond)
        json_object_set_new(json_object_get(root, "jobs"), "held_beyond_request",
                            json_integer((json_int_t)m.held_beyond));
    if (root && t->demand_from_memory) /* only where memory raised a demand: other summaries stay as they were */
        json_object_set_new(json_object_get(root, "jobs"), "demand_raised_for_memory",
                            json_integer((json_int_t)t->demand_from_memory));
    if (root && ntasks) /* only runs of tasks: other summaries stay as they were */
        json_object_set_new(root, "tasks", json_pack("{s:s, s:s, s:I}", "file", "tasks.csv", "nodes", "nodes.csv",
                                                     "count", (json_int_t)ntasks));
    if (root && facts->model_path)
        json_object_set_new(root, "model", json_pack("{s:s, s:s?}", "file", facts->model_path, "backend", facts->backend));
    if (!root)
        return hs_error_set(err, o->final[OUT_SUMMARY], 0, 0, "out of memory");
    FILE *f = out_open(o, OUT_SUMMARY, err);
    if (!f) {
        json_decref(root);
        return -1;
    }
    json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
    json_decref(root);
    return hs_file_close(f, o->final[OUT_SUMMARY], err);
}

int hs_outputs_finish(hs_outputs *o, const hs_trace *t, hs_metrics *m, hs_error *err)
{
    const hs_cluster *c = o->c;
    FILE *jobs = o->jobs, *swf = o->swf;
    o->jobs = o->swf = NULL;
    if (hs_file_close(jobs, o->final[OUT_JOBS], err) < 0 || hs_file_close(swf, o->final[OUT_SWF], err) < 0)
        return -1;
    hs_metrics_end(&o->sums, t, c, m);
    bool tasks = o->tasks != NULL;
    if (tasks) {
        FILE *f = o->tasks;
        o->tasks = NULL;
        if (hs_file_close(f, o->final[OUT_TASKS], err) < 0)
            return -1;
        if (write_nodes(o, c, err) < 0)
            return -1;
    }
    if (write_rejected(o, t, err) < 0 || write_summary(o, t, m, o->ntasks, err) < 0)
        return -1;
    for (int i = 0; i < OUT_N; i++)
        if ((tasks || (i != OUT_TASKS && i != OUT_NODES)) && rename(o->tmp[i], o->final[i]) < 0)
            return hs_error_set(err, o->final[i], 0, 0, "cannot rename into place: %s", strerror(errno));
    outputs_free(o);
    return 0;
}
