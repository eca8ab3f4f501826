/* Error reporting shared by every module, after jansson's json_error_t:
 * library code never prints or exits; it fills an hs_error with the
 * source (a file name), the line and column, and a message. */
#ifndef HPCSIM_ERROR_H
#define HPCSIM_ERROR_H

#include <stdio.h>

#define HS_ERROR_TEXT_LENGTH 320
#define HS_ERROR_SOURCE_LENGTH 256

typedef struct hs_error {
    char text[HS_ERROR_TEXT_LENGTH];     /* the message, no trailing newline */
    char source[HS_ERROR_SOURCE_LENGTH]; /* file name, or "" when none */
    long line;                           /* 1-based; 0 when not applicable */
    int column;                          /* 1-based; 0 when not applicable */
} hs_error;

/* Fills err (when non-NULL) and returns -1, so callers can write
 * `return hs_error_set(err, ...);`. */
int hs_error_set(hs_error *err, const char *source, long line, int column,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Prints "source:line:col: text" (parts that are unset are left out). */
void hs_error_print(FILE *out, const hs_error *err);

#endif
