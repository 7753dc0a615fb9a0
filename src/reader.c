/*
 * reader: turns a paste or a probe's HTTP response into evidence. It owns the
 * order of the work: cut a large input to windows around its strongest
 * anchors, clean it (textfix), join what hard wraps split, choose the one
 * error region to read, undo its escape layers, scan key/value pairs
 * (read_kv) and text forms (read_text), then move the best candidates into
 * the evidence, masking any key on the way. See reader.h.
 */
#include "reader.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "keymask.h"
#include "read_priv.h"
#include "textfix.h"
#include "util.h"

/* Inputs larger than this are read as windows around their anchors. */
#define WINDOW_LIMIT ((size_t)1 << 20)
#define WINDOW_BEFORE ((size_t)64 << 10)
#define WINDOW_AFTER ((size_t)192 << 10)
/* ev->text is bounded: the rules match patterns in it, nothing more. */
#define TEXT_MAX ((size_t)64 << 10)
#define MESSAGE_MAX 2000
#define NET_DETAIL_MAX 200

/* Strings that mark where an error sits in a long log, by strength. */
static const struct {
    const char *s;
    int weight;
} anchors[] = {
    {"RESOURCE_EXHAUSTED", 12},
    {"INVALID_ARGUMENT", 12},
    {"PERMISSION_DENIED", 12},
    {"FAILED_PRECONDITION", 12},
    {"UNAUTHENTICATED", 12},
    {"UNAVAILABLE", 11},
    {"DEADLINE_EXCEEDED", 11},
    {"got status", 11},
    {"API Error", 11},
    {"\"error\"", 10},
    {"'error'", 10},
    {"HTTP/1.1 4", 8},
    {"HTTP/1.1 5", 8},
    {"HTTP/2 4", 8},
    {"HTTP/2 5", 8},
    {"API key", 7},
    {"xhausted", 7},
    {"verloaded", 7},
    {"quota", 6},
    {"googleapis.com", 5},
};

/* The anchor scan is a Wu-Manber search: the two bytes that end each
 * ANCHOR_MIN-byte stretch say how far the next possible anchor start is, so
 * most of a log is skipped several bytes at a time and a stream of
 * gigabytes goes through at memory speed. anchor_cut[g] is ANCHOR_MIN - 1
 * minus the shift for the 2-gram g (0, the zeroed default, is the largest
 * shift); anchor_hits[g] has a bit for each anchor whose ANCHOR_MIN-byte
 * prefix ends in g, the ones to compare where the shift is 0. Anchors
 * shorter than ANCHOR_MIN ("quota") are found by memchr on their first
 * byte instead. */
#define ANCHOR_MIN 7
static unsigned char anchor_cut[65536];
static uint32_t anchor_hits[65536];
static size_t anchor_len[ARRAY_SIZE(anchors)];
static size_t anchor_max;

static unsigned gram(const char *p)
{
    return (unsigned)(unsigned char)p[0] | (unsigned)(unsigned char)p[1] << 8;
}

static void anchors_init(void)
{
    if (anchor_max)
        return;
    for (size_t a = 0; a < ARRAY_SIZE(anchors); a++) {
        const char *s = anchors[a].s;
        anchor_len[a] = strlen(s);
        if (anchor_len[a] > anchor_max)
            anchor_max = anchor_len[a];
        if (anchor_len[a] < ANCHOR_MIN)
            continue;
        for (size_t k = 0; k + 1 < ANCHOR_MIN; k++) {
            unsigned g = gram(s + k);
            unsigned cut = (unsigned)k + 1; /* shift ANCHOR_MIN - 2 - k */
            if (cut > anchor_cut[g])
                anchor_cut[g] = (unsigned char)cut;
        }
        anchor_hits[gram(s + ANCHOR_MIN - 2)] |= (uint32_t)1 << a;
    }
}

static size_t anchor_max_len(void)
{
    anchors_init();
    return anchor_max;
}

/* Anchor a found at i: the strongest wins, and among equals the last. */
static void anchor_seen(size_t a, size_t i, int *best_w, size_t *best)
{
    if (anchors[a].weight > *best_w || (anchors[a].weight == *best_w && i > *best)) {
        *best_w = anchors[a].weight;
        *best = i;
    }
}

/* Anchors starting at [from, to) of buf, whose bytes end at len: keep the
 * last occurrence of the strongest in *best_w and *best (*best_w is 0 when
 * none was seen; *best is left alone unless one is found). */
static void scan_anchors(const char *buf, size_t from, size_t to, size_t len, int *best_w,
                         size_t *best)
{
    size_t i = from;

    anchors_init();
    while (i < to && len - i >= ANCHOR_MIN) {
        unsigned g = gram(buf + i + ANCHOR_MIN - 2);
        size_t shift = ANCHOR_MIN - 1 - anchor_cut[g];
        if (shift) {
            i += shift;
            continue;
        }
        for (uint32_t bits = anchor_hits[g]; bits; bits &= bits - 1) {
            size_t a = (size_t)__builtin_ctz(bits);
            if (len - i >= anchor_len[a] && memcmp(buf + i, anchors[a].s, anchor_len[a]) == 0)
                anchor_seen(a, i, best_w, best);
        }
        i++;
    }
    for (size_t a = 0; a < ARRAY_SIZE(anchors); a++) {
        size_t l = anchor_len[a];
        if (l >= ANCHOR_MIN || anchors[a].weight < *best_w || to <= from || len - from < l)
            continue;
        size_t stop = to < len - l + 1 ? to : len - l + 1; /* starts before stop */
        for (const char *p = buf + from; p < buf + stop; p++) {
            p = memchr(p, anchors[a].s[0], (size_t)(buf + stop - p));
            if (!p)
                break;
            if (memcmp(p, anchors[a].s, l) == 0)
                anchor_seen(a, (size_t)(p - buf), best_w, best);
        }
    }
}

/* The window of an input of len bytes worth reading, [*s, *e): around its
 * strongest anchor a (when have), else its end, where logs put the latest
 * error. */
static void window_for(int have, unsigned long long a, unsigned long long len,
                       unsigned long long *s, unsigned long long *e)
{
    if (!have)
        a = len > WINDOW_AFTER ? len - WINDOW_AFTER : 0;
    *s = a > WINDOW_BEFORE ? a - WINDOW_BEFORE : 0;
    *e = len - a > WINDOW_AFTER ? a + WINDOW_AFTER : len;
}

