/* Kubernetes quantities (quantity.h). */
#include "quantity.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "res.h"

int vc_quantity_parse(const char *text, int dim, double *out)
{
    static const struct {
        const char *suffix;
        double factor;
    } suffixes[] = {{"", 1},       {"m", 1e-3},          {"k", 1e3},          {"M", 1e6},
                    {"G", 1e9},    {"T", 1e12},          {"Ki", 1024.0},      {"Mi", 1048576.0},
                    {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !isfinite(v) || v < 0)
        return -1;
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++)
        if (!strcmp(end, suffixes[i].suffix)) {
            v *= suffixes[i].factor;
            /* cpu and GPUs are counted in thousandths */
            *out = dim == VC_MEM ? v : v * 1000;
            return isfinite(*out) ? 0 : -1;
        }
    return -1;
}
