/*
 * util: allocation, string buffers, the error printer, bounded reads and the
 * clock. See util.h.
 */
#include "util.h"

#include "keymask.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* Set by gd_json_exit(): on out of memory, stdout gets this object too. */
static int json_on_oom;

void gd_json_exit(int on)
{
    json_on_oom = on;
}

void gd_out_of_memory(void)
{
    static const char msg[] = "gemini-doctor: out of memory\n";
    static const char obj[] = "{\"error\": \"out of memory\", \"exit\": 70}\n";
    /* Nothing that allocates, and no buffered half of an answer: what stdio
     * holds is dropped, and the exit code says the run failed. */
    if (json_on_oom && write(1, obj, sizeof(obj) - 1) < 0)
        json_on_oom = 0;
    if (write(2, msg, sizeof(msg) - 1) < 0)
        json_on_oom = 0;
    _exit(EXIT_INTERNAL);
}

#define die_oom gd_out_of_memory

static void *json_alloc(size_t n)
{
    return xmalloc(n);
}

void gd_json_hooks(void)
{
    cJSON_Hooks hooks = {json_alloc, free};
    cJSON_InitHooks(&hooks);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_oom();
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        die_oom();
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        die_oom();
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void sbuf_init(struct sbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void sbuf_grow(struct sbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
    /* Always a string, even before the first add: sbuf_detach hands it on. */
    sb->buf[sb->len] = '\0';
}

void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
    sbuf_grow(sb, n);
    memcpy(sb->buf + sb->len, s, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sbuf_adds(struct sbuf *sb, const char *s)
{
    sbuf_add(sb, s, strlen(s));
}

void sbuf_addc(struct sbuf *sb, char c)
{
    sbuf_add(sb, &c, 1);
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    sbuf_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *sbuf_detach(struct sbuf *sb)
{
    char *p = sb->buf ? sb->buf : xstrdup("");
    sbuf_init(sb);
    return p;
}

void sbuf_release(struct sbuf *sb)
{
    free(sb->buf);
    sbuf_init(sb);
}

/* Append s[0..n) shown safely on one line: control characters become
 * spaces, and at most max bytes are kept (cut on a UTF-8 boundary). */
void sbuf_add_oneline(struct sbuf *sb, const char *s, size_t n, size_t max)
{
    size_t i;
    for (i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        sbuf_addc(sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (i < n) {
        while (sb->len > 0 && ((unsigned char)sb->buf[sb->len - 1] & 0xc0) == 0x80)
            sb->len--;
        if (sb->len > 0 && ((unsigned char)sb->buf[sb->len - 1] & 0xc0) == 0xc0)
            sb->len--;
        sb->buf[sb->len] = '\0';
        sbuf_adds(sb, "…");
    }
}

/* Where error() and warning() write while the TUI owns the terminal. */
static char *capture_buf;
static size_t capture_size;

void gd_capture_messages(char *buf, size_t size)
{
    capture_buf = size ? buf : NULL;
    capture_size = size;
    if (capture_buf)
        capture_buf[0] = '\0';
}

/* Messages echo what the user gave (paths, names, values): each goes out
 * redacted and free of control characters, as one line. */
static void vmessage(const char *prefix, const char *fmt, va_list ap)
{
    struct sbuf sb;
    char *safe;

    sbuf_init(&sb);
    sbuf_adds(&sb, prefix);
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n > 0) {
        sbuf_grow(&sb, (size_t)n);
        vsnprintf(sb.buf + sb.len, (size_t)n + 1, fmt, ap);
        sb.len += (size_t)n;
    }
    for (size_t i = 0; i < sb.len; i++)
        if (sb.buf[i] == '\n')
            sb.buf[i] = ' ';
    if (!capture_buf)
        sbuf_addc(&sb, '\n');
    safe = key_redact(sb.buf);
    if (capture_buf) {
        const char *m = safe;
        if (strncmp(m, "gemini-doctor: ", 15) == 0)
            m += 15;
        snprintf(capture_buf, capture_size, "%s", m);
    } else {
        gd_write_text(stderr, safe, strlen(safe));
    }
    free(safe);
    sbuf_release(&sb);
}

int error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("gemini-doctor: ", fmt, ap);
    va_end(ap);
    return -1;
}

void warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage("gemini-doctor: warning: ", fmt, ap);
    va_end(ap);
}

int read_all(const char *path, size_t max, char **out, size_t *len)
{
    int use_stdin = !path || strcmp(path, "-") == 0;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    struct sbuf sb;
    int ret = -1;

    sbuf_init(&sb);
    if (!f && errno == ENOMEM)
        die_oom();
    if (!f) {
        error("cannot open '%s': %s", path, strerror(errno));
        return -2;
    }
    for (;;) {
        sbuf_grow(&sb, 65536);
        size_t n = fread(sb.buf + sb.len, 1, 65536, f);
        sb.len += n;
        sb.buf[sb.len] = '\0';
        if (sb.len > max) {
            error("input is larger than %zu MiB; cut it to the error and try again", max >> 20);
            ret = -3;
            goto out;
        }
        if (n < 65536) {
            if (ferror(f)) {
                if (errno == ENOMEM)
                    die_oom();
                error("cannot read '%s': %s", use_stdin ? "stdin" : path, strerror(errno));
                goto out;
            }
            break;
        }
    }
    *len = sb.len;
    *out = sbuf_detach(&sb);
    ret = 0;
out:
    if (ret)
        sbuf_release(&sb);
    if (!use_stdin)
        fclose(f);
    return ret;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

time_t gd_now(void)
{
    const char *s = getenv("GEMINI_DOCTOR_NOW");
    if (s && *s) {
        int y, mo, d, h, mi, se;
        char *end;
        long long v = strtoll(s, &end, 10);
        if (*end == '\0')
            return (time_t)v;
        if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) == 6)
            return (time_t)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400L + h * 3600L +
                            mi * 60L + se);
    }
    return time(NULL);
}

void gd_iso_utc(time_t t, char *out, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int gd_strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = gd_tolower((unsigned char)a[i]), y = gd_tolower((unsigned char)b[i]);
        if (x != y || !x)
            return x - y;
    }
    return 0;
}

