/* Hand-computed schedules for FCFS and EASY, and a randomized comparison
 * of EASY against a naive reference written here from the definition,
 * which guards the policy's incremental passes. Every replay runs the
 * schedule checker on its outputs (tl_replay). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"

static void cfg_nodes(hs_run_config *cfg, const char *policy, uint32_t nodes, uint32_t cores)
{
    hs_run_config_default(cfg);
    cfg->policy = policy;
    cfg->nodes = nodes;
    cfg->cores_per_node = cores;
}

/* Case 1: a later job fits in the hole and ends before the head's
 * reservation: EASY starts it at once, FCFS makes it wait. */
START_TEST(backfill_that_fits)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 2, 1, 50, 4, 50); /* head: needs all 4, reserved at 100 */
    tl_swf_job(t, sizeof t, 3, 2, 50, 2, 50); /* ends at 52 <= 100 */
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("bf_fits_easy", t, &cfg, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 2);
    cfg_nodes(&cfg, "fcfs", 4, 1);
    tl_replay("bf_fits_fcfs", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 150);
}
END_TEST

/* Case 2: the later job would still run at the reservation and there are
 * no extra units: refused, it waits behind the head. */
START_TEST(backfill_that_would_delay_head)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 2, 1, 50, 4, 50);
    tl_swf_job(t, sizeof t, 3, 2, 200, 2, 200); /* would end at 202 > 100 */
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("bf_delay", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 150);
}
END_TEST

/* Case 3: extra units at the reservation let a long job backfill, once. */
START_TEST(backfill_on_extra_units)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 2, 1, 50, 3, 50);      /* head: shadow 100, 4 free then, extra 1 */
    tl_swf_job(t, sizeof t, 3, 2, 1000, 1, 1000);  /* uses the extra unit */
    tl_swf_job(t, sizeof t, 4, 3, 1000, 1, 1000);  /* no extra left: waits */
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("bf_extra", t, &cfg, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[2], 2);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[3], 150);
}
END_TEST

/* Case 4: the reservation comes from the requested time, but the running
 * job ends early: the head starts then, not at its reservation. */
START_TEST(early_end_frees_head)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 10, 4, 100);
    tl_swf_job(t, sizeof t, 2, 1, 10, 4, 10);
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("early_end", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 10);
}
END_TEST

/* Case 5: at one instant, the end is handled before the arrival, and two
 * arrivals keep their input order. */
START_TEST(ties_at_equal_times)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 10, 4, 10);
    tl_swf_job(t, sizeof t, 2, 10, 10, 4, 10); /* arrives as job 1 ends: starts at once */
    tl_swf_job(t, sizeof t, 3, 10, 10, 4, 10); /* same instant, after job 2 */
    hs_run_config cfg;
    tl_result r;
    for (int k = 0; k < 2; k++) {
        cfg_nodes(&cfg, k ? "fcfs" : "easy", 4, 1);
        tl_replay(k ? "ties_fcfs" : "ties_easy", t, &cfg, &r);
        ck_assert_double_eq(r.start[1], 10);
        ck_assert_double_eq(r.start[2], 20);
    }
}
END_TEST

/* Case 6: a job reaching its requested time is killed there (by default),
 * and the head behind it starts at the kill; --no-kill lets it run. */
START_TEST(kill_at_requested_time)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 50);
    tl_swf_job(t, sizeof t, 2, 1, 10, 4, 10);
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("kill_on", t, &cfg, &r);
    ck_assert_double_eq(r.end[0], 50);
    ck_assert_str_eq(r.state[0], "COMPLETED_WALLTIME_REACHED");
    ck_assert_double_eq(r.start[1], 50);
    ck_assert_uint_eq(r.m.killed, 1);
    cfg_nodes(&cfg, "easy", 4, 1);
    cfg.kill_at_req_time = false;
    tl_replay("kill_off", t, &cfg, &r);
    ck_assert_double_eq(r.end[0], 100);
    ck_assert_str_eq(r.state[0], "COMPLETED_SUCCESSFULLY");
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_uint_eq(r.m.killed, 0);
}
END_TEST

