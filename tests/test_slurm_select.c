/* The Slurm model, Node selection: cons_tres best fit and node weights, topology/tree
 * switches and topology.conf refused with its line (docs/slurm.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"
#include "assoc_file.h"
#include "params.h"
#include "qos_file.h"
#include "slurm_testlib.h"
#include "state.h"
#include "testlib.h"

START_TEST(cons_tres_best_fit)
{
    /* docs/slurm.md, oracle runs on 16 nodes × 32 cores, all idle: -n40 gets
     * n1 (32) + n2 (8); -n8 then n2 (tightest fit); -n20 (one node) n3. */
    const char *dir = tl_tmpdir("slurm_bestfit_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 40, 120, 1, -1);
    job(swf, sizeof swf, 2, 0, 100, 8, 120, 1, -1);
    job(swf, sizeof swf, 3, 0, 100, 20, 120, 1, -1);
    tl_result r;
    replay("slurm_bestfit", conf(dir, 16, 32, "bf_interval=1", ""), swf, &r);
    ck_assert_str_eq(r.alloc[0], "0-39");
    ck_assert_str_eq(r.alloc[1], "40-47");
    ck_assert_str_eq(r.alloc[2], "64-83");
}
END_TEST

START_TEST(cons_tres_weights)
{
    /* Node weights cut the idle nodes into runs: n1-2 and n6 weigh 5,
     * n3-5 and n7-8 weigh 1 (4 CPUs each). A 22-CPU job takes the runs of
     * the lowest weight largest first while none holds what remains
     * (n3-5: 12, then n7-8: 8), then the tightest run that holds the last
     * 2 CPUs among the heavier ones (n6, not n1-2), on one node. */
    const char *dir = tl_tmpdir("slurm_weights_conf");
    const char *c = tl_write(dir, "slurm.conf",
                             "NodeName=n[1-2] CPUs=4 Weight=5\nNodeName=n[3-5] CPUs=4 Weight=1\nNodeName=n6 CPUs=4 Weight=5\n"
                             "NodeName=n[7-8] CPUs=4 Weight=1\nPartitionName=p Nodes=ALL Default=YES\n"
                             "SelectType=select/cons_tres\nSchedulerParameters=bf_interval=1\n");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 22, 120, 1, -1);
    job(swf, sizeof swf, 2, 0, 100, 9, 120, 1, -1);
    tl_result r;
    replay("slurm_weights", c, swf, &r);
    ck_assert_str_eq(r.alloc[0], "8-21 24-31");
    /* Then 9 CPUs: n6's 2 free and n1-2's 8 weigh the same; n1-2 is
     * largest (none holds 9) and the last CPU comes from n6. */
    ck_assert_str_eq(r.alloc[1], "0-7 22");
    /* Alternating weights make every node a run of its own: 6 CPUs take
     * the five weight-1 nodes (n1, n3, ... n9; none holds what remains,
     * the first of equals first), then one node of weight 2, the first. */
    const char *alt = tl_write(dir, "alt.conf",
                               "NodeName=n1 CPUs=1 Weight=1\nNodeName=n2 CPUs=1 Weight=2\nNodeName=n3 CPUs=1 Weight=1\n"
                               "NodeName=n4 CPUs=1 Weight=2\nNodeName=n5 CPUs=1 Weight=1\nNodeName=n6 CPUs=1 Weight=2\n"
                               "NodeName=n7 CPUs=1 Weight=1\nNodeName=n8 CPUs=1 Weight=2\nNodeName=n9 CPUs=1 Weight=1\n"
                               "NodeName=n10 CPUs=1 Weight=2\nPartitionName=p Nodes=ALL Default=YES\nSelectType=select/cons_tres\nSchedulerParameters=bf_interval=1\n");
    char swf2[1024] = "";
    job(swf2, sizeof swf2, 1, 0, 100, 6, 120, 1, -1);
    replay("slurm_weights_alt", alt, swf2, &r);
    ck_assert_str_eq(r.alloc[0], "0-2 4 6 8");
}
END_TEST

