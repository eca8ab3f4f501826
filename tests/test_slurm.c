/* The Slurm model (issue 6): fair-share against Slurm's own expected
 * values (docs/slurm.md: test24.1) and Fair Tree order (our oracle
 * run, docs/slurm.md, oracle runs); the backfill cases of Slurm's backfill_test.c
 * transcribed as traces (inputs and expected outcomes are facts); one case
 * per backfill parameter showing its effect, each run with and without it;
 * the main scheduler's partition blocking and batch delay; priority
 * arithmetic; a recorded real-Slurm run as a fixture with its tolerance;
 * and slurm.conf values refused with their line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assoc.h"
#include "assoc_file.h"
#include "params.h"
#include "qos_file.h"
#include "state.h"
#include "testlib.h"

/* ---- helpers ---- */

/* One SWF line: id submit run procs req user queue partition. */
static void job_in_queue(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int queue, int part)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%d %.0f -1 %.0f %d -1 -1 %d %.0f -1 1 %d 1 -1 %d %d -1 -1\n", id, submit, run, procs, procs, req,
             user, queue, part);
}

/* The same in no queue (field 15 = -1). */
static void job(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int user, int part)
{
    job_in_queue(buf, cap, id, submit, run, procs, req, user, -1, part);
}

/* A slurm.conf of `nodes` nodes of `cpus` CPUs, one partition, with extra
 * SchedulerParameters and extra lines. */
static const char *conf(const char *dir, int nodes, int cpus, const char *sched, const char *extra)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "SchedulerType=sched/backfill\n"
             "SchedulerParameters=%s\n"
             "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
             "%s\n"
             "NodeName=n[1-%d] CPUs=%d\n"
             "PartitionName=batch Nodes=n[1-%d] Default=YES MaxTime=INFINITE State=UP\n",
             sched, extra, nodes, cpus, nodes);
    return tl_write(dir, "slurm.conf", text);
}

static void replay(const char *name, const char *conf_path, const char *swf, tl_result *r)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, conf_path);
    tl_replay(name, swf, &cfg, r);
}

/* Asserts that err, written as "file:line: text" with the file's base
 * name (as the CLI prints it), contains want. */
static void says(const hs_error *err, const char *want)
{
    const char *base = strrchr(err->source, '/');
    char full[1024];
    snprintf(full, sizeof full, "%s:%ld: %s", base ? base + 1 : err->source, err->line, err->text);
    ck_assert_msg(strstr(full, want) != NULL, "'%s' does not say '%s'", full, want);
}

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

/* ---- QOS ---- */

