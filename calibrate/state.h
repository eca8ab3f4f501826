/* The record of everything a calibration run creates, so that nothing is
 * left behind: each container, process and file is appended (and synced)
 * to WORKDIR/state *before* it is created. A normal end, a SIGINT/SIGTERM
 * handler, or `hpcsim-calibrate cleanup` after a kill -9 replays the file
 * and removes whatever still exists. Containers live in WORKDIR/lxc, a
 * private lxcpath, and carry the prefix "hpcsim-", so cleanup also finds
 * any the file missed. Domains are found through libvirt and, should
 * libvirt have lost them, by the guest name on their QEMU's command line. */
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

/* Removes everything the state file and the lxcpath name; prints one line
 * per object removed to `log` (may be NULL); removes the state file when
 * all is gone. Returns the number of objects removed, or -1. */
int hc_cleanup(const char *workdir, FILE *log, hs_error *err);

/* Leftovers still on this host: containers under WORKDIR/lxc, processes
 * of the state file still alive, and cgroups named after our containers
 * (for tests and for `cleanup --check`). */
int hc_leftovers(const char *workdir, FILE *log);

#endif