/* Case 7: node versus core allocation on 2 nodes × 4 cores. With cores,
 * three 2-core jobs share the nodes; with whole nodes the third waits. */
START_TEST(node_versus_core_allocation)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 2, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 3, 1, 100, 2, 100);
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 2, 4);
    tl_replay("alloc_cores", t, &cfg, &r);
    ck_assert_double_eq(r.start[2], 1);
    ck_assert_str_eq(r.alloc[0], "0-1");
    ck_assert_str_eq(r.alloc[1], "2-3");
    ck_assert_str_eq(r.alloc[2], "4-5");
    cfg_nodes(&cfg, "easy", 2, 4);
    cfg.alloc_mode = HS_ALLOC_NODES;
    tl_replay("alloc_nodes", t, &cfg, &r);
    ck_assert_str_eq(r.alloc[0], "0");
    ck_assert_str_eq(r.alloc[1], "1");
    ck_assert_double_eq(r.start[2], 100);
    /* a 5-core job needs two whole nodes */
    char t2[256] = "";
    tl_swf_job(t2, sizeof t2, 1, 0, 10, 5, 10);
    cfg_nodes(&cfg, "easy", 2, 4);
    cfg.alloc_mode = HS_ALLOC_NODES;
    tl_replay("alloc_nodes_round_up", t2, &cfg, &r);
    ck_assert_str_eq(r.alloc[0], "0-1");
}
END_TEST

/* Case 8: a job larger than the cluster is rejected and counted; the
 * others run as if it were not there. */
START_TEST(job_too_large_for_cluster)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 10, 2, 10);
    tl_swf_job(t, sizeof t, 2, 1, 10, 5, 10);
    tl_swf_job(t, sizeof t, 3, 2, 10, 4, 10);
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("too_large", t, &cfg, &r);
    ck_assert_uint_eq(r.m.rejected, 1);
    ck_assert_uint_eq(r.m.completed, 2);
    ck_assert_double_eq(r.start[1], -1);
    ck_assert_double_eq(r.start[2], 10);
}
END_TEST

/* Case 9: all jobs ending at the shadow time count toward extra. */
START_TEST(extra_counts_every_job_ending_at_shadow)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 2, 0, 100, 2, 100);
    tl_swf_job(t, sizeof t, 3, 1, 10, 2, 10);     /* ends at 11 */
    tl_swf_job(t, sizeof t, 4, 2, 50, 4, 50);     /* head: shadow 100, 6 free then → extra 2 */
    tl_swf_job(t, sizeof t, 5, 12, 1000, 2, 1000); /* after job 3 ends: 2 free, uses the extra */
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "easy", 6, 1);
    tl_replay("extra_ties", t, &cfg, &r);
    ck_assert_double_eq(r.start[3], 100);
    ck_assert_double_eq(r.start[4], 12);
}
END_TEST

/* Case 10: FCFS is strict; EASY lets a short job pass but the head still
 * starts on time; a zero-length job is fine. */
START_TEST(fcfs_blocks_and_zero_length_jobs)
{
    char t[1024] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 3, 100);
    tl_swf_job(t, sizeof t, 2, 1, 0, 4, 10);  /* zero-length head */
    tl_swf_job(t, sizeof t, 3, 2, 5, 1, 5);
    hs_run_config cfg;
    tl_result r;
    cfg_nodes(&cfg, "fcfs", 4, 1);
    tl_replay("fcfs_block", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.end[1], 100);
    ck_assert_double_eq(r.start[2], 100);
    cfg_nodes(&cfg, "easy", 4, 1);
    tl_replay("easy_pass", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 2);
}
END_TEST

/* Case 11: partitions schedule apart: a blocked head in one does not hold
 * back the other, and jobs are routed by SWF field 16. */
