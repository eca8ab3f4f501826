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
