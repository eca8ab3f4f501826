/* The Slurm model, Priority: fair-share against Slurm's own expected values (test24.1), Fair Tree order
 * (our oracle run), the priority arithmetic and job-size priority (docs/slurm.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"
#include "assoc_file.h"
#include "params.h"
#include "priority.h"
#include "qos_file.h"
#include "slurm_testlib.h"
#include "state.h"
#include "testlib.h"

/* ---- fair-share ---- */

START_TEST(classic_fairshare_test24_1)
{
    /* The association tree of Slurm's testsuite/expect/test24.1 (raw
     * shares / raw usage) and the sshare lines it expects. */
    sl_assoc_tree t;
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    uint32_t A = sl_assoc_add(&t, 0, "AccountA", 40, false), B = sl_assoc_add(&t, A, "AccountB", 30, false);
    uint32_t u1 = sl_assoc_add(&t, B, "User1", 1, true), C = sl_assoc_add(&t, A, "AccountC", 10, false);
    uint32_t u2 = sl_assoc_add(&t, C, "User2", 1, true), u3 = sl_assoc_add(&t, C, "User3", 1, true);
    uint32_t D = sl_assoc_add(&t, 0, "AccountD", 60, false), E = sl_assoc_add(&t, D, "AccountE", 25, false);
    uint32_t u4 = sl_assoc_add(&t, E, "User4", 1, true), F = sl_assoc_add(&t, D, "AccountF", 35, false);
    uint32_t u5 = sl_assoc_add(&t, F, "User5", 1, true), G = sl_assoc_add(&t, 0, "AccountG", 0, false);
    uint32_t u6 = sl_assoc_add(&t, G, "User6", 0, true);
    sl_assoc_charge(&t, u1, 20);
    sl_assoc_charge(&t, u2, 25);
    sl_assoc_charge(&t, u4, 25);
    sl_assoc_charge(&t, u6, 30);
    sl_assoc_classic(&t, 1);
    struct {
        uint32_t a;
        double norm_shares, norm_usage, eff_usage, fs;
    } want[] = {
        {u1, 0.300000, 0.200000, 0.387500, 0.408479}, {u2, 0.050000, 0.250000, 0.275000, 0.022097},
        {u3, 0.050000, 0.000000, 0.150000, 0.125000}, {u4, 0.250000, 0.250000, 0.250000, 0.500000},
        {u5, 0.350000, 0.000000, 0.145833, 0.749154},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const sl_assoc *a = &t.a[want[i].a];
        ck_assert_double_eq_tol(sl_assoc_norm_shares(&t, want[i].a), want[i].norm_shares, 5e-7);
        ck_assert_double_eq_tol(a->usage / t.a[0].usage, want[i].norm_usage, 5e-7);
        ck_assert_double_eq_tol(a->eff_usage, want[i].eff_usage, 5e-7);
        ck_assert_double_eq_tol(a->fs, want[i].fs, 5e-7);
    }
    ck_assert_double_eq(t.a[u6].fs, 0); /* no shares: sshare prints nothing after RawShares 0 */
    sl_assoc_free(&t);
}
END_TEST

