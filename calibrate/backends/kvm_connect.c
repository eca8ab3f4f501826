/* How kvm nodes reach libvirt and which virtualization runs them
 * (kvm_connect.h): the settings of hc_kvm_configure, the connection (the
 * given URI, else qemu:///system when libvirtd answers, else the embedded
 * driver with an event loop of ours), whether /dev/kvm can run a guest
 * (a boot test, its verdict kept per host boot), and the probe report. */
#define _GNU_SOURCE
#include "kvm_connect.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "fsutil.h"
#include "hpcsim/file.h"
#include "kvm_domain.h"
#include "kvm_xml.h"

hc_kvm_settings hc_kvm;

/* libvirt prints every error on stderr by default; ours carry them. */
static void quiet(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

void hc_kvm_configure(const char *uri, const char *virt, const char *bench_bin, unsigned memory_mib, bool hugepages)
{
    hc_kvm.hugepages = hugepages;
    if (hc_kvm.conn && strcmp(uri ? uri : "", hc_kvm.uri) != 0) {
        virConnectClose(hc_kvm.conn);
        hc_kvm.conn = NULL;
    }
    hc_kvm.decided[0] = '\0';
    snprintf(hc_kvm.uri, sizeof hc_kvm.uri, "%s", uri ? uri : "");
    snprintf(hc_kvm.virt, sizeof hc_kvm.virt, "%s", virt && strcmp(virt, "auto") != 0 ? virt : "");
    snprintf(hc_kvm.bench_bin, sizeof hc_kvm.bench_bin, "%s", bench_bin ? bench_bin : "");
    /* a sanitized build's benchmarks are dynamic; its static twin for
     * guests sits next to them */
    char twin[1000];
    if (bench_bin && !hc_elf_is_static(bench_bin) && snprintf(twin, sizeof twin, "%.900s-guest", bench_bin) > 0 &&
        hc_elf_is_static(twin))
        snprintf(hc_kvm.bench_bin, sizeof hc_kvm.bench_bin, "%s", twin);
    hc_kvm.memory_mib = memory_mib;
}

/* /dev/kvm is usable when it answers KVM_GET_API_VERSION (12) and lets us
 * create a VM: a device node alone proves nothing, and the project's
 * machines, thought to have none, do run nested KVM. */
static int kvm_usable(char *why, size_t cap)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, cap, "cannot open /dev/kvm: %s", strerror(errno));
        return 0;
    }
    int version = ioctl(fd, KVM_GET_API_VERSION, 0);
    int vm = version == 12 ? ioctl(fd, KVM_CREATE_VM, 0) : -1;
    if (vm >= 0)
        close(vm);
    close(fd);
    snprintf(why, cap, "%s", vm >= 0 ? "/dev/kvm usable (API 12, a VM can be created)"
                             : version == 12 ? "/dev/kvm answers but cannot create a VM"
                                             : "/dev/kvm present but not answering");
    return vm >= 0;
}

/* The verdict of boots_under_kvm, kept per host boot (a reboot may load
 * another KVM module or kernel): CACHE/kvm-verdict-BOOT_ID. */
static void verdict_path(char *out, size_t cap)
{
    char id[64] = "unknown";
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f) {
        if (fgets(id, sizeof id, f))
            id[strcspn(id, "\n")] = '\0';
        fclose(f);
    }
    snprintf(out, cap, "%s/kvm-verdict-%s", hc_guest_cache_dir(), id);
}

