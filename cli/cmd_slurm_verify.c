/* `hpcsim slurm-verify`: flags → hs_verify_config → hs_verify, and the
 * figures printed (docs/slurm-verify.md). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "hpcsim/verify.h"
#include "report.h"

static void verify_usage(FILE *out)
{
    fputs("usage: hpcsim slurm-verify --trace FILE --slurm-conf FILE --real REAL.csv\n"
          "                           [--slurm-assoc FILE] [--slurm-qos FILE] [--topology-conf FILE]\n"
          "                           [--jitter SECONDS] [--show N] [--phases] [--calc-phase SECONDS]\n"
          "                           [--rerun REAL2.csv] [--report FILE.html]\n"
          "\n"
          "At every instant at which real Slurm started jobs (REAL.csv: job,submit,start,end,nodes[,by][,cpus]),\n"
          "holds the Slurm model to the real history before it and asks which jobs its main scheduler\n"
          "and its backfill would start there, and where. Prints the share of instants whose started\n"
          "jobs the model reproduces, of jobs, and of their nodes, then the first disagreements with\n"
          "the state that led to them. The trace needs the real run's UnixStartTime header.\n"
          "\n"
          "  --trace FILE          the SWF trace real Slurm ran\n"
          "  --slurm-conf FILE     its slurm.conf\n"
          "  --real REAL.csv       real Slurm's record (bench/slurm-oracle/real-csv makes one from sacct)\n"
          "  --slurm-assoc FILE    the site's associations (sacctmgr -nP show assoc format=...)\n"
          "  --slurm-qos FILE      the site's QOS levels\n"
          "  --topology-conf FILE  its topology.conf\n"
          "  --jitter SECONDS      a model start this soon before real Slurm's still agrees\n"
          "                        (default: the shorter of sched_interval and bf_interval)\n"
          "  --show N              disagreements to explain (default 5)\n"
          "  --phases              free-run on the controller's timing read from the record: the grids\n"
          "                        its main scheduler's ticks and its backfill cycles fit best, drift\n"
          "                        included (needs by)\n"
          "  --calc-phase SECONDS  real Slurm's priority decay thread started this long after the trace's\n"
          "                        time 0 (it runs every PriorityCalcPeriod from there; default 0;\n"
          "                        bench/slurm-oracle/real-csv prints it)\n"
          "  --rerun REAL2.csv     real Slurm's record of the same trace again: how far real Slurm\n"
          "                        agrees with itself, beside the model's free run\n"
          "  --report FILE.html    the same as one HTML page, with plots (docs/slurm-verify.md)\n",
          out);
}

/* What --report draws. */
typedef struct page {
    const hs_verify_result *res;
    const char *real_path;
    unsigned show;
} page;

static int fill_page(FILE *html, const void *ctx, hs_error *err)
{
    const page *p = ctx;
    return hs_report_verify(p->res, p->real_path, p->show, html, err);
}

