/* File-system work that calibration once handed to a shell (rm -rf,
 * find -delete; mkdir -p is hs_mkdir_p of hpcsim/file.h), done in code: paths come from users and this
 * program runs as root, so no path is ever parsed by a shell. */
#ifndef HPCSIM_CALIBRATE_FSUTIL_H
#define HPCSIM_CALIBRATE_FSUTIL_H

#include <sys/types.h>

/* rm -rf of path, depth first, never following a symlink (a link is
 * removed, not what it points to) and never leaving path's file system.
 * A path that does not exist is not an error. 0, or -1 with errno of the
 * first entry that could not be removed (the rest is still tried). */
int hc_remove_tree(const char *path);

/* Removes the directories under path and path itself, deepest first,
 * leaving files alone: a cgroup's folders, whose control files vanish
 * with them and cannot be unlinked. 0, or -1 with errno set. */
int hc_rmdir_tree(const char *path);

#endif
