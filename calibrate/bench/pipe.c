/* pipe: ping-pong of one byte between two processes through two pipes,
 * as hackbench's pipe mode does at scale: a round trip is two wake-ups
 * and two context switches, so it measures the scheduler's latency. */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

int hb_pipe(const hb_params *p)
{
    double window = hb_param_double(p, "seconds", 1.0);
    int ping[2], pong[2];
    if (pipe(ping) < 0 || pipe(pong) < 0) {
        hb_emit_error("pipe", "pipe() failed");
        return 1;
    }
    pid_t child = fork();
    if (child < 0) {
        hb_emit_error("pipe", "fork() failed");
        return 1;
    }
    char c = 'x';
    if (child == 0) { /* echo every byte back until the parent closes */
        close(ping[1]);
        close(pong[0]);
        while (read(ping[0], &c, 1) == 1)
            if (write(pong[1], &c, 1) != 1)
                break;
        _exit(0);
    }
    close(ping[0]);
    close(pong[1]);
    unsigned long trips = 0;
    double t0 = hb_now(), t;
    do {
        for (int i = 0; i < 256; i++) {
            if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1) {
                hb_emit_error("pipe", "the echo process went away");
                kill(child, SIGKILL);
                return 1;
            }
        }
        trips += 256;
        t = hb_now();
    } while (t - t0 < window);
    close(ping[1]);
    waitpid(child, NULL, 0);
    char extras[96];
    snprintf(extras, sizeof extras, "\"round_trip_us\":%.3f", (t - t0) / (double)trips * 1e6);
    hb_emit("pipe", "round_trips", (double)trips / (t - t0), "1/s", true, t - t0, (double)trips, extras);
    return 0;
}
