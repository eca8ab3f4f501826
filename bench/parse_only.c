/* Reads a trace and does nothing else: the floor under a replay's wall
 * time, printed by bench/replay. Usage: hpcsim-parse TRACE */
#include <stdio.h>

#include "hpcsim/trace.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: hpcsim-parse TRACE\n", stderr);
        return 2;
    }
    hs_trace t;
    hs_error err;
    if (hs_trace_load(&t, argv[1], NULL, NULL, &err) < 0) {
        hs_error_print(stderr, &err);
        return 1;
    }
    printf("%u jobs, %u skipped\n", t.njobs, t.nskipped);
    hs_trace_free(&t);
    return 0;
}
