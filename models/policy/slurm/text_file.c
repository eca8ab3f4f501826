/* Whole configuration files (text_file.h). */
#include "text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (256u << 20)

char *sl_read_text_file(const char *path, hs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        hs_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, len = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + len, 1, cap - len - 1, f)) > 0;) {
        len += got;
        if (len + 1 == cap) {
            char *more = cap < MAX_BYTES ? realloc(text, cap *= 2) : NULL;
            if (!more) {
                free(text);
                text = NULL;
            } else
                text = more;
        }
    }
    fclose(f);
    if (!text) {
        hs_error_set(err, path, 0, 0, "out of memory, or larger than 256 MiB");
        return NULL;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        free(text);
        hs_error_set(err, path, 0, 0, "contains a NUL byte: not a text file");
        return NULL;
    }
    return text;
}

char *sl_next_line(char **cursor)
{
    char *l = *cursor;
    if (!l)
        return NULL;
    char *nl = strchr(l, '\n');
    if (nl)
        *nl = '\0';
    *cursor = nl ? nl + 1 : NULL;
    size_t len = strlen(l);
    if (len && l[len - 1] == '\r')
        l[len - 1] = '\0';
    return l;
}

int sl_split_bars(char *line, char **field, int cap)
{
    int nf = 0;
    for (char *p = line; nf < cap;) {
        field[nf++] = p;
        char *bar = strchr(p, '|');
        if (!bar)
            break;
        *bar = '\0';
        p = bar + 1;
    }
    return nf;
}

int sl_parse_uint(const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(text, &end, 10);
    if (end == text || *end || errno || x > max || text[0] == '-')
        return -1;
    *out = x;
    return 0;
}
