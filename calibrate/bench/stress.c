/* stress: a load generator that runs until it is killed. kind=cpu spins
 * on floating point; kind=mem streams a triad over mib= MiB (default 96,
 * beyond the caches) to load memory bandwidth; kind=disk does 4 KiB random
 * O_DIRECT writes to file=. Callers pause and resume it (SIGSTOP/SIGCONT
 * or the cgroup freezer) so that it stays alive for a whole series. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

int hb_stress(const hb_params *p)
{
    const char *kind = hb_param_str(p, "kind", "cpu");
    if (strcmp(kind, "cpu") == 0) {
        volatile double x = 1.0;
        for (;;)
            for (int i = 0; i < 1000000; i++)
                x = x * 1.0000001 + 1e-9;
    }
    if (strcmp(kind, "mem") == 0) {
        size_t n = (size_t)(hb_param_double(p, "mib", 96) * 1048576.0 / 3.0 / sizeof(double));
        double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), *c = malloc(n * sizeof *c);
        if (!a || !b || !c || n < 1024) {
            hb_emit_error("stress", "out of memory");
            return 1;
        }
        for (size_t i = 0; i < n; i++)
            a[i] = 0, b[i] = 1, c[i] = 2;
        for (;;)
            for (size_t i = 0; i < n; i++)
                a[i] = b[i] + 3.0 * c[i];
    }
    if (strcmp(kind, "disk") == 0) {
        const char *path = hb_param_str(p, "file", "hpcsim-stress.disk");
        size_t blocks = (size_t)(hb_param_double(p, "mib", 64) * 256);
        void *buf;
        int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_DIRECT, 0600);
        if (fd < 0 || posix_memalign(&buf, 4096, 4096) != 0 || ftruncate(fd, (off_t)blocks * 4096) < 0) {
            hb_emit_error("stress", "cannot open the file with O_DIRECT");
            return 1;
        }
        memset(buf, 0xa5, 4096);
        uint64_t s = 0x9E3779B97F4A7C15ull;
        for (;;) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            if (pwrite(fd, buf, 4096, (off_t)(s % blocks) * 4096) != 4096)
                return 1;
        }
    }
    hb_emit_error("stress", "kind must be cpu, mem or disk");
    return 2;
}
