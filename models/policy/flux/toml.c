/* The TOML subset reader (toml.h): one pass over the text with a cursor
 * that knows its line and column, building a tree of tables. */
#define _POSIX_C_SOURCE 200809L
#include "toml.h"

#include "hpcsim/file.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct cursor {
    const char *s;
    size_t len, pos;
    int line, col;
    const char *source;
    hs_error *err;
    int depth; /* of inline tables: bounded, so that no input exhausts the stack */
} cursor;

static int peek(const cursor *c) { return c->pos < c->len ? (unsigned char)c->s[c->pos] : -1; }
static int peek_at(const cursor *c, size_t k) { return c->pos + k < c->len ? (unsigned char)c->s[c->pos + k] : -1; }

static void advance(cursor *c)
{
    if (c->pos >= c->len)
        return;
    if (c->s[c->pos] == '\n') {
        c->line++;
        c->col = 1;
    } else {
        c->col++;
    }
    c->pos++;
}

__attribute__((format(printf, 2, 3))) static int fail(cursor *c, const char *fmt, ...)
{
    char text[HS_ERROR_TEXT_LENGTH];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return hs_error_set(c->err, c->source, c->line, c->col, "%s", text);
}

static void skip_blank(cursor *c)
{
    while (peek(c) == ' ' || peek(c) == '\t')
        advance(c);
}

/* After a value or header: blanks, an optional comment, then the end of
 * the line (or of the text). */
static int end_of_line(cursor *c)
{
    skip_blank(c);
    if (peek(c) == '#')
        while (peek(c) != -1 && peek(c) != '\n')
            advance(c);
    if (peek(c) == '\r' && peek_at(c, 1) == '\n')
        advance(c);
    if (peek(c) == '\n') {
        advance(c);
        return 0;
    }
    if (peek(c) == -1)
        return 0;
    return fail(c, "expected the end of the line, found '%c'", (char)peek(c));
}

static fx_toml *new_value(enum fx_toml_kind kind, const char *key, int line, int col)
{
    fx_toml *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    v->kind = kind;
    v->line = line;
    v->column = col;
    if (key && !(v->key = strdup(key))) {
        free(v);
        return NULL;
    }
    return v;
}

void fx_toml_free(fx_toml *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nmembers; i++)
        fx_toml_free(t->members[i]);
    free(t->members);
    free(t->string);
    free(t->key);
    free(t);
}

const fx_toml *fx_toml_get(const fx_toml *t, const char *key)
{
    if (!t || t->kind != FX_TOML_TABLE)
        return NULL;
    for (size_t i = 0; i < t->nmembers; i++)
        if (strcmp(t->members[i]->key, key) == 0)
            return t->members[i];
    return NULL;
}

const char *fx_toml_kind_name(enum fx_toml_kind kind)
{
    static const char *const names[] = {"a table", "a string", "an integer", "a boolean"};
    return names[kind];
}

static int add_member(cursor *c, fx_toml *table, fx_toml *v)
{
    fx_toml **m = realloc(table->members, (table->nmembers + 1) * sizeof *m);
    if (!m)
        return fail(c, "out of memory");
    table->members = m;
    m[table->nmembers++] = v;
    return 0;
}

/* Appends the UTF-8 form of code point u to buf. */
static int put_utf8(char *buf, size_t *n, size_t cap, unsigned long u)
{
    unsigned char b[4];
    int k;
    if (u < 0x80) {
        b[0] = (unsigned char)u, k = 1;
    } else if (u < 0x800) {
        b[0] = (unsigned char)(0xC0 | u >> 6), b[1] = (unsigned char)(0x80 | (u & 0x3F)), k = 2;
    } else if (u < 0x10000) {
        if (u >= 0xD800 && u <= 0xDFFF)
            return -1;
        b[0] = (unsigned char)(0xE0 | u >> 12), b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (u & 0x3F)), k = 3;
    } else if (u <= 0x10FFFF) {
        b[0] = (unsigned char)(0xF0 | u >> 18), b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3F));
        b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3F)), b[3] = (unsigned char)(0x80 | (u & 0x3F)), k = 4;
    } else {
        return -1;
    }
    if (*n + (size_t)k >= cap)
        return -1;
    memcpy(buf + *n, b, (size_t)k);
    *n += (size_t)k;
    return 0;
}

