/* Association files (assoc_file.h). */
#include "assoc_file.h"
#include "text_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

void sl_assoc_file_free(sl_assoc_file *f)
{
    sl_assoc_free(&f->tree);
    free(f->users);
    memset(f, 0, sizeof *f);
}

static int cmp_user(const void *a, const void *b)
{
    const sl_assoc_user *x = a, *y = b;
    if (x->uid != y->uid)
        return (x->uid > y->uid) - (x->uid < y->uid);
    return (x->assoc > y->assoc) - (x->assoc < y->assoc);
}

static int cmp_uid(const void *a, const void *b)
{
    long x = ((const sl_assoc_user *)a)->uid, y = ((const sl_assoc_user *)b)->uid;
    return (x > y) - (x < y);
}

/* "N" or "uN" → N; -1 when the name is neither. */
static long uid_of(const char *name)
{
    const char *p = name[0] == 'u' ? name + 1 : name;
    if (!*p || strlen(p) > 9)
        return -1;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return -1;
    return strtol(p, NULL, 10);
}

/* The account named name anywhere in the tree, or NONE. */
static uint32_t find_account(const sl_assoc_tree *t, const char *name)
{
    for (uint32_t i = 0; i < t->n; i++)
        if (!t->a[i].user && !strcmp(t->a[i].name, name))
            return i;
    return NONE;
}

static int share_of(const char *text, uint32_t *share)
{
    if (!strcmp(text, "parent") || !*text) { /* empty: Slurm's default of 1 */
        *share = 1;
        return 0;
    }
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 0 || v > 1000000000)
        return -1;
    *share = (uint32_t)v;
    return 0;
}

int sl_assoc_file_parse(sl_assoc_file *f, const char *text, const char *source, hs_error *err)
{
    memset(f, 0, sizeof *f);
    if (sl_assoc_init(&f->tree) < 0)
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    char *copy = strdup(text);
    if (!copy) {
        sl_assoc_file_free(f);
        return hs_error_set(err, NULL, 0, 0, "out of memory");
    }
    int rc = 0;
    long line = 0;
    char *cursor = copy;
    for (char *l; rc == 0 && (l = sl_next_line(&cursor));) {
        line++;
        if (!*l || l[0] == '#')
            continue;
        char *field[5];
        int nf = sl_split_bars(l, field, 5);
        if (nf != 4) {
            rc = hs_error_set(err, source, line, 0, "expected Account|User|Share|ParentName (4 fields), got %d", nf);
            break;
        }
        const char *acct = field[0], *user = field[1], *parent = field[3];
        uint32_t share;
        if (!*acct) {
            rc = hs_error_set(err, source, line, 0, "field 1 (Account) is empty");
            break;
        }
        if (share_of(field[2], &share) < 0) {
            rc = hs_error_set(err, source, line, 0, "field 3 (Share): '%.32s' is not an integer in [0, 10^9] or \"parent\"", field[2]);
            break;
        }
        if (!*user) { /* an account */
            if (!strcmp(acct, "root") && !*parent) {
                f->tree.a[0].shares = share;
                continue;
            }
            uint32_t p = find_account(&f->tree, *parent ? parent : "root");
            if (p == NONE) {
                rc = hs_error_set(err, source, line, 0, "account '%.64s': parent account '%.64s' is not defined above", acct, parent);
                break;
            }
            if (find_account(&f->tree, acct) != NONE) {
                rc = hs_error_set(err, source, line, 0, "account '%.64s' is defined twice", acct);
                break;
            }
            if (sl_assoc_add(&f->tree, p, acct, share, false) == NONE)
                rc = hs_error_set(err, NULL, 0, 0, "out of memory");
            continue;
        }
        uint32_t a = find_account(&f->tree, acct);
        if (a == NONE) {
            rc = hs_error_set(err, source, line, 0, "user '%.64s': account '%.64s' is not defined above", user, acct);
            break;
        }
        if (sl_assoc_find(&f->tree, a, user) != NONE) {
            rc = hs_error_set(err, source, line, 0, "user '%.64s' is twice in account '%.64s'", user, acct);
            break;
        }
        uint32_t u = sl_assoc_add(&f->tree, a, user, share, true);
        if (u == NONE) {
            rc = hs_error_set(err, NULL, 0, 0, "out of memory");
            break;
        }
        long uid = uid_of(user);
        if (uid < 0)
            continue; /* not a trace user */
        sl_assoc_user *more = realloc(f->users, (f->nusers + 1) * sizeof *more);
        if (!more) {
            rc = hs_error_set(err, NULL, 0, 0, "out of memory");
            break;
        }
        f->users = more;
        f->users[f->nusers++] = (sl_assoc_user){uid, u};
    }
    free(copy);
    if (rc == 0 && f->nusers) { /* sorted by user, first line first; keep that one */
        qsort(f->users, f->nusers, sizeof *f->users, cmp_user);
        uint32_t k = 0;
        for (uint32_t i = 0; i < f->nusers; i++)
            if (k == 0 || f->users[i].uid != f->users[k - 1].uid)
                f->users[k++] = f->users[i];
        f->nusers = k;
    }
    if (rc == 0 && f->tree.nusers == 0)
        rc = hs_error_set(err, source, 0, 0, "no user association");
    if (rc < 0)
        sl_assoc_file_free(f);
    return rc;
}

uint32_t sl_assoc_file_user(const sl_assoc_file *f, long uid)
{
    sl_assoc_user key = {uid, 0};
    const sl_assoc_user *hit = f->nusers ? bsearch(&key, f->users, f->nusers, sizeof key, cmp_uid) : NULL;
    return hit ? hit->assoc : NONE;
}

int sl_assoc_file_load(sl_assoc_file *f, const char *path, hs_error *err)
{
    memset(f, 0, sizeof *f);
    char *text = sl_read_text_file(path, err);
    if (!text)
        return -1;
    int rc = sl_assoc_file_parse(f, text, path, err);
    free(text);
    return rc;
}

int sl_assoc_copy(sl_assoc_tree *dst, const sl_assoc_tree *src)
{
    if (sl_assoc_init(dst) < 0)
        return -1;
    dst->a[0].shares = src->a[0].shares;
    for (uint32_t i = 1; i < src->n; i++) /* parents come first in a[] */
        if (sl_assoc_add(dst, src->a[i].parent, src->a[i].name, src->a[i].shares, src->a[i].user) != i) {
            sl_assoc_free(dst);
            return -1;
        }
    return 0;
}