START_TEST(fair_tree_order)
{
    /* Our oracle run (docs/slurm.md, oracle runs): root/root with usage, acctA/root
     * and acctB/nobody without: FairShare 1.0, 1.0 (tied), 1/3. */
    sl_assoc_tree t;
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    uint32_t rootuser = sl_assoc_add(&t, 0, "root", 1, true);
    uint32_t a = sl_assoc_add(&t, 0, "acctA", 1, false), b = sl_assoc_add(&t, 0, "acctB", 1, false);
    uint32_t ar = sl_assoc_add(&t, a, "root", 1, true), bn = sl_assoc_add(&t, b, "nobody", 1, true);
    sl_assoc_charge(&t, rootuser, 1279);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0);
    ck_assert_double_eq_tol(t.a[ar].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[bn].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[rootuser].fs, 1.0 / 3, 1e-12);
    sl_assoc_free(&t);

    /* Accounts first: X (usage 10 of 40) outranks Y (30 of 40), so both of
     * X's users rank above Y's, whatever their own usage. Within X, the
     * user without usage first. */
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    uint32_t x = sl_assoc_add(&t, 0, "X", 1, false), y = sl_assoc_add(&t, 0, "Y", 1, false);
    uint32_t x1 = sl_assoc_add(&t, x, "x1", 1, true), x2 = sl_assoc_add(&t, x, "x2", 1, true);
    uint32_t y1 = sl_assoc_add(&t, y, "y1", 1, true);
    sl_assoc_charge(&t, x1, 10);
    sl_assoc_charge(&t, y1, 30);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0);
    ck_assert_double_eq_tol(t.a[x2].fs, 3.0 / 3, 1e-12);
    ck_assert_double_eq_tol(t.a[x1].fs, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(t.a[y1].fs, 1.0 / 3, 1e-12);
    /* A user tied with a sibling account ranks with that account's best user. */
    sl_assoc_free(&t);
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    uint32_t solo = sl_assoc_add(&t, 0, "solo", 1, true), acc = sl_assoc_add(&t, 0, "acc", 1, false);
    uint32_t in1 = sl_assoc_add(&t, acc, "in1", 1, true), in2 = sl_assoc_add(&t, acc, "in2", 1, true);
    sl_assoc_charge(&t, in2, 5);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0); /* solo: S/U = inf; acc: 0.5/1 = 0.5 — not tied */
    ck_assert_double_eq_tol(t.a[solo].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[in1].fs, 2.0 / 3, 1e-12);
    ck_assert_double_eq_tol(t.a[in2].fs, 1.0 / 3, 1e-12);
    sl_assoc_free(&t);
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    solo = sl_assoc_add(&t, 0, "solo", 1, true), acc = sl_assoc_add(&t, 0, "acc", 1, false);
    in1 = sl_assoc_add(&t, acc, "in1", 1, true), in2 = sl_assoc_add(&t, acc, "in2", 1, true);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0); /* no usage anywhere: everything ties */
    ck_assert_double_eq_tol(t.a[solo].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[in1].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[in2].fs, 1.0, 1e-12);
    sl_assoc_free(&t);
    /* A user tied with an account comes before it, also when the account
     * has the lower index: solo (5 of 10) and acc (5 of 10) tie at LF 1,
     * so solo ranks 3/3 and acc's best user ties with it. Accounts first
     * would give in1 3/3, in2 2/3 and solo 2/3. */
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    acc = sl_assoc_add(&t, 0, "acc", 1, false), solo = sl_assoc_add(&t, 0, "solo", 1, true);
    in1 = sl_assoc_add(&t, acc, "in1", 1, true), in2 = sl_assoc_add(&t, acc, "in2", 1, true);
    sl_assoc_charge(&t, solo, 5);
    sl_assoc_charge(&t, in2, 5);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0);
    ck_assert_double_eq_tol(t.a[solo].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[in1].fs, 1.0, 1e-12);
    ck_assert_double_eq_tol(t.a[in2].fs, 1.0 / 3, 1e-12);
    sl_assoc_free(&t);
}
END_TEST

START_TEST(fair_tree_many_siblings)
{
    /* 200 users whose usage grows with their index: the order by level
     * fair-share is the reverse of the index order, too many moves for
     * insertion, so the merge sort orders them; recalculated after the
     * usage turns around, insertion must undo it again. */
    enum { N = 200 };
    sl_assoc_tree t;
    ck_assert_int_eq(sl_assoc_init(&t), 0);
    uint32_t u[N];
    char name[16];
    for (uint32_t k = 0; k < N; k++) {
        snprintf(name, sizeof name, "u%u", k);
        u[k] = sl_assoc_add(&t, 0, name, 1, true);
        sl_assoc_charge(&t, u[k], k + 1);
    }
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0);
    for (uint32_t k = 0; k < N; k++)
        ck_assert_double_eq_tol(t.a[u[k]].fs, (double)(N - k) / N, 1e-12);
    for (uint32_t k = 0; k < N; k++) /* now u[k] has used 1000 - k */
        sl_assoc_charge(&t, u[k], 1000.0 - 2 * k - 1);
    ck_assert_int_eq(sl_assoc_fair_tree(&t), 0);
    for (uint32_t k = 0; k < N; k++)
        ck_assert_double_eq_tol(t.a[u[k]].fs, (double)(k + 1) / N, 1e-12);
    sl_assoc_free(&t);
}
END_TEST

