/*
 * textfix: byte clean-up, escape undoing and whitespace collapsing for the
 * reader. See textfix.h.
 */
#include "textfix.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Decode one UTF-8 sequence at s[0..left). Returns its length and sets *cp,
 * or returns 0 when the bytes are not valid UTF-8 (overlong forms and
 * surrogates included). */
static size_t utf8_decode(const unsigned char *s, size_t left, unsigned *cp)
{
    unsigned c = s[0];
    size_t n;
    unsigned v, min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        v = c & 0x1f;
        min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        v = c & 0x0f;
        min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (left < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

static void add_utf8(struct sbuf *sb, unsigned cp)
{
    char b[4];
    if (cp < 0x80) {
        sbuf_addc(sb, (char)cp);
    } else if (cp < 0x800) {
        b[0] = (char)(0xc0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3f));
        sbuf_add(sb, b, 2);
    } else if (cp < 0x10000) {
        b[0] = (char)(0xe0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[2] = (char)(0x80 | (cp & 0x3f));
        sbuf_add(sb, b, 3);
    } else {
        b[0] = (char)(0xf0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
        b[3] = (char)(0x80 | (cp & 0x3f));
        sbuf_add(sb, b, 4);
    }
}

/* The ASCII stand-in for a code point that pasting or terminals introduce:
 * a character (returned), "drop" (-1), "space" (' '), or "keep" (0). */
static int map_codepoint(unsigned cp, int *flags)
{
    if (cp == 0x201c || cp == 0x201d || cp == 0x201e || cp == 0x201f || cp == 0x2033)
        return '"';
    if (cp == 0x2018 || cp == 0x2019 || cp == 0x201a || cp == 0x201b || cp == 0x2032)
        return '\'';
    if (cp >= 0xff01 && cp <= 0xff5e)
        return (int)(cp - 0xfee0);
    if (cp == 0x3001)
        return ',';
    if (cp == 0x3002)
        return '.';
    if (cp == 0x2010 || cp == 0x2011 || cp == 0x2012 || cp == 0x2013 || cp == 0x2014 ||
        cp == 0x2212)
        return '-';
    if (cp == 0x00a0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x202f ||
        cp == 0x205f || cp == 0x2028 || cp == 0x2029)
        return ' ';
    if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff || cp == 0xfe0e ||
        cp == 0xfe0f)
        return -1;
    /* Box drawing, block elements and the marks CLIs put before a line. */
    if ((cp >= 0x2500 && cp <= 0x259f) || (cp >= 0x2713 && cp <= 0x2718) || cp == 0x26a0 ||
        cp == 0x2139 || cp == 0x25cf || cp == 0x25cb || cp == 0x2717 || cp == 0x274c ||
        cp == 0x2757 || cp == 0x25b6 || cp == 0x276f) {
        *flags |= TF_BOX;
        return ' ';
    }
    return 0;
}

/* Pass one: bytes to clean UTF-8 text, line structure kept. */
static void clean_bytes(const char *buf, size_t len, struct sbuf *sb, int *flags)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;

    while (i < len) {
        unsigned c = s[i];
        if (c == 0x1b) {
            /* ANSI CSI sequences (colours, cursor moves) vanish whole. */
            size_t j = i + 1;
            if (j < len && s[j] == '[') {
                j++;
                while (j < len && j - i < 32 &&
                       ((s[j] >= '0' && s[j] <= '9') || s[j] == ';' || s[j] == '?'))
                    j++;
                if (j < len && s[j] >= 0x40 && s[j] <= 0x7e)
                    j++;
            }
            i = j;
            continue;
        }
        if (c == '\r') {
            if (i + 1 < len && s[i + 1] == '\n') {
                i++;
                continue;
            }
            sbuf_addc(sb, '\n');
            i++;
            continue;
        }
        if (c == '\t' || c == '\v' || c == '\f') {
            sbuf_addc(sb, ' ');
            i++;
            continue;
        }
        if (c < 0x20 && c != '\n') {
            i++;
            continue;
        }
        if (c == 0x7f) {
            i++;
            continue;
        }
        if (c < 0x80) {
            sbuf_addc(sb, (char)c);
            i++;
            continue;
        }
        unsigned cp;
        size_t n = utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            sbuf_addc(sb, '?');
            i++;
            continue;
        }
        if (cp >= 0x80 && cp < 0xa0) {
            /* C1 control characters. */
            i += n;
            continue;
        }
        int m = map_codepoint(cp, flags);
        if (m > 0)
            sbuf_addc(sb, (char)m);
        else if (m == 0 && cp == 0x2026)
            sbuf_adds(sb, "...");
        else if (m == 0)
            sbuf_add(sb, buf + i, n);
        i += n;
    }
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static size_t digits(const char *p, const char *end, size_t want)
{
    size_t n = 0;
    while (p + n < end && n < want && is_digit(p[n]))
        n++;
    return n;
}

/* Length of a timestamp at p (ISO date and time, date with slashes, or a bare
 * time of day, each with optional fraction and zone, optionally in brackets),
 * or 0. */
static size_t timestamp_at(const char *p, const char *end)
{
    const char *q = p;
    int bracket = 0;

    if (q < end && *q == '[') {
        bracket = 1;
        q++;
    }
    if (digits(q, end, 4) == 4 && q + 4 < end && (q[4] == '-' || q[4] == '/') &&
        digits(q + 5, end, 2) == 2 && q + 7 < end && q[7] == q[4] && digits(q + 8, end, 2) == 2) {
        q += 10;
        if (q < end && (*q == 'T' || *q == ' '))
            q++;
        else
            return 0;
    }
    if (!(digits(q, end, 2) == 2 && q + 2 < end && q[2] == ':' && digits(q + 3, end, 2) == 2 &&
          q + 5 < end && q[5] == ':' && digits(q + 6, end, 2) == 2))
        return 0;
    q += 8;
    if (q < end && (*q == '.' || *q == ',')) {
        size_t d = digits(q + 1, end, 9);
        if (d)
            q += 1 + d;
    }
    if (q < end && *q == 'Z')
        q++;
    else if (q < end && (*q == '+' || *q == '-') && digits(q + 1, end, 2) == 2) {
        q += 3;
        if (q < end && *q == ':')
            q++;
        q += digits(q, end, 2);
    }
    if (bracket) {
        if (q < end && *q == ']')
            q++;
        else
            return 0;
    }
    if (q < end && *q != ' ' && *q != ']' && *q != '|' && *q != '-' && *q != ':')
        return 0;
    return (size_t)(q - p);
}

static const char *const levels[] = {
    "TRACE", "DEBUG", "INFO",  "NOTICE",   "WARNING", "WARN",
    "ERROR", "ERR",   "FATAL", "CRITICAL", "SEVERE",
};

static size_t level_at(const char *p, const char *end)
{
    for (size_t i = 0; i < ARRAY_SIZE(levels); i++) {
        size_t n = strlen(levels[i]);
        if ((size_t)(end - p) >= n && gd_strncasecmp(p, levels[i], n) == 0 &&
            (p + n == end || !is_alnum(p[n])))
            return n;
    }
    return 0;
}

/* After a timestamp: skip separators, a level, bracketed tags and
 * " - name - " logger fields, at most four of them. */
static const char *skip_log_fields(const char *p, const char *end)
{
    for (int k = 0; k < 5; k++) {
        while (p < end && (*p == ' ' || *p == '-' || *p == '|' || *p == ':'))
            p++;
        size_t n = level_at(p, end);
        if (n) {
            p += n;
            continue;
        }
        if (p < end && *p == '[') {
            const char *q = p + 1;
            while (q < end && q - p < 48 && *q != ']' && *q != ' ' && *q != '"' && *q != '{')
                q++;
            if (q < end && *q == ']') {
                p = q + 1;
                continue;
            }
        }
        /* A logger or source field ends with " - " before the message. */
        const char *q = p;
        while (q < end && q - p < 40 && (is_alnum(*q) || *q == '_' || *q == '.' || *q == ':'))
            q++;
        if (q > p && end - q >= 3 && q[0] == ' ' && q[1] == '-' && q[2] == ' ') {
            p = q + 3;
            continue;
        }
        break;
    }
    while (p < end && *p == ' ')
        p++;
    return p;
}

/* "ERROR:root:" or "WARNING:google_genai.models:" at the start of a line. */
static size_t pylog_prefix(const char *p, const char *end)
{
    size_t n = level_at(p, end);
    if (!n || p + n >= end || p[n] != ':')
        return 0;
    const char *q = p + n + 1;
    const char *s = q;
    while (q < end && q - s < 64 && (is_alnum(*q) || *q == '_' || *q == '.'))
        q++;
    if (q == s || q >= end || *q != ':')
        return 0;
    return (size_t)(q + 1 - p);
}

/* "web_1  | " container prefixes (docker compose). */
static size_t container_prefix(const char *p, const char *end)
{
    const char *q = p;
    while (q < end && q - p < 40 && (is_alnum(*q) || *q == '_' || *q == '-' || *q == '.'))
        q++;
    if (q == p || q >= end || *q != ' ')
        return 0;
    while (q < end && *q == ' ')
        q++;
    if (q + 1 < end && q[0] == '|' && q[1] == ' ')
        return (size_t)(q + 2 - p);
    return 0;
}

/* Pass two: HTML character references that a web page or an HTML log put
 * around pasted JSON (<pre>{&quot;error&quot;: …}</pre>) become the
 * characters they stand for, so the JSON is read as JSON. Only the few that
 * such pages use; anything else stays as written. One forward pass. */
static void decode_entities(const char *s, size_t len, struct sbuf *out)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&quot;", '"'},  {"&amp;", '&'},   {"&lt;", '<'},   {"&gt;", '>'},
                {"&#39;", '\''},  {"&#039;", '\''}, {"&#34;", '"'},  {"&#034;", '"'},
                {"&#x27;", '\''}, {"&#x22;", '"'},  {"&apos;", '\''}};
    size_t i = 0;

    while (i < len) {
        const char *amp = memchr(s + i, '&', len - i);
        size_t stop = amp ? (size_t)(amp - s) : len;
        sbuf_add(out, s + i, stop - i);
        i = stop;
        if (i >= len)
            break;
        size_t k;
        for (k = 0; k < ARRAY_SIZE(ents); k++) {
            size_t l = strlen(ents[k].ent);
            if (len - i >= l && gd_strncasecmp(s + i, ents[k].ent, l) == 0)
                break;
        }
        if (k < ARRAY_SIZE(ents)) {
            sbuf_addc(out, ents[k].c);
            i += strlen(ents[k].ent);
        } else {
            sbuf_addc(out, '&');
            i++;
        }
    }
}

