/* What a killed run leaves of kvm nodes, found and removed
 * (kvm_cleanup.h): the domain through libvirt, and should libvirt have
 * lost it, its QEMU process by the guest name on its command line; the
 * domain's cgroups; and the QEMU of a boot test whose process died. */
#define _GNU_SOURCE
#include "kvm_cleanup.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend.h"
#include "fsutil.h"
#include "kvm_connect.h"

/* The guest name a QEMU process runs (-name guest=NAME,...), or "". */
static void guest_name_of(pid_t pid, char *out, size_t cap)
{
    char path[64], buf[8192];
    out[0] = '\0';
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0)
        return;
    buf[r] = '\0';
    for (char *a = buf; a < buf + r; a += strlen(a) + 1)
        if (strncmp(a, "guest=", 6) == 0) {
            snprintf(out, cap, "%.*s", (int)strcspn(a + 6, ","), a + 6);
            return;
        }
}

/* The PIDs of QEMU processes whose guest is `name` (or starts with it). */
static int qemu_pids(const char *name, pid_t *pids, int cap, int prefix)
{
    int n = 0;
    size_t len = strlen(name);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < cap) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char guest[256];
        guest_name_of(atoi(e->d_name), guest, sizeof guest);
        if (prefix ? strncmp(guest, name, len) == 0 : strcmp(guest, name) == 0)
            pids[n++] = atoi(e->d_name);
    }
    if (d)
        closedir(d);
    return n;
}

/* The process that started a boot test, from its guest's name. */
static int pids_owner(pid_t qemu)
{
    char guest[256];
    guest_name_of(qemu, guest, sizeof guest);
    return atoi(guest + strlen(HC_KVMTEST_PREFIX));
}

/* The guest a libvirt machine cgroup belongs to:
 * "qemu-embed-HASH-ID-NAME.libvirt-qemu" (the embedded driver, and libvirtd
 * without systemd) gives NAME when it is one of ours (HC_NAME_PREFIX);
 * out is "" otherwise. */
static void guest_of_cgroup(const char *entry, char *out, size_t cap)
{
    static const char suffix[] = ".libvirt-qemu";
    const char *at = strstr(entry, HC_NAME_PREFIX);
    size_t len = strlen(entry);
    out[0] = '\0';
    if (strncmp(entry, "qemu-", 5) != 0 || !at || len < sizeof suffix ||
        strcmp(entry + len - (sizeof suffix - 1), suffix) != 0)
        return;
    snprintf(out, cap, "%.*s", (int)(entry + len - (sizeof suffix - 1) - at), at);
}

/* What to do with the machine cgroups of guest `name` (or of every guest
 * whose name starts with it, when prefix). */
typedef struct machine_cgroups {
    const char *name;
    int prefix;
    int (*fn)(const char *dir, const char *guest, FILE *log);
    FILE *log;
} machine_cgroups;

static int each_in_machine(const char *hierarchy, void *ctx)
{
    const machine_cgroups *m = ctx;
    char machine[600];
    snprintf(machine, sizeof machine, "%s/machine", hierarchy);
    int n = 0;
    DIR *d = opendir(machine);
    for (struct dirent *e; d && (e = readdir(d));) {
        char guest[256], dir[900];
        guest_of_cgroup(e->d_name, guest, sizeof guest);
        if (!guest[0] || (m->prefix ? strncmp(guest, m->name, strlen(m->name)) != 0 : strcmp(guest, m->name) != 0))
            continue;
        snprintf(dir, sizeof dir, "%s/%.256s", machine, e->d_name);
        n += m->fn(dir, guest, m->log);
    }
    if (d)
        closedir(d);
    return n;
}

static int remove_cgroup(const char *dir, const char *guest, FILE *log)
{
    if (hc_kvm_alive(guest))
        return 0; /* its QEMU still runs: not ours to take away */
    if (hc_rmdir_tree(dir) < 0)
        return 0;
    if (log)
        fprintf(log, "removed cgroup %s\n", dir);
    return 1;
}

static int count_cgroup(const char *dir, const char *guest, FILE *log)
{
    (void)guest;
    if (log)
        fprintf(log, "leftover cgroup %s\n", dir);
    return 1;
}

