/* stream: STREAM's triad a[i] = b[i] + s*c[i] over arrays well beyond the
 * caches (mib=, total over the three; 96 MiB by default reaches the DRAM
 * plateau on our machines). Bandwidth counts 24 bytes per element, as
 * STREAM does: two loads and one store. */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"

int hb_stream(const hb_params *p)
{
    double mib = hb_param_double(p, "mib", 96), window = hb_param_double(p, "seconds", 1.0);
    size_t n = (size_t)(mib * 1048576.0 / 3.0 / sizeof(double));
    if (n < 1024) {
        hb_emit_error("stream", "mib too small");
        return 1;
    }
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
    if (!a || !b || !c) {
        hb_emit_error("stream", "out of memory");
        return 1;
    }
    for (size_t i = 0; i < n; i++) { /* touch every page before timing */
        a[i] = 0;
        b[i] = 1.0;
        c[i] = 2.0;
    }
    const double s = 3.0;
    double t0 = hb_now(), t;
    unsigned long passes = 0;
    do {
        for (size_t i = 0; i < n; i++)
            a[i] = b[i] + s * c[i];
        passes++;
        t = hb_now();
    } while (t - t0 < window);
    double bytes = 24.0 * (double)n * (double)passes;
    char extras[128];
    snprintf(extras, sizeof extras, "\"array_mib\":%.1f,\"passes\":%lu,\"check\":%.1f", mib, passes, a[n / 2]);
    hb_emit("stream", "triad_bandwidth", bytes / (t - t0) / 1e6, "MB/s", true, t - t0, bytes, extras);
    free(a);
    free(b);
    free(c);
    return 0;
}
