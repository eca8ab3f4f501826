/* The SWF reader: fields, header, gzip, the missing-value rules, and one
 * clear message per kind of bad line. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "hpcsim/trace.h"
#include "testlib.h"

static const char *const GOOD =
    "; Version: 2.2\n"
    "; MaxNodes: 8\n"
    ";  MaxProcs: 32\n"
    "; UnixStartTime: 893971760\n"
    "\n"
    "1 0 5 100 4 -1 -1 4 200 -1 1 3 1 -1 1 -1 -1 -1\n"
    "2 10 -1 50 2 -1 -1 -1 -1 -1 1 3 1 -1 1 -1 -1 -1\n"  /* req procs and req time missing */
    "3 20 -1 -1 2 -1 -1 2 60 -1 5 3 1 -1 1 -1 -1 -1\n"   /* run time unknown: unusable */
    "4 30 -1 90 -1 -1 -1 -1 60 -1 0 3 1 -1 1 -1 -1 -1\n" /* no size at all: unusable */
    "5 40 -1 90.5 1 1.5 -1 1 60 -1 0 3 1 -1 1 -1 -1 -1\n";/* overruns its request: kept */

START_TEST(fields_header_and_rules)
{
    const char *dir = tl_tmpdir("swf_good");
    const char *p = tl_write(dir, "t.swf", GOOD);
    hs_trace t;
    hs_error err;
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, NULL, &err), 0);
    ck_assert_int_eq(t.header.max_nodes, 8);
    ck_assert_int_eq(t.header.max_procs, 32);
    ck_assert_int_eq(t.header.unix_start_time, 893971760);
    ck_assert_uint_eq(t.header.ncomments, 4);
    ck_assert_uint_eq(t.njobs, 3);
    ck_assert_uint_eq(t.nskipped, 2);
    ck_assert_uint_eq(t.nmalformed, 0);
    ck_assert_double_eq(t.jobs[0].swf.f[HS_SWF_WAIT], 5);
    ck_assert_double_eq(t.jobs[0].swf.f[HS_SWF_USER], 3);
    ck_assert_uint_eq(t.jobs[0].procs, 4);
    ck_assert_uint_eq(t.jobs[1].procs, 2);            /* from allocated processors */
    ck_assert_double_eq(t.jobs[1].req_time, 50);      /* from its run time */
    ck_assert_uint_eq(t.req_time_from_runtime, 1);
    ck_assert_double_eq(t.jobs[2].runtime, 90.5);
    ck_assert_double_eq(t.jobs[2].req_time, 60);      /* kept: the kill rule decides */
    ck_assert_int_eq(t.skipped[0].line, 8);
    ck_assert_ptr_nonnull(strstr(t.skipped[0].reason, "field 4 (run_time)"));
    ck_assert_ptr_nonnull(strstr(t.skipped[1].reason, "requested_processors, allocated_processors"));
    hs_trace_free(&t);
}
END_TEST

START_TEST(gzip_reads_the_same)
{
    const char *dir = tl_tmpdir("swf_gz");
    const char *p = tl_write(dir, "t.swf", GOOD);
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s.gz'", p, p);
    ck_assert_int_eq(system(cmd), 0);
    char gz[1100];
    snprintf(gz, sizeof gz, "%s.gz", p);
    hs_trace a, b;
    hs_error err;
    ck_assert_int_eq(hs_trace_load(&a, p, NULL, NULL, &err), 0);
    ck_assert_int_eq(hs_trace_load(&b, gz, NULL, NULL, &err), 0);
    ck_assert_uint_eq(a.njobs, b.njobs);
    for (uint32_t i = 0; i < a.njobs; i++)
        ck_assert_mem_eq(a.jobs[i].swf.f, b.jobs[i].swf.f, sizeof a.jobs[i].swf.f);
    hs_trace_free(&a);
    hs_trace_free(&b);
}
END_TEST

