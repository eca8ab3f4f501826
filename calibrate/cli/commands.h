/* hpcsim-calibrate's subcommands, one file each (cmd_*.c); main.c parses
 * the options they share into hc_cli and calls one of them. */
#ifndef HPCSIM_CALIBRATE_COMMANDS_H
#define HPCSIM_CALIBRATE_COMMANDS_H

#include <stdbool.h>

#include "plan.h"
#include "series.h"

typedef struct hc_cli {
    hc_plan_config plan;
    hc_series_options series;
    const char *topology;    /* --topology */
    char bench_bin[4096];    /* --bench-bin, or hpcsim-bench next to this program */
    const char *output;      /* -o */
    const char *note;        /* --note */
    double tolerance;        /* --tolerance, as a fraction */
    int nargs;               /* operands after the options */
    char **args;
} hc_cli;

int hc_cmd_probe(const hc_cli *cli);
int hc_cmd_fit(const hc_cli *cli);
int hc_cmd_report(const hc_cli *cli);
int hc_cmd_cleanup(const hc_cli *cli);
/* plan (print it) and run (measure it) share the plan's checks. */
int hc_cmd_plan(const hc_cli *cli);
int hc_cmd_run(const hc_cli *cli);

#endif
