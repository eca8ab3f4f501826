/* hpcsim-calibrate run, killed: after a SIGKILL mid-series, `cleanup`
 * leaves no container, process or cgroup, and `run --resume` then runs
 * exactly the blocks that were missing. A SIGTERM tears down by itself.
 * Drives the real program, with real containers (root needed); and its
 * `plan`, which shows the KVM layouts' vCPU maps. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "state.h"
#include "testlib.h"

#define PLAN "--backends", "native,lxc", "--benches", "compute,pipe", "--load-kinds", "mem", "--max-corunners", "1", \
             "--host-levels", "idle", "--reps", "2", "--seconds", "0.2", "--seed", "7"
#define NBLOCKS 8 /* 2 benchmarks × (k = 0, k = 1 mem) × idle × 2 repetitions */

/* Starts a run; a workdir without '/' is taken relative to HS_TMP, which
 * the child makes its current directory (the default --workdir is relative). */
static pid_t start(const char *workdir, const char *extra)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (!strchr(workdir, '/') && chdir(HS_TMP) < 0)
            _exit(126);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        if (extra)
            execl(HS_CALIBRATE, HS_CALIBRATE, "run", "--workdir", workdir, PLAN, extra, (char *)NULL);
        else
            execl(HS_CALIBRATE, HS_CALIBRATE, "run", "--workdir", workdir, PLAN, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int wait_status(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Counts block_done lines, copying their block ids into ids (up to cap). */
static int count_done(const char *workdir, char ids[][112], int cap)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/measurements.jsonl", workdir);
    FILE *f = fopen(path, "r");
    int n = 0;
    char line[16384];
    while (f && fgets(line, sizeof line, f)) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        if (j && json_is_true(json_object_get(j, "block_done"))) {
            if (ids && n < cap)
                snprintf(ids[n], 112, "%s", json_string_value(json_object_get(j, "block")));
            n++;
        }
        json_decref(j);
    }
    if (f)
        fclose(f);
    return n;
}

static void wait_for_blocks(const char *workdir, int n)
{
    for (int i = 0; i < 600 && count_done(workdir, NULL, 0) < n; i++)
        usleep(50000);
    ck_assert_int_ge(count_done(workdir, NULL, 0), n);
}

/* Our containers' cgroups anywhere under /sys/fs/cgroup, and their monitors. */
static int host_leftovers(void)
{
    int n = 0;
    char cmd[] = "find /sys/fs/cgroup -maxdepth 2 -name 'lxc.*." HC_NAME_PREFIX "*' 2>/dev/null | wc -l";
    FILE *p = popen(cmd, "r");
    if (p && fscanf(p, "%d", &n) != 1)
        n = -1;
    if (p)
        pclose(p);
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[300], buf[512] = "";
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        FILE *f = fopen(path, "r");
        size_t got = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
        if (f)
            fclose(f);
        buf[got] = '\0';
        for (size_t i = 0; i < got; i++)
            if (!buf[i])
                buf[i] = ' ';
        if (strstr(buf, "[lxc monitor]") && strstr(buf, HC_NAME_PREFIX))
            n++;
    }
    if (d)
        closedir(d);
    return n;
}

START_TEST(kill9_cleanup_resume)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP kill9_cleanup_resume: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("calib_kill");
    pid_t pid = start(dir, NULL);
    wait_for_blocks(dir, 2);
    usleep(250000); /* inside a block: containers and stressors exist */
    kill(pid, SIGKILL);
    wait_status(pid);
    char before[NBLOCKS][112];
    int ndone = count_done(dir, before, NBLOCKS);
    ck_assert_int_lt(ndone, NBLOCKS);
    ck_assert_int_gt(hc_leftovers(dir, NULL) + host_leftovers(), 0); /* the kill left something to clean */

    pid_t c = fork();
    if (c == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        execl(HS_CALIBRATE, HS_CALIBRATE, "cleanup", "--workdir", dir, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(wait_status(c), 0);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    ck_assert_int_eq(host_leftovers(), 0);

    /* without --resume the log is not touched */
    ck_assert_int_eq(wait_status(start(dir, NULL)), 1);
    ck_assert_int_eq(count_done(dir, NULL, 0), ndone);
    /* --resume runs exactly what was missing */
    ck_assert_int_eq(wait_status(start(dir, "--resume")), 0);
    char after[2 * NBLOCKS][112];
    int total = count_done(dir, after, 2 * NBLOCKS);
    ck_assert_int_eq(total, NBLOCKS);
    for (int i = 0; i < total; i++)
        for (int k = i + 1; k < total; k++)
            ck_assert_msg(strcmp(after[i], after[k]) != 0, "block %s ran twice", after[i]);
    for (int i = 0; i < ndone; i++)
        ck_assert_str_eq(after[i], before[i]); /* the first ones are kept, in place */
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    ck_assert_int_eq(host_leftovers(), 0);
}
END_TEST

/* A record cut by a kill -9 is removed before --resume appends: appended
 * to, it would swallow the next record (every line must stay whole). */
START_TEST(resume_after_a_cut_record)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP resume_after_a_cut_record: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("calib_cut");
    ck_assert_int_eq(wait_status(start(dir, "--max-blocks=1")), 0);
    char path[1200];
    snprintf(path, sizeof path, "%s/measurements.jsonl", dir);
    char *text = tl_read(path, NULL);
    size_t first = strcspn(text, "\n");
    FILE *f = fopen(path, "a");
    fwrite(text, 1, first / 2, f); /* half a record, as a kill leaves it */
    fclose(f);
    free(text);
    ck_assert_int_eq(wait_status(start(dir, "--resume")), 0);
    ck_assert_int_eq(count_done(dir, NULL, 0), NBLOCKS);
    f = fopen(path, "r");
    char line[16384];
    for (int n = 1; fgets(line, sizeof line, f); n++) {
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        ck_assert_msg(j != NULL, "line %d of the log is not a whole record: %.80s", n, line);
        json_decref(j);
    }
    fclose(f);
}
END_TEST

