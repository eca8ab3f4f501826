/* The Flux (Fluxion) model: flux-sched's own tests transcribed as traces
 * (inputs and expected outcomes are facts: t1003-qmanager-policy.t,
 * resource-query's basics/003.R.out and 041.R.out, t1013's urgency
 * order), one case per parameter showing its effect, each match policy
 * on a small graph with hand-computed placements, the TOML reader, and
 * bad configuration refused with file, line and key. A cancel in those
 * tests is a job whose run ends at that instant (docs/flux.md). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testlib.h"
#include "toml.h"

/* One SWF line: id submit run procs req queue (the queue is the urgency
 * with urgency=queue; -1 = none). */
static void fjob(char *buf, size_t cap, int id, double submit, double run, int procs, double req, int queue)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%d %.0f -1 %.0f %d -1 -1 %d %.0f -1 1 1 1 -1 %d -1 -1 -1\n", id, submit, run, procs,
             procs, req, queue);
}

/* Replays swf under --policy flux on nodes × cores with the options
 * given as "key=value" strings (NULL-terminated). */
static void replay(const char *name, const char *swf, uint32_t nodes, uint32_t cores, const char *const *opts,
                   tl_result *r)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "flux";
    cfg.nodes = nodes;
    cfg.cores_per_node = cores;
    static char keys[16][1400];
    for (int i = 0; opts && opts[i]; i++) {
        snprintf(keys[i], sizeof keys[i], "%s", opts[i]);
        char *eq = strchr(keys[i], '=');
        ck_assert_ptr_nonnull(eq);
        *eq = '\0';
        ck_assert_int_eq(hs_run_config_add_opt(&cfg, keys[i], eq + 1), 0);
    }
    tl_replay(name, swf, &cfg, r);
}

/* Running at time t: started at or before t, not ended by then. */
static int running_at(const tl_result *r, int njobs, double t)
{
    int n = 0;
    for (int i = 0; i < njobs; i++)
        n += r->start[i] >= 0 && r->start[i] <= t && r->end[i] > t;
    return n;
}

/* ---- t1003-qmanager-policy.t: 1 node of 2 sockets x 8 cores ---- */

/* J1..J11 as the test submits them (cores, minutes); `cancelled` ends at
 * 100 s, the others run until their duration. */
static void t1003_trace(char *swf, size_t cap, int cancelled, bool swap45)
{
    static const int cores[] = {8, 10, 12, 14, 16, 6, 4, 4, 2, 2, 2};
    static const int minutes[] = {60, 60, 60, 60, 60, 121, 179, 239, 239, 299, 59};
    swf[0] = '\0';
    for (int j = 0; j < 11; j++) {
        int c = swap45 && j == 3 ? 16 : swap45 && j == 4 ? 14 : cores[j];
        double d = minutes[j] * 60.0;
        fjob(swf, cap, j + 1, 0, j + 1 == cancelled ? 100 : d, c, d, -1);
    }
}

/* Asserts that exactly the jobs of `now` (1-based ids, 0-terminated)
 * start at 0, and those of `after` at the cancel (100 s). */
static void starts(const tl_result *r, const int *now, const int *after, const char *what)
{
    for (int j = 1; j <= 11; j++) {
        bool at0 = false, at100 = false;
        for (int k = 0; now[k]; k++)
            at0 |= now[k] == j;
        for (int k = 0; after[k]; k++)
            at100 |= after[k] == j;
        double s = r->start[j - 1];
        if (at0)
            ck_assert_msg(s == 0, "%s: J%d should start at once, started at %g", what, j, s);
        else if (at100)
            ck_assert_msg(s == 100, "%s: J%d should start at the cancel, started at %g", what, j, s);
        else
            ck_assert_msg(s > 100, "%s: J%d should still wait after the cancel, started at %g", what, j, s);
    }
}

START_TEST(t1003_easy_first)
{
    char swf[2048];
    t1003_trace(swf, sizeof swf, 6, false);
    const char *opts[] = {"queue-policy=easy", "match-policy=first", "sockets-per-node=2", NULL};
    tl_result r;
    replay("flux_t1003_easy", swf, 1, 16, opts, &r);
    starts(&r, (const int[]){1, 6, 11, 0}, (const int[]){7, 9, 0}, "easy");
    ck_assert_int_eq(running_at(&r, 11, 100), 4); /* J1, J11, J7, J9; 10 jobs active */
}
END_TEST

