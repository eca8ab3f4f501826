/* Plans: points and blocks counted by hand, lists validated with clear
 * messages, the order a pure function of the seed, each block's runs a
 * permutation of (backend, off/on). */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "testlib.h"

static void build(hc_plan *p, unsigned long long seed)
{
    hc_plan_config c;
    hc_plan_config_default(&c);
    hs_error err;
    ck_assert_int_eq(hc_plan_set_list(&c, "benches", "compute,pipe,launch", &err), 0);
    ck_assert_int_eq(hc_plan_set_list(&c, "kinds", "cpu,mem", &err), 0);
    ck_assert_int_eq(hc_plan_set_list(&c, "layouts", "pin,vtune", &err), 0);
    c.max_corunners = 2;
    c.reps = 3;
    c.seed = seed;
    ck_assert_int_eq(hc_plan_build(p, &c, &err), 0);
}

START_TEST(counts_and_ids)
{
    hc_plan p;
    build(&p, 1);
    /* layouts 2 × benches 3 × loads (k = 0, then k = 1, 2 of cpu and mem: 1 + 2 × 2) × levels 2 */
    ck_assert_uint_eq(p.npoints, 2 * 3 * 5 * 2);
    ck_assert_uint_eq(p.nblocks, p.npoints * 3);
    unsigned with_k2 = 0;
    for (unsigned i = 0; i < p.npoints; i++)
        with_k2 += strstr(p.points[i].id, "mem2") != NULL;
    ck_assert_uint_eq(with_k2, 2 * 3 * 2);
    for (unsigned i = 0; i < p.nblocks; i++)
        for (unsigned k = i + 1; k < p.nblocks; k++)
            ck_assert_msg(strcmp(p.blocks[i].id, p.blocks[k].id) != 0, "block %s twice", p.blocks[i].id);
    ck_assert_uint_eq(strlen(p.digest), 16);
    hc_plan_free(&p);
}
END_TEST

START_TEST(order_is_a_function_of_the_seed)
{
    hc_plan a, b, c;
    build(&a, 5);
    build(&b, 5);
    build(&c, 6);
    int same = 1, differ = 0;
    for (unsigned i = 0; i < a.nblocks; i++) {
        same &= strcmp(a.blocks[i].id, b.blocks[i].id) == 0;
        differ |= strcmp(a.blocks[i].id, c.blocks[i].id) != 0;
    }
    ck_assert(same && differ);
    ck_assert_str_eq(a.digest, b.digest);
    ck_assert_str_ne(a.digest, c.digest); /* the seed is part of the plan: resume refuses another */
    unsigned order[16], seen = 0;
    hc_plan_run_order(&a, 0, order);
    for (unsigned r = 0; r < 2 * a.cfg.nbackends; r++)
        seen |= 1u << order[r];
    ck_assert_uint_eq(seen, (1u << (2 * a.cfg.nbackends)) - 1); /* every (backend, off/on) once */
    hc_plan_free(&a);
    hc_plan_free(&b);
    hc_plan_free(&c);
}
END_TEST

START_TEST(lists_refused_with_reasons)
{
    static const struct {
        const char *what, *list, *expect;
    } cases[] = {
        {"backends", "native,docker", "unknown backend 'docker'"},
        {"backends", "lxc,lxc", "'lxc' is listed twice"},
        {"layouts", "pinned", "unknown layout 'pinned'"},
        {"benches", "hpl", "unknown benchmark 'hpl'"},
        {"kinds", "gpu", "unknown load kind 'gpu'"},
        {"levels", "busy", "unknown host load level 'busy'"},
        {"benches", "", "the list is empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hc_plan_config c;
        hc_plan_config_default(&c);
        hs_error err;
        ck_assert_int_eq(hc_plan_set_list(&c, cases[i].what, cases[i].list, &err), -1);
        ck_assert_msg(strstr(err.text, cases[i].expect) != NULL, "case %zu: %s", i, err.text);
    }
    hc_plan_config c;
    hc_plan_config_default(&c);
    c.reps = 0;
    hc_plan p;
    hs_error err;
    ck_assert_int_eq(hc_plan_build(&p, &c, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "must be positive"));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("plan");
    TCase *tc = tcase_create("plan");
    tcase_add_test(tc, counts_and_ids);
    tcase_add_test(tc, order_is_a_function_of_the_seed);
    tcase_add_test(tc, lists_refused_with_reasons);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