/* When the run that owned an embedded driver was killed, nothing removes
 * its guests' machine cgroups (found by bench/fault-injection on a cgroup
 * v1 host, docs/calibration.md "Nothing is left behind"): they go once the
 * QEMU is gone. */
int hc_kvm_remove_cgroups(const char *name, FILE *log)
{
    machine_cgroups m = {name, 0, remove_cgroup, log};
    return hc_each_cgroup_hierarchy(each_in_machine, &m);
}

int hc_kvm_count_cgroups(const char *name)
{
    machine_cgroups m = {name, 0, count_cgroup, NULL};
    return hc_each_cgroup_hierarchy(each_in_machine, &m);
}

int hc_kvm_alive(const char *name)
{
    pid_t p[4];
    return qemu_pids(name, p, 4, 0) > 0;
}

int hc_kvm_remove(const char *uri, const char *name, FILE *log)
{
    int removed = 0, was_alive = hc_kvm_alive(name);
    hs_error err;
    virConnectPtr c = hc_kvm.conn && strcmp(uri, hc_kvm.conn_uri) == 0 ? hc_kvm.conn : NULL;
    int own = 0;
    if (!c && (strcmp(uri, "qemu:///system") != 0 || hc_kvm_system_socket())) {
        /* a second embedded driver in one process is refused: reuse ours */
        c = hc_kvm_open(uri, &err);
        own = c != NULL;
    }
    virDomainPtr dom = c ? virDomainLookupByName(c, name) : NULL;
    if (dom) {
        if (virDomainDestroy(dom) == 0) {
            removed = 1;
            if (log)
                fprintf(log, "destroyed domain %s (%s)\n", name, uri);
        }
        virDomainFree(dom);
    }
    if (own)
        virConnectClose(c);
    /* libvirt may be gone or not know it (a lost daemon state): the
     * QEMU process itself is what must not survive */
    pid_t pids[8];
    int np = qemu_pids(name, pids, 8, 0);
    for (int i = 0; i < np; i++) {
        kill(pids[i], SIGKILL);
        if (log)
            fprintf(log, "killed QEMU process %d of domain %s\n", (int)pids[i], name);
        removed = 1;
    }
    for (int i = 0; i < 200 && hc_kvm_alive(name); i++)
        hc_sleep(0.005);
    removed |= hc_kvm_remove_cgroups(name, log) > 0;
    if (!removed && was_alive && !hc_kvm_alive(name)) {
        /* the embedded driver, restarted, stops the guests of a dead
         * owner by itself while it reconnects */
        removed = 1;
        if (log)
            fprintf(log, "stopped domain %s (%s)\n", name, uri);
    }
    return removed;
}

int hc_kvm_sweep(FILE *log)
{
    pid_t pids[16];
    int n = qemu_pids(HC_KVMTEST_PREFIX, pids, 16, 1), removed = 0;
    /* the cgroups of any of our guests whose QEMU is gone, whichever run made them */
    machine_cgroups ours = {HC_NAME_PREFIX, 1, remove_cgroup, log};
    removed += hc_each_cgroup_hierarchy(each_in_machine, &ours);
    for (int i = 0; i < n; i++) {
        int owner = pids_owner(pids[i]);
        if (owner > 0 && kill(owner, 0) == 0)
            continue; /* its test is still going on */
        kill(pids[i], SIGKILL);
        removed++;
        if (log)
            fprintf(log, "killed QEMU process %d of an interrupted kvm boot test\n", (int)pids[i]);
    }
    return removed;
}

/* The state file's records "kvm URI NAME" (hc_state_note_domain). */
static int record_remove(const char *rest, FILE *log)
{
    char uri[512];
    const char *name = strchr(rest, ' ');
    if (!name || (size_t)(name - rest) >= sizeof uri)
        return 0;
    snprintf(uri, sizeof uri, "%.*s", (int)(name - rest), rest);
    return hc_kvm_remove(uri, name + 1, log);
}

static int record_alive(const char *rest)
{
    const char *name = strchr(rest, ' ');
    return name && (hc_kvm_alive(name + 1) || hc_kvm_count_cgroups(name + 1) > 0);
}

const hc_cleanup_hook hc_kvm_cleanup = {"kvm", record_remove, record_alive, hc_kvm_sweep};
