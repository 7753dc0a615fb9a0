/*
 * stats_input: a log opened for reading, line by line, plain or gzip, from a
 * file or stdin, with bounded memory. A struct stats_src is owned by the
 * caller (stats_src_open / stats_src_close); the line pointers it returns
 * are valid until the next call.
 */
#ifndef GD_STATS_INPUT_H
#define GD_STATS_INPUT_H

#include <stddef.h>

#define STATS_MAX_LINE ((size_t)1 << 20)

struct stats_src;

/* path "-" is stdin. Prints one error line and returns -1 when it cannot be
 * opened. */
int stats_src_open(const char *path, struct stats_src **out);
void stats_src_close(struct stats_src *s);
/* Is the file an SQLite database (read by stats_sqlite.c, not as lines)? */
int stats_src_is_sqlite(const struct stats_src *s);
/* The first bytes (up to 64 KiB, decompressed), without consuming them. */
const char *stats_src_peek(struct stats_src *s, size_t *len);
/* The next line without its newline: 1, or 0 at the end, or -1 when the
 * input ended on a read error or a truncated gzip (stats_src_error says
 * which; the lines before it were all returned). A line longer than
 * STATS_MAX_LINE is returned empty with stats_src_too_long() set. */
int stats_src_line(struct stats_src *s, const char **line, size_t *len);
long long stats_src_lineno(const struct stats_src *s);
int stats_src_too_long(const struct stats_src *s);
const char *stats_src_error(const struct stats_src *s);
/* Bytes consumed of the input (compressed bytes for a gzip), and its size
 * on disk (0 when not known: stdin, a pipe). */
void stats_src_progress(const struct stats_src *s, long long *done, long long *size);

#endif
