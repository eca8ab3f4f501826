/* The report from a hand-made log with known answers: paired ratios per
 * block, only complete blocks, warm-ups left out, latencies inverted; and
 * the bootstrap interval on known data. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "testlib.h"

static void run(FILE *f, const char *block, const char *backend, const char *state, double v, int higher, int warm)
{
    fprintf(f,
            "{\"plan\":\"p\",\"block\":\"%s\",\"point\":\"pin/stream/mem1/idle\",\"backend\":\"%s\","
            "\"bench\":\"stream\",\"load_state\":\"%s\",%s\"result\":{\"value\":%g,\"higher_is_better\":%s}}\n",
            block, backend, state, warm ? "\"warmup\":true," : "", v, higher ? "true" : "false");
}

static void done(FILE *f, const char *block)
{
    fprintf(f, "{\"plan\":\"p\",\"block\":\"%s\",\"block_done\":true}\n", block);
}

/* The row of `comparison` for `backend` in the report's text. */
static double median_of_row(const char *text, const char *comparison, const char *backend)
{
    char key[128];
    snprintf(key, sizeof key, "| %s | pin/stream/mem1/idle | %s | ", comparison, backend);
    const char *row = strstr(text, key);
    ck_assert_msg(row != NULL, "no row '%s' in:\n%s", key, text);
    unsigned n;
    double m;
    ck_assert_int_eq(sscanf(row + strlen(key), "%u | %lf", &n, &m), 2);
    return m;
}

START_TEST(paired_ratios_from_complete_blocks)
{
    const char *dir = tl_tmpdir("report");
    char log[1200];
    snprintf(log, sizeof log, "%s/measurements.jsonl", dir);
    FILE *f = fopen(log, "w");
    /* block 1: native 100 -> 50 (2.0), lxc 90 -> 45 (2.0), lxc vs native 100/90 */
    run(f, "b1", "native", "off", 1, 1, 1); /* warm-up: ignored */
    run(f, "b1", "native", "off", 100, 1, 0);
    run(f, "b1", "native", "on", 50, 1, 0);
    run(f, "b1", "lxc", "on", 45, 1, 0);
    run(f, "b1", "lxc", "off", 90, 1, 0);
    done(f, "b1");
    /* block 2: native 100 -> 80 (1.25), lxc 100 -> 100 (1.0), lxc vs native 1.0 */
    run(f, "b2", "native", "on", 80, 1, 0);
    run(f, "b2", "native", "off", 100, 1, 0);
    run(f, "b2", "lxc", "off", 100, 1, 0);
    run(f, "b2", "lxc", "on", 100, 1, 0);
    done(f, "b2");
    /* block 3 never finished (killed): must not count */
    run(f, "b3", "native", "off", 1, 1, 0);
    run(f, "b3", "native", "on", 1000, 1, 0);
    fputs("{\"plan\":\"p\",\"block\":\"b3\",\"back", f); /* a line cut by kill -9 */
    fclose(f);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    hs_error err;
    ck_assert_int_eq(hc_report(log, 1, out, &err), 0);
    fclose(out);
    ck_assert_ptr_nonnull(strstr(text, "2 complete blocks"));
    ck_assert_double_eq_tol(median_of_row(text, "load on / off", "native"), 1.625, 1e-3);
    ck_assert_double_eq_tol(median_of_row(text, "load on / off", "lxc"), 1.5, 1e-3);
    ck_assert_double_eq_tol(median_of_row(text, "vs native", "lxc"), (100.0 / 90 + 1.0) / 2, 1e-3);
    free(text);

    /* a latency (lower is better): on/off = value/base */
    f = fopen(log, "w");
    run(f, "w1", "native", "off", 10, 0, 0);
    run(f, "w1", "native", "on", 30, 0, 0);
    done(f, "w1");
    fclose(f);
    out = open_memstream(&text, &len);
    ck_assert_int_eq(hc_report(log, 1, out, &err), 0);
    fclose(out);
    ck_assert_double_eq_tol(median_of_row(text, "load on / off", "native"), 3.0, 1e-3);
    free(text);
    ck_assert_int_eq(hc_report("/nonexistent/measurements.jsonl", 1, stdout, &err), -1);
}
END_TEST

START_TEST(bootstrap_interval)
{
    double same[9] = {1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2};
    double m, lo, hi;
    hc_median_ci(same, 9, 7, &m, &lo, &hi);
    ck_assert_double_eq(m, 1.2);
    ck_assert_double_eq(lo, 1.2);
    ck_assert_double_eq(hi, 1.2);
    double x[7] = {1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 5.0};
    hc_median_ci(x, 7, 7, &m, &lo, &hi);
    ck_assert_double_eq(m, 1.3);
    ck_assert(lo <= m && m <= hi && lo >= 1.0 && hi <= 5.0 && hi < 5.0); /* the outlier is no median */
    double a, b, c, a2, b2, c2;
    hc_median_ci(x, 7, 42, &a, &b, &c);
    hc_median_ci(x, 7, 42, &a2, &b2, &c2);
    ck_assert(b == b2 && c == c2); /* seeded: reproducible */
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("report");
    TCase *tc = tcase_create("report");
    tcase_add_test(tc, paired_ratios_from_complete_blocks);
    tcase_add_test(tc, bootstrap_interval);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
