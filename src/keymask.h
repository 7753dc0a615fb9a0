/*
 * keymask: the one module that knows what an API key looks like, and the one
 * redactor every output path uses (stdout, stderr, the TUI, the -v exchange).
 * Nothing outside this module tests for a key prefix or masks by itself.
 *
 * The API, in full:
 *
 *   key_secret_add(key)   register the configured key (or any secret) as
 *                         soon as it is read; from then on key_redact()
 *                         removes it by exact match, whatever its shape and
 *                         in every escaping output uses (raw, JSON-escaped,
 *                         split by spaces, newlines or escaped newlines,
 *                         control characters dropped or shown as '?'/'.').
 *   key_redact(s)         the text to show: registered secrets, every
 *                         key-like token (AIza…, AQ.…, ya29.…, JWTs), key=
 *                         URL parameters, x-goog-api-key / Bearer header
 *                         values and partial keys are masked; control
 *                         characters (C0, DEL, C1) other than newline and tab
 *                         become '?'. Apply it to any text that may hold
 *                         something a user, a paste or a server supplied.
 *   key_mask(key)         the masked form of one key: never the key itself,
 *                         never more than a third of it, nothing of a key
 *                         under 16 characters, printable ASCII apart from the
 *                         ellipsis: "AIza…wXyZ", "AQ.…", "…".
 *   key_kind_of(key)      the kind of a key or of its masked form;
 *                         key_kind_name() and key_kind_prefix() name it.
 *   key_find(buf, ...)    the first whole key-like token in a buffer.
 *   key_find_masked(...)  the masked form of the key a paste holds, if any.
 *
 * Returned strings are owned by the caller and never NULL (running out of
 * memory ends the process through util's allocators).
 */
#ifndef GD_KEYMASK_H
#define GD_KEYMASK_H

#include <stddef.h>

enum key_kind {
    KEY_NONE,
    KEY_STANDARD, /* AIza…, 39 characters */
    KEY_AUTH,     /* AQ.… auth keys issued by AI Studio since 2026 */
    KEY_OAUTH,    /* ya29.… OAuth access token */
    KEY_OTHER     /* anything else */
};

/* Registered secrets shorter than this are not matched (a two-letter "key"
 * would mask every such pair of letters in the output). */
#define KEY_SECRET_MIN 6

const char *key_kind_name(enum key_kind kind);   /* "standard key (AIza…)" */
const char *key_kind_prefix(enum key_kind kind); /* "AIza"; "" for none/other */
enum key_kind key_kind_of(const char *key);

/* The masked form of key (never the key itself). */
char *key_mask(const char *key);

/* Remember key (copied; wiped at exit) so key_redact() removes it exactly.
 * Keys under KEY_SECRET_MIN characters, NULL and repeats are ignored. */
void key_secret_add(const char *key);

/* Find the first key-like token in buf[0..len); on success set *start and
 * *klen and return its kind, else KEY_NONE. */
enum key_kind key_find(const char *buf, size_t len, size_t *start, size_t *klen);

/* The masked form of the first key buf[0..len) holds: a key-like token, or
 * the value of a key= parameter that looks like a key rather than a
 * placeholder. NULL when there is none. */
char *key_find_masked(const char *buf, size_t len);

/* Does t[0..n) start with a key prefix? Returns the prefix length (0 when
 * none) and through *full the length of a whole key of that kind (0 when it
 * varies). For joining keys a hard wrap cut. */
size_t key_prefix_at(const char *t, size_t n, size_t *full);

/* A copy of s, safe to show (see above). */
char *key_redact(const char *s);
char *key_redact_n(const char *s, size_t n);

#endif
