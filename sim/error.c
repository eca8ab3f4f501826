/* hs_error: the one way library code reports a failure (see error.h). */
#include "hpcsim/error.h"

#include <stdarg.h>
#include <string.h>

int hs_error_set(hs_error *err, const char *source, long line, int column, const char *fmt, ...)
{
    if (!err)
        return -1;
    snprintf(err->source, sizeof err->source, "%s", source ? source : "");
    err->line = line;
    err->column = column;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return -1;
}

void hs_error_print(FILE *out, const hs_error *err)
{
    if (err->source[0]) {
        fputs(err->source, out);
        if (err->line > 0) {
            fprintf(out, ":%ld", err->line);
            if (err->column > 0)
                fprintf(out, ":%d", err->column);
        }
        fputs(": ", out);
    }
    fprintf(out, "%s\n", err->text[0] ? err->text : "unknown error");
}
