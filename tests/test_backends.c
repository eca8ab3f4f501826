/* The backends on this host, for real: a native node bound to one CPU and
 * an LXC container pinned to one CPU run the benchmark and return its
 * output; the effective CPU set is verified from /proc and from the
 * benchmark's own report; pausing works; nothing is left behind. LXC needs
 * root: without it the test says it skipped and why. */
#define _GNU_SOURCE
#include <jansson.h>
#include <lxc/lxccontainer.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/backend.h"
#include "testlib.h"

static json_t *run_bench(const hc_backend_ops *b, hc_node *n, const char *mode)
{
    char *argv[] = {HS_BENCH, (char *)mode, "seconds=0.2", NULL};
    char out[4096];
    hs_error err;
    int st = b->run(n, argv, 30, out, sizeof out, &err);
    ck_assert_msg(st >= 0, "%s: %s", b->name, err.text);
    ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: exit status %d", b->name, st);
    json_error_t jerr;
    json_t *j = json_loads(out, JSON_DISABLE_EOF_CHECK, &jerr);
    ck_assert_msg(j != NULL, "%s: no JSON in '%s'", b->name, out);
    return j;
}

START_TEST(native_binds)
{
    const char *dir = tl_tmpdir("native");
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, dir, &err), 0);
    hc_node n = {.numa = 0, .state = &st};
    snprintf(n.name, sizeof n.name, HC_NAME_PREFIX "test-native");
    tl_last_cpu(n.cpuset, sizeof n.cpuset);
    ck_assert_int_eq(hc_backend_native.prepare(&n, &err), 0);
    json_t *j = run_bench(&hc_backend_native, &n, "compute");
    ck_assert_str_eq(json_string_value(json_object_get(j, "cpus_allowed")), n.cpuset);
    json_decref(j);
    /* a spawned stressor is recorded, pauses and resumes */
    char *argv[] = {HS_BENCH, "stress", "kind=cpu", NULL};
    pid_t pid;
    ck_assert_int_eq(hc_backend_native.spawn(&n, argv, &pid, &err), 0);
    ck_assert_int_eq(hc_backend_native.set_running(&n, pid, 0), 0);
    usleep(100000);
    char path[64], line[256], state = '?';
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f && fgets(line, sizeof line, f))
        state = strrchr(line, ')')[2];
    if (f)
        fclose(f);
    ck_assert_msg(state == 'T', "a paused stressor is in state %c", state);
    hc_state_close(&st);
    ck_assert_int_eq(hc_leftovers(dir, NULL), 1); /* the stressor, known to the state file */
    ck_assert_int_eq(hc_cleanup(dir, NULL, &err), 1);
    ck_assert_int_eq(hc_leftovers(dir, NULL), 0);
    waitpid(pid, NULL, 0);
}
END_TEST

/* Spawn and pause at once, as a block does: the pause must reach the new
 * process group even when the child has not run yet. */
START_TEST(native_spawn_then_pause_at_once)
{
    hs_error err;
    hc_node n = {.numa = -1, .state = NULL}; /* no state file: its fsync would let the child run first */
    snprintf(n.name, sizeof n.name, HC_NAME_PREFIX "test-race");
    char *argv[] = {HS_BENCH, "stress", "kind=cpu", NULL};
    /* On one CPU the parent keeps running after fork: the child has not
     * set its process group when the pause is sent. */
    cpu_set_t one, saved;
    sched_getaffinity(0, sizeof saved, &saved);
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    sched_setaffinity(0, sizeof one, &one);
    for (int i = 0; i < 200; i++) {
        pid_t pid;
        ck_assert_int_eq(hc_backend_native.spawn(&n, argv, &pid, &err), 0);
        ck_assert_msg(hc_backend_native.set_running(&n, pid, 0) == 0, "pause failed on spawn %d", i);
        ck_assert_int_eq(kill(-pid, SIGKILL), 0);
        waitpid(pid, NULL, 0);
    }
    sched_setaffinity(0, sizeof saved, &saved);
}
END_TEST

START_TEST(lxc_container_pinned)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP lxc_container_pinned: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("lxc");
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, dir, &err), 0);
    hc_node n = {.numa = 0, .state = &st, .mem_limit = 256ull << 20};
    snprintf(n.name, sizeof n.name, HC_NAME_PREFIX "test-lxc-%d", (int)getpid());
    tl_last_cpu(n.cpuset, sizeof n.cpuset);
    ck_assert_msg(hc_backend_lxc.prepare(&n, &err) == 0, "%s", err.text);
    struct lxc_container *c = n.priv;
    char allowed[256];
    ck_assert_int_eq(hc_cpus_allowed(c->init_pid(c), allowed, sizeof allowed), 0);
    ck_assert_str_eq(allowed, n.cpuset);
    json_t *j = run_bench(&hc_backend_lxc, &n, "pipe");
    ck_assert_str_eq(json_string_value(json_object_get(j, "cpus_allowed")), n.cpuset);
    ck_assert(json_number_value(json_object_get(j, "value")) > 0);
    json_decref(j);
    /* the freezer pauses a stressor inside */
    char *argv[] = {HS_BENCH, "stress", "kind=cpu", NULL};
    pid_t pid;
    ck_assert_int_eq(hc_backend_lxc.spawn(&n, argv, &pid, &err), 0);
    ck_assert_int_eq(hc_backend_lxc.set_running(&n, pid, 0), 0);
    ck_assert_str_eq(c->state(c), "FROZEN");
    ck_assert_int_eq(hc_backend_lxc.set_running(&n, pid, 1), 0);
    ck_assert_str_eq(c->state(c), "RUNNING");
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    hc_backend_lxc.teardown(&n);
    hc_state_close(&st);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    char cg[512];
    snprintf(cg, sizeof cg, "/sys/fs/cgroup/cpuset/lxc.payload.%s", n.name);
    ck_assert_msg(!tl_exists(cg), "%s is left", cg);
}
END_TEST

