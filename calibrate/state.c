/* State file and cleanup (state.h). A process is recorded with its start
 * time from /proc, so cleanup never kills a stranger that reused its PID. */
#define _GNU_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <lxc/lxccontainer.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"

static int append(hc_state *s, const char *fmt, const char *a, long long b)
{
    char line[1024];
    int n = a ? snprintf(line, sizeof line, fmt, a) : snprintf(line, sizeof line, fmt, b);
    if (n < 0 || (size_t)n >= sizeof line || write(s->fd, line, (size_t)n) != n || fsync(s->fd) < 0)
        return -1;
    return 0;
}

/* The absolute form of a work directory: liblxc identifies running
 * containers by their lxcpath string, so "calib/lxc" and
 * "/home/u/calib/lxc" would be two different places to it. */
static int absolute(const char *workdir, char *out, size_t cap)
{
    char buf[PATH_MAX];
    int n = snprintf(out, cap, "%s", realpath(workdir, buf) ? buf : workdir);
    return n > 0 && (size_t)n < cap - 16 ? 0 : -1; /* room for "/state", "/lxc" */
}

int hc_state_open(hc_state *s, const char *workdir, hs_error *err)
{
    memset(s, 0, sizeof *s);
    if (mkdir(workdir, 0700) < 0 && errno != EEXIST)
        return hs_error_set(err, workdir, 0, 0, "cannot create the work directory: %s", strerror(errno));
    if (absolute(workdir, s->workdir, sizeof s->workdir) < 0)
        return hs_error_set(err, workdir, 0, 0, "the work directory's path is too long");
    snprintf(s->lxcpath, sizeof s->lxcpath, "%s/lxc", s->workdir);
    snprintf(s->path, sizeof s->path, "%s/state", s->workdir);
    if (mkdir(s->lxcpath, 0700) < 0 && errno != EEXIST)
        return hs_error_set(err, s->lxcpath, 0, 0, "cannot create: %s", strerror(errno));
    /* never through a link: the file's records decide what root removes */
    s->fd = open(s->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (s->fd < 0)
        return hs_error_set(err, s->path, 0, 0, "cannot open: %s", strerror(errno));
    return 0;
}

void hc_state_close(hc_state *s)
{
    if (s->fd > 0)
        close(s->fd);
    s->fd = -1;
}

/* Field 22 of /proc/PID/stat: the process's start time in clock ticks. */
static long long start_time(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    long long v = -1;
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (p)
        v = atoll(p + 1);
    return v;
}

int hc_state_note_container(hc_state *s, const char *name) { return append(s, "lxc %s\n", name, 0); }
int hc_state_note_file(hc_state *s, const char *path) { return append(s, "file %s\n", path, 0); }

int hc_state_note_domain(hc_state *s, const char *uri, const char *name)
{
    if (strchr(uri, ' ') || strchr(name, ' '))
        return -1;
    char both[1000];
    if (snprintf(both, sizeof both, "%s %s", uri, name) >= (int)sizeof both)
        return -1;
    return append(s, "kvm %s\n", both, 0);
}

int hc_state_note_process(hc_state *s, pid_t pid)
{
    char line[64];
    snprintf(line, sizeof line, "proc %d %lld\n", (int)pid, start_time(pid));
    return append(s, "%s", line, 0);
}

/* Whether path lies under workdir (both absolute): cleanup removes only
 * files there, whatever a state file says. */
static bool under(const char *workdir, const char *path)
{
    size_t n = strlen(workdir), len = strlen(path);
    return strncmp(path, workdir, n) == 0 && path[n] == '/' && !strstr(path, "/../") &&
           !(len >= 3 && strcmp(path + len - 3, "/..") == 0);
}

/* A record cleanup must refuse: a file outside the work directory, or a
 * container whose name is not ours or reaches out of the lxcpath. */
static bool foreign(const char *workdir, const char *line)
{
    if (strncmp(line, "file ", 5) == 0)
        return !under(workdir, line + 5);
    if (strncmp(line, "lxc ", 4) == 0)
        return strncmp(line + 4, HC_NAME_PREFIX, strlen(HC_NAME_PREFIX)) != 0 || strchr(line + 4, '/') != NULL;
    return false;
}

/* The hook whose kind a record "KIND REST" is, or NULL. */
static const hc_cleanup_hook *hook_of(const hc_cleanup_hook *const *hooks, const char *record)
{
    for (const hc_cleanup_hook *const *h = hooks; h && *h; h++) {
        size_t len = strlen((*h)->kind);
        if (strncmp(record, (*h)->kind, len) == 0 && record[len] == ' ')
            return *h;
    }
    return NULL;
}

static int remove_container(const char *lxcpath, const char *name, FILE *log)
{
    struct lxc_container *c = lxc_container_new(name, lxcpath);
    int removed = 0;
    if (c) {
        if (c->is_running(c)) {
            if (strcmp(c->state(c), "FROZEN") == 0) /* a killed run may leave its load frozen */
                c->unfreeze(c);
            c->stop(c);
            removed = 1;
        }
        lxc_container_put(c);
    }
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/%s", lxcpath, name);
    struct stat st;
    if (lstat(dir, &st) == 0 && hc_remove_tree(dir) == 0)
        removed = 1;
    if (removed && log)
        fprintf(log, "removed container %s\n", name);
    return removed;
}

/* cgroup folders liblxc makes for a container: lxc.payload.NAME and
 * lxc.monitor.NAME under every v1 controller and under the v2 hierarchy
 * ("unified" on hybrid hosts, the root on pure v2 ones). */
static int sweep_hierarchy(const char *base, const char *name, FILE *log, int only_count)
{
    static const char *const kinds[] = {"lxc.payload.", "lxc.monitor."};
    int found = 0;
    for (size_t k = 0; k < 2; k++) {
        char dir[PATH_MAX];
        struct stat st;
        int n = snprintf(dir, sizeof dir, "%s/%s%s", base, kinds[k], name);
        if (n < 0 || (size_t)n >= sizeof dir || stat(dir, &st) != 0)
            continue;
        found++;
        if (only_count) {
            if (log)
                fprintf(log, "leftover cgroup %s\n", dir);
            continue;
        }
        /* children first: rmdir works bottom-up only */
        if (hc_rmdir_tree(dir) == 0 && log)
            fprintf(log, "removed cgroup %s\n", dir);
    }
    return found;
}

int hc_each_cgroup_hierarchy(int (*fn)(const char *base, void *ctx), void *ctx)
{
    static const char *const root = "/sys/fs/cgroup";
    int found = fn(root, ctx);
    DIR *d = opendir(root);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char base[PATH_MAX];
        int n = snprintf(base, sizeof base, "%s/%s", root, e->d_name);
        if (e->d_name[0] != '.' && n > 0 && (size_t)n < sizeof base)
            found += fn(base, ctx);
    }
    if (d)
        closedir(d);
    return found;
}