START_TEST(t1003_hybrid_low)
{
    char swf[2048];
    t1003_trace(swf, sizeof swf, 7, false);
    const char *opts[] = {"queue-policy=hybrid", "reservation-depth=3", "match-policy=low", "sockets-per-node=2", NULL};
    tl_result r;
    replay("flux_t1003_hybrid", swf, 1, 16, opts, &r);
    starts(&r, (const int[]){1, 7, 11, 0}, (const int[]){9, 0}, "hybrid");
    ck_assert_int_eq(running_at(&r, 11, 100), 3); /* J2, J3, J4 reserved at 3600, 7200, 10800 */
}
END_TEST

START_TEST(t1003_conservative_high)
{
    char swf[2048];
    t1003_trace(swf, sizeof swf, 7, true);
    const char *opts[] = {"queue-policy=conservative", "match-policy=high", "sockets-per-node=2", NULL};
    tl_result r;
    replay("flux_t1003_conservative", swf, 1, 16, opts, &r);
    starts(&r, (const int[]){1, 7, 11, 0}, (const int[]){0}, "conservative");
    ck_assert_int_eq(running_at(&r, 11, 100), 2);
}
END_TEST

/* ---- resource-query on tiny.graphml: 2 nodes x 2 sockets x 18 cores;
 * each job is one slot holding a socket, for 3600 s ---- */

static char *log_of(const char *name, const char *swf, const char *match)
{
    const char *dir = tl_tmpdir(name);
    char logp[1200], logopt[1300], matchopt[64];
    snprintf(logp, sizeof logp, "%s/decisions.log", dir);
    snprintf(logopt, sizeof logopt, "log=%s", logp);
    snprintf(matchopt, sizeof matchopt, "match-policy=%s", match);
    const char *opts[] = {"queue-policy=conservative", matchopt, "sockets-per-node=2", "slot=socket", logopt, NULL};
    tl_result r;
    replay(name, swf, 2, 36, opts, &r);
    char *text = tl_read(logp, NULL);
    ck_assert_ptr_nonnull(text);
    return text;
}

static void has_line(const char *log, const char *line)
{
    ck_assert_msg(strstr(log, line) != NULL, "the log has no line '%s':\n%s", line, log);
}

START_TEST(basics_003_high)
{
    char swf[2048] = "";
    for (int j = 1; j <= 10; j++)
        fjob(swf, sizeof swf, j, 0, 3600, 1, 3600, -1);
    char *log = log_of("flux_basics_003", swf, "high");
    /* 003.R.out: 1-4 allocated now on (node1, socket1), (node1, socket0),
     * (node0, socket1), (node0, socket0); 5-8 reserved at 3600 on the same
     * sockets in the same order; 9-10 at 7200 on node1's socket1, socket0 */
    has_line(log, "0 start job 1 on node1[18-35]\n");
    has_line(log, "0 start job 2 on node1[0-17]\n");
    has_line(log, "0 start job 3 on node0[18-35]\n");
    has_line(log, "0 start job 4 on node0[0-17]\n");
    has_line(log, "0 reserve job 5 at 3600 until 7200 on node1[18-35]\n");
    has_line(log, "0 reserve job 6 at 3600 until 7200 on node1[0-17]\n");
    has_line(log, "0 reserve job 7 at 3600 until 7200 on node0[18-35]\n");
    has_line(log, "0 reserve job 8 at 3600 until 7200 on node0[0-17]\n");
    has_line(log, "0 reserve job 9 at 7200 until 10800 on node1[18-35]\n");
    has_line(log, "0 reserve job 10 at 7200 until 10800 on node1[0-17]\n");
    free(log);
}
END_TEST

START_TEST(basics_041_first_alternates_nodes)
{
    char swf[1024] = "";
    for (int j = 1; j <= 4; j++)
        fjob(swf, sizeof swf, j, 0, 3600, 1, 3600, -1);
    char *log = log_of("flux_basics_041", swf, "first");
    /* 041.R.out: node1/socket1, node0/socket1, node1/socket0, node0/socket0 */
    has_line(log, "0 start job 1 on node1[18-35]\n");
    has_line(log, "0 start job 2 on node0[18-35]\n");
    has_line(log, "0 start job 3 on node1[0-17]\n");
    has_line(log, "0 start job 4 on node0[0-17]\n");
    free(log);
}
END_TEST

