/* A report page written whole or not at all (report.h): under a
 * temporary name beside it, put in place by hs_file_commit once filled. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hpcsim/file.h"
#include "report.h"

int hs_report_write(const char *out, int (*fill)(FILE *html, const void *ctx, hs_error *err), const void *ctx,
                    hs_error *err)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", out, (long)getpid());
    FILE *h = fopen(tmp, "w");
    if (!h)
        return hs_error_set(err, out, 0, 0, "cannot write: %s", strerror(errno));
    if (fill(h, ctx, err) < 0) {
        fclose(h);
        unlink(tmp);
        return -1;
    }
    return hs_file_commit(h, tmp, out, err);
}