START_TEST(space_map_records)
{
    /* The backfill's node-space map on 100 nodes over [0, 100). */
    sl_space_map m;
    sl_space_init(&m, 2);
    const uint64_t all[2] = {~0ull, (1ull << 36) - 1};
    ck_assert_int_eq(sl_space_reset(&m, 0, 100, all), 0);
    ck_assert_uint_eq(m.n, 1);
    const uint32_t both[2] = {1, 70}, two[1] = {2};
    ck_assert_int_eq(sl_space_reserve(&m, 10, 20, both, 2), 0); /* split at 10 and 20 */
    ck_assert_uint_eq(m.n, 3);
    ck_assert(m.r[1].begin == 10 && m.r[1].end == 20);
    ck_assert(sl_space_nodes_free(&m, 0, 10, both, 2));
    ck_assert(!sl_space_nodes_free(&m, 5, 15, both, 1));
    ck_assert(sl_space_nodes_free(&m, 20, 30, both + 1, 1));
    ck_assert(!sl_space_nodes_free(&m, 15, 25, both + 1, 1));
    /* The same nodes over [20, 30): the two records now equal are merged. */
    ck_assert_int_eq(sl_space_reserve(&m, 20, 30, both, 2), 0);
    ck_assert_uint_eq(m.n, 3);
    ck_assert(m.r[1].begin == 10 && m.r[1].end == 30 && m.r[2].begin == 30);
    ck_assert(!sl_space_nodes_free(&m, 25, 26, both, 1));
    const uint64_t *to_end = sl_space_free_to_end(&m, 0);
    ck_assert(to_end && !(to_end[0] >> 1 & 1) && (to_end[0] >> 2 & 1) && !(to_end[1] >> 6 & 1));
    to_end = sl_space_free_to_end(&m, 2);
    ck_assert(to_end && (to_end[0] >> 1 & 1) && (to_end[1] >> 6 & 1));
    /* Another node over [5, 35): only it is taken in the new records, the
     * nodes of the reservations before are not taken again. */
    ck_assert_int_eq(sl_space_reserve(&m, 5, 35, two, 1), 0);
    ck_assert_uint_eq(m.n, 5);
    ck_assert(sl_space_nodes_free(&m, 0, 10, both, 2));
    ck_assert(sl_space_nodes_free(&m, 30, 100, both, 2));
    ck_assert(!sl_space_nodes_free(&m, 34, 35, two, 1) && sl_space_nodes_free(&m, 35, 100, two, 1));
    to_end = sl_space_free_to_end(&m, 1); /* made again after the reservation */
    ck_assert(to_end && !(to_end[0] >> 2 & 1) && !(to_end[0] >> 1 & 1) && (to_end[0] >> 3 & 1));
    ck_assert_uint_eq(sl_space_find(&m, 4.5), 0);
    ck_assert_uint_eq(sl_space_find(&m, 5), 1);
    ck_assert_uint_eq(sl_space_find(&m, 100), 5);
    sl_space_free(&m);
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

/* ---- Slurm's backfill_test.c cases (B.9), 32 nodes × 4 cores ---- */

/* Jobs in priority order = submission order (priority/basic). A job of
 * N nodes asks for 4N processors in an OverSubscribe=EXCLUSIVE partition. */
static const char *bf_conf(const char *dir, const char *sched)
{
    static char text[1024];
    snprintf(text, sizeof text,
             "SchedulerParameters=%s\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
             "NodeName=node[01-32] CPUs=4 CoresPerSocket=4 RealMemory=2000\n"
             "PartitionName=debug Nodes=node[01-32] Default=YES MaxTime=INFINITE OverSubscribe=EXCLUSIVE State=UP\n",
             sched);
    return tl_write(dir, "slurm.conf", text);
}

START_TEST(backfill_1)
{
    const char *dir = tl_tmpdir("slurm_bf1_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 600, 4, 600, 1, -1);   /* prio 10, 1 node, 10 min */
    job(swf, sizeof swf, 2, 0, 600, 128, 600, 1, -1); /* prio 5, 32 nodes, 10 min */
    job(swf, sizeof swf, 3, 0, 300, 124, 300, 1, -1); /* prio 1, 31 nodes, 5 min */
    tl_result r;
    replay("slurm_bf1", bf_conf(dir, ""), swf, &r);
    ck_assert_double_eq(r.start[0], 0); /* RUNNING */
    ck_assert_double_eq(r.start[2], 0); /* RUNNING: backfilled, ends before job 2's start */
    ck_assert_double_eq(r.start[1], 600); /* reserved, not delayed */
}
END_TEST

START_TEST(backfill_2_no_starvation)
{
    /* Ticket 20847: for jobs i, j with prio_i > prio_j and nodes_i <= nodes_j,
     * i must not start after j. */
    static const int spec[][3] = {{10, 6, 10}, {9, 27, 15}, {8, 28, 14}, {7, 29, 13},
                                  {6, 30, 12}, {5, 5, 10},  {5, 5, 10},  {1, 30, 11}};
    const char *dir = tl_tmpdir("slurm_bf2_conf");
    char swf[2048] = "";
    for (int i = 0; i < 8; i++)
        job(swf, sizeof swf, i + 1, 0, spec[i][2] * 60, spec[i][1] * 4, spec[i][2] * 60, 1, -1);
    tl_result r;
    replay("slurm_bf2", bf_conf(dir, ""), swf, &r);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 8; j++)
            if (spec[i][0] > spec[j][0] && spec[i][1] <= spec[j][1])
                ck_assert_msg(r.start[i] <= r.start[j], "job %d (prio %d, %d nodes) starts at %g, after job %d (prio %d, %d nodes) at %g",
                              i + 1, spec[i][0], spec[i][1], r.start[i], j + 1, spec[j][0], spec[j][1], r.start[j]);
}
END_TEST

/* Runs a trace with --slurm-log; returns the log text (caller frees). */
static char *run_logged(const char *name, const char *conf_path, const char *swf_text)
{
    const char *dir = tl_tmpdir(name);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, conf_path);
    cfg.trace_path = tl_write(dir, "t.swf", swf_text);
    char out[512], logp[512];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(logp, sizeof logp, "%s/slurm.log", dir);
    cfg.out_dir = out;
    hs_run_config_add_opt(&cfg, "log", logp);
    hs_error err = {0};
    ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s", err.text);
    char *text = tl_read(logp, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

START_TEST(probe_sees_starts_on_reserved_nodes)
{
    /* 200 one-CPU nodes; job 1 holds n1-n50 until 9,600 s. In the first
     * backfill cycle job 2 (180 CPUs) reserves n1-n180 from 9,600 s;
     * job 3 (10 CPUs, 1 min) starts now on n51-n60, nodes free now that
     * carry that reservation; job 4 (15 CPUs, 5 h) can start now on
     * n181-n200. The cycle's probe must see that job 3 took n51-n60 from
     * what the reservation takes, or it counts them twice and leaves job 4
     * to a later cycle. */
    const char *dir = tl_tmpdir("slurm_probe_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 9600, 50, 9600, 1, -1);
    job(swf, sizeof swf, 2, 10, 1200, 180, 1200, 1, -1);
    job(swf, sizeof swf, 3, 10, 60, 10, 60, 1, -1);
    job(swf, sizeof swf, 4, 10, 600, 15, 18000, 1, -1);
    tl_result r;
    replay("slurm_probe", conf(dir, 200, 1, "", ""), swf, &r);
    ck_assert_str_eq(r.alloc[2], "50-59");
    ck_assert_double_lt(r.start[3], 9600);
    ck_assert_double_eq(r.start[3], r.start[2]);
    ck_assert_double_eq(r.start[1], 9600);
}
END_TEST

START_TEST(like_jobs_differ_in_limit)
{
    /* 4 one-CPU nodes, job 1 on n1-n2 until 3,000 s, bf_window of an hour.
     * In a backfill cycle job 2 (4 CPUs) reserves every node from 3,000 s;
     * job 3 (2 CPUs, 84 min) then finds no node free of it within the
     * window and changes nothing; job 4 has job 3's shape but 10 min, which
     * end before the reservation: it starts now. A job is taken for one
     * tested before only when its time limit is the same too. */
    const char *dir = tl_tmpdir("slurm_like_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 3000, 2, 3000, 1, -1);
    job(swf, sizeof swf, 2, 10, 600, 4, 86400, 1, -1);
    job(swf, sizeof swf, 3, 10, 600, 2, 5040, 1, -1);
    job(swf, sizeof swf, 4, 10, 600, 2, 600, 1, -1);
    tl_result r;
    replay("slurm_like", conf(dir, 4, 1, "bf_window=60", ""), swf, &r);
    ck_assert_double_lt(r.start[3], 3000);
    ck_assert_double_eq(r.start[1], 3000);
    ck_assert_double_ge(r.start[2], 3600);
}
END_TEST

START_TEST(tail_counts_reserved_nodes)
{
    /* 4 one-CPU nodes, job 1 on n1-n2 until 3,000 s, bf_max_job_test=2.
     * In a backfill cycle job 2 (4 CPUs, a day) is counted and reserves
     * every node from 3,000 s to past the window; job 3 (the same) then
     * finds no node free of it at any time and is not counted, so the
     * cycle reaches job 4 (2 CPUs, 10 min), which starts now on n3-n4.
     * The cycle may end early only if it surely counts two jobs first: it
     * must see job 2's reservation over the rest of the window. */
    const char *dir = tl_tmpdir("slurm_tail_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 3000, 2, 3000, 1, -1);
    job(swf, sizeof swf, 2, 10, 600, 4, 86400, 1, -1);
    job(swf, sizeof swf, 3, 10, 600, 4, 86400, 1, -1);
    job(swf, sizeof swf, 4, 10, 600, 2, 600, 1, -1);
    tl_result r;
    replay("slurm_tail", conf(dir, 4, 1, "bf_max_job_test=2", ""), swf, &r);
    ck_assert_double_lt(r.start[3], 3000);
    ck_assert_double_eq(r.start[1], 3000);
}
END_TEST

START_TEST(tail_no_reserve_sees_every_reservation)
{
    /* As above, but job 2 reserves only 3,000-3,600 s, and jobs 3 and 4
     * are too young to reserve (bf_min_age_reserve=600): job 3 is tried
     * at now alone, over its day, which meets job 2's reservation, and is
     * not counted; job 4 starts now. For a job that may not reserve the
     * cycle must count reservations that end before the window does. */
    const char *dir = tl_tmpdir("slurm_tail_age_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 3000, 2, 3000, 1, -1);
    job(swf, sizeof swf, 2, 1, 600, 4, 600, 1, -1);
    job(swf, sizeof swf, 3, 700, 600, 4, 86400, 1, -1);
    job(swf, sizeof swf, 4, 700, 600, 2, 600, 1, -1);
    tl_result r;
    replay("slurm_tail_age", conf(dir, 4, 1, "bf_max_job_test=2,bf_min_age_reserve=600", ""), swf, &r);
    ck_assert_double_lt(r.start[3], 3000);
    ck_assert_double_eq(r.start[1], 3000);
}
END_TEST

START_TEST(shortcuts_change_nothing)
{
    /* A backfill cycle skips its tail once no queued job can start now,
     * and reuses a will-run answer asked again; with --slurm-log it does
     * neither and runs every step as Slurm does. The first 3,000 jobs of
     * RICC (backlogged: 1,245 cycles testing 40,813 jobs in the log run,
     * and most of their tails skipped without it) must be scheduled
     * byte for byte alike both ways. */
    if (!tl_shared_traces("slurm shortcuts"))
        return;
    const char *dir = tl_tmpdir("slurm_shortcuts");
    char cmd[2048], trace[600], conf_path[600], out[2][600], logp[600];
    snprintf(trace, sizeof trace, "%s/ricc3000.swf", dir);
    snprintf(cmd, sizeof cmd, "zcat '%s/RICC-2010-2.swf.gz' | awk '/^;/ {print; next} c < 3000 {print; c++}' >'%s'",
             HS_SHARED_TRACES, trace);
    ck_assert_int_eq(system(cmd), 0);
    snprintf(conf_path, sizeof conf_path, "%s/slurm/ricc.conf", HS_FIXTURES);
    snprintf(logp, sizeof logp, "%s/slurm.log", dir);
    for (int logged = 0; logged < 2; logged++) {
        hs_run_config cfg;
        hs_run_config_default(&cfg);
        cfg.policy = "slurm";
        hs_run_config_add_conf(&cfg, conf_path);
        cfg.trace_path = trace;
        snprintf(out[logged], sizeof out[logged], "%s/out%d", dir, logged);
        cfg.out_dir = out[logged];
        if (logged)
            hs_run_config_add_opt(&cfg, "log", logp);
        hs_error err = {0};
        ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s", err.text);
    }
    char a[700], b[700];
    snprintf(a, sizeof a, "%s/jobs.csv", out[0]);
    snprintf(b, sizeof b, "%s/jobs.csv", out[1]);
    size_t na, nb;
    char *ta = tl_read(a, &na), *tb = tl_read(b, &nb);
    ck_assert_ptr_nonnull(ta);
    ck_assert_ptr_nonnull(tb);
    ck_assert_msg(na == nb && memcmp(ta, tb, na) == 0, "jobs.csv differs with and without the shortcuts");
    free(ta);
    free(tb);
}
END_TEST

START_TEST(backfill_3_max_job_test)
{
    /* 1000 identical jobs (6 nodes, 10 min): in the first cycle job 500
     * gets a start time and job 501 none — bf_max_job_test=500 counts the
     * jobs that reached the select test. */
    const char *dir = tl_tmpdir("slurm_bf3_conf");
    size_t cap = 1000 * 80;
    char *swf = calloc(cap, 1);
    for (int i = 1; i <= 1000; i++)
        job(swf, cap, i, 0, 600, 24, 600, 1, -1);
    char *log = run_logged("slurm_bf3_run", bf_conf(dir, ""), swf);
    char *first_end = strstr(log, "0 backfill: tested ");
    ck_assert_ptr_nonnull(first_end);
    ck_assert_msg(!strncmp(first_end, "0 backfill: tested 500 jobs", 27), "%.40s", first_end);
    *first_end = '\0';
    ck_assert_ptr_nonnull(strstr(log, "backfill: started job 5 on"));
    ck_assert_ptr_nonnull(strstr(log, "backfill: job 6 to start at 600,"));
    ck_assert_ptr_nonnull(strstr(log, "backfill: job 500 to start at 59400,")); /* the 99th wave of 5 after the first */
    ck_assert_ptr_null(strstr(log, "job 501 "));
    free(log);
    free(swf);
}
END_TEST

START_TEST(will_run_barrier_jumps)
{
    /* 3 one-CPU nodes held by jobs ending at 600, 3000 and 3060 s; job 4
     * needs 2 CPUs. In the cycle at 30 s the will-run's first group ends
     * at the barrier 660; the barrier then moves by 60 s to 3000, the
     * first step at or past the next end, so the second group holds only
     * the job ending at 3000: job 4 is planned at 3000, not 3060 (one step
     * more would take in the next job too). */
    const char *dir = tl_tmpdir("slurm_barrier_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 600, 1, 600, 1, -1);
    job(swf, sizeof swf, 2, 0, 3000, 1, 3000, 1, -1);
    job(swf, sizeof swf, 3, 0, 3060, 1, 3060, 1, -1);
    job(swf, sizeof swf, 4, 10, 600, 2, 600, 1, -1);
    char *log = run_logged("slurm_barrier_run", conf(dir, 3, 1, "", ""), swf);
    ck_assert_msg(strstr(log, "30 backfill: job 4 to start at 3000,") != NULL, "%s", log);
    free(log);
}
END_TEST

/* ---- one case per backfill parameter, with and without it ---- */

START_TEST(bf_max_job_test_one)
{
    const char *dir = tl_tmpdir("slurm_mjt_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 2, 120, 1, -1); /* runs 0..100 */
    job(swf, sizeof swf, 2, 0, 60, 4, 60, 1, -1);   /* waits for job 1: reserved at 120 */
    job(swf, sizeof swf, 3, 0, 50, 2, 60, 1, -1);   /* fits before that reservation */
    tl_result r;
    replay("slurm_mjt_default", conf(dir, 4, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 0);
    replay("slurm_mjt_1", conf(dir, 4, 1, "bf_interval=1,bf_max_job_test=1", ""), swf, &r);
    ck_assert_double_eq(r.start[0], 0); /* the one job tested */
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 160); /* never tested while job 2 waited */
}
END_TEST

/* Job 1 holds half the nodes for an hour, job 2 needs all of them, job 3
 * (half the nodes, two hours) would delay job 2 if started now. */
static void long_jobs(char *swf, size_t cap, double submit23)
{
    job(swf, cap, 1, 0, 3600, 2, 3600, 1, -1);
    job(swf, cap, 2, submit23, 600, 4, 600, 1, -1);
    job(swf, cap, 3, submit23, 7200, 2, 7200, 2, -1);
}

START_TEST(bf_window_short)
{
    const char *dir = tl_tmpdir("slurm_window_conf");
    char swf[1024] = "";
    long_jobs(swf, sizeof swf, 0);
    tl_result r;
    replay("slurm_window_default", conf(dir, 4, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[1], 3600); /* reservation honoured */
    ck_assert_double_eq(r.start[2], 4200);
    /* 30 minutes: job 2's start (1 h away) is beyond the window, so it gets
     * no reservation and job 3 runs at once, delaying it (Slurm's own warning). */
    replay("slurm_window_30", conf(dir, 4, 1, "bf_interval=1,bf_window=30", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 0);
    ck_assert_double_eq(r.start[1], 7200);
}
END_TEST

START_TEST(bf_min_age_reserve)
{
    const char *dir = tl_tmpdir("slurm_minage_conf");
    char swf[1024] = "";
    long_jobs(swf, sizeof swf, 5);
    tl_result r;
    replay("slurm_minage_default", conf(dir, 4, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 4200);
    /* Job 2 has pended less than 10 min: no reservation, and it does not
     * block the partition in the main pass either. */
    replay("slurm_minage_600", conf(dir, 4, 1, "bf_interval=1,bf_min_age_reserve=600", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 5);
    ck_assert_double_eq(r.start[1], 7205);
}
END_TEST

START_TEST(bf_min_prio_reserve)
{
    /* Job size weight 1000 favoring large: job 2 (all nodes) has priority
     * 1000, job 3 (half) 500; job 2 reserves unless the floor is above 1000. */
    const char *dir = tl_tmpdir("slurm_minprio_conf");
    char swf[1024] = "";
    long_jobs(swf, sizeof swf, 5);
    const char *prio = "PriorityType=priority/multifactor\nPriorityWeightJobSize=1000";
    tl_result r;
    replay("slurm_minprio_default", conf(dir, 4, 1, "bf_interval=1", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 4200);
    replay("slurm_minprio_1001", conf(dir, 4, 1, "bf_interval=1,bf_min_prio_reserve=1001", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 5);
    replay("slurm_minprio_1000", conf(dir, 4, 1, "bf_interval=1,bf_min_prio_reserve=1000", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 4200); /* 1000 is not below 1000 */
}
END_TEST

START_TEST(bf_resolution_rounds)
{
    /* Job 3 (all nodes) is reserved from 160 s, when job 2 is due to end.
     * Job 4 (1 node, 1 min) arrives at 80 s and would end at 140 s: before
     * the reservation at 1 s resolution; but at 60 s the reservation
     * begins at floor(160/60)*60 = 120 s and job 4 must wait. */
    const char *dir = tl_tmpdir("slurm_resolution_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 40, 4, 60, 1, -1);
    job(swf, sizeof swf, 2, 1, 120, 3, 120, 1, -1);
    job(swf, sizeof swf, 3, 2, 60, 4, 60, 1, -1);
    job(swf, sizeof swf, 4, 80, 55, 1, 60, 1, -1);
    tl_result r;
    replay("slurm_resolution_1", conf(dir, 4, 1, "bf_interval=1,bf_resolution=1", ""), swf, &r);
    ck_assert_double_eq(r.start[1], 40);
    ck_assert_double_eq(r.start[3], 80);
    ck_assert_double_eq(r.start[2], 160);
    replay("slurm_resolution_60", conf(dir, 4, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 160);
    ck_assert_double_eq(r.start[3], 220);
}
END_TEST

START_TEST(bf_max_job_user_and_part)
{
    const char *dir = tl_tmpdir("slurm_maxuser_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 2, 120, 3, -1); /* user 3 runs 0..100 */
    job(swf, sizeof swf, 2, 0, 60, 4, 60, 1, -1);   /* user 1, waits, reserved at 120 */
    job(swf, sizeof swf, 3, 0, 30, 1, 60, 1, -1);   /* user 1, fits before it */
    job(swf, sizeof swf, 4, 0, 30, 1, 60, 2, -1);   /* user 2, fits before it */
    tl_result r;
    replay("slurm_maxuser_default", conf(dir, 4, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_double_eq(r.start[2], 0);
    ck_assert_double_eq(r.start[3], 0);
    replay("slurm_maxuser_1", conf(dir, 4, 1, "bf_interval=1,bf_max_job_user=1", ""), swf, &r);
    ck_assert_double_eq(r.start[3], 0);  /* user 2's first job */
    ck_assert_double_eq(r.start[2], 160); /* user 1's second: not tested */
    replay("slurm_maxpart_2", conf(dir, 4, 1, "bf_interval=1,bf_max_job_part=2", ""), swf, &r);
    ck_assert_double_eq(r.start[0], 0);
    /* Only the first two pending jobs of the partition are tested per
     * cycle: jobs 3 and 4 wait for the cycles after job 1 has left the
     * queue, one cycle each. */
    ck_assert_double_eq(r.start[2], 1);
    ck_assert_double_eq(r.start[3], 2);
}
END_TEST

/* ---- main scheduler ---- */

START_TEST(main_scheduler_blocks_partitions)
{
    /* sched/builtin: no backfill. A batch job never starts at submission:
     * the first pass runs on the next second. Job 2 blocks partition
     * "all"; its nodes include those of "small", so job 3 waits too —
     * unless "small" has the higher PriorityTier and is tried first. */
    const char *dir = tl_tmpdir("slurm_main_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0.5, 100, 2, 120, 1, 1);
    job(swf, sizeof swf, 2, 0.5, 50, 4, 60, 1, 1);
    job(swf, sizeof swf, 3, 0.5, 50, 1, 60, 1, 2);
    const char *base = "SchedulerType=sched/builtin\nSchedulerParameters=sched_interval=1\nSelectType=select/cons_tres\n"
                       "NodeName=n[1-4] CPUs=1\nPartitionName=all Nodes=n[1-4] Default=YES State=UP\n";
    char text[1024];
    snprintf(text, sizeof text, "%sPartitionName=small Nodes=n[3-4] State=UP\n", base);
    tl_result r;
    replay("slurm_main_block", tl_write(dir, "a.conf", text), swf, &r);
    ck_assert_double_eq(r.start[0], 1);
    ck_assert_double_eq(r.start[1], 101);
    ck_assert_double_eq(r.start[2], 151);
    snprintf(text, sizeof text, "%sPartitionName=small Nodes=n[3-4] PriorityTier=2 State=UP\n", base);
    replay("slurm_main_tier", tl_write(dir, "b.conf", text), swf, &r);
    ck_assert_double_eq(r.start[2], 1);
    ck_assert_double_eq(r.start[0], 1);
    ck_assert_double_eq(r.start[1], 101);
}
END_TEST

START_TEST(main_pass_limits)
{
    /* Four one-node jobs on four idle nodes, no backfill. A pass after a
     * submission looks at default_queue_depth jobs; only the full pass
     * every sched_interval looks further. sched_max_job_start caps starts
     * per pass, whatever the depth. */
    const char *dir = tl_tmpdir("slurm_depth_conf");
    char swf[1024] = "";
    for (int i = 1; i <= 4; i++)
        job(swf, sizeof swf, i, 0, 500, 1, 600, 1, -1);
    tl_result r;
    replay("slurm_depth_default", conf(dir, 4, 1, "bf_interval=-1,sched_interval=60", ""), swf, &r);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq(r.start[i], 1);
    replay("slurm_depth_2", conf(dir, 4, 1, "bf_interval=-1,sched_interval=60,default_queue_depth=2", ""), swf, &r);
    ck_assert_double_eq(r.start[0], 1);
    ck_assert_double_eq(r.start[1], 1);
    ck_assert_double_eq(r.start[2], 60); /* the next full pass */
    ck_assert_double_eq(r.start[3], 60);
    replay("slurm_maxstart_1", conf(dir, 4, 1, "bf_interval=-1,sched_interval=1,sched_max_job_start=1", ""), swf, &r);
    for (int i = 0; i < 4; i++)
        ck_assert_double_eq(r.start[i], 1 + i); /* one per pass, a full pass each second */
}
END_TEST

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
     * 2 nodes of s0; job 2 (3 nodes) fits in no free run of s0 but in s1
     * alone: topology/tree puts it there (n5-n7); without a topology the
     * consecutive best fit takes the run n3-n8 from its start (n3-n5). */
    const char *dir = tl_tmpdir("slurm_topo_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 100, 2, 120, 1, -1);
    job(swf, sizeof swf, 2, 0, 100, 3, 120, 1, -1);
    const char *topo = tl_write(dir, "topology.conf",
                                "# leaf switches, then the top\nSwitchName=s0 Nodes=n[1-4]\nSwitchName=s1 Nodes=n[5-8] LinkSpeed=100\n\n"
                                "SwitchName=top Switches=s[0-1]\n");
    (void)topo;
    tl_result r;
    replay("slurm_topo_on", conf(dir, 8, 1, "bf_interval=1", "TopologyPlugin=topology/tree"), swf, &r);
    ck_assert_str_eq(r.alloc[0], "0-1");
    ck_assert_str_eq(r.alloc[1], "4-6");
    replay("slurm_topo_off", conf(dir, 8, 1, "bf_interval=1", ""), swf, &r);
    ck_assert_str_eq(r.alloc[1], "2-4");
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
    ck_assert_double_eq(r.start[2], 100); /* 2 free in s0, 1 in s1: no switch holds 3 */
    ck_assert_double_eq(r.start[3], -1);  /* 5 CPUs: no switch has them, rejected rather than left waiting */
    ck_assert_uint_eq(r.m.rejected, 1);
}
END_TEST

START_TEST(topology_errors)
{
    const char *dir = tl_tmpdir("slurm_topo_bad");
    const char *c = tl_write(dir, "slurm.conf", "NodeName=n[1-4] CPUs=1\nPartitionName=p Nodes=ALL\nTopologyPlugin=topology/tree\n");
    static const char *const bad[][2] = {
        {"SwitchName=s0 Nodes=n[1-5]\n", "topology.conf:1: SwitchName=s0: node 'n5' is not in slurm.conf"},
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

/* ---- a recorded real-Slurm run ---- */

/* Spearman's rank correlation (ties get their mean rank). */
static double ranks_of(const double *v, int n, double *r)
{
    for (int i = 0; i < n; i++) {
        int below = 0, equal = 0;
        for (int k = 0; k < n; k++)
            below += v[k] < v[i], equal += v[k] == v[i];
        r[i] = below + (equal + 1) / 2.0;
    }
    return 0;
}

static double spearman(const double *a, const double *b, int n)
{
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb), ma = 0, mb = 0, cov = 0, va = 0, vb = 0;
    ranks_of(a, n, ra);
    ranks_of(b, n, rb);
    for (int i = 0; i < n; i++)
        ma += ra[i] / n, mb += rb[i] / n;
    for (int i = 0; i < n; i++)
        cov += (ra[i] - ma) * (rb[i] - mb), va += (ra[i] - ma) * (ra[i] - ma), vb += (rb[i] - mb) * (rb[i] - mb);
    free(ra);
    free(rb);
    return va > 0 && vb > 0 ? cov / sqrt(va * vb) : 1;
}

/* Replays a recorded oracle run (fixtures/slurm/NAME: slurm.conf, the
 * trace with the run times real Slurm measured and its UnixStartTime,
 * real.csv) through the model and checks the agreement against the
 * figures this model reached when it was recorded (a guard against
 * regressions): at least `within` jobs starting within `tol` s of real
 * Slurm, a mean absolute difference of at most `mean_max` s, and a rank
 * correlation of start order of at least `rho_min`. */
static void oracle_fixture(const char *name, double tol, int within_min, double mean_max, double rho_min)
{
    char path[512], conf_path[512];
    snprintf(path, sizeof path, "%s/slurm/%s/real.csv", HS_FIXTURES, name);
    char *real = tl_read(path, NULL);
    ck_assert_ptr_nonnull(real);
    snprintf(path, sizeof path, "%s/slurm/%s/measured.swf", HS_FIXTURES, name);
    char *swf = tl_read(path, NULL);
    ck_assert_ptr_nonnull(swf);
    snprintf(conf_path, sizeof conf_path, "%s/slurm/%s/slurm.conf", HS_FIXTURES, name);
    const char *dir = tl_tmpdir(name);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "slurm";
    hs_run_config_add_conf(&cfg, conf_path);
    cfg.trace_path = tl_write(dir, "t.swf", swf);
    char out[512], jobs_path[600];
    snprintf(out, sizeof out, "%s/out", dir);
    cfg.out_dir = out;
    hs_error err = {0};
    ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s", err.text);
    snprintf(jobs_path, sizeof jobs_path, "%s/jobs.csv", out);
    char *jobs = tl_read(jobs_path, NULL);
    ck_assert_ptr_nonnull(jobs);
    enum { MAXJ = 1000 };
    static double model[MAXJ], real_start[MAXJ], a[MAXJ], b[MAXJ];
    double first = INFINITY;
    for (int i = 0; i < MAXJ; i++)
        model[i] = real_start[i] = NAN;
    for (char *line = strchr(jobs, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        int id;
        double submit, req, start;
        long procs;
        if (sscanf(line + 1, "%d,%lf,%ld,%lf,%lf", &id, &submit, &procs, &req, &start) == 5 && id > 0 && id < MAXJ) {
            model[id] = start;
            first = submit < first ? submit : first;
        }
    }
    for (char *line = strchr(real, '\n'); line && line[1]; line = strchr(line + 1, '\n')) {
        int id;
        double submit, start;
        if (sscanf(line + 1, "%d,%lf,%lf", &id, &submit, &start) == 3 && id > 0 && id < MAXJ)
            real_start[id] = start;
    }
    int n = 0, within = 0;
    double sum = 0;
    for (int id = 1; id < MAXJ; id++) {
        if (isnan(real_start[id]))
            continue;
        ck_assert_msg(!isnan(model[id]), "%s: job %d ran in real Slurm, not in the model", name, id);
        double d = fabs(model[id] - first - real_start[id]);
        a[n] = real_start[id];
        b[n++] = model[id] - first;
        within += d <= tol;
        sum += d;
    }
    double rho = spearman(a, b, n);
    printf("%s: %d jobs, %d within %g s, mean difference %.1f s, Spearman %.3f\n", name, n, within, tol, sum / n, rho);
    ck_assert_int_ge(within, within_min);
    ck_assert_double_le(sum / n, mean_max);
    ck_assert_double_ge(rho, rho_min);
    free(real);
    free(swf);
    free(jobs);
}

START_TEST(oracle_fixtures)
{
    /* Recorded with bench/slurm-oracle on 2026-11-23 (Slurm 22.05.8). The
     * 16-node run is docs/slurm.md, oracle runs's trace; the other two are ours
     * (traces/oracle-*.swf, bench/slurm-oracle/conf/). Bounds: what the
     * model reached on 2026-11-23, rounded to the safe side. Trace A
     * queues deeply, and small timing differences cascade there: a second
     * real run of it differed from the first by as much as from the model. */
    oracle_fixture("oracle-16x1", 1, 6, 2.5, 0.96);
    oracle_fixture("oracle-a-64x1", 5, 48, 110, 0.87);
    oracle_fixture("oracle-b-32x4", 2, 105, 9, 0.99);
}
END_TEST

/* ---- configuration ---- */

static void refused(const char *text, const char *want)
{
    const char *dir = tl_tmpdir("slurm_params_bad");
    const char *path = tl_write(dir, "bad.conf", text);
    hs_error err = {0};
    hs_slurm_setup *s = hs_slurm_setup_load(path, NULL, NULL, &err);
    ck_assert_ptr_null(s);
    says(&err, want);
}

START_TEST(params_defaults_and_errors)
{
    const char *dir = tl_tmpdir("slurm_params");
    const char *path = tl_write(dir, "ok.conf", "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=ALL\n");
    hs_error err = {0};
    hs_slurm_setup *s = hs_slurm_setup_load(path, NULL, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    const hs_slurm_params *p = &((struct hs_slurm_setup *)s)->params;
    ck_assert(p->backfill && p->whole_nodes && !p->multifactor && p->fair_tree); /* 22.05: select/linear, priority/basic */
    ck_assert_double_eq(p->sched_interval, 60);
    ck_assert_double_eq(p->batch_sched_delay, 3);
    ck_assert_uint_eq(p->default_queue_depth, 100);
    ck_assert_double_eq(p->bf_interval, 30);
    ck_assert_double_eq(p->bf_resolution, 60);
    ck_assert_double_eq(p->bf_window, 1440 * 60);
    ck_assert_uint_eq(p->bf_max_job_test, 500);
    ck_assert_uint_eq(p->bf_node_space_size, 500);
    ck_assert_double_eq(p->max_age, 7 * 86400);
    ck_assert_double_eq(p->decay_half_life, 7 * 86400);
    ck_assert_double_eq(p->calc_period, 300);
    ck_assert_double_eq(p->kill_wait, 30);
    hs_slurm_setup_free(s);

    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1\nSchedulerParameters=bf_window=0\n", "bad.conf:3");
    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1\nSchedulerParameters=bf_interval=abc\n", "bf_interval=abc");
    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1\nPriorityWeightAge=-3\n", "bad.conf:3: PriorityWeightAge=-3");
    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1\nPriorityMaxAge=7days\n", "bad.conf:3: PriorityMaxAge=7days");
    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1\nPriorityType=priority/fancy\n", "bad.conf:3: PriorityType=priority/fancy");
    refused("NodeName=n1 CPUs=1\nPartitionName=p Nodes=n1 OverSubscribe=FORCE\n", "bad.conf:2: PartitionName=p: OverSubscribe=FORCE");
    refused("NodeName=n1 CPUs=1\nSchedulerType=sched/gang\nPartitionName=p Nodes=n1\n", "bad.conf:2: SchedulerType=sched/gang");
    refused("NodeName=n1 CPUs=1\n", "no PartitionName");
}
END_TEST

START_TEST(cli_slurm)
{
    const char *dir = tl_tmpdir("slurm_cli");
    char swf[512] = "";
    job(swf, sizeof swf, 1, 0, 10, 2, 60, 1, -1);
    const char *trace = tl_write(dir, "t.swf", swf);
    const char *c = conf(dir, 2, 1, "bf_interval=1", "");
    char out[512];
    snprintf(out, sizeof out, "%s/out", dir);
    char *err = NULL;
    const char *no_conf[] = {"run", "--trace", trace, "--policy", "slurm", "--out", out, NULL};
    ck_assert_int_ne(tl_cli(&err, no_conf), 0);
    ck_assert_ptr_nonnull(strstr(err, "--policy slurm: needs --policy-conf slurm.conf (or --slurm-conf FILE)"));
    ck_assert(!tl_exists(out));
    free(err);
    const char *qos_alone[] = {"run", "--trace", trace, "--policy", "easy", "--slurm-qos", c, "--out", out, NULL};
    ck_assert_int_ne(tl_cli(&err, qos_alone), 0);
    ck_assert_ptr_nonnull(strstr(err, "--slurm-qos: is only read with --policy slurm"));
    ck_assert(!tl_exists(out));
    free(err);
    char qos_bad[512];
    snprintf(qos_bad, sizeof qos_bad, "%s", tl_write(dir, "qos.txt", "normal|0\nhigh|x\n"));
    const char *qos_wrong[] = {"run", "--trace", trace, "--policy", "slurm", "--slurm-conf", c, "--slurm-qos", qos_bad, "--out", out, NULL};
    ck_assert_int_ne(tl_cli(&err, qos_wrong), 0);
    ck_assert_ptr_nonnull(strstr(err, "qos.txt:2: field 2 (Priority): 'x' is not an integer"));
    ck_assert(!tl_exists(out));
    free(err);
    /* a run that fails after its log was opened leaves no partial log */
    char logp[600], logopt[700];
    snprintf(logp, sizeof logp, "%s/decisions.log", dir);
    snprintf(logopt, sizeof logopt, "log=%s", logp);
    const char *no_trace[] = {"run", "--trace", "/nonexistent/t.swf", "--policy", "slurm", "--policy-conf", c,
                              "--policy-opt", logopt, "--out", out, NULL};
    ck_assert_int_ne(tl_cli(&err, no_trace), 0);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/t.swf: cannot open"));
    ck_assert(!tl_exists(logp));
    ck_assert(!tl_exists(out));
    free(err);
    const char *both[] = {"run", "--trace", trace, "--policy", "slurm", "--slurm-conf", c, "--nodes", "4", "--out", out, NULL};
    ck_assert_int_ne(tl_cli(&err, both), 0);
    ck_assert_ptr_nonnull(strstr(err, "slurm.conf: the cluster comes from this file (--policy slurm): drop --cluster"));
    free(err);
    const char *ok[] = {"run", "--quiet", "--trace", trace, "--policy", "slurm", "--slurm-conf", c, "--out", out, NULL};
    ck_assert_int_eq(tl_cli(&err, ok), 0);
    free(err);
    ck_assert(tl_exists(out));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("slurm");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, classic_fairshare_test24_1);
    tcase_add_test(t, fair_tree_order);
    tcase_add_test(t, fair_tree_many_siblings);
    tcase_add_test(t, fairshare_orders_the_queue);
    tcase_add_test(t, association_file);
    tcase_add_test(t, fairshare_after_an_idle_recalculation);
    tcase_add_test(t, space_map_records);
    tcase_add_test(t, qos_file);
    tcase_add_test(t, qos_orders_the_queue);
    tcase_add_test(t, priority_arithmetic);
    tcase_add_test(t, job_size_priority_orders_the_queue);
    tcase_add_test(t, backfill_1);
    tcase_add_test(t, backfill_2_no_starvation);
    tcase_add_test(t, backfill_3_max_job_test);
    tcase_add_test(t, shortcuts_change_nothing);
    tcase_add_test(t, probe_sees_starts_on_reserved_nodes);
    tcase_add_test(t, like_jobs_differ_in_limit);
    tcase_add_test(t, tail_counts_reserved_nodes);
    tcase_add_test(t, tail_no_reserve_sees_every_reservation);
    tcase_add_test(t, will_run_barrier_jumps);
    tcase_add_test(t, bf_max_job_test_one);
    tcase_add_test(t, bf_window_short);
    tcase_add_test(t, bf_min_age_reserve);
    tcase_add_test(t, bf_min_prio_reserve);
    tcase_add_test(t, bf_resolution_rounds);
    tcase_add_test(t, bf_max_job_user_and_part);
    tcase_add_test(t, main_scheduler_blocks_partitions);
    tcase_add_test(t, main_pass_limits);
    tcase_add_test(t, cons_tres_best_fit);
    tcase_add_test(t, cons_tres_weights);
    tcase_add_test(t, topology_tree);
    tcase_add_test(t, topology_errors);
    tcase_add_test(t, oracle_fixtures);
    tcase_add_test(t, params_defaults_and_errors);
    tcase_add_test(t, cli_slurm);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
