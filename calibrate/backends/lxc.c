/* lxc: the node is a liblxc application container on the host's root
 * file system (no image), its cpuset and memory limit set in its cgroup.
 * Facts from docs/calibration.md that shape this file:
 *  - lxc.console.path = none is required with the host rootfs;
 *  - on hybrid cgroup hosts lxc.cgroup2.* keys are accepted and silently
 *    ignored, so the layout is detected and the pinning is verified from
 *    /proc after start;
 *  - liblxc moves the calling process into the container's monitor
 *    cgroup: start() is called from a forked child. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lxc/attach_options.h>
#include <lxc/lxccontainer.h>

#include "backend.h"
#include "fsutil.h"

/* v1 cpuset controller mounted (hybrid or legacy): lxc.cgroup.*; else v2. */
static const char *cgroup_prefix(void)
{
    struct stat st;
    return stat("/sys/fs/cgroup/cpuset/cpuset.cpus", &st) == 0 ? "lxc.cgroup" : "lxc.cgroup2";
}

static int lxc_probe(char *why, size_t cap)
{
    if (geteuid() != 0) {
        snprintf(why, cap, "needs root (running as uid %d)", (int)geteuid());
        return 0;
    }
    if (!lxc_get_version()) {
        snprintf(why, cap, "liblxc is not usable");
        return 0;
    }
    snprintf(why, cap, "liblxc %s, %s.* keys", lxc_get_version(), cgroup_prefix());
    return 1;
}

static int configure(struct lxc_container *c, const hc_node *n, char *bad, size_t cap)
{
    const char *cg = cgroup_prefix();
    char key[64], val[1100];
    const char *fixed[][2] = {
        {"lxc.uts.name", n->name},
        {"lxc.net.0.type", "empty"},
        {"lxc.apparmor.profile", "unconfined"},
        {"lxc.console.path", "none"},
        {"lxc.tty.max", "0"},
        {"lxc.pty.max", "0"},
        {"lxc.mount.auto", "proc:mixed sys:ro cgroup:mixed"},
    };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (!c->set_config_item(c, fixed[i][0], fixed[i][1]))
            return snprintf(bad, cap, "config item %s refused", fixed[i][0]), -1;
    if (n->cpuset[0]) {
        snprintf(key, sizeof key, "%s.cpuset.cpus", cg);
        if (!c->set_config_item(c, key, n->cpuset))
            return snprintf(bad, cap, "config item %s refused", key), -1;
    }
    snprintf(key, sizeof key, "%s.cpuset.mems", cg);
    snprintf(val, sizeof val, "%d", n->numa >= 0 ? n->numa : 0);
    if (n->numa >= 0 && !c->set_config_item(c, key, val))
        return snprintf(bad, cap, "config item %s refused", key), -1;
    if (n->mem_limit) {
        snprintf(key, sizeof key, "%s.%s", cg, strcmp(cg, "lxc.cgroup") == 0 ? "memory.limit_in_bytes" : "memory.max");
        snprintf(val, sizeof val, "%llu", (unsigned long long)n->mem_limit);
        if (!c->set_config_item(c, key, val))
            return snprintf(bad, cap, "config item %s refused", key), -1;
    }
    return 0;
}

static struct lxc_container *open_container(const hc_node *n)
{
    return lxc_container_new(n->name, n->state->lxcpath);
}

