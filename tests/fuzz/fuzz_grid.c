/* Fuzz target for hpcsim sweep's grid reader: any bytes either fail with
 * a message naming the source, or give points whose parameters all have
 * a name and a value, and distinct columns that some point sets. Grids
 * of more than 1,000 points are refused here, as grids of more than
 * 1,000,000 are (a unit test): inputs of a few hundred bytes that
 * expanded into up to a million points, and later up to 20,000, held the
 * target to about 1,300 executions a second (docs/testing.md "Fuzzing"). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sweep_grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sw_grid g;
    hs_error err = {0};
    if (sw_grid_parse_max(&g, (const char *)data, size, "fuzz.json", 1000, &err) < 0) {
        if (!err.text[0] || (strcmp(err.source, "fuzz.json") != 0 && strcmp(err.text, "out of memory") != 0))
            abort();
        return 0;
    }
    if (g.npoints == 0 || g.text_len != size || memcmp(g.text, data, size) != 0)
        abort();
    for (uint32_t i = 0; i < g.npoints; i++)
        for (unsigned k = 0; k < g.points[i].nparams; k++)
            if (!g.points[i].params[k].name || !g.points[i].params[k].value ||
                sw_point_get(&g.points[i], g.points[i].params[k].name) != g.points[i].params[k].value)
                abort();
    for (unsigned c = 0; c < g.ncolumns; c++) {
        for (unsigned d = 0; d < c; d++)
            if (strcmp(g.columns[c], g.columns[d]) == 0)
                abort();
        int set = 0;
        for (uint32_t i = 0; i < g.npoints && !set; i++)
            set = sw_point_get(&g.points[i], g.columns[c]) != NULL;
        if (!set)
            abort();
    }
    sw_grid_free(&g);
    return 0;
}