/* ---- t1013 part 1: 1 node of 44 cores, fcfs/first; urgencies from the
 * queue field. J1 (16) fills the node; J2 (17) and J3 (18) wait; when
 * J1 is cancelled, J3 starts, not J2 ---- */

START_TEST(t1013_urgency_orders_the_queue)
{
    char swf[1024] = "";
    fjob(swf, sizeof swf, 1, 0, 100, 44, 3600, 16);
    fjob(swf, sizeof swf, 2, 1, 50, 44, 3600, 17);
    fjob(swf, sizeof swf, 3, 2, 50, 44, 3600, 18);
    const char *opts[] = {"urgency=queue", NULL};
    tl_result r;
    replay("flux_t1013", swf, 1, 44, opts, &r);
    ck_assert_double_eq(r.start[0], 0);
    ck_assert_double_eq(r.start[2], 100);
    ck_assert_double_eq(r.start[1], 150);
    /* without urgencies, arrival order */
    replay("flux_t1013_default", swf, 1, 44, NULL, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 150);
}
END_TEST

/* ---- each parameter shows its effect ---- */

/* 4 cores: J1 holds 3 until 100; J2 wants 4 (blocked); J3 wants 1 for
 * 10 s: it fits now and ends before J2's reservation. */
START_TEST(queue_depth_limits_the_window)
{
    char swf[1024] = "";
    fjob(swf, sizeof swf, 1, 0, 100, 3, 100, -1);
    fjob(swf, sizeof swf, 2, 1, 100, 4, 100, -1);
    fjob(swf, sizeof swf, 3, 2, 10, 1, 10, -1);
    tl_result r;
    replay("flux_depth32", swf, 1, 4, (const char *const[]){"queue-policy=easy", NULL}, &r);
    ck_assert_double_eq(r.start[2], 2); /* backfilled */
    replay("flux_depth1", swf, 1, 4, (const char *const[]){"queue-policy=easy", "queue-depth=1", NULL}, &r);
    ck_assert_double_eq(r.start[2], 200); /* never looked at while J2 heads the queue */
}
END_TEST

/* J1 holds 3 of 4 cores until 100; J2 wants 4; J3 wants 1 for 500 s:
 * it would delay J2 unless J2 holds a reservation. J4 wants 4 after J2,
 * J5 wants 1 for 50 s at 150: it would delay J4 unless J4 holds one too. */
START_TEST(reservation_depth_protects_jobs)
{
    char swf[1024] = "";
    fjob(swf, sizeof swf, 1, 0, 100, 3, 100, -1);
    fjob(swf, sizeof swf, 2, 1, 100, 4, 100, -1);
    fjob(swf, sizeof swf, 3, 2, 500, 1, 500, -1);
    tl_result r;
    replay("flux_res0", swf, 1, 4, (const char *const[]){"queue-policy=hybrid", "reservation-depth=0", NULL}, &r);
    ck_assert_double_eq(r.start[2], 2);   /* no reservation: J3 starts and delays J2 */
    ck_assert_double_eq(r.start[1], 502);
    replay("flux_res1", swf, 1, 4, (const char *const[]){"queue-policy=hybrid", "reservation-depth=1", NULL}, &r);
    ck_assert_double_eq(r.start[1], 100); /* J2 keeps its time */
    ck_assert_double_eq(r.start[2], 200);
    /* 8 cores: J1 holds 6 until 100; J2 wants 7 (reserved at 100 on
     * cores 1-7), J3 all 8 (reserved at 200 only with a depth of 2 or
     * more); J4 wants 1 core for 250 s: core 0 is free now and J2 does
     * not want it, so only J3's reservation keeps J4 from delaying J3. */
    char swf2[1024] = "";
    fjob(swf2, sizeof swf2, 1, 0, 100, 6, 100, -1);
    fjob(swf2, sizeof swf2, 2, 1, 100, 7, 100, -1);
    fjob(swf2, sizeof swf2, 3, 2, 100, 8, 100, -1);
    fjob(swf2, sizeof swf2, 4, 3, 250, 1, 250, -1);
    replay("flux_resdepth1", swf2, 1, 8, (const char *const[]){"queue-policy=hybrid", "reservation-depth=1", NULL}, &r);
    ck_assert_double_eq(r.start[3], 3);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 253);
    replay("flux_resdepth64", swf2, 1, 8, (const char *const[]){"queue-policy=hybrid", NULL}, &r);
    ck_assert_double_eq(r.start[1], 100);
    ck_assert_double_eq(r.start[2], 200);
    ck_assert_double_eq(r.start[3], 300);
}
END_TEST