/* Pass three: strip quote and log prefixes line by line. */
static void strip_prefixes(const char *s, size_t len, struct sbuf *out, int *flags)
{
    const char *p = s, *end = s + len;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *q = p;

        /* GitHub and mail quotes: "> ", ">> ", "> > ". */
        for (;;) {
            const char *r = q;
            while (r < le && *r == ' ')
                r++;
            if (r < le && *r == '>' && (r + 1 == le || r[1] == ' ' || r[1] == '>')) {
                q = r + 1;
                if (q < le && *q == ' ')
                    q++;
                *flags |= TF_QUOTED;
                continue;
            }
            break;
        }
        const char *r = q;
        while (r < le && *r == ' ')
            r++;
        size_t ts = timestamp_at(r, le);
        if (ts) {
            q = skip_log_fields(r + ts, le);
            *flags |= TF_LOGPREFIX;
        } else {
            size_t n = pylog_prefix(r, le);
            if (!n)
                n = container_prefix(r, le);
            if (n) {
                q = r + n;
                *flags |= TF_LOGPREFIX;
            }
        }
        /* Trailing spaces (what was a right border) go too. */
        while (le > q && le[-1] == ' ')
            le--;
        sbuf_add(out, q, (size_t)(le - q));
        if (nl)
            sbuf_addc(out, '\n');
        p = nl ? nl + 1 : end;
    }
}

