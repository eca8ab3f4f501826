/* Domain XML (kvm_xml.h). Text is built with a bounded appender; values
 * that come from outside (paths, the kernel command line) are escaped. */
#define _GNU_SOURCE
#include "kvm_xml.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct xml_buf {
    char *p;
    size_t len, cap;
    bool overflow;
} xml_buf;

static void put(xml_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(xml_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->cap - b->len)
        b->overflow = true;
    else
        b->len += (size_t)n;
}

/* Appends s with XML's five special characters escaped. */
static void put_escaped(xml_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': put(b, "&amp;"); break;
        case '<': put(b, "&lt;"); break;
        case '>': put(b, "&gt;"); break;
        case '\'': put(b, "&apos;"); break;
        case '"': put(b, "&quot;"); break;
        default: put(b, "%c", *s);
        }
    }
}

static void xml_identity(xml_buf *b, const hc_domain_spec *s)
{
    put(b, "<domain type='%s'>\n  <name>", s->virt_type);
    put_escaped(b, s->name);
    put(b, "</name>\n  <memory unit='MiB'>%u</memory>\n  <vcpu placement='static'>%u</vcpu>\n", s->memory_mib,
        s->node->nvcpus);
}

static void xml_os(xml_buf *b, const hc_domain_spec *s)
{
    put(b, "  <os>\n    <type arch='x86_64'>hvm</type>\n    <kernel>");
    put_escaped(b, s->kernel);
    put(b, "</kernel>\n    <initrd>");
    put_escaped(b, s->initrd);
    put(b, "</initrd>\n    <cmdline>");
    put_escaped(b, s->cmdline);
    put(b, "</cmdline>\n  </os>\n");
}

/* The CPU model and the virtual topology: what distinguishes the layouts. */
static int xml_cpu(xml_buf *b, const hc_domain_spec *s, hs_error *err)
{
    bool tcg = strcmp(s->virt_type, "qemu") == 0;
    const char *mode = tcg ? "maximum" : s->layout == HC_LAYOUT_DEF ? "host-model" : "host-passthrough";
    bool smt = s->layout == HC_LAYOUT_VTUNE || s->layout == HC_LAYOUT_KUBEVIRT;
    unsigned v = s->node->nvcpus, threads = smt ? s->node->threads : 1;
    if (s->layout != HC_LAYOUT_PIN && !smt) {
        put(b, "  <cpu mode='%s'/>\n", mode);
        return 0;
    }
    if (threads == 0 || v % threads != 0)
        return hs_error_set(err, s->name, 0, 0, "%s: %u vCPUs are not a whole number of %u-thread cores",
                            hc_layout_name(s->layout), v, threads);
    put(b, "  <cpu mode='%s'>\n    <topology sockets='1' dies='1' cores='%u' threads='%u'/>\n  </cpu>\n", mode,
        v / threads, threads);
    return 0;
}

static void xml_cputune(xml_buf *b, const hc_domain_spec *s)
{
    bool pinned = s->layout != HC_LAYOUT_DEF;
    bool emulator = s->emulator_cpuset && s->emulator_cpuset[0];
    if (!pinned && !emulator)
        return;
    put(b, "  <cputune>\n");
    for (unsigned i = 0; pinned && i < s->node->nvcpus; i++)
        put(b, "    <vcpupin vcpu='%u' cpuset='%u'/>\n", i, s->node->vcpu[i]);
    if (emulator)
        put(b, "    <emulatorpin cpuset='%s'/>\n", s->emulator_cpuset);
    put(b, "  </cputune>\n");
}

static void xml_numatune(xml_buf *b, const hc_domain_spec *s)
{
    if (s->node->numa >= 0)
        put(b, "  <numatune>\n    <memory mode='strict' nodeset='%d'/>\n  </numatune>\n", s->node->numa);
}

/* Memory allocated up front and not merged with other guests' pages, so a
 * benchmark never pays for first touch or KSM. */
