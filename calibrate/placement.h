/* Placement: N nodes of V vCPUs each onto host CPUs, for the four layouts
 * of the KVM/KubeVirt tuning study and KubeVirt's own (docs/calibration.md):
 *   def      no pinning: a node may run on any CPU left to nodes;
 *   pin_def  each vCPU pinned 1:1, cores filled thread by thread
 *            (on the study's host: 1,17,2,18);
 *   pin      the same pinning (for VMs it differs in virtual topology);
 *   vtune    whole cores only (SMT siblings stay together as virtual
 *            threads) and each node inside one NUMA node;
 *   kubevirt the CPUs vtune takes (whole cores, as the kubelet's CPU
 *            manager hands them to a pod), but vCPU i pinned to the i-th
 *            CPU of the sorted set, as KubeVirt before 0.45 did: with
 *            Intel numbering a guest core's two threads land on two host
 *            cores (1,2 and 17,18 instead of 1,17 and 2,18).
 * The first `housekeeping` cores are left to the host, and `load_cpus`
 * PUs, taken from the last cores, to host load generators. Pure: topology
 * in, CPU sets out; applying them is the backends' job. */
#ifndef HPCSIM_CALIBRATE_PLACEMENT_H
#define HPCSIM_CALIBRATE_PLACEMENT_H

#include <stddef.h>

#include "topology.h"

enum hc_layout { HC_LAYOUT_DEF, HC_LAYOUT_PIN_DEF, HC_LAYOUT_PIN, HC_LAYOUT_VTUNE, HC_LAYOUT_KUBEVIRT, HC_LAYOUT_N };

const char *hc_layout_name(enum hc_layout l);
int hc_layout_parse(const char *name, enum hc_layout *out);

#define HC_MAX_VCPUS 256

typedef struct hc_node_place {
    unsigned nvcpus;
    unsigned vcpu[HC_MAX_VCPUS]; /* OS index per vCPU; unused under def */
    unsigned threads;            /* vtune, kubevirt: virtual threads per core (the host's) */
    int numa;                    /* the NUMA node it stays in, -1 when it may span */
    char cpuset[1024];           /* the CPUs it may use, Linux list form: "1-2,17-18" */
} hc_node_place;

typedef struct hc_placement {
    enum hc_layout layout;
    unsigned nnodes;
    hc_node_place *nodes;
    char housekeeping[1024]; /* list form; "" when none */
    char load[1024];         /* CPUs for host load generators */
    char remaining[1024];    /* CPUs neither reserved nor given to a pinned node */
    unsigned nremaining;
} hc_placement;

typedef struct hc_place_request {
    unsigned nodes, vcpus;
    enum hc_layout layout;
    unsigned housekeeping; /* cores */
    unsigned load_cpus;    /* PUs */
} hc_place_request;

/* Fills p, or refuses with err saying why (too many vCPUs, a node that
 * cannot fit in one NUMA node under vtune, ...). */
int hc_place(const hc_topology *t, const hc_place_request *req, hc_placement *p, hs_error *err);
void hc_placement_free(hc_placement *p);

/* Where a node's hypervisor threads (QEMU's emulator threads) run: on the
 * housekeeping cores, else on CPUs no node holds; under kubevirt on the
 * node's own CPUs, as virt-launcher leaves them without
 * isolateEmulatorThread (node NULL: a host load generator's). NULL:
 * wherever the host puts them (def). */
const char *hc_place_emulator(const hc_placement *p, const hc_node_place *node);

/* How many of a node's guest cores (its vCPUs taken `threads` at a time,
 * as the guest topology groups them) have their threads on different
 * host cores of t: 0 under vtune, every guest core under kubevirt on an
 * Intel-numbered host, 0 again where siblings are numbered adjacently. */
unsigned hc_place_split_cores(const hc_topology *t, const hc_node_place *node);

/* Formats sorted OS indexes as a Linux/libvirt/LXC CPU list ("1-2,17-18"). */
void hc_cpulist(const unsigned *cpus, unsigned n, char *out, size_t cap);
/* The inverse: fills cpus (at most cap) and returns how many, or -1 when
 * list is not a CPU list. "" is the empty list. */
int hc_cpulist_parse(const char *list, unsigned *cpus, unsigned cap);

#endif
