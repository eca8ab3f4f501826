/* Placement of nodes on host CPUs (placement.h). Cores are used in
 * hwloc's logical order (package by package), so nodes fill one package
 * before the next, as the study's pinning does. */
#include "placement.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const char *const layout_names[HC_LAYOUT_N] = {"def", "pin_def", "pin", "vtune", "kubevirt"};

const char *hc_layout_name(enum hc_layout l) { return l < HC_LAYOUT_N ? layout_names[l] : "?"; }

int hc_layout_parse(const char *name, enum hc_layout *out)
{
    for (int i = 0; i < HC_LAYOUT_N; i++)
        if (strcmp(name, layout_names[i]) == 0) {
            *out = (enum hc_layout)i;
            return 0;
        }
    return -1;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

void hc_cpulist(const unsigned *cpus, unsigned n, char *out, size_t cap)
{
    unsigned *s = malloc((n ? n : 1) * sizeof *s);
    size_t len = 0;
    out[0] = '\0';
    if (!s)
        return;
    memcpy(s, cpus, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_unsigned);
    for (unsigned i = 0; i < n;) {
        unsigned j = i;
        while (j + 1 < n && s[j + 1] == s[j] + 1)
            j++;
        int w = j > i ? snprintf(out + len, cap - len, "%s%u-%u", len ? "," : "", s[i], s[j])
                      : snprintf(out + len, cap - len, "%s%u", len ? "," : "", s[i]);
        if (w < 0 || (size_t)w >= cap - len)
            break;
        len += (size_t)w;
        i = j + 1;
    }
    free(s);
}

int hc_cpulist_parse(const char *list, unsigned *cpus, unsigned cap)
{
    unsigned n = 0;
    for (const char *s = list; *s;) {
        char *end;
        if (*s < '0' || *s > '9')
            return -1;
        unsigned long a = strtoul(s, &end, 10), z = a;
        if (*end == '-') {
            if (end[1] < '0' || end[1] > '9')
                return -1;
            z = strtoul(end + 1, &end, 10);
        }
        if (z < a || (*end && *end != ','))
            return -1;
        for (unsigned long x = a; x <= z && n < cap; x++)
            cpus[n++] = (unsigned)x;
        s = *end == ',' ? end + 1 : end;
    }
    return (int)n;
}

void hc_placement_free(hc_placement *p)
{
    free(p->nodes);
    memset(p, 0, sizeof *p);
}

int hc_place(const hc_topology *t, const hc_place_request *req, hc_placement *p, hs_error *err)
{
    memset(p, 0, sizeof *p);
    if (req->nodes == 0 || req->vcpus == 0 || req->vcpus > HC_MAX_VCPUS)
        return hs_error_set(err, "plan", 0, 0, "a plan needs at least one node of 1 to %d vCPUs (got %u × %u)",
                            HC_MAX_VCPUS, req->nodes, req->vcpus);
    if (req->housekeeping >= t->ncores)
        return hs_error_set(err, "plan", 0, 0, "%u housekeeping cores leave none of the host's %u cores to nodes",
                            req->housekeeping, t->ncores);
    /* PU state: 0 free, 1 housekeeping, 2 load, 3 node */
    unsigned char *used = calloc(t->max_os, 1);
    unsigned *list = malloc(t->max_os * sizeof *list);
    unsigned *numa_of_os = malloc(t->max_os * sizeof *numa_of_os);
    if (!used || !list || !numa_of_os || !(p->nodes = calloc(req->nodes, sizeof *p->nodes))) {
        free(used);
        free(list);
        free(numa_of_os);
        return hs_error_set(err, "plan", 0, 0, "out of memory");
    }
    for (unsigned c = 0; c < t->ncores; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            numa_of_os[t->cores[c].pu[k]] = t->cores[c].numa;
    p->layout = req->layout;
    p->nnodes = req->nodes;
    unsigned n = 0;
    for (unsigned c = 0; c < req->housekeeping; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            used[list[n++] = t->cores[c].pu[k]] = 1;
    hc_cpulist(list, n, p->housekeeping, sizeof p->housekeeping);
    /* load generators: PUs from the last cores backwards */
    n = 0;
    for (unsigned c = t->ncores; c-- > req->housekeeping && n < req->load_cpus;)
        for (unsigned k = t->cores[c].npus; k-- > 0 && n < req->load_cpus;)
            used[list[n++] = t->cores[c].pu[k]] = 2;
    hc_cpulist(list, n, p->load, sizeof p->load);
    if (n < req->load_cpus) {
        hs_error_set(err, "plan", 0, 0, "%u CPUs for load generators asked, only %u are left after housekeeping",
                     req->load_cpus, n);
        goto fail;
    }
    unsigned avail = 0;
    for (unsigned c = 0; c < t->ncores; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            avail += used[t->cores[c].pu[k]] == 0;
    unsigned need = req->nodes * req->vcpus;
    if (req->layout != HC_LAYOUT_DEF && need > avail) {
        hs_error_set(err, "plan", 0, 0,
                     "%u nodes × %u vCPUs need %u CPUs to pin; %u are left after %u housekeeping cores and %u load "
                     "CPUs (the host has %u)",
                     req->nodes, req->vcpus, need, avail, req->housekeeping, req->load_cpus, t->npus);
        goto fail;
    }
    if (req->layout == HC_LAYOUT_DEF) {
        /* every node may use every CPU left to nodes */
        n = 0;
        for (unsigned c = 0; c < t->ncores; c++)
            for (unsigned k = 0; k < t->cores[c].npus; k++)
                if (!used[t->cores[c].pu[k]])
                    list[n++] = t->cores[c].pu[k];
        if (n == 0) {
            hs_error_set(err, "plan", 0, 0, "no CPU is left to nodes after the reservations");
            goto fail;
        }
        for (unsigned i = 0; i < req->nodes; i++) {
            p->nodes[i].nvcpus = req->vcpus;
            p->nodes[i].numa = -1;
            hc_cpulist(list, n, p->nodes[i].cpuset, sizeof p->nodes[i].cpuset);
        }
    } else if (req->layout == HC_LAYOUT_VTUNE || req->layout == HC_LAYOUT_KUBEVIRT) {
        const char *name = hc_layout_name(req->layout);
        unsigned tpc = hc_topology_threads_per_core(t);
        if (req->layout == HC_LAYOUT_KUBEVIRT && tpc < 2) {
            hs_error_set(err, "plan", 0, 0,
                         "kubevirt needs a host with SMT: its guest cores' threads go to CPUs of different host "
                         "cores, and the topology '%s' has 1 thread per core",
                         t->source);
            goto fail;
        }
        if (req->layout == HC_LAYOUT_KUBEVIRT && req->vcpus % tpc != 0) {
            hs_error_set(err, "plan", 0, 0,
                         "kubevirt: %u vCPUs are not whole cores of %u threads (the guest topology is 1 socket × "
                         "cores × %u threads, as the study asked of KubeVirt)",
                         req->vcpus, tpc, tpc);
            goto fail;
        }
        unsigned cores_per_node = (req->vcpus + tpc - 1) / tpc, biggest = 0;
        for (unsigned m = 0; m < t->nnuma; m++)
            if (hc_topology_numa_pus(t, m) > biggest)
                biggest = hc_topology_numa_pus(t, m);
        if (req->vcpus > biggest) {
            hs_error_set(err, "plan", 0, 0,
                         "%s keeps a node inside one NUMA node, but %u vCPUs exceed the largest one (%u CPUs)",
                         name, req->vcpus, biggest);
            goto fail;
        }
        unsigned next = 0;
        for (unsigned i = 0; i < req->nodes; i++) {
            /* the first run of cores_per_node whole, free cores of one NUMA node */
            unsigned start;
            bool found = false;
            for (start = next; !found && start + cores_per_node <= t->ncores; start += found ? 0 : 1) {
                found = true;
                for (unsigned cc = start; found && cc < start + cores_per_node; cc++) {
                    found = t->cores[cc].npus == tpc && t->cores[cc].numa == t->cores[start].numa;
                    for (unsigned k = 0; found && k < t->cores[cc].npus; k++)
                        found = !used[t->cores[cc].pu[k]];
                }
            }
            if (!found) {
                hs_error_set(err, "plan", 0, 0,
                             "%s: node %u finds no %u whole free cores inside one NUMA node (nodes get whole "
                             "cores of %u threads and never span NUMA nodes)",
                             name, i, cores_per_node, tpc);
                goto fail;
            }
            next = start + cores_per_node;
            hc_node_place *np = &p->nodes[i];
            np->nvcpus = req->vcpus;
            np->threads = tpc;
            np->numa = (int)t->cores[start].numa;
            n = 0;
            for (unsigned cc = start; cc < next; cc++)
                for (unsigned k = 0; k < t->cores[cc].npus; k++, n++) {
                    if (n < req->vcpus)
                        np->vcpu[n] = t->cores[cc].pu[k];
                    used[t->cores[cc].pu[k]] = 3; /* a spare sibling stays idle */
                }
            /* KubeVirt before 0.45 pinned vCPU i to the i-th CPU of the
             * pod's sorted set, blind to which CPUs are siblings */
            if (req->layout == HC_LAYOUT_KUBEVIRT)
                qsort(np->vcpu, req->vcpus, sizeof np->vcpu[0], cmp_unsigned);
            hc_cpulist(np->vcpu, req->vcpus, np->cpuset, sizeof np->cpuset);
        }
    } else {
        /* pin_def and pin: thread by thread, core after core */
        unsigned c = 0, k = 0;
        for (unsigned i = 0; i < req->nodes; i++) {
            hc_node_place *np = &p->nodes[i];
            np->nvcpus = req->vcpus;
            np->threads = 1;
            for (unsigned v = 0; v < req->vcpus; v++) {
                while (c < t->ncores && (k >= t->cores[c].npus || used[t->cores[c].pu[k]])) {
                    if (++k >= t->cores[c].npus) {
                        c++;
                        k = 0;
                    }
                }
                np->vcpu[v] = t->cores[c].pu[k];
                used[t->cores[c].pu[k]] = 3;
            }
            bool one = true;
            for (unsigned v = 1; v < req->vcpus; v++)
                one = one && numa_of_os[np->vcpu[v]] == numa_of_os[np->vcpu[0]];
            int numa = (int)numa_of_os[np->vcpu[0]];
            np->numa = one ? numa : -1;
            hc_cpulist(np->vcpu, req->vcpus, np->cpuset, sizeof np->cpuset);
        }
    }
    n = 0;
    for (unsigned c = 0; c < t->ncores; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            if (!used[t->cores[c].pu[k]])
                list[n++] = t->cores[c].pu[k];
    hc_cpulist(list, n, p->remaining, sizeof p->remaining);
    p->nremaining = n;
    free(used);
    free(list);
    free(numa_of_os);
    return 0;
fail:
    free(used);
    free(list);
    free(numa_of_os);
    hc_placement_free(p);
    return -1;
}

const char *hc_place_emulator(const hc_placement *p, const hc_node_place *node)
{
    if (p->layout == HC_LAYOUT_KUBEVIRT && node)
        return node->cpuset;
    if (p->housekeeping[0])
        return p->housekeeping;
    return p->layout != HC_LAYOUT_DEF ? p->remaining : NULL;
}

/* The host core an OS index belongs to, or -1. */
static long core_of(const hc_topology *t, unsigned os)
{
    for (unsigned c = 0; c < t->ncores; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            if (t->cores[c].pu[k] == os)
                return (long)c;
    return -1;
}

unsigned hc_place_split_cores(const hc_topology *t, const hc_node_place *node)
{
    unsigned split = 0, tpc = node->threads ? node->threads : 1;
    for (unsigned g = 0; g + tpc <= node->nvcpus; g += tpc) {
        long first = core_of(t, node->vcpu[g]);
        for (unsigned v = g + 1; v < g + tpc; v++)
            if (core_of(t, node->vcpu[v]) != first) {
                split++;
                break;
            }
    }
    return split;
}
