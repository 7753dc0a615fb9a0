/*
 * keymask: key kinds, masking and the one redactor. See keymask.h.
 */
#define _GNU_SOURCE /* memmem */
#include "keymask.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define ELLIPSIS_LEN 3

/* A mask shows nothing of a key shorter than this. */
#define KEY_MASK_MIN 16

/* The most secrets one run registers (environment, key file, session). */
#define KEY_SECRETS_MAX 8

/* The most bytes of spaces, newlines and escaped newlines between two
 * characters of a registered key that still count as the key. */
#define KEY_SPLIT_MAX 32

struct shape {
    const char *prefix;
    size_t plen;
    enum key_kind kind;
    size_t whole_min; /* key characters after the prefix of a whole key */
    size_t full;      /* the length of every key of this kind; 0 when it varies */
};

static const struct shape shapes[] = {
    {"AIza", 4, KEY_STANDARD, 30, 39},
    {"AQ.", 3, KEY_AUTH, 20, 0},
    {"ya29.", 5, KEY_OAUTH, 20, 0},
};

/* A partial key: a prefix and at least this many key characters. */
#define KEY_PARTIAL_MIN 4

static char *secrets[KEY_SECRETS_MAX];
static size_t nsecrets;

static int is_key_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

static int is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Does s[0..n) start with the ASCII word w, ignoring case? */
static int starts_nocase(const char *s, size_t n, const char *w)
{
    size_t l = strlen(w);
    if (n < l)
        return 0;
    for (size_t i = 0; i < l; i++)
        if (ascii_lower((unsigned char)s[i]) != w[i])
            return 0;
    return 1;
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

const char *key_kind_prefix(enum key_kind kind)
{
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
        if (shapes[i].kind == kind)
            return shapes[i].prefix;
    return "";
}

static const struct shape *shape_at(const char *t, size_t n)
{
    /* The first byte first: this runs at every byte the tool prints. */
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
        if (n >= shapes[i].plen && t[0] == shapes[i].prefix[0] &&
            memcmp(t, shapes[i].prefix, shapes[i].plen) == 0)
            return &shapes[i];
    return NULL;
}

enum key_kind key_kind_of(const char *key)
{
    if (!key || !*key)
        return KEY_NONE;
    const struct shape *sh = shape_at(key, strlen(key));
    return sh ? sh->kind : KEY_OTHER;
}

size_t key_prefix_at(const char *t, size_t n, size_t *full)
{
    const struct shape *sh = shape_at(t, n);
    *full = sh ? sh->full : 0;
    return sh ? sh->plen : 0;
}

/* Add key[0..n) as shown in a mask: printable ASCII only. */
static void add_shown(struct sbuf *sb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        sbuf_addc(sb, c > 0x20 && c < 0x7f ? (char)c : '?');
    }
}

static char *mask_n(const char *key, size_t n)
{
    struct sbuf sb;
    const struct shape *sh = shape_at(key, n);
    size_t plen = sh ? sh->plen : 0;

    sbuf_init(&sb);
    /* The prefix names the kind; the last four tell two keys apart. Both
     * only while at least two thirds stay hidden, and nothing at all of a
     * key too short to be hidden by a third. */
    if (n >= KEY_MASK_MIN && plen * 3 <= n)
        add_shown(&sb, key, plen);
    else
        plen = 0;
    sbuf_adds(&sb, ELLIPSIS);
    if (n >= KEY_MASK_MIN && (plen + 4) * 3 <= n)
        add_shown(&sb, key + n - 4, 4);
    return sbuf_detach(&sb);
}

char *key_mask(const char *key)
{
    return mask_n(key ? key : "", key ? strlen(key) : 0);
}

static void wipe_secrets(void)
{
    for (size_t i = 0; i < nsecrets; i++) {
        volatile char *p = secrets[i];
        while (*p)
            *p++ = '\0';
        free(secrets[i]);
        secrets[i] = NULL;
    }
    nsecrets = 0;
}

