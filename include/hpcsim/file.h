/* Files read whole and folders made with their parents, for every room:
 * configuration readers, the sweep, calibration. No shell: paths come
 * from users, and calibration runs as root. */
#ifndef HPCSIM_FILE_H
#define HPCSIM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
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

/* Flushes and closes a file being written, and says why it failed: a
 * full disk, a file-size limit (RLIMIT_FSIZE, once SIGXFSZ is ignored by
 * hs_write_errors_not_signals) or a lost device must end a run with a
 * message, never with a truncated file taken for a whole one. f is closed
 * either way. 0, or -1 with err naming path and the system's reason. */
int hs_file_close(FILE *f, const char *path, hs_error *err);

/* The end of a file written whole to tmp and then put in place: closes f
 * (hs_file_close, naming path) and renames tmp to path, so that path is
 * never seen half-written; on any failure tmp is removed. 0, or -1. */
int hs_file_commit(FILE *f, const char *tmp, const char *path, hs_error *err);

/* A write beyond RLIMIT_FSIZE kills the process by default (SIGXFSZ),
 * leaving its temporary files behind; ignored, the write fails with EFBIG
 * and the writer cleans up. Every program calls this first. */
void hs_write_errors_not_signals(void);

#endif
