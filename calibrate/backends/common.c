/* Helpers every backend uses (backend.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"

double hc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

volatile int hc_stop_requested;

int hc_collect(pid_t pid, int fd, double timeout, char *out, size_t cap, const char *what, hs_error *err)
{
    size_t len = 0;
    double deadline = hc_now() + timeout;
    int open_fd = fd >= 0;
    for (;;) {
        int status;
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid && !open_fd) {
            out[len < cap ? len : cap - 1] = '\0';
            return status;
        }
        double left = deadline - hc_now();
        if (left <= 0 || hc_stop_requested) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            if (fd >= 0)
                close(fd);
            return hc_stop_requested ? hs_error_set(err, what, 0, 0, "interrupted")
                                     : hs_error_set(err, what, 0, 0, "no answer within %.0f s (killed)", timeout);
        }
        if (open_fd) {
            struct pollfd p = {fd, POLLIN, 0};
            if (poll(&p, 1, left > 0.05 ? 50 : (int)(left * 1000) + 1) > 0) {
                char buf[4096];
                ssize_t r = read(fd, buf, sizeof buf);
                if (r > 0) {
                    size_t take = len + (size_t)r < cap ? (size_t)r : (len < cap ? cap - 1 - len : 0);
                    memcpy(out + len, buf, take);
                    len += take;
                } else if (r == 0 || (r < 0 && errno != EINTR)) {
                    close(fd);
                    open_fd = 0;
                }
            }
            if (w == pid) { /* exited; drain what is left */
                char buf[4096];
                ssize_t r;
                while ((r = read(fd, buf, sizeof buf)) > 0) {
                    size_t take = len + (size_t)r < cap ? (size_t)r : (len < cap ? cap - 1 - len : 0);
                    memcpy(out + len, buf, take);
                    len += take;
                }
                close(fd);
                out[len < cap ? len : cap - 1] = '\0';
                return status;
            }
        } else {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
}

int hc_cpus_allowed(pid_t pid, char *out, size_t cap)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int rc = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, "Cpus_allowed_list:", 18) == 0) {
            char *v = line + 18 + strspn(line + 18, " \t");
            v[strcspn(v, "\n")] = '\0';
            snprintf(out, cap, "%s", v);
            rc = 0;
        }
    fclose(f);
    return rc;
}

int hc_launch_latency(const hc_backend_ops *b, hc_node *n, double *seconds, hs_error *err)
{
    char out[256];
    char *argv[] = {"/bin/true", NULL};
    double t0 = hc_now();
    if (b->prepare(n, err) < 0)
        return -1;
    int rc = b->run(n, argv, 30, out, sizeof out, err);
    b->teardown(n);
    *seconds = hc_now() - t0;
    return rc < 0 ? -1 : 0;
}

void hc_sleep(double s)
{
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    nanosleep(&ts, NULL);
}
