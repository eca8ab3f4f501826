/* One row of a Kubernetes pod list as a trace record (swf.h). The
 * record's SWF fields are what an archive would say of the pod: job id =
 * its row, submit = creation_time, wait = scheduled - creation, run =
 * deletion - scheduled (unknown when it was never scheduled: the pod is
 * then skipped, as an SWF job of unknown length is), processors =
 * ceil(cpu_milli / 1000), memory in kB per processor, queue = its QoS
 * class (1 LS, 2 BE, 3 Burstable, 4 Guaranteed). Its exact request rides
 * along in rec->pod_* (docs/replay.md "Kubernetes pod lists"). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/swf.h"

#define NCOLS 11

static const char *const columns[NCOLS] = {"name",      "cpu_milli", "memory_mib",    "num_gpu",
                                           "gpu_milli", "gpu_spec",  "qos",           "pod_phase",
                                           "creation_time", "deletion_time", "scheduled_time"};

/* A whole number in [0, max]; an empty text is -1 when `empty_ok`. */
static int whole(const char *text, long long max, bool empty_ok, long long *out)
{
    if (!*text) {
        *out = -1;
        return empty_ok ? 0 : -1;
    }
    if (*text < '0' || *text > '9')
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end || v > max)
        return -1;
    *out = v;
    return 0;
}

int hs_k8s_pod_parse_line(const char *line, hs_swf_record *rec, const char *source, hs_error *err)
{
    char buf[1024];
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len >= sizeof buf)
        return hs_error_set(err, source, rec->line, 0, "a pod row longer than %zu bytes", sizeof buf - 1);
    memcpy(buf, line, len);
    buf[len] = 0;
    char *col[NCOLS];
    int n = 0;
    for (char *p = buf;; p++) {
        if (n == NCOLS)
            return hs_error_set(err, source, rec->line, 0, "more than %d columns", NCOLS);
        col[n++] = p;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = 0;
    }
    if (n != NCOLS)
        return hs_error_set(err, source, rec->line, 0, "%d columns, expected %d (%s)", n, NCOLS, HS_K8S_PODS_HEADER);
    long long v[NCOLS];
    static const long long max[NCOLS] = {0, 1ll << 30, 1ll << 40, 1 << 16, 1000, 0, 0, 0, 1ll << 40, 1ll << 40, 1ll << 40};
    for (int i = 1; i < NCOLS; i++) {
        if (i == 5 || i == 6 || i == 7)
            continue;
        if (whole(col[i], max[i], i == 10, &v[i]) < 0)
            return hs_error_set(err, source, rec->line, 0, "column %s: '%s' is not a whole number in range",
                                columns[i], col[i]);
    }
    if (!*col[0])
        return hs_error_set(err, source, rec->line, 0, "column name: empty");
    static const char *const qos[] = {"LS", "BE", "Burstable", "Guaranteed"};
    int q = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(col[6], qos[i]))
            q = i + 1;
    if (q < 0)
        return hs_error_set(err, source, rec->line, 0, "column qos: '%s' is not LS, BE, Burstable or Guaranteed",
                            col[6]);
    long long create = v[8], del = v[9], sched = v[10];
    if (sched >= 0 && (sched < create || del < sched))
        return hs_error_set(err, source, rec->line, 0,
                            "columns creation_time, scheduled_time, deletion_time: not in that order");
    for (int i = 0; i < HS_SWF_NFIELDS; i++)
        rec->f[i] = -1;
    double procs = v[1] > 0 ? ceil((double)v[1] / 1000) : 1;
    rec->f[HS_SWF_JOB_ID] = (double)rec->line - 1; /* the header is line 1 */
    rec->f[HS_SWF_SUBMIT] = (double)create;
    rec->f[HS_SWF_WAIT] = sched >= 0 ? (double)(sched - create) : -1;
    rec->f[HS_SWF_RUN] = sched >= 0 ? (double)(del - sched) : -1;
    rec->f[HS_SWF_ALLOC_PROCS] = procs;
    rec->f[HS_SWF_REQ_PROCS] = procs;
    rec->f[HS_SWF_REQ_MEM] = v[2] > 0 ? (double)v[2] * 1024 / procs : -1;
    rec->f[HS_SWF_STATUS] = 1;
    rec->f[HS_SWF_QUEUE] = q;
    rec->pod = true;
    rec->pod_cpu_milli = (uint64_t)v[1];
    rec->pod_mem_mb = (uint64_t)v[2];
    rec->pod_gpu_milli = (uint32_t)(v[3] * v[4]);
    return 0;
}
