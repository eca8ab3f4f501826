/* Cluster descriptions: uniform and heterogeneous layouts, partitions,
 * first fit, and the messages for wrong JSON. */
#include <string.h>

#include "hpcsim/cluster.h"
#include "testlib.h"

static const char *const CURIE_LIKE = "{\"name\": \"curie-like\", \"groups\": ["
                                      " {\"name\": \"thin\", \"count\": 3, \"cores\": 16, \"memory_mb\": 65536},"
                                      " {\"name\": \"fat\", \"count\": 2, \"cores\": 32},"
                                      " {\"name\": \"hybrid\", \"count\": 1, \"cores\": 8}]}";

START_TEST(heterogeneous_core_numbering)
{
    hs_cluster c;
    hs_error err;
    ck_assert_int_eq(hs_cluster_parse_json(&c, CURIE_LIKE, strlen(CURIE_LIKE), "c.json", &err), 0);
    ck_assert_uint_eq(c.nnodes, 6);
    ck_assert_uint_eq(c.ncores, 3 * 16 + 2 * 32 + 8);
    ck_assert_uint_eq(c.nunits, c.ncores);
    ck_assert_uint_eq(c.groups[0].memory_mb, 65536);
    ck_assert_uint_eq(hs_cluster_node_of_unit(&c, 0), 0);
    ck_assert_uint_eq(hs_cluster_node_of_unit(&c, 47), 2);
    ck_assert_uint_eq(hs_cluster_node_of_unit(&c, 48), 3);
    ck_assert_uint_eq(hs_cluster_node_of_unit(&c, 119), 5);
    /* whole-node allocation is refused: the one partition mixes sizes */
    ck_assert_int_eq(hs_cluster_set_mode(&c, HS_ALLOC_NODES, "c.json", &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "mixes nodes with different core counts"));
    hs_cluster_free(&c);
}
END_TEST

/* A job's memory as units (docs/replay.md "Memory requests"): the most
 * any group of its partition needs, at that group's memory per unit; the
 * plain demand where memory is not asked or not described. */
START_TEST(memory_demand)
{
    const char *j = "{\"groups\": ["
                    " {\"name\": \"thin\", \"count\": 4, \"cores\": 4, \"memory_mb\": 4000},"
                    " {\"name\": \"fat\", \"count\": 2, \"cores\": 8, \"memory_mb\": 32000},"
                    " {\"name\": \"bare\", \"count\": 2, \"cores\": 4}],"
                    " \"partitions\": [{\"name\": \"mixed\", \"groups\": [\"thin\", \"fat\"], \"default\": true},"
                    "                  {\"name\": \"plain\", \"groups\": [\"bare\"]}]}";
    hs_cluster c;
    hs_error err;
    ck_assert_int_eq(hs_cluster_parse_json(&c, j, strlen(j), "m.json", &err), 0);
    int raised;
    /* thin: 1,000 MB a core, fat: 4,000: 3,000 MB needs 3 thin cores */
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 1, 3000, &raised), 3);
    ck_assert_int_eq(raised, 1);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 4, 3000, &raised), 4);
    ck_assert_int_eq(raised, 0);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 2, 3001, &raised), 4); /* rounded up */
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 2, 0, &raised), 2);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 1, 1, 100000, &raised), 1); /* memory not described */
    ck_assert_int_eq(raised, 0);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 1, UINT64_C(1) << 53, &raised), (UINT64_C(1) << 55) / 4000 + 1);
    hs_cluster_free(&c);
    const char *n = "{\"allocation\": \"nodes\", \"groups\": [{\"name\": \"n\", \"count\": 3, \"cores\": 4,"
                    " \"memory_mb\": 4000}]}";
    ck_assert_int_eq(hs_cluster_parse_json(&c, n, strlen(n), "n.json", &err), 0);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 1, 6000, &raised), 2);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 5, 6000, &raised), 2);
    ck_assert_int_eq(raised, 0);
    ck_assert_uint_eq(hs_cluster_demand_memory(&c, 0, 1, 12001, &raised), 4);
    hs_cluster_free(&c);
}
END_TEST

/* A Flux resource set (RFC 20 "R" version 1) as a cluster: ranks in
 * ascending order are nodes 0, 1, ...; consecutive ranks alike are one
 * group named after the first; gaps in the ranks are closed up; every
 * bad field is named. */
