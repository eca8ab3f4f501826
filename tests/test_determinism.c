/* A run is a pure function of its inputs: two runs give the same bytes
 * in every output file. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "hpcsim/check.h"
#include "testlib.h"

/* With a model: literature.json, the given backend, a mix of profiles. */
static const char *model_backend;

static void run_twice(const char *name, const char *trace, const char *policy, uint32_t nodes, uint32_t cores)
{
    char out[2][1200];
    for (int k = 0; k < 2; k++) {
        snprintf(out[k], sizeof out[k], "%s/out", tl_tmpdir(k ? "det_b" : "det_a"));
        hs_run_config cfg;
        hs_run_config_default(&cfg);
        cfg.trace_path = trace;
        cfg.policy = policy;
        cfg.nodes = nodes;
        cfg.cores_per_node = cores;
        cfg.out_dir = out[k];
        if (model_backend) {
            cfg.model_path = HS_MODELS "/literature.json";
            cfg.backend = model_backend;
            double share[4] = {0.4, 0.3, 0.2, 0.1};
            memcpy(cfg.profile_share, share, sizeof share);
            cfg.seed = 42;
        }
        hs_error err;
        ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s: %s", name, err.text);
        hs_check_report rep;
        ck_assert_msg(hs_check_outdir(out[k], &rep, &err) == 0, "%s: the checker refuses: %s:%ld: %s", name, err.source,
                      err.line, err.text);
    }
    static const char *const files[] = {"jobs.csv", "out.swf", "rejected.csv", "summary.json"};
    for (int f = 0; f < 4; f++) {
        char pa[1300], pb[1300];
        snprintf(pa, sizeof pa, "%s/%s", out[0], files[f]);
        snprintf(pb, sizeof pb, "%s/%s", out[1], files[f]);
        size_t la, lb;
        char *a = tl_read(pa, &la), *b = tl_read(pb, &lb);
        ck_assert_msg(a && b && la == lb && memcmp(a, b, la) == 0, "%s: %s differs between two runs", name, files[f]);
        ck_assert_uint_gt(la, 0);
        free(a);
        free(b);
    }
}

START_TEST(demo_trace_twice)
{
    run_twice("demo easy", HS_REPO_TRACES "/demo-lublin-2000.swf", "easy", 0, 0);
    run_twice("demo fcfs", HS_REPO_TRACES "/demo-lublin-2000.swf", "fcfs", 0, 0);
}
END_TEST

START_TEST(real_trace_twice)
{
    if (!tl_shared_traces("determinism on a real trace"))
        return;
    /* RICC: no header, core allocation on 1024 × 8, the largest trace */
    run_twice("RICC easy", HS_SHARED_TRACES "/RICC-2010-2.swf.gz", "easy", 1024, 8);
}
END_TEST

START_TEST(with_a_model)
{
    if (!tl_shared_traces("determinism with a model"))
        return;
    /* HPC2N's 240 processors as 120 nodes of 2 cores: jobs share nodes,
     * so the fluid model re-plans at almost every start and end */
    model_backend = "kvm";
    run_twice("HPC2N easy, kvm model", HS_SHARED_TRACES "/HPC2N-2002-2.2-cln.swf.gz", "easy", 120, 2);
    model_backend = "lxc";
    run_twice("HPC2N fcfs, lxc model", HS_SHARED_TRACES "/HPC2N-2002-2.2-cln.swf.gz", "fcfs", 120, 2);
    model_backend = NULL;
}
END_TEST

/* A model that changes nothing (native: every factor 1, no launch, no
 * noise) gives the very bytes of a run without one, summary aside. */
START_TEST(neutral_model_changes_nothing)
{
    char out[2][1200];
    for (int k = 0; k < 2; k++) {
        snprintf(out[k], sizeof out[k], "%s/out", tl_tmpdir(k ? "neutral_b" : "neutral_a"));
        hs_run_config cfg;
        hs_run_config_default(&cfg);
        cfg.trace_path = HS_REPO_TRACES "/demo-lublin-2000.swf";
        cfg.out_dir = out[k];
        cfg.model_path = k ? HS_MODELS "/literature.json" : NULL;
        cfg.backend = "native";
        hs_error err;
        ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s", err.text);
    }
    static const char *const files[] = {"jobs.csv", "out.swf"};
    for (int f = 0; f < 2; f++) {
        char pa[1300], pb[1300];
        snprintf(pa, sizeof pa, "%s/%s", out[0], files[f]);
        snprintf(pb, sizeof pb, "%s/%s", out[1], files[f]);
        size_t la, lb;
        char *a = tl_read(pa, &la), *b = tl_read(pb, &lb);
        ck_assert_msg(a && b && la == lb && memcmp(a, b, la) == 0, "%s differs with a neutral model", files[f]);
        free(a);
        free(b);
    }
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("determinism");
    TCase *tc = tcase_create("determinism");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, demo_trace_twice);
    tcase_add_test(tc, real_trace_twice);
    tcase_add_test(tc, with_a_model);
    tcase_add_test(tc, neutral_model_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
