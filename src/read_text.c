/*
 * read_text: the reader's matcher for text forms, run over the unescaped
 * text: HTTP status lines, SDK prefixes ("got status: 429 Too Many
 * Requests", "[429 Too Many Requests]", "400 API key not valid…" from
 * google-api-core, "Error code: 400", "(HTTP 503)", gRPC "code = X desc = Y"),
 * Retry-After headers, delays in words ("retry in 37.5s", "reset after
 * 4h28m20s"), "limit: N", model names in paths and messages, API hosts,
 * HTML pages, and the known Gemini phrases that mark a message-only paste.
 *
 * Phrases are matched with whitespace removed, so hard wraps (even inside a
 * word) do not hide them. Every search is a forward scan: linear in the text.
 */
#include "read_priv.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "textfix.h"
#include "util.h"

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_word(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_';
}

static const char *ci_find(const char *s, const char *end, const char *needle)
{
    if (s >= end)
        return NULL;
    return gd_memcasemem(s, (size_t)(end - s), needle, strlen(needle));
}

/* A 3-digit error code (400-599) at p, not part of a longer number
 * ("4290", "429.5", "429,000"); "429, " and "429." end one. */
static int code_at(const char *p, const char *end)
{
    if (end - p < 3 || !is_digit(p[0]) || !is_digit(p[1]) || !is_digit(p[2]))
        return 0;
    if (p + 3 < end && is_digit(p[3]))
        return 0;
    if (p + 4 < end && (p[3] == '.' || p[3] == ',') && is_digit(p[4]))
        return 0;
    int v = (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
    return v >= 400 && v <= 599 ? v : 0;
}

static const char *skip_spaces(const char *p, const char *end)
{
    while (p < end && *p == ' ')
        p++;
    return p;
}

static void trim(const char **s, const char **e)
{
    while (*s < *e && (**s == ' ' || **s == '\n'))
        (*s)++;
    while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\n'))
        (*e)--;
}

/* The message part of a text form: up to the details that follow it
 * (" [reason:", " [{", " {'error'"), the end of the line, or a bound. */
static void offer_message(struct reading *r, const char *s, const char *e, int q)
{
    static const char *const stops[] = {" [reason:", " [{", " [ {", " {\"", " {'", ". {", ". ["};
    trim(&s, &e);
    if (s >= e || *s == '{' || *s == '[')
        return;
    for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
        const char *hit = ci_find(s, e, stops[i]);
        if (hit) {
            e = stops[i][0] == '.' ? hit + 1 : hit;
            trim(&s, &e);
        }
    }
    /* " [violations {" or " [reason: " starts printed protobuf details. */
    for (const char *b = ci_find(s, e, " ["); b; b = ci_find(b + 1, e, " [")) {
        const char *w = b + 2;
        while (w < e && (is_word(*w)))
            w++;
        if (w > b + 2 && w + 1 < e && (w[0] == ':' || (w[0] == ' ' && w[1] == '{'))) {
            e = b;
            break;
        }
    }
    if (e > s && e[-1] == '[')
        e--;
    trim(&s, &e);
    if (e - s >= 3)
        cand_offer_str(&r->message, s, (size_t)(e - s), 0, q);
}

/* Reason phrase after a code ("Too Many Requests"), up to the bracket, full
 * stop, quote or line end. */
static void offer_http_text(struct reading *r, const char *p, const char *end, char stop)
{
    const char *s = skip_spaces(p, end), *e = s;
    while (e < end && e - s < 40 && (is_alpha(*e) || *e == ' ' || *e == '-') && *e != stop)
        e++;
    trim(&s, &e);
    if (e > s)
        cand_offer_str(&r->http_text, s, (size_t)(e - s), 0, Q_TEXT);
}

static void offer_code(struct reading *r, int code, int q)
{
    cand_offer_num(&r->http, code, 0, q);
}

/* "[429 Too Many Requests] message [details]" and "[400 ] message". A line
 * may hold several: an app's own "[500]" around the SDK's "Error fetching
 * from <url>: [400 Bad Request] …". The code nearest Google's text wins: one
 * after "Error fetching from", then the SDK's "[NNN reason]" form, then a
 * bare "[NNN]"; the first of the best. */
static void bracket_form(struct reading *r, const char *l, const char *le)
{
    const char *fetch = ci_find(l, le, "error fetching from ");
    const char *best = NULL, *best_close = NULL;
    int best_score = -1;

    for (const char *p = memchr(l, '[', (size_t)(le - l)); p;
         p = p + 1 < le ? memchr(p + 1, '[', (size_t)(le - p - 1)) : NULL) {
        int code = code_at(p + 1, le);
        if (!code || p + 4 >= le || (p[4] != ' ' && p[4] != ']'))
            continue;
        const char *close = p + 4;
        while (close < le && close - p < 48 && *close != ']' && *close != '[' && *close != '{')
            close++;
        if (close >= le || *close != ']')
            continue;
        int score = (fetch && p > fetch ? 2 : 0) + (p[4] == ' ' ? 1 : 0);
        if (score > best_score) {
            best = p;
            best_close = close;
            best_score = score;
        }
        if (score == 3)
            break;
    }
    if (!best)
        return;
    offer_code(r, code_at(best + 1, le), Q_TEXT);
    offer_http_text(r, best + 4, best_close, ']');
    offer_message(r, best_close + 1, le, Q_TEXT);
}

static void status_word(struct reading *r, const char *p, const char *end, int q)
{
    const char *e = p;
    while (e < end && e - p < 24 && (is_word(*e)))
        e++;
    const char *st = canonical_status(p, (size_t)(e - p));
    if (st)
        cand_offer_str(&r->status, st, strlen(st), 0, q);
}

/* gRPC status codes as Go and C++ print them (code = ResourceExhausted). */
static const struct {
    const char *camel;
    const char *name;
} camel_statuses[] = {
    {"Canceled", "CANCELLED"},
    {"Unknown", "UNKNOWN"},
    {"InvalidArgument", "INVALID_ARGUMENT"},
    {"DeadlineExceeded", "DEADLINE_EXCEEDED"},
    {"NotFound", "NOT_FOUND"},
    {"AlreadyExists", "ALREADY_EXISTS"},
    {"PermissionDenied", "PERMISSION_DENIED"},
    {"ResourceExhausted", "RESOURCE_EXHAUSTED"},
    {"FailedPrecondition", "FAILED_PRECONDITION"},
    {"Aborted", "ABORTED"},
    {"OutOfRange", "OUT_OF_RANGE"},
    {"Unimplemented", "UNIMPLEMENTED"},
    {"Internal", "INTERNAL"},
    {"Unavailable", "UNAVAILABLE"},
    {"DataLoss", "DATA_LOSS"},
    {"Unauthenticated", "UNAUTHENTICATED"},
};

/* google-api-core exception classes name the status: "PermissionDenied:
 * 403 …", "google.api_core.exceptions.ServiceUnavailable: 503 …". */
