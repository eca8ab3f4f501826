/* kvm nodes through libvirt (kvm.h). Facts from docs/calibration.md
 * that shape this file:
 *  - domain creation under qemu:///system fails unless virtlogd runs
 *    besides libvirtd; the embedded driver needs neither, but an event
 *    loop of ours and stdio_handler = "file" in its qemu.conf;
 *  - key=value words on the kernel command line become init's
 *    environment, so the benchmark's arguments go after "--", where the
 *    kernel hands them to init as arguments, untouched;
 *  - libvirt's test driver accepts pins to CPUs the host lacks, so pins
 *    are checked by the planner (kvm_xml.h) and read back here from the
 *    running domain. */
#define _GNU_SOURCE
#include "kvm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libgen.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "kvm_image.h"
#include "kvm_xml.h"

#define CONSOLE_CAP (256 * 1024)
#define HC_KVMTEST_PREFIX HC_NAME_PREFIX "kvmtest-"

static struct {
    char uri[1024];     /* as configured; "" = choose */
    char virt[8];       /* "", "kvm", "qemu" */
    char bench_bin[1024];
    unsigned memory_mib;
    bool hugepages;
    virConnectPtr conn;
    char conn_uri[1024];
    int loop_started;
    int warned;
    char decided[8];    /* the virtualization type once settled */
    char reason[300];
    hc_guest_image img;
    char img_for[1024]; /* the benchmark binary img was made from */
} kvm;

typedef struct kvm_node {
    virDomainPtr dom; /* a co-runner's running guest */
    char console[1100];
} kvm_node;

static void sleep_s(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}

