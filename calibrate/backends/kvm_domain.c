/* A libvirt domain's life on any connection (kvm_domain.h): creation,
 * the pins read back, the console watched for the ready marker, the
 * wait for power-off and destruction. The tests drive these on libvirt's
 * test driver; kvm.c's nodes and kvm_connect.c's boot test on QEMU. */
#define _GNU_SOURCE
#include "kvm_domain.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "kvm_image.h"

const char *hc_kvm_last_error(void)
{
    const char *m = virGetLastErrorMessage();
    return m ? m : "unknown libvirt error";
}

int hc_kvm_create(virConnectPtr conn, const char *xml, virDomainPtr *dom, hs_error *err)
{
    *dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_VALIDATE);
    if (!*dom)
        return hs_error_set(err, "libvirt", 0, 0, "domain not created: %s", hc_kvm_last_error());
    return 0;
}

int hc_kvm_check_pins(virDomainPtr dom, const hc_node_place *place, enum hc_layout layout, hs_error *err)
{
    if (layout == HC_LAYOUT_DEF)
        return 0;
    virNodeInfo ni;
    virConnectPtr c = virDomainGetConnect(dom);
    if (virNodeGetInfo(c, &ni) < 0)
        return hs_error_set(err, virDomainGetName(dom), 0, 0, "cannot read the host's CPUs: %s", hc_kvm_last_error());
    unsigned ncpus = VIR_NODEINFO_MAXCPUS(ni);
    int maplen = VIR_CPU_MAPLEN(ncpus);
    virVcpuInfoPtr info = calloc(place->nvcpus, sizeof *info);
    unsigned char *maps = calloc(place->nvcpus, (size_t)maplen);
    int rc = -1;
    int got = info && maps ? virDomainGetVcpus(dom, info, (int)place->nvcpus, maps, maplen) : -1;
    if (got < 0) {
        hs_error_set(err, virDomainGetName(dom), 0, 0, "cannot read the vCPUs' affinity: %s", hc_kvm_last_error());
        goto out;
    }
    if ((unsigned)got != place->nvcpus) {
        hs_error_set(err, virDomainGetName(dom), 0, 0, "the domain has %d vCPUs, %u were asked", got, place->nvcpus);
        goto out;
    }
    for (unsigned v = 0; v < place->nvcpus; v++) {
        for (unsigned cpu = 0; cpu < ncpus; cpu++)
            if ((VIR_CPU_USABLE(maps, maplen, v, cpu) != 0) != (cpu == place->vcpu[v])) {
                hs_error_set(err, virDomainGetName(dom), 0, 0,
                             "pinning not in effect: vCPU %u should run on CPU %u only, but CPU %u is %s", v,
                             place->vcpu[v], cpu, cpu == place->vcpu[v] ? "not allowed" : "allowed too");
                goto out;
            }
    }
    rc = 0;
out:
    free(info);
    free(maps);
    return rc;
}

/* Appends to buf what the console file holds beyond its first *len bytes. */
static void read_console(const char *path, char *buf, size_t *len, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r;
    while (*len + 1 < cap && (r = pread(fd, buf + *len, cap - 1 - *len, (off_t)*len)) > 0)
        *len += (size_t)r;
    buf[*len] = '\0';
    close(fd);
}

int hc_kvm_gone(virDomainPtr dom)
{
    int state, reason;
    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? 1 : -1;
    return state == VIR_DOMAIN_SHUTOFF;
}

int hc_kvm_watch(virDomainPtr dom, const char *console, double t0, double timeout, int until_ready, hc_boot_times *t,
                 char *buf, size_t cap, hs_error *err)
{
    size_t len = 0;
    t->ready = -1;
    for (;;) {
        if (console && t->ready < 0) {
            read_console(console, buf, &len, cap);
            if (strstr(buf, HC_GUEST_READY "\r") || strstr(buf, HC_GUEST_READY "\n")) {
                t->ready = hc_now() - t0;
                if (until_ready)
                    return 0;
            }
        }
        int g = hc_kvm_gone(dom);
        if (g < 0)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "lost the domain: %s", hc_kvm_last_error());
        if (g) {
            t->shutoff = hc_now() - t0;
            if (console)
                read_console(console, buf, &len, cap);
            return 0;
        }
        if (hc_stop_requested)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "interrupted");
        if (hc_now() - t0 > timeout)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "no %s within %.0f s",
                                until_ready ? "ready marker" : "power-off", timeout);
        hc_sleep(0.002);
    }
}

int hc_kvm_wait(virDomainPtr dom, const char *console, double t0, double timeout, hc_boot_times *t, hs_error *err)
{
    char *buf = malloc(HC_KVM_CONSOLE_CAP);
    if (!buf)
        return hs_error_set(err, virDomainGetName(dom), 0, 0, "out of memory");
    buf[0] = '\0';
    int rc = hc_kvm_watch(dom, console, t0, timeout, 0, t, buf, HC_KVM_CONSOLE_CAP, err);
    free(buf);
    return rc;
}

void hc_kvm_destroy(virDomainPtr dom)
{
    if (!dom)
        return;
    if (hc_kvm_gone(dom) == 0)
        virDomainDestroy(dom);
    virDomainFree(dom);
}
