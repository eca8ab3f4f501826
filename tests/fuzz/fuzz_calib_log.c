/* Fuzz target for the calibration log's readers (measurements.jsonl):
 * what `fit` and `report` load (hc_runs_load) and what `run --resume`
 * skips (hc_runs_done_blocks). A log cut anywhere by a kill, or damaged,
 * must read as far as it is whole, never crash; a refusal says why. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "runs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "%s/hpcsim-fuzz-calib-log.%ld", fuzz_tmp_dir(), (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    hc_runs r;
    hs_error err;
    if (hc_runs_load(path, &r, &err) == 0) {
        if (r.n > lines || r.nblocks > lines)
            abort(); /* at most one record per line */
        for (unsigned i = 0; i < r.n; i++) {
            int found = 0;
            for (unsigned b = 0; b < r.nblocks && !found; b++)
                found = strcmp(r.runs[i].block, r.blocks[b]) == 0 &&
                        strcmp(r.runs[i].attempt, r.block_attempts[b]) == 0;
            if (!found)
                abort(); /* only the runs of the attempt that completed a block */
        }
        hc_runs_free(&r);
    } else if (err.text[0] == '\0') {
        abort();
    }

    char **done = NULL;
    unsigned n = 0;
    int rc = hc_runs_done_blocks(path, "0123456789abcdef", &done, &n, &err);
    if (rc < 0 && err.text[0] == '\0')
        abort();
    for (unsigned i = 0; i < n; i++) {
        if (!done[i])
            abort();
        free(done[i]);
    }
    free(done);
    unlink(path);
    return 0;
}