char *textfix_clean(const char *buf, size_t len, size_t *outlen, int *flags)
{
    struct sbuf bytes, plain, out;
    int f = 0;

    sbuf_init(&bytes);
    sbuf_init(&plain);
    sbuf_init(&out);
    sbuf_grow(&bytes, len);
    clean_bytes(buf, len, &bytes, &f);
    sbuf_grow(&plain, bytes.len);
    decode_entities(bytes.buf ? bytes.buf : "", bytes.len, &plain);
    sbuf_release(&bytes);
    sbuf_grow(&out, plain.len);
    strip_prefixes(plain.buf ? plain.buf : "", plain.len, &out, &f);
    sbuf_release(&plain);
    sbuf_add(&out, "", 0);
    if (outlen)
        *outlen = out.len;
    if (flags)
        *flags = f;
    return sbuf_detach(&out);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static int hex4(const char *p, const char *end)
{
    int v = 0;
    if (end - p < 4)
        return -1;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

char *textfix_unescape(const char *s, size_t n, size_t *outlen, int *changed)
{
    struct sbuf sb;
    const char *p = s, *end = s + n;
    int ch = 0;

    sbuf_init(&sb);
    sbuf_grow(&sb, n);
    while (p < end) {
        const char *bs = memchr(p, '\\', (size_t)(end - p));
        if (!bs) {
            sbuf_add(&sb, p, (size_t)(end - p));
            break;
        }
        sbuf_add(&sb, p, (size_t)(bs - p));
        p = bs;
        if (p + 1 >= end) {
            sbuf_addc(&sb, '\\');
            p++;
            break;
        }
        char c = p[1];
        int u;
        switch (c) {
        case '"':
        case '\'':
        case '\\':
        case '/':
            sbuf_addc(&sb, c);
            p += 2;
            ch = 1;
            break;
        case 'n':
        case 'r':
            sbuf_addc(&sb, '\n');
            p += 2;
            ch = 1;
            break;
        case 't':
        case 'b':
        case 'f':
            sbuf_addc(&sb, ' ');
            p += 2;
            ch = 1;
            break;
        case 'u':
            u = hex4(p + 2, end);
            if (u < 0) {
                sbuf_add(&sb, p, 2);
                p += 2;
                break;
            }
            p += 6;
            ch = 1;
            if (u >= 0xd800 && u <= 0xdbff) {
                int lo = (end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4(p + 2, end) : -1;
                if (lo >= 0xdc00 && lo <= 0xdfff) {
                    p += 6;
                    add_utf8(&sb,
                             0x10000 + (((unsigned)u - 0xd800) << 10) + ((unsigned)lo - 0xdc00));
                } else {
                    sbuf_addc(&sb, '?');
                }
            } else if (u >= 0xdc00 && u <= 0xdfff) {
                sbuf_addc(&sb, '?');
            } else if (u < 0x20 || u == 0x7f) {
                sbuf_addc(&sb, u == '\n' ? '\n' : ' ');
            } else {
                int dummy = 0;
                int m = map_codepoint((unsigned)u, &dummy);
                if (m > 0)
                    sbuf_addc(&sb, (char)m);
                else if (m == 0)
                    add_utf8(&sb, (unsigned)u);
            }
            break;
        case 'x':
            if (end - p >= 4 && hexval(p[2]) >= 0 && hexval(p[3]) >= 0) {
                int v = hexval(p[2]) * 16 + hexval(p[3]);
                sbuf_addc(&sb, v >= 0x20 && v < 0x7f ? (char)v : ' ');
                p += 4;
                ch = 1;
            } else {
                sbuf_add(&sb, p, 2);
                p += 2;
            }
            break;
        default:
            sbuf_add(&sb, p, 2);
            p += 2;
            break;
        }
    }
    sbuf_add(&sb, "", 0);
    if (outlen)
        *outlen = sb.len;
    if (changed)
        *changed = ch;
    return sbuf_detach(&sb);
}

char *textfix_unescape_all(const char *s, size_t n, size_t *outlen)
{
    size_t len = n;
    char *cur = xstrndup(s, n);

    for (int layer = 0; layer < TF_MAX_LAYERS; layer++) {
        int changed = 0;
        size_t nl;
        if (!memchr(cur, '\\', len))
            break;
        char *next = textfix_unescape(cur, len, &nl, &changed);
        free(cur);
        cur = next;
        len = nl;
        if (!changed)
            break;
    }
    if (outlen)
        *outlen = len;
    return cur;
}

size_t textfix_collapse(char *s)
{
    char *w = s;
    int space = 0;

    for (char *r = s; *r; r++) {
        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r') {
            space = 1;
            continue;
        }
        if (space && w != s)
            *w++ = ' ';
        space = 0;
        *w++ = *r;
    }
    *w = '\0';
    return (size_t)(w - s);
}

char *textfix_strndup_utf8(const char *s, size_t n, size_t max)
{
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
            n--;
    }
    return xstrndup(s, n);
}
