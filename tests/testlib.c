/* Test helpers (testlib.h). */
#define _POSIX_C_SOURCE 200809L
#include "testlib.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hpcsim/check.h"

static void rm_rf(const char *path)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    ck_assert_int_eq(system(cmd), 0);
}

const char *tl_tmpdir(const char *name)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    mkdir(HS_TMP, 0777);
    snprintf(p, 1024, "%s/%s.%ld", HS_TMP, name, (long)getpid());
    rm_rf(p);
    ck_assert_msg(mkdir(p, 0777) == 0, "mkdir %s: %s", p, strerror(errno));
    return p;
}

const char *tl_write(const char *dir, const char *name, const char *text)
{
    static char buf[8][1024];
    static int k;
    char *p = buf[k++ % 8];
    snprintf(p, 1024, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    ck_assert_msg(f != NULL, "cannot write %s", p);
    fputs(text, f);
    fclose(f);
    return p;
}

bool tl_exists(const char *path) { return access(path, F_OK) == 0; }

char *tl_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            buf = realloc(buf, (cap *= 2) + 1);
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int tl_cli(char **err_text, const char *const *argv)
{
    char errpath[1100];
    snprintf(errpath, sizeof errpath, "%s/cli-stderr.%ld", HS_TMP, (long)getpid());
    mkdir(HS_TMP, 0777);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        dup2(devnull, 1);
        const char *args[64] = {HS_CLI};
        int n = 1;
        for (; argv[n - 1] && n < 63; n++)
            args[n] = argv[n - 1];
        args[n] = NULL;
        execv(HS_CLI, (char *const *)args);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    if (err_text)
        *err_text = tl_read(errpath, NULL);
    unlink(errpath);
    ck_assert_msg(WIFEXITED(status), "hpcsim did not exit normally (signal %d)",
                  WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return WEXITSTATUS(status);
}

void tl_replay(const char *name, const char *swf_text, hs_run_config *cfg, tl_result *res)
{
    const char *dir = tl_tmpdir(name);
    static char outs[4][1100]; /* cfg->out_dir points here after we return */
    static int k;
    char *out = outs[k++ % 4];
    snprintf(out, sizeof outs[0], "%s/out", dir);
    cfg->trace_path = tl_write(dir, "trace.swf", swf_text);
    cfg->out_dir = out;
    hs_error err;
    memset(res, 0, sizeof *res);
    ck_assert_msg(hs_run(cfg, &res->m, &err) == 0, "%s: run failed: %s:%ld: %s", name, err.source, err.line, err.text);
    hs_check_report rep;
    ck_assert_msg(hs_check_outdir(out, &rep, &err) == 0, "%s: checker: %s:%ld: %s", name, err.source, err.line,
                  err.text);
    for (int i = 0; i < TL_MAX_JOBS; i++)
        res->start[i] = res->end[i] = -1;
    char path[1200];
    snprintf(path, sizeof path, "%s/jobs.csv", out);
    FILE *f = fopen(path, "r");
    ck_assert(f != NULL);
    char line[1024];
    ck_assert(fgets(line, sizeof line, f) != NULL); /* header */
    while (fgets(line, sizeof line, f)) {
        long id;
        double submit, req, start, exec, finish;
        unsigned nres;
        char alloc[64], state[32];
        int got = sscanf(line, "%ld,%lf,%u,%lf,%lf,%lf,%lf,%*[^,],%*[^,],%*[^,],%63[^,],%31[^\n]", &id, &submit,
                         &nres, &req, &start, &exec, &finish, alloc, state);
        if (got != 9) /* stretch may be empty */
            got = sscanf(line, "%ld,%lf,%u,%lf,%lf,%lf,%lf,%*[^,],%*[^,],,%63[^,],%31[^\n]", &id, &submit, &nres,
                         &req, &start, &exec, &finish, alloc, state);
        ck_assert_msg(got == 9, "cannot read row: %s", line);
        ck_assert(id >= 1 && id <= TL_MAX_JOBS);
        res->start[id - 1] = start;
        res->end[id - 1] = finish;
        snprintf(res->alloc[id - 1], sizeof res->alloc[0], "%s", alloc);
        snprintf(res->state[id - 1], sizeof res->state[0], "%s", state);
    }
    fclose(f);
}

bool tl_shared_traces(const char *who)
{
    if (access(HS_SHARED_TRACES "/README.md", R_OK) == 0)
        return true;
    fprintf(stderr, "SKIP %s: %s is absent; the real-trace tests need ../shared beside the checkout\n", who,
            HS_SHARED_TRACES);
    return false;
}

int tl_run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

void tl_swf_job(char *buf, size_t cap, int id, double submit, double run, int procs, double req)
{
    size_t n = strlen(buf);
    snprintf(buf + n, cap - n, "%d %.0f -1 %.0f %d -1 -1 %d %.0f -1 1 -1 -1 -1 -1 -1 -1 -1\n", id, submit, run, procs,
             procs, req);
}

void tl_last_cpu(char *out, size_t cap)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(out, cap, "%ld", n > 1 ? n - 1 : 0);
}
