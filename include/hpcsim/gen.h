/* Synthetic workloads: the Lublin–Feitelson (2003) model of rigid batch
 * jobs (sizes, runtimes correlated with size, a daily arrival cycle),
 * seeded, written as SWF. */
#ifndef HPCSIM_GEN_H
#define HPCSIM_GEN_H

#include <stdint.h>

#include "hpcsim/error.h"

#define HS_GEN_MAX_RUNTIME 172800.0 /* 48 h, a common site limit */

typedef struct hs_gen_config {
    uint64_t jobs;
    uint32_t nodes;          /* machine size; job sizes are 1..nodes */
    unsigned long long seed;
    double max_runtime;      /* the site's limit, seconds; HS_GEN_MAX_RUNTIME by default */
    double load;             /* target offered load; 0 = the model's own arrival rate */
    const char *command;     /* recorded in the header, so a trace says how it was made */
} hs_gen_config;

/* Writes the trace to path (through a temporary name). */
int hs_gen_lublin(const hs_gen_config *cfg, const char *path, hs_error *err);

#endif