/* ---- each match policy on 2 nodes x 4 cores (units 0-3, 4-7): two
 * 1-core jobs, hand-computed ---- */

START_TEST(match_policies_place_by_hand)
{
    char swf[512] = "";
    fjob(swf, sizeof swf, 1, 0, 100, 1, 100, -1);
    fjob(swf, sizeof swf, 2, 0, 100, 1, 100, -1);
    static const struct {
        const char *policy, *j1, *j2;
    } want[] = {
        {"high", "7", "6"},      {"hinode", "7", "6"},       {"low", "0", "1"},      {"lonode", "0", "1"},
        {"variation", "0", "1"}, /* no perf_class given: all tie, low order */
        {"first", "7", "3"},     /* node1 first (ids tie at the start), then node0: its weight is
                                    untouched, node1's is its 3 free cores */
        {"hinodex", "4-7", "0-3"}, {"lonodex", "0-3", "4-7"}, {"firstnodex", "4-7", "0-3"},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char opt[64], name[64];
        snprintf(opt, sizeof opt, "match-policy=%s", want[i].policy);
        snprintf(name, sizeof name, "flux_match_%s", want[i].policy);
        tl_result r;
        replay(name, swf, 2, 4, (const char *const[]){opt, NULL}, &r);
        ck_assert_msg(strcmp(r.alloc[0], want[i].j1) == 0 && strcmp(r.alloc[1], want[i].j2) == 0,
                      "%s: got %s and %s, expected %s and %s", want[i].policy, r.alloc[0], r.alloc[1], want[i].j1,
                      want[i].j2);
    }
}
END_TEST

/* variation: the nodes of the lowest perf_class first (a cluster file's
 * groups give it; a group without one is 9999, last), low order inside. */
START_TEST(variation_prefers_the_lowest_perf_class)
{
    const char *dir = tl_tmpdir("flux_variation_cluster");
    const char *cluster = tl_write(dir, "c.json",
                                   "{\"groups\": [{\"name\": \"slow\", \"count\": 2, \"cores\": 2, \"perf_class\": 5},"
                                   " {\"name\": \"fast\", \"count\": 2, \"cores\": 2, \"perf_class\": 1},"
                                   " {\"name\": \"plain\", \"count\": 2, \"cores\": 2}]}");
    char swf[512] = "";
    for (int j = 1; j <= 5; j++)
        fjob(swf, sizeof swf, j, 0, 100, 2, 100, -1);
    static const char *const want[] = {"4-5", "6-7", "0-1", "2-3", "8-9"};
    for (int pass = 0; pass < 2; pass++) {
        hs_run_config cfg;
        hs_run_config_default(&cfg);
        cfg.policy = "flux";
        cfg.cluster_path = cluster;
        ck_assert_int_eq(hs_run_config_add_opt(&cfg, "match-policy", pass ? "low" : "variation"), 0);
        tl_result r;
        tl_replay(pass ? "flux_variation_low" : "flux_variation", swf, &cfg, &r);
        for (int j = 0; j < 5; j++) {
            char low[8];
            snprintf(low, sizeof low, "%d-%d", 2 * j, 2 * j + 1);
            const char *expect = pass ? low : want[j];
            ck_assert_msg(strcmp(r.alloc[j], expect) == 0, "%s: job %d on %s, expected %s", pass ? "low" : "variation",
                          j + 1, r.alloc[j], expect);
        }
    }
}
END_TEST

/* ---- the TOML reader ---- */