START_TEST(topology_tree)
{
    /* Two leaf switches of 4 one-CPU nodes under a top switch. Job 1 takes
     * s0 (n1-n4, the lower index of two equal leaves), job 2 three nodes of
     * s1 (n5-n7). Job 1 ends at 50; job 3 (2 nodes) comes at 60, with n1-n4
     * free on s0 and n8 on s1: the leaf with the fewest free nodes goes
     * first, so it gets n8 and n1. Real Slurm 22.05 did that on trace D's
     * record (a 4-node job with 3 nodes free on one leaf and exactly 4 on
     * another took the 3 and one of the 4; docs/slurm.md, "Switches").
     * Without a topology the tightest run of free nodes, n1-n4, gives n1-n2. */
    const char *dir = tl_tmpdir("slurm_topo_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 50, 4, 120, 1, -1);
    job(swf, sizeof swf, 2, 0, 100, 3, 120, 1, -1);
    job(swf, sizeof swf, 3, 60, 100, 2, 120, 1, -1);
    const char *topo = tl_write(dir, "topology.conf",
                                "# leaf switches, then the top\nSwitchName=s0 Nodes=n[1-4]\nSwitchName=s1 Nodes=n[5-8] LinkSpeed=100\n\n"
                                "SwitchName=top Switches=s[0-1]\n");
    (void)topo;
    tl_result r;
    replay("slurm_topo_on", conf(dir, 8, 1, "bf_interval=1", "TopologyPlugin=topology/tree"), swf, &r);
    ck_assert_str_eq(r.alloc[0], "0-3");
    ck_assert_str_eq(r.alloc[1], "4-6");
    ck_assert_str_eq(r.alloc[2], "0 7");
    replay("slurm_topo_off", conf(dir, 8, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_str_eq(r.alloc[2], "0-1");
    /* A job no single switch can hold waits although enough nodes are free. */
    const char *split = tl_write(dir, "split.conf", "NodeName=n[1-8] CPUs=1\nPartitionName=p Nodes=ALL Default=YES\n"
                                                    "SelectType=select/cons_tres\nTopologyPlugin=topology/tree\n");
    tl_write(dir, "topology.conf", "SwitchName=s0 Nodes=n[1-4]\nSwitchName=s1 Nodes=n[5-8]\n");
    char swf2[1024] = "";
    job(swf2, sizeof swf2, 1, 0, 100, 2, 120, 1, -1);
    job(swf2, sizeof swf2, 2, 0, 100, 3, 120, 1, -1);
    job(swf2, sizeof swf2, 3, 0, 100, 3, 120, 1, -1);
    job(swf2, sizeof swf2, 4, 0, 100, 5, 120, 1, -1);
    replay("slurm_topo_split", split, swf2, &r);
    ck_assert_str_eq(r.alloc[1], "4-6");
    ck_assert_double_eq(r.start[2], 101); /* 2 free in s0, 1 in s1: no switch holds 3; the pass after the end at 100 */
    ck_assert_double_eq(r.start[3], -1);  /* 5 CPUs: no switch has them, rejected rather than left waiting */
    ck_assert_uint_eq(r.m.rejected, 1);
}
END_TEST

START_TEST(topology_errors)
{
    const char *dir = tl_tmpdir("slurm_topo_bad");
    char c[1024]; /* tl_write's own buffers are reused after 8 calls */
    snprintf(c, sizeof c, "%s",
             tl_write(dir, "slurm.conf", "NodeName=n[1-4] CPUs=1\nPartitionName=p Nodes=ALL\nTopologyPlugin=topology/tree\n"));
    static const char *const bad[][2] = {
        {"SwitchName=s0 Nodes=n[1-5]\n", "topology.conf:1: SwitchName=s0: node 'n5' is not in slurm.conf"},
        /* groups that multiply into a billion names: refused before one is written */
        {"SwitchName=s0 Nodes=n[1-999][1-999][1-999]\n", "topology.conf:1: Nodes=n[1-999][1-999][1-999]: more than 1000000 hosts"},
        {"SwitchName=s0 Nodes=n[1-2]\n\nSwitchName=top Switches=s9\n", "topology.conf:3: SwitchName=top: switch 's9' is not defined"},
        {"SwitchName=a Switches=b\nSwitchName=b Switches=a\n", "form a loop"},
        {"SwitchName=s0 Nodes=n1\nSwitchName=s0 Nodes=n2\n", "topology.conf:2: SwitchName=s0: defined twice (first on line 1)"},
        {"SwitchName=s0\n", "topology.conf:1: SwitchName=s0: no Nodes= or Switches="},
        {"SwitchName=s0 Nodes=n1 Color=red\n", "topology.conf:1: unknown key 'Color'"},
        {"# nothing\n", "no SwitchName line"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tl_write(dir, "topology.conf", bad[i][0]);
        hs_error err = {0};
        ck_assert_ptr_null(hs_slurm_setup_load(c, NULL, NULL, &err));
        says(&err, bad[i][1]);
    }
    remove(tl_write(dir, "topology.conf", ""));
    hs_error err = {0};
    ck_assert_ptr_null(hs_slurm_setup_load(c, NULL, NULL, &err)); /* topology/tree and no topology.conf */
    ck_assert_ptr_nonnull(strstr(err.text, "cannot read"));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("slurm_select");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, cons_tres_best_fit);
    tcase_add_test(t, cons_tres_weights);
    tcase_add_test(t, topology_tree);
    tcase_add_test(t, topology_errors);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
