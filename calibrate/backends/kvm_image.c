/* The guest image (kvm_image.h). The initramfs is written by hand in the
 * kernel's "newc" cpio format (Documentation/driver-api/early-userspace):
 * a 110-byte ASCII header per entry, name and data each padded to 4
 * bytes. Doing it here rather than through cpio(1) lets us add
 * /dev/console as a device node without creating one on the host (the
 * kernel opens it for init's stdout before any devtmpfs is mounted), and
 * keeps the archive byte-identical for identical inputs (mtime 0). */
#define _GNU_SOURCE
#include "kvm_image.h"

#include "fsutil.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#define IMAGE_FORMAT "hpcsim-guest-2"

/* Words after "--" on the kernel command line are init's arguments. */
static const char init_script[] =
    "#!/bin/busybox sh\n"
    "# hpcsim guest: run one benchmark, print it between markers, power off.\n"
    "export PATH=/bin\n"
    "/bin/busybox mount -t proc proc /proc\n"
    "/bin/busybox mount -t sysfs sysfs /sys\n"
    "/bin/busybox mount -t devtmpfs devtmpfs /dev\n"
    "/bin/busybox mount -t tmpfs tmpfs /tmp\n"
    "for m in $(/bin/busybox cat /lib/modules/order); do\n"
    "    /bin/busybox insmod /lib/modules/$m 2>/dev/null\n"
    "done\n"
    "case \"$*\" in *file=/dev/vda*)\n" /* the disk appears once virtio has probed it */
    "    i=0; while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do /bin/busybox sleep 0.05; i=$((i+1)); done;;\n"
    "esac\n"
    "echo " HC_GUEST_READY "\n"
    "if [ $# -gt 0 ]; then\n"
    "    cd /tmp\n"
    "    echo " HC_GUEST_BEGIN "\n"
    "    /bin/hpcsim-bench \"$@\"\n"
    "    echo \"" HC_GUEST_END " $?\"\n"
    "fi\n"
    "/bin/busybox poweroff -f\n";

/* The disk benchmark's device and what it needs, in load order. */
static const char *const wanted_modules[] = {"kernel/drivers/virtio/virtio_pci.ko", "kernel/drivers/block/virtio_blk.ko"};