START_TEST(toml_reads_the_subset)
{
    const char *text = "# Fluxion\n"
                       "[sched-fluxion-qmanager]\n"
                       "queue-policy = \"hybrid\"  # a comment\n"
                       "queue-params = { queue-depth = 1_024, max-queue-depth = +2048 }\n"
                       "[sched-fluxion-qmanager.policy-params]\n"
                       "reservation-depth = 3\n"
                       "[\"sched-fluxion-resource\"]\n"
                       "match-policy = 'low'\n"
                       "a.b.c = true\n"
                       "esc = \"tab\\there \\u00e9\"\n";
    hs_error err;
    fx_toml *t = fx_toml_parse(text, strlen(text), "t.toml", &err);
    ck_assert_msg(t != NULL, "%s:%ld:%d: %s", err.source, err.line, err.column, err.text);
    const fx_toml *q = fx_toml_get(t, "sched-fluxion-qmanager"), *r = fx_toml_get(t, "sched-fluxion-resource");
    ck_assert_str_eq(fx_toml_get(q, "queue-policy")->string, "hybrid");
    ck_assert_int_eq(fx_toml_get(fx_toml_get(q, "queue-params"), "queue-depth")->integer, 1024);
    ck_assert_int_eq(fx_toml_get(fx_toml_get(q, "queue-params"), "max-queue-depth")->integer, 2048);
    ck_assert_int_eq(fx_toml_get(fx_toml_get(q, "policy-params"), "reservation-depth")->integer, 3);
    ck_assert_str_eq(fx_toml_get(r, "match-policy")->string, "low");
    ck_assert_int_eq(fx_toml_get(fx_toml_get(fx_toml_get(r, "a"), "b"), "c")->kind, FX_TOML_BOOLEAN);
    ck_assert_str_eq(fx_toml_get(r, "esc")->string, "tab\there \xc3\xa9");
    fx_toml_free(t);
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"a = [1]\n", "t.toml:1:5: arrays are not supported here"},
        {"a = 1.5\n", "t.toml:1:6: floats, dates and times are not supported here"},
        {"a = 0x10\n", "t.toml:1:5: only decimal integers are supported here"},
        {"a = 'x\n", "t.toml:1:7: unterminated string"},
        {"[a]\nb = 1\n[a]\n", "t.toml:3:4: table [a] is defined twice"},
        {"a.b = 1\na.b = 2\n", "t.toml:2:1: key 'b' is given twice"},
        {"[a\nb = 1\n", "t.toml:1:3: unterminated table header: expected ']'"},
        {"a = 1 b = 2\n", "t.toml:1:7: expected the end of the line"},
        {"a = 012\n", "t.toml:1:8: an integer may not have a leading zero"},
        {"a = \"\\q\"\n", "t.toml:1:7: unknown escape in a string"},
        {"[[a]]\n", "t.toml:1:2: arrays of tables ([[...]]) are not supported here"},
        {"a = { b = 1 }\na.c = 2\n", "t.toml:2:1: 'a' is an inline table: it cannot be extended"},
        {"a = 99999999999999999999\n", "t.toml:1:5: integer out of range"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = fx_toml_parse(bad[i].text, strlen(bad[i].text), "t.toml", &err);
        ck_assert_ptr_null(t);
        char got[1024];
        snprintf(got, sizeof got, "%s:%ld:%d: %s", err.source, err.line, err.column, err.text);
        ck_assert_msg(strstr(got, bad[i].want) == got, "'%s': got '%s', expected '%s'", bad[i].text, got, bad[i].want);
    }
    char deep[200] = "a = ";
    for (int i = 0; i < 40; i++)
        strcat(deep, "{b=");
    ck_assert_ptr_null(fx_toml_parse(deep, strlen(deep), "t.toml", &err));
    ck_assert_ptr_nonnull(strstr(err.text, "nested more than 32 deep"));
    ck_assert_ptr_null(fx_toml_parse("a = 1\0", 6, "t.toml", &err));
    ck_assert_str_eq(err.text, "a NUL byte");
}
END_TEST

/* ---- bad configuration through the program: one message naming file,
 * line and key; a non-zero exit; no output directory ---- */