void key_secret_add(const char *key)
{
    static int registered;
    if (!key || strlen(key) < KEY_SECRET_MIN)
        return;
    for (size_t i = 0; i < nsecrets; i++)
        if (strcmp(secrets[i], key) == 0)
            return;
    if (nsecrets == KEY_SECRETS_MAX) {
        /* Keep the newest: the oldest is the least likely to be shown. */
        volatile char *w = secrets[0];
        while (*w)
            *w++ = '\0';
        free(secrets[0]);
        memmove(secrets, secrets + 1, (KEY_SECRETS_MAX - 1) * sizeof(*secrets));
        nsecrets--;
    }
    secrets[nsecrets++] = xstrdup(key);
    if (!registered) {
        registered = 1;
        atexit(wipe_secrets);
    }
}

/* Length of a run of separators a paste, a wrap or an escaping puts inside
 * a key: spaces, tabs, newlines and escaped newlines ("\n", "\\n"). */
static size_t split_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < KEY_SPLIT_MAX) {
        if (is_space((unsigned char)s[i])) {
            i++;
            continue;
        }
        if (s[i] == '\\') {
            size_t j = i;
            while (j < n && s[j] == '\\' && j - i < 8)
                j++;
            if (j < n && (s[j] == 'n' || s[j] == 'r' || s[j] == 't')) {
                i = j + 1;
                continue;
            }
        }
        break;
    }
    return i;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)ascii_lower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Is s[0..n) one of the escapes of the control character c (after the
 * backslashes)? Returns its length or 0. */
static size_t control_escape(const char *s, size_t n, unsigned char c)
{
    static const char named[] = {'n', '\n', 'r', '\r', 't', '\t', 'b', '\b',
                                 'f', '\f', 'e', 0x1b, 'a', '\a', 'v', '\v'};
    if (n >= 5 && s[0] == 'u') {
        int v = 0;
        for (int k = 1; k <= 4; k++) {
            int h = hexval(s[k]);
            if (h < 0)
                return 0;
            v = v * 16 + h;
        }
        return v == c ? 5 : 0;
    }
    if (n >= 3 && s[0] == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0)
        return hexval(s[1]) * 16 + hexval(s[2]) == c ? 3 : 0;
    for (size_t k = 0; k + 1 < sizeof(named); k += 2)
        if (n >= 1 && s[0] == named[k] && (unsigned char)named[k + 1] == c)
            return 1;
    return 0;
}

/* The length of one way output can show the key byte c at s[0..n): the
 * byte itself, a backslash escape of it (one or more layers), or for a
 * control or non-ASCII byte what sanitising leaves ('?', '.', a space, or
 * nothing: 0). -1 when s does not start with any of them. */
static long shown_as(const char *s, size_t n, unsigned char c)
{
    if (n && (unsigned char)s[0] == c)
        return 1;
    if (n && s[0] == '\\') {
        size_t b = 0;
        while (b < n && s[b] == '\\' && b < 8)
            b++;
        if (c == '\\')
            return (long)b;
        if (b < n && (c == '"' || c == '\'' || c == '/') && (unsigned char)s[b] == c)
            return (long)b + 1;
        if (c < 0x20 || c == 0x7f) {
            size_t e = control_escape(s + b, n - b, c);
            if (e)
                return (long)(b + e);
        }
    }
    if (c < 0x20 || c == 0x7f || c >= 0x80) {
        if (n && (s[0] == '?' || s[0] == '.' || (c < 0x80 && s[0] == ' ')))
            return 1;
        return c < 0x80 ? 0 : -1;
    }
    return -1;
}

/* The length of an ANSI escape sequence at k (ESC [ ... final byte), which
 * a paste clean-up removes whole; 0 when there is none. */
static size_t ansi_len(const char *k)
{
    if (k[0] != 0x1b || k[1] != '[')
        return 0;
    size_t i = 2;
    while (k[i] && ((unsigned char)k[i] < 0x40 || (unsigned char)k[i] > 0x7e))
        i++;
    return k[i] ? i + 1 : 0;
}

