/* The `hpcsim` program as a user meets it: every kind of bad input gives
 * one clear message naming the file, line and field, a non-zero exit, and
 * no output files at all. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"

#define OK_LINE "1 0 -1 10 2 -1 -1 2 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n"

typedef struct bad_case {
    const char *name;
    const char *trace;   /* text of t.swf; NULL: made by the case */
    const char *cluster; /* text of c.json, or NULL */
    const char *args[8]; /* extra arguments */
    int status;
    const char *expect;  /* substring of stderr */
} bad_case;

static const bad_case cases[] = {
    {"field_count", "; MaxNodes: 4\n" OK_LINE "2 0 -1 10 2 -1\n", NULL, {"--strict"}, 1,
     "t.swf:3: field 7 (used_memory): missing (line has 6 of 18 fields)"},
    {"not_a_number", "; MaxNodes: 4\n2 abc -1 10 2 -1 -1 2 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n", NULL, {"--strict"}, 1,
     "t.swf:2: field 2 (submit_time): 'abc' is not a number"},
    {"negative_size", "; MaxNodes: 4\n2 0 -1 10 2 -1 -1 -3 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n", NULL, {"--strict"}, 1,
     "t.swf:2: field 8 (requested_processors): negative value -3"},
    {"duplicate_id", "; MaxNodes: 4\n" OK_LINE OK_LINE, NULL, {"--strict"}, 1,
     "t.swf:3: field 1 (job_id): duplicate job id 1"},
    {"empty_file", "", NULL, {"--nodes", "4"}, 1, "t.swf: no job to simulate (0 lines skipped, 0 jobs rejected)"},
    {"only_garbage", "\x7f" "ELF\x01\x02\n\x00\x00\n", NULL, {"--nodes", "4", "--quiet"}, 1,
     "no job to simulate (2 lines skipped"},
    {"truncated_gzip", NULL, NULL, {"--nodes", "128"}, 1, "truncated gzip file"},
    {"missing_trace", NULL, NULL, {"--nodes", "4"}, 1, "cannot open"},
    {"no_header_no_size", OK_LINE, NULL, {0}, 1, "t.swf: the trace has no MaxNodes or MaxProcs header"},
    {"procs_not_multiple", "; MaxNodes: 3\n; MaxProcs: 10\n" OK_LINE, NULL, {0}, 1,
     "MaxProcs (10) is not a multiple of MaxNodes (3)"},
    {"all_too_large", "; MaxNodes: 1\n" OK_LINE, NULL, {0}, 1, "no job to simulate (0 lines skipped, 1 jobs rejected)"},
    {"zero_nodes", OK_LINE, NULL, {"--nodes", "0"}, 2, "--nodes: '0' is not an integer in [1,"},
    {"unknown_policy", OK_LINE, NULL, {"--nodes", "4", "--policy", "sjf"}, 1, "unknown policy 'sjf'"},
    {"json_wrong_type", OK_LINE, "{\"groups\": [{\"count\": 4, \"cores\": \"16\"}]}", {0}, 1,
     "c.json: groups[0].cores: expected an integer, got a string"},
    {"json_perf_class", OK_LINE, "{\"groups\": [{\"count\": 4, \"cores\": 1, \"perf_class\": \"fast\"}]}", {0}, 1,
     "c.json: groups[0].perf_class: expected an integer, got a string"},
    {"json_syntax", OK_LINE, "{\n  \"groups\": [{\"count\": 4 \"cores\": 16}]\n}", {0}, 1, "c.json:2:"},
    {"json_overlap", OK_LINE,
     "{\"groups\": [{\"name\": \"g\", \"count\": 4, \"cores\": 1}],"
     " \"partitions\": [{\"name\": \"a\", \"groups\": [\"g\"]}, {\"name\": \"b\", \"groups\": [\"g\"]}]}",
     {0}, 1, "c.json: partitions[1].groups[0]: group 'g' is already in partition 'a'"},
    {"nodes_on_mixed_sizes", OK_LINE,
     "{\"groups\": [{\"count\": 4, \"cores\": 16}, {\"count\": 2, \"cores\": 32}]}", {"--alloc", "nodes"}, 1,
     "partition 'all' mixes nodes with different core counts"},
    {"conf_to_a_policy_without", OK_LINE, NULL, {"--nodes", "4", "--policy-conf", "x.conf"}, 1,
     "--policy-conf: policy 'easy' takes no configuration"},
    {"opt_not_key_value", OK_LINE, NULL, {"--nodes", "4", "--policy-opt", "novalue"}, 2,
     "--policy-opt: 'novalue' is not KEY=VALUE"},
    {"slurm_unknown_opt", OK_LINE, NULL,
     {"--policy", "slurm", "--policy-conf", HS_FIXTURES "/slurm/ricc.conf", "--policy-opt", "bf=1"}, 1,
     "--policy-opt: bf: not a slurm.conf key the model reads"},
    {"slurm_two_confs", OK_LINE, NULL, {"--policy", "slurm", "--policy-conf", "a.conf", "--policy-conf", "b.conf"}, 1,
     "--policy slurm: reads one slurm.conf, 2 --policy-conf files were given"},
    {"slurm_alias_elsewhere", OK_LINE, NULL, {"--nodes", "4", "--slurm-log", "x.log"}, 2,
     "--slurm-log: is only read with --policy slurm"},
    {"model_unknown_name", OK_LINE, NULL, {"--nodes", "4", "--model", "nosuch"}, 1,
     "--model: 'nosuch' is neither a file nor a shipped model"},
    {"cluster_and_nodes", OK_LINE, "{\"groups\": [{\"count\": 4, \"cores\": 16}]}", {"--nodes", "4"}, 2,
     "give either --cluster or --nodes/--cores-per-node, not both"},
};

