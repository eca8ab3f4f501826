/* kvm nodes through libvirt (kvm.h): the backend's table and a node's
 * life, one boot per benchmark run. Facts from docs/calibration.md that
 * shape the kvm files:
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

#include "kvm_cleanup.h"
#include "kvm_connect.h"
#include "kvm_domain.h"
#include "kvm_image.h"
#include "kvm_xml.h"

typedef struct kvm_node {
    virDomainPtr dom; /* a co-runner's running guest */
    char console[1100];
} kvm_node;

static int emulated(void)
{
    char why[200];
    return strcmp(hc_kvm_virt_type(why, sizeof why), "qemu") == 0;
}

static int kvm_probe(char *why, size_t cap)
{
    if (geteuid() != 0) {
        snprintf(why, cap, "needs root (running as uid %d)", (int)geteuid());
        return 0;
    }
    if (!hc_kvm_guest_inputs_usable(why, cap))
        return 0;
    hs_error err;
    if (!hc_kvm_connect(&err)) {
        snprintf(why, cap, "%s: %s", err.source, err.text);
        return 0;
    }
    char vwhy[200];
    const char *type = hc_kvm_virt_type(vwhy, sizeof vwhy);
    snprintf(why, cap, "%s, type %s%s", hc_kvm.conn_uri, type,
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
    if (!hc_kvm_connect(err))
        return -1;
    if (!hc_kvm.warned && emulated()) {
        char why[300];
        hc_kvm_virt_type(why, sizeof why);
        fprintf(stderr, "hpcsim-calibrate: WARNING: kvm nodes run under QEMU TCG emulation (%s);\n"
                        "  their figures are marked \"emulated\": true and do NOT measure KVM overhead.\n", why);
        hc_kvm.warned = 1;
    }
    return 0;
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
    if (!k || !hc_kvm.conn)
        return hs_error_set(err, n->name, 0, 0, "node not prepared");
    char cmdline[2048], disk[1024];
    double disk_mib = 64;
    if (guest_args(n, argv, cmdline, sizeof cmdline, disk, sizeof disk, &disk_mib, err) < 0)
        return -1;
    /* the guest's copy of the benchmarks: the configured one, or argv's */
    const hc_guest_image *img = hc_kvm_image(hc_kvm.bench_bin[0] ? hc_kvm.bench_bin : argv[0], err);
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
                           hc_kvm.memory_mib ? hc_kvm.memory_mib : 512,
                           layout,
                           place,
                           n->emulator_cpuset ? n->emulator_cpuset : "",
                           img->kernel,
                           img->initrd,
                           cmdline,
                           k->console,
                           disk[0] ? disk : NULL,
                           hc_kvm.hugepages};
    char *xml = malloc(65536);
    if (!xml)
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    int rc = hc_domain_xml(&spec, xml, 65536, err);
    unlink(k->console);
    if (rc == 0 && (hc_state_note_file(n->state, k->console) < 0 || hc_state_note_domain(n->state, hc_kvm.conn_uri, n->name) < 0))
        rc = hs_error_set(err, n->state->path, 0, 0, "cannot record domain %s", n->name);
    virDomainPtr dom = NULL;
    double t0 = hc_now();
    if (rc == 0)
        rc = hc_kvm_create(hc_kvm.conn, xml, &dom, err);
    free(xml);
    if (rc < 0)
        return -1;
    t->created = hc_now() - t0;
    /* read back while it runs; a guest already gone has nothing to show */
    if (hc_kvm_check_pins(dom, place, layout, err) < 0 && hc_kvm_gone(dom) == 0) {
        hc_kvm_destroy(dom);
        return -1;
    }
    char *buf = malloc(HC_KVM_CONSOLE_CAP);
    if (!buf) {
        hc_kvm_destroy(dom);
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    }
    buf[0] = '\0';
    rc = hc_kvm_watch(dom, k->console, t0, timeout, until_ready, t, buf, HC_KVM_CONSOLE_CAP, err);
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

static void kvm_describe(char *json, size_t cap)
{
    char why[300];
    const char *type = hc_kvm_virt_type(why, sizeof why);
    snprintf(json, cap, "{\"virt\":\"%s\",\"emulated\":%s}", type, strcmp(type, "qemu") == 0 ? "true" : "false");
}

static int kvm_run(hc_node *n, char *const argv[], double timeout, char *out, size_t cap, hs_error *err)
{
    char *console = malloc(HC_KVM_CONSOLE_CAP);
    if (!console)
        return hs_error_set(err, n->name, 0, 0, "out of memory");
    hc_boot_times t;
    int rc = boot(n, argv, timeout, 0, &t, console, HC_KVM_CONSOLE_CAP, err);
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

const hc_backend_ops hc_backend_kvm = {
    "kvm", kvm_probe, kvm_prepare, kvm_run, kvm_spawn, kvm_set_running, kvm_teardown, kvm_launch,
    kvm_describe, &hc_kvm_cleanup,
};
