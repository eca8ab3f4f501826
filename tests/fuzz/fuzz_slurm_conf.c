/* Fuzz target for the slurm.conf reader and the scheduler parameters
 * read from it: any bytes either fail with a message naming the source,
 * or give nodes and partitions whose indexes hold and parameters inside
 * Slurm's ranges (or a message naming the source). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, '\0', size))
        return 0; /* the file reader refuses NUL bytes before parsing */
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    hs_slurm_conf c;
    hs_error err;
    if (hs_slurm_conf_parse(&c, text, "fuzz.conf", &err) < 0) {
        if (err.text[0] == '\0' || strcmp(err.source, "fuzz.conf") != 0 || c.nnodes != 0)
            abort();
    } else {
        if (c.nnodes == 0)
            abort();
        for (uint32_t p = 0; p < c.nparts; p++)
            for (uint32_t i = 0; i < c.parts[p].nnodes; i++)
                if (c.parts[p].nodes[i] >= c.nnodes)
                    abort();
        hs_slurm_params prm;
        if (hs_slurm_params_read(&prm, &c, "fuzz.conf", NULL, &err) < 0) {
            if (err.text[0] == '\0' || strcmp(err.source, "fuzz.conf") != 0)
                abort();
        } else if (prm.bf_resolution < 1 || prm.bf_resolution > 3600 || prm.bf_max_job_test < 1 || prm.calc_period <= 0 ||
                   prm.dampening < 1 || (prm.multifactor && !prm.slurmdbd && (prm.w_age || prm.w_fairshare)))
            abort();
        hs_slurm_conf_free(&c);
    }
    free(text);
    return 0;
}