static int boots_under_kvm(char *why, size_t cap)
{
    char path[1200], line[300];
    verdict_path(path, sizeof path);
    FILE *f = fopen(path, "r");
    if (f) {
        int ok = fgets(line, sizeof line, f) != NULL;
        fclose(f);
        if (ok && (line[0] == '0' || line[0] == '1') && line[1] == ' ') {
            line[strcspn(line, "\n")] = '\0';
            snprintf(why, cap, "%.190s (cached)", line + 2);
            return line[0] == '1';
        }
    }
    hs_error err;
    const hc_guest_image *img = hc_kvm_connect(&err) ? hc_kvm_image(hc_kvm.bench_bin, &err) : NULL;
    if (!img) {
        snprintf(why, cap, "no boot test possible (%.60s: %.100s)", err.source, err.text);
        return 0;
    }
    /* A test guest: one floating vCPU, no benchmark, ready and off. */
    hc_node_place place = {.nvcpus = 1, .threads = 1, .numa = -1};
    char name[64], console[128];
    snprintf(name, sizeof name, HC_KVMTEST_PREFIX "%d", (int)getpid());
    snprintf(console, sizeof console, "/run/hpcsim/%s.console", name);
    hc_domain_spec spec = {name, "kvm", 256, HC_LAYOUT_DEF, &place, "", img->kernel, img->initrd,
                           "console=ttyS0 panic=-1 quiet --", console, NULL, false};
    char xml[8192];
    virDomainPtr dom = NULL;
    hc_boot_times t = {0, -1, 0};
    double timeout = 20; /* a KVM guest is ready in about a second */
    int rc = mkdir("/run/hpcsim", 0755) < 0 && errno != EEXIST ? hs_error_set(&err, "/run/hpcsim", 0, 0, "cannot create")
                                                                : hc_domain_xml(&spec, xml, sizeof xml, &err);
    unlink(console);
    double t0 = hc_now();
    if (rc == 0)
        rc = hc_kvm_create(hc_kvm.conn, xml, &dom, &err);
    char *buf = rc == 0 ? malloc(HC_KVM_CONSOLE_CAP) : NULL;
    if (buf) {
        buf[0] = '\0';
        hc_kvm_watch(dom, console, t0, timeout, 1, &t, buf, HC_KVM_CONSOLE_CAP, &err);
    }
    free(buf);
    hc_kvm_destroy(dom);
    unlink(console);
    int ok = t.ready >= 0;
    if (ok)
        snprintf(line, sizeof line, "a test guest was ready %.2f s after creation under kvm", t.ready);
    else if (rc < 0)
        snprintf(line, sizeof line, "a test guest failed under kvm: %.200s", err.text);
    else
        snprintf(line, sizeof line, "a test guest was not ready %.0f s after creation under kvm (a nested /dev/kvm "
                                    "that cannot run guests)", timeout);
    for (char *c = line; *c; c++)
        if (*c == '\n' || *c == '\r')
            *c = ' ';
    snprintf(why, cap, "%.190s", line);
    f = fopen(path, "w");
    if (f) {
        fprintf(f, "%d %s\n", ok, line);
        fclose(f);
    }
    return ok;
}

/* Settles kvm or qemu once: as asked, else kvm only if /dev/kvm creates
 * VMs *and* a guest boots on it. A nested /dev/kvm can do the first and
 * not the second: on this project's machines the guest kernel spins
 * forever right after the boot loader (seen with QEMU 7.2, any CPU model). */
const char *hc_kvm_virt_type(char *why, size_t cap)
{
    if (!hc_kvm.decided[0]) {
        char reason[160];
        int usable = kvm_usable(reason, sizeof reason);
        if (hc_kvm.virt[0]) {
            snprintf(hc_kvm.decided, sizeof hc_kvm.decided, "%s", hc_kvm.virt);
            snprintf(hc_kvm.reason, sizeof hc_kvm.reason, "asked for %s (%s)", hc_kvm.virt, reason);
        } else if (!usable) {
            snprintf(hc_kvm.decided, sizeof hc_kvm.decided, "qemu");
            snprintf(hc_kvm.reason, sizeof hc_kvm.reason, "%s", reason);
        } else {
            char boot[200];
            int ok = boots_under_kvm(boot, sizeof boot);
            snprintf(hc_kvm.decided, sizeof hc_kvm.decided, "%s", ok ? "kvm" : "qemu");
            snprintf(hc_kvm.reason, sizeof hc_kvm.reason, "%.100s; %.190s", reason, boot);
        }
    }
    snprintf(why, cap, "%s", hc_kvm.reason);
    return hc_kvm.decided;
}

static void *event_loop(void *arg)
{
    (void)arg;
    for (;;)
        virEventRunDefaultImpl();
    return NULL;
}

/* The embedded driver reads ROOT/etc/qemu.conf; QEMU's output goes to
 * plain files there, as no virtlogd runs. */
static int embed_root_ready(const char *root, hs_error *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/etc", root);
    if (hs_mkdir_p(path, 0700, false) < 0)
        return hs_error_set(err, path, 0, 0, "cannot create the embedded driver's folder: %s", strerror(errno));
    snprintf(path, sizeof path, "%s/etc/qemu.conf", root);
    FILE *f = fopen(path, "w");
    if (!f || fputs("# written by hpcsim-calibrate\nstdio_handler = \"file\"\n", f) < 0 || fclose(f) != 0)
        return hs_error_set(err, path, 0, 0, "cannot write");
    return 0;
}

static void start_event_loop(void)
{
    if (hc_kvm.loop_started)
        return;
    virSetErrorFunc(NULL, quiet);
    /* Its warnings (and our errors again) would interleave with our
     * output: libvirt's log goes to a file unless the user routes it. */
    if (mkdir("/run/hpcsim", 0755) == 0 || errno == EEXIST)
        setenv("LIBVIRT_LOG_OUTPUTS", "3:file:/run/hpcsim/libvirt.log", 0);
    virEventRegisterDefaultImpl();
    pthread_t t;
    if (pthread_create(&t, NULL, event_loop, NULL) == 0)
        pthread_detach(t);
    hc_kvm.loop_started = 1;
}

