/* The platform rows of the boundary report (platforms.h). */
#define _GNU_SOURCE
#include "platforms.h"

#include <jansson.h>
#include <stdbool.h>
#include <string.h>

#include "hpcsim/svg.h"

const hc_platform hc_platforms[] = {
    {"native", "native processes", "hpcsim-calibrate run --backends native (every other factor is relative to it)"},
    {"lxc", "LXC containers", "hpcsim-calibrate run --backends native,lxc"},
    {"docker", "Docker containers",
     "run hpcsim-bench compute, stream, disk and pipe in `docker run --cpuset-cpus` containers beside native "
     "processes on the same CPUs, in paired blocks as the lxc backend does (hpcsim-calibrate has no docker backend)"},
    {"singularity", "Singularity / Apptainer",
     "run hpcsim-bench under `apptainer exec` (mount and user namespaces, no cgroup of its own) pinned with "
     "taskset, beside native processes on the same CPUs (hpcsim-calibrate has no such backend; Apptainer is not "
     "packaged in Debian 12)"},
    {"kvm", "KVM VMs (libvirt)",
     "hpcsim-calibrate run --backends native,kvm --layouts def,pin_def,pin,vtune on a host with a working /dev/kvm "
     "(under TCG the figures are marked emulated)"},
    {"kubevirt", "KVM VMs as KubeVirt places them",
     "hpcsim-calibrate run --backends native,kvm --layouts kubevirt,vtune on a host with SMT and a working "
     "/dev/kvm (docs/calibration.md \"Layouts\")"},
    {"firecracker", "Firecracker microVMs",
     "boot a Firecracker microVM running hpcsim-bench with its vCPU threads pinned, beside native processes on the "
     "same CPUs (hpcsim-calibrate has no firecracker backend)"},
    {"xen-hvm", "Xen HVM guests",
     "on a host booted into the Xen hypervisor, run hpcsim-bench in dom0 and in an HVM domU whose vCPUs are pinned "
     "with `xl vcpu-pin`, in paired blocks (hpcsim-calibrate has no Xen backend)"},
    {"xen-pv", "Xen PV guests", "as for Xen HVM guests, with a paravirtualised domU"},
};
const unsigned hc_nplatforms = sizeof hc_platforms / sizeof hc_platforms[0];

void hc_backend_base(const hs_backend_model *b, char *out, size_t cap)
{
    snprintf(out, cap, "%s", b->name);
    char *dash = strrchr(out, '-');
    if (dash && b->layout[0] && strcmp(dash + 1, b->layout) == 0)
        *dash = '\0';
}

const hc_platform *hc_platform_of(const hs_backend_model *b)
{
    char base[sizeof b->name];
    hc_backend_base(b, base, sizeof base);
    const char *want = strcmp(base, "kvm") == 0 && strcmp(b->layout, "kubevirt") == 0 ? "kubevirt" : base;
    for (unsigned i = 0; i < hc_nplatforms; i++)
        if (strcmp(hc_platforms[i].id, want) == 0)
            return &hc_platforms[i];
    return NULL;
}

/* One table, written both as Markdown and (when h) as HTML. */
typedef struct table {
    FILE *out, *h;
} table;

static void cell(table *t, const char *text, bool last)
{
    fprintf(t->out, " %s |%s", text, last ? "\n" : "");
    if (t->h) {
        fputs("<td>", t->h);
        hs_html_escape(t->h, text);
        fputs(last ? "</td></tr>\n" : "</td>", t->h);
    }
}

static void row_begin(table *t)
{
    fputs("|", t->out);
    if (t->h)
        fputs("<tr>", t->h);
}

static const char *const columns[] = {"platform", "model backend", "data", "cpu", "memory", "io", "latency",
                                      "launch (s)", "sources, or what would supply it"};
enum { NCOLUMNS = sizeof columns / sizeof columns[0] };

static void header(table *t)
{
    fputs("|", t->out);
    for (unsigned i = 0; i < NCOLUMNS; i++)
        fprintf(t->out, " %s |", columns[i]);
    fputs("\n|", t->out);
    for (unsigned i = 0; i < NCOLUMNS; i++)
        fputs(i >= 3 && i <= 7 ? "---:|" : "---|", t->out);
    fputs("\n", t->out);
    if (t->h) {
        fputs("<h2>Platforms</h2>\n<table border='1' cellpadding='3'>\n<tr>", t->h);
        for (unsigned i = 0; i < NCOLUMNS; i++)
            fprintf(t->h, "<th>%s</th>", columns[i]);
        fputs("</tr>\n", t->h);
    }
}

/* The sources the provenance gives for backend's figures: the distinct
 * "source" of each values entry named "BACKEND.something", in order. */
