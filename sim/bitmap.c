/* Word-at-a-time bit set operations for resource maps (see bitmap.h). */
#include "hpcsim/bitmap.h"

#include <stdlib.h>

#define WORD_BITS 64u

int hs_bitmap_init(hs_bitmap *b, uint64_t nbits)
{
    uint64_t nwords = (nbits + WORD_BITS - 1) / WORD_BITS;
    b->words = calloc(nwords ? nwords : 1, sizeof *b->words);
    b->nbits = nbits;
    return b->words ? 0 : -1;
}

void hs_bitmap_free(hs_bitmap *b)
{
    free(b->words);
    b->words = NULL;
    b->nbits = 0;
}

/* Mask of bits [lo, hi) within one word, 0 <= lo < hi <= 64. */
static uint64_t word_mask(unsigned lo, unsigned hi)
{
    uint64_t upper = hi == WORD_BITS ? ~0ull : ((1ull << hi) - 1);
    return upper & ~((1ull << lo) - 1);
}

/* Applies op to each word piece of [first, first+count): op 0 clears,
 * 1 sets, 2 tests all set, 3 tests any set. */
static bool range_op(hs_bitmap *b, uint64_t first, uint64_t count, int op)
{
    uint64_t end = first + count;
    while (first < end) {
        uint64_t w = first / WORD_BITS;
        unsigned lo = (unsigned)(first % WORD_BITS);
        unsigned hi = (end - w * WORD_BITS) >= WORD_BITS ? WORD_BITS
                                                         : (unsigned)(end - w * WORD_BITS);
        uint64_t m = word_mask(lo, hi);
        switch (op) {
        case 0: b->words[w] &= ~m; break;
        case 1: b->words[w] |= m; break;
        case 2: if ((b->words[w] & m) != m) return false; break;
        default: if (b->words[w] & m) return true; break;
        }
        first = (w + 1) * WORD_BITS;
    }
    return op == 2;
}

void hs_bitmap_set_range(hs_bitmap *b, uint64_t first, uint64_t count) { range_op(b, first, count, 1); }
void hs_bitmap_clear_range(hs_bitmap *b, uint64_t first, uint64_t count) { range_op(b, first, count, 0); }

bool hs_bitmap_all_set(const hs_bitmap *b, uint64_t first, uint64_t count)
{
    return range_op((hs_bitmap *)b, first, count, 2);
}

bool hs_bitmap_any_set(const hs_bitmap *b, uint64_t first, uint64_t count)
{
    return range_op((hs_bitmap *)b, first, count, 3);
}

bool hs_bitmap_test(const hs_bitmap *b, uint64_t bit)
{
    return (b->words[bit / WORD_BITS] >> (bit % WORD_BITS)) & 1u;
}

static uint64_t next_matching(const hs_bitmap *b, uint64_t from, uint64_t limit, uint64_t flip)
{
    while (from < limit) {
        uint64_t w = from / WORD_BITS;
        uint64_t bits = (b->words[w] ^ flip) & ~((1ull << (from % WORD_BITS)) - 1);
        if (bits) {
            uint64_t found = w * WORD_BITS + (uint64_t)__builtin_ctzll(bits);
            return found < limit ? found : limit;
        }
        from = (w + 1) * WORD_BITS;
    }
    return limit;
}

uint64_t hs_bitmap_next_set(const hs_bitmap *b, uint64_t from, uint64_t limit)
{
    return next_matching(b, from, limit, 0);
}

uint64_t hs_bitmap_next_clear(const hs_bitmap *b, uint64_t from, uint64_t limit)
{
    return next_matching(b, from, limit, ~0ull);
}
