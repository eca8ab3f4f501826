/* Files read whole and folders made with their parents, for every room:
 * configuration readers, the sweep, calibration. No shell: paths come
 * from users, and calibration runs as root. */
#ifndef HPCSIM_FILE_H
#define HPCSIM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "hpcsim/error.h"

/* The file's bytes, NUL-terminated (the NUL not counted in *len, which
 * may be NULL); the caller frees. NULL with err naming the file when it
 * cannot be read, fails mid-way, or is larger than max bytes. */
char *hs_read_file(const char *path, size_t max, size_t *len, hs_error *err);

/* mkdir -p: each missing component made with mode. An existing
 * component must be a directory; with follow_links, a symbolic link to
 * one will do (a user's path), without, it is refused (a root tool's work
 * folder, which a planted link must not redirect). 0, or -1 with errno. */
int hs_mkdir_p(const char *path, mode_t mode, bool follow_links);

#endif