/* libvirt prints every error on stderr by default; ours carry them. */
static void quiet(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

static const char *last_error(void)
{
    const char *m = virGetLastErrorMessage();
    return m ? m : "unknown libvirt error";
}

void hc_kvm_configure(const char *uri, const char *virt, const char *bench_bin, unsigned memory_mib, bool hugepages)
{
    kvm.hugepages = hugepages;
    if (kvm.conn && strcmp(uri ? uri : "", kvm.uri) != 0) {
        virConnectClose(kvm.conn);
        kvm.conn = NULL;
    }
    kvm.decided[0] = '\0';
    snprintf(kvm.uri, sizeof kvm.uri, "%s", uri ? uri : "");
    snprintf(kvm.virt, sizeof kvm.virt, "%s", virt && strcmp(virt, "auto") != 0 ? virt : "");
    snprintf(kvm.bench_bin, sizeof kvm.bench_bin, "%s", bench_bin ? bench_bin : "");
    /* a sanitized build's benchmarks are dynamic; its static twin for
     * guests sits next to them */
    char twin[1000];
    if (bench_bin && !hc_elf_is_static(bench_bin) && snprintf(twin, sizeof twin, "%.900s-guest", bench_bin) > 0 &&
        hc_elf_is_static(twin))
        snprintf(kvm.bench_bin, sizeof kvm.bench_bin, "%s", twin);
    kvm.memory_mib = memory_mib;
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

static int boots_under_kvm(char *why, size_t cap);

/* Settles kvm or qemu once: as asked, else kvm only if /dev/kvm creates
 * VMs *and* a guest boots on it. A nested /dev/kvm can do the first and
 * not the second: on this project's machines the guest kernel spins
 * forever right after the boot loader (seen with QEMU 7.2, any CPU model). */
const char *hc_kvm_virt_type(char *why, size_t cap)
{
    if (!kvm.decided[0]) {
        char reason[160];
        int usable = kvm_usable(reason, sizeof reason);
        if (kvm.virt[0]) {
            snprintf(kvm.decided, sizeof kvm.decided, "%s", kvm.virt);
            snprintf(kvm.reason, sizeof kvm.reason, "asked for %s (%s)", kvm.virt, reason);
        } else if (!usable) {
            snprintf(kvm.decided, sizeof kvm.decided, "qemu");
            snprintf(kvm.reason, sizeof kvm.reason, "%s", reason);
        } else {
            char boot[200];
            int ok = boots_under_kvm(boot, sizeof boot);
            snprintf(kvm.decided, sizeof kvm.decided, "%s", ok ? "kvm" : "qemu");
            snprintf(kvm.reason, sizeof kvm.reason, "%.100s; %.190s", reason, boot);
        }
    }
    snprintf(why, cap, "%s", kvm.reason);
    return kvm.decided;
}

static int emulated(void)
{
    char why[200];
    return strcmp(hc_kvm_virt_type(why, sizeof why), "qemu") == 0;
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
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    if (system(cmd) != 0)
        return hs_error_set(err, path, 0, 0, "cannot create the embedded driver's folder");
    snprintf(path, sizeof path, "%s/etc/qemu.conf", root);
    FILE *f = fopen(path, "w");
    if (!f || fputs("# written by hpcsim-calibrate\nstdio_handler = \"file\"\n", f) < 0 || fclose(f) != 0)
        return hs_error_set(err, path, 0, 0, "cannot write");
    return 0;
}

static void start_event_loop(void)
{
    if (kvm.loop_started)
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
    kvm.loop_started = 1;
}

static virConnectPtr open_uri(const char *uri, hs_error *err)
{
    start_event_loop();
    if (strncmp(uri, "qemu:///embed?root=", 19) == 0 && embed_root_ready(uri + 19, err) < 0)
        return NULL;
    virConnectPtr c = virConnectOpen(uri);
    if (!c)
        hs_error_set(err, uri, 0, 0, "cannot connect: %s", last_error());
    return c;
}

static int system_socket(void)
{
    struct stat st;
    return stat("/run/libvirt/libvirt-sock", &st) == 0 && S_ISSOCK(st.st_mode);
}

static virConnectPtr connection(hs_error *err)
{
    if (kvm.conn)
        return kvm.conn;
    const char *uri = kvm.uri[0] ? kvm.uri : system_socket() ? "qemu:///system" : "qemu:///embed?root=" HC_KVM_EMBED_ROOT;
    kvm.conn = open_uri(uri, err);
    if (!kvm.conn && !kvm.uri[0] && strcmp(uri, "qemu:///system") == 0) /* a stale socket: no daemon behind it */
        kvm.conn = open_uri(uri = "qemu:///embed?root=" HC_KVM_EMBED_ROOT, err);
    if (kvm.conn)
        snprintf(kvm.conn_uri, sizeof kvm.conn_uri, "%s", uri);
    return kvm.conn;
}

virConnectPtr hc_kvm_connection(void) { return kvm.conn; }

/* What a guest is made of is on this host: a kernel, a static busybox and
 * a static benchmark binary. */
static int guest_inputs_usable(char *why, size_t cap)
{
    const char *bench = kvm.bench_bin[0] ? kvm.bench_bin : NULL;
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
    if (!system_socket()) {
        fprintf(out, "libvirt qemu:///system: NOT usable (no libvirtd socket at /run/libvirt/libvirt-sock)\n");
    } else {
        virConnectPtr c = open_uri("qemu:///system", &err);
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
    virConnectPtr c = geteuid() == 0 ? open_uri(embed, &err) : NULL;
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

static int kvm_probe(char *why, size_t cap)
{
    if (geteuid() != 0) {
        snprintf(why, cap, "needs root (running as uid %d)", (int)geteuid());
        return 0;
    }
    if (!guest_inputs_usable(why, cap))
        return 0;
    hs_error err;
    if (!connection(&err)) {
        snprintf(why, cap, "%s: %s", err.source, err.text);
        return 0;
    }
    char vwhy[200];
    const char *type = hc_kvm_virt_type(vwhy, sizeof vwhy);
    snprintf(why, cap, "%s, type %s%s", kvm.conn_uri, type,
             strcmp(type, "qemu") == 0 ? " (TCG EMULATION: results are marked emulated, not KVM overhead)" : "");
    return 1;
}

static int kvm_prepare(hc_node *n, hs_error *err)
{
    if (!n->state)
        return hs_error_set(err, n->name, 0, 0, "kvm nodes need a state file");
    kvm_node *k = calloc(1, sizeof *k);
    if (!k)
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    snprintf(k->console, sizeof k->console, "%s/%s.console", n->state->workdir, n->name);
    n->priv = k;
    if (!connection(err))
        return -1;
    if (!kvm.warned && emulated()) {
        char why[300];
        hc_kvm_virt_type(why, sizeof why);
        fprintf(stderr, "hpcsim-calibrate: WARNING: kvm nodes run under QEMU TCG emulation (%s);\n"
                        "  their figures are marked \"emulated\": true and do NOT measure KVM overhead.\n", why);
        kvm.warned = 1;
    }
    return 0;
}

int hc_kvm_create(virConnectPtr conn, const char *xml, virDomainPtr *dom, hs_error *err)
{
    *dom = virDomainCreateXML(conn, xml, VIR_DOMAIN_START_VALIDATE);
    if (!*dom)
        return hs_error_set(err, "libvirt", 0, 0, "domain not created: %s", last_error());
    return 0;
}

int hc_kvm_check_pins(virDomainPtr dom, const hc_node_place *place, enum hc_layout layout, hs_error *err)
{
    if (layout == HC_LAYOUT_DEF)
        return 0;
    virNodeInfo ni;
    virConnectPtr c = virDomainGetConnect(dom);
    if (virNodeGetInfo(c, &ni) < 0)
        return hs_error_set(err, virDomainGetName(dom), 0, 0, "cannot read the host's CPUs: %s", last_error());
    unsigned ncpus = VIR_NODEINFO_MAXCPUS(ni);
    int maplen = VIR_CPU_MAPLEN(ncpus);
    virVcpuInfoPtr info = calloc(place->nvcpus, sizeof *info);
    unsigned char *maps = calloc(place->nvcpus, (size_t)maplen);
    int rc = -1;
    int got = info && maps ? virDomainGetVcpus(dom, info, (int)place->nvcpus, maps, maplen) : -1;
    if (got < 0) {
        hs_error_set(err, virDomainGetName(dom), 0, 0, "cannot read the vCPUs' affinity: %s", last_error());
        goto out;
    }
    if ((unsigned)got != place->nvcpus) {
        hs_error_set(err, virDomainGetName(dom), 0, 0, "the domain has %d vCPUs, %u were asked", got, place->nvcpus);
        goto out;
    }
    for (unsigned v = 0; v < place->nvcpus; v++) {
        for (unsigned cpu = 0; cpu < ncpus; cpu++)
            if ((VIR_CPU_USABLE(maps, maplen, v, cpu) != 0) != (cpu == place->vcpu[v])) {
                hs_error_set(err, virDomainGetName(dom), 0, 0,
                             "pinning not in effect: vCPU %u should run on CPU %u only, but CPU %u is %s", v,
                             place->vcpu[v], cpu, cpu == place->vcpu[v] ? "not allowed" : "allowed too");
                goto out;
            }
    }
    rc = 0;
out:
    free(info);
    free(maps);
    return rc;
}

/* Appends to buf what the console file holds beyond its first *len bytes. */
static void read_console(const char *path, char *buf, size_t *len, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r;
    while (*len + 1 < cap && (r = pread(fd, buf + *len, cap - 1 - *len, (off_t)*len)) > 0)
        *len += (size_t)r;
    buf[*len] = '\0';
    close(fd);
}

static int gone(virDomainPtr dom)
{
    int state, reason;
    if (virDomainGetState(dom, &state, &reason, 0) < 0)
        return virGetLastErrorCode() == VIR_ERR_NO_DOMAIN ? 1 : -1;
    return state == VIR_DOMAIN_SHUTOFF;
}

/* Waits for the ready marker (until_ready) or for the domain to be gone. */
static int watch(virDomainPtr dom, const char *console, double t0, double timeout, int until_ready, hc_boot_times *t,
                 char *buf, size_t cap, hs_error *err)
{
    size_t len = 0;
    t->ready = -1;
    for (;;) {
        if (console && t->ready < 0) {
            read_console(console, buf, &len, cap);
            if (strstr(buf, HC_GUEST_READY "\r") || strstr(buf, HC_GUEST_READY "\n")) {
                t->ready = hc_now() - t0;
                if (until_ready)
                    return 0;
            }
        }
        int g = gone(dom);
        if (g < 0)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "lost the domain: %s", last_error());
        if (g) {
            t->shutoff = hc_now() - t0;
            if (console)
                read_console(console, buf, &len, cap);
            return 0;
        }
        if (hc_stop_requested)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "interrupted");
        if (hc_now() - t0 > timeout)
            return hs_error_set(err, virDomainGetName(dom), 0, 0, "no %s within %.0f s",
                                until_ready ? "ready marker" : "power-off", timeout);
        sleep_s(0.002);
    }
}

int hc_kvm_wait(virDomainPtr dom, const char *console, double t0, double timeout, hc_boot_times *t, hs_error *err)
{
    char *buf = malloc(CONSOLE_CAP);
    if (!buf)
        return hs_error_set(err, virDomainGetName(dom), 0, 0, "out of memory");
    buf[0] = '\0';
    int rc = watch(dom, console, t0, timeout, 0, t, buf, CONSOLE_CAP, err);
    free(buf);
    return rc;
}

void hc_kvm_destroy(virDomainPtr dom)
{
    if (!dom)
        return;
    if (gone(dom) == 0)
        virDomainDestroy(dom);
    virDomainFree(dom);
}

/* The guest's arguments from a host command line: hpcsim-bench's own
 * (with file= moved to the guest's disk), or none for /bin/true. */
static int guest_args(hc_node *n, char *const argv[], char *cmdline, size_t cap, char *disk, size_t dcap,
                      double *disk_mib, hs_error *err)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    int is_true = strcmp(base, "true") == 0;
    if (!is_true && strcmp(base, "hpcsim-bench") != 0)
        return hs_error_set(err, n->name, 0, 0, "a kvm node runs only hpcsim-bench or true, not %s", argv[0]);
    size_t len = 0;
    int w = snprintf(cmdline, cap, "console=ttyS0 panic=-1 quiet --");
    len = (size_t)w;
    disk[0] = '\0';
    *disk_mib = 64;
    for (int i = 1; !is_true && argv[i]; i++) {
        const char *a = argv[i];
        if (strpbrk(a, " \t\n\"'\\"))
            return hs_error_set(err, n->name, 0, 0, "argument '%s' cannot travel on a kernel command line", a);
        if (strncmp(a, "file=", 5) == 0) {
            snprintf(disk, dcap, "%s", a + 5);
            a = "file=/dev/vda";
        }
        if (strncmp(a, "mib=", 4) == 0)
            *disk_mib = atof(a + 4);
        w = snprintf(cmdline + len, cap - len, " %s", a);
        if (w < 0 || (size_t)w >= cap - len)
            return hs_error_set(err, n->name, 0, 0, "kernel command line too long");
        len += (size_t)w;
    }
    return 0;
}

/* A raw image a little larger than the benchmark's file, sparse. */
static int make_disk(const char *path, double mib, hs_error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, (off_t)((mib + 16) * 1048576.0)) < 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return hs_error_set(err, path, 0, 0, "cannot make the guest's disk: %s", strerror(e));
    }
    close(fd);
    return 0;
}

