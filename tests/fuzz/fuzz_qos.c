/* Fuzz target for QOS files (sacctmgr output): any bytes either fail with
 * a message naming the source and leave nothing, or give distinct named
 * levels whose largest priority is the one kept, and a route that always
 * lands on one of them. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qos_file.h"

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
    sl_qos_file f;
    hs_error err;
    if (sl_qos_file_parse(&f, text, "fuzz.txt", &err) < 0) {
        if (err.text[0] == '\0' || (strcmp(err.source, "fuzz.txt") != 0 && strcmp(err.text, "out of memory") != 0) || f.n != 0)
            abort();
    } else {
        uint32_t most = 0;
        for (uint32_t i = 0; i < f.n; i++) {
            if (!f.q[i].name[0] || f.q[i].usage_factor < 0)
                abort();
            for (uint32_t k = 0; k < i; k++)
                if (!strcmp(f.q[i].name, f.q[k].name))
                    abort();
            if (f.q[i].priority > most)
                most = f.q[i].priority;
        }
        if (most != f.max_priority || f.n == 0)
            abort();
        const double queues[] = {-1, 0, 1, 2.5, f.n, f.n + 1.0, 1e300};
        for (size_t k = 0; k < sizeof queues / sizeof queues[0]; k++)
            if (sl_qos_file_route(&f, queues[k]) >= f.n)
                abort();
        sl_qos_file_free(&f);
    }
    free(text);
    return 0;
}