static void exception_class(struct reading *r, const char *l, const char *le)
{
    static const struct {
        const char *cls;
        const char *name;
    } extra[] = {{"ServiceUnavailable", "UNAVAILABLE"},
                 {"InternalServerError", "INTERNAL"},
                 {"Cancelled", "CANCELLED"},
                 {"GatewayTimeout", "DEADLINE_EXCEEDED"}};
    for (const char *c = memchr(l, ':', (size_t)(le - l)); c;
         c = c + 1 < le ? memchr(c + 1, ':', (size_t)(le - c - 1)) : NULL) {
        if (le - c < 5 || c[1] != ' ' || !code_at(c + 2, le))
            continue;
        const char *w = c;
        while (w > l && is_alpha(w[-1]) && c - w < 30)
            w--;
        if (w > l && (is_digit(w[-1]) || w[-1] == '_'))
            continue;
        size_t wl = (size_t)(c - w);
        for (size_t i = 0; i < ARRAY_SIZE(camel_statuses); i++) {
            if (strlen(camel_statuses[i].camel) == wl &&
                memcmp(w, camel_statuses[i].camel, wl) == 0)
                cand_offer_str(&r->status, camel_statuses[i].name, strlen(camel_statuses[i].name),
                               0, Q_TEXT);
        }
        for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
            if (strlen(extra[i].cls) == wl && memcmp(w, extra[i].cls, wl) == 0)
                cand_offer_str(&r->status, extra[i].name, strlen(extra[i].name), 0, Q_TEXT);
        }
    }
}

/* Statuses that are also common words and prefixes ("UNKNOWN: Error
 * fetching…" from Next.js): taken from a "X: " form only after an exception
 * class. */
static int weak_status(const char *st)
{
    return strcmp(st, "UNKNOWN") == 0 || strcmp(st, "ABORTED") == 0;
}

/* Does w follow "…Exception: " or "…Error: " in the line starting at l? */
static int after_exception(const char *l, const char *w)
{
    if (w - l < 7 || w[-1] != ' ' || w[-2] != ':')
        return 0;
    const char *e = w - 2;
    return (e - l >= 9 && memcmp(e - 9, "Exception", 9) == 0) ||
           (e - l >= 5 && memcmp(e - 5, "Error", 5) == 0);
}

/* Java and C++ gRPC: "StatusRuntimeException: RESOURCE_EXHAUSTED: message". */
static void status_colon_form(struct reading *r, const char *l, const char *le)
{
    for (const char *c = memchr(l, ':', (size_t)(le - l)); c;
         c = c + 1 < le ? memchr(c + 1, ':', (size_t)(le - c - 1)) : NULL) {
        const char *w = c;
        while (w > l && (is_word(w[-1])) && c - w < 24)
            w--;
        if (w == c || (w > l && is_word(w[-1])) || c + 1 >= le || c[1] != ' ')
            continue;
        const char *st = canonical_status(w, (size_t)(c - w));
        if (!st || (weak_status(st) && !after_exception(l, w)))
            continue;
        cand_offer_str(&r->status, st, strlen(st), 0, Q_TEXT);
        offer_message(r, c + 2, le, Q_PROSE);
        return;
    }
}

static void grpc_go_form(struct reading *r, const char *l, const char *le)
{
    const char *p = ci_find(l, le, "code = ");
    if (!p)
        return;
    p += 7;
    const char *e = p;
    while (e < le && is_alpha(*e))
        e++;
    for (size_t i = 0; i < ARRAY_SIZE(camel_statuses); i++) {
        if ((size_t)(e - p) == strlen(camel_statuses[i].camel) &&
            memcmp(p, camel_statuses[i].camel, (size_t)(e - p)) == 0) {
            const char *st = camel_statuses[i].name;
            const char *d = ci_find(e, le, "desc = ");
            /* grpc-go's "desc = connection error: desc = \"transport: …\""
             * is the client's own failure to connect: its status is the
             * client's, not an answer. */
            if (!d || (size_t)(le - (d + 7)) < 16 || strncmp(d + 7, "connection error", 16) != 0)
                cand_offer_str(&r->status, st, strlen(st), 0, Q_TEXT);
            if (d)
                offer_message(r, d + 7, le, Q_PROSE);
            return;
        }
    }
}

/* google-api-core and friends: "429 Quota exceeded…", "400 POST https://…:
 * message", "429 RESOURCE_EXHAUSTED. {…}", at the line start or after ": ". */
/* A canonical status spelt with spaces for its underscores, in capitals
 * ("504 DEADLINE EXCEEDED", "RESOURCE EXHAUSTED"): the name, and *end past
 * it; NULL when m does not start one. */
static const char *spaced_status(const char *m, const char *le, const char **end)
{
    char buf[32];
    size_t bn = 0;
    const char *p = m;
    for (int words = 0; words < 3; words++) {
        const char *w = p;
        while (p < le && *p >= 'A' && *p <= 'Z' && bn < sizeof(buf) - 1)
            buf[bn++] = *p++;
        if (p == w || (p < le && is_word(*p)))
            return NULL;
        buf[bn] = '\0';
        const char *st = words > 0 ? canonical_status(buf, bn) : NULL;
        if (st) {
            *end = p;
            return st;
        }
        if (p + 1 >= le || *p != ' ' || bn >= sizeof(buf) - 1)
            return NULL;
        buf[bn++] = '_';
        p++;
    }
    return NULL;
}

static void code_message_form(struct reading *r, const char *l, const char *le)
{
    const char *p = skip_spaces(l, le);
    for (int tries = 0; p && tries < 8; tries++) {
        int code = code_at(p, le);
        if (code && p + 4 < le && p[3] == ' ') {
            const char *m = p + 4;
            const char *st_end = m;
            while (st_end < le && (is_word(*st_end)) && st_end - m < 24)
                st_end++;
            const char *st = canonical_status(m, (size_t)(st_end - m));
            if (!st)
                st = spaced_status(m, le, &st_end);
            if (st) {
                offer_code(r, code, Q_TEXT);
                cand_offer_str(&r->status, st, strlen(st), 0, Q_TEXT);
                m = st_end;
                while (m < le && (*m == '.' || *m == ':' || *m == ' '))
                    m++;
                offer_message(r, m, le, Q_PROSE);
                return;
            }
            if (*m == '.' && (m + 1 == le || m[1] == ' ')) {
                /* java-genai prints "%d %s. %s" and Google's status may be
                 * empty: "ClientException: 400 . message". */
                offer_code(r, code, Q_TEXT);
                m = skip_spaces(m + 1, le);
                if (m < le)
                    offer_message(r, m, le, Q_PROSE);
                return;
            }
            static const char *const verbs[] = {"POST ", "GET ", "PUT ", "PATCH ", "DELETE "};
            for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
                size_t vl = strlen(verbs[i]);
                if ((size_t)(le - m) > vl && memcmp(m, verbs[i], vl) == 0) {
                    const char *c = ci_find(m + vl, le, ": ");
                    offer_code(r, code, Q_TEXT);
                    if (c)
                        offer_message(r, c + 2, le, Q_PROSE);
                    return;
                }
            }
            if (*m >= 'A' && *m <= 'Z') {
                offer_code(r, code, Q_PROSE);
                offer_message(r, m, le, Q_PROSE);
                return;
            }
        }
        p = ci_find(p, le, ": ");
        if (p)
            p += 2;
    }
}