int gd_strcasecmp(const char *a, const char *b)
{
    return gd_strncasecmp(a, b, (size_t)-1);
}

static int ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Do a[0..n) and b[0..n) match, ASCII letters folded? */
static int same_folded(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ascii_lower((unsigned char)a[i]) != ascii_lower((unsigned char)b[i]))
            return 0;
    return 1;
}

/* Candidates are found with memchr, for the needle's first byte in each
 * case, so that the scan between them runs at memory speed: the reader calls
 * this for every phrase over a whole window. Folding is ASCII only, never the
 * user's locale. */
const char *gd_memcasemem(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
    if (nlen == 0)
        return hay;
    if (hlen < nlen)
        return NULL;
    int lo = ascii_lower((unsigned char)needle[0]);
    int up = lo >= 'a' && lo <= 'z' ? lo - ('a' - 'A') : lo;
    const char *end = hay + (hlen - nlen) + 1; /* candidates start before end */
    const char *a = memchr(hay, lo, (size_t)(end - hay));
    const char *b = up == lo ? NULL : memchr(hay, up, (size_t)(end - hay));

    while (a || b) {
        const char *p;
        if (a && (!b || a < b)) {
            p = a;
            a = memchr(a + 1, lo, (size_t)(end - a - 1));
        } else {
            p = b;
            b = memchr(b + 1, up, (size_t)(end - b - 1));
        }
        if (same_folded(p + 1, needle + 1, nlen - 1))
            return p;
    }
    return NULL;
}

char *url_hide_userinfo(const char *url)
{
    struct sbuf sb;
    const char *start = strstr(url, "://");
    const char *end, *at;

    start = start ? start + 3 : url;
    /* The authority ends at the first '/', '?' or '#'; only an '@' inside it
     * introduces user information. */
    end = start + strcspn(start, "/?#");
    at = NULL;
    for (const char *q = start; q < end; q++)
        if (*q == '@')
            at = q;
    sbuf_init(&sb);
    if (at) {
        sbuf_add(&sb, url, (size_t)(start - url));
        sbuf_adds(&sb, "***@");
        sbuf_adds(&sb, at + 1);
    } else {
        sbuf_adds(&sb, url);
    }
    return sbuf_detach(&sb);
}

void gd_squeeze_into(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (!gd_isspace((unsigned char)*s))
            out[n++] = (char)gd_tolower((unsigned char)*s);
    out[n] = '\0';
}

int gd_utf8_locale(void)
{
    /* From the environment as POSIX orders it, not setlocale(): nothing to
     * allocate or fail, and no other category of the locale changes. */
    static const char *const vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return gd_memcasemem(v, strlen(v), "utf-8", 5) ||
                   gd_memcasemem(v, strlen(v), "utf8", 4);
    }
    return 0;
}

/* The ASCII stand-ins for the marks the tool prints; any other non-ASCII
 * character becomes '?'. */
static const struct {
    const char *utf8, *ascii;
} ascii_marks[] = {
    {"\xe2\x80\xa6", "..."}, {"\xc2\xb7", "-"},      {"\xe2\x9c\x93", "+"},  {"\xe2\x9c\x97", "x"},
    {"\xe2\x80\x94", "-"},   {"\xe2\x80\x93", "-"},  {"\xe2\x80\x98", "'"},  {"\xe2\x80\x99", "'"},
    {"\xe2\x80\x9c", "\""},  {"\xe2\x80\x9d", "\""}, {"\xe2\x86\x92", "->"}, {"\xe2\x80\xa2", "*"},
    {"\xe2\x94\x80", "-"},   {"\xc3\x97", "x"},      {"\xe2\x89\xa5", ">="}, {"\xe2\x89\xa4", "<="},
    {"\xc2\xa0", " "},
};

int gd_write_text(FILE *out, const char *s, size_t n)
{
    if (gd_utf8_locale())
        return fwrite(s, 1, n, out) == n ? 0 : -1;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t run = 0;
        if (c < 0x80) {
            while (i + run < n && (unsigned char)s[i + run] < 0x80)
                run++;
            if (fwrite(s + i, 1, run, out) != run)
                return -1;
            i += run;
            continue;
        }
        size_t len = 1;
        while (i + len < n && len < 4 && ((unsigned char)s[i + len] & 0xc0) == 0x80)
            len++;
        const char *rep = "?";
        for (size_t k = 0; k < ARRAY_SIZE(ascii_marks); k++)
            if (strlen(ascii_marks[k].utf8) == len && memcmp(ascii_marks[k].utf8, s + i, len) == 0)
                rep = ascii_marks[k].ascii;
        if (fputs(rep, out) == EOF)
            return -1;
        i += len;
    }
    return 0;
}