/* The length of text at s[0..n) that shows the registered key, 0 when s
 * does not start with it. Greedy, no backtracking: linear in the key. */
static size_t secret_at(const char *s, size_t n, const char *key)
{
    size_t p = 0;
    for (size_t i = 0; key[i]; i++) {
        unsigned char c = (unsigned char)key[i];
        if (is_space(c)) {
            p += split_run(s + p, n - p);
            continue;
        }
        long e = shown_as(s + p, n - p, c);
        if (e < 0 && i > 0) {
            size_t sp = split_run(s + p, n - p);
            if (sp) {
                e = shown_as(s + p + sp, n - p - sp, c);
                if (e >= 0)
                    p += sp;
            }
        }
        if (e < 0)
            return 0;
        if (e == 0 && p == 0)
            return 0; /* a match starts with a byte of the key */
        if (e == 0 && ansi_len(key + i))
            i += ansi_len(key + i) - 1;
        p += (size_t)e;
    }
    return p;
}

/* A piece of a registered key: a run of key characters that a split, a
 * wrap or a cut left of it. The registered key holding s[0..n) (whole, or
 * its first or last KEY_PIECE_MIN characters, when the run is glued to a
 * word), or NULL. */
#define KEY_PIECE_MIN 8

static const char *secret_holding(const char *s, size_t n)
{
    /* Only a run that looks random: a word ("location", "quota-rpd") that
     * happens to be in the key is no piece of it, and masking it would
     * change what the reader sees. */
    int digit = 0, upper = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        digit |= s[i] >= '0' && s[i] <= '9';
        upper |= s[i] >= 'A' && s[i] <= 'Z';
        lower |= s[i] >= 'a' && s[i] <= 'z';
    }
    if (digit + upper + lower < 2)
        return NULL;
    for (size_t k = 0; k < nsecrets; k++) {
        const char *sec = secrets[k];
        size_t sl = strlen(sec);
        if (memmem(sec, sl, s, n) || memmem(sec, sl, s, KEY_PIECE_MIN) ||
            memmem(sec, sl, s + n - KEY_PIECE_MIN, KEY_PIECE_MIN))
            return sec;
    }
    return NULL;
}

/* The whole key-like token at p (AIza + 30, AQ. + 20, ya29. + 20 key
 * characters, or a JWT), 0 when none; *partial gets the length of a
 * shorter token that starts with a key prefix (a cut key). */
static size_t token_at(const char *p, size_t left, enum key_kind *kind, size_t *partial)
{
    const struct shape *sh = shape_at(p, left);
    *partial = 0;
    if (sh) {
        size_t n = sh->plen;
        while (n < left && is_key_char((unsigned char)p[n]))
            n++;
        *kind = sh->kind;
        if (n - sh->plen >= sh->whole_min)
            return n;
        if (n - sh->plen >= KEY_PARTIAL_MIN)
            *partial = n;
        return 0;
    }
    /* A JWT: three base64url parts, the first a JSON object ("eyJ"). */
    if (left >= 3 && p[0] == 'e' && memcmp(p, "eyJ", 3) == 0) {
        size_t n = 0, dots = 0;
        while (n < left && (is_key_char((unsigned char)p[n]))) {
            dots += p[n] == '.';
            n++;
        }
        *kind = KEY_OTHER;
        return dots == 2 && n >= 30 ? n : 0;
    }
    return 0;
}

enum key_kind key_find(const char *buf, size_t len, size_t *start, size_t *klen)
{
    for (size_t i = 0; i < len; i++) {
        enum key_kind kind;
        size_t partial;
        /* No word-boundary test: a key glued to a word ("…EXHAUSTEDAIza…")
         * is still a key, and masking a look-alike costs nothing. */
        if (!shape_at(buf + i, len - i))
            continue; /* only a prefixed token is a kind (a JWT is KEY_OTHER) */
        size_t n = token_at(buf + i, len - i, &kind, &partial);
        if (n && kind != KEY_OTHER) {
            *start = i;
            *klen = n;
            return kind;
        }
    }
    return KEY_NONE;
}

