/* The Slurm model, The backfill and the main scheduler: the node-space map, the cases of
 * Slurm's backfill_test.c transcribed as traces (inputs and expected
 * outcomes are facts), one case per backfill parameter showing its effect
 * with and without it, the shortcuts that change nothing, and the main
 * pass's partition blocking and limits (docs/slurm.md). */
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

START_TEST(will_run_window_doubles_past_the_next_end)
{
    /* 3 one-CPU nodes held by jobs ending at 600, 3000 and 3060 s; job 4
     * needs 2 CPUs. In the cycle at 30 s the will-run's base is 630 (600
     * rounded up to 30 s) and its first group ends at 660; the window
     * then doubles (60, 120, ...) until the next end (3000) is inside:
     * 3,840 s, so the second group ends at 4,470 and holds both later
     * jobs: job 4 is planned at 3060. */
    const char *dir = tl_tmpdir("slurm_barrier_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 600, 1, 600, 1, -1);
    job(swf, sizeof swf, 2, 0, 3000, 1, 3000, 1, -1);
    job(swf, sizeof swf, 3, 0, 3060, 1, 3060, 1, -1);
    job(swf, sizeof swf, 4, 10, 600, 2, 600, 1, -1);
    char *log = run_logged("slurm_barrier_run", conf(dir, 3, 1, "", ""), swf);
    ck_assert_msg(strstr(log, "30 backfill: job 4 to start at 3060,") != NULL, "%s", log);
    free(log);
}
END_TEST

/* Partition a (n1-n3) and b (n4), one CPU each; time 0 on a whole minute. */
static char *two_partition_run(const char *name, bool job_in_b)
{
    char dir_name[64];
    snprintf(dir_name, sizeof dir_name, "%s_conf", name);
    const char *dir = tl_tmpdir(dir_name);
    const char *conf_path =
        tl_write(dir, "slurm.conf",
                 "SchedulerParameters=bf_interval=5\nSelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
                 "NodeName=n[1-4] CPUs=1\nPartitionName=a Nodes=n[1-3] Default=YES MaxTime=INFINITE State=UP\n"
                 "PartitionName=b Nodes=n4 MaxTime=INFINITE State=UP\n");
    char swf[1024] = "; UnixStartTime: 0\n";
    job(swf, sizeof swf, 1, 0, 600, 1, 600, 1, 1);  /* n1, planned to end at 600 */
    job(swf, sizeof swf, 2, 0, 720, 1, 720, 1, 1);  /* n2, at 720 */
    if (job_in_b)
        job(swf, sizeof swf, 3, 5, 600, 1, 600, 1, 2); /* n4, at 605: on none of a's nodes */
    job(swf, sizeof swf, 4, 10, 600, 2, 600, 1, 1); /* 2 CPUs of a: n3 and one more */
    return run_logged(name, conf_path, swf);
}

START_TEST(will_run_group_ends_at_the_next_running_job)
{
    /* Job 4's will-run on a's nodes: the job ending at 600 makes room
     * (n1 and the free n3), and the group stops when the next running job
     * ends past the base (630) + 30 s. Real Slurm looks at the next
     * running job on any node: with job 3 (on b, ending at 605) next, the
     * group goes on and takes the job ending at 720 too, and job 4 is
     * planned at 720, the end of the last job taken. Trace E's record
     * shows it (docs/slurm-verify.md, 2026-12-07d): job 96 planned at
     * 490 s, the second end on its nodes, though the first (450 s) made
     * room. Without job 3, it is planned at 600. */
    char *log = two_partition_run("slurm_group_other", true);
    ck_assert_msg(strstr(log, "backfill: job 4 to start at 720,") != NULL, "%s", log);
    free(log);
    log = two_partition_run("slurm_group_alone", false);
    ck_assert_msg(strstr(log, "backfill: job 4 to start at 600,") != NULL, "%s", log);
    free(log);
}
END_TEST

START_TEST(will_run_window_counts_from_the_base)
{
    /* Time 0 at second 20 of a minute. Three one-CPU nodes held by jobs
     * planned to end at 600, 660 and 690 s (started at 0, 0 and 30 s);
     * job 4 needs 2 CPUs. In the cycle at 60 s the will-run's base is 610
     * (600 rounded up to 30 s on the wall clock), its first group ends at
     * 640 and holds the job ending at 600; the window doubles to 60 s, so
     * the second group ends at 610 + 60 = 670 and holds the job ending at
     * 660 alone: job 4 is planned at 660. A window added to the last
     * group's end instead (640 + 60) would take the job ending at 690 too.
     * Real Slurm counts from the base: on trace A it planned a 33-node job
     * at 693 s, not at the next end, 716 s (docs/slurm.md, "The will-run
     * test"). */
    const char *dir = tl_tmpdir("slurm_window_conf");
    char swf[1024] = "; UnixStartTime: 20\n";
    job(swf, sizeof swf, 1, 0, 600, 1, 600, 1, -1);
    job(swf, sizeof swf, 2, 0, 660, 1, 660, 1, -1);
    job(swf, sizeof swf, 3, 29, 660, 1, 660, 1, -1);
    job(swf, sizeof swf, 4, 40, 600, 2, 600, 1, -1);
    char *log = run_logged("slurm_window_run", conf(dir, 3, 1, "", ""), swf);
    ck_assert_msg(strstr(log, "30 main: started job 3 ") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "60 backfill: job 4 to start at 660,") != NULL, "%s", log);
    free(log);
}
END_TEST

