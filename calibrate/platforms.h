/* The platforms our users compare (docs/models.md "Platforms"): native
 * processes, LXC, Docker, Singularity/Apptainer, KVM as libvirt places
 * it, KVM as KubeVirt places it, Firecracker, Xen HVM and PV. The
 * boundary report gives each one a row, whatever the model holds: the
 * model's figures with their intervals ("measured", or "literature" with
 * the sources the model's provenance names), else "no data" and the
 * measurement that would supply it, so a report never answers a narrower
 * question than the one asked by leaving a platform out. */
#ifndef HPCSIM_CALIBRATE_PLATFORMS_H
#define HPCSIM_CALIBRATE_PLATFORMS_H

#include <stddef.h>
#include <stdio.h>

#include "hpcsim/model.h"

typedef struct hc_platform {
    const char *id;      /* a model backend's name, and the key of provenance.no_data */
    const char *label;   /* for people */
    const char *measure; /* how hpcsim-calibrate measures it, or what would */
} hc_platform;

extern const hc_platform hc_platforms[];
extern const unsigned hc_nplatforms;

/* A model backend's name less the "-LAYOUT" suffix the fit adds to a
 * backend measured in several layouts ("kvm-vtune" -> "kvm"). */
void hc_backend_base(const hs_backend_model *b, char *out, size_t cap);

/* The platform a model backend stands for: its name, less a "-LAYOUT"
 * suffix the fit adds; a kvm backend of the kubevirt layout is "kubevirt".
 * NULL when it is none of them. */
const hc_platform *hc_platform_of(const hs_backend_model *b);

/* Writes the platform table: one row per model backend of each platform
 * (in the table's order), one "no data" row per platform without any,
 * then the model's backends of no known platform; "literature" or
 * "measured" from the model's provenance. html may be NULL. */
void hc_platforms_report(const hs_model *m, FILE *out, FILE *html);

#endif
