/*
 * util: the small helpers every module shares: allocation that never returns
 * NULL, a growable string buffer, the one error printer, bounded file reading
 * and the clock (which tests can pin with GEMINI_DOCTOR_NOW).
 *
 * Functions that can fail return 0 or a negative status; only main() exits.
 */
#ifndef GD_UTIL_H
#define GD_UTIL_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exit codes, one list (PRODUCT.md). */
#define EXIT_OK 0
#define EXIT_PROBLEM 1
#define EXIT_USAGE 64
#define EXIT_NOINPUT 65
#define EXIT_NOFILE 66 /* an input file could not be read (stats, explain) */
#define EXIT_INTERNAL 70
#define EXIT_TEMPFAIL 75
/* The shell's code for a run stopped by Ctrl-C (128 + SIGINT). */
#define EXIT_INTERRUPTED 130

/* Allocation that never returns NULL: out of memory ends the process with
 * one line on stderr and exit 70 (gd_out_of_memory), never a core dump or an
 * answer with parts missing. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void gd_out_of_memory(void) __attribute__((noreturn));

/* With on set, gd_out_of_memory() also prints one JSON object on stdout
 * ({"error": "out of memory", "exit": 70}): --format json keeps its promise
 * of one object on every exit. */
void gd_json_exit(int on);

/* Make cJSON allocate through xmalloc: a failed allocation inside cJSON ends
 * the run like any other, instead of a NULL read as "invalid JSON" or a
 * field silently missing from the output. main() calls it first. */
void gd_json_hooks(void);

/* A growable NUL-terminated buffer. The caller owns buf and frees it with
 * sbuf_release() (or takes it with sbuf_detach()). */
struct sbuf {
    char *buf;
    size_t len;
    size_t cap;
};
void sbuf_init(struct sbuf *sb);
void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const char *s, size_t n);
void sbuf_adds(struct sbuf *sb, const char *s);
void sbuf_addc(struct sbuf *sb, char c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sbuf_detach(struct sbuf *sb);
void sbuf_release(struct sbuf *sb);
/* Append s[0..n) on one line: control characters become spaces, at most
 * max bytes are kept (cut on a UTF-8 boundary, then "…"). */
void sbuf_add_oneline(struct sbuf *sb, const char *s, size_t n, size_t max);

/* Print "gemini-doctor: <message>" to stderr and return -1, so callers can
 * write `return error("cannot open '%s'", path);`. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* While buf is set, error() and warning() keep their latest message in buf
 * (size bytes, cut to fit, without the "gemini-doctor: " prefix) instead of
 * writing it to stderr: the interactive doctor owns the terminal and shows
 * the message on its own message line. gd_capture_messages(NULL, 0) writes
 * to stderr again. The buffer stays the caller's. */
void gd_capture_messages(char *buf, size_t size);

/* Read a whole file ("-" or NULL means stdin) into a NUL-terminated buffer.
 * Stops with an error past max bytes. On success *out is owned by the caller.
 * Returns 0, -2 when the file cannot be opened, -3 past max bytes, -1 on any
 * other failure (a read error: a directory, a closed stdin). */
int read_all(const char *path, size_t max, char **out, size_t *len);

/* The current time; GEMINI_DOCTOR_NOW (epoch seconds or
 * YYYY-MM-DDTHH:MM:SSZ) pins it for tests. */
time_t gd_now(void);

/* Format t as ISO-8601 UTC ("2026-11-28T08:00:00Z") into out (>= 21 bytes). */
void gd_iso_utc(time_t t, char *out, size_t size);

/* A copy of url with any "user:password@" before the host shown as "***@",
 * for display. */
char *url_hide_userinfo(const char *url);

/* ASCII character classes and case folding, the same in every locale: the
 * user's locale must not change a verdict (under tr_TR.UTF-8, tolower('I')
 * is not 'i'). src/ uses these, never <ctype.h> or strcasecmp;
 * tests/locale_test.sh checks that. */
static inline int gd_isupper(int c)
{
    return c >= 'A' && c <= 'Z';
}
static inline int gd_islower(int c)
{
    return c >= 'a' && c <= 'z';
}
static inline int gd_isalpha(int c)
{
    return gd_isupper(c) || gd_islower(c);
}
static inline int gd_isdigit(int c)
{
    return c >= '0' && c <= '9';
}
static inline int gd_isalnum(int c)
{
    return gd_isalpha(c) || gd_isdigit(c);
}
static inline int gd_isxdigit(int c)
{
    return gd_isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int gd_isspace(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
static inline int gd_tolower(int c)
{
    return gd_isupper(c) ? c + ('a' - 'A') : c;
}
static inline int gd_toupper(int c)
{
    return gd_islower(c) ? c - ('a' - 'A') : c;
}
int gd_strcasecmp(const char *a, const char *b);
int gd_strncasecmp(const char *a, const char *b, size_t n);

/* Is the locale's character set UTF-8? From LC_ALL, LC_CTYPE or LANG, the
 * first one set ("C.UTF-8", "en_US.utf8"); unset is C, so ASCII. */
int gd_utf8_locale(void);

/* Write s[0..n) of text meant for people to out: as it is in a UTF-8
 * locale, else with every mark in ASCII ("…" as "...", "·" as "-") and any
 * other non-ASCII character as '?'. JSON, XML and Markdown output stays
 * UTF-8 (their formats say so). Returns 0, or -1 when the write failed. */
int gd_write_text(FILE *out, const char *s, size_t n);

/* Case-insensitive (ASCII) substring search over a length-bounded haystack. */
const char *gd_memcasemem(const char *hay, size_t hlen, const char *needle, size_t nlen);

/* s in lower case with all whitespace removed, into out (cut to size): how
 * the rules compare message phrases, so hard wraps do not hide them. */
void gd_squeeze_into(const char *s, char *out, size_t size);

#endif
