/* `hpcsim run`: flags → hs_run_config → hs_run. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "args.h"
#include "commands.h"
#include "hpcsim/model.h"
#include "hpcsim/policy.h"
#include "hpcsim/run.h"

static void run_usage(FILE *out)
{
    fputs("usage: hpcsim run --trace FILE [--cluster FILE | --nodes N --cores-per-node C]\n"
          "                  [--policy NAME [--policy-conf FILE]... [--policy-opt KEY=VALUE]...]\n"
          "                  [--alloc cores|nodes] [--out DIR] [--seed S] [--strict] [--no-kill] [--quiet]\n"
          "                  [--max-memory SIZE]\n"
          "\n"
          "  --trace FILE          SWF trace, plain or gzip; - reads standard input\n"
          "  --cluster FILE        cluster description (JSON, docs/replay.md)\n"
          "  --nodes N             cluster of N identical nodes (default: MaxNodes of the trace header)\n"
          "  --cores-per-node C    cores per node (default: MaxProcs / MaxNodes, else 1)\n"
          "  --alloc cores|nodes   allocate cores (default) or whole nodes\n"
          "  --policy NAME         scheduling policy (default easy):\n",
          out);
    for (const struct hs_policy_ops *const *p = hs_policy_all(); *p; p++)
        fprintf(out, "                          %-6s %s\n", (*p)->name, (*p)->summary);
    fputs("  --policy-conf FILE    the policy's own configuration file (repeatable)\n"
          "  --policy-opt KEY=VAL  one of the policy's options (repeatable)\n",
          out);
    for (const struct hs_policy_ops *const *p = hs_policy_all(); *p; p++) {
        if (!(*p)->usage)
            continue;
        fprintf(out, "                        with --policy %s:\n", (*p)->name);
        for (const char *line = (*p)->usage; *line;) {
            const char *nl = strchr(line, '\n');
            int len = nl ? (int)(nl - line) : (int)strlen(line);
            fprintf(out, "                          %.*s\n", len, line);
            line += len + (nl != NULL);
        }
    }
    fputs("  --out DIR             output directory (default hpcsim-out): jobs.csv, out.swf,\n"
          "                        rejected.csv, summary.json\n"
          "  --seed S              seed of the run's random draws (default 0)\n"
          "  --strict              stop at the first malformed trace line (default: skip and count)\n"
          "  --no-kill             let jobs run past their requested time\n"
          "  --model FILE|NAME     stretch run times with a performance model (a file from\n"
          "                        hpcsim-calibrate fit, or the name of a shipped one: literature)\n"
          "  --backend NAME        the nodes' backend in the model (a cluster group's \"backend\" wins)\n"
          "  --profiles LIST       shares of jobs per profile, e.g. cpu=0.6,memory=0.3,io=0.1\n"
          "                        (drawn with --seed; default: every job cpu)\n"
          "  --profile-rules LIST  profiles by SWF field first, e.g. app:7=memory,queue:2=io,user:15=latency\n"
          "  --quiet               do not list skipped lines on stderr\n"
          "  --max-memory SIZE     fail with a message, not a kill, past SIZE bytes of address space\n"
          "                        (e.g. 2G; a replay holds its whole trace: docs/replay.md, Memory)\n",
          out);
}

/* The Slurm flags of earlier versions, kept so that no command line
 * breaks: each is a --policy-conf or a --policy-opt of --policy slurm. */
static const struct alias {
    int flag;
    const char *name, *key; /* key NULL: --policy-conf */
} aliases[] = {
    {'L', "--slurm-conf", NULL},        {'T', "--topology-conf", "topology"}, {'A', "--slurm-assoc", "assoc"},
    {'Q', "--slurm-qos", "qos"},        {'G', "--slurm-log", "log"},
};

/* "cpu=0.5,memory=0.3,io=0.2": shares of jobs per profile. */
static int parse_profiles(const char *text, double *share)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '='), *end = NULL;
        enum hs_profile p;
        if (eq)
            *eq = '\0';
        double v = eq ? strtod(eq + 1, &end) : -1;
        if (!eq || hs_profile_parse(tok, &p) < 0 || !end || *end || end == eq + 1 || !(v >= 0 && v <= 1)) {
            fprintf(stderr, "hpcsim run: --profiles: '%s' is not PROFILE=SHARE (profiles cpu, memory, io, latency; "
                            "shares in [0, 1])\n", tok);
            return -1;
        }
        share[p] = v;
    }
    return 0;
}

