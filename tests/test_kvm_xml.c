/* Domain XML for the layouts on the tuning study's host (2 sockets ×
 * 8 cores × 2 threads, siblings n and n+16, core 0 kept for housekeeping,
 * a 4-vCPU node): compared with golden files, and the elements the study
 * specifies asserted one by one, so a golden file cannot silently bless a
 * wrong pin. HS_UPDATE_GOLDEN=1 rewrites the files (then read the diff). */
#include <stdlib.h>
#include <string.h>

#include "backends/kvm_xml.h"
#include "testlib.h"

#define STUDY_HOST "Package:2 [NUMANode] Core:8 PU:2(indexes=2*16:1*2)"

static void make(enum hc_layout layout, const char *virt, hc_topology *t, hc_placement *p, hc_domain_spec *s)
{
    hs_error err;
    ck_assert_int_eq(hc_topology_load(t, STUDY_HOST, &err), 0);
    hc_place_request req = {1, 4, layout, 1, 0};
    ck_assert_int_eq(hc_place(t, &req, p, &err), 0);
    hc_domain_spec d = {"hpcsim-study-node", virt, 1024, layout, &p->nodes[0], hc_place_emulator(p, &p->nodes[0]),
                        "/var/lib/hpcsim/vmlinuz", "/var/lib/hpcsim/initrd-0123abcd.img",
                        "console=ttyS0 panic=-1 quiet -- compute seconds=1",
                        "/var/lib/hpcsim/hpcsim-study-node.log", NULL, false};
    *s = d;
}

static void golden(const char *xml, const char *layout)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/kvm/%s.xml", HS_FIXTURES, layout);
    if (getenv("HS_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        fputs(xml, f);
        fclose(f);
    }
    char *want = tl_read(path, NULL);
    ck_assert_msg(want != NULL, "no golden file %s", path);
    ck_assert_msg(strcmp(want, xml) == 0, "%s differs from the golden file:\n%s", layout, xml);
    free(want);
}

static void has(const char *xml, const char *what) { ck_assert_msg(strstr(xml, what) != NULL, "missing: %s", what); }
static void lacks(const char *xml, const char *what) { ck_assert_msg(strstr(xml, what) == NULL, "unexpected: %s", what); }

/* KubeVirt's map (docs/calibration.md "Layouts"): the pins in the order
 * of the sorted CPU set, so guest core 0 (vCPUs 0, 1) runs on host CPUs 1
 * and 2, which are not siblings; the topology vtune asks for; QEMU's
 * threads on the node's own CPUs, as virt-launcher leaves them. */
static void kubevirt_elements(const char *xml)
{
    has(xml, "<vcpupin vcpu='0' cpuset='1'/>");
    has(xml, "<vcpupin vcpu='1' cpuset='2'/>");
    has(xml, "<vcpupin vcpu='2' cpuset='17'/>");
    has(xml, "<vcpupin vcpu='3' cpuset='18'/>");
    has(xml, "<emulatorpin cpuset='1-2,17-18'/>");
    has(xml, "<cpu mode='host-passthrough'>");
    has(xml, "<topology sockets='1' dies='1' cores='2' threads='2'/>");
    has(xml, "<memory mode='strict' nodeset='0'/>");
    lacks(xml, "cpuset='0,16'");
}