static const hc_guest_image *image(const char *bench, hs_error *err)
{
    if (!bench[0])
        return hs_error_set(err, "kvm", 0, 0, "no hpcsim-bench given for the guest"), NULL;
    if (strcmp(kvm.img_for, bench) == 0)
        return &kvm.img;
    if (hc_guest_image_get(bench, &kvm.img, err) < 0)
        return NULL;
    snprintf(kvm.img_for, sizeof kvm.img_for, "%s", bench);
    return &kvm.img;
}

/* The vCPUs of a node without a placement (tests, launch): one per CPU of
 * its set, pinned in order, or one floating vCPU. */
static void default_place(const hc_node *n, hc_node_place *p, enum hc_layout *layout)
{
    memset(p, 0, sizeof *p);
    int got = hc_cpulist_parse(n->cpuset, p->vcpu, HC_MAX_VCPUS);
    p->nvcpus = got > 0 ? (unsigned)got : 1;
    p->threads = 1;
    p->numa = n->numa;
    snprintf(p->cpuset, sizeof p->cpuset, "%s", n->cpuset);
    *layout = got > 0 ? HC_LAYOUT_PIN_DEF : HC_LAYOUT_DEF;
}

/* The last non-empty line of the console, for error messages. */
static void last_line(const char *text, char *out, size_t cap)
{
    const char *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        end--;
    const char *start = end;
    while (start > text && start[-1] != '\n')
        start--;
    snprintf(out, cap, "%.*s", (int)(end - start), start);
}

