/* Each microbenchmark of hpcsim-bench returns plausible, non-zero figures
 * within physical bounds on this machine, and bad parameters are refused. */
#define _GNU_SOURCE
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "testlib.h"

/* Runs hpcsim-bench with args; returns its JSON line parsed. */
static json_t *bench(const char *args, int *status)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' %s", HS_BENCH, args);
    FILE *p = popen(cmd, "r");
    ck_assert_ptr_nonnull(p);
    char line[4096] = "";
    if (!fgets(line, sizeof line, p))
        line[0] = '\0';
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    json_error_t jerr;
    return json_loads(line, 0, &jerr);
}

static double num(json_t *j, const char *key)
{
    json_t *v = json_object_get(j, key);
    ck_assert_msg(json_is_number(v), "%s missing", key);
    return json_number_value(v);
}

START_TEST(stream_bandwidth)
{
    int st;
    json_t *j = bench("stream seconds=0.3 mib=96", &st);
    ck_assert_int_eq(st, 0);
    double mbps = num(j, "value");
    ck_assert_msg(mbps > 100 && mbps < 1e6, "triad %g MB/s is outside (100 MB/s, 1 TB/s)", mbps);
    ck_assert_double_eq(num(j, "check"), 7.0); /* a = 1 + 3 × 2 */
    ck_assert(num(j, "seconds") >= 0.3 && num(j, "seconds") < 5);
    ck_assert_str_eq(json_string_value(json_object_get(j, "metric")), "triad_bandwidth");
    json_decref(j);
}
END_TEST

START_TEST(compute_rate)
{
    int st;
    json_t *j = bench("compute seconds=0.3", &st);
    ck_assert_int_eq(st, 0);
    double r = num(j, "value");
    ck_assert_msg(r > 0.1 && r < 1e4, "%g Mpairs/s", r);
    /* EP: the first annulus holds ~39 %% of the accepted pairs (1 - e^-0.5 in each axis) */
    double frac = num(j, "q0") / (num(j, "pairs") * 3.14159265358979 / 4);
    ck_assert_msg(frac > 0.4 && frac < 0.55, "annulus 0 share %g", frac);
    json_decref(j);
}
END_TEST

START_TEST(wakeup_latency)
{
    int st;
    json_t *j = bench("wakeup seconds=0.3 interval_us=1000", &st);
    ck_assert_int_eq(st, 0);
    double p50 = num(j, "p50_us"), p99 = num(j, "p99_us"), max = num(j, "max_us");
    ck_assert_msg(p50 > 0 && p50 < 1e6, "p50 %g us", p50);
    ck_assert(p99 >= p50 && max >= p99);
    ck_assert_msg(num(j, "work") > 50, "only %g wake-ups in 0.3 s", num(j, "work"));
    ck_assert(!json_is_true(json_object_get(j, "higher_is_better")));
    json_decref(j);
}
END_TEST

START_TEST(pipe_round_trips)
{
    int st;
    json_t *j = bench("pipe seconds=0.3", &st);
    ck_assert_int_eq(st, 0);
    double r = num(j, "value"), rtt = num(j, "round_trip_us");
    ck_assert_msg(r > 100 && r < 1e8, "%g round trips/s", r);
    ck_assert_double_eq_tol(rtt, 1e6 / r, 1e-3 * rtt + 1e-3);
    json_decref(j);
}
END_TEST

START_TEST(disk_iops)
{
    const char *dir = tl_tmpdir("disk");
    char args[1200];
    snprintf(args, sizeof args, "disk seconds=0.4 mib=16 file=%s/d.bin", dir);
    int st;
    json_t *j = bench(args, &st);
    ck_assert_ptr_nonnull(j);
    if (json_object_get(j, "error")) { /* a file system without O_DIRECT: said, not hidden */
        fprintf(stderr, "SKIP disk: %s\n", json_string_value(json_object_get(j, "error")));
        json_decref(j);
        return;
    }
    ck_assert_int_eq(st, 0);
    double rd = num(j, "read_iops"), wr = num(j, "write_iops");
    ck_assert_msg(rd > 10 && rd < 1e8 && wr > 10 && wr < 1e8, "read %g, write %g IOPS", rd, wr);
    char path[1200];
    snprintf(path, sizeof path, "%s/d.bin", dir);
    ck_assert_msg(!tl_exists(path), "the test file was left behind");
    json_decref(j);
}
END_TEST

START_TEST(bad_parameters)
{
    int st;
    json_t *j = bench("stream seconds=fast 2>/dev/null", &st);
    ck_assert_int_eq(st, 2);
    json_decref(j);
    j = bench("nosuchmode 2>/dev/null", &st);
    ck_assert_int_eq(st, 2);
    json_decref(j);
    j = bench("stress kind=gpu", &st);
    ck_assert_int_eq(st, 2);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(j, "error")), "kind must be"));
    json_decref(j);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("microbench");
    TCase *tc = tcase_create("microbench");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, stream_bandwidth);
    tcase_add_test(tc, compute_rate);
    tcase_add_test(tc, wakeup_latency);
    tcase_add_test(tc, pipe_round_trips);
    tcase_add_test(tc, disk_iops);
    tcase_add_test(tc, bad_parameters);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
