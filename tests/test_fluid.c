/* Fluid progress under a performance model, against analytic cases on
 * one node of two cores (core allocation, so jobs share the node). The
 * model's backend "x" has overhead 1 (or 1.5) and slowdown 1 + 1·k for k
 * jobs sharing a node: two jobs together each run at half speed. Every
 * replay also passes the schedule checker (tl_replay). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/perf.h"
#include "testlib.h"

/* A model whose backend x has the given cpu overhead, interference
 * 1 + a·k, and launch delay (0 = none). */
static const char *model(const char *name, double overhead, double a, double launch)
{
    char text[2048], launch_part[128] = "";
    if (launch > 0)
        snprintf(launch_part, sizeof launch_part, ", \"launch\": {\"n\": 1, \"quantiles\": [[0.5, %g]]}", launch);
    snprintf(text, sizeof text,
             "{\"format\": 1, \"provenance\": {\"source\": \"test\"}, \"backends\": [{\"name\": \"x\",\n"
             " \"overhead\": {\"cpu\": {\"median\": %g, \"ci\": [%g, %g], \"n\": 1}},\n"
             " \"interference\": {\"cpu\": [{\"corunner\": \"cpu\", \"host\": \"idle\", \"a\": %g, \"b\": 1,\n"
             "   \"b_fixed\": true, \"cov\": [[0, 0], [0, 0]], \"chi2_dof\": 0, \"points\": 1, \"k_max\": 1}]}%s}]}\n",
             overhead, overhead, overhead, a, launch_part);
    return tl_write(tl_tmpdir("fluid-model"), name, text);
}

static void run(const char *name, const char *swf, const char *model_path, tl_result *r)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "fcfs";
    cfg.nodes = 1;
    cfg.cores_per_node = 2;
    cfg.model_path = model_path;
    cfg.backend = "x";
    tl_replay(name, swf, &cfg, r);
}

