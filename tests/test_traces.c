/* Every real trace of ../shared/traces: it parses with the job count
 * traces/README.md gives, with no malformed line, and its EASY replay passes the
 * schedule checker. One trace per process (argv[1] names it), so ctest
 * runs them side by side; without an argument, all of them. The cluster
 * of each is its header's, or, where the header cannot give one, the
 * machine's processors as single-core nodes (noted per line). With a
 * second argument, a slurm.conf of tests/fixtures/slurm/, the replay runs
 * through the Slurm model on the cluster that file describes. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpcsim/check.h"
#include "testlib.h"

typedef struct real_trace {
    const char *file;
    uint32_t lines; /* data lines, from traces/README.md (the archive's counts) */
    uint32_t nodes, cores; /* 0: from the header */
    const char *cluster;   /* fixture, or NULL */
} real_trace;

static const real_trace traces[] = {
    {"HPC2N-2002-2.2-alea-excerpt-3170jobs.swf", 3170, 0, 0, NULL},
    {"NASA-iPSC-1993-3.1-cln.swf.gz", 18239, 0, 0, NULL},
    {"SDSC-Par-1996-3.1-cln.swf.gz", 32135, 0, 0, NULL},
    {"OSC-Clust-2000-3.1-cln.swf.gz", 36097, 178, 1, NULL},   /* 57 nodes of mixed sizes, 178 processors */
    {"LLNL-Atlas-2006-2.1-cln.swf.gz", 43778, 0, 0, NULL},    /* 1152 × 8 from the header */
    {"SDSC-SP2-1998-4.2-cln.swf.gz", 59715, 0, 0, NULL},
    {"CTC-SP2-1996-3.1-cln.swf.gz", 77222, 0, 0, NULL},
    {"SDSC-DS-2004-2.1-cln.swf.gz", 96069, 1664, 1, NULL},    /* 184 nodes of three sizes, 1664 processors */
    {"METACENTRUM-2009-2.swf.gz", 103656, 806, 1, NULL},      /* no header; 806 CPUs (PWA page) */
    {"LANL-CM5-1994-4.1-cln.swf.gz", 122060, 0, 0, NULL},
    {"LCG-2005-1.swf.gz", 188041, 0, 0, NULL},                /* MaxProcs 24515 only */
    {"HPC2N-2002-2.2-cln.swf.gz", 202871, 0, 0, NULL},
    {"CEA-Curie-2011-2.1-cln.swf.gz", 312826, 0, 0, "curie.json"},
    {"RICC-2010-2.swf.gz", 447794, 1024, 8, NULL},            /* no header; 1024 × 8 (PWA page) */
};
enum { NTRACES = sizeof traces / sizeof traces[0] };

static int selected = -1;
static const char *slurm_conf; /* fixture name, or NULL */
static const char *flux_queue; /* "flux:POLICY": the Flux model under that queue policy, run twice */

START_TEST(parse_and_replay)
{
    if (selected >= 0 && _i != selected)
        return;
    const real_trace *rt = &traces[_i];
    char path[2048], cluster[2048];
    snprintf(path, sizeof path, "%s/%s", HS_SHARED_TRACES, rt->file);
    hs_trace t;
    hs_error err;
    ck_assert_msg(hs_trace_load(&t, path, NULL, NULL, &err) == 0, "%s: %s", rt->file, err.text);
    ck_assert_msg(t.njobs + t.nskipped == rt->lines, "%s: %u jobs + %u skipped, README says %u lines", rt->file, t.njobs,
                  t.nskipped, rt->lines);
    ck_assert_uint_eq(t.nmalformed, 0);
    hs_trace_free(&t);

    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.trace_path = path;
    cfg.nodes = rt->nodes;
    cfg.cores_per_node = rt->cores;
    if (flux_queue) {
        cfg.policy = "flux";
        hs_run_config_add_opt(&cfg, "queue-policy", flux_queue);
    }
    if (rt->cluster) {
        snprintf(cluster, sizeof cluster, "%s/%s", HS_FIXTURES, rt->cluster);
        cfg.cluster_path = cluster;
    }
    if (slurm_conf) {
        snprintf(cluster, sizeof cluster, "%s/slurm/%s", HS_FIXTURES, slurm_conf);
        cfg.cluster_path = NULL;
        cfg.policy = "slurm";
        hs_run_config_add_conf(&cfg, cluster);
        cfg.nodes = cfg.cores_per_node = 0;
    }
    char out[1200];
    snprintf(out, sizeof out, "%s/out", tl_tmpdir(rt->file));
    cfg.out_dir = out;
    hs_metrics m;
    char cmd_again[1400];
    ck_assert_msg(hs_run(&cfg, &m, &err) == 0, "%s: %s:%ld: %s", rt->file, err.source, err.line, err.text);
    hs_check_report rep;
    ck_assert_msg(hs_check_outdir(out, &rep, &err) == 0, "%s: checker: %s:%ld: %s", rt->file, err.source, err.line,
                  err.text);
    ck_assert_uint_eq(m.completed + m.killed + m.rejected + m.skipped, rt->lines);
    ck_assert_uint_eq(rep.jobs, m.completed + m.killed);
    if (flux_queue) { /* a run is a pure function of its inputs: the same bytes again */
        char again[1300], a[1400], b[1400];
        snprintf(again, sizeof again, "%s-again", out);
        cfg.out_dir = again;
        ck_assert_msg(hs_run(&cfg, NULL, &err) == 0, "%s: %s", rt->file, err.text);
        static const char *const files[] = {"jobs.csv", "out.swf", "summary.json", "rejected.csv"};
        for (int k = 0; k < 4; k++) {
            snprintf(a, sizeof a, "%s/%s", out, files[k]);
            snprintf(b, sizeof b, "%s/%s", again, files[k]);
            size_t la, lb;
            char *ta = tl_read(a, &la), *tb = tl_read(b, &lb);
            ck_assert_msg(ta && tb && la == lb && memcmp(ta, tb, la) == 0, "%s: %s differs on a second run", rt->file,
                          files[k]);
            free(ta);
            free(tb);
        }
        snprintf(cmd_again, sizeof cmd_again, "rm -rf '%s'", again);
        ck_assert_int_eq(system(cmd_again), 0);
    }
    printf("%s%s%s: %llu completed, %llu killed, %llu rejected, %llu skipped; utilization %.3f, mean wait %.0f s\n",
           rt->file, slurm_conf ? " with the Slurm model of " : flux_queue ? " with the Flux model under " : "",
           slurm_conf ? slurm_conf : flux_queue ? flux_queue : "", (unsigned long long)m.completed, (unsigned long long)m.killed, (unsigned long long)m.rejected,
           (unsigned long long)m.skipped, m.utilization, m.wait_mean);
    char cmd[1300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", out); /* large: do not keep */
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(int argc, char **argv)
{
    if (!tl_shared_traces("traces"))
        return 0;
    if (argc > 1) {
        for (int i = 0; i < NTRACES; i++)
            if (strcmp(argv[1], traces[i].file) == 0)
                selected = i;
        if (selected < 0) {
            fprintf(stderr, "no trace named %s\n", argv[1]);
            return 2;
        }
        if (argc > 2 && strncmp(argv[2], "flux:", 5) == 0)
            flux_queue = argv[2] + 5;
        else if (argc > 2)
            slurm_conf = argv[2];
    }
    Suite *s = suite_create("traces");
    TCase *tc = tcase_create("traces");
    tcase_set_timeout(tc, 900);
    tcase_add_loop_test(tc, parse_and_replay, 0, NTRACES);
    suite_add_tcase(s, tc);
    return tl_run_suite(s);
}