static int lxc_prepare(hc_node *n, hs_error *err)
{
    if (!n->state)
        return hs_error_set(err, n->name, 0, 0, "lxc nodes need a state file");
    if (hc_state_note_container(n->state, n->name) < 0)
        return hs_error_set(err, n->state->path, 0, 0, "cannot record container %s", n->name);
    int p[2];
    if (pipe(p) < 0)
        return hs_error_set(err, n->name, 0, 0, "pipe: %s", strerror(errno));
    pid_t child = fork();
    if (child < 0)
        return hs_error_set(err, n->name, 0, 0, "fork: %s", strerror(errno));
    if (child == 0) {
        close(p[0]);
        char bad[200] = "";
        struct lxc_container *c = open_container(n);
        int ok = c && configure(c, n, bad, sizeof bad) == 0;
        if (ok) {
            /* init is a long sleep: benchmarks are attached to it */
            char *const init_argv[] = {"/bin/sleep", "2147483647", NULL};
            c->want_daemonize(c, true);
            c->want_close_all_fds(c, true);
            ok = c->start(c, 1, init_argv);
            if (!ok)
                snprintf(bad, sizeof bad, "start failed (see the container's log)");
        } else if (!bad[0]) {
            snprintf(bad, sizeof bad, "cannot create the container object");
        }
        if (!ok && write(p[1], bad, strlen(bad)) < 0)
            _exit(2);
        _exit(ok ? 0 : 1);
    }
    close(p[1]);
    char why[256];
    ssize_t got = read(p[0], why, sizeof why - 1);
    close(p[0]);
    why[got > 0 ? got : 0] = '\0';
    int status;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return hs_error_set(err, n->name, 0, 0, "container did not start: %s", why[0] ? why : "unknown reason");
    struct lxc_container *c = open_container(n);
    pid_t init = c ? c->init_pid(c) : -1;
    if (init <= 0) {
        if (c)
            lxc_container_put(c);
        return hs_error_set(err, n->name, 0, 0, "container started but has no init process");
    }
    n->priv = c;
    if (n->cpuset[0]) { /* the notes: verify, a silently ignored key would pin nothing */
        char allowed[1024];
        if (hc_cpus_allowed(init, allowed, sizeof allowed) < 0 || strcmp(allowed, n->cpuset) != 0)
            return hs_error_set(err, n->name, 0, 0, "pinning not in effect: asked CPUs %s, init may run on %s",
                                n->cpuset, allowed);
    }
    return 0;
}

static int attach(hc_node *n, char *const argv[], int out_fd, pid_t *pid, hs_error *err)
{
    struct lxc_container *c = n->priv;
    if (!c)
        return hs_error_set(err, n->name, 0, 0, "container not prepared");
    lxc_attach_options_t opts = LXC_ATTACH_OPTIONS_DEFAULT;
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    opts.stdin_fd = devnull;
    opts.stdout_fd = out_fd >= 0 ? out_fd : devnull;
    opts.stderr_fd = 2;
    lxc_attach_command_t cmd = {argv[0], (char **)argv};
    int rc = c->attach(c, lxc_attach_run_command, &cmd, &opts, pid);
    close(devnull);
    if (rc < 0)
        return hs_error_set(err, n->name, 0, 0, "cannot attach %s to the container", argv[0]);
    return 0;
}

static int lxc_run(hc_node *n, char *const argv[], double timeout, char *out, size_t cap, hs_error *err)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return hs_error_set(err, n->name, 0, 0, "pipe: %s", strerror(errno));
    pid_t pid;
    int rc = attach(n, argv, p[1], &pid, err);
    close(p[1]);
    if (rc < 0) {
        close(p[0]);
        return -1;
    }
    return hc_collect(pid, p[0], timeout, out, cap, n->name, err);
}

static int lxc_spawn(hc_node *n, char *const argv[], pid_t *pid, hs_error *err)
{
    /* Dies with the container: the container is what the state file records. */
    return attach(n, argv, -1, pid, err);
}

/* The cgroup freezer: the whole container, whatever runs in it, stops. */
static int lxc_set_running(hc_node *n, pid_t pid, int on)
{
    (void)pid;
    struct lxc_container *c = n->priv;
    if (!c)
        return -1;
    return (on ? c->unfreeze(c) : c->freeze(c)) ? 0 : -1;
}

static void lxc_teardown(hc_node *n)
{
    struct lxc_container *c = n->priv;
    if (!c)
        c = open_container(n);
    if (c) {
        /* A frozen container cannot stop: its processes die only once thawed. */
        if (c->is_running(c)) {
            if (strcmp(c->state(c), "FROZEN") == 0)
                c->unfreeze(c);
            c->stop(c);
        }
        lxc_container_put(c);
    }
    n->priv = NULL;
    char dir[1200];
    snprintf(dir, sizeof dir, "%s/%s", n->state->lxcpath, n->name);
    if (hc_remove_tree(dir) < 0)
        fprintf(stderr, "lxc: could not remove %s: %s\n", dir, strerror(errno));
}

const hc_backend_ops hc_backend_lxc = {
    "lxc", lxc_probe, lxc_prepare, lxc_run, lxc_spawn, lxc_set_running, lxc_teardown, NULL, NULL, NULL,
};
