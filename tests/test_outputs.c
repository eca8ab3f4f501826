/* Output files: metrics computed by hand, the SWF of the schedule, the
 * list of dropped lines, and no temporary file left behind. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "hpcsim/swf.h"
#include "testlib.h"

static double jnum(json_t *root, const char *a, const char *b)
{
    json_t *v = json_object_get(root, a);
    if (b)
        v = json_object_get(v, b);
    ck_assert_msg(json_is_number(v), "%s.%s missing", a, b ? b : "");
    return json_number_value(v);
}

/* 4 nodes, EASY: job 1 [0,100] on 2, job 3 backfilled [2,52] on 2, job 2 [100,150] on 4. */
START_TEST(summary_by_hand)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.nodes = 4;
    cfg.cores_per_node = 1;
    tl_result r;
    tl_replay("summary", "1 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                         "2 1 -1 50 4 -1 -1 4 50 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                         "3 2 -1 50 2 -1 -1 2 50 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
              &cfg, &r);
    json_error_t jerr;
    char path[1200];
    snprintf(path, sizeof path, "%s/summary.json", cfg.out_dir);
    json_t *s = json_load_file(path, 0, &jerr);
    ck_assert_ptr_nonnull(s);
    ck_assert_double_eq(jnum(s, "makespan", NULL), 150);
    ck_assert_double_eq_tol(jnum(s, "utilization", NULL), 500.0 / 600.0, 1e-9);
    ck_assert_double_eq(jnum(s, "wait", "mean"), 33);
    ck_assert_double_eq(jnum(s, "wait", "median"), 0);
    ck_assert_double_eq(jnum(s, "wait", "p95"), 99);
    ck_assert_double_eq(jnum(s, "wait", "max"), 99);
    ck_assert_double_eq_tol(jnum(s, "bounded_slowdown", "mean"), (1 + 149.0 / 50 + 1) / 3, 1e-9);
    ck_assert_double_eq(jnum(s, "jobs", "completed"), 3);
    ck_assert_double_eq(jnum(s, "cluster", "units"), 4);
    json_decref(s);
    /* out.swf: simulated wait and run, other fields as read */
    snprintf(path, sizeof path, "%s/out.swf", cfg.out_dir);
    hs_error err;
    hs_swf_reader *rd = hs_swf_open(path, &err);
    ck_assert_ptr_nonnull(rd);
    hs_swf_record rec;
    double waits[3];
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(hs_swf_next(rd, &rec, &err), HS_SWF_RECORD);
        waits[i] = rec.f[HS_SWF_WAIT];
        ck_assert_double_eq(rec.f[HS_SWF_STATUS], 1);
    }
    ck_assert_int_eq(hs_swf_next(rd, &rec, &err), HS_SWF_EOF);
    hs_swf_close(rd);
    ck_assert_double_eq(waits[0], 0);
    ck_assert_double_eq(waits[1], 99);
    ck_assert_double_eq(waits[2], 0);
    /* exactly the four files, no temporary name left */
    DIR *d = opendir(cfg.out_dir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' || strstr(e->d_name, ".tmp")) {
            ck_assert_msg(!strstr(e->d_name, ".tmp"), "left behind: %s", e->d_name);
            n++;
        }
    closedir(d);
    ck_assert_int_eq(n, 4);
}
END_TEST

START_TEST(dropped_lines_are_listed)
{
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.nodes = 4;
    cfg.cores_per_node = 1;
    tl_result r;
    tl_replay("dropped", "1 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                         "2 1 -1 50 4 -1 -1 4\n"
                         "3 2 -1 50 9 -1 -1 9 50 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                         "4 3 -1 -1 2 -1 -1 2 50 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
              &cfg, &r);
    ck_assert_uint_eq(r.m.skipped, 2);
    ck_assert_uint_eq(r.m.malformed, 1);
    ck_assert_uint_eq(r.m.rejected, 1);
    char path[1200];
    snprintf(path, sizeof path, "%s/rejected.csv", cfg.out_dir);
    char *text = tl_read(path, NULL);
    ck_assert_str_eq(text, "line,job_id,kind,reason\n"
                           "2,,skipped,\"field 9 (requested_time): missing (line has 8 of 18 fields)\"\n"
                           "3,3,rejected,\"needs 9 cores, partition 'all' has 4\"\n"
                           "4,4,skipped,\"field 4 (run_time): unknown (-1), the job's length is unknown\"\n");
    free(text);
}
END_TEST

START_TEST(unwritable_output_leaves_nothing)
{
    const char *dir = tl_tmpdir("unwritable");
    const char *trace = tl_write(dir, "t.swf", "1 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    const char *file = tl_write(dir, "afile", "x");
    char out[1200];
    snprintf(out, sizeof out, "%s/sub", file); /* a directory under a regular file */
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.trace_path = trace;
    cfg.out_dir = out;
    cfg.nodes = 4;
    hs_error err;
    ck_assert_int_eq(hs_run(&cfg, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot create the output directory"));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("outputs");
    TCase *tc = tcase_create("outputs");
    tcase_add_test(tc, summary_by_hand);
    tcase_add_test(tc, dropped_lines_are_listed);
    tcase_add_test(tc, unwritable_output_leaves_nothing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
