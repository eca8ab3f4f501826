/* The kvm lifecycle pieces against libvirt's in-process test driver
 * (test:///default, no daemon, no QEMU): our domain XML passes libvirt's
 * schema validation (VIR_DOMAIN_START_VALIDATE, and DEFINE_VALIDATE for a
 * persistent definition) for each layout, the pins
 * read back from the running domain match the placement (and a wrong
 * one is caught), waiting sees a shut-down domain gone, a wait that
 * times out says so, destroy leaves nothing, and cleanup finds a domain
 * by the name the state file recorded. */
#define _GNU_SOURCE
#include <string.h>
#include <unistd.h>
#include <libvirt/virterror.h>

#include "backends/kvm.h"
#include "backends/kvm_xml.h"
#include "testlib.h"

#define URI "test:///default"

/* A 4-core SMT-2 host (libvirt's test host has 16 CPUs), 2 vCPUs. */
static void make_xml(enum hc_layout layout, hc_topology *t, hc_placement *p, const char *name, char *xml, size_t cap)
{
    hs_error err;
    ck_assert_int_eq(hc_topology_load(t, "pack:1 numa:1 core:4 pu:2", &err), 0);
    hc_place_request req = {1, 2, layout, 1, 0};
    ck_assert_int_eq(hc_place(t, &req, p, &err), 0);
    hc_domain_spec s = {name, "kvm", 256, layout, &p->nodes[0], p->housekeeping, "/nonexistent/vmlinuz",
                        "/nonexistent/initrd", "console=ttyS0 panic=-1 quiet -- compute seconds=1",
                        "/nonexistent/console.log", NULL, false};
    ck_assert_int_eq(hc_domain_xml(&s, xml, cap, &err), 0);
}

static virConnectPtr open_test(void)
{
    virConnectPtr c = virConnectOpen(URI);
    ck_assert_msg(c != NULL, "cannot open %s", URI);
    return c;
}

static int exists(virConnectPtr c, const char *name)
{
    virDomainPtr d = virDomainLookupByName(c, name);
    if (d)
        virDomainFree(d);
    return d != NULL;
}

START_TEST(every_layout_validates_and_pins_read_back)
{
    virConnectPtr c = open_test();
    for (int l = 0; l < HC_LAYOUT_N; l++) {
        hc_topology t;
        hc_placement p;
        char xml[16384], name[64];
        snprintf(name, sizeof name, "hpcsim-test-%s", hc_layout_name((enum hc_layout)l));
        make_xml((enum hc_layout)l, &t, &p, name, xml, sizeof xml);
        virDomainPtr d;
        hs_error err;
        ck_assert_msg(hc_kvm_create(c, xml, &d, &err) == 0, "%s: %s", name, err.text);
        ck_assert_msg(hc_kvm_check_pins(d, &p.nodes[0], (enum hc_layout)l, &err) == 0, "%s: %s", name, err.text);
        if (l != HC_LAYOUT_DEF) { /* the same domain against another placement: caught */
            hc_node_place wrong = p.nodes[0];
            wrong.vcpu[1] = wrong.vcpu[0] == 5 ? 6 : 5;
            ck_assert_int_eq(hc_kvm_check_pins(d, &wrong, (enum hc_layout)l, &err), -1);
            ck_assert_msg(strstr(err.text, "pinning not in effect: vCPU 1") != NULL, "%s", err.text);
        }
        hc_kvm_destroy(d);
        ck_assert_msg(!exists(c, name), "%s still exists after destroy", name);
        /* the same XML as a persistent definition validates too */
        virDomainPtr def = virDomainDefineXMLFlags(c, xml, VIR_DOMAIN_DEFINE_VALIDATE);
        ck_assert_msg(def != NULL, "%s: define refused", name);
        ck_assert_int_eq(virDomainUndefine(def), 0);
        virDomainFree(def);
        ck_assert(!exists(c, name));
        hc_placement_free(&p);
        hc_topology_free(&t);
    }
    virConnectClose(c);
}
END_TEST

