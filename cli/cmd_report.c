/* `hpcsim report DIR -o report.html`: a run's folder or a sweep's. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "report.h"

static int fill_run(FILE *html, const void *dir, hs_error *err) { return hs_report_run(dir, html, err); }
static int fill_sweep(FILE *html, const void *dir, hs_error *err) { return hs_report_sweep(dir, html, err); }

static void report_usage(FILE *out)
{
    fputs("usage: hpcsim report RUN_DIR|SWEEP_DIR -o report.html\n"
          "\n"
          "One self-contained HTML page (inline SVG, no network reference; docs/report.md).\n"
          "Of a run's folder (hpcsim run --out): utilization and queue length over time, the\n"
          "wait-time CDF, bounded slowdown by job size, a Gantt chart under 2,000 jobs. Of a\n"
          "sweep's folder (hpcsim sweep --out): each figure of merit against each swept\n"
          "parameter with the replications' spread, and heatmaps when two are swept.\n",
          out);
}

static int is_file(const char *dir, const char *name)
{
    char path[4200];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int hs_cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        if (c == 'o')
            out = optarg;
        else if (c == 'h') {
            report_usage(stdout);
            return 0;
        } else {
            report_usage(stderr);
            return 2;
        }
    }
    if (!out || optind + 1 != argc) {
        report_usage(stderr);
        return 2;
    }
    const char *dir = argv[optind];
    bool sweep = is_file(dir, "grid.json");
    if (!sweep && !is_file(dir, "summary.json")) {
        fprintf(stderr, "hpcsim report: %s: neither a run's folder (summary.json) nor a sweep's (grid.json)\n", dir);
        return 1;
    }
    hs_error err = {0};
    if (hs_report_write(out, sweep ? fill_sweep : fill_run, dir, &err) < 0) {
        fputs("hpcsim report: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    return 0;
}
