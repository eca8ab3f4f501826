/* Turns SWF records into jobs: the archive's missing-value rules, the
 * checks against the cluster, and the bookkeeping of every line that does
 * not become a simulated job (see trace.h for the rules). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/trace.h"

/* Open-addressing set of job ids. */
typedef struct id_set {
    long *slots;
    uint64_t cap, used;
} id_set;

#define ID_EMPTY (-2L)

static uint64_t id_hash(long id) { return (uint64_t)id * 0x9E3779B97F4A7C15ull; }

static int id_set_grow(id_set *s)
{
    uint64_t cap = s->cap ? s->cap * 2 : 1024;
    long *slots = malloc(cap * sizeof *slots);
    if (!slots)
        return -1;
    for (uint64_t i = 0; i < cap; i++)
        slots[i] = ID_EMPTY;
    for (uint64_t i = 0; i < s->cap; i++) {
        if (s->slots[i] == ID_EMPTY)
            continue;
        uint64_t h = id_hash(s->slots[i]) & (cap - 1);
        while (slots[h] != ID_EMPTY)
            h = (h + 1) & (cap - 1);
        slots[h] = s->slots[i];
    }
    free(s->slots);
    s->slots = slots;
    s->cap = cap;
    return 0;
}

/* 1 if added, 0 if already there, -1 on ENOMEM. */
static int id_set_add(id_set *s, long id)
{
    if ((s->used + 1) * 2 > s->cap && id_set_grow(s) < 0)
        return -1;
    uint64_t h = id_hash(id) & (s->cap - 1);
    while (s->slots[h] != ID_EMPTY) {
        if (s->slots[h] == id)
            return 0;
        h = (h + 1) & (s->cap - 1);
    }
    s->slots[h] = id;
    s->used++;
    return 1;
}

/* The job ids seen, to refuse duplicates: the outputs and the checker
 * identify jobs by id. Ids mostly come in increasing order, and those are
 * kept as ranges of consecutive ids (a trace numbered 1, 2, 3, ... is one
 * range); only an id below the largest seen goes to the hash set. So the
 * set grows with the gaps and the disorder of the numbering, not with the
 * length of the trace. */
typedef struct ids_seen {
    long (*range)[2]; /* [first, last], increasing and disjoint */
    size_t nranges, cap;
    id_set below; /* ids that came after a larger one */
} ids_seen;

static bool in_ranges(const ids_seen *s, long id)
{
    size_t lo = 0, hi = s->nranges;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->range[mid][1] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nranges && s->range[lo][0] <= id;
}

/* 1 if added, 0 if already there, -1 on ENOMEM. */
static int ids_add(ids_seen *s, long id)
{
    if (s->nranges && id <= s->range[s->nranges - 1][1])
        return in_ranges(s, id) ? 0 : id_set_add(&s->below, id);
    if (s->nranges && id == s->range[s->nranges - 1][1] + 1) {
        s->range[s->nranges - 1][1] = id;
        return 1;
    }
    if (s->nranges == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        long(*r)[2] = realloc(s->range, cap * sizeof *r);
        if (!r)
            return -1;
        s->range = r;
        s->cap = cap;
    }
    s->range[s->nranges][0] = s->range[s->nranges][1] = id;
    s->nranges++;
    return 1;
}

static void ids_free(ids_seen *s)
{
    free(s->range);
    free(s->below.slots);
    memset(s, 0, sizeof *s);
}

static void warn_line(const hs_trace_options *opt, uint32_t count, const char *path, long line,
                      const char *text)
{
    if (!opt || !opt->warn)
        return;
    if (opt->warn_limit == 0 || count <= opt->warn_limit)
        fprintf(opt->warn, "%s:%ld: %s (skipped)\n", path, line, text);
    else if (count == opt->warn_limit + 1)
        fprintf(opt->warn, "%s: further skipped lines are not shown; rejected.csv lists them all\n", path);
}

int hs_trace_read_header(const char *path, hs_swf_header *h, hs_error *err)
{
    hs_swf_reader *r = hs_swf_open(path, err);
    if (!r)
        return -1;
    hs_swf_record rec;
    hs_error ignored;
    /* One call reads the leading comment block up to the first data line;
     * a bad data line does not matter here, a damaged file does. */
    if (hs_swf_next(r, &rec, &ignored) == HS_SWF_IO_ERROR) {
        *err = ignored;
        hs_swf_close(r);
        return -1;
    }
    const hs_swf_header *src = hs_swf_header_of(r);
    *h = *src;
    h->comments = NULL;
    h->ncomments = 0;
    hs_swf_close(r);
    return 0;
}