/* Boots the node's guest with argv. until_ready: return once the guest
 * is ready, leaving the domain running in the node. */
static int boot(hc_node *n, char *const argv[], double timeout, int until_ready, hc_boot_times *t, char *console_text,
                size_t cap, hs_error *err)
{
    kvm_node *k = n->priv;
    if (!k || !kvm.conn)
        return hs_error_set(err, n->name, 0, 0, "node not prepared");
    char cmdline[2048], disk[1024];
    double disk_mib = 64;
    if (guest_args(n, argv, cmdline, sizeof cmdline, disk, sizeof disk, &disk_mib, err) < 0)
        return -1;
    /* the guest's copy of the benchmarks: the configured one, or argv's */
    const hc_guest_image *img = image(kvm.bench_bin[0] ? kvm.bench_bin : argv[0], err);
    if (!img)
        return -1;
    if (disk[0] && make_disk(disk, disk_mib, err) < 0)
        return -1;
    hc_node_place own;
    enum hc_layout layout = n->layout;
    const hc_node_place *place = n->place;
    if (!place) {
        default_place(n, &own, &layout);
        place = &own;
    }
    char why[200];
    hc_domain_spec spec = {n->name,
                           hc_kvm_virt_type(why, sizeof why),
                           kvm.memory_mib ? kvm.memory_mib : 512,
                           layout,
                           place,
                           n->emulator_cpuset ? n->emulator_cpuset : "",
                           img->kernel,
                           img->initrd,
                           cmdline,
                           k->console,
                           disk[0] ? disk : NULL,
                           kvm.hugepages};
    char *xml = malloc(65536);
    if (!xml)
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    int rc = hc_domain_xml(&spec, xml, 65536, err);
    unlink(k->console);
    if (rc == 0 && (hc_state_note_file(n->state, k->console) < 0 || hc_state_note_domain(n->state, kvm.conn_uri, n->name) < 0))
        rc = hs_error_set(err, n->state->path, 0, 0, "cannot record domain %s", n->name);
    virDomainPtr dom = NULL;
    double t0 = hc_now();
    if (rc == 0)
        rc = hc_kvm_create(kvm.conn, xml, &dom, err);
    free(xml);
    if (rc < 0)
        return -1;
    t->created = hc_now() - t0;
    /* read back while it runs; a guest already gone has nothing to show */
    if (hc_kvm_check_pins(dom, place, layout, err) < 0 && gone(dom) == 0) {
        hc_kvm_destroy(dom);
        return -1;
    }
    char *buf = malloc(CONSOLE_CAP);
    if (!buf) {
        hc_kvm_destroy(dom);
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    }
    buf[0] = '\0';
    rc = watch(dom, k->console, t0, timeout, until_ready, t, buf, CONSOLE_CAP, err);
    if (rc == 0 && until_ready && t->ready < 0)
        rc = hs_error_set(err, n->name, 0, 0, "the guest powered off before it was ready");
    if (rc < 0) { /* what the guest said last is the best clue */
        char tail[200], text[sizeof err->text];
        last_line(buf, tail, sizeof tail);
        snprintf(text, sizeof text, "%s", err->text);
        snprintf(err->text, sizeof err->text, "%.150s; console: %.120s", text,
                 tail[0] ? tail : "(nothing)");
    }
    if (rc == 0 && until_ready) {
        k->dom = dom;
    } else {
        hc_kvm_destroy(dom);
    }
    if (console_text)
        snprintf(console_text, cap, "%s", buf);
    free(buf);
    return rc;
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
    const hc_guest_image *img = connection(&err) ? image(kvm.bench_bin, &err) : NULL;
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
        rc = hc_kvm_create(kvm.conn, xml, &dom, &err);
    char *buf = rc == 0 ? malloc(CONSOLE_CAP) : NULL;
    if (buf) {
        buf[0] = '\0';
        watch(dom, console, t0, timeout, 1, &t, buf, CONSOLE_CAP, &err);
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

static void kvm_describe(char *json, size_t cap)
{
    char why[300];
    const char *type = hc_kvm_virt_type(why, sizeof why);
    snprintf(json, cap, "{\"virt\":\"%s\",\"emulated\":%s}", type, strcmp(type, "qemu") == 0 ? "true" : "false");
}

static int kvm_run(hc_node *n, char *const argv[], double timeout, char *out, size_t cap, hs_error *err)
{
    char *console = malloc(CONSOLE_CAP);
    if (!console)
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    hc_boot_times t;
    int rc = boot(n, argv, timeout, 0, &t, console, CONSOLE_CAP, err);
    int ready, status = 0;
    if (rc == 0 && hc_guest_result(console, out, cap, &ready) < 0) {
        char tail[300];
        last_line(console, tail, sizeof tail);
        rc = hs_error_set(err, n->name, 0, 0, "no result on the guest's console (%s); last line: %s",
                          ready ? "it was ready" : "it never got ready", tail[0] ? tail : "(empty)");
    }
    if (rc == 0) {
        const char *end = strstr(console, HC_GUEST_END " ");
        status = end ? atoi(end + strlen(HC_GUEST_END " ")) << 8 : 0;
        /* Every kvm result says how it was made, so that TCG figures can
         * never pass for KVM ones. */
        json_error_t jerr;
        json_t *r = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
        char facts[128];
        kvm_describe(facts, sizeof facts);
        json_t *f = json_loads(facts, 0, &jerr);
        if (json_is_object(r)) {
            json_object_update(r, f);
            json_object_set_new(r, "boot_ms", json_real(t.ready * 1e3));
            char *text = json_dumps(r, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (text)
                snprintf(out, cap, "%s\n", text);
            free(text);
        }
        json_decref(r);
        json_decref(f);
    }
    free(console);
    return rc < 0 ? -1 : status;
}

static int kvm_spawn(hc_node *n, char *const argv[], pid_t *pid, hs_error *err)
{
    hc_boot_times t;
    *pid = 0; /* nothing for the caller to signal: teardown destroys the domain */
    return boot(n, argv, 300, 1, &t, NULL, 0, err);
}

static int kvm_set_running(hc_node *n, pid_t pid, int on)
{
    (void)pid;
    kvm_node *k = n->priv;
    if (!k || !k->dom)
        return -1;
    int state, reason;
    if (virDomainGetState(k->dom, &state, &reason, 0) < 0)
        return -1;
    if (on && state == VIR_DOMAIN_PAUSED)
        return virDomainResume(k->dom);
    if (!on && state == VIR_DOMAIN_RUNNING)
        return virDomainSuspend(k->dom);
    return 0;
}

static void kvm_teardown(hc_node *n)
{
    kvm_node *k = n->priv;
    if (!k)
        return;
    if (k->dom)
        hc_kvm_destroy(k->dom);
    unlink(k->console);
    free(k);
    n->priv = NULL;
}

static int kvm_launch(hc_node *n, double *to_ready, double *to_gone, hs_error *err)
{
    char *argv[] = {"/bin/true", NULL};
    hc_boot_times t = {0, -1, 0};
    if (kvm_prepare(n, err) < 0) {
        kvm_teardown(n);
        return -1;
    }
    int rc = boot(n, argv, 300, 0, &t, NULL, 0, err);
    kvm_teardown(n);
    if (rc == 0 && t.ready < 0)
        rc = hs_error_set(err, n->name, 0, 0, "the guest never printed its ready marker");
    *to_ready = t.ready; /* both from the call that creates the domain */
    *to_gone = t.shutoff;
    return rc;
}

/* The guest name a QEMU process runs (-name guest=NAME,...), or "". */
static void guest_name_of(pid_t pid, char *out, size_t cap)
{
    char path[64], buf[8192];
    out[0] = '\0';
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t r = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (r <= 0)
        return;
    buf[r] = '\0';
    for (char *a = buf; a < buf + r; a += strlen(a) + 1)
        if (strncmp(a, "guest=", 6) == 0) {
            snprintf(out, cap, "%.*s", (int)strcspn(a + 6, ","), a + 6);
            return;
        }
}

/* The PIDs of QEMU processes whose guest is `name` (or starts with it). */
static int qemu_pids(const char *name, pid_t *pids, int cap, int prefix)
{
    int n = 0;
    size_t len = strlen(name);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) && n < cap) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char guest[256];
        guest_name_of(atoi(e->d_name), guest, sizeof guest);
        if (prefix ? strncmp(guest, name, len) == 0 : strcmp(guest, name) == 0)
            pids[n++] = atoi(e->d_name);
    }
    if (d)
        closedir(d);
    return n;
}

