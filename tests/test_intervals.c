/* Interval sets and their Batsim text form. */
#include <stdio.h>
#include <string.h>

#include "hpcsim/intervals.h"
#include "testlib.h"

START_TEST(append_merges_and_writes)
{
    hs_intervals iv = {0};
    hs_intervals_append(&iv, 0, 4);
    hs_intervals_append(&iv, 4, 2); /* adjacent: merged */
    hs_intervals_append(&iv, 8, 1);
    hs_intervals_append(&iv, 10, 3);
    ck_assert_uint_eq(iv.n, 3);
    ck_assert_uint_eq(hs_intervals_total(&iv), 10);
    char buf[64] = "";
    FILE *f = fmemopen(buf, sizeof buf, "w");
    hs_intervals_write(&iv, f);
    fclose(f);
    ck_assert_str_eq(buf, "0-5 8 10-12");
    hs_intervals iv2 = {0};
    const char *why = NULL;
    ck_assert_int_eq(hs_intervals_parse(&iv2, buf, strlen(buf), &why), 0);
    ck_assert_uint_eq(iv2.n, 3);
    ck_assert_uint_eq(iv2.r[2].first, 10);
    ck_assert_uint_eq(iv2.r[2].count, 3);
    hs_intervals_free(&iv);
    hs_intervals_free(&iv2);
}
END_TEST

START_TEST(parse_refuses_bad_text)
{
    static const char *const bad[] = {"", "a", "3-1", "1 1", "0-3 2-5", "1,2", "1 ", "-1", "5-", "99999999999"};
    hs_intervals iv = {0};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *why = NULL;
        int rc = hs_intervals_parse(&iv, bad[i], strlen(bad[i]), &why);
        if (bad[i][0] == '\0') {
            ck_assert_int_eq(rc, 0); /* the empty set is valid text */
            ck_assert_uint_eq(iv.n, 0);
            continue;
        }
        ck_assert_msg(rc < 0 && why != NULL, "'%s' was accepted", bad[i]);
    }
    hs_intervals_free(&iv);
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("intervals");
    TCase *tc = tcase_create("intervals");
    tcase_add_test(tc, append_merges_and_writes);
    tcase_add_test(tc, parse_refuses_bad_text);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