virConnectPtr hc_kvm_open(const char *uri, hs_error *err)
{
    start_event_loop();
    if (strncmp(uri, "qemu:///embed?root=", 19) == 0 && embed_root_ready(uri + 19, err) < 0)
        return NULL;
    virConnectPtr c = virConnectOpen(uri);
    if (!c)
        hs_error_set(err, uri, 0, 0, "cannot connect: %s", hc_kvm_last_error());
    return c;
}

int hc_kvm_system_socket(void)
{
    struct stat st;
    return stat("/run/libvirt/libvirt-sock", &st) == 0 && S_ISSOCK(st.st_mode);
}

virConnectPtr hc_kvm_connect(hs_error *err)
{
    if (hc_kvm.conn)
        return hc_kvm.conn;
    const char *uri = hc_kvm.uri[0] ? hc_kvm.uri : hc_kvm_system_socket() ? "qemu:///system" : "qemu:///embed?root=" HC_KVM_EMBED_ROOT;
    hc_kvm.conn = hc_kvm_open(uri, err);
    if (!hc_kvm.conn && !hc_kvm.uri[0] && strcmp(uri, "qemu:///system") == 0) /* a stale socket: no daemon behind it */
        hc_kvm.conn = hc_kvm_open(uri = "qemu:///embed?root=" HC_KVM_EMBED_ROOT, err);
    if (hc_kvm.conn)
        snprintf(hc_kvm.conn_uri, sizeof hc_kvm.conn_uri, "%s", uri);
    return hc_kvm.conn;
}

virConnectPtr hc_kvm_connection(void) { return hc_kvm.conn; }

/* What a guest is made of is on this host: a kernel, a static busybox and
 * a static benchmark binary. */
int hc_kvm_guest_inputs_usable(char *why, size_t cap)
{
    const char *bench = hc_kvm.bench_bin[0] ? hc_kvm.bench_bin : NULL;
    char kernel[1024];
    hs_error err;
    if (hc_guest_kernel(kernel, sizeof kernel, &err) < 0) {
        snprintf(why, cap, "%.200s", err.text);
        return 0;
    }
    if (!hc_elf_is_static("/bin/busybox")) {
        snprintf(why, cap, "/bin/busybox is not static: install busybox-static");
        return 0;
    }
    if (bench && !hc_elf_is_static(bench)) {
        snprintf(why, cap, "%s is not a static binary", bench);
        return 0;
    }
    return 1;
}

void hc_kvm_probe_report(FILE *out)
{
    char why[200];
    const char *type = hc_kvm_virt_type(why, sizeof why);
    fprintf(out, "kvm: guests run as type '%s': %s\n", type, why);
    if (strcmp(type, "qemu") == 0)
        fprintf(out, "kvm: WARNING: QEMU TCG emulation; figures of kvm nodes will be marked emulated and are NOT "
                     "KVM overhead\n");
    hs_error err;
    if (!hc_kvm_system_socket()) {
        fprintf(out, "libvirt qemu:///system: NOT usable (no libvirtd socket at /run/libvirt/libvirt-sock)\n");
    } else {
        virConnectPtr c = hc_kvm_open("qemu:///system", &err);
        unsigned long v = 0;
        if (c)
            virConnectGetLibVersion(c, &v);
        fprintf(out, "libvirt qemu:///system: %s", c ? "usable" : "NOT usable: ");
        if (c)
            fprintf(out, " (libvirt %lu.%lu.%lu)\n", v / 1000000, v / 1000 % 1000, v % 1000);
        else
            hs_error_print(out, &err);
        if (c)
            virConnectClose(c);
    }
    const char *embed = "qemu:///embed?root=" HC_KVM_EMBED_ROOT;
    virConnectPtr c = geteuid() == 0 ? hc_kvm_open(embed, &err) : NULL;
    if (geteuid() != 0)
        fprintf(out, "libvirt %s: NOT usable (needs root)\n", embed);
    else if (c)
        fprintf(out, "libvirt %s: usable\n", embed);
    else {
        fprintf(out, "libvirt %s: NOT usable: ", embed);
        hs_error_print(out, &err);
    }
    if (c)
        virConnectClose(c);
}

const hc_guest_image *hc_kvm_image(const char *bench, hs_error *err)
{
    if (!bench[0])
        return hs_error_set(err, "kvm", 0, 0, "no hpcsim-bench given for the guest"), NULL;
    if (strcmp(hc_kvm.img_for, bench) == 0)
        return &hc_kvm.img;
    if (hc_guest_image_get(bench, &hc_kvm.img, err) < 0)
        return NULL;
    snprintf(hc_kvm.img_for, sizeof hc_kvm.img_for, "%s", bench);
    return &hc_kvm.img;
}
