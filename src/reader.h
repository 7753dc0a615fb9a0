/*
 * reader: turns whatever a user pasted (or a probe received) into evidence.
 * It finds the error inside surrounding text, repairs what pasting broke
 * (hard wraps, borders, quote and log prefixes, stripped or layered escapes,
 * Python reprs, protobuf text, curly and full-width punctuation, truncation)
 * and extracts fields. It knows nothing of causes. A paste holding several
 * different errors is read as one: the last complete one (see reader.c).
 *
 * Bounded: time linear in len (large inputs are cut to windows around the
 * strongest anchors), no unbounded recursion, memory O(len).
 */
#ifndef GD_READER_H
#define GD_READER_H

#include <stddef.h>

struct evidence;

/* Fill ev (already evidence_init()ed) from buf[0..len). buf need not be
 * NUL-terminated and may hold NULs or invalid UTF-8. Returns 0, or a negative
 * status on an internal failure; "nothing recognisable" is ev->found == 0. */
int reader_read(const char *buf, size_t len, struct evidence *ev);

/* Read an HTTP response a probe received: status code, Content-Type,
 * Retry-After (seconds, -1 when absent) and body. Same evidence as a paste. */
int reader_read_response(int http, const char *content_type, double retry_after, const char *body,
                         size_t len, struct evidence *ev);

#endif
