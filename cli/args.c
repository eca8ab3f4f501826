/* Flag value parsing (args.h). */
#include "args.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int hs_arg_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno == ERANGE || text[0] == '-' || v < min || v > max) {
        fprintf(stderr, "hpcsim: %s: '%s' is not an integer in [%llu, %llu]\n", flag, text, (unsigned long long)min,
                (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

int hs_arg_double(const char *flag, const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !(v >= min && v <= max)) {
        fprintf(stderr, "hpcsim: %s: '%s' is not a number in [%g, %g]\n", flag, text, min, max);
        return -1;
    }
    *out = v;
    return 0;
}

int hs_arg_bytes(const char *flag, const char *text, uint64_t min, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    int shift = *end == 'K' ? 10 : *end == 'M' ? 20 : *end == 'G' ? 30 : *end == 'T' ? 40 : 0;
    if (shift)
        end++;
    if (end == text || *end != '\0' || errno == ERANGE || text[0] == '-' || v > (UINT64_MAX >> shift) ||
        (v << shift) < min) {
        fprintf(stderr, "hpcsim: %s: '%s' is not a size of at least %llu MiB (a number of bytes, or with K, M, G or T)\n",
                flag, text, (unsigned long long)(min >> 20));
        return -1;
    }
    *out = v << shift;
    return 0;
}
