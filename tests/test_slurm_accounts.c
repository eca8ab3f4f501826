/* The Slurm model, Associations and QOS from a site's sacctmgr files: parsing, refusals
 * with their line, and their effect on the queue (docs/slurm.md). */
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

START_TEST(association_file)
{
    /* sacctmgr -nP show assoc format=account,user,fairshare,parentname, as
     * a site prints it: root, accounts with their parents, users. */
    const char *text = "root|||\nroot|root|1|\nphysics||90|root\nbio||10|root\nphysics|1|1|\nbio|2|1|\n"
                       "bio|u3|parent|\nphysics|3|5|\nbio|alice|1|\n";
    sl_assoc_file f;
    hs_error err = {0};
    ck_assert_msg(sl_assoc_file_parse(&f, text, "assoc.txt", &err) == 0, "%s", err.text);
    ck_assert_uint_eq(f.tree.n, 9); /* root + 2 accounts + 6 users */
    ck_assert_uint_eq(f.tree.nusers, 6);
    uint32_t u1 = sl_assoc_file_user(&f, 1), u3 = sl_assoc_file_user(&f, 3);
    ck_assert_str_eq(f.tree.a[f.tree.a[u1].parent].name, "physics");
    ck_assert_str_eq(f.tree.a[f.tree.a[u3].parent].name, "bio"); /* its first line: the default account */
    ck_assert_uint_eq(sl_assoc_file_user(&f, 4), UINT32_MAX);
    ck_assert_double_eq_tol(sl_assoc_norm_shares(&f.tree, u1), 90.0 / 101 / 6, 1e-12); /* root/root has a share too */
    sl_assoc_file_free(&f);
    static const char *const bad[][2] = {
        {"root|||\nphys||1|nowhere\n", "assoc.txt:2: account 'phys': parent account 'nowhere' is not defined above"},
        {"root|||\nphys||x|root\n", "assoc.txt:2: field 3 (Share): 'x' is not an integer"},
        {"root|||\nphys|1|1\n", "assoc.txt:2: expected Account|User|Share|ParentName (4 fields), got 3"},
        {"root|||\nbio|7|1|\n", "assoc.txt:2: user '7': account 'bio' is not defined above"},
        {"root|||\nphys||1|root\nphys||1|root\n", "assoc.txt:3: account 'phys' is defined twice"},
        {"root|||\n", "no user association"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sl_assoc_file_parse(&f, bad[i][0], "assoc.txt", &err), -1);
        says(&err, bad[i][1]);
    }

    /* In a replay: user 1 has used more than user 2, so by equal shares
     * user 2's job goes first; the file gives user 1's account 90 shares
     * against 10, and then user 1's job goes first. */
    const char *dir = tl_tmpdir("slurm_assocfile_conf");
    char swf[2048] = "";
    job(swf, sizeof swf, 1, 0, 150, 4, 180, 1, -1);
    job(swf, sizeof swf, 2, 0, 100, 4, 120, 2, -1);
    job(swf, sizeof swf, 3, 260, 100, 4, 120, 3, -1); /* blocker */
    job(swf, sizeof swf, 4, 270, 10, 4, 60, 2, -1);
    job(swf, sizeof swf, 5, 271, 10, 4, 60, 1, -1);
    const char *prio = "PriorityType=priority/multifactor\nAccountingStorageType=accounting_storage/slurmdbd\n"
                       "AccountingStorageEnforce=associations,limits\nPriorityWeightFairshare=10000\nPriorityCalcPeriod=1";
    const char *c = conf(dir, 4, 1, "bf_interval=1,sched_interval=1", prio);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, c);
    hs_run_config_add_opt(&cfg, "assoc", tl_write(dir, "assoc.txt", "root|||\nphysics||90|root\nbio||10|root\nphysics|1|1|\nbio|2|1|\nbio|3|1|\n"));
    tl_result r;
    tl_replay("slurm_assocfile_on", swf, &cfg, &r);
    ck_assert_double_lt(r.start[4], r.start[3]);
    replay("slurm_assocfile_off", c, swf, &r);
    ck_assert_double_lt(r.start[3], r.start[4]);
    ck_assert_double_eq(r.start[2], 260);
}
END_TEST