START_TEST(partitions_are_independent)
{
    const char *dir = tl_tmpdir("partitions");
    const char *cl = tl_write(dir, "cluster.json",
                              "{\"groups\": [{\"name\": \"a\", \"count\": 2, \"cores\": 1},"
                              "              {\"name\": \"b\", \"count\": 2, \"cores\": 1}],"
                              " \"partitions\": [{\"name\": \"pa\", \"groups\": [\"a\"], \"swf_partition\": 1},"
                              "                  {\"name\": \"pb\", \"groups\": [\"b\"], \"swf_partition\": 2,"
                              "                   \"default\": true}]}");
    const char *t = "1 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 1 -1 -1\n"
                    "2 1 -1 10 2 -1 -1 2 10 -1 1 -1 -1 -1 -1 1 -1 -1\n"  /* waits in pa */
                    "3 2 -1 10 2 -1 -1 2 10 -1 1 -1 -1 -1 -1 2 -1 -1\n"  /* runs in pb */
                    "4 3 -1 10 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n"; /* default: pb, after 3 */
    hs_run_config cfg;
    tl_result r;
    hs_run_config_default(&cfg);
    cfg.policy = "fcfs";
    cfg.cluster_path = cl;
    tl_replay("partitions_run", t, &cfg, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 2);
    ck_assert_str_eq(r.alloc[2], "2-3");
    ck_assert_double_eq(r.start[3], 12);
}
END_TEST

/* Whether the summary.json of out_dir holds text. */
static bool summary_has(const char *out_dir, const char *text)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/summary.json", out_dir);
    char *summary = tl_read(path, NULL);
    ck_assert_ptr_nonnull(summary);
    bool has = strstr(summary, text) != NULL;
    free(summary);
    return has;
}

/* Memory requests held as units (docs/replay.md "Memory requests"): on
 * 2 nodes x 4 cores x 4,000 MB (1,000 MB a core), job 1 asks 1 core and
 * 3,000 MB (SWF field 10 is kB per processor), so it holds 3 cores; job 2,
 * 2 cores and 1,000 MB, holds 2. Job 3 (4 cores, no memory) then finds 3
 * free and waits for them to end at 100; under FCFS job 4 (3 cores) waits
 * behind it, under EASY it backfills at once. Without memory in the
 * cluster (or in the trace) job 3 starts at 1. In node mode a job of 1
 * processor and 6,000 MB holds two 4,000 MB nodes, and a job whose memory
 * needs more cores than its partition has is rejected, saying so. */
START_TEST(memory_held_as_units)
{
    const char *dir = tl_tmpdir("memory_units");
    const char *with_mem = tl_write(dir, "mem.json",
                                    "{\"groups\": [{\"name\": \"n\", \"count\": 2, \"cores\": 4, \"memory_mb\": 4000}]}");
    const char *no_mem = tl_write(dir, "nomem.json", "{\"groups\": [{\"name\": \"n\", \"count\": 2, \"cores\": 4}]}");
    const char *t = "1 0 -1 100 1 -1 -1 1 100 3072000 1 -1 -1 -1 -1 -1 -1 -1\n"
                    "2 0 -1 100 2 -1 -1 2 100 512000 1 -1 -1 -1 -1 -1 -1 -1\n"
                    "3 1 -1 50 4 -1 -1 4 50 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                    "4 2 -1 10 3 -1 -1 3 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n";
    hs_run_config cfg;
    tl_result r;
    static const char *const policies[] = {"fcfs", "easy"};
    for (int i = 0; i < 2; i++) {
        hs_run_config_default(&cfg);
        cfg.policy = policies[i];
        cfg.cluster_path = with_mem;
        tl_replay(i ? "memory_easy" : "memory_fcfs", t, &cfg, &r);
        ck_assert_str_eq(r.alloc[0], "0-2");
        ck_assert_str_eq(r.alloc[1], "3-4");
        ck_assert_double_eq(r.start[2], 100);
        ck_assert_double_eq(r.start[3], i ? 2 : 100);
        ck_assert_msg(summary_has(cfg.out_dir, "\"demand_raised_for_memory\": 1"), "job 1 only");
        cfg.cluster_path = no_mem;
        tl_replay(i ? "memory_easy_undescribed" : "memory_fcfs_undescribed", t, &cfg, &r);
        ck_assert_str_eq(r.alloc[0], "0");
        ck_assert_double_eq(r.start[2], 1);
        ck_assert(!summary_has(cfg.out_dir, "demand_raised_for_memory")); /* such summaries stay as they were */
    }

    const char *nodes = tl_write(dir, "nodes.json",
                                 "{\"allocation\": \"nodes\", \"groups\": [{\"name\": \"n\", \"count\": 3, \"cores\": 4,"
                                 " \"memory_mb\": 4000}]}");
    const char *t2 = "1 0 -1 100 1 -1 -1 1 100 6144000 1 -1 -1 -1 -1 -1 -1 -1\n"
                     "2 0 -1 100 1 -1 -1 1 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                     "3 0 -1 100 1 -1 -1 1 100 16384000 1 -1 -1 -1 -1 -1 -1 -1\n";
    hs_run_config_default(&cfg);
    cfg.policy = "easy";
    cfg.cluster_path = nodes;
    tl_replay("memory_nodes", t2, &cfg, &r);
    ck_assert_str_eq(r.alloc[0], "0-1");
    ck_assert_str_eq(r.alloc[1], "2");
    ck_assert_double_eq(r.start[2], -1);
    ck_assert_uint_eq(r.m.rejected, 1);
    char path[1200];
    snprintf(path, sizeof path, "%s/rejected.csv", cfg.out_dir);
    char *rejected = tl_read(path, NULL);
    ck_assert_ptr_nonnull(rejected);
    ck_assert_msg(strstr(rejected, "needs 4 nodes for its memory, partition 'all' has 3") != NULL, "%s", rejected);
    free(rejected);
}
END_TEST

