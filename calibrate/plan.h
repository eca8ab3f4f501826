/* A measurement plan: backends × layouts × benchmarks × co-located load
 * (k = 0..K co-runner nodes of each kind) × host load level × repetitions.
 * A point fixes layout, benchmark, load kind, k and host level; a block is
 * one repetition of a point, in which every backend is measured with its
 * load off and on, in random order: paired conditions, minutes apart at
 * most, as the notes require on a noisy host. Blocks run in a random order
 * too. Everything random comes from the seed, so a plan is reproducible
 * and a killed run can be resumed block by block. */
#ifndef HPCSIM_CALIBRATE_PLAN_H
#define HPCSIM_CALIBRATE_PLAN_H

#include <stdio.h>

#include "hpcsim/error.h"
#include "placement.h"

#define HC_LIST_MAX 8
#define HC_NAME_MAX 16

enum hc_host_level { HC_HOST_IDLE, HC_HOST_HALF, HC_HOST_FULL, HC_HOST_N };
const char *hc_host_level_name(enum hc_host_level l);

typedef struct hc_plan_config {
    char backends[HC_LIST_MAX][HC_NAME_MAX];
    unsigned nbackends;
    enum hc_layout layouts[HC_LAYOUT_N];
    unsigned nlayouts;
    char benches[HC_LIST_MAX][HC_NAME_MAX]; /* hpcsim-bench modes, and "launch" */
    unsigned nbenches;
    char kinds[HC_LIST_MAX][HC_NAME_MAX];   /* co-runner stressor kinds: cpu, mem, disk */
    unsigned nkinds;
    unsigned max_corunners;                 /* K */
    enum hc_host_level levels[HC_HOST_N];
    unsigned nlevels;
    unsigned reps, vcpus, housekeeping;
    double seconds;                         /* each benchmark's window */
    unsigned long long seed;
} hc_plan_config;

void hc_plan_config_default(hc_plan_config *c);

/* Parses a comma list into the config (for the CLI). */
int hc_plan_set_list(hc_plan_config *c, const char *what, const char *list, hs_error *err);

typedef struct hc_point {
    enum hc_layout layout;
    unsigned bench;    /* index into cfg.benches */
    int kind;          /* index into cfg.kinds, -1 when k = 0 */
    unsigned k;        /* co-runner nodes */
    enum hc_host_level level;
    char id[96];       /* "pin/compute/mem1/full" */
} hc_point;

typedef struct hc_block {
    unsigned point, rep;
    char id[112]; /* point id + "/r<rep>" */
} hc_block;

typedef struct hc_plan {
    hc_plan_config cfg;
    hc_point *points;
    unsigned npoints;
    hc_block *blocks;  /* in the order they run */
    unsigned nblocks;
    char digest[17];   /* of the plan's description: resume refuses a different plan */
} hc_plan;

int hc_plan_build(hc_plan *p, const hc_plan_config *cfg, hs_error *err);
void hc_plan_free(hc_plan *p);

/* Order of the 2 × nbackends runs of block b: run r is backend
 * order[r] / 2, load on when order[r] is odd. */
void hc_plan_run_order(const hc_plan *p, unsigned b, unsigned *order);

/* Seconds the plan should take (a rough model: window plus setup per run). */
double hc_plan_estimate(const hc_plan *p);

void hc_plan_print(const hc_plan *p, FILE *out);

#endif
