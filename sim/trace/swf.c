/* Streaming SWF reader. zlib's gz* functions read gzip and plain files
 * alike, so one code path serves both; only one line is in memory at a
 * time. Header comments (";" lines) are kept and the numeric keys the
 * simulator needs are parsed from them as they pass. */
#define _POSIX_C_SOURCE 200809L
#include "hpcsim/swf.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define SWF_LINE_MAX 8192 /* a real SWF line is under 200 bytes */
#define SWF_CHUNK (1 << 17)        /* bytes read at once from a large file */
#define SWF_SMALL (2 * SWF_LINE_MAX) /* ... and from a small one (it still holds any line) */

/* Lines are split here rather than by gzgets, which cannot tell a NUL
 * byte from the end of a line: binary junk must be reported, not read as
 * a blank line. */
struct hs_swf_reader {
    gzFile gz;
    char *path;
    long line;
    hs_swf_header header;
    size_t start, end; /* unread bytes are buf[start, end) */
    bool pods;         /* a Kubernetes pod list (its header was line 1) */
    bool eof;
    size_t cap; /* of buf, less the byte for a NUL */
    char *buf;
};

static const char *const field_names[HS_SWF_NFIELDS] = {
    "job_id",        "submit_time",    "wait_time",      "run_time",         "allocated_processors",
    "average_cpu_time", "used_memory", "requested_processors", "requested_time", "requested_memory",
    "status",        "user_id",        "group_id",       "executable_id",    "queue_id",
    "partition_id",  "preceding_job_id", "think_time",
};

const char *hs_swf_field_name(int field)
{
    return field >= 0 && field < HS_SWF_NFIELDS ? field_names[field] : "unknown";
}

/* Nearly every SWF field is a plain integer: read those without strtod,
 * which was a fifth of a replay's time. Returns -1 for anything else. */
static int parse_integer(const char *tok, int len, double *out)
{
    int i = tok[0] == '-';
    if (i == len || len - i > 15) /* 15 digits: exact in a double */
        return -1;
    long long v = 0;
    for (; i < len; i++) {
        if (tok[i] < '0' || tok[i] > '9')
            return -1;
        v = v * 10 + (tok[i] - '0');
    }
    *out = tok[0] == '-' ? (double)-v : (double)v;
    return 0;
}

int hs_swf_parse_line(const char *line, hs_swf_record *rec, const char *source, hs_error *err)
{
    const char *p = line;
    int n = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0')
            break;
        const char *start = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r')
            p++;
        int len = (int)(p - start);
        if (n == HS_SWF_NFIELDS) {
            int extra = n + 1;
            while (*p) { /* count the rest, for the message */
                while (*p == ' ' || *p == '\t' || *p == '\r') p++;
                if (!*p) break;
                extra++;
                while (*p && *p != ' ' && *p != '\t' && *p != '\r') p++;
            }
            return hs_error_set(err, source, rec->line, 0,
                                "field 19: unexpected (line has %d fields, SWF has 18)", extra);
        }
        char tok[64];
        double v;
        if (parse_integer(start, len, &v) == 0 && !(v < 0 && v != -1)) {
            rec->f[n++] = v;
            continue;
        }
        if (len >= (int)sizeof tok)
            return hs_error_set(err, source, rec->line, 0, "field %d (%s): value too long (%d characters)",
                                n + 1, field_names[n], len);
        memcpy(tok, start, (size_t)len);
        tok[len] = '\0';
        if (parse_integer(tok, len, &v) < 0) {
            /* not a plain integer: a decimal number, or junk */
            char *endp;
            errno = 0;
            v = strtod(tok, &endp);
            if (endp == tok || *endp != '\0' || errno == ERANGE || !isfinite(v) ||
                /* strtod accepts hex, "inf" and "nan"; SWF numbers are plain decimals */
                strpbrk(tok, "xXnN") != NULL)
                return hs_error_set(err, source, rec->line, 0, "field %d (%s): '%s' is not a number", n + 1,
                                    field_names[n], tok);
        }
        if (v < 0 && v != -1)
            return hs_error_set(err, source, rec->line, 0,
                                "field %d (%s): negative value %s (only -1, unknown, may be negative)",
                                n + 1, field_names[n], tok);
        rec->f[n++] = v;
    }
    if (n < HS_SWF_NFIELDS)
        return hs_error_set(err, source, rec->line, 0, "field %d (%s): missing (line has %d of 18 fields)",
                            n + 1, field_names[n], n);
    /* Fields that name something (a job, a user, a queue, a partition...)
     * are used as integers: each a whole number that a double holds
     * exactly (the job id: duplicates are found by it, outputs repeat it). */
    static const int names[] = {HS_SWF_JOB_ID, HS_SWF_USER,      HS_SWF_GROUP,   HS_SWF_APP,
                                HS_SWF_QUEUE,  HS_SWF_PARTITION, HS_SWF_PREV_JOB};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        double id = rec->f[names[i]];
        if (id != floor(id) || id > 0x1p53)
            return hs_error_set(err, source, rec->line, 0, "field %d (%s): %.15g is not a whole number up to 2^53",
                                names[i] + 1, field_names[names[i]], id);
    }
    return 0;
}

