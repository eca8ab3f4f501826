/* JSON field helpers (json_fields.h). */
#include "hpcsim/json_fields.h"

#include <string.h>

const char *hs_json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a real number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

int hs_json_check_keys(const json_t *obj, const char *const *allowed, const char *src, const char *path,
                       hs_error *err)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (const char *const *a = allowed; *a; a++)
            ok |= strcmp(*a, key) == 0;
        if (!ok)
            return hs_error_set(err, src, 0, 0, "%s%s%s: unknown key", path, *path ? "." : "", key);
    }
    return 0;
}