/* ---- randomized comparison with a naive EASY ---- */

typedef struct rjob {
    double submit, run, req;
    int procs;
    double start, end;
    int state; /* 0 waiting to arrive, 1 queued, 2 running, 3 done */
} rjob;

/* EASY straight from its definition: at every instant, ends, then
 * arrivals, then a full pass: start queue jobs in order while they fit;
 * for the first that does not, sort running jobs by start + req, find the
 * shadow time and extra units, then scan every later queued job. */
static void naive_easy(rjob *j, int n, int units)
{
    int free_units = units, done = 0;
    for (;;) {
        double t = INFINITY;
        for (int i = 0; i < n; i++) {
            if (j[i].state == 0 && j[i].submit < t)
                t = j[i].submit;
            if (j[i].state == 2 && j[i].end < t)
                t = j[i].end;
        }
        if (t == INFINITY)
            break;
        for (int i = 0; i < n; i++)
            if (j[i].state == 2 && j[i].end == t) {
                j[i].state = 3;
                free_units += j[i].procs;
                done++;
            }
        for (int i = 0; i < n; i++)
            if (j[i].state == 0 && j[i].submit == t)
                j[i].state = 1;
        int head = -1;
        for (int i = 0; i < n; i++) { /* queue order = (submit, index) = index here */
            if (j[i].state != 1)
                continue;
            if (head < 0 && j[i].procs <= free_units) {
                j[i].state = 2;
                j[i].start = t;
                j[i].end = t + fmin(j[i].run, j[i].req);
                free_units -= j[i].procs;
                continue;
            }
            if (head < 0) {
                head = i;
                break;
            }
        }
        if (head < 0)
            continue;
        /* shadow: running jobs by (start + req, index) */
        int order[256], m = 0;
        for (int i = 0; i < n; i++)
            if (j[i].state == 2)
                order[m++] = i;
        for (int a = 0; a < m; a++)
            for (int b = a + 1; b < m; b++) {
                double ea = j[order[a]].start + j[order[a]].req, eb = j[order[b]].start + j[order[b]].req;
                if (eb < ea || (eb == ea && order[b] < order[a])) {
                    int tmp = order[a];
                    order[a] = order[b];
                    order[b] = tmp;
                }
            }
        int avail = free_units;
        double shadow = -1;
        for (int k = 0; k < m; k++) {
            double e = j[order[k]].start + j[order[k]].req;
            if (shadow >= 0 && e > shadow)
                break;
            avail += j[order[k]].procs;
            if (shadow < 0 && avail >= j[head].procs)
                shadow = e;
        }
        int extra = avail - j[head].procs;
        for (int i = head + 1; i < n; i++) {
            if (j[i].state != 1 || j[i].procs > free_units)
                continue;
            bool ok = t + j[i].req <= shadow;
            if (!ok && j[i].procs <= extra) {
                extra -= j[i].procs;
                ok = true;
            }
            if (ok) {
                j[i].state = 2;
                j[i].start = t;
                j[i].end = t + fmin(j[i].run, j[i].req);
                free_units -= j[i].procs;
            }
        }
    }
    ck_assert_int_eq(done, n);
}

