/* Fuzz target for the model file reader: any bytes either fail with a
 * message and keep nothing, or give a model that writes and reads back
 * to the same backends. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_tmp.h"
#include "hpcsim/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_model m;
    hs_error err;
    if (hs_model_parse(&m, (const char *)data, size, "fuzz.json", &err) < 0) {
        if (err.text[0] == '\0' || m.nbackends != 0 || m.provenance)
            abort();
        return 0;
    }
    char path[64];
    snprintf(path, sizeof path, "%s/hpcsim-fuzz-model-%d.json", fuzz_tmp_dir(), (int)getpid());
    hs_model back;
    if (hs_model_write(&m, path, &err) < 0 || hs_model_load(&back, path, &err) < 0)
        abort(); /* what was accepted must survive a round trip */
    if (back.nbackends != m.nbackends)
        abort();
    for (unsigned i = 0; i < m.nbackends; i++)
        if (strcmp(back.backends[i].name, m.backends[i].name) != 0 ||
            back.backends[i].nquantiles != m.backends[i].nquantiles)
            abort();
    unlink(path);
    hs_model_free(&back);
    hs_model_free(&m);
    return 0;
}