/* Applies the missing-value rules to one record. Returns NULL when the
 * job is usable, else the reason it is not. */
static const char *apply_rules(hs_job *j, int *req_time_filled)
{
    const double *f = j->swf.f;
    *req_time_filled = 0;
    if (f[HS_SWF_SUBMIT] < 0)
        return "field 2 (submit_time): unknown (-1), the job cannot be placed in time";
    if (f[HS_SWF_RUN] < 0)
        return "field 4 (run_time): unknown (-1), the job's length is unknown";
    /* Counts are rounded to the nearest whole processor; one that rounds
     * to 0 (0.4) counts as 0, so that no job asks for nothing. */
    double req = f[HS_SWF_REQ_PROCS] + 0.5, alloc = f[HS_SWF_ALLOC_PROCS] + 0.5;
    double procs = req >= 1 ? req : alloc;
    if (procs < 1)
        return "fields 8 and 5 (requested_processors, allocated_processors): both unknown or 0";
    if (procs - 0.5 > 4e9)
        return "field 8 (requested_processors): larger than any cluster this simulator models";
    /* memory in MB = kB per processor × processors / 1024: a whole number a
     * double holds exactly, as every count must */
    if (f[HS_SWF_REQ_MEM] > 0 && f[HS_SWF_REQ_MEM] * (procs - 0.5) / 1024 > 9007199254740992.0)
        return "field 10 (requested_memory): larger than any cluster this simulator models";
    j->submit = f[HS_SWF_SUBMIT];
    j->runtime = f[HS_SWF_RUN];
    j->procs = (uint64_t)procs;
    if (f[HS_SWF_REQ_TIME] >= 0) {
        j->req_time = f[HS_SWF_REQ_TIME];
    } else {
        j->req_time = j->runtime;
        *req_time_filled = 1;
    }
    return NULL;
}

/* The job's memory in MB: SWF field 10 (kB per processor) times its
 * processors, rounded up; 0 when not requested (-1). */
static uint64_t requested_memory(const hs_job *j)
{
    double kb = j->swf.f[HS_SWF_REQ_MEM];
    return kb > 0 ? (uint64_t)ceil(kb * (double)j->procs / 1024) : 0;
}

/* A job as tasks (docs/replay.md "Tasks"): one per node it asks for
 * when the cluster allocates nodes (each asking for the whole node's
 * cores), else one per node's worth of cores (ceil(procs / cores per
 * node), the nodes of the partition's most numerous group where they
 * differ) sharing its processors; SWF field 10 (kB per processor) gives
 * the memory. */
static void set_tasks(hs_job *j, const hs_cluster *c)
{
    const hs_partition *part = &c->parts[j->partition];
    uint32_t cpn = part->cores_per_node, most = 0;
    if (!cpn) /* nodes that differ: those of its most numerous group */
        for (uint32_t g = 0; g < c->ngroups; g++)
            if (c->groups[g].partition == j->partition && c->groups[g].count > most) {
                most = c->groups[g].count;
                cpn = c->groups[g].cores;
            }
    if (c->mode == HS_ALLOC_NODES) {
        j->tasks = j->demand;
        j->cpu_milli = (uint64_t)j->demand * cpn * 1000;
    } else {
        j->tasks = (uint32_t)((j->procs + cpn - 1) / cpn);
        j->cpu_milli = j->procs * 1000;
    }
    j->mem_mb = requested_memory(j);
    j->gpu_milli = 0;
}

/* How many of its tasks one empty node of group g holds, counting each
 * as the largest (shares round up first): tasks are otherwise alike. */
static uint64_t tasks_per_node(const hs_job *j, const hs_node_group *g)
{
    uint64_t cpu = hs_job_task_share(j->cpu_milli, j->tasks, 0), mem = hs_job_task_share(j->mem_mb, j->tasks, 0),
             gpu = hs_job_task_share(j->gpu_milli, j->tasks, 0);
    uint64_t n = cpu ? (uint64_t)g->cores * 1000 / cpu : UINT64_MAX;
    if (mem && g->memory_mb && g->memory_mb / mem < n)
        n = g->memory_mb / mem;
    if (gpu && (uint64_t)g->gpus * 1000 / gpu < n)
        n = (uint64_t)g->gpus * 1000 / gpu;
    return n;
}