/* How far past w[0] (the window's first byte) to start so that the window
 * begins at a line, or at least a word: never inside a key. upto is where
 * its anchor sits; w[-1], the byte before the window, must be readable. */
static size_t line_start(const char *w, size_t upto)
{
    const char *nl = memchr(w, '\n', upto);
    size_t k = 0;

    if (nl)
        return (size_t)(nl - w) + 1;
    while (k < upto && w[(ptrdiff_t)k - 1] != ' ' && w[(ptrdiff_t)k - 1] != '\n')
        k++;
    return k;
}

static int key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

/* Join the halves of a key that a hard wrap cut, in place, and return the
 * new length: a key-like token (a prefix and at least KEY_WRAP_MIN key
 * characters, shorter than a whole key of its kind) that ends a line goes on
 * with the key characters that start the next one. Joined, the key is masked
 * as one; apart, the second half would pass for a word. A word glued to a
 * whole auth key is masked with it, which is the safe side. One pass. */
#define KEY_WRAP_MIN 10
#define KEY_WRAP_JOINS 8

static size_t heal_key_wraps(char *t, size_t n)
{
    size_t w = 0, i = 0;
    char prev = ' ';

    while (i < n) {
        size_t full;
        size_t plen = key_char(prev) ? 0 : key_prefix_at(t + i, n - i, &full);
        if (!plen) {
            prev = t[i];
            t[w++] = t[i++];
            continue;
        }
        size_t klen = 0;
        for (int joins = 0;; joins++) {
            while (i < n && key_char(t[i])) {
                t[w++] = t[i++];
                klen++;
            }
            if (joins >= KEY_WRAP_JOINS || klen < plen + KEY_WRAP_MIN || (full && klen >= full))
                break;
            size_t j = i;
            while (j < n && t[j] == ' ')
                j++;
            if (j >= n || t[j] != '\n')
                break;
            j++;
            while (j < n && t[j] == ' ')
                j++;
            if (j >= n || !key_char(t[j]))
                break;
            i = j;
        }
        prev = t[w - 1];
    }
    return w;
}

static int word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int lower_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int upper_snake_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* An UPPER_SNAKE identifier cut by a wrap ("API_KE" + "Y_INVALID",
 * "RESOURCE_EXH" + "AUSTED"): the token ends in such a run that holds a '_'
 * and the next line starts with capitals or digits up to a non-word
 * character. A capitalised word after it ("…_ID" + "The") is a sentence. */
static int upper_cut(const char *tok, size_t n, const char *next, size_t nn)
{
    size_t j = n, under = 0;
    while (j > 0 && upper_snake_char(tok[j - 1])) {
        under += tok[j - 1] == '_';
        j--;
    }
    if (n - j < 3 || !under || tok[n - 1] == '_' || (j > 0 && word_char(tok[j - 1])))
        return 0;
    size_t k = 0;
    while (k < nn && k < 64 && upper_snake_char(next[k]))
        k++;
    return k > 0 && (k == nn || !word_char(next[k]));
}

/* Does the token tok[0..n) that ends a line look cut inside an identifier
 * or a URL, given the line that follows starts at next[0..nn)? Ending in
 * '.', '_', '/' or '-' counts when the token is already dotted, snaked or a
 * path ("aiplatform.googleapis." + "com/…", "rate-" after a URL); ending in
 * a letter counts when both halves carry an inner '_', '/' or '.'
 * ("generate_content_requ" + "ests_per_minute"), or when the token is a
 * quota metric ("…googleapis.com/generate_content_free_tier_requ" +
 * "ests, limit: 0"). A sentence ("later." +
 * "Next…") or a hyphenated word ("well-" + "known") does not. */
static int token_cut(const char *tok, size_t n, const char *next, size_t nn)
{
    int inner = 0, letter = 0;
    if (n < 4 || nn == 0 || !word_char(next[0]))
        return 0;
    for (size_t i = 0; i + 1 < n; i++) {
        inner |= tok[i] == '.' || tok[i] == '_' || tok[i] == '/';
        letter |= (tok[i] >= 'a' && tok[i] <= 'z') || (tok[i] >= 'A' && tok[i] <= 'Z');
    }
    if (!letter)
        return 0;
    char e = tok[n - 1];
    if (e == '_')
        return 1;
    if (e == '/' || e == '-')
        return inner && lower_start(next[0]);
    if (e == '.') {
        /* The part before the final dot must be a real label, not "e.g.". */
        size_t j = n - 1;
        while (j > 0 && tok[j - 1] != '.' && tok[j - 1] != '/')
            j--;
        return inner && j > 0 && n - 1 - j >= 3 && lower_start(next[0]);
    }
    if (upper_cut(tok, n, next, nn))
        return 1;
    if (!word_char(e) || !inner || !lower_start(next[0]))
        return 0;
    /* A quota metric runs to a space or punctuation: one cut in a word
     * goes on with the next line whatever that line holds. */
    const char *m = read_memfind(tok, n, ".googleapis.com/", 16);
    if (m && memchr(m, '_', n - (size_t)(m - tok)))
        return 1;
    for (size_t i = 0; i + 1 < nn && i < 200 && next[i] != ' ' && next[i] != '\n'; i++) {
        if (next[i] == '_' || next[i] == '/' || (next[i] == '.' && word_char(next[i + 1])))
            return 1;
    }
    return 0;
}

/* Join the lines a hard wrap split inside an identifier or a URL, in place,
 * and return the new length: a line whose last token is cut (token_cut)
 * goes on with the next line when that line starts with the rest (no
 * indentation). A quota metric, a host or a link is then read whole. One
 * pass; the look-back is bounded per line. */
#define WRAP_TOKEN_MAX 200

static size_t heal_token_wraps(char *t, size_t n)
{
    size_t w = 0;

    for (size_t i = 0; i < n; i++) {
        if (t[i] == '\n' && i + 1 < n) {
            size_t ts = w;
            while (ts > 0 && w - ts < WRAP_TOKEN_MAX && t[ts - 1] != ' ' && t[ts - 1] != '\n')
                ts--;
            if (w > ts && token_cut(t + ts, w - ts, t + i + 1, n - i - 1))
                continue;
        }
        t[w++] = t[i];
    }
    return w;
}

