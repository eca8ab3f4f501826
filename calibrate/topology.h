/* The host as calibration needs it: packages, NUMA nodes, cores and their
 * PUs (hardware threads), read with hwloc from the running host, from a
 * synthetic description ("pack:2 numa:1 core:8 pu:2", or hwloc's own form
 * with explicit indexes for Intel numbering) or from an hwloc XML file.
 * Kept as plain arrays so that placement is a pure function of it. */
#ifndef HPCSIM_CALIBRATE_TOPOLOGY_H
#define HPCSIM_CALIBRATE_TOPOLOGY_H

#include <stdint.h>

#include "hpcsim/error.h"

typedef struct hc_core {
    unsigned package, numa; /* logical indexes */
    unsigned npus;
    unsigned pu[8];         /* OS indexes of its hardware threads, ascending */
} hc_core;

typedef struct hc_topology {
    hc_core *cores;  /* in hwloc's logical order: package by package */
    unsigned ncores, npus, npackages, nnuma;
    unsigned max_os; /* largest PU OS index + 1 */
    char source[256];     /* "host", the synthetic string, or the XML path */
    char xml_digest[17];  /* FNV-1a 64 of hwloc's XML export, hex */
} hc_topology;

/* spec NULL or "host": this machine; an existing file: hwloc XML; anything
 * else: a synthetic description. */
int hc_topology_load(hc_topology *t, const char *spec, hs_error *err);
void hc_topology_free(hc_topology *t);

/* Writes the hwloc XML of spec's topology to path (for `probe --xml`). */
int hc_topology_export_xml(const char *spec, const char *path, hs_error *err);

unsigned hc_topology_threads_per_core(const hc_topology *t); /* the most any core has */
unsigned hc_topology_numa_pus(const hc_topology *t, unsigned numa);

#endif
