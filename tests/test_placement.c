/* Placement against synthetic topologies, with the CPU sets expected by
 * hand: the tuning study's host (2 sockets × 8 cores × 2 threads, Intel
 * numbering: siblings n and n+16), a 1-socket 4-core host and a 128-core
 * 8-NUMA host; KubeVirt's vCPU map on the study's host and on a host whose
 * siblings are numbered adjacently; and the refusals of impossible plans. */
#include <string.h>

#include "placement.h"
#include "testlib.h"

#define STUDY_HOST "Package:2 [NUMANode] Core:8 PU:2(indexes=2*16:1*2)"

static void load(hc_topology *t, const char *spec)
{
    hs_error err;
    ck_assert_msg(hc_topology_load(t, spec, &err) == 0, "%s: %s", spec, err.text);
}

static void place(const hc_topology *t, unsigned nodes, unsigned vcpus, enum hc_layout layout, unsigned hk,
                  unsigned load_cpus, hc_placement *p)
{
    hc_place_request req = {nodes, vcpus, layout, hk, load_cpus};
    hs_error err;
    ck_assert_msg(hc_place(t, &req, p, &err) == 0, "%s: %s", hc_layout_name(layout), err.text);
}

START_TEST(study_host_topology)
{
    hc_topology t;
    load(&t, STUDY_HOST);
    ck_assert_uint_eq(t.npackages, 2);
    ck_assert_uint_eq(t.nnuma, 2);
    ck_assert_uint_eq(t.ncores, 16);
    ck_assert_uint_eq(t.npus, 32);
    ck_assert_uint_eq(t.cores[1].pu[0], 1);
    ck_assert_uint_eq(t.cores[1].pu[1], 17); /* Intel numbering */
    ck_assert_uint_eq(t.cores[8].package, 1);
    ck_assert_uint_eq(t.cores[8].numa, 1);
    ck_assert_uint_eq(strlen(t.xml_digest), 16);
    hc_topology_free(&t);
}
END_TEST

