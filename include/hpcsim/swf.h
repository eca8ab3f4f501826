/* Reader for the Standard Workload Format of the Parallel Workloads
 * Archive (https://www.cs.huji.ac.il/labs/parallel/workload/swf.html).
 * Plain and gzip files are read as a stream through zlib, a line at a
 * time: the text of a trace is never held in memory. */
#ifndef HPCSIM_SWF_H
#define HPCSIM_SWF_H

#include <stdbool.h>
#include <stdint.h>

#include "hpcsim/error.h"

enum hs_swf_field {
    HS_SWF_JOB_ID = 0,
    HS_SWF_SUBMIT,
    HS_SWF_WAIT,
    HS_SWF_RUN,
    HS_SWF_ALLOC_PROCS,
    HS_SWF_AVG_CPU,
    HS_SWF_USED_MEM,
    HS_SWF_REQ_PROCS,
    HS_SWF_REQ_TIME,
    HS_SWF_REQ_MEM,
    HS_SWF_STATUS,
    HS_SWF_USER,
    HS_SWF_GROUP,
    HS_SWF_APP,
    HS_SWF_QUEUE,
    HS_SWF_PARTITION,
    HS_SWF_PREV_JOB,
    HS_SWF_THINK_TIME,
    HS_SWF_NFIELDS
};

/* The archive's names, used in messages: "field 4 (run_time)". */
const char *hs_swf_field_name(int field);

typedef struct hs_swf_record {
    double f[HS_SWF_NFIELDS]; /* -1 means unknown, as in the format */
    long line;                /* line number in the file */
    /* A pod of a Kubernetes pod list (below): its exact request. */
    bool pod;
    uint32_t pod_gpu_milli;
    uint64_t pod_cpu_milli, pod_mem_mb;
} hs_swf_record;

/* A Kubernetes pod list read as a trace (the Alibaba openb format:
 * name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
 * creation_time,deletion_time,scheduled_time): hs_swf_open recognises
 * its header, and each row becomes a record (docs/replay.md "Kubernetes
 * pod lists"). */
int hs_k8s_pod_parse_line(const char *line, hs_swf_record *rec, const char *source, hs_error *err);
#define HS_K8S_PODS_HEADER                                                                                      \
    "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time"

/* Header comments the simulator uses; -1 where the trace has none. All
 * comment lines are kept verbatim too, so outputs can repeat them. */
typedef struct hs_swf_header {
    long max_nodes;
    long max_procs;
    long max_jobs;
    long max_records;
    long unix_start_time;
    char **comments; /* lines starting with ';', without the newline */
    size_t ncomments;
} hs_swf_header;

typedef struct hs_swf_reader hs_swf_reader;

/* path "-" reads standard input (plain or gzip, as files), which may be
 * opened again: it is kept in an unlinked temporary file. */
hs_swf_reader *hs_swf_open(const char *path, hs_error *err);
void hs_swf_close(hs_swf_reader *r);

enum hs_swf_status {
    HS_SWF_RECORD = 1, /* *rec holds the next job */
    HS_SWF_EOF = 0,
    HS_SWF_BAD_LINE = -1, /* this line is malformed (err says why); reading may go on */
    HS_SWF_IO_ERROR = -2  /* the file cannot be read further (e.g. truncated gzip) */
};

/* Reads the next data line. Comment lines update the header as they pass. */
enum hs_swf_status hs_swf_next(hs_swf_reader *r, hs_swf_record *rec, hs_error *err);

const hs_swf_header *hs_swf_header_of(const hs_swf_reader *r);
void hs_swf_header_free(hs_swf_header *h);

/* Parses one data line (no newline) into rec->f. Exposed for the fuzzer
 * and the tests. Returns 0, or -1 with err naming the field. */
int hs_swf_parse_line(const char *line, hs_swf_record *rec, const char *source, hs_error *err);

#endif