int hs_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"trace", required_argument, 0, 't'},   {"cluster", required_argument, 0, 'c'},
        {"nodes", required_argument, 0, 'n'},   {"cores-per-node", required_argument, 0, 'C'},
        {"policy", required_argument, 0, 'p'},  {"alloc", required_argument, 0, 'a'},
        {"out", required_argument, 0, 'o'},     {"seed", required_argument, 0, 's'},
        {"strict", no_argument, 0, 'S'},        {"no-kill", no_argument, 0, 'K'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {"model", required_argument, 0, 'm'},   {"backend", required_argument, 0, 'b'},
        {"profiles", required_argument, 0, 'P'}, {"profile-rules", required_argument, 0, 'R'},
        {"slurm-conf", required_argument, 0, 'L'}, {"slurm-log", required_argument, 0, 'G'},
        {"topology-conf", required_argument, 0, 'T'}, {"slurm-assoc", required_argument, 0, 'A'},
        {"slurm-qos", required_argument, 0, 'Q'}, {"policy-conf", required_argument, 0, 'F'},
        {"policy-opt", required_argument, 0, 'O'}, {"max-memory", required_argument, 0, 'M'},
        {0, 0, 0, 0},
    };
    hs_run_config cfg;
    hs_run_config_default(&cfg);
    cfg.warn = stderr;
    uint64_t v, max_memory = 0;
    const char *max_memory_text = NULL;
    int c;
    const char *alias_used = NULL;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': cfg.trace_path = optarg; break;
        case 'c': cfg.cluster_path = optarg; break;
        case 'p': cfg.policy = optarg; break;
        case 'o': cfg.out_dir = optarg; break;
        case 'S': cfg.strict = true; break;
        case 'K': cfg.kill_at_req_time = false; break;
        case 'q': cfg.warn = NULL; break;
        case 'm': cfg.model_path = optarg; break;
        case 'R': cfg.profile_rules = optarg; break;
        case 'b': cfg.backend = optarg; break;
        case 'L': case 'T': case 'A': case 'Q': case 'G':
            for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
                if (aliases[i].flag == c) {
                    alias_used = aliases[i].name;
                    if (aliases[i].key ? hs_run_config_add_opt(&cfg, aliases[i].key, optarg) < 0
                                       : hs_run_config_add_conf(&cfg, optarg) < 0) {
                        fprintf(stderr, "hpcsim run: %s: too many policy options\n", aliases[i].name);
                        return 2;
                    }
                }
            break;
        case 'F':
            if (hs_run_config_add_conf(&cfg, optarg) < 0) {
                fprintf(stderr, "hpcsim run: --policy-conf: at most %d files\n", HS_RUN_MAX_POLICY_CONF);
                return 2;
            }
            break;
        case 'O': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                fprintf(stderr, "hpcsim run: --policy-opt: '%s' is not KEY=VALUE\n", optarg);
                return 2;
            }
            *eq = '\0'; /* getopt's argv: ours to split */
            if (hs_run_config_add_opt(&cfg, optarg, eq + 1) < 0) {
                fprintf(stderr, "hpcsim run: --policy-opt: at most %d options\n", HS_RUN_MAX_POLICY_OPTS);
                return 2;
            }
            break;
        }
        case 'P':
            if (parse_profiles(optarg, cfg.profile_share) < 0)
                return 2;
            break;
        case 'h': run_usage(stdout); return 0;
        case 'M':
            if (hs_arg_bytes("--max-memory", optarg, 16u << 20, &max_memory) < 0)
                return 2;
            max_memory_text = optarg;
            break;
        case 'n':
            if (hs_arg_u64("--nodes", optarg, 1, UINT32_MAX / 2, &v) < 0)
                return 2;
            cfg.nodes = (uint32_t)v;
            break;
        case 'C':
            if (hs_arg_u64("--cores-per-node", optarg, 1, 1u << 20, &v) < 0)
                return 2;
            cfg.cores_per_node = (uint32_t)v;
            break;
        case 's':
            if (hs_arg_u64("--seed", optarg, 0, UINT64_MAX, &v) < 0)
                return 2;
            cfg.seed = v;
            break;
        case 'a':
            if (strcmp(optarg, "cores") != 0 && strcmp(optarg, "nodes") != 0) {
                fprintf(stderr, "hpcsim run: --alloc: '%s' is neither cores nor nodes\n", optarg);
                return 2;
            }
            cfg.alloc_mode = strcmp(optarg, "nodes") == 0;
            break;
        default: run_usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hpcsim run: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!cfg.trace_path) {
        fprintf(stderr, "hpcsim run: --trace FILE is required\n");
        run_usage(stderr);
        return 2;
    }
    if (alias_used && strcmp(cfg.policy, "slurm") != 0) {
        fprintf(stderr, "hpcsim run: %s: is only read with --policy slurm (it stands for its --policy-conf or "
                        "--policy-opt)\n", alias_used);
        return 2;
    }
    int shares = 0;
    for (int i = 0; i < 4; i++)
        shares |= cfg.profile_share[i] > 0;
    if (!cfg.model_path && (cfg.backend || cfg.profile_rules || shares)) {
        fprintf(stderr, "hpcsim run: --backend, --profiles and --profile-rules need --model FILE\n");
        return 2;
    }
    if (cfg.cluster_path && (cfg.nodes || cfg.cores_per_node)) {
        fprintf(stderr, "hpcsim run: give either --cluster or --nodes/--cores-per-node, not both\n");
        return 2;
    }
    /* The address space, not the resident set: malloc then fails, and
     * every allocation is checked, so the run ends with a message (and no
     * output) instead of being killed by the kernel's OOM killer. */
    struct rlimit as = {(rlim_t)max_memory, (rlim_t)max_memory};
    if (max_memory && setrlimit(RLIMIT_AS, &as) < 0) {
        fprintf(stderr, "hpcsim run: --max-memory: %s\n", strerror(errno));
        return 2;
    }
    cfg.progress = isatty(STDERR_FILENO);
    hs_error err;
    hs_metrics m;
    if (hs_run(&cfg, &m, &err) < 0) {
        if (max_memory_text && strstr(err.text, "out of memory"))
            snprintf(err.text + strlen(err.text), sizeof err.text - strlen(err.text),
                     " (the --max-memory limit of %s was reached)", max_memory_text);
        fputs("hpcsim run: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    printf("%s: %llu completed, %llu killed, %llu rejected, %llu skipped; makespan %.0f s, utilization %.3f, "
           "mean wait %.0f s, mean bounded slowdown %.2f\n",
           cfg.out_dir, (unsigned long long)m.completed, (unsigned long long)m.killed, (unsigned long long)m.rejected,
           (unsigned long long)m.skipped, m.makespan, m.utilization, m.wait_mean, m.bsld_mean);
    return 0;
}