START_TEST(controller_loops_drift)
{
    /* Each turn of real Slurm's 1-second loop sleeps a second after its
     * own work, and each backfill cycle sleeps bf_interval after it ends:
     * their grids drift later (1.6-3.3 ms a second and 1.4-26 ms a cycle
     * on our records, docs/slurm-verify.md, 2026-12-07d). Four one-CPU
     * nodes. Job 1 (1 CPU), submitted at 100 s, starts on the main
     * scheduler's next tick: 100.2 s with the tick 0.2 s after each
     * second; 100.4 s when each turn takes 1.002 s (ticks at 0.2 + 1.002 k).
     * Job 2 (4 CPUs) waits for job 1; job 3 (1 CPU, submitted at 103.5 s)
     * is backfilled by the first cycle after it on the grid of the one at
     * 3 s: at 108 s every 5 s, at 3 + 21 × 5.01 = 108.21 s every 5.01 s. */
    const char *dir = tl_tmpdir("slurm_drift_conf");
    const char *conf_path = conf(dir, 4, 1, "bf_interval=5", "");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 100, 200, 1, 240, 1, -1);
    job(swf, sizeof swf, 2, 101, 50, 4, 60, 1, -1);
    job(swf, sizeof swf, 3, 103.5, 20, 1, 60, 1, -1);
    const char *fixed[] = {"main-phase", "0.2", "bf-phase", "3", NULL};
    const char *drifting[] = {"main-phase", "0.2", "main-drift", "0.002", "bf-phase", "3", "bf-drift", "0.01", NULL};
    tl_result r;
    replay_with("slurm_drift_fixed", conf_path, swf, fixed, &r);
    ck_assert_double_eq_tol(r.start[0], 100.2, 1e-9);
    ck_assert_double_eq_tol(r.start[2], 108, 1e-9);
    replay_with("slurm_drift_drifting", conf_path, swf, drifting, &r);
    ck_assert_double_eq_tol(r.start[0], 100.4, 1e-9);
    ck_assert_double_eq_tol(r.start[2], 3 + 21 * 5.01, 1e-9);
}
END_TEST

