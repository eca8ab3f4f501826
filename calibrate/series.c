/* Running a plan (series.h). Each block: place 1 + k nodes per backend,
 * start the k co-runners' stressors and the host stressors paused, then
 * run the block's shuffled off/on runs, resuming the stressors that belong
 * to the measured backend for "on" runs; log each run; mark the block
 * done; tear down. A kill at any moment leaves a log whose incomplete
 * block is simply run again by --resume, and a state file from which
 * `cleanup` removes every container, process and file. */
#define _GNU_SOURCE
#include "series.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "hostinfo.h"
#include "runs.h"

#define MAX_NODES 64

typedef struct stressor {
    const hc_backend_ops *b;
    hc_node node;
    pid_t pid;
    int backend; /* index of the backend it loads; -1 for host load (every backend) */
} stressor;

typedef struct block_ctx {
    const hc_plan *p;
    const hc_series_options *o;
    hc_state *state;
    const char *run_id;
    unsigned seq;
    hc_placement place;
    hc_node measured[HC_LIST_MAX];
    stressor st[MAX_NODES];
    unsigned nst;
    json_t *host;
    int log; /* measurements.jsonl, opened to append (no stdio buffer: a record is written whole or cut off) */
} block_ctx;

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void settle(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* A node of the block's placement (place = NULL: a host load generator
 * on the CPUs of cpuset). */
static void node_init(hc_node *n, block_ctx *c, const char *tag, unsigned i, const hc_node_place *place,
                      const char *cpuset)
{
    memset(n, 0, sizeof *n);
    snprintf(n->name, sizeof n->name, HC_NAME_PREFIX "%s-%u-%s%u", c->run_id, c->seq, tag, i);
    const char *cpus = place ? place->cpuset : cpuset;
    snprintf(n->cpuset, sizeof n->cpuset, "%s", cpus ? cpus : "");
    n->numa = place ? place->numa : -1;
    n->state = c->state;
    n->place = place;
    n->layout = c->place.layout;
    n->emulator_cpuset = hc_place_emulator(&c->place, place);
}

/* The CPUs host load may use, highest first: those no node holds
 * (pinned layouts), or the nodes' whole pool (def, where nodes float). */
static unsigned host_cpus(const block_ctx *c, unsigned *cpus, unsigned cap)
{
    const char *list = c->place.layout == HC_LAYOUT_DEF ? c->place.nodes[0].cpuset : c->place.remaining;
    int got = hc_cpulist_parse(list, cpus, cap); /* made by hc_cpulist: always well formed */
    unsigned n = got > 0 ? (unsigned)got : 0;
    for (unsigned i = 0; i < n / 2; i++) { /* highest first: away from the nodes */
        unsigned tmp = cpus[i];
        cpus[i] = cpus[n - 1 - i];
        cpus[n - 1 - i] = tmp;
    }
    return n;
}

static void teardown_block(block_ctx *c)
{
    for (unsigned i = 0; i < c->nst; i++) {
        stressor *s = &c->st[i];
        /* Thaw, kill and reap the stressor before its node goes: a process
         * attached to a container is our child inside the container's PID
         * namespace, and that namespace cannot end (so the container
         * cannot stop) until we have reaped it. */
        if (s->pid > 0) {
            s->b->set_running(&s->node, s->pid, 1);
            if (s->b == &hc_backend_native)
                kill(-s->pid, SIGKILL); /* its whole group */
            kill(s->pid, SIGKILL);      /* and itself, so the wait below always ends */
            waitpid(s->pid, NULL, 0);
        }
        s->b->teardown(&s->node);
        s->pid = 0;
    }
    c->nst = 0;
    for (unsigned b = 0; b < c->p->cfg.nbackends; b++)
        if (c->measured[b].name[0]) {
            hc_backend_find(c->p->cfg.backends[b])->teardown(&c->measured[b]);
            c->measured[b].name[0] = '\0';
        }
    hc_placement_free(&c->place);
}