/* One error per paste. A log often holds several error bodies: a 429 that
 * was worked around, then the 400 that ended the run. Their fields must not
 * be mixed, so the reader picks one region and reads only that: the last
 * complete error object and the identical ones (retries) just before it.
 * Error objects are found at the top level only; an error escaped inside
 * another's message lies within the outer one's braces, so a wrapper and
 * the body it carries stay one region (deepest wins, as before). */
#define REGION_OBJECTS 64

struct span {
    size_t s, e;  /* the object's bytes in t, its closing brace included */
    int complete; /* its braces close */
};

/* The end (just past the closing brace) of the object opening at t[open],
 * or n when it never closes; *closed tells which. With aware set, braces inside quoted strings
 * are skipped, so a message quoting "{" does not unbalance the count;
 * *aware is cleared when that fails, and the caller counts plainly from
 * then on (so a paste whose quotes lost their escapes stays linear). */
static size_t object_end(const char *t, size_t n, size_t open, int *aware, int *closed)
{
    *closed = 0;
    for (int pass = 0; pass < 2; pass++) {
        int level = 0;
        char q = 0;
        for (size_t i = open; i < n; i++) {
            char c = t[i];
            if (*aware && q) {
                if (c == q && t[i - 1] != '\\')
                    q = 0;
                continue;
            }
            if (*aware && (c == '"' || c == '\'') && t[i - 1] != '\\') {
                q = c;
            } else if (c == '{' || c == '[') {
                level++;
            } else if (c == '}' || c == ']') {
                level--;
                if (level == 0) {
                    *closed = 1;
                    return i + 1;
                }
            }
        }
        if (!*aware)
            break;
        *aware = 0;
    }
    return n;
}

/* What tells one error from another: code, status and the message's start
 * (retries of one error differ at most in their delay, which comes last). */
#define SIG_MESSAGE 48

struct sig {
    int http;
    char status[24];
    char message[SIG_MESSAGE + 1];
    char quota[SIG_MESSAGE + 1]; /* the first violation's quota id or metric */
    int empty;
};

static void span_sig(const struct reader_vocab *v, const char *t, const struct span *sp,
                     struct sig *g)
{
    struct reading r;

    memset(g, 0, sizeof(*g));
    reading_init(&r, v);
    read_kv(&r, t + sp->s, sp->e - sp->s);
    if (r.http.has)
        g->http = (int)r.http.num;
    if (r.status.has && r.status.s)
        snprintf(g->status, sizeof(g->status), "%s", r.status.s);
    if (r.message.has && r.message.s)
        snprintf(g->message, sizeof(g->message), "%s", r.message.s);
    if (r.nquota > 0) {
        const char *q = r.quota[0].quota_id ? r.quota[0].quota_id : r.quota[0].quota_metric;
        if (q)
            snprintf(g->quota, sizeof(g->quota), "%s", q);
    }
    g->empty = !g->http && !g->status[0] && !g->message[0];
    reading_release(&r);
}

static int same_sig(const struct sig *a, const struct sig *b)
{
    return a->http == b->http && strcmp(a->status, b->status) == 0 &&
           strcmp(a->message, b->message) == 0 && strcmp(a->quota, b->quota) == 0;
}

/* The start of the line after position p (p itself when the line holds
 * something else first: the next error on the same line). */
static size_t line_after(const char *t, size_t n, size_t p)
{
    const char *nl = p < n ? memchr(t + p, '\n', n - p) : NULL;
    return nl ? (size_t)(nl - t) + 1 : p;
}

/* The HTTP code a text-form error line names, or 0: a 4xx/5xx standing
 * alone ("ERROR 429 Too Many…", "ResourceExhausted: 429 Resource…",
 * "[400 Bad Request]") after an "error" or "exception" word on the same line,
 * and followed by words. A JSON "code": 429 is no such line (a comma
 * follows), nor an access log's "POST / HTTP/1.1" 500 (no error word
 * before it). A line the cleaning took log tags off may start with the
 * code. Reads the line once. */
static int text_error_code(const char *l, size_t n)
{
    int marked = 0;
    for (size_t i = 0; i + 3 < n; i++) {
        char c = l[i] | 0x20;
        if ((c == 'e' && i + 5 <= n && gd_strncasecmp(l + i, "error", 5) == 0) ||
            (c == 'e' && i + 9 <= n && gd_strncasecmp(l + i, "exception", 9) == 0)) {
            marked = 1;
            continue;
        }
        if (l[i] != '4' && l[i] != '5')
            continue;
        /* A log line whose tags the cleaning took off starts with the code
         * and a capitalised phrase ("429 Too Many Requests"). */
        int at_start = i == 0;
        if (!marked && !at_start)
            continue;
        if (i > 0 && l[i - 1] != ' ' && l[i - 1] != ':' && l[i - 1] != '[' && l[i - 1] != '(')
            continue;
        if (l[i + 1] < '0' || l[i + 1] > '9' || l[i + 2] < '0' || l[i + 2] > '9')
            continue;
        size_t j = i + 3;
        if (l[j] != ' ' && l[j] != ':')
            continue;
        while (j < n && (l[j] == ' ' || l[j] == ':'))
            j++;
        if (at_start && !marked && (j >= n || l[j] < 'A' || l[j] > 'Z'))
            continue;
        if (j < n && ((l[j] | 0x20) >= 'a' && (l[j] | 0x20) <= 'z'))
            return (l[i] - '0') * 100 + (l[i + 1] - '0') * 10 + (l[i + 2] - '0');
    }
    return 0;
}

/* What else tells two text errors with one code apart: the window of the
 * quota they name ("per minute", "PerDay", "per_day": 'm', 'h', 'd'; 0 when
 * none) and the limit ("limit: 20"; -1 when none). Retries of one error
 * name the same; a per-minute 429 and then a per-day 429 do not. */
struct line_sig {
    char window;
    long long limit;
};