START_TEST(fairshare_orders_the_queue)
{
    /* User 1 used the whole cluster; users 1 and 2 then queue behind a
     * blocker. With fair-share weighed, user 2's job goes first although
     * submitted later; without, submission order. */
    const char *dir = tl_tmpdir("slurm_fairshare_conf");
    char swf[2048] = "";
    job(swf, sizeof swf, 1, 0, 100, 4, 120, 1, -1);
    job(swf, sizeof swf, 2, 110, 100, 4, 120, 3, -1); /* blocker: runs 110..210 */
    job(swf, sizeof swf, 3, 120, 10, 4, 60, 1, -1);
    job(swf, sizeof swf, 4, 121, 10, 4, 60, 2, -1);
    const char *with = "PriorityType=priority/multifactor\nAccountingStorageType=accounting_storage/slurmdbd\n"
                       "AccountingStorageEnforce=associations,limits\nPriorityWeightFairshare=10000\nPriorityCalcPeriod=1";
    tl_result r;
    replay("slurm_fs_on", conf(dir, 4, 1, "bf_interval=1,sched_interval=1", with), swf, &r);
    ck_assert_double_eq(r.start[1], 110);
    ck_assert_double_eq(r.start[3], 210); /* user 2 first */
    ck_assert_double_eq(r.start[2], 220);
    replay("slurm_fs_off", conf(dir, 4, 1, "bf_interval=1,sched_interval=1", "PriorityType=priority/multifactor"), swf, &r);
    ck_assert_double_eq(r.start[2], 210);
    ck_assert_double_eq(r.start[3], 220);
}
END_TEST

START_TEST(fairshare_after_an_idle_recalculation)
{
    /* The recalculation at 60 s finds no pending job, so its factors are
     * computed when next needed; they must still come from the usage of
     * 60 s. Then user 1 (job 1, 60 CPU-s) has used less than user 2 (job
     * 2, 62 CPU-s, charged at its end). Job 1 ends at 70 s and charges 10
     * more: from that usage user 2 would rank first. Jobs 4 (user 2) and
     * 5 (user 1) queue behind job 3 and are ordered before the next
     * recalculation (120 s): job 5 must go first. */
    const char *dir = tl_tmpdir("slurm_fs_idle_conf");
    char swf[2048] = "";
    job(swf, sizeof swf, 1, 0, 70, 1, 120, 1, -1);
    job(swf, sizeof swf, 2, 0, 31, 2, 60, 2, -1);
    job(swf, sizeof swf, 3, 71, 10, 3, 60, 3, -1);
    job(swf, sizeof swf, 4, 73, 5, 3, 60, 2, -1);
    job(swf, sizeof swf, 5, 74, 5, 3, 60, 1, -1);
    const char *prio = "PriorityType=priority/multifactor\nAccountingStorageType=accounting_storage/slurmdbd\n"
                       "AccountingStorageEnforce=associations,limits\nPriorityWeightFairshare=10000\nPriorityCalcPeriod=1";
    tl_result r;
    replay("slurm_fs_idle", conf(dir, 3, 1, "bf_interval=1,sched_interval=1", prio), swf, &r);
    ck_assert_double_lt(r.start[4], r.start[3]);
    ck_assert_double_lt(r.start[4], 120);
}
END_TEST

/* ---- priority arithmetic ---- */

START_TEST(priority_arithmetic)
{
    hs_slurm_params p;
    memset(&p, 0, sizeof p);
    /* favor large: (nodes/N + cpus/C) / 2 */
    ck_assert_double_eq_tol(sl_size_factor(&p, 64, 1024, 8, 128, 3600), (8.0 / 64 + 128.0 / 1024) / 2, 1e-15);
    p.favor_small = true;
    ck_assert_double_eq_tol(sl_size_factor(&p, 64, 1024, 8, 128, 3600), ((64 - 8) / 64.0 + (1024 - 128) / 1024.0) / 2, 1e-15);
    p.small_relative_to_time = true; /* max(nodes*C/N, cpus) / minutes / C, favor small: 1 - that */
    ck_assert_double_eq_tol(sl_size_factor(&p, 64, 1024, 8, 64, 60), 1 - 128.0 / 1 / 1024, 1e-15);
    p.favor_small = false;
    ck_assert_double_eq(sl_size_factor(&p, 64, 1024, 64, 2048, 60), 1); /* clamped */
    ck_assert_uint_eq(sl_priority_value(0), 1);      /* 0 is "held" */
    ck_assert_uint_eq(sl_priority_value(0.99), 1);
    ck_assert_uint_eq(sl_priority_value(1234.99), 1234); /* truncated, as (uint32_t) in Slurm */
    ck_assert_uint_eq(sl_priority_value(1e12), UINT32_MAX);
}
END_TEST

