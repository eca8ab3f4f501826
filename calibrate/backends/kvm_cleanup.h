/* Cleanup of kvm nodes after a kill: the state file's records
 * "kvm URI NAME" (hc_state_note_domain) are the kvm backend's cleanup
 * hook (state.h). */
#ifndef HPCSIM_CALIBRATE_KVM_CLEANUP_H
#define HPCSIM_CALIBRATE_KVM_CLEANUP_H

#include <stdio.h>

#include "state.h"

/* Destroys domain `name` through uri, and kills any QEMU process still
 * carrying that guest name. Returns 1 if something was removed.
 * hc_kvm_alive tells whether such a QEMU still runs. */
int hc_kvm_remove(const char *uri, const char *name, FILE *log);
int hc_kvm_alive(const char *name);
/* Removes the machine cgroups of domain `name` once its QEMU is gone;
 * returns how many folders went. */
int hc_kvm_remove_cgroups(const char *name, FILE *log);
int hc_kvm_count_cgroups(const char *name);
/* Kills the QEMU of any kvm boot test whose process died before it
 * could destroy it, and removes the cgroups of any of our guests whose
 * QEMU is gone; returns how many. */
int hc_kvm_sweep(FILE *log);

extern const hc_cleanup_hook hc_kvm_cleanup;

#endif
