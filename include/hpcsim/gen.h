/* Synthetic workloads: the Lublin–Feitelson (2003) model of rigid jobs
 * (sizes, runtimes correlated with size, a daily arrival cycle) with its
 * published parameter sets (docs/gen.md), seeded, written as SWF. */
#ifndef HPCSIM_GEN_H
#define HPCSIM_GEN_H

#include <stdint.h>

#include "hpcsim/error.h"

#define HS_GEN_MAX_RUNTIME 172800.0 /* 48 h, a common site limit */

/* The model's parameter sets: batch jobs, interactive jobs, both streams
 * interleaved (as the authors' generator does), or the one-type fit. */
enum hs_gen_type { HS_GEN_BATCH, HS_GEN_INTERACTIVE, HS_GEN_BOTH, HS_GEN_TYPELESS };

typedef struct hs_gen_config {
    uint64_t jobs;
    uint32_t nodes;          /* machine size; job sizes are 1..nodes */
    unsigned long long seed;
    double max_runtime;      /* the site's limit, seconds; HS_GEN_MAX_RUNTIME by default */
    double load;             /* target offered load; 0 = the model's own arrival rate */
    const char *command;     /* recorded in the header, so a trace says how it was made */
    enum hs_gen_type type;   /* HS_GEN_BATCH by default */
} hs_gen_config;

/* "batch", "interactive", "both", "typeless"; -1 for another word. */
int hs_gen_type_parse(const char *word, enum hs_gen_type *out);

/* Writes the trace to path (through a temporary name). */
int hs_gen_lublin(const hs_gen_config *cfg, const char *path, hs_error *err);

#endif
