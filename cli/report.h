/* `hpcsim report`: one self-contained HTML page of a run's folder or of a
 * sweep's folder (docs/report.md), drawn with hpcsim/svg.h, and of a
 * lock-step check (docs/slurm-verify.md). Each writes to an open file;
 * its command makes it appear whole or not at all. */
#ifndef HPCSIM_CLI_REPORT_H
#define HPCSIM_CLI_REPORT_H

#include <stdio.h>

#include "hpcsim/error.h"
#include "hpcsim/verify.h"

int hs_report_run(const char *dir, FILE *html, hs_error *err);
int hs_report_sweep(const char *dir, FILE *html, hs_error *err);
/* `hpcsim slurm-verify --report`: the check's figures, explaining up to
 * `show` disagreements. */
int hs_report_verify(const hs_verify_result *r, const char *real_path, unsigned show, FILE *html, hs_error *err);
/* Writes the page at out whole or not at all: fill() writes it to a
 * temporary file that then takes out's name (report_file.c). */
int hs_report_write(const char *out, int (*fill)(FILE *html, const void *ctx, hs_error *err), const void *ctx,
                    hs_error *err);

#endif
