/*
 * stats_input: opens a log (a file or stdin, plain or gzip: zlib reads
 * both), hands it out line by line from one fixed buffer, and tells the
 * input form from the first bytes. A line longer than STATS_MAX_LINE is
 * skipped and reported as bad, so memory stays bounded.
 */
#include "stats_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "util.h"

#define BUF_SIZE ((size_t)4 << 20)

struct stats_src {
    gzFile gz;
    char *buf;
    size_t start, end, scan;
    int eof;
    int error; /* a read error or a truncated gzip */
    char errmsg[160];
    long long lineno;
    int too_long;   /* the last line returned was cut */
    long long size; /* on disk, 0 when not known */
    unsigned char magic[16];
    size_t nmagic;
};

int stats_src_open(const char *path, struct stats_src **out)
{
    int fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY);
    struct stats_src *s;
    struct stat sb;
    if (fd < 0)
        return error("cannot open '%s': %s", path, strerror(errno));
    s = xcalloc(1, sizeof(*s));
    if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode))
        s->size = (long long)sb.st_size;
    /* Peek at the magic bytes before zlib takes the descriptor: an SQLite
     * file is not a text stream. */
    if (strcmp(path, "-") != 0) {
        ssize_t n = pread(fd, s->magic, sizeof(s->magic), 0);
        s->nmagic = n > 0 ? (size_t)n : 0;
    }
    s->gz = gzdopen(fd, "rb");
    if (!s->gz) {
        close(fd);
        free(s);
        return error("cannot read '%s'", path);
    }
    gzbuffer(s->gz, 1 << 17);
    s->buf = xmalloc(BUF_SIZE);
    *out = s;
    return 0;
}

int stats_src_is_sqlite(const struct stats_src *s)
{
    return s->nmagic >= 16 && memcmp(s->magic, "SQLite format 3", 16) == 0;
}

void stats_src_close(struct stats_src *s)
{
    if (!s)
        return;
    gzclose(s->gz);
    free(s->buf);
    free(s);
}

static int fill(struct stats_src *s)
{
    int n;
    if (s->eof)
        return 0;
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->scan -= s->start;
        s->start = 0;
    }
    if (s->end == BUF_SIZE)
        return 0;
    n = gzread(s->gz, s->buf + s->end, (unsigned)(BUF_SIZE - s->end));
    if (n < 0 || (n == 0 && !gzeof(s->gz))) {
        int zerr;
        const char *m = gzerror(s->gz, &zerr);
        snprintf(s->errmsg, sizeof(s->errmsg), "%s", zerr == Z_ERRNO ? strerror(errno) : m);
        s->error = 1;
        s->eof = 1;
        return 0;
    }
    if (n == 0) {
        s->eof = 1;
        return 0;
    }
    s->end += (size_t)n;
    /* zlib reports a gzip stream cut short only at its end. */
    if (gzeof(s->gz)) {
        int zerr;
        const char *m = gzerror(s->gz, &zerr);
        if (zerr == Z_BUF_ERROR) {
            snprintf(s->errmsg, sizeof(s->errmsg), "%s", m);
            s->error = 1;
        }
    }
    return n;
}

const char *stats_src_peek(struct stats_src *s, size_t *len)
{
    while (s->end - s->start < 65536 && fill(s) > 0)
        ;
    *len = s->end - s->start;
    return s->buf + s->start;
}

int stats_src_line(struct stats_src *s, const char **line, size_t *len)
{
    s->too_long = 0;
    for (;;) {
        char *nl = s->scan < s->end ? memchr(s->buf + s->scan, '\n', s->end - s->scan) : NULL;
        if (nl) {
            size_t n = (size_t)(nl - (s->buf + s->start));
            *line = s->buf + s->start;
            *len = n > 0 && (*line)[n - 1] == '\r' ? n - 1 : n;
            s->start = s->scan = (size_t)(nl - s->buf) + 1;
            s->lineno++;
            /* The same limit whether or not the line arrived in one read. */
            if (n > STATS_MAX_LINE) {
                s->too_long = 1;
                *line = "";
                *len = 0;
            }
            return 1;
        }
        s->scan = s->end;
        if (s->end - s->start >= STATS_MAX_LINE) {
            /* Too long: drop what we have and the rest of the line. */
            s->too_long = 1;
            for (;;) {
                s->start = s->scan = s->end;
                if (fill(s) <= 0)
                    break;
                nl = memchr(s->buf + s->start, '\n', s->end - s->start);
                if (nl) {
                    s->start = s->scan = (size_t)(nl - s->buf) + 1;
                    break;
                }
            }
            s->lineno++;
            *line = "";
            *len = 0;
            return 1;
        }
        if (fill(s) <= 0) {
            if (s->end > s->start) {
                *line = s->buf + s->start;
                *len = s->end - s->start;
                s->start = s->scan = s->end;
                s->lineno++;
                return 1;
            }
            return s->error ? -1 : 0;
        }
    }
}

long long stats_src_lineno(const struct stats_src *s)
{
    return s->lineno;
}

int stats_src_too_long(const struct stats_src *s)
{
    return s->too_long;
}

const char *stats_src_error(const struct stats_src *s)
{
    return s->error ? s->errmsg : NULL;
}

void stats_src_progress(const struct stats_src *s, long long *done, long long *size)
{
    z_off_t off = gzoffset(s->gz);
    *done = off > 0 ? (long long)off : 0;
    *size = s->size;
}