#define KEY_PARAM "key="

/* The value of a key= URL parameter at s[0..n) ("key=", "api_key=", any
 * case): its length through *vlen, 0 when s does not start with "key=". */
static size_t param_at(const char *s, size_t n, size_t *vlen)
{
    if (!starts_nocase(s, n, KEY_PARAM))
        return 0;
    size_t v = 4;
    while (v < n && is_key_char((unsigned char)s[v]))
        v++;
    *vlen = v - 4;
    return 4;
}

/* A header that carries a credential ("x-goog-api-key: VALUE",
 * "Authorization: Bearer VALUE"): the length up to the value, 0 when s does
 * not start with one. */
static const char *const header_names[] = {"x-goog-api-key:", "bearer "};

static size_t header_at(const char *s, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(header_names); i++) {
        if (starts_nocase(s, n, header_names[i])) {
            size_t l = strlen(header_names[i]);
            while (l < n && s[l] == ' ')
                l++;
            return l;
        }
    }
    return 0;
}

char *key_find_masked(const char *buf, size_t len)
{
    size_t start, klen;
    if (key_find(buf, len, &start, &klen) != KEY_NONE)
        return mask_n(buf + start, klen);
    for (size_t i = 0; i < len; i++) {
        size_t vlen = 0, plen = param_at(buf + i, len - i, &vlen);
        if (!plen)
            continue;
        const char *v = buf + i + plen;
        int digit = 0, lower = 0;
        for (size_t k = 0; k < vlen; k++) {
            digit |= v[k] >= '0' && v[k] <= '9';
            lower |= v[k] >= 'a' && v[k] <= 'z';
        }
        /* Placeholders (YOUR_API_KEY, ${KEY}) are not keys. */
        if (vlen >= 20 && vlen <= 200 && digit && lower)
            return mask_n(v, vlen);
    }
    return NULL;
}

/* Is s[0..n) a mask this module made ("AIza…wXyZ")? Its length, else 0:
 * masking a mask again would only lose the last four characters. */
static size_t mask_at(const char *s, size_t n)
{
    const struct shape *sh = shape_at(s, n);
    size_t p = sh ? sh->plen : 0;
    if (n - p < ELLIPSIS_LEN || memcmp(s + p, ELLIPSIS, ELLIPSIS_LEN) != 0)
        return 0;
    p += ELLIPSIS_LEN;
    size_t t = 0;
    while (p + t < n && t < 5 && is_key_char((unsigned char)s[p + t]))
        t++;
    return t == 0 || t == 4 ? p + t : 0;
}

static void add_masked(struct sbuf *sb, const char *s, size_t n)
{
    char *m = mask_n(s, n);
    sbuf_adds(sb, m);
    free(m);
}

static void set_nocase(unsigned char set[256], char c)
{
    set[(unsigned char)c] = 1;
    if (c >= 'a' && c <= 'z')
        set[(unsigned char)(c - ('a' - 'A'))] = 1;
}

/* The bytes at which key_redact_n may do something other than copy the byte:
 * the first bytes of key prefixes, JWTs, masks (the ellipsis), "key=", the
 * credential headers and control characters, and for each registered
 * secret every byte its first character can be shown as. A byte outside
 * the set is copied as it is, with the run of such bytes after it. Returns
 * 0 when a secret starts with a separator (any byte can then begin it). */
static int redact_starts(unsigned char set[256])
{
    memset(set, 0, 256);
    for (size_t i = 0; i < ARRAY_SIZE(shapes); i++)
        set[(unsigned char)shapes[i].prefix[0]] = 1;
    set['e'] = 1; /* "eyJ", a JWT (token_at) */
    set[(unsigned char)ELLIPSIS[0]] = 1;
    set_nocase(set, KEY_PARAM[0]);
    for (size_t i = 0; i < ARRAY_SIZE(header_names); i++)
        set_nocase(set, header_names[i][0]);
    for (int c = 0; c < 0x20; c++)
        set[c] = c != '\n' && c != '\t';
    set[0x7f] = 1;
    set[0xc2] = 1; /* C1 controls as UTF-8 */
    for (size_t k = 0; k < nsecrets; k++) {
        unsigned char c = (unsigned char)secrets[k][0];
        if (is_space(c))
            return 0;
        set[c] = 1;
        set['\\'] = 1;
        if (c < 0x20 || c >= 0x7f) {
            set['?'] = 1;
            set['.'] = 1;
            set[' '] = 1;
        }
    }
    return 1;
}

