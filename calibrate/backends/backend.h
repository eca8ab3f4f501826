/* The seam between calibration and the kinds of node it measures. A
 * backend prepares a node on a CPU set, runs a command in it and collects
 * its output, starts background commands in it (stressors of co-located
 * load), and tears it down. Everything it creates is recorded in the
 * state file first (state.h). Backends: native (a process bound with
 * hwloc), lxc (a liblxc application container), kvm (a libvirt domain). */
#ifndef HPCSIM_CALIBRATE_BACKEND_H
#define HPCSIM_CALIBRATE_BACKEND_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/types.h>

#include "hpcsim/error.h"
#include "placement.h"
#include "state.h"

typedef struct hc_node {
    char name[96];      /* HC_NAME_PREFIX + run id + index */
    char cpuset[1024];  /* Linux list form; "" = not pinned */
    int numa;           /* bind memory here; -1 = no binding */
    uint64_t mem_limit; /* bytes; 0 = none */
    /* Where each vCPU goes, for backends with a virtual topology (kvm);
     * NULL = one vCPU per CPU of cpuset. Owned by the caller. */
    const hc_node_place *place;
    enum hc_layout layout;
    const char *emulator_cpuset; /* the hypervisor's own threads; NULL = anywhere */
    hc_state *state;
    void *priv;         /* the backend's */
} hc_node;

typedef struct hc_backend_ops {
    const char *name;
    /* 1 when usable on this host, else 0 with the reason in why. */
    int (*probe)(char *why, size_t cap);
    int (*prepare)(hc_node *n, hs_error *err);
    /* Runs argv in the node, waits at most timeout seconds, and stores its
     * standard output (NUL-terminated, truncated to cap). */
    int (*run)(hc_node *n, char *const argv[], double timeout, char *out, size_t cap, hs_error *err);
    /* Starts argv in the node without waiting; *pid is a host PID the
     * caller kills and reaps before teardown, or 0 when teardown ends it. */
    int (*spawn)(hc_node *n, char *const argv[], pid_t *pid, hs_error *err);
    /* Pauses (on = 0) or resumes (on = 1) a process spawned in the node. */
    int (*set_running)(hc_node *n, pid_t pid, int on);
    void (*teardown)(hc_node *n);
    /* Optional: launch latency measured by the backend itself, from the
     * request to create a node to the node being ready and being gone
     * again (seconds). NULL = hc_launch_latency's stopwatch. */
    int (*launch)(hc_node *n, double *to_ready, double *to_gone, hs_error *err);
    /* Optional: facts about how this backend's nodes are made, as a JSON
     * object's text merged into results it has no say in (launch), e.g.
     * {"virt":"qemu","emulated":true}. NULL = nothing to add. */
    void (*describe)(char *json, size_t cap);
    /* Optional: what cleanup after a kill must remove that the state
     * file's own records (processes, containers, files) do not cover. */
    const hc_cleanup_hook *cleanup;
} hc_backend_ops;

extern const hc_backend_ops hc_backend_native;
extern const hc_backend_ops hc_backend_lxc;
extern const hc_backend_ops hc_backend_kvm;
const hc_backend_ops *hc_backend_find(const char *name);

/* hc_state_cleanup and hc_state_leftovers (state.h) with every backend's
 * cleanup hook: what `hpcsim-calibrate cleanup` and a run's end call. */
int hc_cleanup(const char *workdir, FILE *log, hs_error *err);
int hc_leftovers(const char *workdir, FILE *log);

/* Node launch latency: prepare + run /bin/true + teardown, in seconds. */
int hc_launch_latency(const hc_backend_ops *b, hc_node *n, double *seconds, hs_error *err);

/* Shared by backends: wait for pid at most timeout seconds, reading its
 * output from fd into out; kills it on timeout. Returns its wait status,
 * or -1 with err set. */
int hc_collect(pid_t pid, int fd, double timeout, char *out, size_t cap, const char *what, hs_error *err);

/* Seconds on CLOCK_MONOTONIC, for every timeout and latency of the backends. */
double hc_now(void);
/* Sleeps s seconds (the backends' polling loops). */
void hc_sleep(double s);


/* Set by the SIGINT/SIGTERM handler: waits give up, the run tears down. */
extern volatile int hc_stop_requested;

/* The Cpus_allowed_list of a process, from /proc. */
int hc_cpus_allowed(pid_t pid, char *out, size_t cap);

#endif
