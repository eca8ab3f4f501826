/* rm -rf, mkdir -p and cgroup folder removal without a shell (fsutil.h).
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

int hc_mkdir_p(const char *path, mode_t mode)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) {
        errno = len ? ENAMETOOLONG : ENOENT;
        return -1;
    }
    memcpy(buf, path, len + 1);
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        struct stat st;
        if (mkdir(buf, mode) < 0) {
            if (errno != EEXIST || lstat(buf, &st) < 0)
                return -1;
            if (!S_ISDIR(st.st_mode)) {
                errno = ENOTDIR;
                return -1;
            }
        }
        if (c == '\0')
            return 0;
        *p = c;
    }
}

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
