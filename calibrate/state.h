/* The record of everything a calibration run creates, so that nothing is
 * left behind: each container, process and file is appended (and synced)
 * to WORKDIR/state *before* it is created. A normal end, a SIGINT/SIGTERM
 * handler, or `hpcsim-calibrate cleanup` after a kill -9 replays the file
 * and removes whatever still exists. Containers live in WORKDIR/lxc, a
 * private lxcpath, and carry the prefix "hpcsim-", so cleanup also finds
 * any the file missed. Other kinds of record (the kvm backend's domains)
 * are removed by the hooks their backend hands in. */
#ifndef HPCSIM_CALIBRATE_STATE_H
#define HPCSIM_CALIBRATE_STATE_H

#include <stdio.h>
#include <sys/types.h>

#include "hpcsim/error.h"

#define HC_NAME_PREFIX "hpcsim-"

typedef struct hc_state {
    char workdir[512];
    char lxcpath[600];
    char path[600];
    int fd;
} hc_state;

/* Creates WORKDIR (and its lxc/ folder) and opens its state file for appending. */
int hc_state_open(hc_state *s, const char *workdir, hs_error *err);
void hc_state_close(hc_state *s);

int hc_state_note_container(hc_state *s, const char *name);
int hc_state_note_process(hc_state *s, pid_t pid);
int hc_state_note_file(hc_state *s, const char *path);
/* A libvirt domain, with the URI of the driver that runs it. */
int hc_state_note_domain(hc_state *s, const char *uri, const char *name);

/* What a backend removes of a killed run, handed to the cleanup so that
 * this file names no backend: the records "KIND REST" of the state file
 * are its own (REST as its hc_state_note_* wrote it). */
typedef struct hc_cleanup_hook {
    const char *kind;
    int (*remove)(const char *rest, FILE *log); /* objects removed */
    int (*alive)(const char *rest);             /* 1 while it remains */
    int (*sweep)(FILE *log);                    /* what no state file names; may be NULL */
} hc_cleanup_hook;

/* Removes everything the state file and the lxcpath name, and what the
 * hooks (NULL-terminated) remove; prints one line per object removed to
 * `log` (may be NULL); removes the state file when all is gone. Returns
 * the number of objects removed, or -1. backend.h's hc_cleanup passes
 * every backend's hooks. */
int hc_state_cleanup(const char *workdir, const hc_cleanup_hook *const *hooks, FILE *log, hs_error *err);

/* Leftovers still on this host: containers under WORKDIR/lxc, processes
 * of the state file still alive, cgroups named after our containers, and
 * records a hook says are alive (for tests and for `cleanup --check`). */
int hc_state_leftovers(const char *workdir, const hc_cleanup_hook *const *hooks, FILE *log);

/* fn(base, ctx) on every cgroup hierarchy: /sys/fs/cgroup itself (pure v2)
 * and each folder below it (the v1 controllers, and "unified" on hybrid
 * hosts). Returns the sum of what fn returned. */
int hc_each_cgroup_hierarchy(int (*fn)(const char *base, void *ctx), void *ctx);

#endif