START_TEST(sigterm_tears_down)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP sigterm_tears_down: %s\n", why);
        return;
    }
    const char *dir = tl_tmpdir("calib_term");
    pid_t pid = start(strrchr(dir, '/') + 1, NULL); /* relative: liblxc needs the absolute lxcpath we make of it */
    wait_for_blocks(dir, 1);
    usleep(250000);
    kill(pid, SIGTERM);
    ck_assert_int_eq(wait_status(pid), 130);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    ck_assert_int_eq(host_leftovers(), 0);
}
END_TEST

/* A work directory named to break out of a shell (paths come from users,
 * and this program runs as root): a real native and LXC series, killed,
 * cleaned up and resumed in it, never runs the command in its name. */
START_TEST(hostile_workdir_runs_no_shell)
{
    char why[256];
    if (!hc_backend_lxc.probe(why, sizeof why)) {
        fprintf(stderr, "SKIP hostile_workdir_runs_no_shell: %s\n", why);
        return;
    }
    const char *base = tl_tmpdir("calib_hostile");
    char dir[1400], marker[1400];
    snprintf(dir, sizeof dir, "%s/a b'c\"$(touch X);d", base);
    snprintf(marker, sizeof marker, "%s/X", base);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) { /* from base, where a shell would make X */
        int null = open("/dev/null", O_WRONLY);
        if (chdir(base) < 0)
            _exit(126);
        dup2(null, 1);
        dup2(null, 2);
        execl(HS_CALIBRATE, HS_CALIBRATE, "run", "--workdir", dir, PLAN, (char *)NULL);
        _exit(127);
    }
    wait_for_blocks(dir, 1);
    usleep(250000); /* inside a block: a container exists */
    kill(pid, SIGKILL);
    wait_status(pid);
    pid_t c = fork();
    if (c == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (chdir(base) < 0)
            _exit(126);
        dup2(null, 1);
        execl(HS_CALIBRATE, HS_CALIBRATE, "cleanup", "--workdir", dir, (char *)NULL);
        _exit(127);
    }
    ck_assert_int_eq(wait_status(c), 0);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    ck_assert_int_eq(host_leftovers(), 0);
    ck_assert_int_eq(wait_status(start(dir, "--resume")), 0);
    ck_assert_int_eq(count_done(dir, NULL, 0), NBLOCKS);
    ck_assert_int_eq(hc_leftovers(dir, stderr), 0);
    ck_assert_int_eq(host_leftovers(), 0);
    ck_assert_msg(!tl_exists(marker), "a shell ran the work directory's name");
    ck_assert(!tl_exists("X"));
}
END_TEST

/* Runs `hpcsim-calibrate plan` with the given options; stdout and stderr
 * into out and err (files under dir). Returns the exit status. */
static int plan_to(const char *dir, const char *out, const char *err, const char *topology, const char *layouts)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        if (chdir(dir) < 0)
            _exit(126);
        int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600), e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(o, 1);
        dup2(e, 2);
        execl(HS_CALIBRATE, HS_CALIBRATE, "plan", "--topology", topology, "--backends", "native,kvm", "--layouts",
              layouts, "--vcpus", "4", "--housekeeping", "1", "--benches", "compute", "--max-corunners", "0",
              "--host-levels", "idle", (char *)NULL);
        _exit(127);
    }
    return wait_status(pid);
}

/* `plan` shows each pinned layout's vCPU map for KVM nodes and what hwloc
 * says of it (docs/calibration.md "Layouts"); kubevirt is refused on a
 * host without SMT. No root needed: nothing starts. */
START_TEST(plan_shows_the_kubevirt_map)
{
    const char *dir = tl_tmpdir("calib_plan");
    ck_assert_int_eq(plan_to(dir, "out", "err", "Package:2 [NUMANode] Core:8 PU:2(indexes=2*16:1*2)", "vtune,kubevirt"),
                     0);
    char path[1200];
    snprintf(path, sizeof path, "%s/out", dir);
    char *out = tl_read(path, NULL);
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(strstr(out, "kvm node 0 under vtune: vCPU->CPU 0->1 1->17 2->2 3->18; guest cores of 2 threads on "
                              "two or more host cores (hwloc): 0 of 2; emulator threads on 0,16\n"),
                  "%s", out);
    ck_assert_msg(strstr(out, "kvm node 0 under kubevirt: vCPU->CPU 0->1 1->2 2->17 3->18; guest cores of 2 threads "
                              "on two or more host cores (hwloc): 2 of 2; emulator threads on 1-2,17-18\n"),
                  "%s", out);
    free(out);
    ck_assert_int_eq(plan_to(dir, "out", "err", "pack:1 core:8 pu:1", "kubevirt"), 1);
    snprintf(path, sizeof path, "%s/err", dir);
    char *err = tl_read(path, NULL);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(strstr(err, "kubevirt needs a host with SMT") != NULL, "%s", err);
    free(err);
    snprintf(path, sizeof path, "%s/out", dir);
    out = tl_read(path, NULL);
    ck_assert_str_eq(out, ""); /* a refused plan prints nothing */
    free(out);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("calibrate_run");
    TCase *tc = tcase_create("calibrate_run");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, kill9_cleanup_resume);
    tcase_add_test(tc, resume_after_a_cut_record);
    tcase_add_test(tc, sigterm_tears_down);
    tcase_add_test(tc, hostile_workdir_runs_no_shell);
    tcase_add_test(tc, plan_shows_the_kubevirt_map);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
