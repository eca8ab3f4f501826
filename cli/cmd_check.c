/* `hpcsim check OUTDIR`: the schedule checker on a run's outputs. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "hpcsim/check.h"

int hs_cmd_check(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        puts("usage: hpcsim check OUTDIR\n\n"
             "Verifies from the files of a run alone (summary.json, jobs.csv, out.swf, rejected.csv)\n"
             "that no node or core is ever held by two jobs at once, no job starts before its\n"
             "submission, times add up, and every accepted job appears exactly once.\n"
             "Exit status 0 when valid, 1 with the first violation otherwise.");
        return 0;
    }
    if (argc != 2 || argv[1][0] == '-') {
        fputs("usage: hpcsim check OUTDIR\n", stderr);
        return 2;
    }
    hs_error err;
    hs_check_report rep;
    if (hs_check_outdir(argv[1], &rep, &err) < 0) {
        fputs("hpcsim check: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    printf("%s: valid schedule: %llu jobs on %llu units, at most %.0f units busy at once\n", argv[1],
           (unsigned long long)rep.jobs, (unsigned long long)rep.units, rep.max_busy);
    return 0;
}