START_TEST(qos_file)
{
    /* sacctmgr -nP show qos format=name,priority,usagefactor */
    const char *text = "normal|0|1.000000\nhigh|100|1.000000\n# a comment\nscavenger|0|0.000000\nlow|25\n";
    sl_qos_file f;
    hs_error err = {0};
    ck_assert_msg(sl_qos_file_parse(&f, text, "qos.txt", &err) == 0, "%s", err.text);
    ck_assert_uint_eq(f.n, 4);
    ck_assert_uint_eq(f.max_priority, 100);
    ck_assert_str_eq(f.q[2].name, "scavenger");
    ck_assert_double_eq(f.q[2].usage_factor, 0);
    ck_assert_double_eq(f.q[3].usage_factor, 1); /* absent: 1 */
    ck_assert_uint_eq(sl_qos_file_route(&f, 2), 1); /* queue n: the n-th line */
    ck_assert_uint_eq(sl_qos_file_route(&f, 4), 3);
    ck_assert_uint_eq(sl_qos_file_route(&f, 5), 0); /* else "normal" */
    ck_assert_uint_eq(sl_qos_file_route(&f, -1), 0);
    sl_qos_file_free(&f);
    ck_assert_int_eq(sl_qos_file_parse(&f, "high|10\nnormal|0\n", "qos.txt", &err), 0);
    ck_assert_uint_eq(sl_qos_file_route(&f, 0), 1); /* "normal" wherever it is */
    sl_qos_file_free(&f);
    ck_assert_int_eq(sl_qos_file_parse(&f, "high|10\nlow|1\n", "qos.txt", &err), 0);
    ck_assert_uint_eq(sl_qos_file_route(&f, 0), 0); /* no "normal": the first */
    sl_qos_file_free(&f);
    static const char *const bad[][2] = {
        {"normal|0\nhigh|-5\n", "qos.txt:2: field 2 (Priority): '-5' is not an integer in [0, 4294967295]"},
        {"normal|0\nhigh|4294967296\n", "qos.txt:2: field 2 (Priority): '4294967296' is not an integer"},
        {"normal|0|x\n", "qos.txt:1: field 3 (UsageFactor): 'x' is not a number in [0, 10^6]"},
        {"normal|0|-1\n", "qos.txt:1: field 3 (UsageFactor): '-1' is not a number"},
        {"normal\n", "qos.txt:1: expected Name|Priority[|UsageFactor] (2 or 3 fields), got 1"},
        {"normal|0|1|2\n", "qos.txt:1: expected Name|Priority[|UsageFactor] (2 or 3 fields), got 4"},
        {"|5\n", "qos.txt:1: field 1 (Name) is empty"},
        {"normal|0\nnormal|3\n", "qos.txt:2: QOS 'normal' is defined twice"},
        {"# nothing\n", "no QOS"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(sl_qos_file_parse(&f, bad[i][0], "qos.txt", &err), -1);
        says(&err, bad[i][1]);
        ck_assert_uint_eq(f.n, 0);
    }
}
END_TEST

START_TEST(qos_orders_the_queue)
{
    /* A blocker holds the 4 nodes; job 2 (queue -1: "normal", priority 0)
     * is older than job 3 (queue 2: "high"). By age alone job 2 goes
     * first; with PriorityWeightQOS and the QOS file, job 3 does. */
    const char *dir = tl_tmpdir("slurm_qos_conf");
    char swf[2048] = "";
    job(swf, sizeof swf, 1, 0, 100, 4, 120, 1, -1);
    job(swf, sizeof swf, 2, 10, 50, 4, 60, 2, -1);
    job_in_queue(swf, sizeof swf, 3, 20, 50, 4, 60, 3, 2, -1);
    const char *prio = "PriorityType=priority/multifactor\nAccountingStorageType=accounting_storage/slurmdbd\n"
                       "PriorityWeightAge=1000\nPriorityMaxAge=1-0\nPriorityWeightQOS=1000\nPriorityCalcPeriod=1";
    const char *c = conf(dir, 4, 1, "bf_interval=1,sched_interval=1", prio);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, c);
    hs_run_config_add_opt(&cfg, "qos", tl_write(dir, "qos.txt", "normal|0|1.000000\nhigh|100|1.000000\n"));
    tl_result r;
    tl_replay("slurm_qos_on", swf, &cfg, &r);
    ck_assert_double_lt(r.start[2], r.start[1]);
    replay("slurm_qos_off", c, swf, &r);
    ck_assert_double_lt(r.start[1], r.start[2]);

    /* UsageFactor: user 1's first job ran longer, so by fair-share user
     * 2's job 4 goes before user 1's job 5; run in a QOS of UsageFactor 0
     * ("scavenger", queue 3), user 1's job charged nothing and job 5 goes
     * first. */
    char swf2[2048] = "";
    job_in_queue(swf2, sizeof swf2, 1, 0, 150, 4, 180, 1, 3, -1);
    job(swf2, sizeof swf2, 2, 0, 100, 4, 120, 2, -1);
    job(swf2, sizeof swf2, 3, 260, 100, 4, 120, 3, -1); /* blocker */
    job(swf2, sizeof swf2, 4, 270, 10, 4, 60, 2, -1);
    job(swf2, sizeof swf2, 5, 271, 10, 4, 60, 1, -1);
    const char *fs = "PriorityType=priority/multifactor\nAccountingStorageType=accounting_storage/slurmdbd\n"
                     "AccountingStorageEnforce=associations,limits\nPriorityWeightFairshare=10000\nPriorityCalcPeriod=1";
    const char *c2 = conf(dir, 4, 1, "bf_interval=1,sched_interval=1", fs);
    cfg.npolicy_conf = cfg.npolicy_opts = 0; /* a new configuration */
    hs_run_config_add_conf(&cfg, c2);
    hs_run_config_add_opt(&cfg, "qos", tl_write(dir, "qos2.txt", "normal|0|1.000000\nhigh|100|1.000000\nscavenger|0|0.000000\n"));
    tl_replay("slurm_qos_usage_on", swf2, &cfg, &r);
    ck_assert_double_lt(r.start[4], r.start[3]);
    replay("slurm_qos_usage_off", c2, swf2, &r);
    ck_assert_double_lt(r.start[3], r.start[4]);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("slurm_accounts");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, association_file);
    tcase_add_test(t, qos_file);
    tcase_add_test(t, qos_orders_the_queue);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