START_TEST(bad_input)
{
    const bad_case *c = &cases[_i];
    const char *dir = tl_tmpdir(c->name);
    char trace[1200], out[1200];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(trace, sizeof trace, "%s/t.swf", dir);
    if (c->trace) {
        /* the garbage case holds NUL bytes: write it with its length */
        FILE *f = fopen(trace, "wb");
        size_t len = strcmp(c->name, "only_garbage") == 0 ? 10 : strlen(c->trace);
        fwrite(c->trace, 1, len, f);
        fclose(f);
    } else if (strcmp(c->name, "truncated_gzip") == 0) {
        char cmd[4096];
        snprintf(cmd, sizeof cmd, "gzip -c '%s/demo-lublin-2000.swf' | head -c 10000 > '%s'", HS_REPO_TRACES, trace);
        ck_assert_int_eq(system(cmd), 0);
    }
    const char *argv[24] = {"run", "--trace", trace, "--out", out};
    int n = 5;
    if (c->cluster) {
        argv[n++] = "--cluster";
        argv[n++] = tl_write(dir, "c.json", c->cluster);
    }
    for (int k = 0; k < 8 && c->args[k]; k++)
        argv[n++] = c->args[k];
    argv[n] = NULL;
    char *err = NULL;
    int status = tl_cli(&err, argv);
    ck_assert_msg(status == c->status, "%s: exit %d, expected %d; stderr: %s", c->name, status, c->status, err);
    ck_assert_msg(strstr(err, c->expect) != NULL, "%s: expected '%s' in stderr: %s", c->name, c->expect, err);
    ck_assert_msg(strchr(err, '\n') == err + strlen(err) - 1, "%s: more than one line on stderr: %s", c->name, err);
    ck_assert_msg(!tl_exists(out), "%s: output directory was created", c->name);
    free(err);
}
END_TEST

START_TEST(skipped_lines_are_counted_and_listed)
{
    const char *dir = tl_tmpdir("cli_skip");
    const char *trace = tl_write(dir, "t.swf", "; MaxNodes: 4\n" OK_LINE "2 0 -1 x 2 -1 -1 2 20 -1 1 -1 -1 -1 -1 -1 -1 -1\n");
    char out[1200];
    snprintf(out, sizeof out, "%s/out", dir);
    const char *argv[] = {"run", "--trace", trace, "--out", out, NULL};
    char *err = NULL;
    ck_assert_int_eq(tl_cli(&err, argv), 0);
    ck_assert_ptr_nonnull(strstr(err, "t.swf:3: field 4 (run_time): 'x' is not a number (skipped)"));
    ck_assert_ptr_nonnull(strstr(err, "1 lines skipped (1 malformed), 0 jobs rejected as too large"));
    free(err);
    const char *check[] = {"check", out, NULL};
    ck_assert_int_eq(tl_cli(&err, check), 0);
    free(err);
}
END_TEST

