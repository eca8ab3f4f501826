/* One number format for every output file, so that runs compare byte for
 * byte: integers print without a fraction, others with 15 significant
 * digits (what a double round-trips for values read from SWF). Nearly all
 * values are whole seconds, so integers take a short path of their own:
 * printf's floating-point formatting was 40 % of a replay's time. */
#include <math.h>

#include "hpcsim/output.h"

void hs_write_number(FILE *out, double v)
{
    if (v == floor(v) && fabs(v) < 9007199254740992.0) { /* 2^53: exact in a double */
        char buf[24], *p = buf + sizeof buf;
        long long x = (long long)v;
        unsigned long long u = x < 0 ? 0ull - (unsigned long long)x : (unsigned long long)x;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (x < 0)
            *--p = '-';
        fwrite(p, 1, (size_t)(buf + sizeof buf - p), out);
    } else {
        fprintf(out, "%.15g", v);
    }
}
