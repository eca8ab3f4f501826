/* An association file: the tree of a site's Slurm accounting, as
 *   sacctmgr -nP show associations format=account,user,fairshare,parentname
 * prints it: one association per line, `Account|User|Share|ParentName`.
 * An account's line has no user and names its parent account (empty for
 * root); a user's line names the user and its account. Share is the raw
 * fair-share (an integer; empty is Slurm's default, 1; "parent" counts as
 * 1, the FairShare=parent behaviour itself is not modelled). A trace's user number N matches the
 * user "N" or "uN"; its first line is that user's default account. */
#ifndef HPCSIM_SLURM_ASSOC_FILE_H
#define HPCSIM_SLURM_ASSOC_FILE_H

#include "assoc.h"
#include "hpcsim/error.h"

typedef struct sl_assoc_user {
    long uid;        /* the trace's user number */
    uint32_t assoc;  /* its default association */
} sl_assoc_user;

typedef struct sl_assoc_file {
    sl_assoc_tree tree;
    sl_assoc_user *users; /* sorted by uid */
    uint32_t nusers;
} sl_assoc_file;

int sl_assoc_file_parse(sl_assoc_file *f, const char *text, const char *source, hs_error *err);
int sl_assoc_file_load(sl_assoc_file *f, const char *path, hs_error *err);
void sl_assoc_file_free(sl_assoc_file *f);
/* The default association of a trace user, or UINT32_MAX. */
uint32_t sl_assoc_file_user(const sl_assoc_file *f, long uid);
/* A deep copy of the tree (each run charges usage to its own). */
int sl_assoc_copy(sl_assoc_tree *dst, const sl_assoc_tree *src);

#endif