static void xml_memory_backing(xml_buf *b, const hc_domain_spec *s)
{
    put(b, "  <memoryBacking>\n%s    <nosharepages/>\n    <allocation mode='immediate'/>\n  </memoryBacking>\n",
        s->hugepages ? "    <hugepages/>\n" : "");
}

/* Without ACPI the guest's power-off only halts it, and the domain
 * would never end. */
static void xml_features(xml_buf *b)
{
    put(b, "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n");
}

static void xml_lifecycle(xml_buf *b)
{
    put(b, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n  <on_crash>destroy</on_crash>\n");
}

static void xml_devices(xml_buf *b, const hc_domain_spec *s)
{
    put(b, "  <devices>\n");
    if (s->disk) {
        put(b, "    <disk type='file' device='disk'>\n      <driver name='qemu' type='raw' io='native' cache='none'/>\n"
               "      <source file='");
        put_escaped(b, s->disk);
        put(b, "'/>\n      <target dev='vda' bus='virtio'/>\n    </disk>\n");
    }
    put(b, "    <serial type='file'>\n      <source path='");
    put_escaped(b, s->serial_log);
    /* No <console>: libvirt makes serial port 0 the console by itself. */
    put(b, "'/>\n      <target port='0'/>\n    </serial>\n");
    put(b, "    <memballoon model='none'/>\n  </devices>\n");
}

/* QEMU runs as root and libvirt relabels nothing: the guest's files live
 * in a root-owned work folder and cache, and relabelling a kernel shared
 * by concurrent guests would race. */
static void xml_seclabel(xml_buf *b)
{
    put(b, "  <seclabel type='static' model='dac' relabel='no'>\n    <label>+0:+0</label>\n  </seclabel>\n");
}

int hc_domain_xml(const hc_domain_spec *s, char *out, size_t cap, hs_error *err)
{
    if (strcmp(s->virt_type, "kvm") != 0 && strcmp(s->virt_type, "qemu") != 0)
        return hs_error_set(err, s->name, 0, 0, "virtualization type '%s' is neither kvm nor qemu", s->virt_type);
    if (s->node->nvcpus == 0 || s->memory_mib == 0)
        return hs_error_set(err, s->name, 0, 0, "a domain needs vCPUs and memory");
    xml_buf b = {out, 0, cap, false};
    xml_identity(&b, s);
    xml_memory_backing(&b, s);
    xml_cputune(&b, s);
    xml_numatune(&b, s);
    xml_os(&b, s);
    xml_features(&b);
    if (xml_cpu(&b, s, err) < 0)
        return -1;
    xml_lifecycle(&b);
    xml_devices(&b, s);
    xml_seclabel(&b);
    put(&b, "</domain>\n");
    if (b.overflow)
        return hs_error_set(err, s->name, 0, 0, "domain XML longer than %zu bytes", cap);
    return 0;
}

/* 1 when os is a PU of t. */
static int is_pu(const hc_topology *t, unsigned os)
{
    for (unsigned c = 0; c < t->ncores; c++)
        for (unsigned k = 0; k < t->cores[c].npus; k++)
            if (t->cores[c].pu[k] == os)
                return 1;
    return 0;
}

int hc_domain_check_pins(const hc_topology *t, const hc_domain_spec *s, hs_error *err)
{
    if (s->layout != HC_LAYOUT_DEF)
        for (unsigned i = 0; i < s->node->nvcpus; i++)
            if (!is_pu(t, s->node->vcpu[i]))
                return hs_error_set(err, s->name, 0, 0, "vCPU %u is pinned to CPU %u, which the host (%s, %u PUs) lacks",
                                    i, s->node->vcpu[i], t->source, t->npus);
    unsigned emu[1024];
    int n = hc_cpulist_parse(s->emulator_cpuset ? s->emulator_cpuset : "", emu, 1024);
    if (n < 0)
        return hs_error_set(err, s->name, 0, 0, "emulator CPU set '%s' is not a CPU list", s->emulator_cpuset);
    for (int i = 0; i < n; i++)
        if (!is_pu(t, emu[i]))
            return hs_error_set(err, s->name, 0, 0, "the emulator is pinned to CPU %u, which the host lacks", emu[i]);
    return 0;
}
