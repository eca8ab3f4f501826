/* One number format for every output file, so that runs compare byte for
 * byte: integers print without a fraction; other values below 10^9 print
 * with 9 decimals, trailing zeros dropped (nanoseconds: far below any time
 * in a trace); larger ones with 15 significant digits. Both common cases
 * are done with integer arithmetic: printf's floating-point formatting was
 * 40 % of a replay's time. */
#include <math.h>
#include <string.h>

#include "hpcsim/output.h"

static size_t format_integer(char *buf, unsigned long long u, int negative)
{
    char tmp[24], *p = tmp + sizeof tmp;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (negative)
        *--p = '-';
    size_t n = (size_t)(tmp + sizeof tmp - p);
    memcpy(buf, p, n);
    return n;
}

size_t hs_format_number(char *buf, double v)
{
    double a = fabs(v);
    if (v == floor(v) && a < 9007199254740992.0) /* 2^53: exact in a double */
        return format_integer(buf, (unsigned long long)a, v < 0);
    if (a < 1e9) {
        unsigned long long nano = (unsigned long long)llround(a * 1e9);
        unsigned long long whole = nano / 1000000000ull, frac = nano % 1000000000ull;
        if (frac == 0)
            return format_integer(buf, whole, v < 0);
        size_t n = format_integer(buf, whole, v < 0);
        buf[n++] = '.';
        for (unsigned long long div = 100000000ull; frac > 0; div /= 10) {
            buf[n++] = (char)('0' + frac / div);
            frac %= div;
        }
        return n;
    }
    int n = snprintf(buf, HS_NUMBER_MAX, "%.15g", v);
    return n > 0 ? (size_t)n : 0;
}

void hs_write_number(FILE *out, double v)
{
    char buf[HS_NUMBER_MAX];
    fwrite(buf, 1, hs_format_number(buf, v), out);
}
