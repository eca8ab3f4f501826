/* Strict number parsing for command-line flags: the whole word must be a
 * number in range, or the flag is named in the error. */
#ifndef HPCSIM_CLI_ARGS_H
#define HPCSIM_CLI_ARGS_H

#include <stdint.h>

int hs_arg_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out);
/* A finite number (strtod's syntax) in [min, max]. */
int hs_arg_double(const char *flag, const char *text, double min, double max, double *out);
/* A size in bytes: digits, then K, M, G or T (powers of 1024) or nothing. */
int hs_arg_bytes(const char *flag, const char *text, uint64_t min, uint64_t *out);

#endif
