/* Progress line (progress.h). Redrawn at most four times a second; the
 * engine calls the hook every few thousand instants, so the clock is read
 * rarely. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/progress.h"

#include <stdio.h>
#include <time.h>

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static double started = -1, last_draw;

static void draw(const hs_engine *eng, int final)
{
    double now = wall_now();
    double elapsed = now - started;
    uint64_t done = hs_engine_jobs_ended(eng);
    fprintf(stderr, "\r%llu/%u jobs done, simulated time %.0f s (%.1f days), %.0f jobs/s%s",
            (unsigned long long)done, hs_engine_trace(eng)->njobs, hs_engine_now(eng), hs_engine_now(eng) / 86400.0,
            elapsed > 0 ? (double)done / elapsed : 0.0, final ? "\n" : "   ");
    fflush(stderr);
    last_draw = now;
}

void hs_progress_tick(void *ctx, const hs_engine *eng)
{
    (void)ctx;
    double now = wall_now();
    if (started < 0)
        started = last_draw = now;
    if (now - last_draw >= 0.25)
        draw(eng, 0);
}

void hs_progress_done(const hs_engine *eng)
{
    if (started < 0)
        started = wall_now();
    draw(eng, 1);
}