const char *hc_guest_cache_dir(void)
{
    const char *d = getenv("HPCSIM_CACHE");
    return d && d[0] ? d : "/var/cache/hpcsim";
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (!bigger)
                free(buf);
            buf = bigger;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

int hc_elf_is_static(const char *path)
{
    char *d;
    size_t n;
    if (read_file(path, &d, &n) < 0)
        return 0;
    int is_static = 0;
    const Elf64_Ehdr *h = (const Elf64_Ehdr *)d;
    if (n >= sizeof *h && memcmp(h->e_ident, ELFMAG, SELFMAG) == 0 && h->e_ident[EI_CLASS] == ELFCLASS64 &&
        h->e_phoff + (uint64_t)h->e_phnum * sizeof(Elf64_Phdr) <= n) {
        is_static = 1;
        const Elf64_Phdr *ph = (const Elf64_Phdr *)(d + h->e_phoff);
        for (unsigned i = 0; i < h->e_phnum; i++)
            if (ph[i].p_type == PT_INTERP)
                is_static = 0;
    }
    free(d);
    return is_static;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/* The kernel and its version (from its file name, for its modules). */
static int find_kernel(char *path, size_t cap, char *version, size_t vcap, hs_error *err)
{
    const char *given = getenv("HPCSIM_GUEST_KERNEL");
    struct utsname u;
    struct stat st;
    if (given && given[0]) {
        snprintf(path, cap, "%s", given);
    } else if (uname(&u) == 0 && snprintf(path, cap, "/boot/vmlinuz-%s", u.release) > 0 && stat(path, &st) == 0) {
        /* the host's own kernel */
    } else {
        DIR *d = opendir("/boot");
        struct dirent *e;
        char best[256] = "";
        while (d && (e = readdir(d)))
            if (strncmp(e->d_name, "vmlinuz-", 8) == 0 && strverscmp(e->d_name, best) > 0)
                snprintf(best, sizeof best, "%s", e->d_name);
        if (d)
            closedir(d);
        if (!best[0])
            return hs_error_set(err, "/boot", 0, 0,
                                "no guest kernel: install linux-image-amd64 (bash .ci/setup deps) or set HPCSIM_GUEST_KERNEL");
        snprintf(path, cap, "/boot/%s", best);
    }
    if (stat(path, &st) != 0)
        return hs_error_set(err, path, 0, 0, "guest kernel: %s", strerror(errno));
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(version, vcap, "%s", strncmp(base, "vmlinuz-", 8) == 0 ? base + 8 : "");
    return 0;
}

int hc_guest_kernel(char *path, size_t cap, hs_error *err)
{
    char version[256];
    return find_kernel(path, cap, version, sizeof version, err);
}

typedef struct cpio {
    FILE *f;
    unsigned ino;
    int failed;
} cpio;

static void cpio_entry(cpio *c, const char *name, unsigned mode, unsigned rmaj, unsigned rmin, const void *data,
                       size_t len)
{
    static const char zeros[4] = {0};
    size_t namesize = strlen(name) + 1;
    if (fprintf(c->f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X", ++c->ino, mode, 0u, 0u, 1u, 0u,
                len, 0u, 0u, rmaj, rmin, namesize, 0u) != 110)
        c->failed = 1;
    if (fwrite(name, 1, namesize, c->f) != namesize || fwrite(zeros, 1, (4 - (110 + namesize) % 4) % 4, c->f) > 3)
        c->failed = 1;
    if (len && (fwrite(data, 1, len, c->f) != len || fwrite(zeros, 1, (4 - len % 4) % 4, c->f) > 3))
        c->failed = 1;
}

/* The modules `rel` needs, dependencies first, appended to list (no repeats). */
static void module_closure(const char *dep_text, const char *rel, char list[][128], unsigned *n, unsigned cap)
{
    for (unsigned i = 0; i < *n; i++)
        if (strcmp(list[i], rel) == 0)
            return;
    char key[160];
    snprintf(key, sizeof key, "\n%s:", rel);
    const char *line = strstr(dep_text, key);
    if (line) {
        const char *p = line + strlen(key), *end = strchr(p, '\n');
        while (p < end) {
            p += strspn(p, " ");
            size_t w = strcspn(p, " \n");
            if (w > 0 && w < 128) {
                char dep[128];
                memcpy(dep, p, w);
                dep[w] = '\0';
                module_closure(dep_text, dep, list, n, cap);
            }
            p += w;
        }
    }
    if (*n < cap)
        snprintf(list[(*n)++], 128, "%s", rel);
}

typedef struct input {
    const char *guest_path;
    char host_path[1024];
    char *data;
    size_t len;
} input;

int hc_guest_image_get(const char *bench_bin, hc_guest_image *img, hs_error *err)
{
    memset(img, 0, sizeof *img);
    char kernel[1024], kver[256];
    if (find_kernel(kernel, sizeof kernel, kver, sizeof kver, err) < 0)
        return -1;
    if (!hc_elf_is_static("/bin/busybox"))
        return hs_error_set(err, "/bin/busybox", 0, 0, "not a static binary: install busybox-static");
    if (!hc_elf_is_static(bench_bin))
        return hs_error_set(err, bench_bin, 0, 0, "the guest needs a static hpcsim-bench");

    /* Inputs: kernel, busybox, benchmark, then the modules (optional: a
     * kernel without them only loses the disk benchmark). */
    input in[16];
    unsigned nin = 0;
    in[nin++] = (input){"vmlinuz", "", NULL, 0};
    snprintf(in[0].host_path, sizeof in[0].host_path, "%s", kernel);
    in[nin++] = (input){"bin/busybox", "/bin/busybox", NULL, 0};
    in[nin] = (input){"bin/hpcsim-bench", "", NULL, 0};
    snprintf(in[nin++].host_path, sizeof in[0].host_path, "%s", bench_bin);
    char mods[8][128];
    unsigned nmods = 0;
    char depfile[1400];
    snprintf(depfile, sizeof depfile, "/lib/modules/%s/modules.dep", kver);
    char *dep_text;
    size_t dep_len;
    if (kver[0] && read_file(depfile, &dep_text, &dep_len) == 0) {
        char *text = malloc(dep_len + 2); /* a leading newline lets every entry be found as "\nname:" */
        if (text) {
            text[0] = '\n';
            memcpy(text + 1, dep_text, dep_len);
            text[dep_len + 1] = '\0';
            for (size_t i = 0; i < sizeof wanted_modules / sizeof wanted_modules[0]; i++)
                module_closure(text, wanted_modules[i], mods, &nmods, 8);
            free(text);
        }
        free(dep_text);
    }
    char order[1024] = "", guest_names[8][160];
    size_t olen = 0;
    for (unsigned i = 0; i < nmods; i++) {
        const char *slash = strrchr(mods[i], '/'), *base = slash ? slash + 1 : mods[i];
        in[nin] = (input){NULL, "", NULL, 0};
        if (snprintf(in[nin].host_path, sizeof in[nin].host_path, "/lib/modules/%s/%s", kver, mods[i]) >=
                (int)sizeof in[nin].host_path ||
            snprintf(guest_names[i], sizeof guest_names[i], "lib/modules/%s", base) >= (int)sizeof guest_names[i])
            continue; /* cannot be a real module path */
        in[nin++].guest_path = guest_names[i];
        int w = snprintf(order + olen, sizeof order - olen, "%s\n", base);
        if (w > 0 && (size_t)w < sizeof order - olen)
            olen += (size_t)w;
    }
    uint64_t h = fnv1a(0xcbf29ce484222325ULL, IMAGE_FORMAT, sizeof IMAGE_FORMAT);
    h = fnv1a(h, init_script, sizeof init_script);
    h = fnv1a(h, order, olen);
    int rc = -1;
    for (unsigned i = 0; i < nin; i++) {
        if (read_file(in[i].host_path, &in[i].data, &in[i].len) < 0) {
            if (i >= 3) { /* a missing module: no disk benchmark, still a guest */
                in[i].len = 0;
                continue;
            }
            hs_error_set(err, in[i].host_path, 0, 0, "cannot read: %s", strerror(errno));
            goto out;
        }
        h = fnv1a(h, in[i].guest_path, strlen(in[i].guest_path));
        h = fnv1a(h, in[i].data, in[i].len);
    }
    snprintf(img->hash, sizeof img->hash, "%016llx", (unsigned long long)h);
    char dir[900];
    if (snprintf(dir, sizeof dir, "%s/guest-%s", hc_guest_cache_dir(), img->hash) >= (int)sizeof dir) {
        hs_error_set(err, hc_guest_cache_dir(), 0, 0, "cache folder path too long");
        goto out;
    }
    snprintf(img->kernel, sizeof img->kernel, "%s/vmlinuz", dir);
    snprintf(img->initrd, sizeof img->initrd, "%s/initrd.cpio", dir);
    struct stat st;
    if (stat(img->initrd, &st) == 0 && stat(img->kernel, &st) == 0) {
        rc = 0;
        goto out;
    }
    /* Built in a temporary folder renamed into place, so a kill never
     * leaves a half-written guest under a valid name. */
    char tmp[1300];
    snprintf(tmp, sizeof tmp, "%s.tmp%d", dir, (int)getpid());
    if (mkdir(hc_guest_cache_dir(), 0755) < 0 && errno != EEXIST) {
        hs_error_set(err, hc_guest_cache_dir(), 0, 0, "cannot create: %s", strerror(errno));
        goto out;
    }
    if (mkdir(tmp, 0755) < 0) {
        hs_error_set(err, tmp, 0, 0, "cannot create: %s", strerror(errno));
        goto out;
    }
    char path[1400];
    snprintf(path, sizeof path, "%s/vmlinuz", tmp);
    FILE *k = fopen(path, "wb");
    int ok = k && fwrite(in[0].data, 1, in[0].len, k) == in[0].len;
    ok = (k && fclose(k) == 0) && ok;
    snprintf(path, sizeof path, "%s/initrd.cpio", tmp);
    cpio c = {fopen(path, "wb"), 0, 0};
    if (ok && c.f) {
        static const char *const dirs[] = {"bin", "dev", "lib", "lib/modules", "proc", "sys", "tmp"};
        for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++)
            cpio_entry(&c, dirs[i], S_IFDIR | 0755, 0, 0, NULL, 0);
        cpio_entry(&c, "dev/console", S_IFCHR | 0600, 5, 1, NULL, 0);
        cpio_entry(&c, "init", S_IFREG | 0755, 0, 0, init_script, sizeof init_script - 1);
        for (unsigned i = 1; i < nin; i++)
            if (in[i].len)
                cpio_entry(&c, in[i].guest_path, S_IFREG | 0755, 0, 0, in[i].data, in[i].len);
        cpio_entry(&c, "lib/modules/order", S_IFREG | 0644, 0, 0, order, olen);
        cpio_entry(&c, "TRAILER!!!", 0, 0, 0, NULL, 0);
    }
    ok = ok && c.f && !c.failed;
    ok = (c.f && fclose(c.f) == 0) && ok;
    if (!ok || rename(tmp, dir) < 0) {
        int saved = errno;
        hc_remove_tree(tmp); /* reported below either way */
        struct stat again;
        if (stat(img->initrd, &again) == 0) { /* another run built it meanwhile */
            rc = 0;
            goto out;
        }
        hs_error_set(err, dir, 0, 0, "cannot write the guest image: %s", strerror(saved));
        goto out;
    }
    img->built = 1;
    rc = 0;
out:
    for (unsigned i = 0; i < nin; i++)
        free(in[i].data);
    return rc;
}

/* The next line of text (without its \r\n); NULL at the end. */
static const char *next_line(const char *p, const char **end)
{
    if (!*p)
        return NULL;
    const char *nl = strchr(p, '\n');
    *end = nl ? nl : p + strlen(p);
    return p;
}

static int line_is(const char *line, const char *end, const char *marker)
{
    size_t n = strlen(marker);
    while (end > line && (end[-1] == '\r' || end[-1] == ' '))
        end--;
    return (size_t)(end - line) >= n && memcmp(line, marker, n) == 0 && (end - line == (long)n || line[n] == ' ');
}

int hc_guest_result(const char *console, char *out, size_t cap, int *ready)
{
    *ready = 0;
    out[0] = '\0';
    size_t len = 0;
    int inside = 0, done = 0;
    const char *end;
    for (const char *p = console, *line; (line = next_line(p, &end)); p = *end ? end + 1 : end) {
        if (line_is(line, end, HC_GUEST_READY)) {
            *ready = 1;
        } else if (line_is(line, end, HC_GUEST_BEGIN)) {
            inside = 1;
        } else if (inside && line_is(line, end, HC_GUEST_END)) {
            done = 1;
            break;
        } else if (inside) {
            const char *e = end;
            while (e > line && e[-1] == '\r')
                e--;
            size_t n = (size_t)(e - line);
            if (len + n + 2 <= cap) {
                memcpy(out + len, line, n);
                len += n;
                out[len++] = '\n';
                out[len] = '\0';
            }
        }
    }
    return done ? 0 : -1;
}
