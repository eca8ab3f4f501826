/* hpcsim-calibrate fit LOG -o MODEL: the model, and the held-out checks
 * on stdout. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "fit.h"

int hc_cmd_fit(const hc_cli *cli)
{
    if (cli->nargs != 1 || !cli->output) {
        fprintf(stderr, "usage: hpcsim-calibrate fit WORKDIR/measurements.jsonl -o model.json [--seed S]\n");
        return 2;
    }
    hs_model m;
    hs_error err;
    int rc = hc_fit(cli->args[0], cli->plan.seed, &m, stdout, &err);
    if (rc == 0 && cli->note) { /* what the numbers are, in the file itself */
        json_error_t jerr;
        json_t *p = json_loads(m.provenance, 0, &jerr);
        json_object_set_new(p, "note", json_string(cli->note));
        free(m.provenance);
        m.provenance = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(p);
    }
    if (rc < 0 || hs_model_write(&m, cli->output, &err) < 0) {
        fputs("hpcsim-calibrate fit: ", stderr);
        hs_error_print(stderr, &err);
        hs_model_free(&m);
        return 1;
    }
    printf("\nmodel of %u backend%s written to %s\n", m.nbackends, m.nbackends == 1 ? "" : "s", cli->output);
    for (unsigned i = 0; i < m.nbackends; i++)
        if (m.backends[i].emulated)
            printf("WARNING: %s was measured under emulation (TCG): marked \"emulated\": true, not KVM overhead\n",
                   m.backends[i].name);
    hs_model_free(&m);
    return 0;
}