/* n jobs arriving every 0 to gap-1 seconds on UNITS units (with a pause
 * of an hour after every `burst` jobs, when burst > 0), compared with the
 * reference under each seed. */
static void compare_with_naive(int n, int gap, int burst, unsigned seeds)
{
    enum { UNITS = 16 };
    rjob *j = malloc(n * sizeof *j);
    size_t tlen = (size_t)n * 96;
    char *t = malloc(tlen);
    ck_assert(j && t);
    for (unsigned seed = 1; seed <= seeds; seed++) {
        srand(seed);
        t[0] = '\0';
        double submit = 0;
        for (int i = 0; i < n; i++) {
            submit += rand() % 3 == 0 ? 0 : rand() % gap; /* many equal times */
            if (burst && i % burst == burst - 1)
                submit += 3600; /* the queue drains */
            j[i].submit = submit;
            j[i].procs = 1 + rand() % UNITS;
            j[i].req = 10 * (1 + rand() % 20);
            j[i].run = rand() % 5 == 0 ? j[i].req + 30 : 1 + rand() % (int)j[i].req; /* some get killed */
            j[i].state = 0;
            tl_swf_job(t, tlen, i + 1, j[i].submit, j[i].run, j[i].procs, j[i].req);
        }
        naive_easy(j, n, UNITS);
        hs_run_config cfg;
        tl_result r;
        cfg_nodes(&cfg, "easy", UNITS, 1);
        tl_replay("easy_vs_naive", t, &cfg, &r);
        for (int i = 0; i < n; i++)
            ck_assert_msg(r.start[i] == j[i].start, "seed %u job %d: hpcsim starts it at %g, the reference at %g", seed,
                          i + 1, r.start[i], j[i].start);
    }
    free(j);
    free(t);
}

START_TEST(easy_matches_naive_reference) { compare_with_naive(60, 40, 0, 40); }
END_TEST

/* Queues hundreds of jobs deep, growing for good or in bursts that
 * drain: EASY's index runs out of positions and moves its waiting jobs
 * to the front of the same or a larger one, and its per-job rings grow,
 * many times (docs/replay.md "Memory"); none of it may change a start. */
START_TEST(easy_matches_naive_reference_on_a_deep_queue)
{
    compare_with_naive(900, 8, 0, 4);
    compare_with_naive(1000, 6, 90, 20);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("policy");
    TCase *tc = tcase_create("schedules");
    tcase_add_test(tc, backfill_that_fits);
    tcase_add_test(tc, backfill_that_would_delay_head);
    tcase_add_test(tc, backfill_on_extra_units);
    tcase_add_test(tc, early_end_frees_head);
    tcase_add_test(tc, ties_at_equal_times);
    tcase_add_test(tc, kill_at_requested_time);
    tcase_add_test(tc, node_versus_core_allocation);
    tcase_add_test(tc, job_too_large_for_cluster);
    tcase_add_test(tc, extra_counts_every_job_ending_at_shadow);
    tcase_add_test(tc, fcfs_blocks_and_zero_length_jobs);
    tcase_add_test(tc, partitions_are_independent);
    tcase_add_test(tc, memory_held_as_units);
    tcase_add_test(tc, easy_matches_naive_reference);
    tcase_add_test(tc, easy_matches_naive_reference_on_a_deep_queue);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
