/*
 * stats_util: the small parsers the stats readers share: the logical field
 * names, JSON string unescaping, timestamps (ISO-8601 or epoch numbers) and
 * the --tz time zones.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stats.h"
#include "textfix.h"
#include "util.h"

#define X(e, name, guesses) name,
static const char *const field_names[] = {STATS_FIELDS(X)};
#undef X
#define X(e, name, guesses) guesses,
static const char *const field_guesses[] = {STATS_FIELDS(X)};
#undef X

const char *stats_field_name(enum stats_field f)
{
    return field_names[f];
}

const char *stats_field_guesses(enum stats_field f)
{
    return field_guesses[f];
}

int stats_field_from_name(const char *name)
{
    for (int i = 0; i < SF_COUNT; i++)
        if (strcmp(field_names[i], name) == 0)
            return i;
    return -1;
}

uint64_t stats_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    const uint64_t k = 0x9E3779B97F4A7C15ull;
    h ^= (uint64_t)n * k;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * k;
        h ^= h >> 29;
        p += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, p, n);
        h = (h ^ w) * k;
        h ^= h >> 29;
    }
    h *= 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

void stats_copy(char *dst, size_t cap, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
}

size_t stats_unescape(const char *s, size_t len, char *out, size_t cap)
{
    size_t n;
    if (cap == 0)
        return 0;
    /* Most values hold no escape: copy them as they are. */
    if (!memchr(s, '\\', len)) {
        n = len < cap - 1 ? len : cap - 1;
        memcpy(out, s, n);
    } else {
        size_t ulen = 0;
        char *u = textfix_unescape(s, len, &ulen, NULL);
        n = ulen < cap - 1 ? ulen : cap - 1;
        memcpy(out, u, n);
        free(u);
    }
    out[n] = '\0';
    return n;
}

/* Days since 1970-01-01 of a calendar date, by timegm(), remembering the
 * last date asked (a log's records mostly share their day). */
static long long days_civil(int y, int m, int d)
{
    static int ly, lm, ld;
    static long long lday;
    if (y == ly && m == lm && d == ld)
        return lday;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    lday = (long long)timegm(&tm) / 86400;
    ly = y;
    lm = m;
    ld = d;
    return lday;
}

static int digits(const char *s, size_t len, size_t at, int n, int *out)
{
    int v = 0;
    if (at + (size_t)n > len)
        return -1;
    for (int i = 0; i < n; i++) {
        char c = s[at + (size_t)i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    *out = v;
    return 0;
}

/* s and len without the spaces and quotes around the value. */
static void trim_value(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '"'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '"'))
        (*len)--;
}

static int is_calendar(const char *s, size_t len)
{
    return len >= 10 && s[4] == '-' && s[7] == '-';
}

/* An ISO-8601 date or date and time (s trimmed and is_calendar). */
static int parse_calendar(const char *s, size_t len, double *t)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    size_t i;
    if (digits(s, len, 0, 4, &y) || digits(s, len, 5, 2, &mo) || digits(s, len, 8, 2, &d))
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    i = 10;
    double frac = 0;
    long off = 0;
    if (i < len && (s[i] == 'T' || s[i] == ' ' || s[i] == 't')) {
        if (digits(s, len, i + 1, 2, &h) || i + 3 >= len || s[i + 3] != ':' ||
            digits(s, len, i + 4, 2, &mi))
            return -1;
        i += 6;
        if (i < len && s[i] == ':') {
            if (digits(s, len, i + 1, 2, &se))
                return -1;
            i += 3;
        }
        if (i < len && (s[i] == '.' || s[i] == ',')) {
            double scale = 0.1;
            i++;
            while (i < len && gd_isdigit((unsigned char)s[i])) {
                frac += (s[i] - '0') * scale;
                scale /= 10;
                i++;
            }
        }
        while (i < len && s[i] == ' ')
            i++;
        if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
            i++;
        } else if (i < len && (s[i] == '+' || s[i] == '-')) {
            int oh = 0, om = 0;
            int sign = s[i] == '-' ? -1 : 1;
            if (digits(s, len, i + 1, 2, &oh))
                return -1;
            i += 3;
            if (i < len && s[i] == ':')
                i++;
            if (i + 2 <= len && !digits(s, len, i, 2, &om))
                i += 2;
            off = sign * (oh * 3600L + om * 60L);
        } else if (i + 3 <= len && memcmp(s + i, "UTC", 3) == 0) {
            i += 3;
        }
    }
    if (i != len || h > 23 || mi > 59 || se > 60)
        return -1;
    *t = (double)(days_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off) + frac;
    return 0;
}

int stats_parse_calendar_time(const char *s, size_t len, double *t)
{
    trim_value(&s, &len);
    return is_calendar(s, len) ? parse_calendar(s, len, t) : -1;
}

int stats_parse_time(const char *s, size_t len, double *t)
{
    trim_value(&s, &len);
    if (len == 0)
        return -1;
    if (is_calendar(s, len))
        return parse_calendar(s, len, t);
    char buf[40];
    char *end;
    if (len >= sizeof(buf))
        return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    double v = strtod(buf, &end);
    if (end == buf || *end || !isfinite(v) || v <= 0)
        return -1;
    /* seconds until 5138 AD; larger numbers are ms, us, ns */
    while (v > 1e11)
        v /= 1000;
    *t = v;
    return 0;
}

int stats_tz_parse(const char *s, struct stats_tz *tz)
{
    memset(tz, 0, sizeof(*tz));
    snprintf(tz->name, sizeof(tz->name), "%s", s);
    if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0 || strcmp(s, "GMT") == 0)
        return 0;
    if (strchr(s, ',') && tz_rule_parse(s, &tz->rule) == 0) {
        tz->kind = 1;
        return 0;
    }
    if (s[0] == '+' || s[0] == '-') {
        int h = 0, m = 0;
        char extra;
        if ((sscanf(s + 1, "%2d:%2d%c", &h, &m, &extra) == 2 ||
             sscanf(s + 1, "%2d%2d%c", &h, &m, &extra) == 2 ||
             sscanf(s + 1, "%d%c", &h, &extra) == 1) &&
            h <= 14 && m < 60) {
            tz->offset = (s[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
            return 0;
        }
        return -1;
    }
    /* An IANA name: only when the system has it. */
    for (const char *p = s; *p; p++)
        if (!(gd_isalnum((unsigned char)*p) || *p == '/' || *p == '_' || *p == '-' || *p == '+'))
            return -1;
    char path[128];
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fclose(f);
    tz->kind = 2;
    return 0;
}

long stats_tz_offset(const struct stats_tz *tz, time_t t)
{
    if (tz->kind == 0)
        return tz->offset;
    if (tz->kind == 1)
        return tz_offset_at(&tz->rule, t);
    /* The system zone: set TZ once and ask localtime_r. */
    static char current[64];
    if (strcmp(current, tz->name) != 0) {
        setenv("TZ", tz->name, 1);
        tzset();
        snprintf(current, sizeof(current), "%s", tz->name);
    }
    struct tm tm;
    localtime_r(&t, &tm);
    return tm.tm_gmtoff;
}