/* Each malformed line gives "field N (name): message" for the right field. */
START_TEST(bad_lines_name_their_field)
{
    static const struct {
        const char *line, *expect;
    } cases[] = {
        {"1 0 -1 10 4", "field 6 (average_cpu_time): missing (line has 5 of 18 fields)"},
        {"1 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1 9", "field 19: unexpected (line has 19 fields"},
        {"1 zero -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 2 (submit_time): 'zero' is not a number"},
        {"1 0 -1 10 -4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 5 (allocated_processors): negative value -4"},
        {"1 0 -1 10 4 -1 -1 4 0x14 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 9 (requested_time): '0x14' is not a number"},
        {"1 0 -1 inf 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 4 (run_time): 'inf' is not a number"},
        {"1 0 -1 1e999 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 4 (run_time): '1e999' is not a number"},
        {"4e74 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 1 (job_id): 4e+74 is not a whole number up to 2^53"},
        {"1.5 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1", "field 1 (job_id): 1.5 is not a whole number up to 2^53"},
        /* every field that names something is used as an integer (fuzz_swf, UBSan) */
        {"1 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 1e301 -1 -1", "field 16 (partition_id): 1e+301 is not a whole number up to 2^53"},
        {"1 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 2.5 -1 -1 -1", "field 15 (queue_id): 2.5 is not a whole number up to 2^53"},
        {"1 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 12,5", "field 18 (think_time): '12,5' is not a number"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hs_swf_record rec = {.line = 7};
        hs_error err;
        ck_assert_int_eq(hs_swf_parse_line(cases[i].line, &rec, "x.swf", &err), -1);
        ck_assert_msg(strstr(err.text, cases[i].expect) != NULL, "case %zu: got '%s'", i, err.text);
        ck_assert_str_eq(err.source, "x.swf");
        ck_assert_int_eq(err.line, 7);
    }
}
END_TEST

START_TEST(skip_count_and_strict)
{
    const char *dir = tl_tmpdir("swf_strict");
    const char *p = tl_write(dir, "t.swf",
                             "1 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                             "2 0 -1 ten 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                             "1 5 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n" /* duplicate id */
                             "3 9 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    hs_trace t;
    hs_error err;
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, NULL, &err), 0);
    ck_assert_uint_eq(t.njobs, 2);
    ck_assert_uint_eq(t.nmalformed, 2);
    ck_assert_ptr_nonnull(strstr(t.skipped[1].reason, "field 1 (job_id): duplicate job id 1"));
    hs_trace_free(&t);
    hs_trace_options strict = {true, NULL, 0, NULL, NULL, false, false, false};
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, &strict, &err), -1);
    ck_assert_int_eq(err.line, 2);
    ck_assert_ptr_nonnull(strstr(err.text, "field 4 (run_time): 'ten' is not a number"));
}
END_TEST

/* A processor count rounds to the nearest whole one; a request that
 * rounds to 0 is no request (found by fuzz_swf: such a job asked for 0
 * cores and was accepted); a memory request beyond any count is refused. */
START_TEST(processor_counts_round)
{
    const char *p = tl_write(tl_tmpdir("swf_round"), "t.swf",
                             "1 0 -1 10 4 -1 -1 .4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"   /* allocated 4 is used */
                             "2 0 -1 10 -1 -1 -1 0.4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n" /* nothing usable */
                             "3 0 -1 10 -1 -1 -1 2.6 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                             /* 1e31 kB a processor: no count of MB holds it (fuzz_swf, UBSan) */
                             "4 0 -1 10 -1 -1 -1 2 20 1e31 1 -1 -1 -1 -1 -1 -1 -1\n");
    hs_cluster c;
    hs_trace t;
    hs_error err;
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 4, 1, HS_ALLOC_CORES, &err), 0);
    ck_assert_int_eq(hs_trace_load(&t, p, &c, NULL, &err), 0);
    ck_assert_uint_eq(t.njobs, 2);
    ck_assert_uint_eq(t.jobs[0].procs, 4);
    ck_assert_uint_eq(t.jobs[0].demand, 4);
    ck_assert_uint_eq(t.jobs[1].procs, 3);
    ck_assert_uint_eq(t.nskipped, 2);
    ck_assert_ptr_nonnull(strstr(t.skipped[0].reason, "both unknown or 0"));
    ck_assert_ptr_nonnull(strstr(t.skipped[1].reason, "field 10 (requested_memory): larger than any cluster"));
    hs_trace_free(&t);
    hs_cluster_free(&c);
}
END_TEST