START_TEST(job_size_counts_one_node_until_a_job_runs)
{
    /* A job that asks for CPUs (sbatch -n, as an SWF line does) counts as
     * one node in its size factor until it runs: on trace D's record a
     * 14-CPU job on one-CPU nodes had InitPrio 882 under FavorSmall,
     * ((63 + 50) / 64) / 2, not ((50 + 50) / 64) / 2 (docs/slurm.md).
     * Eight one-CPU nodes held until 200 s; at the tick of 180 s job 2
     * (1 CPU, waiting since 10 s: age 1) weighs 1000 × 1/8 + 1000 and job
     * 3 (8 CPUs, since 150 s: age 0.25) 1000 × (1/8 + 1) / 2 + 250: job 2
     * goes first. Counted on its 8 nodes, job 3 would weigh 1,250. */
    const char *dir = tl_tmpdir("slurm_size_one_node_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 200, 8, 240, 1, -1);
    job(swf, sizeof swf, 2, 10, 50, 1, 60, 1, -1);
    job(swf, sizeof swf, 3, 150, 50, 8, 60, 1, -1);
    tl_result r;
    replay("slurm_size_one_node",
           conf(dir, 8, 1, "bf_interval=-1,sched_interval=1",
                "AccountingStorageType=accounting_storage/slurmdbd\nPriorityType=priority/multifactor\n"
                "PriorityWeightJobSize=1000\nPriorityWeightAge=1000\nPriorityMaxAge=00:02:00\nPriorityCalcPeriod=1"),
           swf, &r);
    ck_assert_double_lt(r.start[1], r.start[2]);
    ck_assert_double_ge(r.start[2], r.start[1] + 50);
}
END_TEST

START_TEST(age_counts_whole_seconds)
{
    /* A job's age counts whole seconds, as Slurm's time_t does: job 3,
     * received at 10.9 s, has waited as long as job 2 (10.0 s) at the
     * tick of 60 s, 50 s each (500 of 1000 with PriorityMaxAge 100 s), and
     * its size (8 CPUs: 16 × (1/8 + 1) / 2 = 9, against 7 CPUs' 8) puts it
     * first when the blocker ends at 100 s. Aged in fractional seconds
     * it would have 491 and go second (docs/slurm.md, "Priority"). */
    const char *dir = tl_tmpdir("slurm_age_whole_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 8, 120, 1, -1);
    job(swf, sizeof swf, 2, 10, 50, 7, 60, 1, -1);
    /* job() writes whole seconds: this line keeps the 0.9 */
    strcat(swf, "3 10.9 -1 50 8 -1 -1 8 60 -1 1 1 1 -1 -1 -1 -1 -1\n");
    tl_result r;
    replay("slurm_age_whole",
           conf(dir, 8, 1, "bf_interval=-1,sched_interval=1",
                "AccountingStorageType=accounting_storage/slurmdbd\nPriorityType=priority/multifactor\n"
                "PriorityWeightJobSize=16\nPriorityWeightAge=1000\nPriorityMaxAge=00:01:40\nPriorityCalcPeriod=1"),
           swf, &r);
    ck_assert_double_lt(r.start[2], r.start[1]);
    ck_assert_double_ge(r.start[1], r.start[2] + 50);
}
END_TEST

START_TEST(job_size_priority_orders_the_queue)
{
    /* PriorityWeightJobSize favoring large jobs: the 3-node job jumps the
     * 2-node job submitted before it, once the blocker ends (at 101: with
     * no backfill, the blocker itself started on the first pass, at 1). */
    const char *dir = tl_tmpdir("slurm_jobsize_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 4, 120, 1, -1);
    job(swf, sizeof swf, 2, 10, 50, 2, 60, 1, -1);
    job(swf, sizeof swf, 3, 11, 50, 3, 60, 1, -1);
    tl_result r;
    replay("slurm_js", conf(dir, 4, 1, "bf_interval=-1,sched_interval=1", "PriorityType=priority/multifactor\nPriorityWeightJobSize=1000"),
           swf, &r);
    ck_assert_double_eq(r.start[2], 101);
    ck_assert_double_eq(r.start[1], 151);
    replay("slurm_basic", conf(dir, 4, 1, "bf_interval=-1,sched_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[1], 101);
    ck_assert_double_eq(r.start[2], 151);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("slurm_priority");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, classic_fairshare_test24_1);
    tcase_add_test(t, fair_tree_order);
    tcase_add_test(t, fair_tree_many_siblings);
    tcase_add_test(t, fairshare_orders_the_queue);
    tcase_add_test(t, fairshare_after_an_idle_recalculation);
    tcase_add_test(t, priority_arithmetic);
    tcase_add_test(t, job_size_priority_orders_the_queue);
    tcase_add_test(t, job_size_counts_one_node_until_a_job_runs);
    tcase_add_test(t, age_counts_whole_seconds);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
