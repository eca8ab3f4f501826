/* disk: 4 KiB random reads, then random writes, with O_DIRECT (no page
 * cache) on a file of mib= MiB, fio-like; half the window each. The
 * figure is the mean of read and write IOPS; both are reported. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define BLOCK 4096

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static double phase(int fd, void *buf, uint64_t blocks, double window, int writing, uint64_t *seed)
{
    unsigned long ops = 0;
    double t0 = hb_now(), t;
    do {
        for (int i = 0; i < 64; i++) {
            off_t off = (off_t)(xorshift(seed) % blocks) * BLOCK;
            ssize_t r = writing ? pwrite(fd, buf, BLOCK, off) : pread(fd, buf, BLOCK, off);
            if (r != BLOCK)
                return -1;
        }
        ops += 64;
        t = hb_now();
    } while (t - t0 < window);
    return (double)ops / (t - t0);
}

int hb_disk(const hb_params *p)
{
    double window = hb_param_double(p, "seconds", 1.0), mib = hb_param_double(p, "mib", 64);
    const char *path = hb_param_str(p, "file", "hpcsim-bench.disk");
    uint64_t blocks = (uint64_t)(mib * 1048576.0 / BLOCK);
    void *buf;
    if (blocks < 16 || posix_memalign(&buf, BLOCK, BLOCK) != 0) {
        hb_emit_error("disk", "mib too small, or out of memory");
        return 1;
    }
    memset(buf, 0x5a, BLOCK);
    /* Lay the file out with ordinary writes first, so reads hit real blocks. */
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        hb_emit_error("disk", "cannot create the test file");
        return 1;
    }
    for (uint64_t b = 0; b < blocks; b++)
        if (write(fd, buf, BLOCK) != BLOCK) {
            close(fd);
            unlink(path);
            hb_emit_error("disk", "cannot fill the test file");
            return 1;
        }
    fsync(fd);
    close(fd);
    fd = open(path, O_RDWR | O_DIRECT);
    if (fd < 0) {
        unlink(path);
        hb_emit_error("disk", errno == EINVAL ? "O_DIRECT is not supported on this file system" : "cannot reopen");
        return 1;
    }
    uint64_t seed = 88172645463325252ull;
    double t0 = hb_now();
    double rd = phase(fd, buf, blocks, window / 2, 0, &seed), wr = phase(fd, buf, blocks, window / 2, 1, &seed);
    double t = hb_now();
    close(fd);
    unlink(path);
    free(buf);
    if (rd < 0 || wr < 0) {
        hb_emit_error("disk", "short read or write");
        return 1;
    }
    char extras[128];
    snprintf(extras, sizeof extras, "\"read_iops\":%.1f,\"write_iops\":%.1f,\"file_mib\":%.0f", rd, wr, mib);
    hb_emit("disk", "iops_4k_random", (rd + wr) / 2, "IOPS", true, t - t0, (rd + wr) / 2 * (t - t0), extras);
    return 0;
}