static void line_sig(const char *l, size_t n, struct line_sig *g)
{
    g->window = 0;
    g->limit = -1;
    for (size_t i = 0; i + 3 < n; i++) {
        if ((l[i] | 0x20) == 'p' && gd_strncasecmp(l + i, "per", 3) == 0 &&
            (i == 0 || !word_char(l[i - 1]) ||
             (l[i] == 'P' && l[i - 1] >= 'a' && l[i - 1] <= 'z'))) {
            size_t j = i + 3;
            if (j < n && (l[j] == ' ' || l[j] == '_'))
                j++;
            if (n - j >= 6 && gd_strncasecmp(l + j, "minute", 6) == 0)
                g->window = 'm';
            else if (n - j >= 4 && gd_strncasecmp(l + j, "hour", 4) == 0)
                g->window = 'h';
            else if (n - j >= 3 && gd_strncasecmp(l + j, "day", 3) == 0)
                g->window = 'd';
        } else if (g->limit < 0 && (l[i] | 0x20) == 'l' && n - i > 7 &&
                   gd_strncasecmp(l + i, "limit:", 6) == 0) {
            size_t j = i + 6;
            while (j < n && l[j] == ' ')
                j++;
            if (j < n && l[j] >= '0' && l[j] <= '9')
                g->limit = strtoll(l + j, NULL, 10);
        }
    }
}

/* Two lines naming one code are different errors when both name a quota
 * window or both a limit, and those differ. */
static int line_sig_differs(const struct line_sig *a, const struct line_sig *b)
{
    return (a->window && b->window && a->window != b->window) ||
           (a->limit >= 0 && b->limit >= 0 && a->limit != b->limit);
}

/* A code followed by its own canonical status at l[i] ("429
 * RESOURCE_EXHAUSTED", "401 UNAUTHENTICATED"): the code, or 0. The pair is
 * specific enough to stand where words ran together when the paste lost its
 * line breaks ("…followed by429 RESOURCE_EXHAUSTED", "UNAUTHENTICATEDfollowed"),
 * so only digits may touch it. */
static int code_status_pair(const char *l, size_t n, size_t i)
{
    if (i + 5 > n || (l[i] != '4' && l[i] != '5') || l[i + 3] != ' ' ||
        (i > 0 && l[i - 1] >= '0' && l[i - 1] <= '9'))
        return 0;
    for (size_t k = 1; k < 3; k++)
        if (l[i + k] < '0' || l[i + k] > '9')
            return 0;
    size_t s = i + 4, e = s;
    while (e < n && ((l[e] >= 'A' && l[e] <= 'Z') || l[e] == '_') && e - s < 24)
        e++;
    if (e == s || (e < n && l[e] >= '0' && l[e] <= '9'))
        return 0;
    const char *st = canonical_status(l + s, e - s);
    int code = (l[i] - '0') * 100 + (l[i + 1] - '0') * 10 + (l[i + 2] - '0');
    return st && status_http(st) == code ? code : 0;
}

/* Two errors on one line ("401 UNAUTHENTICATED followed by 429
 * RESOURCE_EXHAUSTED (…)"): when l[0..n) holds code-and-status pairs of
 * different codes, the offset of the last pair and its code in *code;
 * otherwise n. */
static size_t line_last_pair(const char *l, size_t n, int *code)
{
    int first = 0, differ = 0;
    size_t at = n;

    *code = 0;
    for (size_t i = 0; i + 5 <= n; i++) {
        if (l[i] != '4' && l[i] != '5')
            continue;
        int c = code_status_pair(l, n, i);
        if (!c)
            continue;
        if (!first)
            first = c;
        else if (c != first)
            differ = 1;
        at = i;
        *code = c;
        i += 3;
    }
    if (!differ) {
        *code = 0;
        return n;
    }
    return at;
}

/* The same rule for text forms, when no two error objects differ: lines that
 * name an error's HTTP code ("ERROR 429 …", "…InvalidArgument: 400 …") mark
 * separate errors when their codes differ, or when one code comes with
 * another quota window or limit (a per-minute 429, then a per-day one); the
 * region is the last one, from the line after the last line naming a
 * different error. Identical codes otherwise (retries, a wrapper's line and
 * the body's) stay one error. A line that names two errors as code-and-status
 * pairs starts the region at its later pair. One pass. */
static void text_region(const char *t, size_t n, size_t *rs)
{
    int last = 0;
    struct line_sig last_sig = {0, -1};
    size_t prev_end = 0, start = 0;

    for (size_t ls = 0; ls < n;) {
        const char *nl = memchr(t + ls, '\n', n - ls);
        size_t le = nl ? (size_t)(nl - t) : n;
        int code = text_error_code(t + ls, le - ls);
        if (code) {
            struct line_sig g;
            line_sig(t + ls, le - ls, &g);
            if (last && (code != last || line_sig_differs(&g, &last_sig))) {
                start = prev_end;
            } else {
                /* The same error: what an earlier line named still holds. */
                if (!g.window)
                    g.window = last_sig.window;
                if (g.limit < 0)
                    g.limit = last_sig.limit;
            }
            last = code;
            last_sig = g;
            prev_end = le < n ? le + 1 : n;
        }
        int pair;
        size_t off = line_last_pair(t + ls, le - ls, &pair);
        if (off < le - ls) {
            /* The later error of the line starts the region. */
            start = ls + off;
            last = pair;
            line_sig(t + start, le - start, &last_sig);
            prev_end = le < n ? le + 1 : n;
        }
        ls = le + 1;
    }
    *rs = start;
}

/* The region of t[0..n) to read: [*rs, *re). The whole text unless it holds
 * error objects that differ; then the last complete one, from the line
 * after the last different object before it, to the end (or to the line of
 * a later, incomplete, different one). Linear: objects are found and
 * matched in one forward pass, at most REGION_OBJECTS of them (the last
 * ones) are compared, each read once. */
