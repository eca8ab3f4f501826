/* Helpers for readers of JSON files that name the field at fault
 * ("file: path.to.field: message"), shared by cluster descriptions and
 * model files. */
#ifndef HPCSIM_JSON_FIELDS_H
#define HPCSIM_JSON_FIELDS_H

#include <jansson.h>

#include "hpcsim/error.h"

/* "an object", "an integer", ... for messages. */
const char *hs_json_kind(const json_t *v);

/* Refuses keys of obj not in allowed (NULL-terminated), so that a typo is
 * never silently ignored; path is the object's own path ("" at the root). */
int hs_json_check_keys(const json_t *obj, const char *const *allowed, const char *src, const char *path,
                       hs_error *err);

#endif
