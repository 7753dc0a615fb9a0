/*
 * reader: turns whatever a user pasted (or a probe received) into evidence.
 * It finds the error inside surrounding text, repairs what pasting broke
 * (hard wraps, borders, quote and log prefixes, stripped or layered escapes,
 * Python reprs, protobuf text, curly and full-width punctuation, truncation)
 * and extracts fields. It knows nothing of causes. A paste holding several
 * different errors is read as one: the last complete one (see reader.c).
 *
 * Bounded: time linear in len (large inputs are cut to a window around the
 * strongest anchor), no unbounded recursion, memory O(len) for a buffer and
 * constant for a stream.
 */
#ifndef GD_READER_H
#define GD_READER_H

#include <stddef.h>

struct evidence;
struct reader_vocab;

/* Fill ev (already evidence_init()ed) from buf[0..len), recognising the
 * words of v (see vocab.h; rules_vocab() gives the table's). buf need not be
 * NUL-terminated and may hold NULs or invalid UTF-8. Returns 0, or a negative
 * status on an internal failure; "nothing recognisable" is ev->found == 0. */
int reader_read(const struct reader_vocab *v, const char *buf, size_t len, struct evidence *ev);

/* Read a stream of any size in constant memory, with the verdict
 * reader_read would give for the same bytes in one buffer: a small input is
 * read whole; a larger one through the window around its strongest anchor
 * (the last occurrence of the strongest, so in a log the last error wins).
 * Feed the bytes in any pieces; reader_stream_finish reads them into ev
 * (evidence_init()ed) and frees the stream, reader_stream_free abandons it.
 * Memory stays under a few MiB whatever the size. */
struct reader_stream;
struct reader_stream *reader_stream_new(const struct reader_vocab *v);
void reader_stream_feed(struct reader_stream *st, const char *buf, size_t len);
int reader_stream_finish(struct reader_stream *st, struct evidence *ev);
void reader_stream_free(struct reader_stream *st);

/* Read fd to its end as a stream. Returns 0, or -1 with errno set when a
 * read failed (nothing is printed). */
int reader_read_fd(const struct reader_vocab *v, int fd, struct evidence *ev);

/* Read an HTTP response a probe received: status code, Content-Type,
 * Retry-After (seconds, -1 when absent) and body. Same evidence as a paste. */
int reader_read_response(const struct reader_vocab *v, int http, const char *content_type,
                         double retry_after, const char *body, size_t len, struct evidence *ev);

#endif
