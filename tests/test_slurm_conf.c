/* slurm.conf as hpcsim reads it (issue 6, item 6): host list ranges, a
 * realistic file (DEFAULT lines, continuation lines, comments, keys in any
 * case, SchedulerParameters, Priority*, SelectType*), Slurm time strings,
 * and malformed files, each refused with its line number. */
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "testlib.h"

static void expands_to(const char *expr, const char *want)
{
    hs_hostlist l = {0};
    char why[200], got[4096] = "";
    ck_assert_msg(hs_hostlist_expand(&l, expr, why, sizeof why) == 0, "%s: %s", expr, why);
    for (uint32_t i = 0; i < l.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, l.names[i]);
    }
    ck_assert_msg(strcmp(got, want) == 0, "%s gave '%s', not '%s'", expr, got, want);
    hs_hostlist_free(&l);
}

/* The compressed form of expr's names, and back. */
static void compresses_to(const char *expr, const char *want)
{
    hs_hostlist l = {0}, back = {0};
    char why[200];
    ck_assert_msg(hs_hostlist_expand(&l, expr, why, sizeof why) == 0, "%s: %s", expr, why);
    char *got = hs_hostlist_compress((const char *const *)l.names, l.n);
    ck_assert_ptr_nonnull(got);
    ck_assert_msg(strcmp(got, want) == 0, "%s compressed to '%s', not '%s'", expr, got, want);
    ck_assert_msg(hs_hostlist_expand(&back, got, why, sizeof why) == 0, "%s: %s", got, why);
    ck_assert_uint_eq(back.n, l.n);
    for (uint32_t i = 0; i < l.n; i++)
        ck_assert_str_eq(back.names[i], l.names[i]);
    free(got);
    hs_hostlist_free(&back);
    hs_hostlist_free(&l);
}

START_TEST(hostlists_compressed)
{
    compresses_to("n1,n2,n3,n7,login", "n[1-3,7],login");
    compresses_to("n[001-003]", "n[001-003]");
    compresses_to("n9,n10,n11", "n[9-11]");
    compresses_to("n08,n9", "n08,n9"); /* the padding must survive */
    compresses_to("n3,n1,n2", "n[3,1-2]"); /* the order is kept */
    compresses_to("a,b5", "a,b5");
    compresses_to("rack1-n01,rack1-n02", "rack1-n[01-02]");
    char *empty = hs_hostlist_compress(NULL, 0);
    ck_assert_str_eq(empty, "");
    free(empty);
}
END_TEST

START_TEST(hostlists)
{
    expands_to("n[001-003]", "n001 n002 n003");
    expands_to("n[1-3,7],login1", "n1 n2 n3 n7 login1");
    expands_to("rack[1-2]-n[01-02]", "rack1-n01 rack1-n02 rack2-n01 rack2-n02");
    expands_to("node[08-11]", "node08 node09 node10 node11");
    expands_to("a,b[5]", "a b5");
    static const char *const bad[] = {"n[1-", "n]1[", "n[3-1]", "n[a-b]", "n[1-3],,m", "n[]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hs_hostlist l = {0};
        char why[200];
        ck_assert_msg(hs_hostlist_expand(&l, bad[i], why, sizeof why) == -1, "'%s' accepted", bad[i]);
        ck_assert_uint_eq(l.n, 0);
        hs_hostlist_free(&l);
    }
    /* a typo can ask for billions of hosts: refused at the cap, not by the OOM killer */
    hs_hostlist l = {0};
    char why[200];
    ck_assert_int_eq(hs_hostlist_expand(&l, "n[1-999999999]", why, sizeof why), -1);
    ck_assert_msg(strstr(why, "more than 1000000 hosts") != NULL, "%s", why);
    ck_assert_uint_eq(l.n, 0);
    hs_hostlist_free(&l);
}
END_TEST

static int count_visits(void *ctx, const char *name)
{
    (void)name;
    ++*(int *)ctx;
    return 0;
}

/* Names are counted before any is written: groups that multiply past the
 * limit are refused without a single visit (they once took seconds to
 * write out a million names first). */