/* "; MaxNodes: 128" → key "MaxNodes", value 128. Keys are matched
 * without regard to case, as the archive's files vary. */
static void header_take(hs_swf_header *h, const char *line)
{
    static const struct { const char *key; size_t off; } keys[] = {
        {"MaxNodes", offsetof(hs_swf_header, max_nodes)},
        {"MaxProcs", offsetof(hs_swf_header, max_procs)},
        {"MaxJobs", offsetof(hs_swf_header, max_jobs)},
        {"MaxRecords", offsetof(hs_swf_header, max_records)},
        {"UnixStartTime", offsetof(hs_swf_header, unix_start_time)},
    };
    const char *p = line + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        size_t kl = strlen(keys[i].key);
        if (strncasecmp(p, keys[i].key, kl) != 0 || p[kl] != ':')
            continue;
        char *end;
        errno = 0;
        long v = strtol(p + kl + 1, &end, 10);
        if (end != p + kl + 1 && errno == 0 && v >= 0)
            *(long *)((char *)h + keys[i].off) = v;
        return;
    }
}

static int header_keep(hs_swf_header *h, const char *line)
{
    char **c = realloc(h->comments, (h->ncomments + 1) * sizeof *c);
    if (!c)
        return -1;
    h->comments = c;
    if (!(c[h->ncomments] = strdup(line)))
        return -1;
    h->ncomments++;
    return 0;
}

void hs_swf_header_free(hs_swf_header *h)
{
    for (size_t i = 0; i < h->ncomments; i++)
        free(h->comments[i]);
    free(h->comments);
    h->comments = NULL;
    h->ncomments = 0;
}

/* "-" is standard input. A replay reads its trace twice (the header
 * may size the cluster, then the jobs), and a pipe reads once: so the
 * first open copies it into an unlinked temporary file, which every open
 * of "-" then reads from its start. */
static int stdin_copy = -1;

static gzFile open_stdin(void)
{
    if (stdin_copy < 0) {
        const char *dir = getenv("TMPDIR");
        char name[4096];
        snprintf(name, sizeof name, "%s/hpcsim-stdin-XXXXXX", dir && *dir ? dir : "/tmp");
        int fd = mkstemp(name);
        if (fd < 0)
            return NULL;
        unlink(name);
        char buf[1 << 16];
        ssize_t n;
        while ((n = read(STDIN_FILENO, buf, sizeof buf)) != 0) {
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 || write(fd, buf, (size_t)n) != n) {
                int saved = errno ? errno : ENOSPC;
                close(fd);
                errno = saved;
                return NULL;
            }
        }
        stdin_copy = fd;
    }
    int fd = dup(stdin_copy);
    if (fd < 0 || lseek(fd, 0, SEEK_SET) < 0) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    gzFile gz = gzdopen(fd, "rb");
    if (!gz)
        close(fd);
    return gz;
}

hs_swf_reader *hs_swf_open(const char *path, hs_error *err)
{
    hs_swf_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        hs_error_set(err, path, 0, 0, "out of memory");
        return NULL;
    }
    errno = 0;
    r->gz = strcmp(path, "-") == 0 ? open_stdin() : gzopen(path, "rb");
    if (!r->gz) {
        hs_error_set(err, path, 0, 0, "cannot open: %s", errno ? strerror(errno) : "out of memory");
        free(r->path);
        free(r);
        return NULL;
    }
    /* Large buffers read archive traces faster; a small file does not
     * need them (and a fuzzer, docs/testing.md, would pay for them per
     * input, three readings of it each). */
    struct stat st;
    bool large = strcmp(path, "-") == 0 || stat(path, &st) < 0 || st.st_size > (1 << 20);
    if (large)
        gzbuffer(r->gz, 1 << 17);
    r->cap = large ? SWF_CHUNK : SWF_SMALL;
    if (!(r->buf = malloc(r->cap + 1))) {
        hs_error_set(err, path, 0, 0, "out of memory");
        gzclose(r->gz);
        free(r->path);
        free(r);
        return NULL;
    }
    r->header.max_nodes = r->header.max_procs = r->header.max_jobs = -1;
    r->header.max_records = r->header.unix_start_time = -1;
    return r;
}