static int start_stressor(block_ctx *c, const hc_backend_ops *b, int backend, const hc_node_place *place,
                          const char *cpuset, const char *kind, hs_error *err)
{
    if (c->nst == MAX_NODES)
        return hs_error_set(err, "plan", 0, 0, "more than %d load generators in one block", MAX_NODES);
    stressor *s = &c->st[c->nst];
    memset(s, 0, sizeof *s);
    s->b = b;
    s->backend = backend;
    node_init(&s->node, c, backend < 0 ? "h" : "s", c->nst, place, cpuset);
    if (b->prepare(&s->node, err) < 0) {
        b->teardown(&s->node);
        return -1;
    }
    c->nst++;
    char file[700] = "";
    char *argv[6] = {(char *)c->o->bench_bin, "stress", NULL, NULL, NULL, NULL};
    char kindarg[32];
    snprintf(kindarg, sizeof kindarg, "kind=%s", kind);
    argv[2] = kindarg;
    if (strcmp(kind, "disk") == 0) {
        snprintf(file, sizeof file, "file=%s/%s.stress", c->state->workdir, s->node.name);
        if (hc_state_note_file(c->state, file + 5) < 0)
            return hs_error_set(err, c->state->path, 0, 0, "cannot record %s", file + 5);
        argv[3] = file;
    }
    if (b->spawn(&s->node, argv, &s->pid, err) < 0)
        return -1;
    return b->set_running(&s->node, s->pid, 0) < 0 ? hs_error_set(err, s->node.name, 0, 0, "cannot pause its load") : 0;
}

static void set_load(block_ctx *c, int backend, int on)
{
    for (unsigned i = 0; i < c->nst; i++) {
        stressor *s = &c->st[i];
        s->b->set_running(&s->node, s->pid, on && (s->backend < 0 || s->backend == backend));
    }
}

/* Runs the measured benchmark once; result is the benchmark's JSON object. */
static json_t *measure_once(block_ctx *c, unsigned backend, const char *bench, double seconds, hs_error *err)
{
    const hc_backend_ops *b = hc_backend_find(c->p->cfg.backends[backend]);
    if (strcmp(bench, "launch") == 0) {
        hc_node n;
        node_init(&n, c, "L", backend, &c->place.nodes[0], NULL);
        double s, ready = -1;
        if (b->launch ? b->launch(&n, &ready, &s, err) < 0 : hc_launch_latency(b, &n, &s, err) < 0)
            return NULL;
        /* value: a whole node life (create, run a no-op, be gone), the one
         * figure every backend can give; ready_ms where it is known */
        json_t *r = json_pack("{s:s, s:s, s:f, s:s, s:b}", "bench", "launch", "metric", "launch_latency", "value",
                              s * 1e3, "unit", "ms", "higher_is_better", 0);
        if (r && ready >= 0)
            json_object_set_new(r, "ready_ms", json_real(ready * 1e3));
        char facts[256];
        json_error_t jerr;
        json_t *f = b->describe ? (b->describe(facts, sizeof facts), json_loads(facts, 0, &jerr)) : NULL;
        if (r && f)
            json_object_update(r, f);
        json_decref(f);
        return r;
    }
    char secs[32], file[700];
    snprintf(secs, sizeof secs, "seconds=%g", seconds);
    char *argv[6] = {(char *)c->o->bench_bin, (char *)bench, secs, NULL, NULL, NULL};
    if (strcmp(bench, "disk") == 0) {
        snprintf(file, sizeof file, "file=%s/%s.disk", c->state->workdir, c->measured[backend].name);
        if (hc_state_note_file(c->state, file + 5) < 0) {
            hs_error_set(err, c->state->path, 0, 0, "cannot record %s", file + 5);
            return NULL;
        }
        argv[3] = file;
    }
    char out[8192];
    int status = b->run(&c->measured[backend], argv, 60 + 4 * c->p->cfg.seconds, out, sizeof out, err);
    if (status < 0)
        return NULL;
    json_error_t jerr;
    json_t *r = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!r || !json_is_number(json_object_get(r, "value"))) {
        const char *why = r && json_is_string(json_object_get(r, "error")) ? json_string_value(json_object_get(r, "error"))
                                                                            : "no result line";
        hs_error_set(err, c->measured[backend].name, 0, 0, "%s %s: %s (exit status %d)", c->p->cfg.backends[backend],
                     bench, why, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        json_decref(r);
        return NULL;
    }
    return r;
}

/* One record, whole or not at all: a write that fails half-way (a full
 * disk) is cut back off, so that the log only ever ends in a whole line or,
 * after a kill -9, in one cut line that log_open_for_append removes. */
