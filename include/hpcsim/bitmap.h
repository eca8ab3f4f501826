/* A fixed-size bit set over resource units (nodes or cores). Sets are
 * 64-bit words, so a 100,000-node cluster costs 12.5 KB and range
 * operations touch a word, not a bit, at a time. */
#ifndef HPCSIM_BITMAP_H
#define HPCSIM_BITMAP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct hs_bitmap {
    uint64_t *words;
    uint64_t nbits;
} hs_bitmap;

int hs_bitmap_init(hs_bitmap *b, uint64_t nbits); /* all clear; -1 on ENOMEM */
void hs_bitmap_free(hs_bitmap *b);

void hs_bitmap_set_range(hs_bitmap *b, uint64_t first, uint64_t count);
void hs_bitmap_clear_range(hs_bitmap *b, uint64_t first, uint64_t count);
bool hs_bitmap_test(const hs_bitmap *b, uint64_t bit);
bool hs_bitmap_all_set(const hs_bitmap *b, uint64_t first, uint64_t count);
bool hs_bitmap_any_set(const hs_bitmap *b, uint64_t first, uint64_t count);

/* Index of the first set bit in [from, limit), or limit when none. */
uint64_t hs_bitmap_next_set(const hs_bitmap *b, uint64_t from, uint64_t limit);
/* Index of the first clear bit in [from, limit), or limit when none. */
uint64_t hs_bitmap_next_clear(const hs_bitmap *b, uint64_t from, uint64_t limit);

#endif
