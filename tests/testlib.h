/* Helpers shared by the Check suites: scratch directories, inline
 * fixtures, running the `hpcsim` binary, and replaying a small trace
 * through the library with the checker run on its outputs. */
#ifndef HPCSIM_TESTLIB_H
#define HPCSIM_TESTLIB_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/run.h"
#include "hpcsim/trace.h"

/* A fresh empty directory under the build tree, named after `name`. */
const char *tl_tmpdir(const char *name);
/* Writes text to dir/name and returns the path (static storage, rotates over 8). */
const char *tl_write(const char *dir, const char *name, const char *text);
bool tl_exists(const char *path);
/* Reads a whole file (caller frees); NULL when missing. */
char *tl_read(const char *path, size_t *len);

/* Runs HS_CLI with argv (NULL-terminated, argv[0] excluded); returns the
 * exit status and stores stderr in *err_text (caller frees). */
int tl_cli(char **err_text, const char *const *argv);

/* Replays swf_text with cfg (trace_path and out_dir are filled in), runs
 * the checker on the outputs, and loads the job rows back: start[i] is the
 * start of the job with id i+1 (ids 1..n), -1 if it did not run. */
#define TL_MAX_JOBS 1024
typedef struct tl_result {
    double start[TL_MAX_JOBS];
    double end[TL_MAX_JOBS];
    char alloc[TL_MAX_JOBS][64]; /* allocated_resources text */
    char state[TL_MAX_JOBS][32];
    hs_metrics m;
} tl_result;
void tl_replay(const char *name, const char *swf_text, hs_run_config *cfg, tl_result *res);

/* True when ../shared/traces is there; otherwise prints why the caller skips. */
bool tl_shared_traces(const char *who);

/* Appends one SWF line to buf: id submit run procs req (the rest unknown). */
void tl_swf_job(char *buf, size_t cap, int id, double submit, double run, int procs, double req);

/* The highest online CPU, as a Linux CPU list ("1" on a 2-CPU host). */
void tl_last_cpu(char *out, size_t cap);

/* Runs a suite built by make(); returns the process exit status. */
int tl_run_suite(Suite *s);

#endif
