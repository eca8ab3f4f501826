/* The guest image and the guest's console protocol: the initramfs is
 * read back with a cpio reader of its own (so the writer cannot fool
 * it) and must hold init, static busybox and hpcsim-bench, /dev/console
 * as device 5:1 and the virtio modules in load order; a second request
 * comes from the cache; a changed benchmark binary makes a new image;
 * the console parser takes exactly what lies between the markers. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backends/kvm_image.h"
#include "testlib.h"

typedef struct entry {
    char name[256];
    unsigned mode, rmaj, rmin;
    size_t size;
    const char *data;
} entry;

static unsigned hex8(const char *p)
{
    char b[9];
    memcpy(b, p, 8);
    b[8] = '\0';
    return (unsigned)strtoul(b, NULL, 16);
}

/* Reads newc entries until the trailer; returns how many. */
static int read_cpio(const char *buf, size_t len, entry *out, int cap)
{
    size_t off = 0;
    int n = 0;
    while (off + 110 <= len && n < cap) {
        ck_assert_msg(memcmp(buf + off, "070701", 6) == 0, "bad magic at offset %zu", off);
        const char *h = buf + off;
        entry *e = &out[n];
        e->mode = hex8(h + 14);
        e->size = hex8(h + 54);
        e->rmaj = hex8(h + 78);
        e->rmin = hex8(h + 86);
        unsigned namesize = hex8(h + 94);
        snprintf(e->name, sizeof e->name, "%s", h + 110);
        off = (off + 110 + namesize + 3) & ~(size_t)3;
        e->data = buf + off;
        off = (off + e->size + 3) & ~(size_t)3;
        if (strcmp(e->name, "TRAILER!!!") == 0)
            return n;
        n++;
    }
    ck_abort_msg("no trailer");
    return n;
}

static const entry *find(const entry *e, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(e[i].name, name) == 0)
            return &e[i];
    return NULL;
}

START_TEST(image_contents_cache_and_rebuild)
{
    setenv("HPCSIM_CACHE", tl_tmpdir("guest-cache"), 1);
    hc_guest_image a, b, c;
    hs_error err;
    ck_assert_msg(hc_guest_image_get(HS_GUEST_BENCH, &a, &err) == 0, "%s: %s", err.source, err.text);
    ck_assert_int_eq(a.built, 1);
    size_t len;
    char *cpio = tl_read(a.initrd, &len);
    ck_assert_ptr_nonnull(cpio);
    entry e[64];
    int n = read_cpio(cpio, len, e, 64);
    const entry *init = find(e, n, "init"), *con = find(e, n, "dev/console");
    ck_assert_ptr_nonnull(init);
    ck_assert_msg(strncmp(init->data, "#!/bin/busybox sh\n", 18) == 0, "init is not a busybox script");
    ck_assert_ptr_nonnull(con);
    ck_assert_uint_eq(con->mode & S_IFMT, S_IFCHR);
    ck_assert_uint_eq(con->rmaj, 5);
    ck_assert_uint_eq(con->rmin, 1);
    size_t bench_len;
    char *bench = tl_read(HS_GUEST_BENCH, &bench_len);
    const entry *gb = find(e, n, "bin/hpcsim-bench");
    ck_assert_ptr_nonnull(gb);
    ck_assert_uint_eq(gb->size, bench_len);
    ck_assert(memcmp(gb->data, bench, bench_len) == 0);
    ck_assert_uint_eq(gb->mode & 0777, 0755);
    ck_assert_ptr_nonnull(find(e, n, "bin/busybox"));
    /* modules: virtio_blk after what it needs */
    const entry *order = find(e, n, "lib/modules/order");
    ck_assert_ptr_nonnull(order);
    char text[1024];
    snprintf(text, sizeof text, "%.*s", (int)order->size, order->data);
    const char *ring = strstr(text, "virtio_ring.ko"), *blk = strstr(text, "virtio_blk.ko");
    ck_assert_msg(ring && blk && ring < blk, "module order:\n%s", text);
    ck_assert_ptr_nonnull(find(e, n, "lib/modules/virtio_blk.ko"));
    free(cpio);

    /* again: from the cache, same hash */
    ck_assert_int_eq(hc_guest_image_get(HS_GUEST_BENCH, &b, &err), 0);
    ck_assert_int_eq(b.built, 0);
    ck_assert_str_eq(a.hash, b.hash);
    /* a changed benchmark binary is a new guest */
    const char *dir = tl_tmpdir("bench-copy");
    char copy[1200];
    snprintf(copy, sizeof copy, "%s/hpcsim-bench", dir);
    FILE *f = fopen(copy, "wb");
    fwrite(bench, 1, bench_len, f);
    fputc(0, f); /* one byte more: still the same ELF, another file */
    fclose(f);
    ck_assert_int_eq(hc_guest_image_get(copy, &c, &err), 0);
    ck_assert_int_eq(c.built, 1);
    ck_assert_str_ne(a.hash, c.hash);
    free(bench);
}
END_TEST

START_TEST(only_static_binaries)
{
    ck_assert_int_eq(hc_elf_is_static(HS_GUEST_BENCH), 1);
    ck_assert_int_eq(hc_elf_is_static("/bin/ls"), 0); /* dynamic */
    ck_assert_int_eq(hc_elf_is_static("/etc/hostname"), 0); /* not ELF */
    ck_assert_int_eq(hc_elf_is_static("/nonexistent"), 0);
    hc_guest_image img;
    hs_error err;
    ck_assert_int_eq(hc_guest_image_get("/bin/ls", &img, &err), -1);
    ck_assert_str_eq(err.source, "/bin/ls");
    ck_assert_msg(strstr(err.text, "static") != NULL, "%s", err.text);
}
END_TEST

START_TEST(console_markers)
{
    char out[256];
    int ready;
    const char *full = "SeaBIOS\r\n[ 0.1] noise\r\n" HC_GUEST_READY "\r\n" HC_GUEST_BEGIN "\r\n{\"value\":1}\r\n" HC_GUEST_END
                       " 0\r\n[ 4.4] reboot: Power down\r\n";
    ck_assert_int_eq(hc_guest_result(full, out, sizeof out, &ready), 0);
    ck_assert_int_eq(ready, 1);
    ck_assert_str_eq(out, "{\"value\":1}\n");
    /* no end marker: the guest died mid-benchmark */
    ck_assert_int_eq(hc_guest_result(HC_GUEST_READY "\n" HC_GUEST_BEGIN "\n{\"val", out, sizeof out, &ready), -1);
    ck_assert_int_eq(ready, 1);
    /* a marker inside a longer word does not count */
    ck_assert_int_eq(hc_guest_result("x" HC_GUEST_READY "\nHPCSIM-RESULT-BEGINX\n", out, sizeof out, &ready), -1);
    ck_assert_int_eq(ready, 0);
    /* nothing at all */
    ck_assert_int_eq(hc_guest_result("", out, sizeof out, &ready), -1);
    ck_assert_str_eq(out, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("kvm_image");
    TCase *tc = tcase_create("image");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, image_contents_cache_and_rebuild);
    tcase_add_test(tc, only_static_binaries);
    tcase_add_test(tc, console_markers);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
