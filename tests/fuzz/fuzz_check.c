/* Fuzz target for the schedule checker's readers: the bytes become
 * jobs.csv of an output directory whose summary.json counts as many jobs as
 * the bytes have lines, so that rows that parse reach the over-allocation
 * sweep. The checker must answer valid or invalid, never crash. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "hpcsim/check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void put(const char *dir, const char *name, const void *bytes, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(bytes, 1, len, f);
    fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "%s/hpcsim-fuzz-check.%ld", fuzz_tmp_dir(), (long)getpid());
        mkdir(dir, 0777);
    }
    size_t lines = 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    char summary[256];
    int n = snprintf(summary, sizeof summary,
                     "{\"cluster\": {\"units\": 16}, \"kill_at_requested_time\": true,"
                     " \"jobs\": {\"completed\": %zu, \"killed\": 0, \"rejected\": 0, \"skipped\": 0}}",
                     lines ? lines - 1 : 0);
    put(dir, "summary.json", summary, (size_t)n);
    put(dir, "jobs.csv", data, size);
    put(dir, "out.swf", "", 0);
    put(dir, "rejected.csv", "line,job_id,kind,reason\n", 24);
    hs_check_report rep;
    hs_error err;
    if (hs_check_outdir(dir, &rep, &err) < 0 && err.text[0] == '\0')
        abort(); /* a refusal must say why */
    return 0;
}
