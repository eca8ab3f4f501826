/* The checker must catch every kind of broken schedule: each test takes a
 * valid output, breaks one rule in jobs.csv or summary.json, and expects
 * the rule's message. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "hpcsim/check.h"
#include "testlib.h"

/* Jobs 1 and 2 run at once on units 0-1 and 2-3; job 3 runs later on 0. */
static const char *valid_run(void)
{
    static char out[1200];
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.nodes = 4;
    tl_result r;
    tl_replay("check_base", "1 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                            "2 0 -1 100 2 -1 -1 2 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                            "3 200 -1 10 1 -1 -1 1 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n",
              &cfg, &r);
    snprintf(out, sizeof out, "%s", cfg.out_dir);
    return out;
}

/* Replaces the first `from` by `to` in dir/name. */
static void tamper(const char *dir, const char *name, const char *from, const char *to)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *text = tl_read(path, NULL);
    char *at = strstr(text, from);
    ck_assert_msg(at != NULL, "'%s' not in %s", from, name);
    FILE *f = fopen(path, "w");
    fwrite(text, 1, (size_t)(at - text), f);
    fputs(to, f);
    fputs(at + strlen(from), f);
    fclose(f);
    free(text);
}

static void expect_violation(const char *from, const char *to, const char *file, const char *message)
{
    const char *dir = valid_run();
    hs_error err;
    ck_assert_int_eq(hs_check_outdir(dir, NULL, &err), 0);
    tamper(dir, file, from, to);
    ck_assert_int_eq(hs_check_outdir(dir, NULL, &err), -1);
    ck_assert_msg(strstr(err.text, message) != NULL, "expected '%s', got '%s'", message, err.text);
}

START_TEST(overlap)
{
    expect_violation(",2-3,", ",1-2,", "jobs.csv", "job 2 starts at 0 on unit 1, which another job still holds");
}
END_TEST

START_TEST(start_before_submission)
{
    expect_violation("3,200,1,100,200,10,210,0,10", "3,200,1,100,150,10,160,-50,-40", "jobs.csv",
                     "job 3 starts at 150, before its submission at 200");
}
END_TEST

START_TEST(times_do_not_add_up)
{
    expect_violation("3,200,1,100,200,10,210", "3,200,1,100,200,10,230", "jobs.csv", "times do not add up");
}
END_TEST

START_TEST(duplicate_job)
{
    expect_violation("3,200,", "1,200,", "jobs.csv", "job 1 appears twice");
}
END_TEST

START_TEST(missing_job)
{
    expect_violation("\"completed\": 3", "\"completed\": 4", "summary.json",
                     "3 jobs, but summary.json counts 4 completed or killed");
}
END_TEST

START_TEST(wrong_resource_count)
{
    expect_violation(",0-1,", ",0,", "jobs.csv", "job 1 holds 1 units but requested 2");
}
END_TEST

/* More units than requested only where summary.json counts exactly
 * that many jobs so (a node-exclusive policy's whole nodes). */
START_TEST(held_beyond_request)
{
    expect_violation(",0,COMPLETED", ",0-1,COMPLETED", "jobs.csv", "job 3 holds 2 units but requested 1");
    expect_violation("\"malformed_lines\"", "\"held_beyond_request\": 1, \"malformed_lines\"", "summary.json",
                     "0 jobs hold more units than they requested, but summary.json counts 1");
    const char *dir = valid_run();
    hs_error err;
    tamper(dir, "jobs.csv", ",0,COMPLETED", ",0-1,COMPLETED");
    tamper(dir, "summary.json", "\"malformed_lines\"", "\"held_beyond_request\": 1, \"malformed_lines\"");
    ck_assert_msg(hs_check_outdir(dir, NULL, &err) == 0, "%s", err.text);
}
END_TEST

/* A count the checker compares as an integer: a negative or fractional
 * one is named, not converted (fuzz_check found -2 turned unsigned). */
START_TEST(requested_count_not_a_count)
{
    expect_violation("3,200,1,100,", "3,200,-2,100,", "jobs.csv",
                     "column requested_number_of_resources: '-2' is not a count");
    expect_violation("3,200,1,100,", "3,200,1.5,100,", "jobs.csv",
                     "column requested_number_of_resources: '1.5' is not a count");
}
END_TEST

START_TEST(unit_outside_cluster)
{
    expect_violation(",2-3,", ",4-5,", "jobs.csv", "job 2 uses unit 5; the cluster has 4");
}
END_TEST

START_TEST(overrun_with_kill_on)
{
    expect_violation("3,200,1,100,200,10,210,0,10,1", "3,200,1,5,200,10,210,0,10,1", "jobs.csv",
                     "job 3 ran 10 s against a requested time of 5 s");
}
END_TEST

START_TEST(truncated_outputs)
{
    expect_violation("210,0,10,1,0,COMPLETED_SUCCESSFULLY\n", "210,0,1", "jobs.csv", "expected 12 comma-separated");
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("check");
    tcase_add_test(tc, overlap);
    tcase_add_test(tc, start_before_submission);
    tcase_add_test(tc, times_do_not_add_up);
    tcase_add_test(tc, duplicate_job);
    tcase_add_test(tc, missing_job);
    tcase_add_test(tc, wrong_resource_count);
    tcase_add_test(tc, held_beyond_request);
    tcase_add_test(tc, requested_count_not_a_count);
    tcase_add_test(tc, unit_outside_cluster);
    tcase_add_test(tc, overrun_with_kill_on);
    tcase_add_test(tc, truncated_outputs);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
