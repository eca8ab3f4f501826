/* A QOS file: a site's quality-of-service levels, as
 *   sacctmgr -nP show qos format=name,priority,usagefactor
 * prints them: one QOS per line, `Name|Priority[|UsageFactor]`. A trace
 * names no QOS, so a job's comes from its SWF queue number (field 15):
 * queue n (n >= 1) is the n-th line, as partition n is the n-th
 * PartitionName; other jobs get the QOS named "normal" (Slurm's default
 * QOS), else the first line. The QOS factor of priority/multifactor is
 * Priority over the largest Priority of the file; UsageFactor (default 1)
 * scales the usage a job charges to fair-share. */
#ifndef HPCSIM_SLURM_QOS_FILE_H
#define HPCSIM_SLURM_QOS_FILE_H

#include <stdint.h>

#include "hpcsim/error.h"

typedef struct sl_qos {
    char *name;
    uint32_t priority;
    double usage_factor;
} sl_qos;

typedef struct sl_qos_file {
    sl_qos *q;        /* in file order */
    uint32_t n;
    uint32_t fallback; /* "normal", else 0 */
    uint32_t max_priority;
} sl_qos_file;

int sl_qos_file_parse(sl_qos_file *f, const char *text, const char *source, hs_error *err);
int sl_qos_file_load(sl_qos_file *f, const char *path, hs_error *err);
void sl_qos_file_free(sl_qos_file *f);
/* The QOS of a job in SWF queue `queue` (f->n must be > 0). */
uint32_t sl_qos_file_route(const sl_qos_file *f, double queue);

#endif