static void choose_region(const struct reader_vocab *v, const char *t, size_t n, size_t *rs,
                          size_t *re)
{
    struct span ring[REGION_OBJECTS];
    struct sig sigs[REGION_OBJECTS];
    size_t count = 0;
    int aware = 1;

    *rs = 0;
    *re = n;
    for (size_t from = 0; from < n;) {
        size_t open = read_error_object(t, n, from);
        if (open >= n)
            break;
        int closed;
        size_t end = object_end(t, n, open, &aware, &closed);
        struct span *sp = &ring[count % REGION_OBJECTS];
        sp->s = open;
        sp->e = end;
        sp->complete = closed;
        count++;
        from = end;
    }
    if (count < 2) {
        text_region(t, n, rs);
        return;
    }
    size_t kept = count < REGION_OBJECTS ? count : REGION_OBJECTS;
    size_t first = count - kept;
    for (size_t k = first; k < count; k++)
        span_sig(v, t, &ring[k % REGION_OBJECTS], &sigs[k % REGION_OBJECTS]);

    /* The last complete error object that says something. */
    size_t chosen = count;
    for (size_t k = count; k-- > first;) {
        const struct span *sp = &ring[k % REGION_OBJECTS];
        if (sp->complete && !sigs[k % REGION_OBJECTS].empty) {
            chosen = k;
            break;
        }
    }
    if (chosen == count) {
        text_region(t, n, rs);
        return;
    }
    const struct sig *cs = &sigs[chosen % REGION_OBJECTS];
    size_t start = 0, stop = n;
    int differs = 0;
    for (size_t k = chosen; k-- > first;) {
        const struct sig *g = &sigs[k % REGION_OBJECTS];
        if (!g->empty && !same_sig(g, cs)) {
            size_t e = ring[k % REGION_OBJECTS].e;
            start = line_after(t, n, e);
            /* The chosen object sits on the same line: start right after
             * the earlier one, so the region still holds the chosen one. */
            if (start > ring[chosen % REGION_OBJECTS].s)
                start = e;
            differs = 1;
            break;
        }
    }
    for (size_t k = chosen + 1; k < count; k++) {
        const struct sig *g = &sigs[k % REGION_OBJECTS];
        if (!g->empty && !same_sig(g, cs)) {
            /* A later object that differs is incomplete (it was not
             * chosen): the region stops at its line. */
            size_t ls = ring[k % REGION_OBJECTS].s;
            while (ls > ring[chosen % REGION_OBJECTS].e && t[ls - 1] != '\n')
                ls--;
            stop = ls;
            differs = 1;
            break;
        }
    }
    if (!differs) {
        text_region(t, n, rs);
        return;
    }
    *rs = start;
    *re = stop;
}

/* Every string that leaves the reader passes here: no key survives, whole
 * or in part. */
static char *redact(const char *s)
{
    return key_redact(s);
}

static char *take(struct cand *c)
{
    if (!c->has || !c->s)
        return NULL;
    return redact(c->s);
}

static int has(const char *u, size_t n, const char *s)
{
    return gd_memcasemem(u, n, s, strlen(s)) != NULL;
}

/* A line that starts with an HTTP status line ("HTTP/2 429", "< HTTP/1.1"). */
static int status_line(const char *u, size_t n)
{
    const char *p = u, *end = u + n;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *s = p;
        if (s < le && *s == '<')
            s++;
        while (s < le && *s == ' ')
            s++;
        if (le - s > 9 && strncmp(s, "HTTP/", 5) == 0)
            return 1;
        p = nl ? nl + 1 : end;
    }
    return 0;
}

static int has_cs(const char *u, size_t n, const char *s)
{
    return read_memfind(u, n, s, strlen(s)) != NULL;
}

static enum input_form detect_form(const char *u, size_t n, int flags)
{
    if (status_line(u, n) || has(u, n, "curl: (") || has(u, n, "\n> POST ") ||
        has(u, n, "* Connected to"))
        return FORM_CURL;
    if ((flags & (TF_BOX | TF_LOGPREFIX)) || has_cs(u, n, "[API Error:"))
        return FORM_CLI_LOG;
    if (has_cs(u, n, "Traceback (most recent call last)") || has_cs(u, n, "File \"") ||
        has_cs(u, n, "google.api_core") || has_cs(u, n, "google.genai") ||
        has_cs(u, n, "google.generativeai") || has_cs(u, n, "{'error'") ||
        has_cs(u, n, "[reason: \"") || has_cs(u, n, "grpc_status") ||
        has_cs(u, n, "_InactiveRpcError") || has_cs(u, n, "Error code: ") ||
        has_cs(u, n, "langchain_google"))
        return FORM_PYTHON_SDK;
    if (has_cs(u, n, "[GoogleGenerativeAI Error]") ||
        has_cs(u, n, "GoogleGenerativeAIFetchError") || has_cs(u, n, "got status:") ||
        has_cs(u, n, "ApiError:") || has_cs(u, n, "AI_APICallError") ||
        has_cs(u, n, "node_modules") || has_cs(u, n, ".mjs:") || has_cs(u, n, "@google/genai"))
        return FORM_JS_SDK;
    const char *p = u;
    while (p < u + n && (*p == ' ' || *p == '\n'))
        p++;
    if (p < u + n && (*p == '{' || *p == '[' || strncmp(p, "\"error\"", 7) == 0))
        return FORM_REST_JSON;
    return FORM_TEXT;
}

/* ev->text: the unescaped text, collapsed and bounded around the message. */
static char *make_text(const char *u, size_t un, const char *message)
{
    char *c = xstrndup(u, un);
    size_t n = textfix_collapse(c);
    if (n <= TEXT_MAX)
        return c;
    size_t centre = 0;
    if (message) {
        size_t ml = strlen(message) < 40 ? strlen(message) : 40;
        const char *hit = read_memfind(c, n, message, ml);
        if (hit)
            centre = (size_t)(hit - c);
    }
    size_t s = centre > TEXT_MAX / 4 ? centre - TEXT_MAX / 4 : 0;
    if (n - s < TEXT_MAX)
        s = n - TEXT_MAX;
    /* Start after a space: a cut must not remove the prefix of a key that
     * redaction recognises. */
    while (s > 0 && s < n && c[s - 1] != ' ')
        s++;
    char *out = textfix_strndup_utf8(c + s, n - s, TEXT_MAX);
    free(c);
    return out;
}

static int upper_reason(const char *s)
{
    int letter = 0;
    for (; *s; s++) {
        if (*s >= 'A' && *s <= 'Z')
            letter = 1;
        else if (!(*s >= '0' && *s <= '9') && *s != '_')
            return 0;
    }
    return letter;
}

/* Does a client library's own code stand right before the transport
 * failure at u[pos] ("ServiceUnavailable: 503 failed to connect to all
 * addresses", "14 UNAVAILABLE: No connection established")? Such a code
 * reports the failed call; it is no answer. */
static int client_code_before(const char *u, size_t pos)
{
    size_t i = pos;
    while (i > 0 && (u[i - 1] == ' ' || u[i - 1] == ':'))
        i--;
    size_t e = i;
    while (i > 0 && i + 40 > e && ((u[i - 1] >= 'A' && u[i - 1] <= 'Z') || u[i - 1] == '_'))
        i--;
    if (i < e)
        return canonical_status(u + i, e - i) != NULL;
    return e >= 3 && (u[e - 3] == '4' || u[e - 3] == '5') && u[e - 2] >= '0' && u[e - 2] <= '9' &&
           u[e - 1] >= '0' && u[e - 1] <= '9' && (e == 3 || u[e - 4] == ' ' || u[e - 4] == ':');
}