void hs_swf_close(hs_swf_reader *r)
{
    if (!r)
        return;
    gzclose(r->gz);
    hs_swf_header_free(&r->header);
    free(r->path);
    free(r->buf);
    free(r);
}

const hs_swf_header *hs_swf_header_of(const hs_swf_reader *r) { return &r->header; }

static bool stream_damaged(hs_swf_reader *r)
{
    int zerr;
    gzerror(r->gz, &zerr);
    return zerr != Z_OK && zerr != Z_STREAM_END;
}

/* At the end of the input: a clean end, or a damaged stream? */
static enum hs_swf_status end_of_stream(hs_swf_reader *r, hs_error *err)
{
    int zerr;
    const char *msg = gzerror(r->gz, &zerr);
    if (zerr == Z_OK || zerr == Z_STREAM_END)
        return HS_SWF_EOF;
    size_t pl = strlen(r->path); /* zlib prefixes its message with the path */
    if (strncmp(msg, r->path, pl) == 0 && msg[pl] == ':')
        msg += pl + (msg[pl + 1] == ' ' ? 2 : 1);
    return hs_error_set(err, r->path, r->line + 1, 0, "cannot read further: %s%s", msg,
                        zerr == Z_BUF_ERROR ? " (truncated gzip file?)" : ""),
           HS_SWF_IO_ERROR;
}

/* Sets *line and *len to the next line (without its newline, terminated by
 * a NUL written over the newline). Returns 1, 0 at the end, -1 when a line
 * is longer than SWF_LINE_MAX (it is consumed). */
static int next_raw_line(hs_swf_reader *r, char **line, size_t *len)
{
    bool too_long = false;
    for (;;) {
        char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);
        if (!nl && r->eof && r->end > r->start && stream_damaged(r))
            return 0; /* the tail of a cut stream is not a line: end_of_stream reports it */
        if (nl || (r->eof && r->end > r->start)) {
            size_t n = nl ? (size_t)(nl - (r->buf + r->start)) : r->end - r->start;
            *line = r->buf + r->start;
            (*line)[n] = '\0';
            *len = n;
            r->start += n + (nl ? 1 : 0);
            return too_long || n >= SWF_LINE_MAX ? -1 : 1;
        }
        if (r->eof)
            return too_long ? -1 : 0;
        if (r->end - r->start >= SWF_LINE_MAX) { /* drop what we have of an over-long line */
            too_long = true;
            r->start = r->end;
        }
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
        int got = gzread(r->gz, r->buf + r->end, (unsigned)(r->cap - r->end));
        if (got <= 0)
            r->eof = true;
        else
            r->end += (size_t)got;
    }
}

enum hs_swf_status hs_swf_next(hs_swf_reader *r, hs_swf_record *rec, hs_error *err)
{
    for (;;) {
        char *text;
        size_t len;
        int got = next_raw_line(r, &text, &len);
        if (got == 0)
            return end_of_stream(r, err);
        r->line++;
        if (got < 0)
            return hs_error_set(err, r->path, r->line, 0, "line longer than %d bytes", SWF_LINE_MAX),
                   HS_SWF_BAD_LINE;
        if (memchr(text, '\0', len) != NULL)
            return hs_error_set(err, r->path, r->line, 0, "binary data (a NUL byte) in a text line"),
                   HS_SWF_BAD_LINE;
        const char *p = text;
        while (*p == ' ' || *p == '\t' || *p == '\r')
            p++;
        if (*p == '\0')
            continue; /* blank lines are allowed */
        if (r->line == 1 && !strncmp(p, HS_K8S_PODS_HEADER, strlen(HS_K8S_PODS_HEADER))) {
            r->pods = true;
            continue;
        }
        if (r->pods) {
            memset(rec, 0, sizeof *rec);
            rec->line = r->line;
            return hs_k8s_pod_parse_line(p, rec, r->path, err) == 0 ? HS_SWF_RECORD : HS_SWF_BAD_LINE;
        }
        if (*p == ';') {
            header_take(&r->header, p);
            if (header_keep(&r->header, p) < 0)
                return hs_error_set(err, r->path, r->line, 0, "out of memory"), HS_SWF_IO_ERROR;
            continue;
        }
        rec->line = r->line;
        return hs_swf_parse_line(p, rec, r->path, err) == 0 ? HS_SWF_RECORD : HS_SWF_BAD_LINE;
    }
}
