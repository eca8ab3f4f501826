/* Whole configuration files (text_file.h). */
#include "text_file.h"

#include "hpcsim/file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BYTES (256u << 20)

char *sl_read_text_file(const char *path, hs_error *err)
{
    size_t len;
    char *text = hs_read_file(path, MAX_BYTES, &len, err);
    if (text && memchr(text, '\0', len)) {
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
