/* hpcsim-calibrate report: of a run's log (paired slowdowns with
 * confidence intervals, launch latency), or, given MODEL.json, the
 * boundary report (how many nodes of each kind this host can emulate). */
#define _GNU_SOURCE
#include <limits.h>
#include <stdio.h>

#include "boundary.h"
#include "commands.h"
#include "report.h"

int hc_cmd_report(const hc_cli *cli)
{
    hs_error err;
    if (cli->nargs > 1) {
        fprintf(stderr, "hpcsim-calibrate report: unexpected argument '%s'\n", cli->args[1]);
        return 2;
    }
    if (cli->nargs == 1) {
        if (hc_boundary_report(cli->args[0], cli->tolerance, cli->output, stdout, &err) < 0) {
            fputs("hpcsim-calibrate report: ", stderr);
            hs_error_print(stderr, &err);
            return 1;
        }
        if (cli->output)
            printf("\nplots: %s\n", cli->output);
        return 0;
    }
    char log_path[PATH_MAX];
    snprintf(log_path, sizeof log_path, "%s/measurements.jsonl", cli->series.workdir);
    if (hc_report(log_path, cli->plan.seed, stdout, &err) < 0) {
        fputs("hpcsim-calibrate report: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    return 0;
}