static double share(uint64_t a, uint64_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

int hs_cmd_slurm_verify(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"trace", required_argument, NULL, 't'},        {"slurm-conf", required_argument, NULL, 'c'},
        {"real", required_argument, NULL, 'r'},         {"slurm-assoc", required_argument, NULL, 'a'},
        {"slurm-qos", required_argument, NULL, 'q'},    {"topology-conf", required_argument, NULL, 'o'},
        {"jitter", required_argument, NULL, 'j'},       {"show", required_argument, NULL, 's'},
        {"report", required_argument, NULL, 'R'},       {"phases", no_argument, NULL, 'p'},
        {"calc-phase", required_argument, NULL, 'C'},   {"rerun", required_argument, NULL, 'A'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    hs_verify_config cfg = {.jitter = -1, .warn = stderr};
    uint64_t show = 5, jitter;
    const char *report = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': cfg.trace_path = optarg; break;
        case 'c': cfg.conf_path = optarg; break;
        case 'r': cfg.real_path = optarg; break;
        case 'a': cfg.assoc_path = optarg; break;
        case 'q': cfg.qos_path = optarg; break;
        case 'o': cfg.topology_path = optarg; break;
        case 'j':
            if (hs_arg_u64("--jitter", optarg, 0, 86400, &jitter) < 0)
                return 2;
            cfg.jitter = (double)jitter;
            break;
        case 's':
            if (hs_arg_u64("--show", optarg, 0, 1000000, &show) < 0)
                return 2;
            break;
        case 'R': report = optarg; break;
        case 'p': cfg.phases = true; break;
        case 'A': cfg.rerun_path = optarg; break;
        case 'C':
            if (hs_arg_double("--calc-phase", optarg, -1e12, 1e12, &cfg.calc_phase) < 0)
                return 2;
            break;
        case 'h': verify_usage(stdout); return 0;
        default: verify_usage(stderr); return 2;
        }
    }
    if (optind != argc || !cfg.trace_path || !cfg.conf_path || !cfg.real_path) {
        verify_usage(stderr);
        return 2;
    }
    hs_verify_result res;
    hs_error err;
    if (hs_verify(&cfg, &res, &err) < 0) {
        fputs("hpcsim slurm-verify: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    uint64_t main_jobs = res.matched_main, bf_jobs = res.matched - res.matched_main;
    printf("%s: %llu jobs started at %u instants; jitter %g s\n", cfg.real_path, (unsigned long long)res.real_jobs,
           res.nevents, res.jitter);
    printf("decisions: %u of %u instants (%.1f %%): the model starts the jobs real Slurm started\n", res.nagree,
           res.nevents, share(res.nagree, res.nevents));
    printf("jobs: %llu of %llu (%.1f %%) started by the model at their real instant (main %llu, backfill %llu)\n",
           (unsigned long long)res.matched, (unsigned long long)res.real_jobs, share(res.matched, res.real_jobs),
           (unsigned long long)main_jobs, (unsigned long long)bf_jobs);
    printf("nodes: %llu of %llu (%.1f %%) of those on their real nodes\n", (unsigned long long)res.same_nodes,
           (unsigned long long)res.matched, share(res.same_nodes, res.matched));
    if (res.real_main || res.real_backfill)
        printf("by real Slurm's scheduler: main %llu of %llu (%.1f %%), backfill %llu of %llu (%.1f %%)\n",
               (unsigned long long)res.matched_real_main, (unsigned long long)res.real_main,
               share(res.matched_real_main, res.real_main), (unsigned long long)res.matched_real_backfill,
               (unsigned long long)res.real_backfill, share(res.matched_real_backfill, res.real_backfill));
    if (cfg.phases)
        printf("phases from the record: the main scheduler's ticks at %.3f s + k × %.6f s, the backfill's cycles at "
               "%.3f s + k × %.5f s\n",
               res.main_phase, 1 + res.main_drift, res.bf_phase, res.bf_interval + res.bf_drift);
    printf("free-running: %u of %u jobs (%.1f %%) start within %g s of real Slurm, mean difference %.1f s\n",
           res.free_within, res.free_jobs, share(res.free_within, res.free_jobs), res.jitter, res.free_mean_diff);
    printf("waits (real / model): mean %.1f / %.1f s, median %.0f / %.0f s, p95 %.0f / %.0f s; utilization %.3f / %.3f\n",
           res.real.wait_mean, res.model.wait_mean, res.real.wait_median, res.model.wait_median, res.real.wait_p95,
           res.model.wait_p95, res.real.utilization, res.model.utilization);
    if (res.has_rerun) {
        printf("real Slurm against itself (%s): %u of %u jobs (%.1f %%) start within %g s of the record, mean "
               "difference %.1f s\n",
               cfg.rerun_path, res.rerun_within, res.rerun_jobs, share(res.rerun_within, res.rerun_jobs), res.jitter,
               res.rerun_mean_diff);
        printf("waits (real / re-run): mean %.1f / %.1f s, median %.0f / %.0f s, p95 %.0f / %.0f s; utilization %.3f / "
               "%.3f\n",
               res.real.wait_mean, res.rerun.wait_mean, res.real.wait_median, res.rerun.wait_median, res.real.wait_p95,
               res.rerun.wait_p95, res.real.utilization, res.rerun.utilization);
    }
    if (res.squeezed)
        printf("history: %u real starts squeezed onto fewer CPUs than asked: the record names nodes, not CPUs per "
               "node, and the model's guess for earlier jobs left too few free\n",
               res.squeezed);
    uint64_t shown = 0;
    for (uint32_t i = 0; i < res.nevents && shown < show; i++) {
        const hs_verify_event *ev = &res.events[i];
        if (ev->agree && ev->nsame_nodes == ev->nboth)
            continue;
        if (shown++ == 0)
            puts("first disagreements (jobs, or nodes):");
        fputs(ev->text ? ev->text : "", stdout);
    }
    int rc = 0;
    page p = {&res, cfg.real_path, (unsigned)show};
    if (report && hs_report_write(report, fill_page, &p, &err) < 0) {
        fputs("hpcsim slurm-verify: ", stderr);
        hs_error_print(stderr, &err);
        rc = 1;
    }
    hs_verify_result_free(&res);
    return rc;
}