/* The rest of Go's googleapi line, "googleapi: Error 403: MESSAGE, REASON":
 * the client appends errors[0].reason after a comma. A tail that is one of
 * the vocabulary's legacy reasons (quotaExceeded, rateLimitExceeded) is read
 * as the reason and left out of the message. */
static void googleapi_tail(struct reading *r, const char *s, const char *le)
{
    const char *e = le;
    while (e > s && (e[-1] == ' ' || e[-1] == '\n'))
        e--;
    const char *w = e;
    while (w > s && is_word(w[-1]))
        w--;
    if (w - s >= 2 && w[-1] == ' ' && w[-2] == ',') {
        size_t n = (size_t)(e - w);
        for (size_t i = 0; i < r->v->nlegacy_reasons; i++) {
            if (strlen(r->v->legacy_reasons[i]) == n &&
                memcmp(r->v->legacy_reasons[i], w, n) == 0) {
                cand_offer_str(&r->reason, w, n, 0, Q_TEXT);
                offer_message(r, s, w - 2, Q_PROSE);
                return;
            }
        }
    }
    offer_message(r, s, le, Q_PROSE);
}

/* Fixed prefixes followed by a code. Rust clients: codex-rs's "unexpected
 * status 502 Bad Gateway: …", reqwest's error_for_status "HTTP status client
 * error (429 Too Many Requests) for url (…)". */
static void prefixed_codes(struct reading *r, const char *l, const char *le)
{
    static const char *const prefixes[] = {
        "error code: ",
        "error code ",
        "status code: ",
        "status code of ",
        "status code ",
        "status code=",
        "statuscode: ",
        "statuscode=",
        "status_code: ",
        "status_code=",
        "http status: ",
        "http status ",
        "http error ",
        "http error: ",
        "(http ",
        "http ",
        "googleapi: error ",
        "error: http ",
        "error ",
        "status: ",
        "status=",
        "does not indicate success: ",
        "unexpected status ",
        "http status client error (",
        "http status server error (",
    };
    for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
        size_t pl = strlen(prefixes[i]);
        for (const char *p = ci_find(l, le, prefixes[i]); p; p = ci_find(p + 1, le, prefixes[i])) {
            if (p > l && is_word(p[-1]))
                continue;
            const char *c = p + pl;
            int code = code_at(c, le);
            if (code) {
                offer_code(r, code, Q_TEXT);
                if (strcmp(prefixes[i], "googleapi: error ") == 0 && c + 4 < le && c[3] == ':')
                    googleapi_tail(r, c + 4, le);
                break;
            }
            if (pl >= 7 && strncmp(prefixes[i], "status", 6) == 0)
                status_word(r, c, le, Q_TEXT);
        }
    }
}

/* A WebSocket close frame, as the Live API ends a session: "received 1011
 * (internal error) Internal error occurred.; then sent 1011 (…) …" (Python
 * websockets), "< CLOSE 1008 (policy violation) reason [125 bytes]" (its
 * debug log). The reason is Google's message, after its "Request trace id:
 * …, [ORIGINAL ERROR] " prefix; a "generic::invalid_argument" in it is the
 * canonical status. Codes 1000 and 1001 are normal closes. */
static void ws_close_form(struct reading *r, const char *l, const char *le)
{
    static const char *const leads[] = {"received ", "sent ", "CLOSE "};
    for (size_t i = 0; i < ARRAY_SIZE(leads); i++) {
        size_t ll = strlen(leads[i]);
        for (const char *p = ci_find(l, le, leads[i]); p; p = ci_find(p + 1, le, leads[i])) {
            const char *c = p + ll;
            if ((p > l && is_word(p[-1])) || le - c < 8 || c[0] != '1' || c[1] != '0' ||
                !is_digit(c[2]) || !is_digit(c[3]) || c[4] != ' ' || c[5] != '(')
                continue;
            const char *cp = memchr(c + 6, ')', (size_t)(le - c - 6));
            if (!cp || cp - c > 48 || (c[2] == '0' && c[3] < '2'))
                continue;
            r->ws_close = 1;
            const char *s = skip_spaces(cp + 1, le), *e = le;
            const char *stop = ci_find(s, e, "; then ");
            if (stop)
                e = stop;
            if (ci_find(s, e, "Request trace id: ") == s) {
                const char *comma = ci_find(s, e, ", ");
                if (comma)
                    s = skip_spaces(comma + 2, e);
            }
            if (ci_find(s, e, "[ORIGINAL ERROR] ") == s)
                s += 17;
            const char *g = ci_find(s, e, "generic::");
            if (g) {
                char st[32];
                size_t n = 0;
                for (const char *w = g + 9;
                     w < e && n < sizeof(st) - 1 && (is_alpha(*w) || *w == '_'); w++)
                    st[n++] = (char)(*w >= 'a' && *w <= 'z' ? *w - 32 : *w);
                const char *name = canonical_status(st, n);
                if (name)
                    cand_offer_str(&r->status, name, strlen(name), 0, Q_TEXT);
            }
            /* A debug log's " [125 bytes]" after the reason. */
            const char *b = ci_find(s, e, " bytes]");
            if (b) {
                const char *o = b;
                while (o > s && o[-1] != '[')
                    o--;
                if (o > s + 1 && o[-2] == ' ')
                    e = o - 2;
            }
            offer_message(r, s, e, Q_TEXT);
            return;
        }
    }
}

static void line_forms(struct reading *r, const char *l, const char *le)
{
    const char *p;

    bracket_form(r, l, le);
    p = ci_find(l, le, "got status: ");
    if (p) {
        p += 12;
        int code = code_at(p, le);
        if (code) {
            offer_code(r, code, Q_TEXT);
            offer_http_text(r, p + 3, le, '.');
        } else {
            status_word(r, p, le, Q_TEXT);
        }
    }
    for (p = ci_find(l, le, "HTTP/"); p; p = ci_find(p + 1, le, "HTTP/")) {
        const char *c = p + 5;
        while (c < le && (is_digit(*c) || *c == '.'))
            c++;
        if (c < le && *c == ' ') {
            int code = code_at(c + 1, le);
            if (code) {
                offer_code(r, code, Q_TEXT);
                offer_http_text(r, c + 4, le, '"');
            }
        }
    }
    p = ci_find(l, le, "StatusCode.");
    if (p)
        status_word(r, p + 11, le, Q_TEXT);
    p = ci_find(l, le, "retry-after:");
    if (p) {
        const char *c = skip_spaces(p + 12, le);
        const char *e = c;
        while (e < le && is_digit(*e) && e - c < 8)
            e++;
        if (e > c && (e == le || !is_alpha(*e)))
            cand_offer_num(&r->retry, strtod(c, NULL), 0, Q_BARE);
    }
    prefixed_codes(r, l, le);
    code_message_form(r, l, le);
    grpc_go_form(r, l, le);
    exception_class(r, l, le);
    status_colon_form(r, l, le);
    ws_close_form(r, l, le);
}

