/* Bit sets: range operations across word boundaries, searches. */
#include "hpcsim/bitmap.h"
#include "testlib.h"

START_TEST(ranges_across_words)
{
    hs_bitmap b;
    ck_assert_int_eq(hs_bitmap_init(&b, 200), 0);
    ck_assert(!hs_bitmap_any_set(&b, 0, 200));
    hs_bitmap_set_range(&b, 60, 80); /* 60..139 spans three words */
    ck_assert(hs_bitmap_all_set(&b, 60, 80));
    ck_assert(!hs_bitmap_all_set(&b, 59, 2));
    ck_assert(!hs_bitmap_test(&b, 140));
    ck_assert(hs_bitmap_test(&b, 139));
    ck_assert_uint_eq(hs_bitmap_next_set(&b, 0, 200), 60);
    ck_assert_uint_eq(hs_bitmap_next_clear(&b, 60, 200), 140);
    ck_assert_uint_eq(hs_bitmap_next_set(&b, 140, 200), 200);
    hs_bitmap_clear_range(&b, 64, 64); /* exactly word 1 */
    ck_assert(hs_bitmap_all_set(&b, 60, 4));
    ck_assert(!hs_bitmap_any_set(&b, 64, 64));
    ck_assert(hs_bitmap_all_set(&b, 128, 12));
    ck_assert_uint_eq(hs_bitmap_next_set(&b, 64, 200), 128);
    ck_assert_uint_eq(hs_bitmap_next_set(&b, 64, 100), 100); /* limit respected */
    hs_bitmap_free(&b);
}
END_TEST

START_TEST(large_map_is_cheap)
{
    hs_bitmap b;
    ck_assert_int_eq(hs_bitmap_init(&b, 1000000), 0);
    hs_bitmap_set_range(&b, 0, 1000000);
    ck_assert(hs_bitmap_all_set(&b, 0, 1000000));
    hs_bitmap_clear_range(&b, 999999, 1);
    ck_assert_uint_eq(hs_bitmap_next_clear(&b, 0, 1000000), 999999);
    hs_bitmap_free(&b);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("bitmap");
    TCase *tc = tcase_create("bitmap");
    tcase_add_test(tc, ranges_across_words);
    tcase_add_test(tc, large_map_is_cheap);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
