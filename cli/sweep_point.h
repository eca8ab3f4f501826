/* One point of a sweep, run in processes of its own (docs/sweep.md):
 * `hpcsim gen` when the point generates its trace, then `hpcsim run`,
 * both this same program, in the point's folder. Whatever happens to
 * them (a bad value, a crash), the sweep only records it: the point's
 * result.json says "ok" with the run's summary, or "failed" with the
 * last line the run wrote on its standard error. */
#ifndef HPCSIM_CLI_SWEEP_POINT_H
#define HPCSIM_CLI_SWEEP_POINT_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "hpcsim/error.h"
#include "sweep_grid.h"

/* DIR/points/NNNN: the folder of point i (width digits, at least 4). */
int sw_point_dir(char *buf, size_t len, const char *out, uint32_t i, uint32_t npoints);

/* Starts point p in dir (made if missing) with self (this program's
 * path); returns the process to wait for, -1 with err when it cannot. The
 * process dies with the sweep (kill -9 included): --resume redoes it. */
pid_t sw_point_start(const char *self, const sw_point *p, const char *dir, hs_error *err);

/* The point's process ended with status (waitpid's): writes
 * dir/result.json and returns its text (the caller frees it); NULL with
 * err when it cannot be written. */
char *sw_point_finish(uint32_t i, const char *dir, int status, hs_error *err);

/* Writes text as dir/result.json, atomically (what MPI's rank 0 does with
 * a result another rank sent). */
int sw_result_write(const char *dir, const char *text, hs_error *err);
/* dir/result.json, or NULL when the point has not run (or its record is
 * unreadable: it then runs again). */
json_t *sw_result_read(const char *dir);

#endif