/* The first occurrence of w[0..l) in u[0..n) that stands as a whole word (no
 * letter, digit or underscore on either side), or NULL. */
static const char *find_word(const char *u, size_t n, const char *w, size_t l)
{
    const char *p = u, *end = u + n;
    while (p < end) {
        const char *hit = read_memfind(p, (size_t)(end - p), w, l);
        if (!hit)
            return NULL;
        if ((hit == u || !is_word(hit[-1])) && (hit + l == end || !is_word(hit[l])))
            return hit;
        p = hit + 1;
    }
    return NULL;
}

/* Canonical statuses spelt with an underscore are specific enough to be
 * taken anywhere as a whole word. */
static void status_tokens(struct reading *r, const char *u, size_t n)
{
    static const char *const names[] = {
        "RESOURCE_EXHAUSTED",  "INVALID_ARGUMENT",  "PERMISSION_DENIED",
        "FAILED_PRECONDITION", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS",      "OUT_OF_RANGE",      "DATA_LOSS",
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        size_t l = strlen(names[i]);
        if (find_word(u, n, names[i], l))
            cand_offer_str(&r->status, names[i], l, 0, Q_PROSE);
    }
}

/* ErrorInfo reasons specific enough to be read as the reason when a paste
 * shows one alone ("401 UNAUTHENTICATED" then "ACCESS_TOKEN_TYPE_UNSUPPORTED"
 * on its own line), without a key: the vocabulary's error_reasons. */
static void reason_tokens(struct reading *r, const char *u, size_t n)
{
    for (size_t i = 0; i < r->v->nreasons; i++) {
        const char *w = r->v->reasons[i];
        size_t l = strlen(w);
        if (find_word(u, n, w, l))
            cand_offer_str(&r->reason, w, l, 0, Q_GUESS);
    }
}

/* Finish and block reasons written as enum members: "FinishReason.RECITATION"
 * (Python), "FinishReason::RECITATION" (PHP), "BlockReason.SAFETY". */
static void reason_enums(struct reading *r, const char *u, size_t n)
{
    static const char *const lead[] = {"finishreason.", "finishreason::", "blockreason.",
                                       "blockreason::"};
    const char *end = u + n;
    for (size_t i = 0; i < ARRAY_SIZE(lead); i++) {
        size_t l = strlen(lead[i]);
        for (const char *p = ci_find(u, end, lead[i]); p; p = ci_find(p + 1, end, lead[i])) {
            const char *s = p + l, *e = s;
            while (e < end && e - s < 40 && ((*e >= 'A' && *e <= 'Z') || *e == '_' || is_digit(*e)))
                e++;
            if (e > s && (e == end || !is_word(*e)))
                reading_block_reason(r, s, (size_t)(e - s), 0, Q_TEXT);
        }
    }
}

static void delays(struct reading *r, const char *u, size_t n)
{
    /* Not "retrying in": that is the client's own backoff ("Retrying in
     * 1000ms... (attempt 1/3)"), not a delay the server asked for. */
    static const char *const lead[] = {"retry in", "retry after", "reset after", "resets after",
                                       "reset in", "resets in",   "try again in"};
    const char *end = u + n;
    for (size_t i = 0; i < ARRAY_SIZE(lead); i++) {
        for (const char *p = ci_find(u, end, lead[i]); p; p = ci_find(p + 1, end, lead[i])) {
            double secs;
            const char *v = p + strlen(lead[i]);
            if (v >= end || (*v != ' ' && *v != '\n'))
                continue;
            while (v < end && v - p < 64 && (*v == ' ' || *v == '\n'))
                v++;
            if (parse_duration(v, (size_t)(end - v), &secs)) {
                cand_offer_num(&r->retry, secs, 0, Q_TEXT);
                break;
            }
        }
    }
}

static void limits(struct reading *r, const char *u, size_t n)
{
    const char *end = u + n;
    for (const char *p = ci_find(u, end, "limit: "); p; p = ci_find(p + 1, end, "limit: ")) {
        const char *c = p + 7;
        if (p > u && is_word(p[-1]))
            continue;
        const char *e = c;
        while (e < end && is_digit(*e) && e - c < 15)
            e++;
        if (e == c || (e < end && (is_word(*e) || *e == '.')))
            continue;
        long long v = strtoll(c, NULL, 10);
        if (r->limit < 0 || v < r->limit)
            r->limit = v;
    }
}

static void offer_model(struct reading *r, const char *s, const char *end, int q)
{
    size_t n = (size_t)(end - s) < 120 ? (size_t)(end - s) : 120;
    char *m = model_name(r->v, s, n);
    if (m) {
        cand_offer_str(&r->model, m, strlen(m), 0, q);
        free(m);
    }
}

/* "Requested Model: alias" and "Effective Model: id" in a debug block: the
 * model actually used is the one the error is about. */
static int model_label_quality(const char *u, const char *p)
{
    static const struct {
        const char *word;
        int q;
    } labels[] = {{"requested ", Q_GUESS},
                  {"effective ", Q_TEXT},
                  {"actual ", Q_TEXT},
                  {"resolved ", Q_TEXT},
                  {"routed ", Q_TEXT}};
    for (size_t i = 0; i < ARRAY_SIZE(labels); i++) {
        size_t l = strlen(labels[i].word);
        if ((size_t)(p - u) >= l && gd_strncasecmp(p - l, labels[i].word, l) == 0 &&
            (p - u == (ptrdiff_t)l || !is_word(p[-(ptrdiff_t)l - 1])))
            return labels[i].q;
    }
    return Q_PROSE;
}

static void models(struct reading *r, const char *u, size_t n)
{
    const char *end = u + n;
    for (const char *p = ci_find(u, end, "models/"); p; p = ci_find(p + 1, end, "models/")) {
        const char *s = p + 7, *e = s;
        while (e < end && e - s < 100 && (is_word(*e) || *e == '-' || *e == '.' || *e == '@'))
            e++;
        /* "models/providers/GeminiService.bx": a directory, not a model. */
        if (e == s || (e < end && *e == '/'))
            continue;
        if (ci_find(e, e + 20 < end ? e + 20 : end, " is not found") == e ||
            ci_find(e, e + 20 < end ? e + 20 : end, " not found") == e ||
            ci_find(e, e + 20 < end ? e + 20 : end, " is not supported") == e)
            offer_model(r, s, e, Q_TEXT);
        else if (p > u && p[-1] == '/')
            offer_model(r, s, e, Q_PROSE);
        else
            offer_model(r, s, e, Q_GUESS);
    }
    for (const char *p = ci_find(u, end, "models_"); p; p = ci_find(p + 1, end, "models_")) {
        const char *s = p + 7, *e = s;
        while (e < end && e - s < 100 && (is_word(*e) || *e == '-' || *e == '.'))
            e++;
        if (e > s && ci_find(e, e + 8 < end ? e + 8 : end, " is not") == e)
            offer_model(r, s, e, Q_PROSE);
    }
    for (const char *p = ci_find(u, end, "model: "); p; p = ci_find(p + 1, end, "model: ")) {
        if (p > u && is_word(p[-1]))
            continue;
        const char *s = p + 7;
        if (s < end && is_alpha(*s))
            offer_model(r, s, end, model_label_quality(u, p));
    }
}

