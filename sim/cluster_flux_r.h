/* A Flux resource set (RFC 20 "R", version 1) as a cluster: read by
 * hs_cluster_parse_json when a JSON description has the keys "version"
 * and "execution" (cluster_flux_r.c). Private to sim/. */
#ifndef HPCSIM_SIM_CLUSTER_FLUX_R_H
#define HPCSIM_SIM_CLUSTER_FLUX_R_H

#include <jansson.h>

#include "hpcsim/cluster.h"

/* Whether root is a Flux resource set rather than our cluster format. */
int hs_cluster_is_flux_r(const json_t *root);
/* Fills c (zeroed by the caller) from R; on error c is left for the
 * caller to free. */
int hs_cluster_from_flux_r(hs_cluster *c, const json_t *root, const char *src, hs_error *err);

#endif