typedef struct container_cgroups {
    const char *name;
    FILE *log;
    int only_count;
} container_cgroups;

static int sweep_in(const char *base, void *ctx)
{
    const container_cgroups *c = ctx;
    return sweep_hierarchy(base, c->name, c->log, c->only_count);
}

/* Counts our container's cgroups everywhere, and removes them unless only_count. */
static int sweep_cgroups(const char *name, FILE *log, int only_count)
{
    container_cgroups c = {name, log, only_count};
    return hc_each_cgroup_hierarchy(sweep_in, &c);
}

/* Alive: the same process (same start time) and not a zombie, which is
 * dead and only waits for its parent to reap it. */
static int process_alive(pid_t pid, long long started)
{
    if (started < 0 || start_time(pid) != started)
        return 0;
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z';
}

int hc_state_cleanup(const char *given, const hc_cleanup_hook *const *hooks, FILE *log, hs_error *err)
{
    char workdir[512], path[600], lxcpath[600];
    if (absolute(given, workdir, sizeof workdir) < 0)
        return hs_error_set(err, given, 0, 0, "the work directory's path is too long");
    snprintf(path, sizeof path, "%s/state", workdir);
    snprintf(lxcpath, sizeof lxcpath, "%s/lxc", workdir);
    int removed = 0;
    const hc_cleanup_hook *hook;
    FILE *f = fopen(path, "r");
    if (!f && errno != ENOENT)
        return hs_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
    char line[1024];
    /* a state file that names anything outside the work directory is not
     * ours to act on: refused before anything is removed */
    for (long n = 1; f && fgets(line, sizeof line, f); n++) {
        line[strcspn(line, "\n")] = '\0';
        if (foreign(workdir, line)) {
            fclose(f);
            return hs_error_set(err, path, n, 0, "'%s' is outside the work directory: refusing to clean up", line);
        }
    }
    /* processes first (stressors inside containers die with them anyway) */
    for (int pass = 0; f && pass < 3; pass++) {
        rewind(f);
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = '\0';
            int pid;
            long long started;
            if (pass == 0 && sscanf(line, "proc %d %lld", &pid, &started) == 2 && process_alive(pid, started)) {
                kill(pid, SIGCONT); /* a stopped process cannot die of SIGTERM */
                kill(pid, SIGKILL);
                for (int i = 0; i < 200 && process_alive(pid, started); i++)
                    usleep(5000); /* the kill is delivered asynchronously; wait at most 1 s */
                removed++;
                if (log)
                    fprintf(log, "killed process %d\n", pid);
            } else if (pass == 1 && strncmp(line, "lxc ", 4) == 0) {
                removed += remove_container(lxcpath, line + 4, log);
                removed += sweep_cgroups(line + 4, log, 0) > 0;
            } else if (pass == 1 && (hook = hook_of(hooks, line))) {
                removed += hook->remove(line + strlen(hook->kind) + 1, log);
            } else if (pass == 2 && strncmp(line, "file ", 5) == 0 && unlink(line + 5) == 0) {
                removed++;
                if (log)
                    fprintf(log, "removed file %s\n", line + 5);
            }
        }
    }
    if (f)
        fclose(f);
    /* containers the state file does not name (a lost state file): the
     * running ones liblxc knows in our lxcpath, and any folder there */
    char **names = NULL;
    int active = list_active_containers(lxcpath, &names, NULL);
    for (int i = 0; i < active; i++) {
        if (strncmp(names[i], HC_NAME_PREFIX, strlen(HC_NAME_PREFIX)) == 0) {
            removed += remove_container(lxcpath, names[i], log);
            sweep_cgroups(names[i], log, 0);
        }
        free(names[i]);
    }
    free(names);
    DIR *d = opendir(lxcpath);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strncmp(e->d_name, HC_NAME_PREFIX, strlen(HC_NAME_PREFIX)) == 0) {
            removed += remove_container(lxcpath, e->d_name, log);
            sweep_cgroups(e->d_name, log, 0);
        }
    if (d)
        closedir(d);
    for (const hc_cleanup_hook *const *h = hooks; h && *h; h++)
        if ((*h)->sweep)
            removed += (*h)->sweep(log);
    if (hc_state_leftovers(workdir, hooks, NULL) == 0)
        unlink(path);
    else
        return hs_error_set(err, workdir, 0, 0, "some objects could not be removed (run cleanup again as root)");
    return removed;
}

