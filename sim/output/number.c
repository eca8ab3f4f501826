/* One number format for every output file, so that runs compare byte for
 * byte: integers print without a fraction, others with 15 significant
 * digits (what a double round-trips for values read from SWF). */
#include <math.h>

#include "hpcsim/output.h"

void hs_write_number(FILE *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        fprintf(out, "%.0f", v == 0 ? 0.0 : v); /* no "-0" */
    else
        fprintf(out, "%.15g", v);
}
