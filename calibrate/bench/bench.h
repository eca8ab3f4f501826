/* hpcsim-bench: our own microbenchmarks, one static binary, one mode per
 * benchmark. Every mode measures throughput over a fixed window of wall
 * time (work done / time taken), never per-iteration medians: with a CPU
 * hog on the same CPU a per-pass median moved 1.05x while real throughput
 * halved (docs/calibration.md). Each prints one JSON line. */
#ifndef HPCSIM_BENCH_H
#define HPCSIM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* key=value parameters from the command line (or a kernel command line). */
typedef struct hb_params {
    int n;
    char **kv;
} hb_params;

double hb_param_double(const hb_params *p, const char *key, double def);
const char *hb_param_str(const hb_params *p, const char *key, const char *def);

double hb_now(void); /* CLOCK_MONOTONIC, seconds */

/* One result line: {"bench":..., "metric":..., "value":..., "unit":...,
 * "higher_is_better":..., "seconds":..., "work":..., <extras>, "cpus_allowed":...}.
 * extras is already-formatted JSON members ("\"a\":1,\"b\":2") or "". */
void hb_emit(const char *bench, const char *metric, double value, const char *unit, bool higher_is_better,
             double seconds, double work, const char *extras);
void hb_emit_error(const char *bench, const char *message);

int hb_stream(const hb_params *p);
int hb_compute(const hb_params *p);
int hb_wakeup(const hb_params *p);
int hb_pipe(const hb_params *p);
int hb_disk(const hb_params *p);
int hb_stress(const hb_params *p); /* a load generator: never returns unless it fails */

#endif
