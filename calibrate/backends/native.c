/* native: the node is a process bound with hwloc to its CPU set, its
 * memory to its NUMA node. The baseline every other backend is compared
 * with. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"

static int native_probe(char *why, size_t cap)
{
    snprintf(why, cap, "always available");
    return 1;
}

static int native_prepare(hc_node *n, hs_error *err)
{
    (void)n, (void)err;
    return 0;
}

/* In the child: bind, then exec. Errors go to stderr and exit 126. */
static void bind_and_exec(const hc_node *n, char *const argv[])
{
    hwloc_topology_t topo;
    if (hwloc_topology_init(&topo) == 0 && hwloc_topology_load(topo) == 0) {
        if (n->cpuset[0]) {
            hwloc_bitmap_t set = hwloc_bitmap_alloc();
            if (hwloc_bitmap_list_sscanf(set, n->cpuset) < 0 ||
                hwloc_set_cpubind(topo, set, HWLOC_CPUBIND_PROCESS | HWLOC_CPUBIND_STRICT) < 0) {
                fprintf(stderr, "native: cannot bind to CPUs %s: %s\n", n->cpuset, strerror(errno));
                _exit(126);
            }
            hwloc_bitmap_free(set);
        }
        if (n->numa >= 0) {
            hwloc_obj_t numa = hwloc_get_obj_by_type(topo, HWLOC_OBJ_NUMANODE, (unsigned)n->numa);
            if (numa && hwloc_set_membind(topo, numa->nodeset, HWLOC_MEMBIND_BIND,
                                          HWLOC_MEMBIND_PROCESS | HWLOC_MEMBIND_BYNODESET) < 0 &&
                errno != ENOSYS)
                fprintf(stderr, "native: memory not bound to NUMA node %d: %s\n", n->numa, strerror(errno));
        }
        hwloc_topology_destroy(topo);
    }
    execv(argv[0], argv);
    fprintf(stderr, "native: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

/* Forks the node's process. It waits on `go` until the parent has
 * recorded its PID in the state file (when record is set), so a kill -9 of
 * the parent can never leave an unrecorded process behind: the child then
 * reads end-of-file and exits without running anything. */
static pid_t start_child(hc_node *n, char *const argv[], int *outfd, int record, hs_error *err)
{
    int p[2] = {-1, -1}, go[2];
    if ((outfd && pipe2(p, O_CLOEXEC) < 0) || pipe2(go, O_CLOEXEC) < 0)
        return hs_error_set(err, n->name, 0, 0, "pipe: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0)
        return hs_error_set(err, n->name, 0, 0, "fork: %s", strerror(errno));
    if (pid == 0) {
        setpgid(0, 0); /* its own group: stop and kill reach its children too */
        close(go[1]);
        char c;
        if (read(go[0], &c, 1) != 1)
            _exit(0);
        if (outfd)
            dup2(p[1], 1);
        else if (!freopen("/dev/null", "w", stdout))
            _exit(126);
        bind_and_exec(n, argv);
    }
    /* Both sides set the process group: the caller may signal the group
     * (pause, kill) before the child has run at all. */
    setpgid(pid, pid);
    close(go[0]);
    if (record && n->state && hc_state_note_process(n->state, pid) < 0) {
        close(go[1]);
        waitpid(pid, NULL, 0);
        return hs_error_set(err, n->state->path, 0, 0, "cannot record process %d", (int)pid);
    }
    if (write(go[1], "g", 1) != 1) {
        close(go[1]);
        return hs_error_set(err, n->name, 0, 0, "cannot start the child");
    }
    close(go[1]);
    if (outfd) {
        close(p[1]);
        *outfd = p[0];
    }
    return pid;
}

static int native_run(hc_node *n, char *const argv[], double timeout, char *out, size_t cap, hs_error *err)
{
    int fd;
    pid_t pid = start_child(n, argv, &fd, 0, err); /* waited for here: not recorded */
    if (pid < 0)
        return -1;
    return hc_collect(pid, fd, timeout, out, cap, n->name, err);
}

static int native_spawn(hc_node *n, char *const argv[], pid_t *pid, hs_error *err)
{
    *pid = start_child(n, argv, NULL, 1, err);
    return *pid < 0 ? -1 : 0;
}

/* SIGSTOP/SIGCONT to the process group: a stressor's children pause too. */
static int native_set_running(hc_node *n, pid_t pid, int on)
{
    (void)n;
    return kill(-pid, on ? SIGCONT : SIGSTOP);
}

static void native_teardown(hc_node *n) { (void)n; }

const hc_backend_ops hc_backend_native = {
    "native", native_probe, native_prepare, native_run, native_spawn, native_set_running, native_teardown, NULL, NULL, NULL,
};
