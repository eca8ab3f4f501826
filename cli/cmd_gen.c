/* `hpcsim gen`: writes a Lublin–Feitelson synthetic trace. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "hpcsim/gen.h"

static void gen_usage(FILE *out)
{
    fputs("usage: hpcsim gen --jobs N --nodes M --out FILE [--type batch|interactive|both|typeless]\n"
          "                  [--seed S] [--max-runtime SECONDS] [--load L]\n"
          "\n"
          "Writes N rigid jobs for a machine of M single-processor nodes, drawn from the\n"
          "Lublin-Feitelson (2003) model with its published parameter sets (docs/gen.md): sizes,\n"
          "run times correlated with size, a daily arrival cycle. --type picks the set: batch jobs\n"
          "(default), interactive jobs, both streams interleaved (SWF queue 0 = interactive,\n"
          "1 = batch), or the one-type fit. Run times above --max-runtime (default 172800 s,\n"
          "48 h, the site's limit) are drawn again. --load L scales all arrival gaps by one\n"
          "factor so that the offered load (node-seconds asked for / (nodes x submission span))\n"
          "is L; by default the model's own arrival rate is kept. The same seed gives the same file.\n",
          out);
}

int hs_cmd_gen(int argc, char **argv)
{
    static const struct option opts[] = {
        {"jobs", required_argument, 0, 'j'}, {"nodes", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'}, {"out", required_argument, 0, 'o'},
        {"max-runtime", required_argument, 0, 'm'}, {"load", required_argument, 0, 'l'},
        {"type", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    hs_gen_config cfg = {0, 0, 0, HS_GEN_MAX_RUNTIME, 0, NULL, HS_GEN_BATCH};
    const char *type = "batch";
    const char *out = NULL;
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'j':
            if (hs_arg_u64("--jobs", optarg, 1, UINT32_MAX - 1, &v) < 0)
                return 2;
            cfg.jobs = v;
            break;
        case 'n':
            if (hs_arg_u64("--nodes", optarg, 1, UINT32_MAX / 2, &v) < 0)
                return 2;
            cfg.nodes = (uint32_t)v;
            break;
        case 's':
            if (hs_arg_u64("--seed", optarg, 0, UINT64_MAX, &v) < 0)
                return 2;
            cfg.seed = v;
            break;
        case 'm':
            if (hs_arg_u64("--max-runtime", optarg, 60, 365ull * 86400, &v) < 0)
                return 2;
            cfg.max_runtime = (double)v;
            break;
        case 'l': {
            char *end;
            cfg.load = strtod(optarg, &end);
            if (end == optarg || *end != '\0' || !(cfg.load > 0 && cfg.load <= 100)) {
                fprintf(stderr, "hpcsim gen: --load: '%s' is not a number in (0, 100]\n", optarg);
                return 2;
            }
            break;
        }
        case 't':
            if (hs_gen_type_parse(optarg, &cfg.type) < 0) {
                fprintf(stderr, "hpcsim gen: --type: '%s' is not batch, interactive, both or typeless\n", optarg);
                return 2;
            }
            type = optarg;
            break;
        case 'o': out = optarg; break;
        case 'h': gen_usage(stdout); return 0;
        default: gen_usage(stderr); return 2;
        }
    }
    if (!cfg.jobs || !cfg.nodes || !out || optind < argc) {
        gen_usage(stderr);
        return 2;
    }
    char command[512];
    int len = snprintf(command, sizeof command,
                       "hpcsim gen --jobs %llu --nodes %u --type %s --seed %llu --max-runtime %.0f",
                       (unsigned long long)cfg.jobs, cfg.nodes, type, cfg.seed, cfg.max_runtime);
    if (cfg.load > 0)
        snprintf(command + len, sizeof command - (size_t)len, " --load %g", cfg.load);
    cfg.command = command;
    hs_error err;
    if (hs_gen_lublin(&cfg, out, &err) < 0) {
        fputs("hpcsim gen: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    return 0;
}
