/* hpcsim-calibrate: measures how nodes of each kind (native, LXC, KVM) behave
 * pinned on this host, alone and under co-located load. This file parses
 * the options the subcommands share and calls one (cmd_*.c):
 *   probe    what this host offers
 *   plan     print a plan and its estimated duration
 *   run      run (or --resume) a plan, appending to WORKDIR/measurements.jsonl
 *   report   paired slowdowns with confidence intervals, launch latency
 *   fit      fit overhead, interference, noise and launch models (model.json)
 *   cleanup  remove every container, process, cgroup and file a run left */
#define _GNU_SOURCE
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/kvm.h"
#include "commands.h"
#include "hpcsim/file.h"

static void usage(FILE *out)
{
    fputs("usage: hpcsim-calibrate probe|plan|run|report|cleanup [options]\n"
          "       hpcsim-calibrate fit WORKDIR/measurements.jsonl -o model.json [--note TEXT]\n"
          "       hpcsim-calibrate report MODEL.json [-o report.html] [--tolerance PERCENT]\n"
          "\n"
          "  --workdir DIR        where the log, the state file and containers live (default hpcsim-calib)\n"
          "  --topology SPEC      host (default), an hwloc XML file, or a synthetic description\n"
          "  --backends LIST      native,lxc,kvm (default native,lxc)\n"
          "  --layouts LIST       def,pin_def,pin,vtune,kubevirt (default pin)\n"
          "  --benches LIST       stream,compute,wakeup,pipe,disk,launch (default all)\n"
          "  --load-kinds LIST    co-runner stressors: cpu,mem,disk (default mem)\n"
          "  --max-corunners K    co-located nodes 0..K of each kind (default 1)\n"
          "  --host-levels LIST   host load: idle,half,full (default idle,full)\n"
          "  --reps N             repetitions (off/on pairs) per point (default 10)\n"
          "  --vcpus V            vCPUs per node (default 1)\n"
          "  --housekeeping H     cores left to the host (default 0)\n"
          "  --seconds S          each benchmark's window (default 1)\n"
          "  --seed S             order of blocks and runs (default 1)\n"
          "  --resume             continue a killed run without redoing finished blocks\n"
          "  --max-blocks N       stop after N blocks (tests)\n"
          "  --bench-bin PATH     hpcsim-bench (default: next to this program)\n"
          "  --libvirt URI        kvm nodes' driver: qemu:///system, qemu:///embed?root=DIR\n"
          "                       (default: system when libvirtd answers, else embedded)\n"
          "  --virt TYPE          kvm, qemu (TCG emulation) or auto (default: kvm if /dev/kvm works)\n"
          "  --guest-memory MIB   memory of a kvm node (default 512)\n"
          "  --guest-hugepages    back kvm nodes' memory with huge pages (reserve them first)\n",
          out);
}

static void default_bench_bin(char *out, size_t cap)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    self[n > 0 ? n : 0] = '\0';
    snprintf(out, cap, "%s/hpcsim-bench", dirname(self));
}