START_TEST(hostlist_counted_before_expanded)
{
    char why[200];
    int visits = 0;
    ck_assert_int_eq(hs_hostlist_each("n[1-3]x[1-2]", 5, count_visits, &visits, why, sizeof why), -1);
    ck_assert_str_eq(why, "more than 5 hosts");
    ck_assert_int_eq(visits, 0);
    ck_assert_int_eq(hs_hostlist_each("n[1-3]x[1-2]", 6, count_visits, &visits, why, sizeof why), 0);
    ck_assert_int_eq(visits, 6);
    visits = 0;
    ck_assert_int_eq(hs_hostlist_each("n[1-999][1-999][1-999],m[", 2000000000u, count_visits, &visits, why, sizeof why),
                     -1);
    ck_assert_msg(strstr(why, "'[' without ']'") != NULL, "%s", why); /* the whole expression is checked first */
    ck_assert_int_eq(visits, 0);
    hs_hostlist l = {0};
    ck_assert_int_eq(hs_hostlist_expand(&l, "n[1-999][1-999][1-999]", why, sizeof why), -1);
    ck_assert_str_eq(why, "more than 1000000 hosts");
    ck_assert_uint_eq(l.n, 0);
    hs_hostlist_free(&l);
}
END_TEST

START_TEST(slurm_times)
{
    ck_assert_double_eq(hs_slurm_time("60"), 3600);
    ck_assert_double_eq(hs_slurm_time("10:30"), 630);
    ck_assert_double_eq(hs_slurm_time("1:00:00"), 3600);
    ck_assert_double_eq(hs_slurm_time("2-12"), 2 * 86400 + 12 * 3600);
    ck_assert_double_eq(hs_slurm_time("1-00:30:15"), 86400 + 1815);
    ck_assert_double_eq(hs_slurm_time("INFINITE"), -1);
    ck_assert_double_eq(hs_slurm_time("unlimited"), -1);
    ck_assert_double_eq(hs_slurm_time("1:2:3:4"), -2);
    ck_assert_double_eq(hs_slurm_time("abc"), -2);
    ck_assert_double_eq(hs_slurm_time(""), -2);
}
END_TEST

static const char realistic[] =
    "# A small site\n"
    "ClusterName=test\n"
    "SlurmctldHost=head\n"
    "SelectType=select/cons_tres\n"
    "selecttypeparameters=CR_Core_Memory\n"
    "SchedulerParameters=bf_window=2880,bf_resolution=600,\\\n"
    "bf_continue,default_queue_depth=200   # continued\n"
    "PriorityType=priority/multifactor\n"
    "PriorityWeightAge=1000 PriorityWeightFairshare=10000\n"
    "PriorityDecayHalfLife=7-0\n"
    "NodeName=DEFAULT Sockets=2 CoresPerSocket=8 ThreadsPerCore=1 RealMemory=64000 State=UNKNOWN\n"
    "NodeName=n[001-004] \\\n"
    "    NodeAddr=10.0.0.[1-4]\n"
    "nodename=big[1-2] CPUs=64 RealMemory=512000 Feature=bigmem\n"
    "PartitionName=DEFAULT MaxTime=1-00:00:00 State=UP\n"
    "PartitionName=batch Nodes=n[001-004] Default=YES PriorityTier=1\n"
    "PartitionName=large Nodes=big[1-2],n004 MaxTime=INFINITE OverSubscribe=FORCE:4 Priority=10\n";