/* A basic ("...") or literal ('...') string on one line; *out is malloc'd. */
static int string_value(cursor *c, char **out)
{
    int quote = peek(c);
    if (peek_at(c, 1) == quote && peek_at(c, 2) == quote)
        return fail(c, "multi-line strings are not supported here");
    advance(c);
    size_t cap = 64, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return fail(c, "out of memory");
    for (;;) {
        int ch = peek(c);
        if (ch == -1 || ch == '\n') {
            free(buf);
            return fail(c, "unterminated string");
        }
        if (n + 8 >= cap) {
            char *more = realloc(buf, cap *= 2);
            if (!more) {
                free(buf);
                return fail(c, "out of memory");
            }
            buf = more;
        }
        if (ch == quote) {
            advance(c);
            break;
        }
        if (ch < 0x20 && ch != '\t') {
            free(buf);
            return fail(c, "a control character in a string");
        }
        if (ch != '\\' || quote == '\'') {
            buf[n++] = (char)ch;
            advance(c);
            continue;
        }
        advance(c);
        int e = peek(c);
        static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
        const char *hit = e > 0 ? strchr(from, e) : NULL;
        if (hit) {
            buf[n++] = to[hit - from];
            advance(c);
        } else if (e == 'u' || e == 'U') {
            int digits = e == 'u' ? 4 : 8;
            unsigned long u = 0;
            advance(c);
            for (int i = 0; i < digits; i++, advance(c)) {
                int h = peek(c);
                int v = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (v < 0) {
                    free(buf);
                    return fail(c, "bad \\u escape: expected a hexadecimal digit");
                }
                u = u * 16 + (unsigned long)v;
            }
            if (put_utf8(buf, &n, cap, u) < 0) {
                free(buf);
                return fail(c, "bad \\u escape: not a Unicode scalar value");
            }
        } else {
            free(buf);
            return fail(c, "unknown escape in a string");
        }
    }
    buf[n] = '\0';
    if (memchr(buf, '\0', n)) {
        free(buf);
        return fail(c, "a NUL character in a string");
    }
    *out = buf;
    return 0;
}

