/* The guest of a kvm node, built on the host with no download: a kernel
 * (HPCSIM_GUEST_KERNEL, else /boot/vmlinuz-`uname -r`, else the newest
 * /boot/vmlinuz-*, which Debian's linux-image-amd64 provides) and an
 * initramfs written here as a newc cpio archive: busybox-static, the
 * static hpcsim-bench, the virtio block modules of that kernel (for the
 * disk benchmark), and an /init that prints the ready marker, runs
 * `hpcsim-bench ARGS` with the words after "--" on the kernel command
 * line, prints its output between the begin and end markers, and powers
 * off. Both files are cached under a folder named by a hash of all their
 * inputs, so a changed benchmark binary makes a new guest. */
#ifndef HPCSIM_CALIBRATE_KVM_IMAGE_H
#define HPCSIM_CALIBRATE_KVM_IMAGE_H

#include <stddef.h>

#include "hpcsim/error.h"

/* What the guest prints on its serial console, each on a line of its own. */
#define HC_GUEST_READY "HPCSIM-GUEST-READY"
#define HC_GUEST_BEGIN "HPCSIM-RESULT-BEGIN"
#define HC_GUEST_END "HPCSIM-RESULT-END"

typedef struct hc_guest_image {
    char kernel[1024]; /* paths inside the cache folder */
    char initrd[1024];
    char hash[17];     /* 64-bit FNV-1a of every input, hex */
    int built;         /* 1 when this call built it, 0 when it was cached */
} hc_guest_image;

/* The cache folder: HPCSIM_CACHE, else /var/cache/hpcsim. */
const char *hc_guest_cache_dir(void);

/* Finds the inputs, and builds the image unless the cache has it. */
int hc_guest_image_get(const char *bench_bin, hc_guest_image *img, hs_error *err);

/* The guest kernel this host would use, or an error saying what to install. */
int hc_guest_kernel(char *path, size_t cap, hs_error *err);

/* 1 when the ELF file at path has no program interpreter (is static). */
int hc_elf_is_static(const char *path);

/* Extracts what the guest printed between the markers of console text
 * (copied into out), and whether it printed the ready marker. Returns 0
 * when both markers were found, -1 otherwise. */
int hc_guest_result(const char *console, char *out, size_t cap, int *ready);

#endif
