/* Facts about the host recorded next to every measurement: who measured
 * what, where, and whether "native" is itself a guest. */
#ifndef HPCSIM_CALIBRATE_HOSTINFO_H
#define HPCSIM_CALIBRATE_HOSTINFO_H

#include <jansson.h>

#include "topology.h"

/* {"hostname", "kernel", "virtualized" (the CPU's hypervisor flag),
 *  "cgroup": "v1+v2 hybrid" | "v2" | "v1", "topology": {...}} */
json_t *hc_host_facts(const hc_topology *t);
const char *hc_cgroup_layout(void);

#endif
