/* Whole files and folder chains (hpcsim/file.h). */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/file.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *hs_read_file(const char *path, size_t max, size_t *len, hs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        hs_error_set(err, path, 0, 0, "cannot read: %s", strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    bool big = false;
    for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (n > max) {
            big = true;
            break;
        }
        if (n + 1 == cap) {
            char *more = realloc(text, cap *= 2);
            if (!more)
                free(text);
            text = more;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!text || big || bad) {
        free(text);
        if (big)
            hs_error_set(err, path, 0, 0, "larger than %zu MiB", max >> 20);
        else
            hs_error_set(err, path, 0, 0, bad ? "read error" : "out of memory");
        return NULL;
    }
    text[n] = '\0';
    if (len)
        *len = n;
    return text;
}

int hs_mkdir_p(const char *path, mode_t mode, bool follow_links)
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
            if (errno != EEXIST || (follow_links ? stat(buf, &st) : lstat(buf, &st)) < 0)
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

int hs_file_close(FILE *f, const char *path, hs_error *err)
{
    /* An earlier failed write left the error flag set and its bytes in the
     * buffer: fflush tries them again and so gives the reason once more. */
    errno = 0;
    int flushed = fflush(f), why = errno;
    int failed = ferror(f);
    int closed = fclose(f);
    if (closed != 0 && !why)
        why = errno;
    if (flushed == 0 && !failed && closed == 0)
        return 0;
    return hs_error_set(err, path, 0, 0, "cannot write: %s", why ? strerror(why) : "an earlier write failed");
}

int hs_file_commit(FILE *f, const char *tmp, const char *path, hs_error *err)
{
    int rc = hs_file_close(f, path, err);
    if (rc == 0 && rename(tmp, path) < 0)
        rc = hs_error_set(err, path, 0, 0, "cannot rename into place: %s", strerror(errno));
    if (rc < 0)
        unlink(tmp);
    return rc;
}

void hs_write_errors_not_signals(void)
{
    signal(SIGXFSZ, SIG_IGN);
}