START_TEST(every_layout)
{
    static const char *const pins[] = {"<vcpupin vcpu='0' cpuset='1'/>", "<vcpupin vcpu='1' cpuset='17'/>",
                                       "<vcpupin vcpu='2' cpuset='2'/>", "<vcpupin vcpu='3' cpuset='18'/>"};
    for (int l = 0; l < HC_LAYOUT_N; l++) {
        hc_topology t;
        hc_placement p;
        hc_domain_spec s;
        make((enum hc_layout)l, "kvm", &t, &p, &s);
        char xml[8192];
        hs_error err;
        ck_assert_int_eq(hc_domain_xml(&s, xml, sizeof xml, &err), 0);
        ck_assert_int_eq(hc_domain_check_pins(&t, &s, &err), 0);
        golden(xml, hc_layout_name((enum hc_layout)l));
        has(xml, "<domain type='kvm'>");
        has(xml, "<vcpu placement='static'>4</vcpu>");
        has(xml, "<on_poweroff>destroy</on_poweroff>");
        has(xml, "<on_crash>destroy</on_crash>");
        if (l == HC_LAYOUT_KUBEVIRT) {
            kubevirt_elements(xml);
            hc_placement_free(&p);
            hc_topology_free(&t);
            continue;
        }
        has(xml, "<emulatorpin cpuset='0,16'/>"); /* QEMU's threads on the housekeeping core */
        for (int v = 0; v < 4; v++)
            (l == HC_LAYOUT_DEF ? lacks : has)(xml, pins[v]);
        switch (l) {
        case HC_LAYOUT_DEF: /* every vCPU its own socket: no topology element */
            has(xml, "<cpu mode='host-model'/>");
            lacks(xml, "<topology");
            lacks(xml, "<numatune>");
            break;
        case HC_LAYOUT_PIN_DEF:
            has(xml, "<cpu mode='host-passthrough'/>");
            lacks(xml, "<topology");
            break;
        case HC_LAYOUT_PIN:
            has(xml, "<topology sockets='1' dies='1' cores='4' threads='1'/>");
            break;
        case HC_LAYOUT_VTUNE: /* vCPUs 0,1 are threads of one core: 1 and 17 are siblings */
            has(xml, "<topology sockets='1' dies='1' cores='2' threads='2'/>");
            has(xml, "<memory mode='strict' nodeset='0'/>");
            break;
        }
        hc_placement_free(&p);
        hc_topology_free(&t);
    }
}
END_TEST

START_TEST(tcg_disk_hugepages_and_escaping)
{
    hc_topology t;
    hc_placement p;
    hc_domain_spec s;
    make(HC_LAYOUT_PIN, "qemu", &t, &p, &s);
    s.disk = "/tmp/disk & <more>.raw";
    s.hugepages = true;
    s.cmdline = "a='b' && c";
    char xml[8192];
    hs_error err;
    ck_assert_int_eq(hc_domain_xml(&s, xml, sizeof xml, &err), 0);
    has(xml, "<domain type='qemu'>");
    has(xml, "<cpu mode='maximum'>"); /* TCG has no host-passthrough */
    has(xml, "<driver name='qemu' type='raw' io='native' cache='none'/>");
    has(xml, "<source file='/tmp/disk &amp; &lt;more&gt;.raw'/>");
    has(xml, "<cmdline>a=&apos;b&apos; &amp;&amp; c</cmdline>");
    has(xml, "<hugepages/>");
    char small[64];
    ck_assert_int_eq(hc_domain_xml(&s, small, sizeof small, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "longer than"));
    s.virt_type = "xen";
    ck_assert_int_eq(hc_domain_xml(&s, xml, sizeof xml, &err), -1);
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

/* libvirt's test driver accepts a pin to CPU 40 of 16; the planner must not. */
START_TEST(pins_checked_against_the_host)
{
    hc_topology study, small;
    hc_placement p;
    hc_domain_spec s;
    make(HC_LAYOUT_PIN, "kvm", &study, &p, &s);
    hs_error err;
    ck_assert_int_eq(hc_topology_load(&small, "pack:1 core:16 pu:1", &err), 0);
    ck_assert_int_eq(hc_domain_check_pins(&small, &s, &err), -1); /* pins 17 and 18 */
    ck_assert_ptr_nonnull(strstr(err.text, "vCPU 1 is pinned to CPU 17, which the host"));
    s.emulator_cpuset = "0,40";
    ck_assert_int_eq(hc_domain_check_pins(&study, &s, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "emulator is pinned to CPU 40"));
    hc_placement_free(&p);
    hc_topology_free(&study);
    hc_topology_free(&small);
}
END_TEST

static Suite *make_suite(void)
{
    Suite *s = suite_create("kvm_xml");
    TCase *tc = tcase_create("kvm_xml");
    tcase_add_test(tc, every_layout);
    tcase_add_test(tc, tcg_disk_hugepages_and_escaping);
    tcase_add_test(tc, pins_checked_against_the_host);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make_suite()); }