int main(int argc, char **argv)
{
    hs_write_errors_not_signals(); /* a full disk or file-size limit: a message, not a kill */
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    static const struct option opts[] = {
        {"workdir", required_argument, 0, 'w'},   {"topology", required_argument, 0, 't'},
        {"backends", required_argument, 0, 'b'},  {"layouts", required_argument, 0, 'l'},
        {"benches", required_argument, 0, 'B'},   {"load-kinds", required_argument, 0, 'k'},
        {"max-corunners", required_argument, 0, 'K'}, {"host-levels", required_argument, 0, 'L'},
        {"reps", required_argument, 0, 'r'},      {"vcpus", required_argument, 0, 'v'},
        {"housekeeping", required_argument, 0, 'H'}, {"seconds", required_argument, 0, 's'},
        {"seed", required_argument, 0, 'S'},      {"resume", no_argument, 0, 'R'},
        {"max-blocks", required_argument, 0, 'M'}, {"bench-bin", required_argument, 0, 'x'},
        {"libvirt", required_argument, 0, 'U'},   {"virt", required_argument, 0, 'V'},
        {"guest-memory", required_argument, 0, 'm'}, {"guest-hugepages", no_argument, 0, 'P'},
        {"output", required_argument, 0, 'o'},    {"note", required_argument, 0, 'N'},
        {"tolerance", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},            {0, 0, 0, 0},
    };
    static hc_cli cli; /* static: its series options point into it */
    hc_plan_config *cfg = &cli.plan;
    hc_series_options *so = &cli.series;
    hc_plan_config_default(cfg);
    *so = (hc_series_options){"hpcsim-calib", cli.bench_bin, false, false, 0};
    cli.topology = "host";
    cli.tolerance = 0.05;
    default_bench_bin(cli.bench_bin, sizeof cli.bench_bin);
    const char *uri = NULL, *virt = NULL;
    unsigned guest_mib = 0;
    bool hugepages = false;
    hs_error err;
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        char *end = NULL;
        int rc = 0;
        switch (c) {
        case 'w': so->workdir = optarg; break;
        case 't': cli.topology = optarg; break;
        case 'b': rc = hc_plan_set_list(cfg, "backends", optarg, &err); break;
        case 'l': rc = hc_plan_set_list(cfg, "layouts", optarg, &err); break;
        case 'B': rc = hc_plan_set_list(cfg, "benches", optarg, &err); break;
        case 'k': rc = hc_plan_set_list(cfg, "kinds", optarg, &err); break;
        case 'L': rc = hc_plan_set_list(cfg, "levels", optarg, &err); break;
        case 'K': cfg->max_corunners = (unsigned)strtoul(optarg, &end, 10); break;
        case 'r': cfg->reps = (unsigned)strtoul(optarg, &end, 10); break;
        case 'v': cfg->vcpus = (unsigned)strtoul(optarg, &end, 10); break;
        case 'H': cfg->housekeeping = (unsigned)strtoul(optarg, &end, 10); break;
        case 'S': cfg->seed = strtoull(optarg, &end, 10); break;
        case 'M': so->max_blocks = (unsigned)strtoul(optarg, &end, 10); break;
        case 's': cfg->seconds = strtod(optarg, &end); break;
        case 'R': so->resume = true; break;
        case 'x': snprintf(cli.bench_bin, sizeof cli.bench_bin, "%s", optarg); break;
        case 'U': uri = optarg; break;
        case 'V':
            if (strcmp(optarg, "kvm") && strcmp(optarg, "qemu") && strcmp(optarg, "auto")) {
                fprintf(stderr, "hpcsim-calibrate: --virt: '%s' is not kvm, qemu or auto\n", optarg);
                return 2;
            }
            virt = optarg;
            break;
        case 'm': guest_mib = (unsigned)strtoul(optarg, &end, 10); break;
        case 'P': hugepages = true; break;
        case 'o': cli.output = optarg; break;
        case 'N': cli.note = optarg; break;
        case 'T': cli.tolerance = strtod(optarg, &end) / 100; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
        if (rc < 0) {
            fprintf(stderr, "hpcsim-calibrate: --");
            hs_error_print(stderr, &err);
            return 2;
        }
        if (end && (*end || end == optarg || optarg[0] == '-')) {
            const char *flag = "?";
            for (const struct option *o = opts; o->name; o++)
                if (o->val == c)
                    flag = o->name;
            fprintf(stderr, "hpcsim-calibrate: --%s: '%s' is not a non-negative number\n", flag, optarg);
            return 2;
        }
    }
    cli.nargs = argc - optind;
    cli.args = argv + optind;
    static const struct {
        const char *name;
        int (*run)(const hc_cli *cli);
        bool operands; /* takes some after its options (it checks them) */
    } commands[] = {
        {"probe", hc_cmd_probe, false},  {"plan", hc_cmd_plan, false}, {"run", hc_cmd_run, false},
        {"report", hc_cmd_report, true}, {"fit", hc_cmd_fit, true},    {"cleanup", hc_cmd_cleanup, false},
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(cmd, commands[i].name) != 0)
            continue;
        if (cli.nargs && !commands[i].operands) {
            fprintf(stderr, "hpcsim-calibrate: unexpected argument '%s'\n", cli.args[0]);
            return 2;
        }
        hc_kvm_configure(uri, virt, cli.bench_bin, guest_mib, hugepages);
        return commands[i].run(&cli);
    }
    fprintf(stderr, "hpcsim-calibrate: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
