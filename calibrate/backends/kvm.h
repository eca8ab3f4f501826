/* kvm: the node is a transient libvirt domain that boots the guest of
 * kvm_image.h, runs one benchmark, prints it on its serial console and
 * powers off (on_poweroff = destroy, so it is gone). Each run() is one
 * boot; a co-runner's spawn() boots a guest whose stressor runs until
 * teardown destroys it, paused and resumed with virDomainSuspend/Resume.
 *
 * Connection: the URI given to hc_kvm_configure, else qemu:///system when
 * libvirtd answers on its socket, else the daemon-less embedded driver
 * qemu:///embed?root=/run/hpcsim/libvirt (its event loop runs in a thread
 * of ours). Virtualization: kvm when /dev/kvm can create a VM, else qemu
 * (TCG emulation), announced loudly and written into every result as
 * "emulated": true: such figures are not KVM overhead. */
#ifndef HPCSIM_CALIBRATE_KVM_H
#define HPCSIM_CALIBRATE_KVM_H

#include <stdbool.h>
#include <stdio.h>
#include <libvirt/libvirt.h>

#include "backend.h"

#define HC_KVM_EMBED_ROOT "/run/hpcsim/libvirt"

/* uri: NULL or "" = choose as above; virt: NULL/"auto", "kvm" or "qemu";
 * bench_bin: the static hpcsim-bench the guest carries; memory in MiB
 * (0 = 512); hugepages: back guest memory with the host's huge pages
 * (they must be reserved). Call before the first node. */
void hc_kvm_configure(const char *uri, const char *virt, const char *bench_bin, unsigned memory_mib, bool hugepages);

/* The connection kvm nodes use, once one was made; NULL before. */
virConnectPtr hc_kvm_connection(void);

/* "kvm" or "qemu" as configured or detected; why gets the reason. */
const char *hc_kvm_virt_type(char *why, size_t cap);

/* One line per libvirt URI saying whether it can be used (for probe). */
void hc_kvm_probe_report(FILE *out);

/* Times of one boot, in seconds from virDomainCreateXML's call. */
typedef struct hc_boot_times {
    double created; /* virDomainCreateXML returned */
    double ready;   /* the guest printed its ready marker; < 0 if never */
    double shutoff; /* the domain was gone */
} hc_boot_times;

/* The lifecycle pieces, on any connection (the tests use test:///default).
 * Creation validates the XML against libvirt's schema. */
int hc_kvm_create(virConnectPtr conn, const char *xml, virDomainPtr *dom, hs_error *err);
/* Checks the vCPUs' CPU affinity as the running domain reports it. */
int hc_kvm_check_pins(virDomainPtr dom, const hc_node_place *place, enum hc_layout layout, hs_error *err);
/* Waits until the domain is gone (shut off or destroyed), watching
 * `console` for the ready marker; destroys it after timeout seconds.
 * t0 is when creation was asked (hc_now()). */
int hc_kvm_wait(virDomainPtr dom, const char *console, double t0, double timeout, hc_boot_times *t, hs_error *err);
/* Destroys a domain if it still runs; frees the handle. */
void hc_kvm_destroy(virDomainPtr dom);

/* Cleanup of a killed run: destroys domain `name` through uri, and kills
 * any QEMU process still carrying that guest name. Returns 1 if something
 * was removed. hc_kvm_alive tells whether such a QEMU still runs. */
int hc_kvm_remove(const char *uri, const char *name, FILE *log);
int hc_kvm_alive(const char *name);
/* Kills the QEMU of any kvm boot test whose process died before it
 * could destroy it; returns how many. */
int hc_kvm_sweep_tests(FILE *log);

#endif
