/* Slurm associations and fair-share (docs/slurm.md): a tree of
 * accounts with users as leaves, raw shares, decayed raw usage charged to
 * an association and all its ancestors, and the fair-share factor of each
 * user association by the classic formula or by Fair Tree. */
#ifndef HPCSIM_SLURM_ASSOC_H
#define HPCSIM_SLURM_ASSOC_H

#include <stdbool.h>
#include <stdint.h>

typedef struct sl_assoc {
    char *name;
    uint32_t parent;     /* UINT32_MAX for the root */
    uint32_t *children;
    uint32_t nchildren, cap;
    bool user;
    uint32_t shares;     /* raw shares (Slurm's default is 1) */
    double usage;        /* raw usage: decayed CPU-seconds, this association and below */
    double fs;           /* fair-share factor (users) */
    double level_fs;     /* Fair Tree: S / U at its level */
    double eff_usage;    /* classic: effective usage */
    uint32_t *ranked;    /* Fair Tree: the children as last sorted (NULL until then) */
} sl_assoc;

typedef struct sl_assoc_tree {
    sl_assoc *a;         /* a[0] is the root */
    uint32_t n, cap;
    uint32_t nusers;
    struct level_key *keys; /* Fair Tree's sort: keys_cap keys, then as many spare */
    uint32_t keys_cap;
} sl_assoc_tree;

int sl_assoc_init(sl_assoc_tree *t);
void sl_assoc_free(sl_assoc_tree *t);
/* Adds a child of parent; returns its index, or UINT32_MAX on ENOMEM. */
uint32_t sl_assoc_add(sl_assoc_tree *t, uint32_t parent, const char *name, uint32_t shares, bool user);
/* The child of parent with this name, or UINT32_MAX. */
uint32_t sl_assoc_find(const sl_assoc_tree *t, uint32_t parent, const char *name);
/* Adds usage to an association and every ancestor up to the root. */
void sl_assoc_charge(sl_assoc_tree *t, uint32_t a, double usage);
/* Multiplies every usage by factor (decay). */
void sl_assoc_decay(sl_assoc_tree *t, double factor);
/* Recomputes every user's fs. Classic: 2^(-(U_e/S)/dampening). */
void sl_assoc_classic(sl_assoc_tree *t, double dampening);
/* Fair Tree: rank of each user in a depth-first walk of siblings sorted by
 * level fair-share, divided by the number of users. */
int sl_assoc_fair_tree(sl_assoc_tree *t);
/* Normalised shares (product of shares/level shares up to the root). */
double sl_assoc_norm_shares(const sl_assoc_tree *t, uint32_t a);

#endif
