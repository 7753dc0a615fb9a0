/*
 * keymask: key kinds, masking and redaction. See keymask.h.
 */
#include "keymask.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static int is_key_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

const char *key_kind_name(enum key_kind kind)
{
    switch (kind) {
    case KEY_STANDARD:
        return "standard key (AIza…)";
    case KEY_AUTH:
        return "auth key (AQ.…)";
    case KEY_OAUTH:
        return "OAuth access token (ya29.…)";
    case KEY_OTHER:
        return "unrecognised";
    case KEY_NONE:
        break;
    }
    return "none";
}

enum key_kind key_kind_of(const char *key)
{
    if (!key || !*key)
        return KEY_NONE;
    if (strncmp(key, "AIza", 4) == 0)
        return KEY_STANDARD;
    if (strncmp(key, "AQ.", 3) == 0)
        return KEY_AUTH;
    if (strncmp(key, "ya29.", 5) == 0)
        return KEY_OAUTH;
    return KEY_OTHER;
}

char *key_mask(const char *key)
{
    struct sbuf sb;
    size_t n = strlen(key);
    enum key_kind kind = key_kind_of(key);
    size_t plen = kind == KEY_STANDARD ? 4 : kind == KEY_AUTH ? 3 : kind == KEY_OAUTH ? 5 : 0;

    sbuf_init(&sb);
    /* Short or unrecognised secrets show at most their last four characters,
     * and only when at least twelve stay hidden. */
    sbuf_add(&sb, key, plen);
    sbuf_adds(&sb, "\xe2\x80\xa6");
    if (n >= plen + 16)
        sbuf_add(&sb, key + n - 4, 4);
    return sbuf_detach(&sb);
}

/* Length of the key-like token at p (0 when none): AIza + 35, AQ. + 20 or
 * more, ya29. + 20 or more. */
static size_t key_at(const char *p, size_t left, enum key_kind *kind)
{
    size_t plen, min;
    if (left >= 4 && memcmp(p, "AIza", 4) == 0) {
        *kind = KEY_STANDARD;
        plen = 4;
        min = 30;
    } else if (left >= 3 && memcmp(p, "AQ.", 3) == 0) {
        *kind = KEY_AUTH;
        plen = 3;
        min = 20;
    } else if (left >= 5 && memcmp(p, "ya29.", 5) == 0) {
        *kind = KEY_OAUTH;
        plen = 5;
        min = 20;
    } else {
        return 0;
    }
    size_t n = plen;
    while (n < left && is_key_char((unsigned char)p[n]))
        n++;
    return n - plen >= min ? n : 0;
}

enum key_kind key_find(const char *buf, size_t len, size_t *start, size_t *klen)
{
    for (size_t i = 0; i < len; i++) {
        enum key_kind kind;
        /* No word-boundary test: a key glued to a word ("…EXHAUSTEDAIza…")
         * is still a key, and masking a look-alike costs nothing. */
        size_t n = key_at(buf + i, len - i, &kind);
        if (n) {
            *start = i;
            *klen = n;
            return kind;
        }
    }
    return KEY_NONE;
}

char *key_redact(const char *s)
{
    struct sbuf sb;
    size_t len = strlen(s), pos = 0;

    sbuf_init(&sb);
    while (pos < len) {
        size_t start, klen;
        if (key_find(s + pos, len - pos, &start, &klen) == KEY_NONE)
            break;
        sbuf_add(&sb, s + pos, start);
        char *key = xstrndup(s + pos + start, klen);
        char *m = key_mask(key);
        memset(key, 0, klen);
        free(key);
        sbuf_adds(&sb, m);
        free(m);
        pos += start + klen;
    }
    sbuf_add(&sb, s + pos, len - pos);
    return sbuf_detach(&sb);
}