START_TEST(bad_configuration_is_refused)
{
    const char *dir = tl_tmpdir("flux_bad_conf");
    char swf[256] = "", trace[1200], out[1200];
    fjob(swf, sizeof swf, 1, 0, 10, 1, 10, -1);
    snprintf(trace, sizeof trace, "%s", tl_write(dir, "t.swf", swf));
    snprintf(out, sizeof out, "%s/out", dir);
    static const struct {
        const char *text, *want;
    } bad[] = {
        {"[sched-fluxion-qmanager]\nqueue-policy = \"sjf\"\n",
         "q.toml:2:1: sched-fluxion-qmanager.queue-policy: 'sjf' is not fcfs, easy, hybrid or conservative"},
        {"[sched-fluxion-qmanager.queue-params]\nqueue-depth = \"32\"\n",
         "q.toml:2:1: sched-fluxion-qmanager.queue-params.queue-depth: expected an integer, got a string"},
        {"[sched-fluxion-qmanager\nqueue-policy = \"easy\"\n", "q.toml:1:24: unterminated table header"},
        {"[sched-fluxion-resource]\nmatch-policy = \"low\"\nmatch-policy = \"high\"\n",
         "q.toml:3:1: key 'match-policy' is given twice"},
        {"[sched-fluxion-resource]\nmatch-policy = \"locality\"\n", "q.toml:2:1: sched-fluxion-resource.match-policy: 'locality' is not modelled"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char conf[1200];
        snprintf(conf, sizeof conf, "%s", tl_write(dir, "q.toml", bad[i].text));
        const char *argv[] = {"run", "--trace", trace, "--nodes", "1", "--policy", "flux", "--policy-conf", conf,
                              "--out", out, NULL};
        char *err = NULL;
        ck_assert_int_eq(tl_cli(&err, argv), 1);
        ck_assert_msg(strstr(err, bad[i].want) != NULL, "expected '%s' in: %s", bad[i].want, err);
        ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "more than one line: %s", err);
        ck_assert(!tl_exists(out));
        free(err);
    }
    const char *opt_bad[] = {"run", "--trace", trace, "--nodes", "1", "--policy", "flux", "--policy-opt",
                             "queue-depth=many", "--out", out, NULL};
    char *err = NULL;
    ck_assert_int_eq(tl_cli(&err, opt_bad), 1);
    ck_assert_ptr_nonnull(strstr(err, "--policy-opt: queue-depth: 'many' is not an integer"));
    ck_assert(!tl_exists(out));
    free(err);
    /* keys with no effect are listed once, and the run goes on */
    char conf[1200];
    snprintf(conf, sizeof conf, "%s",
             tl_write(dir, "ok.toml", "[resource]\nnoverify = true\n[sched-fluxion-resource]\nmatch-format = "
                                      "\"rv1_nosched\"\nmatch-policy = \"low\"\n"));
    const char *ok[] = {"run", "--trace", trace, "--nodes", "1", "--policy", "flux", "--policy-conf", conf,
                        "--out", out, NULL};
    ck_assert_int_eq(tl_cli(&err, ok), 0);
    ck_assert_ptr_nonnull(strstr(err, "ok.toml: keys with no effect on scheduling, ignored: resource, "
                                      "sched-fluxion-resource.match-format\n"));
    free(err);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("flux");
    TCase *t = tcase_create("oracles");
    tcase_add_test(t, t1003_easy_first);
    tcase_add_test(t, t1003_hybrid_low);
    tcase_add_test(t, t1003_conservative_high);
    tcase_add_test(t, basics_003_high);
    tcase_add_test(t, basics_041_first_alternates_nodes);
    tcase_add_test(t, t1013_urgency_orders_the_queue);
    suite_add_tcase(s, t);
    TCase *p = tcase_create("parameters");
    tcase_add_test(p, queue_depth_limits_the_window);
    tcase_add_test(p, reservation_depth_protects_jobs);
    tcase_add_test(p, match_policies_place_by_hand);
    tcase_add_test(p, variation_prefers_the_lowest_perf_class);
    suite_add_tcase(s, p);
    TCase *c = tcase_create("configuration");
    tcase_add_test(c, toml_reads_the_subset);
    tcase_add_test(c, bad_configuration_is_refused);
    suite_add_tcase(s, c);
    return s;
}

int main(void) { return tl_run_suite(make()); }