/* The process that started a boot test, from its guest's name. */
static int pids_owner(pid_t qemu)
{
    char guest[256];
    guest_name_of(qemu, guest, sizeof guest);
    return atoi(guest + strlen(HC_KVMTEST_PREFIX));
}

int hc_kvm_alive(const char *name)
{
    pid_t p[4];
    return qemu_pids(name, p, 4, 0) > 0;
}

int hc_kvm_remove(const char *uri, const char *name, FILE *log)
{
    int removed = 0, was_alive = hc_kvm_alive(name);
    hs_error err;
    virConnectPtr c = kvm.conn && strcmp(uri, kvm.conn_uri) == 0 ? kvm.conn : NULL;
    int own = 0;
    if (!c && (strcmp(uri, "qemu:///system") != 0 || system_socket())) {
        /* a second embedded driver in one process is refused: reuse ours */
        c = open_uri(uri, &err);
        own = c != NULL;
    }
    virDomainPtr dom = c ? virDomainLookupByName(c, name) : NULL;
    if (dom) {
        if (virDomainDestroy(dom) == 0) {
            removed = 1;
            if (log)
                fprintf(log, "destroyed domain %s (%s)\n", name, uri);
        }
        virDomainFree(dom);
    }
    if (own)
        virConnectClose(c);
    /* libvirt may be gone or not know it (a lost daemon state): the
     * QEMU process itself is what must not survive */
    pid_t pids[8];
    int np = qemu_pids(name, pids, 8, 0);
    for (int i = 0; i < np; i++) {
        kill(pids[i], SIGKILL);
        if (log)
            fprintf(log, "killed QEMU process %d of domain %s\n", (int)pids[i], name);
        removed = 1;
    }
    for (int i = 0; i < 200 && hc_kvm_alive(name); i++)
        sleep_s(0.005);
    if (!removed && was_alive && !hc_kvm_alive(name)) {
        /* the embedded driver, restarted, stops the guests of a dead
         * owner by itself while it reconnects */
        removed = 1;
        if (log)
            fprintf(log, "stopped domain %s (%s)\n", name, uri);
    }
    return removed;
}