/* The study: core 0 kept for housekeeping, a 4-vCPU node gets 1,17,2,18. */
START_TEST(study_pinning)
{
    hc_topology t;
    load(&t, STUDY_HOST);
    static const enum hc_layout pinned[] = {HC_LAYOUT_PIN_DEF, HC_LAYOUT_PIN, HC_LAYOUT_VTUNE};
    for (int i = 0; i < 3; i++) {
        hc_placement p;
        place(&t, 1, 4, pinned[i], 1, 0, &p);
        unsigned expect[4] = {1, 17, 2, 18};
        for (int v = 0; v < 4; v++)
            ck_assert_msg(p.nodes[0].vcpu[v] == expect[v], "%s: vCPU %d on %u", hc_layout_name(pinned[i]), v,
                          p.nodes[0].vcpu[v]);
        ck_assert_str_eq(p.nodes[0].cpuset, "1-2,17-18");
        ck_assert_str_eq(p.housekeeping, "0,16");
        ck_assert_int_eq(p.nodes[0].numa, 0);
        hc_placement_free(&p);
    }
    /* def: no pinning; the node floats over everything but housekeeping */
    hc_placement p;
    place(&t, 1, 4, HC_LAYOUT_DEF, 1, 0, &p);
    ck_assert_str_eq(p.nodes[0].cpuset, "1-15,17-31");
    ck_assert_int_eq(p.nodes[0].numa, -1);
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

/* 4-vCPU nodes under vtune with core 0 for housekeeping and core 15 for
 * load generators: each socket has 7 free cores, so 3 nodes per socket and
 * one stranded core each (a node never spans sockets). */
START_TEST(study_many_nodes_and_load)
{
    hc_topology t;
    load(&t, STUDY_HOST);
    hc_placement p;
    place(&t, 6, 4, HC_LAYOUT_VTUNE, 1, 2, &p);
    ck_assert_str_eq(p.load, "15,31");
    ck_assert_str_eq(p.nodes[2].cpuset, "5-6,21-22");
    ck_assert_str_eq(p.nodes[3].cpuset, "8-9,24-25");
    ck_assert_int_eq(p.nodes[3].numa, 1);
    ck_assert_str_eq(p.nodes[5].cpuset, "12-13,28-29");
    ck_assert_str_eq(p.remaining, "7,14,23,30");
    hc_placement_free(&p);
    hc_place_request seven = {7, 4, HC_LAYOUT_VTUNE, 1, 2};
    hs_error err;
    ck_assert_int_eq(hc_place(&t, &seven, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "vtune: node 6 finds no 2 whole free cores inside one NUMA node"));
    /* pin packs thread by thread and may span sockets */
    place(&t, 4, 7, HC_LAYOUT_PIN, 1, 0, &p);
    ck_assert_str_eq(p.nodes[0].cpuset, "1-4,17-19");
    ck_assert_str_eq(p.nodes[1].cpuset, "5-7,20-23"); /* starts on 4's sibling */
    ck_assert_int_eq(p.nodes[1].numa, 0);
    ck_assert_str_eq(p.nodes[2].cpuset, "8-11,24-26");
    ck_assert_int_eq(p.nodes[2].numa, 1);
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

START_TEST(one_socket_four_cores)
{
    hc_topology t;
    load(&t, "pack:1 core:4 pu:1");
    ck_assert_uint_eq(t.npus, 4);
    hc_placement p;
    place(&t, 3, 1, HC_LAYOUT_PIN, 1, 0, &p);
    ck_assert_str_eq(p.nodes[0].cpuset, "1");
    ck_assert_str_eq(p.nodes[2].cpuset, "3");
    ck_assert_uint_eq(p.nremaining, 0);
    hc_placement_free(&p);
    place(&t, 1, 2, HC_LAYOUT_VTUNE, 0, 1, &p);
    ck_assert_str_eq(p.nodes[0].cpuset, "0-1");
    ck_assert_str_eq(p.load, "3");
    ck_assert_str_eq(p.remaining, "2");
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

/* The study's finding (docs/calibration.md "Layouts"): KubeVirt asked for
 * 1 socket × 2 cores × 2 threads got the CPUs vtune uses, 1,2,17,18, but
 * pinned vCPU i to the i-th of them in order: guest core 0 (vCPUs 0 and 1)
 * runs on host CPUs 1 and 2, two different cores, and guest core 1 on 17
 * and 18. Its emulator threads share the node's CPUs. */
START_TEST(kubevirt_on_the_study_host)
{
    hc_topology t;
    load(&t, STUDY_HOST);
    hc_placement p;
    place(&t, 2, 4, HC_LAYOUT_KUBEVIRT, 1, 0, &p);
    static const unsigned expect[2][4] = {{1, 2, 17, 18}, {3, 4, 19, 20}};
    for (int i = 0; i < 2; i++) {
        for (int v = 0; v < 4; v++)
            ck_assert_msg(p.nodes[i].vcpu[v] == expect[i][v], "node %d vCPU %d on %u", i, v, p.nodes[i].vcpu[v]);
        ck_assert_uint_eq(p.nodes[i].threads, 2);
        ck_assert_int_eq(p.nodes[i].numa, 0);
        ck_assert_uint_eq(hc_place_split_cores(&t, &p.nodes[i]), 2); /* both guest cores straddle */
    }
    ck_assert_str_eq(p.nodes[0].cpuset, "1-2,17-18"); /* the same CPUs as vtune */
    ck_assert_str_eq(hc_place_emulator(&p, &p.nodes[0]), "1-2,17-18");
    ck_assert_str_eq(hc_place_emulator(&p, NULL), "0,16"); /* host load generators keep housekeeping */
    hc_placement_free(&p);
    /* vtune on the same CPUs: no guest core straddles, QEMU on housekeeping */
    place(&t, 1, 4, HC_LAYOUT_VTUNE, 1, 0, &p);
    ck_assert_uint_eq(hc_place_split_cores(&t, &p.nodes[0]), 0);
    ck_assert_str_eq(hc_place_emulator(&p, &p.nodes[0]), "0,16");
    hc_placement_free(&p);
    hc_topology_free(&t);
    /* siblings numbered adjacently (0,1 one core): the sorted order is the
     * sibling order, and KubeVirt's map is vtune's */
    load(&t, "pack:1 core:4 pu:2");
    place(&t, 1, 4, HC_LAYOUT_KUBEVIRT, 0, 0, &p);
    ck_assert_str_eq(p.nodes[0].cpuset, "0-3");
    ck_assert_uint_eq(hc_place_split_cores(&t, &p.nodes[0]), 0);
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

START_TEST(kubevirt_refusals)
{
    hc_topology t;
    hc_placement p;
    hs_error err;
    load(&t, "pack:1 core:8 pu:1");
    hc_place_request req = {1, 4, HC_LAYOUT_KUBEVIRT, 0, 0};
    ck_assert_int_eq(hc_place(&t, &req, &p, &err), -1);
    ck_assert_msg(strstr(err.text, "kubevirt needs a host with SMT") && strstr(err.text, "1 thread per core"), "%s",
                  err.text);
    hc_topology_free(&t);
    load(&t, STUDY_HOST);
    req.vcpus = 3;
    ck_assert_int_eq(hc_place(&t, &req, &p, &err), -1);
    ck_assert_msg(strstr(err.text, "kubevirt: 3 vCPUs are not whole cores of 2 threads") != NULL, "%s", err.text);
    req.vcpus = 18;
    ck_assert_int_eq(hc_place(&t, &req, &p, &err), -1);
    ck_assert_msg(strstr(err.text, "kubevirt keeps a node inside one NUMA node, but 18 vCPUs") != NULL, "%s",
                  err.text);
    enum hc_layout l;
    ck_assert_int_eq(hc_layout_parse("kubevirt", &l), 0);
    ck_assert_int_eq(l, HC_LAYOUT_KUBEVIRT);
    hc_topology_free(&t);
}
END_TEST

START_TEST(big_numa_host)
{
    hc_topology t;
    load(&t, "pack:2 numa:4 core:16 pu:1");
    ck_assert_uint_eq(t.ncores, 128);
    ck_assert_uint_eq(t.nnuma, 8);
    hc_placement p;
    place(&t, 8, 16, HC_LAYOUT_VTUNE, 0, 0, &p);
    for (unsigned i = 0; i < 8; i++)
        ck_assert_int_eq(p.nodes[i].numa, (int)i);
    ck_assert_str_eq(p.nodes[7].cpuset, "112-127");
    hc_placement_free(&p);
    /* with one housekeeping core NUMA node 0 has 15 cores left: every node
     * moves one NUMA node along */
    place(&t, 7, 16, HC_LAYOUT_VTUNE, 1, 0, &p);
    for (unsigned i = 0; i < 7; i++)
        ck_assert_int_eq(p.nodes[i].numa, (int)i + 1);
    ck_assert_str_eq(p.remaining, "1-15");
    hc_placement_free(&p);
    hc_topology_free(&t);
    /* enough CPUs in all, but no NUMA node holds a third 5-core node */
    load(&t, "pack:1 numa:2 core:8 pu:1");
    hc_place_request req = {3, 5, HC_LAYOUT_VTUNE, 0, 0};
    hs_error err;
    ck_assert_int_eq(hc_place(&t, &req, &p, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "node 2 finds no 5 whole free cores inside one NUMA node"));
    req.layout = HC_LAYOUT_PIN; /* pin may span */
    place(&t, 3, 5, HC_LAYOUT_PIN, 0, 0, &p);
    ck_assert_int_eq(p.nodes[1].numa, -1);
    hc_placement_free(&p);
    hc_topology_free(&t);
}
END_TEST

START_TEST(refusals)
{
    hc_topology t;
    load(&t, STUDY_HOST);
    static const struct {
        hc_place_request req;
        const char *expect;
    } cases[] = {
        {{1, 40, HC_LAYOUT_PIN, 0, 0}, "need 40 CPUs to pin; 32 are left"},
        {{9, 4, HC_LAYOUT_PIN_DEF, 1, 0}, "need 36 CPUs to pin; 30 are left"},
        {{1, 20, HC_LAYOUT_VTUNE, 0, 0}, "20 vCPUs exceed the largest one (16 CPUs)"},
        {{1, 4, HC_LAYOUT_PIN, 16, 0}, "16 housekeeping cores leave none"},
        {{1, 4, HC_LAYOUT_PIN, 1, 31}, "31 CPUs for load generators asked, only 30 are left"},
        {{0, 4, HC_LAYOUT_PIN, 0, 0}, "at least one node"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_placement p;
        hs_error err;
        ck_assert_int_eq(hc_place(&t, &cases[i].req, &p, &err), -1);
        ck_assert_msg(strstr(err.text, cases[i].expect) != NULL, "case %zu: %s", i, err.text);
    }
    hc_topology_free(&t);
    hs_error err;
    ck_assert_int_eq(hc_topology_load(&t, "bogus:3", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "synthetic description"));
}
END_TEST

START_TEST(cpulist_both_ways)
{
    unsigned cpus[16], n;
    char text[64];
    ck_assert_int_eq(hc_cpulist_parse("1-2,17-18", cpus, 16), 4);
    ck_assert_uint_eq(cpus[2], 17);
    hc_cpulist(cpus, 4, text, sizeof text);
    ck_assert_str_eq(text, "1-2,17-18");
    ck_assert_int_eq(hc_cpulist_parse("", cpus, 16), 0);
    static const char *const bad[] = {"a", "1-", "3-1", "1,,2", "-1", "1;2", "1-2-3"};
    for (n = 0; n < sizeof bad / sizeof bad[0]; n++)
        ck_assert_msg(hc_cpulist_parse(bad[n], cpus, 16) == -1, "'%s' accepted", bad[n]);
}
END_TEST

START_TEST(xml_round_trip)
{
    const char *dir = tl_tmpdir("topo_xml");
    char path[1100];
    snprintf(path, sizeof path, "%s/study.xml", dir);
    hs_error err;
    ck_assert_int_eq(hc_topology_export_xml(STUDY_HOST, path, &err), 0);
    hc_topology a, b;
    load(&a, STUDY_HOST);
    load(&b, path);
    ck_assert_uint_eq(a.npus, b.npus);
    for (unsigned c = 0; c < a.ncores; c++)
        ck_assert_mem_eq(&a.cores[c], &b.cores[c], sizeof a.cores[c]);
    hc_topology_free(&a);
    hc_topology_free(&b);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("placement");
    TCase *tc = tcase_create("placement");
    tcase_add_test(tc, study_host_topology);
    tcase_add_test(tc, study_pinning);
    tcase_add_test(tc, study_many_nodes_and_load);
    tcase_add_test(tc, one_socket_four_cores);
    tcase_add_test(tc, kubevirt_on_the_study_host);
    tcase_add_test(tc, kubevirt_refusals);
    tcase_add_test(tc, big_numa_host);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, cpulist_both_ways);
    tcase_add_test(tc, xml_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
