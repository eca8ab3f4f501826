/* Fuzz target for the SWF reader: the bytes go through the line parser
 * directly, and through the whole loader (reader, header, missing-value
 * rules, cluster checks) from a file, gzip or not: read whole, streamed,
 * and with memory held as units. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "hpcsim/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* 1. line by line through the parser */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        hs_swf_record rec = {.line = 1};
        hs_error err;
        if (hs_swf_parse_line(line, &rec, "fuzz", &err) < 0 && err.text[0] == '\0')
            abort(); /* a failure must say why */
    }
    free(text);

    /* 2. the loader, from a file */
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "%s/hpcsim-fuzz-swf.%ld", fuzz_tmp_dir(), (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    hs_cluster c;
    hs_error err;
    if (hs_cluster_init_uniform(&c, 16, 4, HS_ALLOC_CORES, &err) < 0)
        abort();
    hs_trace t, s;
    hs_trace_options opt = {false, NULL, 0, NULL, NULL, false, false, false}, streamed = opt;
    streamed.stream = true;
    int whole = hs_trace_load(&t, path, &c, &opt, &err);
    if (whole == 0) {
        for (uint32_t i = 0; i < t.njobs; i++)
            if (t.jobs[i].demand == 0 || t.jobs[i].demand > 64 || t.jobs[i].runtime < 0 || t.jobs[i].req_time < 0)
                abort(); /* accepted jobs always fit and have lengths */
    } else if (err.text[0] == '\0') {
        abort();
    }
    /* 3. streamed: the same jobs and the same dropped lines, read twice */
    if (hs_trace_load(&s, path, &c, &streamed, &err) != whole)
        abort();
    if (whole == 0) {
        if (s.njobs != t.njobs || s.nskipped != t.nskipped || s.nrejected != t.nrejected ||
            s.req_time_from_runtime != t.req_time_from_runtime)
            abort();
        for (uint32_t i = 0; i < s.njobs; i++) {
            if (hs_trace_need(&s, i, &err) < 0)
                abort();
            const hs_job *a = hs_trace_job(&s, i), *b = hs_trace_job(&t, i);
            if (a->index != i || a->swf.line != b->swf.line || a->demand != b->demand || a->submit != b->submit)
                abort();
            hs_trace_release(&s, i);
        }
        hs_trace_free(&s);
    }
    /* 4. memory held as units (docs/replay.md "Memory requests") on nodes
     * of 4,000 MB: the same lines read, no fewer units than before for
     * each job kept, and never more memory than its units stand for */
    hs_trace m;
    hs_trace_options units = opt;
    units.memory_as_units = true;
    c.groups[0].memory_mb = 4000;
    if (hs_trace_load(&m, path, &c, &units, &err) != whole)
        abort();
    if (whole == 0) {
        if (m.njobs + m.nrejected != t.njobs + t.nrejected || m.nskipped != t.nskipped ||
            m.demand_from_memory > m.njobs)
            abort();
        for (uint32_t i = 0, k = 0; i < m.njobs; i++) {
            const hs_job *a = &m.jobs[i];
            while (k < t.njobs && t.jobs[k].swf.line != a->swf.line)
                k++;
            if (k == t.njobs || a->demand < t.jobs[k].demand || a->demand > 64 || a->mem_mb > (uint64_t)a->demand * 1000)
                abort();
        }
        hs_trace_free(&m);
        hs_trace_free(&t);
    }
    hs_cluster_free(&c);
    unlink(path);
    return 0;
}