/* The transport failure named in the text, as ev->net_error and its phrase
 * (to the end of its line, bounded) as ev->net_detail. An answer from the API
 * wins: a status, an error object, a known Gemini phrase or an HTTP code
 * other than a proxy's 407 means a response arrived, and "timed out" in it
 * is the API's own word. */
static void finish_net(const struct reading *r, const char *u, size_t un, struct evidence *ev)
{
    if (!r->net_kind || r->net_pos >= un)
        return;
    /* Google's own content: a reason, an API code, a known Gemini phrase,
     * quota violations, a block reason, one of its HTML pages, or an error
     * object with a canonical status. */
    int google = r->reason.has || (ev->api_code && api_code_http(r->v, ev->api_code)) ||
                 r->phrase || r->nquota > 0 || r->block_reason.has || r->is_html ||
                 (r->envelope && ev->status);
    /* Otherwise, when the message is itself the transport failure and no
     * canonical status is named, the code and envelope around it are a
     * wrapper's (a gateway's {"error":{"message":"fetch failed","code":500}});
     * when a bare code or status stands right before the failure, they are
     * the client library's own (gRPC's "503 failed to connect to all
     * addresses"). No answer came from the API. A named status with a
     * message that merely mentions a failure ("503 UNAVAILABLE. upstream
     * connect error … connection refused") is a server's answer. */
    int wrapped =
        !google &&
        ((!ev->status && r->message.has && r->message.s &&
          gd_memcasemem(r->message.s, strlen(r->message.s), u + r->net_pos, r->net_len)) ||
         client_code_before(u, r->net_pos));
    int answered =
        google || (!wrapped && ((r->http.has && (int)r->http.num != 407 && !r->tunnel_http) ||
                                r->envelope || ev->status));
    if (answered)
        return;
    if (wrapped) {
        ev->http = 0;
        ev->http_inferred = 0;
        free(ev->http_text);
        ev->http_text = NULL;
    }
    const char *s = u + r->net_pos;
    const char *nl = memchr(s, '\n', un - r->net_pos);
    size_t len = nl ? (size_t)(nl - s) : un - r->net_pos;
    if (len < r->net_len)
        len = r->net_len;
    char *line = textfix_strndup_utf8(s, len, NET_DETAIL_MAX);
    textfix_collapse(line);
    ev->net_error = xstrdup(r->net_kind);
    ev->net_detail = redact(line);
    free(line);
}

/* A QuotaFailure names a quota ("…PerMinute…", "…PerDay…") or a metric
 * ("generativelanguage.googleapis.com/…"): Google sends those with 429 only,
 * so a fragment that lost its code still tells it. */
static int quota_named(const struct reading *r)
{
    for (int i = 0; i < r->nquota; i++) {
        const struct quota_violation *q = &r->quota[i];
        if ((q->quota_id && strstr(q->quota_id, "Per")) ||
            (q->quota_metric && strstr(q->quota_metric, "googleapis.com/")))
            return 1;
    }
    return 0;
}

/* Move the reading into ev. u[0..un) is the region read; all[0..an) the
 * whole paste, which still tells the input form and any key used. */
static void finish(struct reading *r, const char *u, size_t un, const char *all, size_t an,
                   int flags, int allow_net, struct evidence *ev)
{
    ev->form = detect_form(all, an, flags);

    ev->status = take(&r->status);
    ev->api_code = take(&r->api_code);
    /* A proxy refused the tunnel and nothing of Google's envelope is here:
     * every code in the text is the proxy's, none is the API's. */
    int tunnel_only = r->tunnel_http && !ev->status && !r->reason.has && r->nquota == 0;
    if (tunnel_only) {
        /* no HTTP code from the API */
    } else if (r->http.has) {
        ev->http = (int)r->http.num;
    } else if (ev->status && status_http(ev->status)) {
        ev->http = status_http(ev->status);
        ev->http_inferred = 1;
    } else if (ev->api_code && api_code_http(r->v, ev->api_code)) {
        ev->http = api_code_http(r->v, ev->api_code);
        ev->http_inferred = 1;
    } else if (quota_named(r)) {
        ev->http = 429;
        ev->http_inferred = 1;
    } else if (r->is_html && r->html_http) {
        ev->http = r->html_http;
        ev->http_inferred = 1;
    } else if (r->phrase && r->phrase_http) {
        ev->http = r->phrase_http;
        ev->http_inferred = 1;
    }
    ev->http_text = take(&r->http_text);

    /* A finish or block reason read from its key is not a message: the line
     * around its phrase is the response's own JSON. */
    char *msg = r->message.has        ? xstrdup(r->message.s)
                : r->block_reason.has ? NULL
                                      : read_phrase_message(r, u, un);
    if (msg && tunnel_only && (!r->message.has || r->message.quality <= Q_TEXT)) {
        /* The text around the proxy's code is the proxy's reason phrase. */
        free(msg);
        msg = NULL;
    }
    if (msg) {
        textfix_collapse(msg);
        read_clean_message(msg, !r->message.has || r->message.quality <= Q_TEXT);
        char *cut = textfix_strndup_utf8(msg, strlen(msg), MESSAGE_MAX);
        ev->message = *cut ? redact(cut) : NULL;
        free(cut);
        free(msg);
    }
    ev->reason = take(&r->reason);
    ev->domain = take(&r->domain);
    ev->service = take(&r->service);
    if (!ev->service && ev->domain) {
        /* ErrorInfo's domain names the API when metadata does not
         * (cloudcode-pa.googleapis.com); bare "googleapis.com" does not. */
        size_t dl = strlen(ev->domain);
        if (dl > 15 && strcmp(ev->domain + dl - 15, ".googleapis.com") == 0)
            ev->service = xstrdup(ev->domain);
    }
    ev->model = take(&r->model);

    for (int i = 0; i < r->nquota; i++) {
        struct quota_violation *q = &r->quota[i];
        struct quota_violation *o = &ev->quota[ev->nquota];
        if (!q->quota_id && !q->quota_metric && !q->model && q->value < 0)
            continue;
        o->quota_id = q->quota_id ? redact(q->quota_id) : NULL;
        o->quota_metric = q->quota_metric ? redact(q->quota_metric) : NULL;
        o->model = q->model ? redact(q->model) : NULL;
        o->location = q->location ? redact(q->location) : NULL;
        o->value = q->value;
        ev->nquota++;
    }
    if (!ev->model) {
        for (int i = 0; i < ev->nquota && !ev->model; i++) {
            if (ev->quota[i].model)
                ev->model = xstrdup(ev->quota[i].model);
        }
    }
    ev->limit = r->limit;
    if (r->retry.has && r->retry.num >= 0 && r->retry.num < 1e8) {
        ev->retry_after_s = r->retry.num;
        ev->has_retry_after = 1;
    }
    for (int i = 0; i < r->nlinks; i++)
        ev->links[ev->nlinks++] = redact(r->links[i]);
    for (int i = 0; i < r->nfields; i++)
        ev->fields[ev->nfields++] = redact(r->fields[i]);
    ev->key_masked = key_find_masked(all, an);
    if (r->is_html)
        ev->content_type = xstrdup("text/html");

    char *text = make_text(u, un, ev->message);
    ev->text = redact(text);
    free(text);

    if (allow_net)
        finish_net(r, u, un, ev);

    ev->found = ev->net_error || ev->http >= 400 || ev->status || r->envelope || r->error_string ||
                (ev->api_code && api_code_http(r->v, ev->api_code)) || r->phrase || r->ws_close ||
                ev->nquota > 0 || r->block_reason.has ||
                (ev->reason && upper_reason(ev->reason) && ev->domain);
    if (!ev->found && ev->message) {
        /* Nothing error-like: a message would be a guess. */
        free(ev->message);
        ev->message = NULL;
    }
}