static int host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.';
}

/* API hosts named in the text (…googleapis.com), for the service when no
 * metadata names it. Hosts that are not an API (type URLs, OAuth scopes,
 * storage: the vocabulary's non_api_hosts) are skipped. */
static void hosts(struct reading *r, const char *u, size_t n)
{
    const char *end = u + n;
    const char *sfx = ".googleapis.com";
    size_t sl = strlen(sfx);
    int seen = 0;
    for (const char *p = ci_find(u, end, sfx); p && seen < 64; p = ci_find(p + 1, end, sfx)) {
        const char *s = p;
        while (s > u && host_char(s[-1]) && p - s < 80)
            s--;
        while (s < p && (*s == '.' || *s == '-'))
            s++;
        if (s == p)
            continue;
        seen++;
        size_t label = (size_t)(p - s);
        int skip = 0;
        for (size_t i = 0; i < r->v->nnon_api_hosts; i++) {
            const char *h = r->v->non_api_hosts[i];
            if (strlen(h) == label && gd_strncasecmp(s, h, label) == 0)
                skip = 1;
        }
        if (skip)
            continue;
        struct sbuf sb;
        sbuf_init(&sb);
        /* Regional endpoints (us-central1-aiplatform) name the same API. */
        const char *dash = NULL;
        for (const char *c = s; c < p; c++) {
            if (*c == '-')
                dash = c;
        }
        if (dash && p - dash - 1 == 10 && gd_strncasecmp(dash + 1, "aiplatform", 10) == 0)
            s = dash + 1;
        for (const char *c = s; c < p + sl; c++)
            sbuf_addc(&sb, (char)((*c >= 'A' && *c <= 'Z') ? *c + 32 : *c));
        int q = Q_GUESS;
        if (s - u >= 2 && s[-1] == '/' && s[-2] == '/' && !(s - u >= 3 && s[-3] == ':'))
            q = Q_TEXT;
        else if (s - u >= 9 && gd_strncasecmp(s - 9, "service '", 9) == 0)
            q = Q_TEXT;
        else if (s - u >= 4 && gd_strncasecmp(s - 4, "API ", 4) == 0)
            q = Q_TEXT;
        else if (s - u >= 3 && s[-1] == '/' && s[-2] == '/')
            q = Q_PROSE;
        cand_offer_str(&r->service, sb.buf, sb.len, 0, q);
        sbuf_release(&sb);
    }
}

/* A quota metric named in a message ("Quota exceeded for metric:
 * generativelanguage.googleapis.com/generate_requests_per_model_per_day",
 * "Quota exceeded for aiplatform.googleapis.com/…"): recorded as a
 * violation's metric when no structured QuotaFailure was read. */
static void metric_names(struct reading *r, const char *u, size_t n)
{
    const char *end = u + n;
    const char *sfx = ".googleapis.com/";
    size_t sl = strlen(sfx);
    int seen = 0;
    if (r->nquota > 0)
        return;
    for (const char *p = ci_find(u, end, sfx); p && seen < EV_MAX_QUOTA;
         p = ci_find(p + 1, end, sfx)) {
        const char *s = p, *e = p + sl;
        while (s > u && host_char(s[-1]) && p - s < 80)
            s--;
        if (s == p)
            continue;
        const char *m = e;
        while (e < end && e - m < 120 && ((*e >= 'a' && *e <= 'z') || is_digit(*e) || *e == '_'))
            e++;
        /* A metric is snake case; "v1beta/…" and other paths are not. */
        if (e - m < 6 || !memchr(m, '_', (size_t)(e - m)) || (e < end && *e == '/'))
            continue;
        int dup = 0;
        for (int i = 0; i < r->nquota; i++) {
            const char *qm = r->quota[i].quota_metric;
            if (qm && strlen(qm) == (size_t)(e - s) && gd_strncasecmp(qm, s, (size_t)(e - s)) == 0)
                dup = 1;
        }
        if (dup)
            continue;
        reading_quota(r, QP_METRIC, s, (size_t)(e - s), 0);
        /* ", limit: 1500, model: gemini-…" in the same sentence belong to it. */
        const char *tail = e + 80 < end ? e + 80 : end;
        const char *lim = ci_find(e, tail, ", limit: ");
        if (lim) {
            const char *v = lim + 9, *ve = v;
            while (ve < tail && is_digit(*ve) && ve - v < 15)
                ve++;
            if (ve > v)
                reading_quota(r, QP_VALUE, v, (size_t)(ve - v), 0);
        }
        const char *mod = ci_find(e, tail, ", model: ");
        if (mod) {
            const char *v = mod + 9, *ve = v;
            while (ve < end && ve - v < 100 && (is_word(*ve) || *ve == '-' || *ve == '.'))
                ve++;
            while (ve > v && ve[-1] == '.')
                ve--;
            if (ve > v)
                reading_quota(r, QP_MODEL, v, (size_t)(ve - v), 0);
        }
        reading_quota_close(r);
        seen++;
    }
}

/* The first known Gemini phrase in u (the vocabulary's message_phrases,
 * compared lower case without spaces, so hard wraps and collapsed spaces
 * compare equal), with the HTTP code Google sends it with (0: none implied);
 * the code is used only when no code or status was seen. */
static void phrase_scan(struct reading *r, const char *u, size_t n)
{
    char *z = xmalloc(n + 1);
    uint32_t *map = xmalloc((n + 1) * sizeof(*map));
    size_t zn = 0;

    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        if (c == ' ' || c == '\n')
            continue;
        z[zn] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
        map[zn] = (uint32_t)i;
        zn++;
    }
    size_t best = (size_t)-1;
    int best_http = 0;
    for (size_t i = 0; i < r->v->nphrases; i++) {
        const struct vocab_phrase *ph = &r->v->phrases[i];
        const char *hit = read_memfind(z, zn, ph->squeeze, strlen(ph->squeeze));
        if (hit && (size_t)(hit - z) < best) {
            best = (size_t)(hit - z);
            best_http = ph->http;
        }
    }
    if (best != (size_t)-1) {
        r->phrase = 1;
        r->phrase_http = best_http;
        r->phrase_pos = map[best];
    }
    free(z);
    free(map);
}

/* The text of an HTML fragment: tags dropped, common entities decoded,
 * whitespace collapsed. */
static char *html_text(const char *s, const char *e)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'},  {"&lt;", '<'},    {"&gt;", '>'},  {"&quot;", '"'},
                {"&#39;", '\''}, {"&apos;", '\''}, {"&nbsp;", ' '}};
    struct sbuf sb;
    sbuf_init(&sb);
    while (s < e) {
        if (*s == '<') {
            const char *c = memchr(s, '>', (size_t)(e - s));
            if (!c)
                break;
            sbuf_addc(&sb, ' ');
            s = c + 1;
            continue;
        }
        if (*s == '&') {
            size_t i;
            for (i = 0; i < ARRAY_SIZE(ents); i++) {
                size_t l = strlen(ents[i].ent);
                if ((size_t)(e - s) >= l && gd_strncasecmp(s, ents[i].ent, l) == 0) {
                    sbuf_addc(&sb, ents[i].c);
                    s += l;
                    break;
                }
            }
            if (i < ARRAY_SIZE(ents))
                continue;
        }
        sbuf_addc(&sb, *s++);
    }
    sbuf_add(&sb, "", 0);
    textfix_collapse(sb.buf);
    return sbuf_detach(&sb);
}