START_TEST(help_and_usage)
{
    static const char *const helps[][3] = {{"--help"}, {"run", "--help"}, {"check", "--help"}, {"gen", "--help"}};
    char *err = NULL;
    for (size_t i = 0; i < 4; i++) {
        ck_assert_int_eq(tl_cli(&err, helps[i]), 0);
        free(err);
    }
    const char *none[] = {"frobnicate", NULL};
    ck_assert_int_eq(tl_cli(&err, none), 2);
    ck_assert_ptr_nonnull(strstr(err, "unknown command 'frobnicate'"));
    free(err);
    const char *check_missing[] = {"check", "/nonexistent-dir", NULL};
    ck_assert_int_eq(tl_cli(&err, check_missing), 1);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent-dir/summary.json"));
    free(err);
}
END_TEST

/* --trace - reads standard input: the same schedule as from the file,
 * the cluster still sized from its header (read before the jobs). */
START_TEST(trace_from_stdin)
{
    const char *dir = tl_tmpdir("cli_stdin");
    char file_out[1200], pipe_out[1200], trace[1200], a[1300], b[1300];
    snprintf(file_out, sizeof file_out, "%s/file", dir);
    snprintf(pipe_out, sizeof pipe_out, "%s/stdin", dir);
    snprintf(trace, sizeof trace, "%s/demo-lublin-2000.swf", HS_REPO_TRACES);
    char *err = NULL;
    const char *from_file[] = {"run", "--quiet", "--trace", trace, "--out", file_out, NULL};
    ck_assert_int_eq(tl_cli(&err, from_file), 0);
    free(err);
    int saved = dup(0), fd = open(trace, O_RDONLY);
    ck_assert_int_ge(fd, 0);
    dup2(fd, 0);
    const char *from_stdin[] = {"run", "--quiet", "--trace", "-", "--out", pipe_out, NULL};
    int status = tl_cli(&err, from_stdin);
    dup2(saved, 0);
    close(fd);
    close(saved);
    ck_assert_msg(status == 0, "%s", err);
    free(err);
    snprintf(a, sizeof a, "%s/jobs.csv", file_out);
    snprintf(b, sizeof b, "%s/jobs.csv", pipe_out);
    size_t la, lb;
    char *ta = tl_read(a, &la), *tb = tl_read(b, &lb);
    ck_assert_uint_gt(la, 1000);
    ck_assert(la == lb && memcmp(ta, tb, la) == 0);
    free(ta);
    free(tb);
}
END_TEST

/* --model NAME finds a shipped model: the same run as with its path. */
START_TEST(model_by_name)
{
    const char *dir = tl_tmpdir("cli_model_name");
    char by_name[1200], by_path[1200], trace[1200], model[1200], a[1300], b[1300];
    snprintf(by_name, sizeof by_name, "%s/name", dir);
    snprintf(by_path, sizeof by_path, "%s/path", dir);
    snprintf(trace, sizeof trace, "%s/demo-lublin-2000.swf", HS_REPO_TRACES);
    snprintf(model, sizeof model, "%s/literature.json", HS_MODELS);
    char *err = NULL;
    const char *name[] = {"run", "--quiet", "--trace", trace, "--model", "literature", "--backend", "kvm",
                          "--profiles", "io=1", "--out", by_name, NULL};
    ck_assert_int_eq(tl_cli(&err, name), 0);
    free(err);
    const char *path[] = {"run", "--quiet", "--trace", trace, "--model", model, "--backend", "kvm",
                          "--profiles", "io=1", "--out", by_path, NULL};
    ck_assert_int_eq(tl_cli(&err, path), 0);
    free(err);
    snprintf(a, sizeof a, "%s/jobs.csv", by_name);
    snprintf(b, sizeof b, "%s/jobs.csv", by_path);
    size_t la, lb;
    char *ta = tl_read(a, &la), *tb = tl_read(b, &lb);
    ck_assert(la == lb && memcmp(ta, tb, la) == 0);
    free(ta);
    free(tb);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");
    tcase_add_loop_test(tc, bad_input, 0, (int)(sizeof cases / sizeof cases[0]));
    tcase_add_test(tc, skipped_lines_are_counted_and_listed);
    tcase_add_test(tc, help_and_usage);
    tcase_add_test(tc, trace_from_stdin);
    tcase_add_test(tc, model_by_name);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
