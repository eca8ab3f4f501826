/* Helpers shared by the Slurm model's suites (tests/test_slurm_*.c):
 * SWF lines, a small slurm.conf, a replay under --policy slurm, and an
 * error's "file:line: text" check. */
#ifndef HPCSIM_SLURM_TESTLIB_H
#define HPCSIM_SLURM_TESTLIB_H

#include <stddef.h>

#include "testlib.h"

/* One SWF line appended to buf: id submit run procs req user queue partition. */
void job_in_queue(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int queue,
                  int part);
/* The same in no queue (field 15 = -1). */
void job(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int part);
/* dir/slurm.conf: `nodes` nodes of `cpus` CPUs, one partition, with extra
 * SchedulerParameters and extra lines. */
const char *conf(const char *dir, int nodes, int cpus, const char *sched, const char *extra);
/* tl_replay under --policy slurm --policy-conf conf_path. */
void replay(const char *name, const char *conf_path, const char *swf, tl_result *r);
/* The same with --policy-opt KEY=VALUE for each pair of opts, a list of
 * keys and values ended by NULL (NULL: none). */
void replay_with(const char *name, const char *conf_path, const char *swf, const char *const *opts, tl_result *r);
/* Asserts that err, written as "file:line: text" with the file's base
 * name (as the CLI prints it), contains want. */
void says(const hs_error *err, const char *want);

#endif
