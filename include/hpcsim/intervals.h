/* A set of resource unit ids kept as sorted, disjoint, non-adjacent
 * ranges. Allocations are stored this way because jobs mostly get
 * contiguous runs of nodes or cores: "0-127" costs one pair, not 128 ids.
 * The text form is Batsim's: ranges separated by spaces, "3" or "0-7". */
#ifndef HPCSIM_INTERVALS_H
#define HPCSIM_INTERVALS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct hs_range {
    uint32_t first;
    uint32_t count;
} hs_range;

typedef struct hs_intervals {
    hs_range *r;
    uint32_t n;
    uint32_t cap;
} hs_intervals;

void hs_intervals_free(hs_intervals *iv);
void hs_intervals_reset(hs_intervals *iv);

/* Appends [first, first+count); first must not precede the last range's
 * end. Adjacent ranges are merged. -1 on ENOMEM. */
int hs_intervals_append(hs_intervals *iv, uint32_t first, uint32_t count);

uint64_t hs_intervals_total(const hs_intervals *iv);

/* Writes the Batsim text form ("0-3 8 10-11") to out. */
int hs_intervals_write(const hs_intervals *iv, FILE *out);

/* Parses the text form of len bytes; ranges must be increasing.
 * Returns 0, or -1 with a short reason in *why. */
int hs_intervals_parse(hs_intervals *iv, const char *text, size_t len, const char **why);

#endif
