/* Running one point of a sweep (sweep_point.h). No shell: the argument
 * vectors are built here and given to execv, so a value with quotes or
 * spaces reaches hpcsim as it was written in the grid. */
#define _GNU_SOURCE
#include "sweep_point.h"

#include "hpcsim/file.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

int sw_point_dir(char *buf, size_t len, const char *out, uint32_t i, uint32_t npoints)
{
    int width = 4;
    for (uint32_t n = npoints > 0 ? npoints - 1 : 0; n >= 10000; n /= 10)
        width++;
    int n = snprintf(buf, len, "%s/points/%0*u", out, width, i);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The argument vectors of a point: gen's (NULL when the trace is given)
 * and run's, in one block of strings owned by the caller. */
typedef struct argvs {
    char *gen[24];
    char *run[200];
    char *owned[200]; /* strings made here, to free */
    unsigned ngen, nrun, nowned;
    char why[200];    /* not empty: the point cannot run, and why */
} argvs;

static char *own(argvs *a, char *s)
{
    if (s && a->nowned < sizeof a->owned / sizeof *a->owned)
        a->owned[a->nowned++] = s;
    else if (s) {
        free(s);
        s = NULL;
    }
    return s;
}

static void add(char **v, unsigned *n, unsigned cap, char *s, argvs *a)
{
    if (*n + 1 < cap)
        v[(*n)++] = s;
    else
        snprintf(a->why, sizeof a->why, "too many parameters");
}

static int build(argvs *a, const char *self, const sw_point *p, const char *dir)
{
    memset(a, 0, sizeof *a);
    char *trace = NULL;
    bool gen = sw_point_get(p, "gen.jobs") != NULL;
    for (unsigned i = 0; i < p->nparams && !gen; i++)
        if (strncmp(p->params[i].name, "gen.", 4) == 0) {
            snprintf(a->why, sizeof a->why, "%s without gen.jobs: a generated trace needs its number of jobs",
                     p->params[i].name);
            return 0;
        }
    if (gen && sw_point_get(p, "trace")) {
        snprintf(a->why, sizeof a->why, "give trace or gen.*, not both");
        return 0;
    }
    if (gen) {
        if (asprintf(&trace, "%s/trace.swf", dir) < 0 || !own(a, trace))
            return -1;
        const char *nodes = sw_point_get(p, "gen.nodes") ? sw_point_get(p, "gen.nodes") : sw_point_get(p, "nodes");
        if (!nodes) {
            snprintf(a->why, sizeof a->why, "gen.jobs needs gen.nodes or nodes: the machine the trace is drawn for");
            return 0;
        }
        char **g = a->gen;
        add(g, &a->ngen, 24, (char *)self, a);
        add(g, &a->ngen, 24, "gen", a);
        add(g, &a->ngen, 24, "--out", a);
        add(g, &a->ngen, 24, trace, a);
        add(g, &a->ngen, 24, "--nodes", a);
        add(g, &a->ngen, 24, (char *)nodes, a);
        for (unsigned i = 0; i < p->nparams; i++) {
            const char *name = p->params[i].name;
            if (strncmp(name, "gen.", 4) != 0 || strcmp(name, "gen.nodes") == 0)
                continue;
            char *flag;
            if (asprintf(&flag, "--%s", name + 4) < 0 || !own(a, flag))
                return -1;
            add(g, &a->ngen, 24, flag, a);
            add(g, &a->ngen, 24, p->params[i].value, a);
        }
    }
    char **r = a->run;
    unsigned cap = sizeof a->run / sizeof *a->run;
    add(r, &a->nrun, cap, (char *)self, a);
    add(r, &a->nrun, cap, "run", a);
    add(r, &a->nrun, cap, "--quiet", a);
    add(r, &a->nrun, cap, "--out", a);
    add(r, &a->nrun, cap, (char *)dir, a);
    if (trace) {
        add(r, &a->nrun, cap, "--trace", a);
        add(r, &a->nrun, cap, trace, a);
    }
    for (unsigned i = 0; i < p->nparams; i++) {
        const char *name = p->params[i].name, *value = p->params[i].value;
        if (strncmp(name, "gen.", 4) == 0 || strcmp(name, "replication") == 0)
            continue;
        if (strncmp(name, "policy-opt.", 11) == 0) {
            char *kv;
            if (asprintf(&kv, "%s=%s", name + 11, value) < 0 || !own(a, kv))
                return -1;
            add(r, &a->nrun, cap, "--policy-opt", a);
            add(r, &a->nrun, cap, kv, a);
            continue;
        }
        char *flag;
        if (asprintf(&flag, "--%s", name) < 0 || !own(a, flag))
            return -1;
        if (strcmp(name, "no-kill") == 0 || strcmp(name, "strict") == 0) {
            if (strcmp(value, "true") == 0)
                add(r, &a->nrun, cap, flag, a);
            continue;
        }
        add(r, &a->nrun, cap, flag, a);
        add(r, &a->nrun, cap, (char *)value, a);
    }
    return 0;
}

static void argvs_free(argvs *a)
{
    for (unsigned i = 0; i < a->nowned; i++)
        free(a->owned[i]);
}

/* In a child: die with the parent, even when it is killed. */
static void die_with_parent(pid_t parent)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) /* it died before the line above */
        _exit(1);
}