/* Read buf[0..len) into ev; *block (may be NULL) tells whether the text
 * carried a block reason or an error object (what makes a 200 an error).
 * allow_net is clear for a body that came with an HTTP response: a
 * response arrived, so its text cannot be a transport failure. */
static int read_span(const struct reader_vocab *v, const char *w, size_t wlen, int allow_net,
                     struct evidence *ev, int *block)
{
    struct reading r;
    size_t tn, un;
    int flags;

    char *t = textfix_clean(w, wlen, &tn, &flags);
    tn = heal_key_wraps(t, tn);
    tn = heal_token_wraps(t, tn);
    t[tn] = '\0';
    size_t rs, re, an;
    choose_region(v, t, tn, &rs, &re);
    if (re < rs || re > tn) {
        rs = 0; /* never a region that is not one: read the whole text */
        re = tn;
    }
    char *u = textfix_unescape_all(t + rs, re - rs, &un);
    char *all = NULL;
    if (rs > 0 || re < tn)
        all = textfix_unescape_all(t, tn, &an);
    reading_init(&r, v);
    read_kv(&r, t + rs, re - rs);
    read_text(&r, u, un);
    finish(&r, u, un, all ? all : u, all ? an : un, flags, allow_net, ev);
    if (block)
        *block = r.block_reason.has || r.envelope;
    reading_release(&r);
    free(t);
    free(u);
    free(all);
    return 0;
}

/* Read buf[0..len): whole when small, else the window around its strongest
 * anchor (window_for), exactly as a stream of the same bytes is read. */
static int read_core(const struct reader_vocab *v, const char *buf, size_t len, int allow_net,
                     struct evidence *ev, int *block)
{
    unsigned long long s = 0, e = len;
    size_t a = 0;
    int w = 0;

    if (len > WINDOW_LIMIT) {
        scan_anchors(buf, 0, len, len, &w, &a);
        window_for(w > 0, a, len, &s, &e);
        if (!w)
            a = len > WINDOW_AFTER ? len - WINDOW_AFTER : 0;
        if (s > 0)
            s += line_start(buf + s, a - (size_t)s);
    }
    return read_span(v, buf + s, (size_t)(e - s), allow_net, ev, block);
}

int reader_read(const struct reader_vocab *v, const char *buf, size_t len, struct evidence *ev)
{
    if (!buf)
        len = 0;
    return read_core(v, buf ? buf : "", len, 1, ev, NULL);
}

/* --- reading a stream ---------------------------------------------------- */

/* Bytes kept of the stream's past: all of it up to WINDOW_LIMIT (a small
 * input is read whole), and always enough before the scan point to cut a
 * window around an anchor found there. */
#define HIST_KEEP WINDOW_LIMIT
/* Feeds are taken in pieces of at most this, so memory stays bounded
 * whatever the caller hands over at once. */
#define FEED_PIECE ((size_t)1 << 20)

struct reader_stream {
    const struct reader_vocab *v;
    char *hist; /* bytes [hist_at, total) of the stream */
    size_t hist_len, hist_cap;
    unsigned long long hist_at, total;
    unsigned long long scanned; /* anchors are settled before this offset */
    int best_w;                 /* the strongest anchor so far, 0 when none */
    unsigned long long best;
    struct sbuf win; /* bytes [win_at, win_at + win.len) around best */
    unsigned long long win_at, win_end;
};

struct reader_stream *reader_stream_new(const struct reader_vocab *v)
{
    struct reader_stream *st = xcalloc(1, sizeof(*st));
    st->v = v;
    sbuf_init(&st->win);
    return st;
}

void reader_stream_free(struct reader_stream *st)
{
    if (!st)
        return;
    free(st->hist);
    sbuf_release(&st->win);
    free(st);
}

/* The window around a new best anchor: one byte before its start (for
 * line_start) up to what has arrived; the rest is added as it comes. */
static void stream_rewindow(struct reader_stream *st)
{
    unsigned long long s, e, from;

    window_for(1, st->best, ~0ULL, &s, &e);
    from = s > 0 ? s - 1 : 0;
    st->win.len = 0;
    st->win_at = from;
    st->win_end = e;
    sbuf_add(&st->win, st->hist + (from - st->hist_at),
             (size_t)((e < st->total ? e : st->total) - from));
}

/* Scan the anchors starting in [scanned, to); a stronger or later one moves
 * the window. */
static void stream_scan(struct reader_stream *st, unsigned long long to)
{
    int w = st->best_w;
    /* Anchors are seen in order, each past the last best: a change of w or
     * of at is a new best (the old one may have left hist: any at will do,
     * as every start scanned is past it). */
    size_t old = st->best_w && st->best >= st->hist_at ? (size_t)(st->best - st->hist_at) : 0;
    size_t at = old;

    scan_anchors(st->hist, (size_t)(st->scanned - st->hist_at), (size_t)(to - st->hist_at),
                 st->hist_len, &w, &at);
    if (w != st->best_w || at != old) {
        st->best_w = w;
        st->best = at + st->hist_at;
        stream_rewindow(st);
    }
}