/* The inner text of the first <tag…>…</tag> with at least min_words words. */
static char *html_element(const char *u, const char *end, const char *open, const char *close,
                          int min_words)
{
    for (const char *p = ci_find(u, end, open); p; p = ci_find(p + 1, end, open)) {
        size_t ol = strlen(open);
        if (p + ol < end && p[ol] != '>' && p[ol] != ' ')
            continue;
        const char *gt = memchr(p, '>', (size_t)(end - p));
        if (!gt)
            return NULL;
        const char *c = ci_find(gt + 1, end, close);
        if (!c)
            return NULL;
        char *t = html_text(gt + 1, c);
        int words = *t ? 1 : 0;
        for (const char *w = t; *w; w++)
            words += *w == ' ';
        if (words >= min_words && strlen(t) <= 600)
            return t;
        free(t);
    }
    return NULL;
}

static void html(struct reading *r, const char *u, size_t n)
{
    static const struct {
        const char *phrase;
        int http;
    } html_phrases[] = {
        {"gateway time-out", 504},
        {"gateway timeout", 504},
        {"bad gateway", 502},
        {"service unavailable", 503},
        {"temporarily unavailable", 503},
        {"internal server error", 500},
        {"too many requests", 429},
        {"request entity too large", 413},
    };
    const char *end = u + n;
    int tags = 0;
    for (const char *p = memchr(u, '<', n); p && tags < 3;
         p = p + 1 < end ? memchr(p + 1, '<', (size_t)(end - p - 1)) : NULL) {
        if (p + 1 < end && (p[1] == '/' || p[1] == '!'))
            tags++;
    }
    if (!(ci_find(u, end, "<html") || ci_find(u, end, "<body") ||
          (tags >= 2 &&
           (ci_find(u, end, "<div") || ci_find(u, end, "<span") || ci_find(u, end, "<p>") ||
            ci_find(u, end, "<h1") || ci_find(u, end, "<title")))))
        return;
    r->is_html = 1;
    char *title = html_element(u, end, "<title", "</title", 1);
    if (title) {
        int code = code_at(title, title + strlen(title));
        if (code)
            offer_code(r, code, Q_TEXT);
        if (strlen(title) > 4)
            cand_offer_str(&r->message, title, strlen(title), 0, Q_TEXT);
        free(title);
    }
    char *m = html_element(u, end, "<p", "</p", 4);
    if (!m)
        m = html_element(u, end, "<h1", "</h1", 1);
    if (m) {
        cand_offer_str(&r->message, m, strlen(m), 0, Q_PROSE);
        free(m);
    }
    for (size_t i = 0; i < ARRAY_SIZE(html_phrases); i++) {
        if (ci_find(u, end, html_phrases[i].phrase)) {
            r->html_http = html_phrases[i].http;
            break;
        }
    }
}

static int is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

/* The most specific transport failure named in u[0..n): a phrase of the
 * vocabulary's network_failures that starts a word (so "upload failed" is not
 * Safari's "Load failed"). A more specific kind outranks a vaguer one: "fetch
 * failed" names no cause, its undici "cause" (ENOTFOUND, ECONNRESET…) does;
 * a proxy or certificate problem explains the connection error it comes
 * with. Whether it is the error or the API's answer is decided later, with
 * everything seen. */
