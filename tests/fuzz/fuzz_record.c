/* Fuzz target for the real-record reader (REAL.csv of hpcsim
 * slurm-verify, sim/record.c): any bytes either fail with a message
 * naming the source and a line, or give jobs sorted by number, each once,
 * with submit <= start <= end, a host list, CPUs per node that expand,
 * and a row findable by its number. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_record r;
    hs_error err = {0};
    if (hs_record_parse(&r, (const char *)data, size, "fuzz.csv", &err) < 0) {
        if (!err.text[0] || (strcmp(err.source, "fuzz.csv") != 0 && strcmp(err.text, "out of memory") != 0) ||
            r.jobs || r.njobs)
            abort();
        return 0;
    }
    if (r.njobs == 0)
        abort();
    for (uint32_t i = 0; i < r.njobs; i++) {
        const hs_record_job *j = &r.jobs[i];
        if ((i && j->job <= r.jobs[i - 1].job) || j->job < 1 || !(j->submit <= j->start && j->start <= j->end) ||
            !j->nodes || !j->nodes[0] || j->line < 2 || hs_record_find(&r, j->job) != j)
            abort();
        /* CPUs per node, when given: as many as the host list names, each at least one */
        uint32_t per_node[8];
        long n = j->cpus ? hs_record_cpus_expand(j->cpus, per_node, 8) : 0;
        if (n < 0 || (j->cpus && n == 0))
            abort();
        for (long k = 0; k < n && k < 8; k++)
            if (per_node[k] < 1)
                abort();
    }
    hs_record_free(&r);
    return 0;
}