/* All its tasks fit the empty nodes of its partition at once: else a
 * gang of them could never start. Returns how many fit (capped). */
static uint64_t tasks_fitting(const hs_job *j, const hs_cluster *c)
{
    uint64_t total = 0;
    for (uint32_t g = 0; g < c->ngroups && total < j->tasks; g++) {
        const hs_node_group *ng = &c->groups[g];
        if (ng->partition != j->partition)
            continue;
        uint64_t per = tasks_per_node(j, ng);
        total += per >= j->tasks ? j->tasks : per * ng->count;
    }
    return total < j->tasks ? total : j->tasks;
}

/* One reading of the file. The first reading of a trace records what it
 * drops (skipped and rejected lines, counts, warnings); a streamed
 * trace's second reading takes the same decisions again, silently, and
 * keeps the jobs. */
typedef struct loader {
    hs_swf_reader *r;
    ids_seen ids;
    const hs_cluster *cluster;
    const hs_trace_options *opt;
    hs_trace *t;
    const char *path;
    bool record;
} loader;

struct hs_trace_stream {
    loader l;
    uint32_t loaded;   /* jobs read so far */
    uint32_t released; /* chunks freed so far, from the first */
};

static int drop(loader *l, hs_dropped **list, uint32_t *n, long line, long job_id, const char *fmt, ...)
{
    if (!l->record)
        return 0;
    hs_dropped *d = realloc(*list, (*n + 1) * sizeof *d);
    if (!d)
        return -1;
    *list = d;
    char buf[HS_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    d[*n].line = line;
    d[*n].job_id = job_id;
    if (!(d[*n].reason = strdup(buf)))
        return -1;
    (*n)++;
    return 0;
}

/* A line that does not become a job: listed, counted, and shown. */
static int skip(loader *l, long line, long job_id, bool malformed, const char *text)
{
    if (!l->record)
        return 0;
    hs_trace *t = l->t;
    t->nmalformed += malformed;
    if (drop(l, &t->skipped, &t->nskipped, line, job_id, "%s", text) < 0)
        return -1;
    warn_line(l->opt, t->nskipped, l->path, line, text);
    return 0;
}

#define NOMEM (-2)

/* Reads up to the next accepted job into *j: 1, or 0 at the end of the
 * file, -1 with err set, NOMEM. */
static int next_job(loader *l, hs_job *j, hs_error *err)
{
    const hs_trace_options *opt = l->opt;
    const hs_cluster *cluster = l->cluster;
    hs_trace *t = l->t;
    for (;;) {
        memset(j, 0, sizeof *j);
        hs_error lerr;
        enum hs_swf_status st = hs_swf_next(l->r, &j->swf, &lerr);
        if (st == HS_SWF_EOF)
            return 0;
        if (st == HS_SWF_IO_ERROR) {
            *err = lerr;
            return -1;
        }
        if (st == HS_SWF_BAD_LINE) {
            if (opt && opt->strict) {
                *err = lerr;
                return -1;
            }
            if (skip(l, lerr.line, -1, true, lerr.text) < 0)
                return NOMEM;
            continue;
        }
        long id = (long)j->swf.f[HS_SWF_JOB_ID];
        int added = ids_add(&l->ids, id);
        if (added < 0)
            return NOMEM;
        if (!added) {
            char text[96];
            snprintf(text, sizeof text, "field 1 (job_id): duplicate job id %ld", id);
            if (opt && opt->strict)
                return hs_error_set(err, l->path, j->swf.line, 0, "%s", text);
            if (skip(l, j->swf.line, id, true, text) < 0)
                return NOMEM;
            continue;
        }
        int filled;
        const char *why = apply_rules(j, &filled);
        if (why) {
            if (skip(l, j->swf.line, id, false, why) < 0)
                return NOMEM;
            continue;
        }
        if (cluster) {
            uint32_t p = hs_cluster_route(cluster, (long)j->swf.f[HS_SWF_PARTITION]);
            int raised = 0;
            uint64_t demand = opt && opt->memory_as_units
                                  ? hs_cluster_demand_memory(cluster, p, j->procs, requested_memory(j), &raised)
                                  : hs_cluster_demand(cluster, p, j->procs);
            const hs_partition *part = &cluster->parts[p];
            if (demand > part->total_units) {
                if (drop(l, &t->rejected, &t->nrejected, j->swf.line, id, "needs %llu %s%s, partition '%s' has %llu",
                         (unsigned long long)demand, cluster->mode == HS_ALLOC_NODES ? "nodes" : "cores",
                         raised ? " for its memory" : "", part->name, (unsigned long long)part->total_units) < 0)
                    return NOMEM;
                continue;
            }
            if (l->record)
                t->demand_from_memory += (uint32_t)raised;
            j->partition = p;
            j->demand = (uint32_t)demand;
            if (j->swf.pod) { /* one task asking exactly what the pod asked */
                j->tasks = 1;
                j->cpu_milli = j->swf.pod_cpu_milli;
                j->mem_mb = j->swf.pod_mem_mb;
                j->gpu_milli = j->swf.pod_gpu_milli;
            } else {
                set_tasks(j, cluster);
            }
            uint64_t fitting = opt && opt->tasks_must_fit ? tasks_fitting(j, cluster) : j->tasks;
            if (fitting < j->tasks) {
                if (drop(l, &t->rejected, &t->nrejected, j->swf.line, id,
                         "its %u tasks of %llu milli-CPU, %llu MB, %llu milli-GPU each cannot all be placed "
                         "at once on partition '%s', even empty (%llu fit)", j->tasks,
                         (unsigned long long)hs_job_task_share(j->cpu_milli, j->tasks, 0),
                         (unsigned long long)hs_job_task_share(j->mem_mb, j->tasks, 0),
                         (unsigned long long)hs_job_task_share(j->gpu_milli, j->tasks, 0), part->name,
                         (unsigned long long)fitting) < 0)
                    return NOMEM;
                continue;
            }
            char why_not[160];
            if (opt && opt->accept && !opt->accept(opt->accept_ctx, j, why_not, sizeof why_not)) {
                if (drop(l, &t->rejected, &t->nrejected, j->swf.line, id, "%s", why_not) < 0)
                    return NOMEM;
                continue;
            }
        }
        if (l->record)
            t->req_time_from_runtime += (uint32_t)filled;
        j->state = HS_JOB_SUBMITTED;
        return 1;
    }
}

static int loader_open(loader *l, hs_trace *t, const char *path, const hs_cluster *cluster,
                       const hs_trace_options *opt, bool record, hs_error *err)
{
    memset(l, 0, sizeof *l);
    if (!(l->r = hs_swf_open(path, err)))
        return -1;
    l->cluster = cluster;
    l->opt = opt;
    l->t = t;
    l->path = path;
    l->record = record;
    return 0;
}

static void loader_close(loader *l)
{
    hs_swf_close(l->r);
    ids_free(&l->ids);
    l->r = NULL;
}

/* The header's comments move from the reader to the trace. */
static void take_header(hs_trace *t, loader *l)
{
    hs_swf_header *h = (hs_swf_header *)hs_swf_header_of(l->r);
    t->header = *h;
    h->comments = NULL;
    h->ncomments = 0;
}

static uint32_t nchunks(uint32_t njobs) { return (njobs + HS_JOB_CHUNK - 1) / HS_JOB_CHUNK; }

static void free_jobs(hs_trace *t)
{
    if (t->stream) { /* chunks not read yet are NULL; one cut by an error is freed too */
        for (uint32_t c = t->stream->released; t->chunk && c < nchunks(t->njobs); c++)
            free(t->chunk[c]);
        loader_close(&t->stream->l);
        free(t->stream);
        t->stream = NULL;
    }
    free(t->jobs);
    free(t->chunk);
    t->jobs = NULL;
    t->chunk = NULL;
}

void hs_trace_free(hs_trace *t)
{
    free_jobs(t);
    free(t->path);
    hs_swf_header_free(&t->header);
    for (uint32_t i = 0; i < t->nskipped; i++)
        free(t->skipped[i].reason);
    free(t->skipped);
    for (uint32_t i = 0; i < t->nrejected; i++)
        free(t->rejected[i].reason);
    free(t->rejected);
    memset(t, 0, sizeof *t);
}

/* Reads every job into one array. */
static int load_whole(hs_trace *t, loader *l, hs_error *err)
{
    uint32_t cap = 0;
    for (;;) {
        if (t->njobs == cap) {
            if (cap == UINT32_MAX)
                return hs_error_set(err, l->path, 0, 0, "more than %u jobs", UINT32_MAX - 1);
            cap = cap ? (cap > UINT32_MAX / 2 ? UINT32_MAX : cap * 2) : 64; /* small traces (and fuzz inputs) stay small */
            hs_job *jobs = realloc(t->jobs, (size_t)cap * sizeof *jobs);
            if (!jobs)
                return NOMEM;
            t->jobs = jobs;
        }
        hs_job *j = &t->jobs[t->njobs];
        int rc = next_job(l, j, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            break;
        j->index = t->njobs++;
    }
    if (!(t->chunk = malloc((nchunks(t->njobs) + 1) * sizeof *t->chunk)))
        return NOMEM;
    for (uint32_t c = 0; c < nchunks(t->njobs); c++)
        t->chunk[c] = t->jobs + (size_t)c * HS_JOB_CHUNK;
    t->pods = t->njobs && t->jobs[0].swf.pod;
    return 0;
}

/* The first reading of a streamed trace: every decision recorded, jobs
 * counted, none kept. Sets *sorted when submit times never decrease. */
static int count_jobs(hs_trace *t, loader *l, bool *sorted, hs_error *err)
{
    hs_job j;
    double last = -INFINITY;
    *sorted = true;
    for (;;) {
        int rc = next_job(l, &j, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return 0;
        if (t->njobs == UINT32_MAX - 1)
            return hs_error_set(err, l->path, 0, 0, "more than %u jobs", UINT32_MAX - 1);
        if (t->njobs == 0)
            t->pods = j.swf.pod;
        *sorted = *sorted && j.submit >= last;
        last = j.submit;
        t->njobs++;
    }
}

int hs_trace_need(hs_trace *t, uint32_t i, hs_error *err)
{
    struct hs_trace_stream *s = t->stream;
    while (s && i >= s->loaded && s->loaded < t->njobs) {
        uint32_t c = s->loaded / HS_JOB_CHUNK, left = t->njobs - s->loaded;
        /* the last chunk only as large as the jobs left (small traces stay small) */
        if (!(t->chunk[c] = malloc((left < HS_JOB_CHUNK ? left : HS_JOB_CHUNK) * sizeof **t->chunk)))
            return hs_error_set(err, NULL, 0, 0, "out of memory");
        for (uint32_t k = 0; k < HS_JOB_CHUNK && s->loaded < t->njobs; k++) {
            hs_job *j = &t->chunk[c][k];
            int rc = next_job(&s->l, j, err);
            if (rc == NOMEM)
                return hs_error_set(err, NULL, 0, 0, "out of memory");
            if (rc < 0)
                return -1;
            if (rc == 0)
                return hs_error_set(err, t->path, 0, 0, "the trace changed while it was replayed (%u jobs, then %u)",
                                    t->njobs, s->loaded);
            j->index = s->loaded++;
        }
    }
    return 0;
}

void hs_trace_release(hs_trace *t, uint32_t below)
{
    struct hs_trace_stream *s = t->stream;
    while (s && (s->released + 1) * HS_JOB_CHUNK <= below && s->released * HS_JOB_CHUNK < s->loaded) {
        free(t->chunk[s->released]);
        t->chunk[s->released++] = NULL;
    }
}

int hs_trace_load(hs_trace *t, const char *path, const hs_cluster *cluster,
                  const hs_trace_options *opt, hs_error *err)
{
    memset(t, 0, sizeof *t);
    loader l;
    if (loader_open(&l, t, path, cluster, opt, true, err) < 0)
        return -1;
    int rc = (t->path = strdup(path)) ? 0 : NOMEM;
    bool sorted = false;
    if (rc == 0 && opt && opt->stream) {
        if ((rc = count_jobs(t, &l, &sorted, err)) == 0) {
            take_header(t, &l);
            if (!sorted) { /* read whole: arrivals need sorting */
                loader_close(&l);
                t->njobs = 0;
                if (loader_open(&l, t, t->path, cluster, opt, false, err) < 0)
                    rc = -1;
                else
                    rc = load_whole(t, &l, err);
            } else if (!(t->stream = calloc(1, sizeof *t->stream)) ||
                       !(t->chunk = calloc(nchunks(t->njobs) + 1, sizeof *t->chunk))) {
                rc = NOMEM;
            } else if (loader_open(&t->stream->l, t, t->path, cluster, opt, false, err) < 0) {
                rc = -1;
            }
        }
    } else if (rc == 0 && (rc = load_whole(t, &l, err)) == 0) {
        take_header(t, &l);
    }
    loader_close(&l);
    if (rc == NOMEM)
        hs_error_set(err, path, 0, 0, "out of memory");
    if (rc < 0)
        hs_trace_free(t);
    return rc < 0 ? -1 : 0;
}