int hc_kvm_sweep_tests(FILE *log)
{
    pid_t pids[16];
    int n = qemu_pids(HC_KVMTEST_PREFIX, pids, 16, 1), removed = 0;
    for (int i = 0; i < n; i++) {
        int owner = pids_owner(pids[i]);
        if (owner > 0 && kill(owner, 0) == 0)
            continue; /* its test is still going on */
        kill(pids[i], SIGKILL);
        removed++;
        if (log)
            fprintf(log, "killed QEMU process %d of an interrupted kvm boot test\n", (int)pids[i]);
    }
    return removed;
}

/* The state file's records "kvm URI NAME" (hc_state_note_domain). */
static int record_remove(const char *rest, FILE *log)
{
    char uri[512];
    const char *name = strchr(rest, ' ');
    if (!name || (size_t)(name - rest) >= sizeof uri)
        return 0;
    snprintf(uri, sizeof uri, "%.*s", (int)(name - rest), rest);
    return hc_kvm_remove(uri, name + 1, log);
}

static int record_alive(const char *rest)
{
    const char *name = strchr(rest, ' ');
    return name && hc_kvm_alive(name + 1);
}

static const hc_cleanup_hook kvm_cleanup = {"kvm", record_remove, record_alive, hc_kvm_sweep_tests};

const hc_backend_ops hc_backend_kvm = {
    "kvm", kvm_probe, kvm_prepare, kvm_run, kvm_spawn, kvm_set_running, kvm_teardown, kvm_launch,
    kvm_describe, &kvm_cleanup,
};
