/* Slurm host list expressions, as slurm.conf and scontrol write them:
 * "n[001-128]", "n[1-3,7],login1", "rack[1-2]-n[01-04]" (several bracket
 * groups multiply). Zero padding follows the first number of each range.
 * Expansion keeps the written order, which is Slurm's node order. */
#ifndef HPCSIM_HOSTLIST_H
#define HPCSIM_HOSTLIST_H

#include <stddef.h>
#include <stdint.h>

#define HS_HOSTLIST_MAX 1000000u /* far above any real cluster, well within memory */

typedef struct hs_hostlist {
    char **names;
    uint32_t n, cap;
} hs_hostlist;

/* Appends the names of expr to list (at most HS_HOSTLIST_MAX in all);
 * -1 with why (cap bytes) on a malformed expression (nothing appended
 * then). */
int hs_hostlist_expand(hs_hostlist *list, const char *expr, char *why, size_t cap);
/* Hands each name of expr to visit, in order, without keeping them: -1
 * with why set on a malformed expression or one of more than max names
 * (both found before any visit), or as soon as visit returns -1 (then why
 * is left to the caller). */
int hs_hostlist_each(const char *expr, uint32_t max, int (*visit)(void *ctx, const char *name), void *ctx,
                     char *why, size_t cap);
void hs_hostlist_free(hs_hostlist *list);
/* The inverse, as Slurm prints a node set: names that differ only in a
 * trailing number of the same width are merged into ranges, in the
 * given order ("n1,n2,n3,n7,login" -> "n[1-3,7],login"). A string the
 * caller frees; NULL when out of memory. */
char *hs_hostlist_compress(const char *const *names, uint32_t n);

#endif