START_TEST(alone_unchanged_or_stretched)
{
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    tl_result r;
    run("alone", t, model("plain.json", 1, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[0], 100, 1e-9);
    run("alone-overhead", t, model("slow.json", 1.5, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[0], 150, 1e-9);
}
END_TEST

START_TEST(two_sharing_a_node)
{
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    tl_swf_job(t, sizeof t, 2, 0, 100, 1, 1000);
    tl_result r;
    run("together", t, model("m.json", 1, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[0], 200, 1e-9); /* each at half speed throughout */
    ck_assert_double_eq_tol(r.end[1], 200, 1e-9);
    /* the second arrives at 50: job 1 has 50 left at half speed -> 150;
     * job 2 does 50 by 150, then 50 alone -> 200 */
    char u[512] = "";
    tl_swf_job(u, sizeof u, 1, 0, 100, 1, 1000);
    tl_swf_job(u, sizeof u, 2, 50, 100, 1, 1000);
    run("staggered", u, model("m.json", 1, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[0], 150, 1e-9);
    ck_assert_double_eq_tol(r.end[1], 200, 1e-9);
}
END_TEST

START_TEST(third_job_comes_and_goes)
{
    /* job 1 alone 0..20 (20 done); job 2 (10 s of work) shares 20..40 at
     * half speed (job 1: 10 more); job 1 then has 70 left alone -> 110 */
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    tl_swf_job(t, sizeof t, 2, 20, 10, 1, 1000);
    tl_result r;
    run("comes-and-goes", t, model("m.json", 1, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[1], 40, 1e-9);
    ck_assert_double_eq_tol(r.end[0], 110, 1e-9);
}
END_TEST

START_TEST(launch_delay_and_time_limit)
{
    /* 5 s launch, then 100 s of work; a second job's limit (120 s) falls
     * before its stretched end (2 × 100 = 200): killed at 120 */
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    tl_result r;
    run("launch", t, model("launch.json", 1, 1, 5), &r);
    ck_assert_double_eq_tol(r.end[0], 105, 1e-9);
    char u[512] = "";
    tl_swf_job(u, sizeof u, 1, 0, 100, 1, 1000);
    tl_swf_job(u, sizeof u, 2, 0, 100, 1, 120);
    run("limit", u, model("m.json", 1, 1, 0), &r);
    ck_assert_double_eq_tol(r.end[1], 120, 1e-9);
    ck_assert_str_eq(r.state[1], "COMPLETED_WALLTIME_REACHED");
    /* job 1: 120 s at half speed (60 done), then 40 alone -> 160 */
    ck_assert_double_eq_tol(r.end[0], 160, 1e-9);
    ck_assert_str_eq(r.state[0], "COMPLETED_SUCCESSFULLY");
}
END_TEST

START_TEST(bad_model_writes_nothing)
{
    const char *dir = tl_tmpdir("fluid-bad");
    const char *bad = tl_write(dir, "bad.json", "{\"format\": 1, \"provenance\": {}, \"backends\": []}");
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    const char *swf = tl_write(dir, "t.swf", t);
    char out[1200];
    snprintf(out, sizeof out, "%s/out", dir);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.trace_path = swf;
    cfg.nodes = 1;
    cfg.cores_per_node = 2;
    cfg.out_dir = out;
    cfg.model_path = bad;
    cfg.backend = "x";
    hs_error err;
    ck_assert_int_eq(hs_run(&cfg, NULL, &err), -1);
    ck_assert_str_eq(err.source, bad);
    ck_assert_msg(strstr(err.text, "backends: expected a list") != NULL, "%s", err.text);
    ck_assert(!tl_exists(out));
    /* a backend the model lacks */
    cfg.model_path = model("m.json", 1, 1, 0);
    cfg.backend = "kvm";
    ck_assert_int_eq(hs_run(&cfg, NULL, &err), -1);
    ck_assert_msg(strstr(err.text, "backend 'kvm' (group nodes) is not in the model") != NULL, "%s", err.text);
    ck_assert(!tl_exists(out));
}
END_TEST

START_TEST(backends_per_group)
{
    /* node 0 is an x node (factor 1), node 1 a y node (factor 2): the
     * same job takes 100 s on one and 200 s on the other */
    const char *dir = tl_tmpdir("fluid-groups");
    const char *m = tl_write(dir, "m.json",
        "{\"format\": 1, \"provenance\": {\"source\": \"test\"}, \"backends\": [\n"
        " {\"name\": \"x\"},\n"
        " {\"name\": \"y\", \"overhead\": {\"cpu\": {\"median\": 2, \"ci\": [2, 2], \"n\": 1}}}]}\n");
    const char *cl = tl_write(dir, "c.json",
        "{\"allocation\": \"cores\", \"groups\": [{\"name\": \"a\", \"count\": 1, \"cores\": 1, \"backend\": \"x\"},\n"
        "  {\"name\": \"b\", \"count\": 1, \"cores\": 1, \"backend\": \"y\"}]}\n");
    char t[512] = "";
    tl_swf_job(t, sizeof t, 1, 0, 100, 1, 1000);
    tl_swf_job(t, sizeof t, 2, 0, 100, 1, 1000);
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "fcfs";
    cfg.cluster_path = cl;
    cfg.model_path = m;
    tl_result r;
    tl_replay("groups", t, &cfg, &r);
    ck_assert_str_eq(r.alloc[0], "0");
    ck_assert_double_eq_tol(r.end[0], 100, 1e-9);
    ck_assert_double_eq_tol(r.end[1], 200, 1e-9);
}
END_TEST

START_TEST(profiles_by_rule)
{
    /* memory-bound work runs 2x slower on x; job 2's application (7) is
     * memory-bound by rule, job 1 is cpu (the default) */
    const char *dir = tl_tmpdir("fluid-rules");
    const char *m = tl_write(dir, "m.json",
        "{\"format\": 1, \"provenance\": {\"source\": \"test\"}, \"backends\": [{\"name\": \"x\",\n"
        " \"overhead\": {\"memory\": {\"median\": 2, \"ci\": [2, 2], \"n\": 1}}}]}\n");
    const char *t = "1 0 -1 100 1 -1 -1 1 1000 -1 1 -1 -1 3 -1 -1 -1 -1\n"
                    "2 0 -1 100 1 -1 -1 1 1000 -1 1 -1 -1 7 -1 -1 -1 -1\n";
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.policy = "fcfs";
    cfg.nodes = 2;
    cfg.cores_per_node = 1;
    cfg.model_path = m;
    cfg.backend = "x";
    cfg.profile_rules = "app:7=memory";
    tl_result r;
    tl_replay("rules", t, &cfg, &r);
    ck_assert_double_eq_tol(r.end[0], 100, 1e-9);
    ck_assert_double_eq_tol(r.end[1], 200, 1e-9);
    hs_profile_rule rules[HS_PERF_MAX_RULES];
    unsigned n;
    hs_error err;
    ck_assert_int_eq(hs_profile_rules_parse("queue:2=io,user:15=latency", rules, &n, &err), 0);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(rules[1].field, HS_SWF_USER);
    ck_assert_int_eq(rules[1].profile, HS_PROFILE_LATENCY);
    ck_assert_int_eq(hs_profile_rules_parse("app:7=gpu", rules, &n, &err), -1);
    ck_assert_int_eq(hs_profile_rules_parse("group:1=cpu", rules, &n, &err), -1);
    ck_assert_msg(strstr(err.text, "rule 1 is not FIELD:VALUE=PROFILE") != NULL, "%s", err.text);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fluid");
    TCase *tc = tcase_create("analytic");
    tcase_add_test(tc, alone_unchanged_or_stretched);
    tcase_add_test(tc, two_sharing_a_node);
    tcase_add_test(tc, third_job_comes_and_goes);
    tcase_add_test(tc, launch_delay_and_time_limit);
    tcase_add_test(tc, bad_model_writes_nothing);
    tcase_add_test(tc, backends_per_group);
    tcase_add_test(tc, profiles_by_rule);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
