/*
 * textfix: repairs what pasting does to text, for the reader. It owns the
 * byte-level clean-up (NULs, control bytes, invalid UTF-8, curly and
 * full-width punctuation, box drawing, quote and log prefixes), the undoing
 * of escape layers and whitespace collapsing. It knows nothing of errors.
 *
 * Every function is linear in its input (escape undoing is linear per layer,
 * with a fixed bound on layers) and returns memory owned by the caller.
 */
#ifndef GD_TEXTFIX_H
#define GD_TEXTFIX_H

#include <stddef.h>

/* What textfix_clean saw and removed, for telling input forms apart. */
#define TF_BOX 1       /* box-drawing borders or CLI status marks */
#define TF_QUOTED 2    /* "> " quote prefixes */
#define TF_LOGPREFIX 4 /* per-line timestamps, levels or container names */

/* The most escape layers textfix_unescape_all undoes. */
#define TF_MAX_LAYERS 12

/* A NUL-terminated clean copy of buf[0..len): no NUL or control bytes except
 * newlines, CR LF as LF, tabs as spaces, ANSI colour sequences removed,
 * invalid UTF-8 as '?', curly quotes and full-width punctuation as ASCII,
 * box drawing as spaces, the HTML character references of quotes, &, < and >
 * decoded, quote and log prefixes stripped from each line.
 * *outlen gets the length; *flags (may be NULL) gets TF_* bits. */
char *textfix_clean(const char *buf, size_t len, size_t *outlen, int *flags);

/* Undo one layer of backslash escapes (JSON and Python: \" \' \\ \/ \n \r
 * \t \uXXXX \xHH) in s[0..n) into a new string; return whether anything
 * changed through *changed. Escaped control characters become spaces or
 * newlines, never raw control bytes. */
char *textfix_unescape(const char *s, size_t n, size_t *outlen, int *changed);

/* Undo escape layers until nothing changes, at most TF_MAX_LAYERS. */
char *textfix_unescape_all(const char *s, size_t n, size_t *outlen);

/* Collapse every run of whitespace to one space and trim both ends, in
 * place; returns the new length. */
size_t textfix_collapse(char *s);

/* A copy of at most max bytes of s, cut at a UTF-8 character boundary. */
char *textfix_strndup_utf8(const char *s, size_t n, size_t max);

#endif
