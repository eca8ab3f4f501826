/* A reader of the TOML subset that Flux configuration files use: tables
 * ([a] and dotted [a.b] headers), key = value pairs (bare, quoted or
 * dotted keys), basic and literal strings, integers, booleans, inline
 * tables and comments. Anything else (arrays, floats, dates, multi-line
 * strings) is refused, as are a key given twice and a table defined
 * twice: every error names "file:line:column". Debian 12 packages no C
 * TOML library, hence this one (docs/flux.md). */
#ifndef HPCSIM_FLUX_TOML_H
#define HPCSIM_FLUX_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "hpcsim/error.h"

enum fx_toml_kind { FX_TOML_TABLE, FX_TOML_STRING, FX_TOML_INTEGER, FX_TOML_BOOLEAN };

typedef struct fx_toml fx_toml;

/* A value; a table's members are kept in the order they were read. */
struct fx_toml {
    enum fx_toml_kind kind;
    char *key;           /* its key in the parent table; NULL at the root */
    int line, column;    /* where it was defined */
    char *string;        /* FX_TOML_STRING */
    int64_t integer;     /* FX_TOML_INTEGER; booleans are 0 or 1 */
    fx_toml **members;   /* FX_TOML_TABLE */
    size_t nmembers;
    int explicit_header; /* a table given by its own [header] */
    int inline_table;    /* { ... }: closed to later additions */
};

/* Parses text (len bytes; NULs are refused); source names it in errors.
 * NULL on error, with err set. */
fx_toml *fx_toml_parse(const char *text, size_t len, const char *source, hs_error *err);
/* Reads and parses a file. */
fx_toml *fx_toml_load(const char *path, hs_error *err);
void fx_toml_free(fx_toml *t);

/* The member of table t named key, or NULL. */
const fx_toml *fx_toml_get(const fx_toml *t, const char *key);
const char *fx_toml_kind_name(enum fx_toml_kind kind);

#endif