START_TEST(realistic_file)
{
    hs_slurm_conf c;
    hs_error err;
    const char *path = tl_write(tl_tmpdir("slurm"), "slurm.conf", realistic);
    ck_assert_msg(hs_slurm_conf_load(&c, path, &err) == 0, "%s:%ld: %s", err.source, err.line, err.text);
    ck_assert_uint_eq(c.nnodes, 6);
    ck_assert_str_eq(c.nodes[0].name, "n001");
    ck_assert_uint_eq(c.nodes[0].cpus, 16); /* 2 sockets × 8 cores × 1 thread */
    ck_assert_uint_eq(c.nodes[3].real_memory, 64000);
    ck_assert_str_eq(c.nodes[5].name, "big2");
    ck_assert_uint_eq(c.nodes[5].cpus, 64);
    ck_assert_uint_eq(c.nparts, 2);
    ck_assert_str_eq(c.parts[0].name, "batch");
    ck_assert(c.parts[0].is_default && !c.parts[1].is_default);
    ck_assert_double_eq(c.parts[0].max_time, 86400); /* from the DEFAULT line */
    ck_assert_double_eq(c.parts[1].max_time, -1);
    ck_assert_uint_eq(c.parts[1].nnodes, 3);
    ck_assert_uint_eq(c.parts[1].nodes[2], 3); /* n004 */
    ck_assert_str_eq(c.parts[1].oversubscribe, "FORCE");
    ck_assert_uint_eq(c.parts[1].priority_tier, 10);
    ck_assert_uint_eq(c.parts[1].priority_job_factor, 10);
    ck_assert_str_eq(hs_slurm_sched_param(&c, "bf_window"), "2880");
    ck_assert_str_eq(hs_slurm_sched_param(&c, "BF_CONTINUE"), "");
    ck_assert_str_eq(hs_slurm_sched_param(&c, "default_queue_depth"), "200");
    ck_assert_ptr_null(hs_slurm_sched_param(&c, "bf_interval"));
    ck_assert_str_eq(c.select_type, "select/cons_tres");
    ck_assert_str_eq(c.select_type_parameters, "CR_Core_Memory");
    ck_assert_uint_eq(c.npriority, 4);
    ck_assert_str_eq(c.priority[3].value, "7-0");
    /* ignored, each once: ClusterName SlurmctldHost State NodeAddr Feature */
    ck_assert_uint_eq(c.nignored, 5);
    hs_slurm_conf_free(&c);
    /* Slurm reads the whole file first: a partition may come before its nodes */
    ck_assert_int_eq(hs_slurm_conf_parse(&c, "PartitionName=p Nodes=n[2-3]\nNodeName=n[1-3]\n", "f.conf", &err), 0);
    ck_assert_uint_eq(c.parts[0].nnodes, 2);
    ck_assert_uint_eq(c.parts[0].nodes[0], 1);
    ck_assert_uint_eq(c.parts[0].nodes[1], 2);
    hs_slurm_conf_free(&c);
}
END_TEST

START_TEST(malformed_files)
{
    static const struct {
        const char *text, *message;
        long line;
    } cases[] = {
        {"NodeName=n[1-2] CPUs=x\n", "CPUs=x: expected a non-negative integer", 1},
        {"NodeName=n1\nNodeName=n[0-1]\n", "node n1 is defined twice (first on line 1)", 2},
        {"NodeName=n1\nPartitionName=p Nodes=n[1-2]\n", "node n2 has no NodeName line", 2},
        {"NodeName=n1\nPartitionName=p\n", "no Nodes=", 2},
        {"NodeName=n1\n\nPartitionName=p Nodes=n1 MaxTime=soon\n", "MaxTime=soon: not a Slurm time", 3},
        {"NodeName=n1\nPartitionName=p Nodes=n1 \\\n  Default=MAYBE\n", "Default=MAYBE: expected YES or NO", 2},
    {"NodeName=n1\nPartitionName=p Nodes=n1 \\\n  Default=YES\nNodeName=m1 CPUs=-4\n", "CPUs=-4", 4},
        {"NodeName=n1\nSchedulerParameters bf_window=1\n", "'SchedulerParameters' is not Key=Value", 2},
        {"NodeName=n[1-\n", "NodeName=n[1-:", 1},
        {"# nothing but a comment\n", "no NodeName line", 0},
        {"NodeName=n1\nPartitionName=p Nodes=n1 OverSubscribe=SOMETIMES\n", "expected NO, YES, FORCE or EXCLUSIVE", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hs_slurm_conf c;
        hs_error err;
        ck_assert_msg(hs_slurm_conf_parse(&c, cases[i].text, "s.conf", &err) == -1, "case %zu accepted", i);
        ck_assert_msg(strstr(err.text, cases[i].message) != NULL, "case %zu: '%s'", i, err.text);
        ck_assert_msg(err.line == cases[i].line, "case %zu: line %ld, not %ld", i, err.line, cases[i].line);
        ck_assert_str_eq(err.source, "s.conf");
        ck_assert_uint_eq(c.nnodes, 0);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("slurm_conf");
    TCase *tc = tcase_create("conf");
    tcase_add_test(tc, hostlists);
    tcase_add_test(tc, hostlists_compressed);
    tcase_add_test(tc, hostlist_counted_before_expanded);
    tcase_add_test(tc, slurm_times);
    tcase_add_test(tc, realistic_file);
    tcase_add_test(tc, malformed_files);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
