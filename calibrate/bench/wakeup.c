/* wakeup: timer wake-up latency, cyclictest-like. Sleeps until an
 * absolute deadline every interval_us and records how late it woke. p50 is
 * the usable figure on a shared host; p99 and max are reported but are
 * mostly host noise (CV 40-230 % here). Throughput is wake-ups per second. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int hb_wakeup(const hb_params *p)
{
    double window = hb_param_double(p, "seconds", 1.0), interval = hb_param_double(p, "interval_us", 1000) * 1e-6;
    size_t cap = (size_t)(window / interval) + 16, n = 0;
    double *lat = malloc(cap * sizeof *lat);
    if (!lat || interval <= 0) {
        hb_emit_error("wakeup", interval <= 0 ? "interval_us must be positive" : "out of memory");
        return 1;
    }
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    double t0 = hb_now(), t = t0;
    while (t - t0 < window && n < cap) {
        long ns = next.tv_nsec + (long)(interval * 1e9);
        next.tv_sec += ns / 1000000000L;
        next.tv_nsec = ns % 1000000000L;
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
        t = hb_now();
        double late = t - ((double)next.tv_sec + (double)next.tv_nsec * 1e-9);
        lat[n++] = late > 0 ? late * 1e6 : 0;
        if (late > interval) /* overslept whole periods: restart from now */
            clock_gettime(CLOCK_MONOTONIC, &next);
    }
    qsort(lat, n, sizeof *lat, cmp);
    double p50 = lat[n / 2], p99 = lat[(size_t)((double)(n - 1) * 0.99)], max = lat[n - 1];
    char extras[160];
    snprintf(extras, sizeof extras, "\"p50_us\":%.3f,\"p99_us\":%.3f,\"max_us\":%.3f,\"interval_us\":%.0f", p50, p99,
             max, interval * 1e6);
    hb_emit("wakeup", "latency_p50", p50, "us", false, t - t0, (double)n, extras);
    free(lat);
    return 0;
}