static void net_scan(struct reading *r, const char *u, size_t n)
{
    /* Lower case, every run of spaces and line breaks one space: a phrase
     * a hard wrap or a box border split ("self-signed │\n│ certificate")
     * is still found. at[k] is where z[k] came from in u. */
    char *z = xmalloc(n + 1);
    size_t *at = xmalloc((n + 1) * sizeof(*at));
    size_t zn = 0;
    for (size_t i = 0; i < n; i++) {
        char c = u[i];
        if (c == ' ' || c == '\n') {
            if (zn > 0 && z[zn - 1] == ' ')
                continue;
            c = ' ';
        }
        at[zn] = i;
        z[zn++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
    }
    at[zn] = n;
    z[zn] = '\0';
    for (size_t i = 0; i < r->v->nnet; i++) {
        const struct vocab_net *np = &r->v->net[i];
        size_t l = strlen(np->lower);
        if (np->rank < r->net_rank)
            continue;
        const char *p = z, *end = z + zn;
        while (p < end) {
            const char *hit = read_memfind(p, (size_t)(end - p), np->lower, l);
            if (!hit)
                break;
            size_t zpos = (size_t)(hit - z);
            if (zpos > 0 && is_alnum(z[zpos - 1])) {
                p = hit + 1;
                continue;
            }
            size_t pos = at[zpos];
            if (np->rank > r->net_rank || pos < r->net_pos) {
                r->net_kind = np->kind;
                r->net_rank = np->rank;
                r->net_pos = pos;
                r->net_len = at[zpos + l - 1] + 1 - pos;
            }
            break;
        }
    }
    free(z);
    free(at);
}

/* A proxy's own reply to CONNECT as HTTP clients print it: a lead, then the
 * proxy's status code. curl's "Received HTTP code 407 from proxy after
 * CONNECT" names the code first; the trail must follow it. */
static const struct {
    const char *lead;  /* lower case */
    const char *trail; /* must follow the code, or NULL */
} tunnel_forms[] = {
    {"tunnel connection failed:", NULL},
    {"tunneling socket could not be established, statuscode=", NULL},
    {"proxy returns \"http/1.", NULL},
    {"connect tunnel failed, response", NULL},
    {"proxy response (", NULL},
    {"failed with status code '", NULL},
    {"unexpected response code for connect:", NULL},
    {"clienthttpproxyerror:", NULL},
    {"proxyerror:", NULL},
    {"received http code", "from proxy"},
};

/* The status after lead: skip at most a few separators (and "HTTP/1.1"'s
 * remaining "1 "), then three digits, 4xx or 5xx. 0 when none. */
static int tunnel_code(const char *z, const char *end, size_t *used)
{
    const char *p = z;
    for (int k = 0; p < end && k < 8 && !is_digit(*p); k++)
        p++;
    if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
        p += 2;
    if (end - p < 3 || (p[0] != '4' && p[0] != '5') || !is_digit(p[1]) || !is_digit(p[2]) ||
        (end - p > 3 && is_digit(p[3])))
        return 0;
    *used = (size_t)(p + 3 - z);
    return (p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0');
}

/* The proxy's answer to CONNECT, when the text holds one: r->tunnel_http,
 * and a "proxy" transport failure where the lead stands. The last one
 * seen wins (a log's latest attempt). */
static void tunnel_scan(struct reading *r, const char *u, size_t n)
{
    char *z = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        z[i] = (char)((u[i] >= 'A' && u[i] <= 'Z') ? u[i] + 32 : u[i]);
    z[n] = '\0';
    const char *end = z + n;
    for (size_t f = 0; f < ARRAY_SIZE(tunnel_forms); f++) {
        size_t l = strlen(tunnel_forms[f].lead);
        for (const char *p = z; p < end;) {
            const char *hit = read_memfind(p, (size_t)(end - p), tunnel_forms[f].lead, l);
            if (!hit)
                break;
            p = hit + l;
            size_t used = 0;
            int code = tunnel_code(p, end, &used);
            if (!code)
                continue;
            const char *tr = tunnel_forms[f].trail;
            if (tr) {
                const char *q = skip_spaces(p + used, end);
                if ((size_t)(end - q) < strlen(tr) || memcmp(q, tr, strlen(tr)) != 0)
                    continue;
            }
            r->tunnel_http = code;
            if (r->net_rank <= 7) {
                r->net_kind = "proxy";
                r->net_rank = 7;
                r->net_pos = (size_t)(hit - z);
                r->net_len = l + used;
            }
        }
    }
    free(z);
}

void read_text(struct reading *r, const char *u, size_t n)
{
    const char *p = u, *end = u + n;

    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        /* Very long lines are minified JSON; their forms are near the start. */
        const char *lim = le - p > 65536 ? p + 65536 : le;
        line_forms(r, p, lim);
        p = nl ? nl + 1 : end;
    }
    status_tokens(r, u, n);
    reason_tokens(r, u, n);
    reason_enums(r, u, n);
    delays(r, u, n);
    limits(r, u, n);
    models(r, u, n);
    hosts(r, u, n);
    metric_names(r, u, n);
    phrase_scan(r, u, n);
    html(r, u, n);
    net_scan(r, u, n);
    tunnel_scan(r, u, n);
}

static const char *strip_lead(const char *s, const char *e)
{
    static const char *const lead[] = {"[API Error:", "API Error:", "[GoogleGenerativeAI Error]:",
                                       "Error:",      "ERROR:",     "error:",
                                       "* ",          "- ",         "✕"};
    for (int again = 1; again;) {
        again = 0;
        while (s < e && (*s == ' ' || *s == '\n'))
            s++;
        for (size_t i = 0; i < ARRAY_SIZE(lead); i++) {
            size_t l = strlen(lead[i]);
            if ((size_t)(e - s) >= l && strncmp(s, lead[i], l) == 0) {
                s += l;
                again = 1;
            }
        }
    }
    return s;
}

/* "cause: undefined," or "url: \"…\"": an object's properties printed
 * after the message, not part of it. */
static int property_line(const char *s, const char *le)
{
    const char *p = s;
    while (p < le && p - s < 40 && (is_word(*p) || *p == '-'))
        p++;
    return p > s && p + 1 < le && p[0] == ':' && p[1] == ' ' && *s >= 'a' && *s <= 'z';
}

/* "AI_APICallError: " or "google.genai.errors.ClientError: " before a
 * message: the exception's class, not the message. */
static const char *strip_exception(const char *s, const char *le)
{
    for (int i = 0; i < 4; i++) {
        const char *p = s;
        while (p < le && p - s < 80 && (is_word(*p) || *p == '.'))
            p++;
        if (!(p - s >= 5 && p + 1 < le && p[0] == ':' && p[1] == ' ' &&
              (ci_find(s, p, "error") || ci_find(s, p, "exception"))))
            break;
        s = p + 2;
    }
    return s;
}

char *read_phrase_message(const struct reading *r, const char *u, size_t n)
{
    if (!r->phrase || r->phrase_pos >= n)
        return NULL;
    const char *end = u + n;
    const char *ls = u + r->phrase_pos;
    while (ls > u && ls[-1] != '\n')
        ls--;
    struct sbuf sb;
    sbuf_init(&sb);
    const char *p = ls;
    for (int lines = 0; p < end && lines < 6 && sb.len < 600; lines++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        const char *s = skip_spaces(p, le);
        if (lines > 0 && (s == le || strncmp(s, "at ", 3) == 0 || strncmp(s, "File \"", 6) == 0 ||
                          strncmp(s, "Traceback", 9) == 0 || strncmp(s, "package:", 8) == 0 ||
                          *s == '{' || *s == '[' || property_line(s, le)))
            break;
        if (lines == 0)
            s = strip_exception(strip_lead(s, le), le);
        sbuf_add(&sb, s, (size_t)(le - s));
        sbuf_addc(&sb, ' ');
        p = nl ? nl + 1 : end;
    }
    sbuf_add(&sb, "", 0);
    size_t len = textfix_collapse(sb.buf);
    /* Details printed after the message (" [{\"@type\": …}]") are not it. */
    static const char *const details[] = {" [{\"", " [{'", " {\"", " {'"};
    for (size_t i = 0; i < ARRAY_SIZE(details); i++) {
        const char *hit = ci_find(sb.buf, sb.buf + len, details[i]);
        if (hit && hit > sb.buf) {
            len = (size_t)(hit - sb.buf);
            sb.buf[len] = '\0';
        }
    }
    /* "[API Error: message]" loses its closing bracket too. */
    if (len && sb.buf[len - 1] == ']' && !memchr(sb.buf, '[', len - 1))
        sb.buf[--len] = '\0';
    if (len > 600) {
        char *cut = textfix_strndup_utf8(sb.buf, len, 600);
        sbuf_release(&sb);
        return cut;
    }
    if (!len) {
        sbuf_release(&sb);
        return NULL;
    }
    return sbuf_detach(&sb);
}

/* HTTP reason phrases that follow a code at the start of a wrapper's
 * message ("400 Bad Request: …"). */
static const char *const reason_phrases[] = {
    "Bad Request",         "Unauthorized",        "Payment Required",
    "Forbidden",           "Not Found",           "Request Timeout",
    "Precondition Failed", "Too Many Requests",   "Internal Server Error",
    "Bad Gateway",         "Service Unavailable", "Gateway Timeout",
};

/* A leading status code, with its reason phrase or canonical status after
 * it ("400 ", "429 Too Many Requests: ", "403 PERMISSION_DENIED. "), or a
 * bracketed one ("[400 Bad Request] "); returns where the rest starts, s
 * itself when there is none or nothing would be left. */
static const char *strip_code(const char *s, const char *e)
{
    const char *p = s;
    int bracket = p < e && *p == '[';
    if (bracket)
        p++;
    if (!code_at(p, e) || p + 3 >= e || (p[3] != ' ' && p[3] != ']' && p[3] != ':'))
        return s;
    p += 3;
    p = skip_spaces(p, e);
    for (size_t i = 0; i < ARRAY_SIZE(reason_phrases); i++) {
        size_t l = strlen(reason_phrases[i]);
        if ((size_t)(e - p) >= l && gd_strncasecmp(p, reason_phrases[i], l) == 0 &&
            (p + l == e || !is_alpha(p[l]))) {
            p += l;
            break;
        }
    }
    const char *w = p;
    while (w < e && is_word(*w) && w - p < 24)
        w++;
    if (w > p && canonical_status(p, (size_t)(w - p)) && (w == e || !is_word(*w)))
        p = w;
    if (bracket) {
        p = skip_spaces(p, e);
        if (p >= e || *p != ']')
            return s;
        p++;
    }
    while (p < e && (*p == ' ' || *p == ':' || *p == '.' || *p == '-' || *p == ','))
        p++;
    return e - p >= 3 ? p : s;
}

/* A wrapper's label before a code: "Invalid argument provided to Gemini:
 * 400 …", "Request failed: 429 …". A label is short and holds no sentence
 * end; returns where the code starts, s when there is none. */
static const char *strip_label(const char *s, const char *e)
{
    const char *lim = e - s > 100 ? s + 100 : e;
    if (lim <= s)
        return s;
    for (const char *c = memchr(s, ':', (size_t)(lim - s)); c;
         c = c + 1 < lim ? memchr(c + 1, ':', (size_t)(lim - c - 1)) : NULL) {
        if (ci_find(s, c, ". "))
            return s;
        const char *p = skip_spaces(c + 1, e);
        if (code_at(p, e) && p + 3 < e && p[3] == ' ')
            return p;
        /* "Error calling (Status: 500, Code: 500): message": the code sits
         * in a parenthesis that ends the label. */
        if (c > s && c[-1] == ')' && p < e) {
            const char *o = c - 1;
            while (o > s && o[-1] != '(')
                o--;
            for (const char *d = o; o > s && d + 3 <= c - 1; d++) {
                if ((d == o || !is_digit(d[-1])) && code_at(d, c - 1) && !is_digit(d[3]))
                    return p;
            }
        }
    }
    return s;
}

static int quote_count(const char *s, const char *e, char q)
{
    int n = 0;
    for (; s < e; s++)
        n += *s == q;
    return n;
}

/* A labelled quotation at the end ("メッセージ:「…」", "原因:"…""): the
 * quoted words are Google's. Returns 1 and the inner range when found. */
static int quoted_tail(const char *s, const char *e, const char **qs, const char **qe)
{
    static const struct {
        const char *open, *close;
    } pairs[] = {{"\xe3\x80\x8c", "\xe3\x80\x8d"}, {"\xe3\x80\x8e", "\xe3\x80\x8f"}, {"\"", "\""}};
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        size_t cl = strlen(pairs[i].close), ol = strlen(pairs[i].open);
        if ((size_t)(e - s) < cl + ol || memcmp(e - cl, pairs[i].close, cl) != 0)
            continue;
        const char *o = NULL;
        for (const char *p = e - cl; p - s >= (ptrdiff_t)ol; p--) {
            if (memcmp(p - ol, pairs[i].open, ol) == 0) {
                o = p - ol;
                break;
            }
        }
        if (!o)
            continue;
        const char *before = o;
        while (before > s && before[-1] == ' ')
            before--;
        if (before == s || (before[-1] != ':' && before[-1] != '='))
            continue;
        if ((e - cl) - (o + ol) < 10)
            continue;
        *qs = o + ol;
        *qe = e - cl;
        return 1;
    }
    return 0;
}