START_TEST(backfill_keeps_its_phase_while_jobs_pend)
{
    /* Four one-CPU nodes, bf_interval 5. Job 1 (3 CPUs) starts at 0; job 2
     * (4 CPUs), submitted at 10 with nothing pending, is seen by the
     * first 1 s poll (10 s) and reserved. Job 3 (1 CPU), submitted at 22,
     * is passed over by the main pass at 23 (job 2 blocks the partition)
     * and started by the backfill at 25: while jobs pend, real Slurm runs
     * a cycle every bf_interval (10, 15, 20, 25) whether or not anything
     * changed, so the cycle after a change keeps that phase. A cycle on
     * the first second after the change would start it at 22. On trace
     * A's record every backfill start from 40 s to 496 s lies on the
     * 5 s grid (docs/slurm-verify.md, 2026-12-07b). */
    const char *dir = tl_tmpdir("slurm_phase_conf");
    char swf[1024] = "";
    job(swf, sizeof swf, 1, 0, 1000, 3, 1000, 1, -1);
    job(swf, sizeof swf, 2, 10, 600, 4, 600, 1, -1);
    job(swf, sizeof swf, 3, 22, 60, 1, 60, 1, -1);
    char *log = run_logged("slurm_phase_run", conf(dir, 4, 1, "bf_interval=5", ""), swf);
    ck_assert_msg(strstr(log, "10 backfill: job 2 to start at ") != NULL, "%s", log);
    ck_assert_msg(strstr(log, "25 backfill: started job 3 ") != NULL, "%s", log);
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
    /* Job size weight 1000 favoring large, a pending job counted on one
     * node (docs/slurm.md): job 2 (all 4 CPUs) has priority
     * 1000 (1/4 + 4/4) / 2 = 625, job 3 (2 CPUs) 375; job 2 reserves
     * unless the floor is above 625. */
    const char *dir = tl_tmpdir("slurm_minprio_conf");
    char swf[1024] = "";
    long_jobs(swf, sizeof swf, 5);
    const char *prio = "PriorityType=priority/multifactor\nPriorityWeightJobSize=1000";
    tl_result r;
    replay("slurm_minprio_default", conf(dir, 4, 1, "bf_interval=1", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 4200);
    replay("slurm_minprio_626", conf(dir, 4, 1, "bf_interval=1,bf_min_prio_reserve=626", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 5);
    replay("slurm_minprio_625", conf(dir, 4, 1, "bf_interval=1,bf_min_prio_reserve=625", prio), swf, &r);
    ck_assert_double_eq(r.start[2], 4200); /* 625 is not below 625 */
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

START_TEST(main_pass_after_an_end)
{
    /* sched/builtin, one node, batch_sched_delay 3 s (the default). Job 1
     * starts at the pass on the second after its submission (1 s); job 2,
     * submitted at 2.5 s, is passed over at 4 s (3 s after the first
     * pass). When job 1 ends, the next pass waits for the tick and for
     * batch_sched_delay since the pass at 4 s, as after a submission: an
     * end at 11 s gives a pass at 12 s, an end at 5 s one at 7 s (real
     * Slurm on trace C: docs/slurm.md, "Two schedulers and a decay
     * thread"). A pass at once would start job 2 at 11 and 5 s. */
    const char *dir = tl_tmpdir("slurm_end_pass_conf");
    const char *path = tl_write(dir, "slurm.conf",
                                "SchedulerType=sched/builtin\nSelectType=select/cons_tres\nNodeName=n1 CPUs=1\n"
                                "PartitionName=p Nodes=n1 Default=YES State=UP\n");
    static const struct {
        double run1, start2;
    } cases[] = {{10, 12}, {4, 7}};
    for (size_t i = 0; i < 2; i++) {
        char swf[1024] = "";
        job(swf, sizeof swf, 1, 0.5, cases[i].run1, 1, 60, 1, -1);
        job(swf, sizeof swf, 2, 2.5, 10, 1, 60, 1, -1);
        tl_result r;
        replay("slurm_end_pass", path, swf, &r);
        ck_assert_double_eq(r.start[0], 1);
        ck_assert_double_eq(r.start[1], cases[i].start2);
    }
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

static Suite *make(void)
{
    Suite *s = suite_create("slurm_backfill");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, space_map_records);
    tcase_add_test(t, backfill_1);
    tcase_add_test(t, backfill_2_no_starvation);
    tcase_add_test(t, probe_sees_starts_on_reserved_nodes);
    tcase_add_test(t, like_jobs_differ_in_limit);
    tcase_add_test(t, tail_counts_reserved_nodes);
    tcase_add_test(t, tail_no_reserve_sees_every_reservation);
    tcase_add_test(t, shortcuts_change_nothing);
    tcase_add_test(t, backfill_3_max_job_test);
    tcase_add_test(t, will_run_window_doubles_past_the_next_end);
    tcase_add_test(t, will_run_group_ends_at_the_next_running_job);
    tcase_add_test(t, controller_loops_drift);
    tcase_add_test(t, will_run_window_counts_from_the_base);
    tcase_add_test(t, backfill_keeps_its_phase_while_jobs_pend);
    tcase_add_test(t, main_pass_after_an_end);
    tcase_add_test(t, bf_max_job_test_one);
    tcase_add_test(t, bf_window_short);
    tcase_add_test(t, bf_min_age_reserve);
    tcase_add_test(t, bf_min_prio_reserve);
    tcase_add_test(t, bf_resolution_rounds);
    tcase_add_test(t, bf_max_job_user_and_part);
    tcase_add_test(t, main_scheduler_blocks_partitions);
    tcase_add_test(t, main_pass_limits);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