START_TEST(flux_resource_set)
{
    const char *r = "{\"version\": 1, \"execution\": {\"R_lite\": ["
                    " {\"rank\": \"4-5,9\", \"children\": {\"core\": \"0-15\", \"gpu\": \"0-1\"}},"
                    " {\"rank\": \"[0-3]\", \"children\": {\"core\": \"0-7\"}},"
                    " {\"rank\": \"7\", \"children\": {\"core\": \"0,2,4,6\"}}],"
                    " \"nodelist\": [\"n[0-5,7,9]\"], \"starttime\": 0, \"expiration\": 0}}";
    hs_cluster c;
    hs_error err;
    ck_assert_msg(hs_cluster_parse_json(&c, r, strlen(r), "R.json", &err) == 0, "%s", err.text);
    ck_assert_uint_eq(c.mode, HS_ALLOC_CORES);
    ck_assert_uint_eq(c.nnodes, 8);
    ck_assert_uint_eq(c.ngroups, 4); /* 0-3 of 8; 4-5 of 16 + 2 GPUs; 7 of 4; 9 of 16 + 2 GPUs */
    ck_assert_str_eq(c.groups[0].name, "rank0");
    ck_assert_uint_eq(c.groups[0].count, 4);
    ck_assert_uint_eq(c.groups[0].cores, 8);
    ck_assert_str_eq(c.groups[1].name, "rank4");
    ck_assert_uint_eq(c.groups[1].count, 2);
    ck_assert_uint_eq(c.groups[1].gpus, 2);
    ck_assert_str_eq(c.groups[2].name, "rank7");
    ck_assert_uint_eq(c.groups[2].cores, 4);
    ck_assert_str_eq(c.groups[3].name, "rank9");
    ck_assert_uint_eq(c.ncores, 4 * 8 + 2 * 16 + 4 + 16);
    hs_cluster_free(&c);
    static const struct {
        const char *text, *expect;
    } bad[] = {
        {"{\"version\": 2, \"execution\": {}}", "version: a Flux resource set of version 1 is read, got another version"},
        {"{\"version\": 1, \"execution\": []}", "execution: expected an object, got an array"},
        {"{\"version\": 1, \"execution\": {}}", "execution.R_lite: expected a non-empty array, got nothing"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": 0, \"children\": {\"core\": \"0\"}}]}}",
         "execution.R_lite[0].rank: expected an idset string, got an integer"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"3-1\", \"children\": {\"core\": \"0\"}}]}}",
         "execution.R_lite[0].rank: '3-1' is not an idset: a range runs backwards"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": {\"core\": \"2,1\"}}]}}",
         "execution.R_lite[0].children.core: '2,1' is not an idset: ids are not in ascending order, or repeat"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0,\", \"children\": {\"core\": \"0\"}}]}}",
         "'0,' is not an idset: a comma ends it"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": {\"gpu\": \"0\"}}]}}",
         "execution.R_lite[0].children.core: missing (a rank needs cores)"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0\", \"children\": {\"core\": \"0\", \"hbm\": \"0\"}}]}}",
         "execution.R_lite[0].children.hbm: unknown resource (R version 1 has core and gpu)"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-3\", \"children\": {\"core\": \"0\"}},"
         " {\"rank\": \"3\", \"children\": {\"core\": \"0-1\"}}]}}",
         "execution.R_lite[1].rank: rank 3 is also in execution.R_lite[0]"},
        {"{\"version\": 1, \"execution\": {\"R_lite\": [{\"rank\": \"0-99999999\", \"children\": {\"core\": \"0\"}}]}}",
         "more than 10,000,000 ids"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(hs_cluster_parse_json(&c, bad[i].text, strlen(bad[i].text), "R.json", &err), -1);
        ck_assert_str_eq(err.source, "R.json");
        ck_assert_msg(strstr(err.text, bad[i].expect) != NULL, "case %zu: %s", i, err.text);
    }
}
END_TEST

START_TEST(partitions_route_and_fit)
{
    const char *j = "{\"allocation\": \"nodes\", \"groups\": ["
                    " {\"name\": \"a\", \"count\": 4, \"cores\": 2}, {\"name\": \"b\", \"count\": 3, \"cores\": 4},"
                    " {\"name\": \"c\", \"count\": 2, \"cores\": 2}],"
                    " \"partitions\": [{\"name\": \"small\", \"groups\": [\"a\", \"c\"], \"swf_partition\": 7},"
                    "                  {\"name\": \"big\", \"groups\": [\"b\"], \"default\": true}]}";
    hs_cluster c;
    hs_error err;
    ck_assert_int_eq(hs_cluster_parse_json(&c, j, strlen(j), "p.json", &err), 0);
    ck_assert_uint_eq(c.mode, HS_ALLOC_NODES);
    ck_assert_uint_eq(hs_cluster_route(&c, 7), 0);
    ck_assert_uint_eq(hs_cluster_route(&c, 3), 1);
    ck_assert_uint_eq(hs_cluster_route(&c, -1), 1);
    ck_assert_uint_eq(c.parts[0].total_units, 6);
    ck_assert_uint_eq(c.parts[0].nranges, 2); /* nodes 0-3 and 7-8 */
    ck_assert_uint_eq(hs_cluster_demand(&c, 0, 3), 2);
    ck_assert_uint_eq(hs_cluster_demand(&c, 1, 3), 1);
    hs_intervals iv = {0};
    ck_assert_int_eq(hs_cluster_first_fit(&c, 0, 5, &iv), 0);
    ck_assert_uint_eq(iv.n, 2);
    ck_assert_uint_eq(iv.r[1].first, 7);
    hs_cluster_take(&c, 0, &iv);
    ck_assert_uint_eq(c.parts[0].free_units, 1);
    ck_assert_int_eq(hs_cluster_check_free(&c, 0, &iv, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "is busy"));
    hs_intervals other = {0};
    hs_intervals_append(&other, 4, 1); /* a node of partition big */
    ck_assert_int_eq(hs_cluster_check_free(&c, 0, &other, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "not all in partition 'small'"));
    hs_cluster_release(&c, 0, &iv);
    ck_assert_uint_eq(c.parts[0].free_units, 6);
    /* switching to cores re-lays the units */
    ck_assert_int_eq(hs_cluster_set_mode(&c, HS_ALLOC_CORES, "p.json", &err), 0);
    ck_assert_uint_eq(c.parts[0].total_units, 12);
    ck_assert_uint_eq(c.parts[1].total_units, 12);
    hs_intervals_free(&iv);
    hs_intervals_free(&other);
    hs_cluster_free(&c);
}
END_TEST

START_TEST(bad_descriptions_say_where)
{
    static const struct {
        const char *json, *expect;
    } cases[] = {
        {"{\"groups\": [{\"count\": \"4\", \"cores\": 8}]}", "groups[0].count: expected an integer, got a string"},
        {"{\"groups\": [{\"count\": 4, \"cores\": 0}]}", "groups[0].cores: 0 is out of range"},
        {"{\"groups\": [{\"count\": 4}]}", "groups[0].cores: missing"},
        {"{\"groups\": []}", "groups: expected a non-empty array, got an empty array"},
        {"{\"groups\": {\"count\": 4}}", "groups: expected a non-empty array, got an object"},
        {"{\"nodes\": 4}", "nodes: unknown key"},
        {"[1, 2]", "must be a JSON object, got an array"},
        {"{\"groups\": [{\"count\": 4, \"cores\": 8, \"ram\": 4}]}", "groups[0].ram: unknown key"},
        {"{\"allocation\": \"sockets\", \"groups\": [{\"count\": 4, \"cores\": 8}]}", "allocation: 'sockets'"},
        {"{\"groups\": [{\"count\": 4, \"cores\": 8}], \"partitions\": [{\"name\": \"a\", \"groups\": [\"x\"]}]}",
         "partitions[0].groups[0]: no group is named 'x'"},
        {"{\"groups\": [{\"count\": 4, \"cores\": 8}], \"partitions\": [{\"name\": \"a\", \"groups\": "
         "[\"group0\"]}, {\"name\": \"b\", \"groups\": [\"group0\"]}]}",
         "group 'group0' is already in partition 'a'; partitions must not overlap"},
        {"{\"groups\": [{\"name\": \"g\", \"count\": 4, \"cores\": 8}, {\"name\": \"h\", \"count\": 1, \"cores\": 8}],"
         " \"partitions\": [{\"name\": \"a\", \"groups\": [\"g\"]}]}",
         "group 'h' is in no partition"},
        {"{\"groups\": [{\"count\": 4, \"cores\": 8}], \"partitions\": [{\"name\": \"a\", \"groups\": [\"group0\"], "
         "\"default\": 1}]}",
         "partitions[0].default: expected a boolean, got an integer"},
        {"{\"groups\": [{\"count\": 100000000, \"cores\": 1048576}]}", "the cluster is too large"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hs_cluster c;
        hs_error err;
        ck_assert_int_eq(hs_cluster_parse_json(&c, cases[i].json, strlen(cases[i].json), "bad.json", &err), -1);
        ck_assert_msg(strstr(err.text, cases[i].expect) != NULL, "case %zu: got '%s'", i, err.text);
        ck_assert_str_eq(err.source, "bad.json");
    }
    /* syntax errors carry jansson's line and column */
    hs_cluster c;
    hs_error err;
    const char *broken = "{\n  \"groups\": [\n    {\"count\": 4,, }\n";
    ck_assert_int_eq(hs_cluster_parse_json(&c, broken, strlen(broken), "bad.json", &err), -1);
    ck_assert_int_eq(err.line, 3);
    ck_assert_int_gt(err.column, 0);
}
END_TEST

START_TEST(uniform_and_impossible)
{
    hs_cluster c;
    hs_error err;
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 100000, 1, HS_ALLOC_NODES, &err), 0);
    ck_assert_uint_eq(c.nunits, 100000);
    hs_intervals iv = {0};
    ck_assert_int_eq(hs_cluster_first_fit(&c, 0, 100000, &iv), 0);
    ck_assert_uint_eq(iv.n, 1);
    hs_intervals_free(&iv);
    hs_cluster_free(&c);
    ck_assert_int_eq(hs_cluster_init_uniform(&c, 0, 4, HS_ALLOC_CORES, &err), -1);
    ck_assert_ptr_nonnull(strstr(err.text, "at least one node"));
}
END_TEST

static Suite *make(void)
{
    Suite *s = suite_create("cluster");
    TCase *tc = tcase_create("cluster");
    tcase_add_test(tc, heterogeneous_core_numbering);
    tcase_add_test(tc, partitions_route_and_fit);
    tcase_add_test(tc, memory_demand);
    tcase_add_test(tc, flux_resource_set);
    tcase_add_test(tc, bad_descriptions_say_where);
    tcase_add_test(tc, uniform_and_impossible);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return tl_run_suite(make()); }
