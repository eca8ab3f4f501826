/* `hpcsim`: dispatches to the subcommands. Each lives in its own file and
 * only parses flags; the work is done by library modules. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "hpcsim/file.h"

static void usage(FILE *out)
{
    fputs("usage: hpcsim <command> [options]\n"
          "\n"
          "commands:\n"
          "  run     replay an SWF trace through a scheduling policy\n"
          "  check   verify a run's output directory (no over-allocation, causality, completeness)\n"
          "  gen     write a synthetic trace (Lublin-Feitelson 2003 model)\n"
          "  sweep   run a grid of parameters, on all cores, with MPI or as a job array's shards\n"
          "  report  one HTML page of plots of a run's or a sweep's folder\n"
          "  slurm-verify  the Slurm model decision by decision against a real Slurm record\n"
          "\n"
          "hpcsim <command> --help describes each; hpcsim --version prints the version.\n",
          out);
}

int main(int argc, char **argv)
{
    hs_write_errors_not_signals(); /* a full disk or file-size limit: a message, not a kill */
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("hpcsim %s\n", HPCSIM_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return hs_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "check") == 0)
        return hs_cmd_check(argc - 1, argv + 1);
    if (strcmp(cmd, "gen") == 0)
        return hs_cmd_gen(argc - 1, argv + 1);
    if (strcmp(cmd, "sweep") == 0)
        return hs_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "report") == 0)
        return hs_cmd_report(argc - 1, argv + 1);
    if (strcmp(cmd, "slurm-verify") == 0)
        return hs_cmd_slurm_verify(argc - 1, argv + 1);
    fprintf(stderr, "hpcsim: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
