/* hpcsim-calibrate: measures how nodes of each kind (native, LXC, KVM) behave
 * pinned on this host, alone and under co-located load.
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
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/kvm.h"
#include "backends/kvm_xml.h"
#include "boundary.h"
#include "fit.h"
#include "hostinfo.h"
#include "plan.h"
#include "report.h"
#include "series.h"

static void on_signal(int sig)
{
    (void)sig;
    hc_stop_requested = 1;
}

static void usage(FILE *out)
{
    fputs("usage: hpcsim-calibrate probe|plan|run|report|cleanup [options]\n"
          "       hpcsim-calibrate fit WORKDIR/measurements.jsonl -o model.json [--note TEXT]\n"
          "       hpcsim-calibrate report MODEL.json [-o report.html] [--tolerance PERCENT]\n"
          "\n"
          "  --workdir DIR        where the log, the state file and containers live (default hpcsim-calib)\n"
          "  --topology SPEC      host (default), an hwloc XML file, or a synthetic description\n"
          "  --backends LIST      native,lxc,kvm (default native,lxc)\n"
          "  --layouts LIST       def,pin_def,pin,vtune (default pin)\n"
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

static int uses_kvm(const hc_plan_config *cfg)
{
    for (unsigned b = 0; b < cfg->nbackends; b++)
        if (strcmp(cfg->backends[b], "kvm") == 0)
            return 1;
    return 0;
}

static int probe(const char *topo_spec)
{
    hc_topology t;
    hs_error err;
    if (hc_topology_load(&t, topo_spec, &err) < 0) {
        hs_error_print(stderr, &err);
        return 1;
    }
    json_t *facts = hc_host_facts(&t);
    printf("host: %s, kernel %s, %s%s\n", json_string_value(json_object_get(facts, "hostname")),
           json_string_value(json_object_get(facts, "kernel")),
           json_is_true(json_object_get(facts, "virtualized")) ? "itself a virtual machine (hypervisor flag)"
                                                               : "bare metal (no hypervisor flag)",
           "");
    printf("topology (%s): %u package(s), %u NUMA node(s), %u cores, %u PUs, %u thread(s) per core, hwloc digest %s\n",
           t.source, t.npackages, t.nnuma, t.ncores, t.npus, hc_topology_threads_per_core(&t), t.xml_digest);
    printf("root: %s\n", geteuid() == 0 ? "yes" : "no");
    printf("cgroups: %s\n", hc_cgroup_layout());
    char why[256];
    hc_kvm_probe_report(stdout);
    static const char *const names[] = {"native", "lxc", "kvm"};
    for (int i = 0; i < 3; i++) {
        const hc_backend_ops *b = hc_backend_find(names[i]);
        int ok = b->probe(why, sizeof why);
        printf("%s: %s (%s)\n", names[i], ok ? "usable" : "NOT usable", why);
    }
    json_decref(facts);
    hc_topology_free(&t);
    return 0;
}

/* fit LOG -o MODEL: the model, and the held-out checks on stdout. */
static int fit(const char *log, const char *extra, const char *output, const char *note, unsigned long long seed)
{
    if (!log || extra || !output) {
        fprintf(stderr, "usage: hpcsim-calibrate fit WORKDIR/measurements.jsonl -o model.json [--seed S]\n");
        return 2;
    }
    hs_model m;
    hs_error err;
    int rc = hc_fit(log, seed, &m, stdout, &err);
    if (rc == 0 && note) { /* what the numbers are, in the file itself */
        json_error_t jerr;
        json_t *p = json_loads(m.provenance, 0, &jerr);
        json_object_set_new(p, "note", json_string(note));
        free(m.provenance);
        m.provenance = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(p);
    }
    if (rc < 0 || hs_model_write(&m, output, &err) < 0) {
        fputs("hpcsim-calibrate fit: ", stderr);
        hs_error_print(stderr, &err);
        hs_model_free(&m);
        return 1;
    }
    printf("\nmodel of %u backend%s written to %s\n", m.nbackends, m.nbackends == 1 ? "" : "s", output);
    for (unsigned i = 0; i < m.nbackends; i++)
        if (m.backends[i].emulated)
            printf("WARNING: %s was measured under emulation (TCG): marked \"emulated\": true, not KVM overhead\n",
                   m.backends[i].name);
    hs_model_free(&m);
    return 0;
}