static int log_line(block_ctx *c, json_t *line, hs_error *err)
{
    char *text = json_dumps(line, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(line);
    if (!text)
        return hs_error_set(err, c->o->workdir, 0, 0, "out of memory");
    size_t len = strlen(text), done = 0;
    text[len++] = '\n'; /* over the NUL: the line is written as one piece */
    off_t before = lseek(c->log, 0, SEEK_END);
    ssize_t w = 0;
    while (done < len && (w = write(c->log, text + done, len - done)) > 0)
        done += (size_t)w;
    if (done < len || fsync(c->log) < 0) {
        int why = w == 0 ? ENOSPC : errno;
        free(text);
        if (before >= 0 && ftruncate(c->log, before) < 0)
            why = errno;
        return hs_error_set(err, c->o->workdir, 0, 0, "cannot append to measurements.jsonl: %s", strerror(why));
    }
    free(text);
    return 0;
}

/* The log, opened to append to (created 0600; a planted link is refused).
 * A line cut by a kill -9 is removed first: appended to, it would swallow
 * the next record. */
static int log_open_for_append(const char *path, hs_error *err)
{
    int fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return hs_error_set(err, path, 0, 0, "cannot open for appending: %s", strerror(errno));
    off_t end = lseek(fd, 0, SEEK_END), keep = end;
    char buf[4096];
    while (keep > 0) { /* back to just after the last newline */
        off_t from = keep > (off_t)sizeof buf ? keep - (off_t)sizeof buf : 0;
        if (pread(fd, buf, (size_t)(keep - from), from) != keep - from) {
            keep = end; /* unreadable: left as it is */
            break;
        }
        off_t i = keep - from;
        while (i > 0 && buf[i - 1] != '\n')
            i--;
        if (i > 0) {
            keep = from + i;
            break;
        }
        keep = from;
    }
    if (keep < end && ftruncate(fd, keep) < 0) {
        hs_error_set(err, path, 0, 0, "cannot remove the line a kill cut: %s", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int run_block(block_ctx *c, const hc_topology *t, unsigned bi, hs_error *err)
{
    const hc_plan *p = c->p;
    const hc_block *blk = &p->blocks[bi];
    const hc_point *pt = &p->points[blk->point];
    const char *bench = p->cfg.benches[pt->bench];
    hc_place_request req = {1 + pt->k, p->cfg.vcpus, pt->layout, p->cfg.housekeeping, 0};
    if (hc_place(t, &req, &c->place, err) < 0)
        return -1;
    /* host load: none, half or all of the CPUs left (one CPU hog each) */
    unsigned cpus[1024];
    unsigned avail = host_cpus(c, cpus, 1024);
    unsigned nhost = pt->level == HC_HOST_IDLE ? 0 : pt->level == HC_HOST_HALF ? (avail + 1) / 2 : avail;
    int rc = -1;
    for (unsigned b = 0; b < p->cfg.nbackends; b++) {
        const hc_backend_ops *ops = hc_backend_find(p->cfg.backends[b]);
        node_init(&c->measured[b], c, "m", b, &c->place.nodes[0], NULL);
        if (strcmp(bench, "launch") != 0 && ops->prepare(&c->measured[b], err) < 0)
            goto out;
        for (unsigned j = 1; j <= pt->k; j++)
            if (start_stressor(c, ops, (int)b, &c->place.nodes[j], NULL, p->cfg.kinds[pt->kind], err) < 0)
                goto out;
    }
    for (unsigned h = 0; h < nhost; h++) {
        char one[16];
        snprintf(one, sizeof one, "%u", cpus[h]);
        if (start_stressor(c, &hc_backend_native, -1, NULL, one, "cpu", err) < 0)
            goto out;
    }
    char hostload[1024];
    hc_cpulist(cpus, nhost, hostload, sizeof hostload);
    /* Warm-up: every node is new in every block; its first run pays for
     * cold caches and first-touch page faults. One short run per backend,
     * load off, logged as such and left out of the report. */
    for (unsigned b = 0; b < p->cfg.nbackends; b++) {
        json_t *res = measure_once(c, b, bench, p->cfg.seconds < 0.2 ? p->cfg.seconds : 0.2, err);
        if (!res)
            goto out;
        json_t *line = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "plan", p->digest, "run_id", c->run_id, "block",
                                 blk->id, "backend", p->cfg.backends[b], "warmup", 1, "result", res);
        if (!line || log_line(c, line, err) < 0)
            goto out;
    }
    unsigned order[2 * HC_LIST_MAX];
    hc_plan_run_order(p, bi, order);
    for (unsigned r = 0; r < 2 * p->cfg.nbackends; r++) {
        if (hc_stop_requested) {
            hs_error_set(err, "run", 0, 0, "interrupted");
            goto out;
        }
        unsigned b = order[r] / 2;
        int on = order[r] & 1;
        set_load(c, (int)b, on);
        if (on && c->nst > 0)
            settle(0.1); /* let the load reach its steady state */
        double t0 = wall();
        json_t *res = measure_once(c, b, bench, p->cfg.seconds, err);
        double t1 = wall();
        set_load(c, -2, 0);
        if (!res)
            goto out;
        json_t *corunners = json_array();
        for (unsigned j = 1; j <= pt->k; j++)
            json_array_append_new(corunners, json_string(c->place.nodes[j].cpuset));
        json_t *line = json_pack(
            "{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:i, s:s,"
            " s:{s:s, s:i, s:s, s:i, s:s}, s:{s:s, s:o, s:s}, s:f, s:f, s:o, s:O}",
            "tool", "hpcsim-calibrate " HPCSIM_VERSION, "plan", p->digest, "run_id", c->run_id, "block", blk->id,
            "point", pt->id, "rep", (int)blk->rep, "backend", p->cfg.backends[b], "layout", hc_layout_name(pt->layout),
            "bench", bench, "vcpus", (int)p->cfg.vcpus, "load_state", on ? "on" : "off", "load", "kind",
            pt->kind < 0 ? "none" : p->cfg.kinds[pt->kind], "k", (int)pt->k, "host", hc_host_level_name(pt->level),
            "host_stressors", (int)nhost, "host_cpus", hostload, "cpus", "node", c->place.nodes[0].cpuset,
            "co_runners", corunners, "housekeeping", c->place.housekeeping, "t_start", t0, "t_end", t1, "result", res,
            "host", c->host);
        if (!line || log_line(c, line, err) < 0)
            goto out;
    }
    rc = log_line(c, json_pack("{s:s, s:s, s:s, s:b, s:f}", "plan", p->digest, "run_id", c->run_id, "block", blk->id,
                               "block_done", 1, "t_end", wall()),
                  err);
out:
    teardown_block(c);
    return rc;
}

static void progress(unsigned done, unsigned total, double started, double est_left)
{
    int width = 30, fill = total ? (int)((double)width * done / total) : width;
    double elapsed = wall() - started;
    double left = done > 0 ? elapsed / done * (total - done) : est_left;
    fprintf(stderr, "\r[%.*s%*s] %u/%u blocks, ETA %dm%02ds ", fill, "##############################", width - fill,
            "", done, total, (int)left / 60, (int)left % 60);
    fflush(stderr);
}

int hc_series_run(const hc_plan *p, const hc_topology *t, const hc_series_options *o, hs_error *err)
{
    hc_state state;
    if (hc_state_open(&state, o->workdir, err) < 0)
        return -1;
    char log_path[700];
    snprintf(log_path, sizeof log_path, "%s/measurements.jsonl", o->workdir);
    char **done = NULL;
    unsigned ndone = 0;
    if (hc_runs_done_blocks(log_path, p->digest, &done, &ndone, err) < 0) {
        hc_state_close(&state);
        return -1;
    }
    FILE *existing = fopen(log_path, "r");
    int has_log = existing && fgetc(existing) != EOF;
    if (existing)
        fclose(existing);
    if (has_log && !o->resume) {
        for (unsigned i = 0; i < ndone; i++)
            free(done[i]);
        free(done);
        hc_state_close(&state);
        return hs_error_set(err, log_path, 0, 0, "exists: add --resume to continue it, or use another --workdir");
    }
    block_ctx c = {.p = p, .o = o, .state = &state, .log = -1};
    char run_id[16];
    snprintf(run_id, sizeof run_id, "%06x", (unsigned)((unsigned)time(NULL) ^ ((unsigned)getpid() << 8)) & 0xffffff);
    c.run_id = run_id;
    c.host = hc_host_facts(t);
    int rc = 0;
    if (!c.host) {
        rc = hs_error_set(err, log_path, 0, 0, "out of memory");
        goto out;
    }
    if ((c.log = log_open_for_append(log_path, err)) < 0) {
        rc = -1;
        goto out;
    }
    unsigned todo = 0, ran = 0;
    for (unsigned b = 0; b < p->nblocks; b++) {
        int is_done = 0;
        for (unsigned i = 0; i < ndone && !is_done; i++)
            is_done = strcmp(done[i], p->blocks[b].id) == 0;
        todo += !is_done;
    }
    double started = wall(), est = hc_plan_estimate(p) * todo / (p->nblocks ? p->nblocks : 1);
    for (unsigned b = 0; b < p->nblocks && rc == 0; b++) {
        int is_done = 0;
        for (unsigned i = 0; i < ndone && !is_done; i++)
            is_done = strcmp(done[i], p->blocks[b].id) == 0;
        if (is_done)
            continue;
        if (o->max_blocks && ran == o->max_blocks)
            break;
        if (o->progress)
            progress(ran, todo, started, est);
        c.seq++;
        rc = run_block(&c, t, b, err);
        ran++;
    }
    if (o->progress) {
        progress(ran, todo, started, 0);
        fputc('\n', stderr);
    }
out:
    if (c.log >= 0)
        close(c.log);
    json_decref(c.host);
    for (unsigned i = 0; i < ndone; i++)
        free(done[i]);
    free(done);
    hc_state_close(&state);
    /* Blocks tear down what they made; this sweeps anything a failure
     * left, and retires the state file. */
    hs_error ignored;
    hc_cleanup(o->workdir, NULL, &ignored);
    return rc;
}