char *key_redact_n(const char *s, size_t len)
{
    struct sbuf sb;
    size_t i = 0;
    unsigned char starts[256];
    int skip = redact_starts(starts);

    sbuf_init(&sb);
    sbuf_grow(&sb, len);
    while (i < len) {
        const char *p = s + i;
        size_t left = len - i, n = 0, partial = 0, vlen = 0;
        unsigned char c = (unsigned char)*p;
        enum key_kind kind;

        if (skip) {
            /* A piece of a secret can begin at any run of key characters. */
            while (n < left && !starts[(unsigned char)p[n]] &&
                   !(nsecrets && is_key_char((unsigned char)p[n]) &&
                     (i + n == 0 || !is_key_char((unsigned char)s[i + n - 1]))))
                n++;
            if (n) {
                sbuf_add(&sb, p, n);
                i += n;
                continue;
            }
        }

        for (size_t k = 0; k < nsecrets && !n; k++) {
            n = secret_at(p, left, secrets[k]);
            if (n) {
                char *m = key_mask(secrets[k]);
                sbuf_adds(&sb, m);
                free(m);
            }
        }
        if (n) {
            i += n;
            continue;
        }
        if (nsecrets && is_key_char(c) && (i == 0 || !is_key_char((unsigned char)p[-1]))) {
            size_t r = 0;
            while (r < left && is_key_char((unsigned char)p[r]))
                r++;
            const char *sec = r >= KEY_PIECE_MIN ? secret_holding(p, r) : NULL;
            if (sec) {
                char *m = key_mask(sec);
                sbuf_adds(&sb, m);
                free(m);
                i += r;
                continue;
            }
        }
        if ((n = mask_at(p, left)) != 0) {
            sbuf_add(&sb, p, n);
            i += n;
            continue;
        }
        if ((n = token_at(p, left, &kind, &partial)) != 0 || (n = partial) != 0) {
            add_masked(&sb, p, n);
            i += n;
            continue;
        }
        if ((n = param_at(p, left, &vlen)) != 0 && vlen >= 8) {
            sbuf_add(&sb, p, n);
            add_masked(&sb, p + n, vlen);
            i += n + vlen;
            continue;
        }
        if ((n = header_at(p, left)) != 0) {
            size_t v = n;
            while (v < left && p[v] > ' ' && p[v] != '"' && (unsigned char)p[v] != 0x7f)
                v++;
            int digit = 0;
            for (size_t k = n; k < v; k++)
                digit |= p[k] >= '0' && p[k] <= '9';
            sbuf_add(&sb, p, n);
            /* A header value long enough and with a digit: "Bearer
             * authentication" in prose is no credential. Any other value
             * goes on through the loop, where a key-shaped token in it is
             * still masked. */
            if (v - n >= 16 && digit && mask_at(p + n, v - n) != v - n) {
                add_masked(&sb, p + n, v - n);
                i += v;
            } else {
                i += n;
            }
            continue;
        }
        /* Control characters (C0 but newline and tab, DEL, C1 as UTF-8)
         * could move the cursor, clear the screen or retitle the window. */
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            sbuf_addc(&sb, '?');
            i++;
            continue;
        }
        if (c == 0xc2 && left >= 2 && (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] < 0xa0) {
            sbuf_addc(&sb, '?');
            i += 2;
            continue;
        }
        sbuf_addc(&sb, (char)c);
        i++;
    }
    return sbuf_detach(&sb);
}

char *key_redact(const char *s)
{
    return key_redact_n(s ? s : "", s ? strlen(s) : 0);
}