int main(int argc, char **argv)
{
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
    hc_plan_config cfg;
    hc_plan_config_default(&cfg);
    hc_series_options so = {"hpcsim-calib", NULL, false, false, 0};
    const char *topo = "host";
    char bench_bin[PATH_MAX];
    default_bench_bin(bench_bin, sizeof bench_bin);
    so.bench_bin = bench_bin;
    const char *uri = NULL, *virt = NULL;
    unsigned guest_mib = 0;
    bool hugepages = false;
    hs_error err;
    int c;
    optind = 2;
    const char *output = NULL, *note = NULL;
    double tolerance = 0.05;
    while ((c = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        char *end = NULL;
        int rc = 0;
        switch (c) {
        case 'w': so.workdir = optarg; break;
        case 't': topo = optarg; break;
        case 'b': rc = hc_plan_set_list(&cfg, "backends", optarg, &err); break;
        case 'l': rc = hc_plan_set_list(&cfg, "layouts", optarg, &err); break;
        case 'B': rc = hc_plan_set_list(&cfg, "benches", optarg, &err); break;
        case 'k': rc = hc_plan_set_list(&cfg, "kinds", optarg, &err); break;
        case 'L': rc = hc_plan_set_list(&cfg, "levels", optarg, &err); break;
        case 'K': cfg.max_corunners = (unsigned)strtoul(optarg, &end, 10); break;
        case 'r': cfg.reps = (unsigned)strtoul(optarg, &end, 10); break;
        case 'v': cfg.vcpus = (unsigned)strtoul(optarg, &end, 10); break;
        case 'H': cfg.housekeeping = (unsigned)strtoul(optarg, &end, 10); break;
        case 'S': cfg.seed = strtoull(optarg, &end, 10); break;
        case 'M': so.max_blocks = (unsigned)strtoul(optarg, &end, 10); break;
        case 's': cfg.seconds = strtod(optarg, &end); break;
        case 'R': so.resume = true; break;
        case 'x': snprintf(bench_bin, sizeof bench_bin, "%s", optarg); break;
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
        case 'o': output = optarg; break;
        case 'N': note = optarg; break;
        case 'T': tolerance = strtod(optarg, &end) / 100; break;
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
    if (!strcmp(cmd, "fit"))
        return fit(optind < argc ? argv[optind] : NULL, optind + 1 < argc ? argv[optind + 1] : NULL, output, note,
                   cfg.seed);
    if (optind < argc && strcmp(cmd, "report") != 0) {
        fprintf(stderr, "hpcsim-calibrate: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    hc_kvm_configure(uri, virt, bench_bin, guest_mib, hugepages);
    if (!strcmp(cmd, "probe"))
        return probe(topo);
    if (!strcmp(cmd, "cleanup")) {
        int n = hc_cleanup(so.workdir, stdout, &err);
        if (n < 0) {
            fputs("hpcsim-calibrate cleanup: ", stderr);
            hs_error_print(stderr, &err);
            return 1;
        }
        printf("cleanup of %s: %d object%s removed, nothing left\n", so.workdir, n, n == 1 ? "" : "s");
        return 0;
    }
    if (!strcmp(cmd, "report") && optind < argc) { /* report MODEL.json: the boundary */
        if (optind + 1 < argc) {
            fprintf(stderr, "hpcsim-calibrate report: unexpected argument '%s'\n", argv[optind + 1]);
            return 2;
        }
        if (hc_boundary_report(argv[optind], tolerance, output, stdout, &err) < 0) {
            fputs("hpcsim-calibrate report: ", stderr);
            hs_error_print(stderr, &err);
            return 1;
        }
        if (output)
            printf("\nplots: %s\n", output);
        return 0;
    }
    if (!strcmp(cmd, "report")) {
        char log_path[PATH_MAX];
        snprintf(log_path, sizeof log_path, "%s/measurements.jsonl", so.workdir);
        if (hc_report(log_path, cfg.seed, stdout, &err) < 0) {
            fputs("hpcsim-calibrate report: ", stderr);
            hs_error_print(stderr, &err);
            return 1;
        }
        return 0;
    }
    if (strcmp(cmd, "plan") && strcmp(cmd, "run")) {
        fprintf(stderr, "hpcsim-calibrate: unknown command '%s'\n", cmd);
        usage(stderr);
        return 2;
    }
    hc_plan p;
    hc_topology t;
    if (hc_topology_load(&t, topo, &err) < 0 || hc_plan_build(&p, &cfg, &err) < 0) {
        fprintf(stderr, "hpcsim-calibrate %s: ", cmd);
        hs_error_print(stderr, &err);
        return 1;
    }
    /* Refuse a plan the host cannot hold before anything starts. */
    for (unsigned i = 0; i < p.npoints; i++) {
        hc_place_request req = {1 + p.points[i].k, cfg.vcpus, p.points[i].layout, cfg.housekeeping, 0};
        hc_placement pl;
        if (hc_place(&t, &req, &pl, &err) < 0) {
            fprintf(stderr, "hpcsim-calibrate %s: point %s: ", cmd, p.points[i].id);
            hs_error_print(stderr, &err);
            return 1;
        }
        /* every pin a domain would get, against this host's PUs: libvirt's
         * own checks come later, some (the test driver's) never */
        for (unsigned j = 0; j < pl.nnodes && uses_kvm(&cfg); j++) {
            hc_domain_spec spec = {p.points[i].id, "kvm", 512, pl.layout, &pl.nodes[j], pl.housekeeping,
                                   "", "", "", "", NULL, false};
            if (hc_domain_check_pins(&t, &spec, &err) < 0) {
                fprintf(stderr, "hpcsim-calibrate %s: point %s: ", cmd, p.points[i].id);
                hs_error_print(stderr, &err);
                return 1;
            }
        }
        hc_placement_free(&pl);
    }
    if (!strcmp(cmd, "plan")) {
        hc_plan_print(&p, stdout);
        return 0;
    }
    char why[256];
    for (unsigned b = 0; b < cfg.nbackends; b++)
        if (!hc_backend_find(cfg.backends[b])->probe(why, sizeof why)) {
            fprintf(stderr, "hpcsim-calibrate run: backend %s: %s\n", cfg.backends[b], why);
            return 1;
        }
    if (access(bench_bin, X_OK) != 0) {
        fprintf(stderr, "hpcsim-calibrate run: %s: not executable (give --bench-bin)\n", bench_bin);
        return 1;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    so.progress = isatty(2);
    int rc = hc_series_run(&p, &t, &so, &err);
    hc_plan_free(&p);
    hc_topology_free(&t);
    if (rc < 0) {
        fputs("hpcsim-calibrate run: ", stderr);
        hs_error_print(stderr, &err);
        return hc_stop_requested ? 130 : 1;
    }
    return 0;
}