START_TEST(schema_validation_refuses_bad_xml)
{
    virConnectPtr c = open_test();
    hc_topology t;
    hc_placement p;
    char xml[16384];
    make_xml(HC_LAYOUT_PIN, &t, &p, "hpcsim-test-bad", xml, sizeof xml);
    /* an element the schema does not know, where libvirt without
     * validation would silently drop it */
    char *at = strstr(xml, "<features>");
    ck_assert_ptr_nonnull(at);
    memcpy(at, "<featurez>", 10);
    char *close = strstr(xml, "</features>");
    memcpy(close, "</featurez>", 11);
    virDomainPtr d;
    hs_error err;
    ck_assert_int_eq(hc_kvm_create(c, xml, &d, &err), -1);
    ck_assert_msg(strstr(err.text, "domain not created") != NULL, "%s", err.text);
    ck_assert(!exists(c, "hpcsim-test-bad"));
    hc_placement_free(&p);
    hc_topology_free(&t);
    virConnectClose(c);
}
END_TEST

START_TEST(wait_sees_shutdown_and_times_out)
{
    virConnectPtr c = open_test();
    hc_topology t;
    hc_placement p;
    char xml[16384];
    make_xml(HC_LAYOUT_VTUNE, &t, &p, "hpcsim-test-wait", xml, sizeof xml);
    virDomainPtr d;
    hs_error err;
    hc_boot_times bt;
    /* a guest that never powers off: the wait gives up and says so */
    ck_assert_int_eq(hc_kvm_create(c, xml, &d, &err), 0);
    double t0 = hc_now();
    ck_assert_int_eq(hc_kvm_wait(d, NULL, t0, 0.05, &bt, &err), -1);
    ck_assert_msg(strstr(err.text, "no power-off within") != NULL, "%s", err.text);
    ck_assert(exists(c, "hpcsim-test-wait")); /* the caller destroys it */
    /* shut down: the transient domain is gone and the wait returns */
    ck_assert_int_eq(virDomainShutdown(d), 0);
    ck_assert_int_eq(hc_kvm_wait(d, NULL, t0, 5, &bt, &err), 0);
    ck_assert(bt.shutoff >= 0 && bt.ready < 0);
    ck_assert(!exists(c, "hpcsim-test-wait"));
    hc_kvm_destroy(d); /* on a gone domain: harmless */
    hc_placement_free(&p);
    hc_topology_free(&t);
    virConnectClose(c);
}
END_TEST

START_TEST(cleanup_destroys_a_recorded_domain)
{
    /* test:///default is one shared driver per process: a domain created
     * on one connection is found through another, as cleanup does */
    virConnectPtr c = open_test();
    hc_topology t;
    hc_placement p;
    char xml[16384];
    make_xml(HC_LAYOUT_PIN_DEF, &t, &p, "hpcsim-test-left", xml, sizeof xml);
    virDomainPtr d;
    hs_error err;
    ck_assert_int_eq(hc_kvm_create(c, xml, &d, &err), 0);
    virDomainFree(d);
    ck_assert_int_eq(hc_kvm_remove(URI, "hpcsim-test-left", NULL), 1);
    ck_assert(!exists(c, "hpcsim-test-left"));
    ck_assert_int_eq(hc_kvm_remove(URI, "hpcsim-test-left", NULL), 0); /* nothing left to remove */
    hc_placement_free(&p);
    hc_topology_free(&t);
    virConnectClose(c);
}
END_TEST

/* Lookups of destroyed domains fail on purpose here. */
static void quiet(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

int main(void)
{
    virSetErrorFunc(NULL, quiet);
    Suite *s = suite_create("kvm_libvirt");
    TCase *tc = tcase_create("test-driver");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, every_layout_validates_and_pins_read_back);
    tcase_add_test(tc, schema_validation_refuses_bad_xml);
    tcase_add_test(tc, wait_sees_shutdown_and_times_out);
    tcase_add_test(tc, cleanup_destroys_a_recorded_domain);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
