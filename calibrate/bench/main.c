/* hpcsim-bench MODE [key=value ...]: runs one microbenchmark and prints
 * its JSON line. Modes: stream, compute, wakeup, pipe, disk; and stress,
 * the load generator. Common key:
 * seconds= (the measuring window, default 1). Static, so the same binary
 * runs on the host, in a container and inside a VM's initramfs. */
#include <stdio.h>
#include <string.h>

#include "bench.h"

static const struct {
    const char *name;
    int (*run)(const hb_params *p);
    const char *params;
} modes[] = {
    {"stream", hb_stream, "mib=96 (three arrays in total)"},
    {"compute", hb_compute, ""},
    {"wakeup", hb_wakeup, "interval_us=1000"},
    {"pipe", hb_pipe, ""},
    {"disk", hb_disk, "file=hpcsim-bench.disk mib=64 (needs O_DIRECT)"},
    {"stress", hb_stress, "kind=cpu|mem|disk [mib=] [file=] (runs until killed)"},
};

int main(int argc, char **argv)
{
    if (argc >= 2)
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(argv[1], modes[i].name) == 0) {
                hb_params p = {argc - 2, argv + 2};
                for (int k = 0; k < p.n; k++)
                    if (!strchr(p.kv[k], '=')) {
                        fprintf(stderr, "hpcsim-bench: '%s' is not key=value\n", p.kv[k]);
                        return 2;
                    }
                return modes[i].run(&p);
            }
    fputs("usage: hpcsim-bench MODE [seconds=1] [key=value ...]\nmodes:\n", stderr);
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        fprintf(stderr, "  %-8s %s\n", modes[i].name, modes[i].params);
    return 2;
}
