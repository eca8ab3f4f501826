/* libvirt domain XML for a KVM node, made from its placement. One
 * function per concern, each writing one part of the domain, for the
 * layouts of the tuning study (docs/calibration.md):
 *   def      no pinning; <cpu mode='host-model'> (maximum under TCG);
 *   pin_def  <vcpupin> 1:1, libvirt's default topology, host-passthrough;
 *   pin      the same pins, topology 1 socket × V cores × 1 thread;
 *   vtune    the same pins, topology matching the physical cores and
 *            threads of the pinned CPUs;
 *   kubevirt vtune's topology over KubeVirt's sorted pins, emulator
 *            threads on the node's own CPUs (placement.h).
 * Plus <emulatorpin> (away from the measured CPUs, but for kubevirt),
 * <numatune> to the node's NUMA node, optional hugepages, a raw disk with
 * io='native' cache='none', and on_poweroff/reboot/crash = destroy, so a
 * guest never lingers. */
#ifndef HPCSIM_CALIBRATE_KVM_XML_H
#define HPCSIM_CALIBRATE_KVM_XML_H

#include <stdbool.h>
#include <stddef.h>

#include "hpcsim/error.h"
#include "placement.h"

typedef struct hc_domain_spec {
    const char *name;
    const char *virt_type;        /* "kvm", or "qemu" (TCG emulation) */
    unsigned memory_mib;
    enum hc_layout layout;
    const hc_node_place *node;    /* vCPUs and their host CPUs */
    const char *emulator_cpuset;  /* QEMU's own threads; "" = not pinned */
    const char *kernel, *initrd, *cmdline;
    const char *serial_log;       /* the guest's console goes to this file */
    const char *disk;             /* raw image for the disk benchmark, or NULL */
    bool hugepages;
} hc_domain_spec;

/* Writes the domain XML into out (cap bytes). */
int hc_domain_xml(const hc_domain_spec *s, char *out, size_t cap, hs_error *err);

/* Checks every pin (vCPUs and emulator) against the host's PUs: libvirt's
 * test driver accepts a pin to CPU 40 of 16, so the planner must not. */
int hc_domain_check_pins(const hc_topology *t, const hc_domain_spec *s, hs_error *err);

#endif