static int is_bare(int ch) { return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'; }

/* One part of a key: bare, or a quoted string. */
static int simple_key(cursor *c, char **out)
{
    int ch = peek(c);
    if (ch == '"' || ch == '\'')
        return string_value(c, out);
    size_t start = c->pos;
    while (is_bare(peek(c)))
        advance(c);
    if (c->pos == start)
        return fail(c, "expected a key");
    if (!(*out = strndup(c->s + start, c->pos - start)))
        return fail(c, "out of memory");
    return 0;
}

static void free_parts(char **parts, int n)
{
    for (int i = 0; i < n; i++)
        free(parts[i]);
}

/* A possibly dotted key: parts[] malloc'd strings (freed on failure). */
#define MAX_KEY_PARTS 16
static int dotted_key(cursor *c, char **parts, int *nparts)
{
    *nparts = 0;
    for (;;) {
        if (*nparts == MAX_KEY_PARTS || simple_key(c, &parts[*nparts]) < 0) {
            if (*nparts == MAX_KEY_PARTS)
                fail(c, "a key of more than 16 parts");
            free_parts(parts, *nparts);
            return -1;
        }
        (*nparts)++;
        skip_blank(c);
        if (peek(c) != '.')
            return 0;
        advance(c);
        skip_blank(c);
    }
}

/* The subtable `name` of t, made (implicit) when absent. */
static fx_toml *subtable(cursor *c, fx_toml *t, const char *name, int line, int col)
{
    fx_toml *v = (fx_toml *)fx_toml_get(t, name);
    if (v) {
        if (v->kind == FX_TOML_TABLE && !v->inline_table)
            return v;
        c->line = line, c->col = col; /* the error is the key's */
        fail(c, v->kind != FX_TOML_TABLE ? "'%s' is already a value, not a table"
                                         : "'%s' is an inline table: it cannot be extended",
             name);
        return NULL;
    }
    if (!(v = new_value(FX_TOML_TABLE, name, line, col)) || add_member(c, t, v) < 0) {
        if (v)
            fx_toml_free(v);
        else
            fail(c, "out of memory");
        return NULL;
    }
    return v;
}

static int value(cursor *c, fx_toml *v);

/* key = value into table t (the key read, the cursor on '='): the dotted
 * parts make implicit subtables; a key given twice is refused. */
static int assign(cursor *c, fx_toml *t, char **parts, int nparts, int line, int col)
{
    for (int i = 0; i + 1 < nparts; i++)
        if (!(t = subtable(c, t, parts[i], line, col)))
            return -1;
    const char *key = parts[nparts - 1];
    if (fx_toml_get(t, key)) {
        c->line = line, c->col = col;
        return fail(c, "key '%s' is given twice", key);
    }
    skip_blank(c);
    if (peek(c) != '=')
        return fail(c, "expected '=' after the key");
    advance(c);
    skip_blank(c);
    fx_toml *v = new_value(FX_TOML_STRING, key, line, col);
    if (!v)
        return fail(c, "out of memory");
    if (value(c, v) < 0 || add_member(c, t, v) < 0) {
        fx_toml_free(v);
        return -1;
    }
    return 0;
}

static int inline_table(cursor *c, fx_toml *t)
{
    t->kind = FX_TOML_TABLE;
    t->inline_table = 1;
    if (++c->depth > 32)
        return fail(c, "inline tables nested more than 32 deep");
    advance(c); /* { */
    skip_blank(c);
    if (peek(c) == '}') {
        advance(c);
        c->depth--;
        return 0;
    }
    for (;;) {
        char *parts[MAX_KEY_PARTS];
        int nparts, line = c->line, col = c->col;
        if (dotted_key(c, parts, &nparts) < 0)
            return -1;
        int rc = assign(c, t, parts, nparts, line, col);
        free_parts(parts, nparts);
        if (rc < 0)
            return -1;
        skip_blank(c);
        if (peek(c) == '}') {
            advance(c);
            c->depth--;
            return 0;
        }
        if (peek(c) != ',')
            return fail(c, "expected ',' or '}' in an inline table");
        advance(c);
        skip_blank(c);
    }
}

/* Decimal integers: an optional sign, digits with single underscores
 * between them, no leading zero. Floats and other bases are refused. */
static int integer(cursor *c, fx_toml *v)
{
    int start_col = c->col;
    char digits[32];
    size_t n = 0;
    if (peek(c) == '+' || peek(c) == '-') {
        digits[n++] = (char)peek(c);
        advance(c);
    }
    if (peek(c) == '0' && (peek_at(c, 1) == 'x' || peek_at(c, 1) == 'o' || peek_at(c, 1) == 'b'))
        return fail(c, "only decimal integers are supported here");
    int prev_digit = 0;
    while ((peek(c) >= '0' && peek(c) <= '9') || peek(c) == '_') {
        if (peek(c) == '_') {
            if (!prev_digit || !(peek_at(c, 1) >= '0' && peek_at(c, 1) <= '9'))
                return fail(c, "an underscore must stand between digits");
            prev_digit = 0;
        } else {
            if (n + 1 >= sizeof digits)
                return fail(c, "integer too large");
            digits[n++] = (char)peek(c);
            prev_digit = 1;
        }
        advance(c);
    }
    digits[n] = '\0';
    size_t first = digits[0] == '+' || digits[0] == '-';
    if (n == first)
        return fail(c, "expected a value (a string, an integer, true, false or an inline table)");
    if (peek(c) == '.' || peek(c) == 'e' || peek(c) == 'E' || peek(c) == ':')
        return fail(c, "floats, dates and times are not supported here");
    if (digits[first] == '0' && n > first + 1)
        return fail(c, "an integer may not have a leading zero");
    errno = 0;
    char *end;
    long long x = strtoll(digits, &end, 10);
    if (errno == ERANGE) {
        c->col = start_col; /* point at the value */
        return fail(c, "integer out of range");
    }
    v->kind = FX_TOML_INTEGER;
    v->integer = x;
    return 0;
}

static int value(cursor *c, fx_toml *v)
{
    int ch = peek(c);
    if (ch == '"' || ch == '\'') {
        v->kind = FX_TOML_STRING;
        return string_value(c, &v->string);
    }
    if (ch == '{')
        return inline_table(c, v);
    if (ch == '[')
        return fail(c, "arrays are not supported here");
    if (c->len - c->pos >= 4 && strncmp(c->s + c->pos, "true", 4) == 0 && !is_bare(peek_at(c, 4))) {
        for (int i = 0; i < 4; i++)
            advance(c);
        v->kind = FX_TOML_BOOLEAN;
        v->integer = 1;
        return 0;
    }
    if (c->len - c->pos >= 5 && strncmp(c->s + c->pos, "false", 5) == 0 && !is_bare(peek_at(c, 5))) {
        for (int i = 0; i < 5; i++)
            advance(c);
        v->kind = FX_TOML_BOOLEAN;
        v->integer = 0;
        return 0;
    }
    return integer(c, v);
}

static int header(cursor *c, fx_toml *root, fx_toml **current)
{
    int line = c->line, col = c->col;
    advance(c); /* [ */
    if (peek(c) == '[')
        return fail(c, "arrays of tables ([[...]]) are not supported here");
    skip_blank(c);
    char *parts[MAX_KEY_PARTS];
    int nparts;
    if (dotted_key(c, parts, &nparts) < 0)
        return -1;
    int rc = -1;
    if (peek(c) != ']') {
        fail(c, "unterminated table header: expected ']'");
    } else {
        advance(c);
        fx_toml *t = root;
        for (int i = 0; i < nparts && t; i++)
            t = subtable(c, t, parts[i], line, col);
        if (t && t->explicit_header)
            fail(c, "table [%s] is defined twice", parts[nparts - 1]);
        else if (t) {
            t->explicit_header = 1;
            t->line = line;
            t->column = col;
            *current = t;
            rc = end_of_line(c);
        }
    }
    free_parts(parts, nparts);
    return rc;
}

static int key_value(cursor *c, fx_toml *current)
{
    int line = c->line, col = c->col;
    char *parts[MAX_KEY_PARTS];
    int nparts;
    if (dotted_key(c, parts, &nparts) < 0)
        return -1;
    int rc = assign(c, current, parts, nparts, line, col);
    free_parts(parts, nparts);
    return rc < 0 ? -1 : end_of_line(c);
}

fx_toml *fx_toml_parse(const char *text, size_t len, const char *source, hs_error *err)
{
    cursor c = {text, len, 0, 1, 1, source, err, 0};
    if (memchr(text, '\0', len)) {
        const char *nul = memchr(text, '\0', len);
        while (c.s + c.pos < nul)
            advance(&c);
        fail(&c, "a NUL byte");
        return NULL;
    }
    fx_toml *root = new_value(FX_TOML_TABLE, NULL, 1, 1);
    if (!root) {
        hs_error_set(err, source, 0, 0, "out of memory");
        return NULL;
    }
    fx_toml *current = root;
    while (c.pos < c.len) {
        skip_blank(&c);
        int ch = peek(&c);
        int rc = 0;
        if (ch == '#' || ch == '\n' || ch == '\r' || ch == -1)
            rc = end_of_line(&c);
        else if (ch == '[')
            rc = header(&c, root, &current);
        else
            rc = key_value(&c, current);
        if (rc < 0) {
            fx_toml_free(root);
            return NULL;
        }
    }
    return root;
}

fx_toml *fx_toml_load(const char *path, hs_error *err)
{
    size_t n;
    char *buf = hs_read_file(path, 64u << 20, &n, err);
    if (!buf)
        return NULL;
    fx_toml *t = fx_toml_parse(buf, n, path, err);
    free(buf);
    return t;
}
