/*
 * keymask: recognises API keys and tokens and produces their masked form.
 * Nothing outside this module needs to know what a key looks like.
 *
 * A masked key keeps the kind's prefix and the last four characters:
 * "AIza…wXyZ", "AQ.…wXyZ", "ya29.…wXyZ". Returned strings are owned by the
 * caller.
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

const char *key_kind_name(enum key_kind kind);
enum key_kind key_kind_of(const char *key);

/* The masked form of key (never the key itself). */
char *key_mask(const char *key);

/* Find the first key-like token in buf[0..len); on success set *start and
 * *klen and return its kind, else KEY_NONE. */
enum key_kind key_find(const char *buf, size_t len, size_t *start, size_t *klen);

/* A copy of s with every key-like token replaced by its masked form. */
char *key_redact(const char *s);

#endif
