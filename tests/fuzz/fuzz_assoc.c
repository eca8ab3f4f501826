/* Fuzz target for association files (sacctmgr output): any bytes either
 * fail with a message naming the source, or give a tree whose parents
 * come before their children, with users only as leaves, and a user
 * index that points at users. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assoc_file.h"

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
    sl_assoc_file f;
    hs_error err;
    if (sl_assoc_file_parse(&f, text, "fuzz.txt", &err) < 0) {
        if (err.text[0] == '\0' || (strcmp(err.source, "fuzz.txt") != 0 && strcmp(err.text, "out of memory") != 0) ||
            f.tree.n != 0)
            abort();
    } else {
        for (uint32_t i = 1; i < f.tree.n; i++)
            if (f.tree.a[i].parent >= i || f.tree.a[f.tree.a[i].parent].user)
                abort();
        for (uint32_t i = 0; i < f.nusers; i++)
            if (f.users[i].assoc >= f.tree.n || !f.tree.a[f.users[i].assoc].user ||
                (i && f.users[i].uid <= f.users[i - 1].uid))
                abort();
        if (sl_assoc_fair_tree(&f.tree) < 0)
            abort();
        sl_assoc_file_free(&f);
    }
    free(text);
    return 0;
}