/* The Vercel AI SDK's retry wrapper before the last error's message:
 * "Failed after 3 attempts. Last error: …" or "Failed after 3 attempts with
 * non-retryable error: '…'" (its quotes go with the cut-punctuation rule). */
static const char *strip_retry(const char *s, const char *e)
{
    static const char *const tails[] = {" attempts. Last error: ",
                                        " attempts with non-retryable error: "};
    if ((size_t)(e - s) < 14 || strncmp(s, "Failed after ", 13) != 0)
        return s;
    const char *p = s + 13;
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    if (p == s + 13)
        return s;
    for (size_t i = 0; i < ARRAY_SIZE(tails); i++) {
        size_t l = strlen(tails[i]);
        if ((size_t)(e - p) > l && strncmp(p, tails[i], l) == 0)
            return p + l;
    }
    return s;
}

/* A JavaScript string printed as a concatenation ('line one\n' +
 * 'line two'): the joins go, and a trailing " +" that a cut left. */
static void join_concat(char *msg)
{
    char *w = msg;
    char q = 0;
    for (const char *p = msg; *p;) {
        if ((p[0] == '\'' || p[0] == '"') && p[1] == ' ' && p[2] == '+' && p[3] == ' ' &&
            p[4] == p[0]) {
            q = p[0];
            p += 5;
            continue;
        }
        *w++ = *p++;
    }
    size_t n = (size_t)(w - msg);
    if (n >= 3 && msg[n - 1] == '+' && msg[n - 2] == ' ' &&
        (msg[n - 3] == '\'' || msg[n - 3] == '"')) {
        q = msg[n - 3];
        n -= 2;
    }
    /* The outer quotes of the joined string go with the joins. */
    while (q && n > 0 && msg[n - 1] == ' ')
        n--;
    if (q && n >= 2 && msg[0] == q && msg[n - 1] == q) {
        memmove(msg, msg + 1, n - 2);
        n -= 2;
    }
    msg[n] = '\0';
}

size_t read_clean_message(char *msg, int from_text)
{
    static const char *const cuts[] = {", Traceback:", " Traceback (most recent call last)"};
    if (from_text)
        join_concat(msg);
    const char *s = msg, *e = msg + strlen(msg);

    if (from_text) {
        for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
            const char *hit = ci_find(s, e, cuts[i]);
            if (hit && hit > s)
                e = hit;
        }
        for (int round = 0; round < 8; round++) {
            const char *before = s;
            s = strip_retry(strip_exception(strip_lead(s, e), e), e);
            /* A log tag ("[エラー] ", "[WARN] "): a short bracket, no spaces. */
            if (s < e && *s == '[') {
                const char *c = s + 1;
                while (c < e && c - s < 32 && *c != ']' && *c != ' ')
                    c++;
                if (c < e && *c == ']' && c > s + 1 && !code_at(s + 1, e))
                    s = skip_spaces(c + 1, e);
            }
            s = strip_code(strip_label(s, e), e);
            if (s == before)
                break;
        }
        const char *qs, *qe;
        if (quoted_tail(s, e, &qs, &qe)) {
            s = qs;
            e = qe;
        }
    }
    /* JSON or Markdown punctuation the value was cut with: a trailing ","
     * or ";", and a quote or backtick that has no partner in the text. */
    for (int round = 0; round < 6; round++) {
        while (e > s && (e[-1] == ' ' || e[-1] == ',' || e[-1] == ';'))
            e--;
        while (s < e && *s == ' ')
            s++;
        if (e > s && (e[-1] == '"' || e[-1] == '`' || e[-1] == '\'') &&
            quote_count(s, e, e[-1]) % 2 == 1) {
            e--;
            continue;
        }
        if (e > s && (*s == '"' || *s == '`' || *s == '\'') && quote_count(s, e, *s) % 2 == 1) {
            s++;
            continue;
        }
        break;
    }
    size_t n = (size_t)(e - s);
    memmove(msg, s, n);
    msg[n] = '\0';
    return n;
}
