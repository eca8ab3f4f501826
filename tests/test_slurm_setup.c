/* The Slurm model, The Slurm model's configuration: slurm.conf values and their defaults,
 * refusals with their line, and the command line (--policy-conf,
 * --policy-opt and the --slurm-* aliases) as a user meets it. */
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

/* --policy-opt over slurm.conf: what a sweep varies. */
START_TEST(options_set_conf_keys)
{
    const char *dir = tl_tmpdir("slurm_over");
    const char *path = tl_write(dir, "ok.conf",
                                "NodeName=n[1-2] CPUs=4\nPartitionName=p Nodes=ALL\nPriorityType=priority/multifactor\n"
                                "AccountingStorageType=accounting_storage/slurmdbd\nPriorityWeightAge=1000\n"
                                "SchedulerParameters=bf_window=100,bf_max_job_test=7\n");
    const hs_policy_opt over[] = {{"PriorityWeightAge", "5"}, {"SchedulerParameters.bf_window", "60"}};
    hs_error err = {0};
    hs_slurm_setup *s = hs_slurm_setup_load_over(path, NULL, over, 2, NULL, &err);
    ck_assert_msg(s != NULL, "%s", err.text);
    const hs_slurm_params *p = &((struct hs_slurm_setup *)s)->params;
    ck_assert_double_eq(p->bf_window, 60 * 60);    /* replaced */
    ck_assert_uint_eq(p->bf_max_job_test, 7);       /* the file's other options stay */
    ck_assert_uint_eq(p->w_age, 5);
    hs_slurm_setup_free(s);
    const hs_policy_opt typo[] = {{"PriorityWeightAgee", "5"}}, typo2[] = {{"BackfillWindow", "5"}},
                        two[] = {{"SchedulerParameters.bf_window", "1,bf_interval=3"}},
                        node[] = {{"NodeName", "x"}};
    ck_assert_ptr_null(hs_slurm_setup_load_over(path, NULL, typo, 1, NULL, &err));
    says(&err, "PriorityWeightAgee: not a slurm.conf key the model reads");
    ck_assert_ptr_null(hs_slurm_setup_load_over(path, NULL, typo2, 1, NULL, &err));
    says(&err, "BackfillWindow: not a slurm.conf key the model reads");
    ck_assert_ptr_null(hs_slurm_setup_load_over(path, NULL, two, 1, NULL, &err));
    says(&err, "one SchedulerParameters option and one value");
    ck_assert_ptr_null(hs_slurm_setup_load_over(path, NULL, node, 1, NULL, &err));
    says(&err, "NodeName: not settable by an option");
}
END_TEST

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
    /* memory made consumable: said, since the model does not schedule it */
    const char *mem = tl_write(dir, "mem.conf",
                               "SchedulerType=sched/backfill\nSelectType=select/cons_tres\n"
                               "SelectTypeParameters=CR_Core_Memory\nNodeName=n[1-2] CPUs=1 RealMemory=1000\n"
                               "PartitionName=batch Nodes=n[1-2] Default=YES MaxTime=INFINITE State=UP\n");
    char out2[520];
    snprintf(out2, sizeof out2, "%s/out-mem", dir);
    const char *noted[] = {"run", "--trace", trace, "--policy", "slurm", "--slurm-conf", mem, "--out", out2, NULL};
    ck_assert_int_eq(tl_cli(&err, noted), 0);
    ck_assert_msg(strstr(err, "mem.conf: note: SelectTypeParameters CR_Core_Memory: memory is not modelled") != NULL,
                  "%s", err);
    free(err);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("slurm_setup");
    TCase *t = tcase_create("model");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, params_defaults_and_errors);
    tcase_add_test(t, options_set_conf_keys);
    tcase_add_test(t, cli_slurm);
    suite_add_tcase(s, t);
    return s;
}

int main(void) { return tl_run_suite(make()); }
