/* A sweep's grid file (docs/sweep.md): which points to run, each a list of
 * `hpcsim run` (and `hpcsim gen`) parameters. The file is read whole and
 * checked before anything runs: an unknown parameter or a value of the
 * wrong type is an error naming the file and the field; a value that only
 * a run can judge (a missing trace, nodes = 0) fails that point alone. */
#ifndef HPCSIM_CLI_SWEEP_GRID_H
#define HPCSIM_CLI_SWEEP_GRID_H

#include <stddef.h>
#include <stdint.h>

#include "hpcsim/error.h"

typedef struct sw_param {
    char *name;  /* "policy", "policy-opt.queue-depth", "gen.load", "replication" */
    char *value; /* as text: "easy", "32", "0.75", "true" */
} sw_param;

typedef struct sw_point {
    sw_param *params; /* base, then the point's own, then the grid's, then its replication */
    unsigned nparams;
} sw_point;

typedef struct sw_grid {
    char *text;      /* the file as read: copied beside the results, to check a resume */
    size_t text_len;
    sw_point *points;
    uint32_t npoints;
    char **columns;  /* every parameter any point sets, the base's first: the CSV's columns */
    unsigned ncolumns;
} sw_grid;

/* Reads and expands path. -1 with err naming the file and field. */
int sw_grid_load(sw_grid *g, const char *path, hs_error *err);
/* The same from text already read (for merge and the fuzz target). */
int sw_grid_parse(sw_grid *g, const char *text, size_t len, const char *source, hs_error *err);
/* The same with another limit on the points than SW_GRID_MAX_POINTS (the
 * fuzz target's, so that an input of a few hundred bytes does not expand
 * into a million points each time). */
#define SW_GRID_MAX_POINTS 1000000u
int sw_grid_parse_max(sw_grid *g, const char *text, size_t len, const char *source, uint32_t max_points,
                      hs_error *err);
void sw_grid_free(sw_grid *g);

/* The shortest text that reads back as x (at least 12 significant
 * digits, summary.json's; integers without a fraction): how a grid's
 * numbers and the table's figures are written. */
void sw_number_text(double x, char *buf, size_t len);

/* The value of a parameter of p, or NULL. */
const char *sw_point_get(const sw_point *p, const char *name);

#endif