static void sources_of(json_t *prov, const char *backend, char *out, size_t cap)
{
    enum { MAX_SOURCES = 16 };
    const char *seen[MAX_SOURCES];
    unsigned nseen = 0;
    size_t len = 0, blen = strlen(backend);
    const char *key;
    json_t *v;
    out[0] = '\0';
    json_object_foreach(json_object_get(prov, "values"), key, v)
    {
        const char *src = json_string_value(json_object_get(v, "source"));
        if (!src || strncmp(key, backend, blen) != 0 || key[blen] != '.' || nseen == MAX_SOURCES)
            continue;
        bool dup = false;
        for (unsigned i = 0; i < nseen && !dup; i++)
            dup = strcmp(seen[i], src) == 0;
        if (dup)
            continue;
        seen[nseen++] = src;
        int w = snprintf(out + len, cap - len, "%s%s", len ? ", " : "", src);
        if (w > 0 && (size_t)w < cap - len)
            len += (size_t)w;
    }
}

static void overhead_text(const hs_overhead *o, char *out, size_t cap)
{
    if (!o->known)
        snprintf(out, cap, "-");
    else if (o->lo == o->hi)
        snprintf(out, cap, "%.3f", o->median);
    else
        snprintf(out, cap, "%.3f [%.3f, %.3f]", o->median, o->lo, o->hi);
}

static void launch_text(const hs_backend_model *b, char *out, size_t cap)
{
    if (b->nquantiles == 0) {
        snprintf(out, cap, "-");
        return;
    }
    unsigned last = b->nquantiles - 1;
    if (last == 0)
        snprintf(out, cap, "p%.0f %.3f", 100 * b->launch_q[0][0], b->launch_q[0][1]);
    else
        snprintf(out, cap, "p%.0f %.3f .. p%.0f %.3f", 100 * b->launch_q[0][0], b->launch_q[0][1],
                 100 * b->launch_q[last][0], b->launch_q[last][1]);
}

static void backend_row(table *t, const char *label, const hs_backend_model *b, json_t *prov)
{
    const char *source = json_string_value(json_object_get(prov, "source"));
    bool literature = source && strcmp(source, "literature") == 0;
    char text[512];
    row_begin(t);
    cell(t, label, false);
    snprintf(text, sizeof text, "%s%s%s", b->name, b->layout[0] ? ", layout " : "", b->layout);
    cell(t, text, false);
    cell(t, literature ? "literature" : b->emulated ? "measured, emulated (TCG): not representative" : "measured",
         false);
    for (int p = 0; p < HS_PROFILE_N; p++) {
        overhead_text(&b->overhead[p], text, sizeof text);
        cell(t, text, false);
    }
    launch_text(b, text, sizeof text);
    cell(t, text, false);
    if (literature) {
        char srcs[256];
        sources_of(prov, b->name, srcs, sizeof srcs);
        snprintf(text, sizeof text, "%s (provenance.values)", srcs[0] ? srcs : "none named");
    } else {
        const char *log = json_string_value(json_object_get(prov, "measurements"));
        snprintf(text, sizeof text, "hpcsim-calibrate measurements%s%s", log ? ": " : "", log ? log : "");
    }
    cell(t, text, true);
}

static void missing_row(table *t, const hc_platform *pl, json_t *prov)
{
    const char *why = json_string_value(json_object_get(json_object_get(prov, "no_data"), pl->id));
    char text[1024];
    row_begin(t);
    cell(t, pl->label, false);
    cell(t, "-", false);
    cell(t, "no data", false);
    for (int p = 0; p < HS_PROFILE_N + 1; p++)
        cell(t, "-", false);
    snprintf(text, sizeof text, "%s%s%s", why ? why : "", why ? " To supply it: " : "To supply it: ", pl->measure);
    cell(t, text, true);
}

void hc_platforms_report(const hs_model *m, FILE *out, FILE *html)
{
    json_error_t jerr;
    json_t *prov = json_loads(m->provenance ? m->provenance : "{}", 0, &jerr);
    table t = {out, html};
    fputs("\nPlatforms (every one our users compare; factors on run time against native, 95 % interval in "
          "brackets):\n\n",
          out);
    header(&t);
    for (unsigned i = 0; i < hc_nplatforms; i++) {
        bool any = false;
        for (unsigned j = 0; j < m->nbackends; j++)
            if (hc_platform_of(&m->backends[j]) == &hc_platforms[i]) {
                backend_row(&t, hc_platforms[i].label, &m->backends[j], prov);
                any = true;
            }
        if (!any)
            missing_row(&t, &hc_platforms[i], prov);
    }
    for (unsigned j = 0; j < m->nbackends; j++)
        if (!hc_platform_of(&m->backends[j]))
            backend_row(&t, "(other)", &m->backends[j], prov);
    if (html)
        fputs("</table>\n", html);
    json_decref(prov);
}
