/*
 * stats_textlog: raw text logs (SDK, CLI or proxy output). A record starts
 * at a line that carries a timestamp and runs until the next one, so a
 * traceback or a pretty-printed error body stays with its line. The reader
 * decides whether a record holds a Gemini error; this file only finds the
 * timestamp, says whether a record is worth reading, and spots an HTTP
 * success line.
 */
#include <string.h>

#include "stats_textlog.h"
#include "util.h"

int stats_line_time(const char *line, size_t len, double *t, size_t *end)
{
    size_t lim = len < 64 ? len : 64;
    for (size_t i = 0; i + 16 <= lim; i++) {
        const char *p = line + i;
        if (!gd_isdigit((unsigned char)p[0]) || p[4] != '-' || p[7] != '-' ||
            !(p[10] == 'T' || p[10] == ' ') || p[13] != ':')
            continue;
        size_t j = i + 16;
        while (j < len &&
               (gd_isdigit((unsigned char)line[j]) || line[j] == ':' || line[j] == '.' ||
                line[j] == ',' || line[j] == 'Z' || line[j] == '+' ||
                (line[j] == '-' && j + 1 < len && gd_isdigit((unsigned char)line[j + 1]))))
            j++;
        /* "12:00:00,123" is Python's logging; the part after the comma is
         * milliseconds, which the parser takes as a fraction. */
        if (stats_parse_time(p, j - i, t) == 0) {
            *end = j;
            return 0;
        }
        return -1;
    }
    return -1;
}

/* A whole-word HTTP status code of class c (4 or 5) anywhere in s. */
static int has_code(const char *s, size_t n)
{
    for (size_t i = 0; i + 3 <= n; i++) {
        if ((s[i] == '4' || s[i] == '5') && gd_isdigit((unsigned char)s[i + 1]) &&
            gd_isdigit((unsigned char)s[i + 2]) &&
            (i == 0 || !gd_isalnum((unsigned char)s[i - 1])) &&
            (i + 3 == n || !gd_isalnum((unsigned char)s[i + 3])))
            return 1;
    }
    return 0;
}

int stats_text_worth_reading(const char *s, size_t n)
{
    static const char *const words[] = {"error",   "exception",  "exhausted", "denied",
                                        "invalid", "quota",      "timed out", "timeout",
                                        "refused", "unavailable"};
    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (gd_memcasemem(s, n, words[i], strlen(words[i])))
            return 1;
    return has_code(s, n);
}

int stats_text_http_status(const char *s, size_t n)
{
    static const char *const marks[] = {"HTTP/1.1 ", "HTTP/1.0 ", "HTTP/2 ",     "HTTP/2.0 ",
                                        "status=",   "status: ",  "status_code="};
    for (size_t i = 0; i < ARRAY_SIZE(marks); i++) {
        size_t m = strlen(marks[i]);
        const char *p = gd_memcasemem(s, n, marks[i], m);
        if (p && (size_t)(p - s) + m + 3 <= n) {
            const char *c = p + m;
            if (gd_isdigit((unsigned char)c[0]) && gd_isdigit((unsigned char)c[1]) &&
                gd_isdigit((unsigned char)c[2]) &&
                ((size_t)(c - s) + 3 == n || !gd_isalnum((unsigned char)c[3]))) {
                int code = (c[0] - '0') * 100 + (c[1] - '0') * 10 + (c[2] - '0');
                if (code >= 100 && code < 600)
                    return code;
            }
        }
    }
    return 0;
}