START_TEST(damaged_files)
{
    const char *dir = tl_tmpdir("swf_damaged");
    hs_trace t;
    hs_error err;
    /* a truncated gzip stream is an error, never a shorter trace */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "gzip -c '%s/demo-lublin-2000.swf' | head -c 10000 > '%s/cut.swf.gz'", HS_REPO_TRACES,
             dir);
    ck_assert_int_eq(system(cmd), 0);
    char cut[1100];
    snprintf(cut, sizeof cut, "%s/cut.swf.gz", dir);
    ck_assert_int_eq(hs_trace_load(&t, cut, NULL, NULL, &err), -1);
    ck_assert_msg(strstr(err.text, "truncated gzip") != NULL, "got '%s'", err.text);
    ck_assert_int_eq(hs_trace_load(&t, "/nonexistent/t.swf", NULL, NULL, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "cannot open"));
    /* an over-long line is one bad line, and reading goes on after it */
    char *big = malloc(20000);
    memset(big, '7', 19998);
    big[19998] = '\n';
    big[19999] = '\0';
    const char *p = tl_write(dir, "long.swf", big);
    free(big);
    FILE *f = fopen(p, "a");
    fputs("2 0 -1 10 4 -1 -1 4 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n", f);
    fclose(f);
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, NULL, &err), 0);
    ck_assert_uint_eq(t.njobs, 1);
    ck_assert_uint_eq(t.nmalformed, 1);
    ck_assert_ptr_nonnull(strstr(t.skipped[0].reason, "line longer than"));
    hs_trace_free(&t);
}
END_TEST

/* n jobs, one a second, with a bad line after job 100 and job 200's id
 * given again after job 300. */
static char *long_trace(int n)
{
    size_t cap = (size_t)n * 64 + 256, len = 0;
    char *t = malloc(cap);
    ck_assert_ptr_nonnull(t);
    t[0] = '\0';
    for (int i = 1; i <= n; i++) {
        len += (size_t)snprintf(t + len, cap - len, "%d %d -1 %d %d -1 -1 %d 100 -1 1 -1 -1 -1 -1 -1 -1 -1\n", i, i,
                                1 + i % 50, 1 + i % 4, 1 + i % 4);
        if (i == 100)
            len += (size_t)snprintf(t + len, cap - len, "101 x\n");
        if (i == 300)
            len += (size_t)snprintf(t + len, cap - len, "200 300 -1 5 1 -1 -1 1 10 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    }
    return t;
}

/* Streamed, a trace is read once to check and count it, then again as
 * jobs are needed, and chunks are freed behind the run: the same jobs and
 * the same dropped lines as read whole. */
START_TEST(streamed_trace_matches_whole_and_frees_chunks)
{
    const char *dir = tl_tmpdir("swf_stream");
    char *text = long_trace(10000);
    const char *p = tl_write(dir, "t.swf", text);
    free(text);
    hs_cluster c;
    hs_error err;
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 4, 1, HS_ALLOC_NODES, &err), 0);
    hs_trace whole, s;
    hs_trace_options opt = {false, NULL, 0, NULL, NULL, false, false, false}, streamed = opt;
    streamed.stream = true;
    ck_assert_int_eq(hs_trace_load(&whole, p, &c, &opt, &err), 0);
    ck_assert_int_eq(hs_trace_load(&s, p, &c, &streamed, &err), 0);
    ck_assert_ptr_nonnull(s.stream);
    ck_assert_ptr_null(s.jobs);
    ck_assert_uint_eq(s.njobs, 10000);
    ck_assert_uint_eq(s.njobs, whole.njobs);
    ck_assert_uint_eq(s.nskipped, 2);
    ck_assert_uint_eq(s.nmalformed, whole.nmalformed);
    ck_assert_ptr_null(s.chunk[0]); /* nothing read before it is needed */
    for (uint32_t i = 0; i < s.njobs; i++) {
        ck_assert_int_eq(hs_trace_need(&s, i, &err), 0);
        const hs_job *a = hs_trace_job(&s, i), *b = hs_trace_job(&whole, i);
        ck_assert_uint_eq(a->index, i);
        ck_assert_int_eq(a->swf.line, b->swf.line);
        ck_assert(memcmp(a->swf.f, b->swf.f, sizeof a->swf.f) == 0);
        ck_assert_uint_eq(a->demand, b->demand);
        hs_trace_release(&s, i);
        if (i >= 2 * HS_JOB_CHUNK)
            ck_assert_ptr_null(s.chunk[i / HS_JOB_CHUNK - 1]);
        ck_assert_ptr_nonnull(s.chunk[i / HS_JOB_CHUNK]);
    }
    hs_trace_free(&s);
    hs_trace_free(&whole);
    hs_cluster_free(&c);
}
END_TEST

