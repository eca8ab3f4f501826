/* Fuzz target for the Flux model's TOML reader: any bytes either fail
 * with a message naming the source, a line and a column, or give a tree
 * whose tables have distinct, non-empty-named members of known kinds. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void walk(const fx_toml *t, int depth)
{
    if (depth > 64 || t->kind > FX_TOML_BOOLEAN)
        abort();
    if (t->kind == FX_TOML_STRING && !t->string)
        abort();
    if (t->kind != FX_TOML_TABLE)
        return;
    for (size_t i = 0; i < t->nmembers; i++) {
        if (!t->members[i]->key)
            abort();
        for (size_t k = 0; k < i; k++)
            if (strcmp(t->members[i]->key, t->members[k]->key) == 0)
                abort();
        if (fx_toml_get(t, t->members[i]->key) != t->members[i])
            abort();
        walk(t->members[i], depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_error err;
    fx_toml *t = fx_toml_parse((const char *)data, size, "fuzz.toml", &err);
    if (!t) {
        if (err.text[0] == '\0' || (strcmp(err.source, "fuzz.toml") != 0) || (err.line < 1 && strcmp(err.text, "out of memory") != 0))
            abort();
        return 0;
    }
    walk(t, 0);
    fx_toml_free(t);
    return 0;
}