/* A container the state file does not name (the file was lost) is still
 * found by its name prefix in the private lxcpath, and removed. */
START_TEST(cleanup_finds_unrecorded_containers)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP cleanup_finds_unrecorded_containers: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("lxc_lost_state");
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, dir, &err), 0);
    hc_node n = {.numa = -1, .state = &st};
    snprintf(n.name, sizeof n.name, HC_NAME_PREFIX "test-lost-%d", (int)getpid());
    ck_assert_msg(hc_backend_lxc.prepare(&n, &err) == 0, "%s", err.text);
    lxc_container_put(n.priv); /* the run "dies": nothing is torn down */
    hc_state_close(&st);
    ck_assert_int_eq(unlink(st.path), 0);
    ck_assert_int_ge(hc_leftovers(dir, NULL), 1);
    ck_assert_int_ge(hc_cleanup(dir, NULL, &err), 1);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    char cg[512];
    snprintf(cg, sizeof cg, "/sys/fs/cgroup/cpuset/lxc.payload.%s", n.name);
    ck_assert_msg(!tl_exists(cg), "%s is left", cg);
}
END_TEST

START_TEST(lxc_refuses_impossible_pinning)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP lxc_refuses_impossible_pinning: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("lxc_bad");
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, dir, &err), 0);
    hc_node n = {.numa = -1, .state = &st};
    snprintf(n.name, sizeof n.name, HC_NAME_PREFIX "test-bad-%d", (int)getpid());
    snprintf(n.cpuset, sizeof n.cpuset, "4095");
    ck_assert_int_eq(hc_backend_lxc.prepare(&n, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "did not start"));
    hc_backend_lxc.teardown(&n);
    hc_state_close(&st);
    ck_assert_int_ge(hc_cleanup(dir, NULL, &err), 0);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
}
END_TEST

/* A state file is only ever acted on inside its work directory: a record
 * naming a file elsewhere (or a container path) makes cleanup refuse,
 * before it removes anything. */
START_TEST(cleanup_refuses_records_outside_the_workdir)
{
    const char *dir = tl_tmpdir("state_foreign");
    char outside[1200], inside[1200], state[1200], text[4000];
    snprintf(outside, sizeof outside, "%s", tl_write(tl_tmpdir("state_foreign_other"), "keep.txt", "x"));
    hc_state st;
    hs_error err;
    ck_assert_int_eq(hc_state_open(&st, dir, &err), 0);
    snprintf(inside, sizeof inside, "%s/ours.disk", st.workdir);
    snprintf(state, sizeof state, "%s", st.path);
    hc_state_close(&st);
    static const char *const bad[] = {"file %s\nfile %s\n", "file %s/../../x\nfile %s\n", "lxc hpcsim-a/../b\n%s%s"};
    for (size_t i = 0; i < 3; i++) {
        FILE *w = fopen(inside, "w");
        fclose(w);
        if (i == 0)
            snprintf(text, sizeof text, bad[i], inside, outside);
        else if (i == 1)
            snprintf(text, sizeof text, bad[i], st.workdir, inside);
        else
            snprintf(text, sizeof text, bad[i], "", "");
        w = fopen(state, "w");
        fputs(text, w);
        fclose(w);
        ck_assert_int_eq(hc_cleanup(dir, NULL, &err), -1);
        ck_assert_msg(strstr(err.text, "is outside the work directory: refusing to clean up"), "%s", err.text);
        ck_assert(tl_exists(outside));
        ck_assert(tl_exists(inside)); /* nothing removed, not even what was ours */
    }
    /* the same file with only its own records is cleaned up */
    snprintf(text, sizeof text, "file %s\n", inside);
    FILE *w = fopen(state, "w");
    fputs(text, w);
    fclose(w);
    ck_assert_int_eq(hc_cleanup(dir, NULL, &err), 1);
    ck_assert(!tl_exists(inside));
    ck_assert(tl_exists(outside));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("backends");
    TCase *tc = tcase_create("backends");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, native_binds);
    tcase_add_test(tc, native_spawn_then_pause_at_once);
    tcase_add_test(tc, lxc_container_pinned);
    tcase_add_test(tc, cleanup_finds_unrecorded_containers);
    tcase_add_test(tc, lxc_refuses_impossible_pinning);
    tcase_add_test(tc, cleanup_refuses_records_outside_the_workdir);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
