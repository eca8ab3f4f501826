/* hpcsim-calibrate cleanup: removes every container, domain, process,
 * cgroup and file a killed run left (its state file says which). */
#include <stdio.h>

#include "backends/backend.h"
#include "commands.h"

int hc_cmd_cleanup(const hc_cli *cli)
{
    hs_error err;
    int n = hc_cleanup(cli->series.workdir, stdout, &err);
    if (n < 0) {
        fputs("hpcsim-calibrate cleanup: ", stderr);
        hs_error_print(stderr, &err);
        return 1;
    }
    printf("cleanup of %s: %d object%s removed, nothing left\n", cli->series.workdir, n, n == 1 ? "" : "s");
    return 0;
}