/* Arrivals out of submit order must be sorted: such a trace is read
 * whole, streamed or not. */
START_TEST(unsorted_trace_is_read_whole)
{
    const char *dir = tl_tmpdir("swf_unsorted");
    const char *p = tl_write(dir, "t.swf",
                             "1 50 -1 10 1 -1 -1 1 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"
                             "2 10 -1 10 1 -1 -1 1 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    hs_trace t;
    hs_error err;
    hs_trace_options streamed = {false, NULL, 0, NULL, NULL, false, true, false};
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, &streamed, &err), 0);
    ck_assert_ptr_null(t.stream);
    ck_assert_ptr_nonnull(t.jobs);
    ck_assert_uint_eq(t.njobs, 2);
    ck_assert_double_eq(hs_trace_job(&t, 1)->submit, 10);
    hs_trace_free(&t);
}
END_TEST

/* A trace rewritten between its two readings is an error, never a
 * replay of another workload. */
START_TEST(trace_changed_between_readings)
{
    const char *dir = tl_tmpdir("swf_changed");
    char *text = long_trace(50);
    const char *p = tl_write(dir, "t.swf", text);
    free(text);
    hs_trace t;
    hs_error err;
    hs_trace_options streamed = {false, NULL, 0, NULL, NULL, false, true, false};
    ck_assert_int_eq(hs_trace_load(&t, p, NULL, &streamed, &err), 0);
    ck_assert_uint_eq(t.njobs, 50);
    tl_write(dir, "t.swf", "1 0 -1 10 1 -1 -1 1 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    ck_assert_int_eq(hs_trace_need(&t, 0, &err), -1);
    ck_assert_msg(strstr(err.text, "the trace changed while it was replayed") != NULL, "got '%s'", err.text);
    hs_trace_free(&t);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("swf");
    TCase *tc = tcase_create("swf");
    tcase_add_test(tc, fields_header_and_rules);
    tcase_add_test(tc, gzip_reads_the_same);
    tcase_add_test(tc, bad_lines_name_their_field);
    tcase_add_test(tc, skip_count_and_strict);
    tcase_add_test(tc, damaged_files);
    tcase_add_test(tc, processor_counts_round);
    tcase_add_test(tc, streamed_trace_matches_whole_and_frees_chunks);
    tcase_add_test(tc, unsorted_trace_is_read_whole);
    tcase_add_test(tc, trace_changed_between_readings);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
