/* rm -rf and cgroup folder removal without a shell (fsutil.h).
 * nftw walks depth first (FTW_DEPTH) without following symlinks
 * (FTW_PHYS) and without crossing into another file system (FTW_MOUNT):
 * a work directory holding a link to / or a bind mount cannot make the
 * removal reach beyond it. */
#define _GNU_SOURCE
#include "fsutil.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* nftw has no context argument: the first failure of the walk under way. */
static int walk_errno;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    int rc = type == FTW_DP ? rmdir(path) : unlink(path);
    if (rc < 0 && errno != ENOENT && !walk_errno)
        walk_errno = errno;
    return 0; /* go on: remove what can be removed */
}

static int rmdir_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    if (type == FTW_DP && rmdir(path) < 0 && errno != ENOENT && !walk_errno)
        walk_errno = errno;
    return 0;
}

static int walk(const char *path, int (*fn)(const char *, const struct stat *, int, struct FTW *))
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : -1;
    walk_errno = 0;
    if (nftw(path, fn, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
        return -1;
    if (walk_errno) {
        errno = walk_errno;
        return -1;
    }
    return 0;
}

int hc_remove_tree(const char *path) { return walk(path, remove_entry); }

int hc_rmdir_tree(const char *path) { return walk(path, rmdir_entry); }
