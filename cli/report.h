/* `hpcsim report`: one self-contained HTML page of a run's folder or of a
 * sweep's folder (docs/report.md), drawn with hpcsim/svg.h. Each writes
 * to an open file; cmd_report.c makes it appear whole or not at all. */
#ifndef HPCSIM_CLI_REPORT_H
#define HPCSIM_CLI_REPORT_H

#include <stdio.h>

#include "hpcsim/error.h"

int hs_report_run(const char *dir, FILE *html, hs_error *err);
int hs_report_sweep(const char *dir, FILE *html, hs_error *err);

#endif