int hc_state_leftovers(const char *given, const hc_cleanup_hook *const *hooks, FILE *log)
{
    char workdir[512], path[600], lxcpath[600], line[1024];
    if (absolute(given, workdir, sizeof workdir) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/state", workdir);
    snprintf(lxcpath, sizeof lxcpath, "%s/lxc", workdir);
    int n = 0;
    const hc_cleanup_hook *hook;
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        int pid;
        long long started;
        if (sscanf(line, "proc %d %lld", &pid, &started) == 2 && process_alive(pid, started)) {
            n++;
            if (log)
                fprintf(log, "leftover process %d\n", pid);
        } else if (strncmp(line, "lxc ", 4) == 0) {
            n += sweep_cgroups(line + 4, log, 1);
        } else if ((hook = hook_of(hooks, line)) && hook->alive(line + strlen(hook->kind) + 1)) {
            n++;
            if (log)
                fprintf(log, "leftover %s\n", line);
        }
    }
    if (f)
        fclose(f);
    char **names = NULL;
    int active = list_active_containers(lxcpath, &names, NULL);
    for (int i = 0; i < active; i++) {
        if (strncmp(names[i], HC_NAME_PREFIX, strlen(HC_NAME_PREFIX)) == 0) {
            n++;
            if (log)
                fprintf(log, "leftover running container %s\n", names[i]);
        }
        free(names[i]);
    }
    free(names);
    DIR *d = opendir(lxcpath);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strncmp(e->d_name, HC_NAME_PREFIX, strlen(HC_NAME_PREFIX)) == 0) {
            n++;
            if (log)
                fprintf(log, "leftover container folder %s\n", e->d_name);
        }
    if (d)
        closedir(d);
    return n;
}
