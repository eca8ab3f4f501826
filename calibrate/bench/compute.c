/* compute: the kernel of NAS EP. Uniform pairs from a 46-bit linear
 * congruential generator (multiplier 5^13, as EP's) are turned into
 * Gaussian pairs by Marsaglia's polar method and counted in square annuli.
 * Pure floating point in registers: what slows it is losing the CPU. */
#include <math.h>
#include <stdio.h>

#include "bench.h"

#define BATCH 65536

static double lcg_next(uint64_t *x)
{
    *x = (*x * 1220703125ull) & ((1ull << 46) - 1); /* 5^13 mod 2^46 */
    return (double)*x / (double)(1ull << 46);
}

int hb_compute(const hb_params *p)
{
    double window = hb_param_double(p, "seconds", 1.0);
    uint64_t x = 271828183;
    double sx = 0, sy = 0, counts[10] = {0};
    unsigned long batches = 0;
    double t0 = hb_now(), t;
    do {
        for (int i = 0; i < BATCH; i++) {
            double u = 2.0 * lcg_next(&x) - 1.0, v = 2.0 * lcg_next(&x) - 1.0;
            double r = u * u + v * v;
            if (r > 1.0 || r == 0.0)
                continue;
            double f = sqrt(-2.0 * log(r) / r), gx = u * f, gy = v * f;
            int ring = (int)fmax(fabs(gx), fabs(gy));
            if (ring < 10)
                counts[ring]++;
            sx += gx;
            sy += gy;
        }
        batches++;
        t = hb_now();
    } while (t - t0 < window);
    double pairs = (double)batches * BATCH;
    char extras[160];
    snprintf(extras, sizeof extras, "\"pairs\":%.0f,\"sx\":%.6g,\"sy\":%.6g,\"q0\":%.0f", pairs, sx, sy, counts[0]);
    hb_emit("compute", "ep_pairs_rate", pairs / (t - t0) / 1e6, "Mpairs/s", true, t - t0, pairs, extras);
    return 0;
}