pid_t sw_point_start(const char *self, const sw_point *p, const char *dir, hs_error *err)
{
    /* with its parents: an MPI rank on another machine may not have the
     * sweep's folder (rank 0 made it on its own file system) */
    if (hs_mkdir_p(dir, 0777, true) < 0)
        return hs_error_set(err, dir, 0, 0, "cannot make the point's folder: %s", strerror(errno));
    char errpath[4200];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    argvs a;
    if (build(&a, self, p, dir) < 0) {
        argvs_free(&a);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    /* a point that cannot run is not the sweep's error: its process says why */
    fflush(NULL);
    pid_t parent = getpid(), pid = fork();
    if (pid < 0) {
        argvs_free(&a);
        return hs_error_set(err, NULL, 0, 0, "cannot fork: %s", strerror(errno));
    }
    if (pid > 0) {
        argvs_free(&a);
        return pid;
    }
    die_with_parent(parent);
    int null = open("/dev/null", O_RDWR), errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0666);
    if (null < 0 || errfd < 0)
        _exit(126);
    dup2(null, 0);
    dup2(null, 1);
    dup2(errfd, 2);
    if (a.why[0]) {
        dprintf(2, "hpcsim sweep: %s\n", a.why);
        _exit(2);
    }
    if (a.ngen) {
        a.gen[a.ngen] = NULL;
        pid_t me = getpid(), g = fork();
        if (g < 0)
            _exit(126);
        if (g == 0) {
            die_with_parent(me);
            execv(self, a.gen);
            dprintf(2, "hpcsim sweep: cannot run %s: %s\n", self, strerror(errno));
            _exit(127);
        }
        int st;
        while (waitpid(g, &st, 0) < 0 && errno == EINTR)
            ;
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
    }
    a.run[a.nrun] = NULL;
    execv(self, a.run);
    dprintf(2, "hpcsim sweep: cannot run %s: %s\n", self, strerror(errno));
    _exit(127);
}

/* The last non-empty line of a file, at most len - 1 bytes of it. */
static void last_line(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n)
            snprintf(buf, len, "%s", line);
    }
    fclose(f);
}

int sw_result_write(const char *dir, const char *text, hs_error *err)
{
    char path[4200], tmp[4300];
    snprintf(path, sizeof path, "%s/result.json", dir);
    snprintf(tmp, sizeof tmp, "%s/.result.json.%ld.tmp", dir, (long)getpid());
    /* with its parents: an MPI rank on another machine may not have the
     * sweep's folder (rank 0 made it on its own file system) */
    if (hs_mkdir_p(dir, 0777, true) < 0)
        return hs_error_set(err, dir, 0, 0, "cannot make the point's folder: %s", strerror(errno));
    FILE *f = fopen(tmp, "w");
    if (!f)
        return hs_error_set(err, tmp, 0, 0, "cannot write: %s", strerror(errno));
    int bad = fputs(text, f) < 0 || fputc('\n', f) < 0;
    bad |= fflush(f) != 0 || fsync(fileno(f)) != 0;
    if ((fclose(f) != 0) | bad || rename(tmp, path) < 0) {
        unlink(tmp);
        return hs_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
    }
    return 0;
}

char *sw_point_finish(uint32_t i, const char *dir, int status, hs_error *err)
{
    char path[4200];
    json_t *r = json_object();
    json_object_set_new(r, "point", json_integer(i));
    json_t *summary = NULL;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        snprintf(path, sizeof path, "%s/summary.json", dir);
        summary = json_load_file(path, 0, NULL);
    }
    if (summary) {
        json_object_set_new(r, "status", json_string("ok"));
        json_object_set_new(r, "summary", summary);
    } else {
        char why[600];
        snprintf(path, sizeof path, "%s/stderr.txt", dir);
        last_line(path, why, sizeof why);
        if (!why[0] && WIFSIGNALED(status))
            snprintf(why, sizeof why, "killed by signal %d", WTERMSIG(status));
        else if (!why[0])
            snprintf(why, sizeof why, "exit status %d with no message", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        json_object_set_new(r, "status", json_string("failed"));
        json_object_set_new(r, "error", json_string(why));
    }
    char *text = json_dumps(r, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(r);
    if (!text) {
        hs_error_set(err, NULL, 0, 0, "out of memory");
        return NULL;
    }
    if (sw_result_write(dir, text, err) < 0) {
        free(text);
        return NULL;
    }
    return text;
}

json_t *sw_result_read(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/result.json", dir);
    json_t *r = json_load_file(path, 0, NULL);
    if (r && (!json_is_object(r) || !json_is_string(json_object_get(r, "status")))) {
        json_decref(r);
        return NULL;
    }
    return r;
}
