/* What a killed run leaves of kvm nodes, found and removed
 * (kvm_cleanup.h): the domain through libvirt, and should libvirt have
 * lost it, its QEMU process by the guest name on its command line; and
 * the QEMU of a boot test whose process died. */
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
    if (!removed && was_alive && !hc_kvm_alive(name)) {
        /* the embedded driver, restarted, stops the guests of a dead
         * owner by itself while it reconnects */
        removed = 1;
        if (log)
            fprintf(log, "stopped domain %s (%s)\n", name, uri);
    }
    return removed;
}

int hc_kvm_sweep_tests(FILE *log)
{
    pid_t pids[16];
    int n = qemu_pids(HC_KVMTEST_PREFIX, pids, 16, 1), removed = 0;
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
    return name && hc_kvm_alive(name + 1);
}

const hc_cleanup_hook hc_kvm_cleanup = {"kvm", record_remove, record_alive, hc_kvm_sweep_tests};
