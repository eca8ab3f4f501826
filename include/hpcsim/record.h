/* A real scheduler's record of a replayed trace (REAL.csv): one row per
 * job, with when it was submitted, started and ended (seconds from the
 * trace's time 0) and the nodes it ran on, as a host list. `hpcsim
 * slurm-verify` sets the Slurm model's state to this history
 * (docs/slurm-verify.md). The header names the columns, in any order:
 *
 *   job,submit,start,end,nodes[,by][,cpus]
 *
 * `job` is the SWF job number (`swf_id` is read as its other name);
 * `nodes` a host list such as "n[1-4,7]" (quoted when it has a comma);
 * `by`, when present, "main" or "backfill": which of Slurm's schedulers
 * started the job (its log tells), or empty when unknown; `cpus`, when
 * present, the CPUs the job held on each of its nodes in the host list's
 * order, as Slurm's SLURM_JOB_CPUS_PER_NODE says it ("4(x2),1"), or
 * empty when unknown (a record names nodes, not CPUs). Times are
 * read as given, except that a start less than a second before the
 * submission (sacct's whole seconds against a time 0 with a fraction)
 * is read as the submission, its end moved by as much. */
#ifndef HPCSIM_RECORD_H
#define HPCSIM_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "hpcsim/error.h"

enum hs_record_by { HS_BY_UNKNOWN, HS_BY_MAIN, HS_BY_BACKFILL };

typedef struct hs_record_job {
    long job;
    double submit, start, end;
    char *nodes;
    uint32_t nnodes; /* hosts the list names */
    enum hs_record_by by;
    char *cpus; /* "4(x2),1", or NULL when unknown */
    long line; /* in the file, for messages */
} hs_record_job;

typedef struct hs_record {
    hs_record_job *jobs; /* by job number */
    uint32_t njobs;
} hs_record;

/* Reads path (at most 64 MiB). -1 with err naming the file, line and
 * column of the first problem; nothing is kept then. */
int hs_record_read(hs_record *r, const char *path, hs_error *err);
/* The same from text (len bytes); source names it in messages. */
int hs_record_parse(hs_record *r, const char *text, size_t len, const char *source, hs_error *err);
void hs_record_free(hs_record *r);
/* Expands a cpus field ("4(x2),1" -> 4, 4, 1) into out (at most cap
 * entries; out may be NULL to count). Returns how many nodes it covers,
 * or -1 when the text is not such a list. */
long hs_record_cpus_expand(const char *text, uint32_t *out, uint32_t cap);
/* The row of a job number, or NULL. */
const hs_record_job *hs_record_find(const hs_record *r, long job);

#endif
