/* How kvm nodes reach libvirt, and which virtualization runs them.
 *
 * Connection: the URI given to hc_kvm_configure, else qemu:///system when
 * libvirtd answers on its socket, else the daemon-less embedded driver
 * qemu:///embed?root=/run/hpcsim/libvirt (its event loop runs in a thread
 * of ours). Virtualization: kvm when /dev/kvm can create a VM and a test
 * guest boots on it, else qemu (TCG emulation), announced loudly and
 * written into every result as "emulated": true: such figures are not
 * KVM overhead. */
#ifndef HPCSIM_CALIBRATE_KVM_CONNECT_H
#define HPCSIM_CALIBRATE_KVM_CONNECT_H

#include <stdbool.h>
#include <stdio.h>
#include <libvirt/libvirt.h>

#include "hpcsim/error.h"
#include "kvm_image.h"

#define HC_KVM_EMBED_ROOT "/run/hpcsim/libvirt"
/* Guests of the boot test are named so, then the PID of their process. */
#define HC_KVMTEST_PREFIX HC_NAME_PREFIX "kvmtest-"

/* What hc_kvm_configure set and what was settled since: one per process,
 * as libvirt's connection and event loop are. */
typedef struct hc_kvm_settings {
    char uri[1024];     /* as configured; "" = choose */
    char virt[8];       /* "", "kvm", "qemu" */
    char bench_bin[1024];
    unsigned memory_mib;
    bool hugepages;
    virConnectPtr conn;
    char conn_uri[1024];
    int loop_started;
    int warned;
    char decided[8];    /* the virtualization type once settled */
    char reason[300];
    hc_guest_image img;
    char img_for[1024]; /* the benchmark binary img was made from */
} hc_kvm_settings;

extern hc_kvm_settings hc_kvm;

/* uri: NULL or "" = choose as above; virt: NULL/"auto", "kvm" or "qemu";
 * bench_bin: the static hpcsim-bench the guest carries; memory in MiB
 * (0 = 512); hugepages: back guest memory with the host's huge pages
 * (they must be reserved). Call before the first node. */
void hc_kvm_configure(const char *uri, const char *virt, const char *bench_bin, unsigned memory_mib, bool hugepages);

/* The connection kvm nodes use, made on first call; NULL with err set. */
virConnectPtr hc_kvm_connect(hs_error *err);
/* The connection kvm nodes use, once one was made; NULL before. */
virConnectPtr hc_kvm_connection(void);
/* A new connection to uri (the event loop started first). */
virConnectPtr hc_kvm_open(const char *uri, hs_error *err);
/* Whether libvirtd's socket is there. */
int hc_kvm_system_socket(void);

/* "kvm" or "qemu" as configured or detected; why gets the reason. */
const char *hc_kvm_virt_type(char *why, size_t cap);
/* One line per libvirt URI saying whether it can be used (for probe). */
void hc_kvm_probe_report(FILE *out);
/* Whether a guest's inputs are on this host: a kernel, a static busybox
 * and a static benchmark binary; why says what is missing. */
int hc_kvm_guest_inputs_usable(char *why, size_t cap);
/* The guest image carrying bench, made once per binary. */
const hc_guest_image *hc_kvm_image(const char *bench, hs_error *err);

#endif