static void stream_piece(struct reader_stream *st, const char *buf, size_t n)
{
    if (st->hist_len + n > st->hist_cap) {
        size_t keep = st->hist_len < HIST_KEEP ? st->hist_len : HIST_KEEP;
        if (keep)
            memmove(st->hist, st->hist + (st->hist_len - keep), keep);
        st->hist_at += st->hist_len - keep;
        st->hist_len = keep;
        if (keep + n > st->hist_cap) {
            size_t cap = st->hist_cap ? st->hist_cap : 65536;
            while (cap < keep + n)
                cap *= 2;
            if (cap < 4 * FEED_PIECE && keep + n > HIST_KEEP)
                cap = 4 * FEED_PIECE;
            st->hist = xrealloc(st->hist, cap);
            st->hist_cap = cap;
        }
    }
    memcpy(st->hist + st->hist_len, buf, n);
    st->hist_len += n;
    if (st->best_w && st->win_at + st->win.len < st->win_end) {
        unsigned long long want = st->win_end - (st->win_at + st->win.len);
        sbuf_add(&st->win, buf, want < n ? (size_t)want : n);
    }
    st->total += n;

    /* Settle the anchors that start where the longest one fits. */
    if (st->total < anchor_max_len())
        return;
    unsigned long long to = st->total - anchor_max_len() + 1;
    if (to > st->scanned) {
        stream_scan(st, to);
        st->scanned = to;
    }
}

void reader_stream_feed(struct reader_stream *st, const char *buf, size_t len)
{
    while (len > 0) {
        size_t n = len < FEED_PIECE ? len : FEED_PIECE;
        stream_piece(st, buf, n);
        buf += n;
        len -= n;
    }
}

int reader_stream_finish(struct reader_stream *st, struct evidence *ev)
{
    unsigned long long s, e, a;
    const char *w;
    size_t skip;
    int ret;

    if (st->total <= WINDOW_LIMIT) {
        /* hist holds it all: read whole, as reader_read does. */
        ret = read_core(st->v, st->hist ? st->hist : "", st->hist_len, 1, ev, NULL);
        goto out;
    }
    stream_scan(st, st->total);
    /* The window around the best anchor was kept as it passed; with no
     * anchor the window is the end, still in hist. */
    a = st->best_w ? st->best : (st->total > WINDOW_AFTER ? st->total - WINDOW_AFTER : 0);
    window_for(st->best_w > 0, a, st->total, &s, &e);
    w = st->best_w ? st->win.buf + (s - st->win_at) : st->hist + (s - st->hist_at);
    skip = s > 0 ? line_start(w, (size_t)(a - s)) : 0;
    ret = read_span(st->v, w + skip, (size_t)(e - s) - skip, 1, ev, NULL);
out:
    reader_stream_free(st);
    return ret;
}

int reader_read_fd(const struct reader_vocab *v, int fd, struct evidence *ev)
{
    struct reader_stream *st = reader_stream_new(v);
    char *buf = xmalloc(FEED_PIECE);
    int ret = -1;

    for (;;) {
        ssize_t n = read(fd, buf, FEED_PIECE);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            reader_stream_free(st);
            goto out;
        }
        if (n == 0)
            break;
        reader_stream_feed(st, buf, (size_t)n);
    }
    ret = reader_stream_finish(st, ev);
out:
    free(buf);
    return ret;
}

/* "text/html page, 5123 bytes: <first bytes>" with nothing unsafe shown. */
static char *describe_body(const char *ct, const char *body, size_t len)
{
    struct sbuf sb;
    size_t tn;
    char *clean = textfix_clean(body, len < 400 ? len : 400, &tn, NULL);
    textfix_collapse(clean);
    char *shown = textfix_strndup_utf8(clean, strlen(clean), 80);
    char *safe = redact(shown);

    sbuf_init(&sb);
    sbuf_addf(&sb, "received %s, %zu bytes", ct && *ct ? ct : "no content type", len);
    if (*safe)
        sbuf_addf(&sb, ": %s%s", safe, strlen(clean) > strlen(shown) ? " ..." : "");
    free(clean);
    free(shown);
    free(safe);
    char *out = redact(sb.buf);
    sbuf_release(&sb);
    return out;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
            return 0;
    }
    return 1;
}

int reader_read_response(const struct reader_vocab *v, int http, const char *content_type,
                         double retry_after, const char *body, size_t len, struct evidence *ev)
{
    int is2xx = http >= 200 && http < 300;
    int json_ok = 0, block = 0, empty = !body || blank(body, len);

    if (!empty) {
        cJSON *j = cJSON_ParseWithLength(body, len);
        json_ok = j && (cJSON_IsObject(j) || cJSON_IsArray(j));
        cJSON_Delete(j);
        /* A server-sent event stream (streamGenerateContent?alt=sse) is the
         * API's own format too: "data: {…}" lines. */
        if (!json_ok && ((content_type &&
                          gd_memcasemem(content_type, strlen(content_type), "event-stream", 12)) ||
                         (len >= 5 && memcmp(body, "data:", 5) == 0)))
            json_ok = 1;
        read_core(v, body, len, 0, ev, &block);
    }
    if (is2xx && json_ok && !block) {
        /* A successful answer: whatever its text says is not an error. */
        evidence_release(ev);
    }
    ev->http = http;
    ev->http_inferred = 0;
    if (content_type && *content_type) {
        char *ct = textfix_strndup_utf8(content_type, strlen(content_type), 100);
        free(ev->content_type);
        ev->content_type = redact(ct);
        free(ct);
    }
    if (retry_after >= 0 && !ev->has_retry_after) {
        ev->retry_after_s = retry_after;
        ev->has_retry_after = 1;
    }
    /* Not the API's JSON: an HTML page from a proxy, a truncated or foreign
     * body. A truncated body that still names Google's status is read as
     * the error it is. */
    if (!empty && !json_ok && !ev->status) {
        ev->net_error = xstrdup("bad-response");
        ev->net_detail = describe_body(content_type, body, len);
    }
    ev->found = (is2xx && json_ok) ? block : (http >= 400 || ev->found || ev->net_error != NULL);
    return 0;
}
