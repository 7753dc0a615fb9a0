/*
 * read_kv: the reader's tolerant key/value scanner. It is not a JSON parser:
 * it walks the cleaned text once, recognises keys written as JSON
 * ("code": 429), Python reprs ('code': 429), escaped JSON at any depth
 * (\"code\": 429, \\\"code\\\": 429), protobuf text (reason: "X",
 * metadata { key: "service" value: "…" }) and "Key: value" prose, and offers
 * their values to the reading's candidates with a depth.
 *
 * Depth is how deeply the key is nested inside strings: the number of escape
 * layers its quotes carry (a quote with 2^k - 1 backslashes before it is k
 * layers deep) plus the number of enclosing string values that hold JSON.
 * Deeper values are Google's own body inside a wrapper, so they win.
 *
 * Strings end at their closing quote, or, when quotes inside were left
 * unescaped, at a quote followed by , } ] ) ; or a line end. A string that
 * holds JSON is scanned inside; a plain one is skipped. Every search is
 * bounded or cached, so the scan stays linear on hostile input.
 */
#include "read_priv.h"

#include <stdlib.h>
#include <string.h>

#include "textfix.h"
#include "util.h"

#define KEY_MAX 48
#define MAX_REGIONS 64
/* String ends are cached per quote character and backslash count (below
 * CACHE_B); deeper strings search at most FAR_SEARCH bytes. */
#define CACHE_B 64
#define FAR_SEARCH ((size_t)64 << 10)
/* A string that never closes is read up to this many bytes. */
#define UNCLOSED_MAX 1024
#define MAX_STACK 65536

enum kid {
    K_NONE,
    K_ERROR,
    K_CODE,
    K_STATUS,
    K_MESSAGE,
    K_REASON,
    K_DOMAIN,
    K_SERVICE,
    K_MODEL,
    K_QUOTA_ID,
    K_QUOTA_METRIC,
    K_QUOTA_VALUE,
    K_LOCATION,
    K_QUOTA_LOCATION,
    K_QUOTA_DIMS,
    K_VIOLATIONS,
    K_RETRY_DELAY,
    K_SECONDS,
    K_NANOS,
    K_URL,
    K_LINKS,
    K_FIELD_VIOLATIONS,
    K_FIELD,
    K_DESCRIPTION,
    K_KEY,
    K_VALUE,
    K_METADATA,
    K_GRPC_STATUS,
    K_RETRY_AFTER,
    K_TYPE,
    K_BLOCK_REASON,
};

static const struct {
    const char *name;
    enum kid id;
} keys[] = {
    {"error", K_ERROR},
    {"code", K_CODE},
    {"status", K_STATUS},
    {"statusCode", K_STATUS},
    {"status_code", K_STATUS},
    {"message", K_MESSAGE},
    {"grpc_message", K_MESSAGE},
    {"errorMessage", K_MESSAGE},
    {"error_message", K_MESSAGE},
    {"reason", K_REASON},
    {"domain", K_DOMAIN},
    {"service", K_SERVICE},
    {"model", K_MODEL},
    {"modelId", K_MODEL},
    {"model_id", K_MODEL},
    {"modelName", K_MODEL},
    {"model_name", K_MODEL},
    {"quotaId", K_QUOTA_ID},
    {"quota_id", K_QUOTA_ID},
    {"quota_limit", K_QUOTA_ID},
    {"quotaMetric", K_QUOTA_METRIC},
    {"quota_metric", K_QUOTA_METRIC},
    {"quotaValue", K_QUOTA_VALUE},
    {"quota_value", K_QUOTA_VALUE},
    {"quota_limit_value", K_QUOTA_VALUE},
    {"location", K_LOCATION},
    {"quota_location", K_QUOTA_LOCATION},
    {"quotaDimensions", K_QUOTA_DIMS},
    {"quota_dimensions", K_QUOTA_DIMS},
    {"violations", K_VIOLATIONS},
    {"retryDelay", K_RETRY_DELAY},
    {"retry_delay", K_RETRY_DELAY},
    {"seconds", K_SECONDS},
    {"nanos", K_NANOS},
    {"url", K_URL},
    {"links", K_LINKS},
    {"fieldViolations", K_FIELD_VIOLATIONS},
    {"field_violations", K_FIELD_VIOLATIONS},
    {"field", K_FIELD},
    {"description", K_DESCRIPTION},
    {"key", K_KEY},
    {"value", K_VALUE},
    {"metadata", K_METADATA},
    {"grpc_status", K_GRPC_STATUS},
    {"retry-after", K_RETRY_AFTER},
    {"retry_after", K_RETRY_AFTER},
    {"retryAfter", K_RETRY_AFTER},
    {"@type", K_TYPE},
    {"blockReason", K_BLOCK_REASON},
    {"block_reason", K_BLOCK_REASON},
    {"finishReason", K_BLOCK_REASON},
    {"finish_reason", K_BLOCK_REASON},
};

enum vkind { V_NONE, V_STR, V_NUM, V_BARE, V_OBJ };

struct val {
    enum vkind kind;
    size_t s, e; /* content range in t */
    size_t next; /* where the scan continues */
    int json;    /* a string that holds JSON */
    double num;
};

struct end_cache {
    int used;
    char q;
    size_t b;
    size_t from, end;
};

struct kv {
    struct reading *r;
    const char *t;
    size_t n;
    size_t region_end[MAX_REGIONS];
    int nregions;
    int brace_fail;
    struct end_cache cache[2][CACHE_B];
    /* The first error object at or after err_from is at err_at (k->n when
     * none): answers holds_json() for every later start up to err_at. */
    size_t err_from, err_at;
    int err_valid;
    enum kid ctx;
    char *meta_key;
    int retry_proto_depth;
    /* Object nesting: which open braces belong to an "error" key, so an
     * error object inside another error's fields counts as deeper. */
    unsigned char *is_err;
    size_t sp;
    int nerr;
    size_t error_open_at;
};

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_keych(char c)
{
    return is_alpha(c) || is_digit(c) || c == '_' || c == '@' || c == '-' || c == '$';
}

static enum kid lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
        if (strlen(keys[i].name) == n && gd_strncasecmp(keys[i].name, s, n) == 0)
            return keys[i].id;
    }
    return K_NONE;
}

/* Escape layers of a quote with b backslashes before it: 2^k - 1 -> k. */
static int esc_depth(size_t b)
{
    int k = 0;
    while (k < 30 && (((size_t)2 << k) - 1) <= b)
        k++;
    return k;
}

static int depth_at(struct kv *k, size_t pos, size_t b)
{
    while (k->nregions > 0 && k->region_end[k->nregions - 1] <= pos)
        k->nregions--;
    return esc_depth(b) + k->nregions + (k->nerr > 1 ? k->nerr - 1 : 0);
}

static void open_brace(struct kv *k, size_t pos)
{
    int err = k->error_open_at == pos + 1;
    if (k->sp < MAX_STACK) {
        k->is_err[k->sp] = (unsigned char)err;
        k->nerr += err;
    }
    k->sp++;
}

static void close_brace(struct kv *k)
{
    if (k->sp == 0)
        return;
    k->sp--;
    if (k->sp < MAX_STACK)
        k->nerr -= k->is_err[k->sp];
}

/* After a candidate closing quote at j: does what follows end a value? */
static int ends_value(const struct kv *k, size_t j)
{
    const char *t = k->t;
    size_t p = j + 1, steps = 0;
    int crossed = 0;

    while (p < k->n && steps++ < 256) {
        char c = t[p];
        if (c == ' ') {
            p++;
        } else if (c == '\n') {
            crossed = 1;
            p++;
        } else if (c == '\\') {
            size_t q = p;
            while (q < k->n && t[q] == '\\' && q - p < 64)
                q++;
            if (q < k->n && (t[q] == 'n' || t[q] == 'r' || t[q] == 't'))
                p = q + 1;
            else
                break;
        } else {
            break;
        }
    }
    if (p >= k->n || crossed)
        return 1;
    if (strchr(",}]);", t[p]) != NULL)
        return 1;
    /* Protobuf text printed on one line: reason: "X" domain: "Y" metadata {
     * key: "k" value: "v" }. A known key after a space, then ": \"" or " {",
     * starts the next field. */
    if (p > j + 1 && (is_alpha(t[p]) || t[p] == '_')) {
        size_t w = p;
        while (w < k->n && w - p <= KEY_MAX && is_keych(t[w]))
            w++;
        size_t kl = w - p;
        while (w < k->n && t[w] == ' ')
            w++;
        if (kl == 0 || kl > KEY_MAX || w + 1 >= k->n || lookup(t + p, kl) == K_NONE)
            return 0;
        if (t[w] == '{')
            return 1;
        return t[w] == ':' && t[w + 1] == ' ' && w + 2 < k->n &&
               (t[w + 2] == '"' || is_digit(t[w + 2]));
    }
    return 0;
}

/* Position of the quote that closes a string opened by quote q at qpos with
 * b backslashes before it; k->n when the string never closes. */
static size_t str_end(struct kv *k, size_t qpos, char q, size_t b)
{
    size_t start = qpos + 1;
    struct end_cache *c = b < CACHE_B ? &k->cache[q == '"'][b] : NULL;
    if (c && c->used && c->from <= start && start <= c->end)
        return c->end;
    size_t j = start, end = k->n;
    size_t lim = c || k->n - start < FAR_SEARCH ? k->n : start + FAR_SEARCH;
    while (j < lim) {
        const char *hit = memchr(k->t + j, q, lim - j);
        if (!hit)
            break;
        j = (size_t)(hit - k->t);
        size_t r = 0;
        while (r <= b && j > start + r && k->t[j - 1 - r] == '\\')
            r++;
        if (r < b || (r == b && ends_value(k, j))) {
            end = j;
            break;
        }
        j++;
    }
    if (c) {
        c->used = 1;
        c->from = start;
        c->end = end;
    }
    return end;
}

/* Skip spaces, newlines and escaped newlines in t from p, within [p, lim). */
static size_t skip_ws_in(const char *t, size_t p, size_t lim)
{
    while (p < lim) {
        char c = t[p];
        if (c == ' ' || c == '\n') {
            p++;
            continue;
        }
        if (c == '\\') {
            size_t q = p;
            while (q < lim && t[q] == '\\' && q - p < 64)
                q++;
            if (q < lim && (t[q] == 'n' || t[q] == 'r' || t[q] == 't')) {
                p = q + 1;
                continue;
            }
        }
        break;
    }
    return p;
}

static size_t skip_ws(const struct kv *k, size_t p, size_t lim)
{
    return skip_ws_in(k->t, p, lim);
}

size_t read_error_object(const char *t, size_t n, size_t from)
{
    for (size_t i = from; i < n; i++) {
        if (t[i] != '{' && t[i] != '[')
            continue;
        size_t lim = n - i > 200 ? i + 200 : n;
        size_t p = skip_ws_in(t, i + 1, lim);
        if (p < lim && t[p] == '{')
            p = skip_ws_in(t, p + 1, lim);
        while (p < lim && t[p] == '\\')
            p++;
        if (p >= lim || (t[p] != '"' && t[p] != '\''))
            continue;
        p++;
        if (lim - p < 5 || gd_strncasecmp(t + p, "error", 5) != 0)
            continue;
        p += 5;
        while (p < lim && (t[p] == '\\' || t[p] == '"' || t[p] == '\''))
            p++;
        while (p < lim && t[p] == ' ')
            p++;
        if (p < lim && t[p] == ':')
            return i;
    }
    return n;
}

/* Where the next error object starts at or after from; k->n when none. */
static size_t next_error_object(const struct kv *k, size_t from)
{
    return read_error_object(k->t, k->n, from);
}

/* Does t[s..e) hold an error object? A message that merely quotes some JSON
 * ("Invalid value …, {"type": "object"}") is still a message. Starts only
 * move forward, so the cached answer keeps this linear. */
static int holds_json(struct kv *k, size_t s, size_t e)
{
    if (!k->err_valid || s < k->err_from || s > k->err_at) {
        k->err_from = s;
        k->err_at = next_error_object(k, s);
        k->err_valid = 1;
    }
    return k->err_at < e;
}

/* For a string whose quotes inside lost their escapes: the end of the
 * balanced {…} starting at open, then the closing quote, within reason. */
static size_t brace_end(struct kv *k, size_t open, char q)
{
    int level = 0;
    size_t i;
    for (i = open; i < k->n; i++) {
        char c = k->t[i];
        if (c == '{' || c == '[') {
            level++;
        } else if (c == '}' || c == ']') {
            level--;
            if (level == 0)
                break;
        }
    }
    if (i >= k->n) {
        k->brace_fail = 1;
        return k->n;
    }
    /* "}\n"" or "}n"" (stripped escapes) before the closing quote. */
    size_t p = i + 1, lim = i + 24 < k->n ? i + 24 : k->n;
    while (p < lim && (k->t[p] == ' ' || k->t[p] == '\n' || k->t[p] == '\\' || k->t[p] == 'n'))
        p++;
    if (p < lim && k->t[p] == q)
        return p;
    return k->n;
}

static void parse_value(struct kv *k, size_t pos, struct val *v)
{
    const char *t = k->t;
    size_t p = pos;

    memset(v, 0, sizeof(*v));
    v->next = pos;
    while (p < k->n && p - pos < 64 && (t[p] == ' ' || t[p] == '\n'))
        p++;
    if (p >= k->n)
        return;
    char c = t[p];
    if (c == '{' || c == '[') {
        v->kind = V_OBJ;
        v->next = p;
        return;
    }
    size_t b = 0;
    while (p + b < k->n && t[p + b] == '\\' && b < 4096)
        b++;
    if (p + b < k->n && (t[p + b] == '"' || t[p + b] == '\'')) {
        size_t qpos = p + b;
        char q = t[qpos];
        size_t end = str_end(k, qpos, q, b);
        size_t s = qpos + 1;
        size_t e = end < k->n ? end - b : k->n;
        if (e < s)
            e = s;
        if (end >= k->n) {
            /* Truncated: read the rest of the line, within a bound. */
            if (e - s > UNCLOSED_MAX)
                e = s + UNCLOSED_MAX;
            const char *nl = memchr(t + s, '\n', e - s);
            if (nl)
                e = (size_t)(nl - t);
        }
        size_t first = skip_ws(k, s, e);
        int starts_json = first < e && (t[first] == '{' || t[first] == '[');
        if (starts_json && !k->brace_fail && k->nregions < MAX_REGIONS) {
            int level = 0;
            size_t lim = e - first > FAR_SEARCH ? first + FAR_SEARCH : e;
            for (size_t i = first; i < lim; i++) {
                if (t[i] == '{' || t[i] == '[')
                    level++;
                else if (t[i] == '}' || t[i] == ']')
                    level--;
            }
            if (level > 0) {
                size_t be = brace_end(k, first, q);
                if (be < k->n) {
                    end = be;
                    e = be;
                    while (e > s && t[e - 1] == '\\')
                        e--;
                }
            }
        }
        v->kind = V_STR;
        v->s = s;
        v->e = e;
        v->json = starts_json || holds_json(k, s, e);
        if (v->json) {
            if (k->nregions < MAX_REGIONS)
                k->region_end[k->nregions++] = end;
            v->next = s;
        } else {
            v->next = end < k->n ? end + 1 : s;
        }
        return;
    }
    if (is_digit(c) || (c == '-' && p + 1 < k->n && is_digit(t[p + 1]))) {
        char num[32];
        size_t i = 0;
        while (p + i < k->n && i < sizeof(num) - 1 &&
               (is_digit(t[p + i]) || t[p + i] == '.' || t[p + i] == '-' || t[p + i] == 'e' ||
                t[p + i] == 'E' || t[p + i] == '+'))
            i++;
        memcpy(num, t + p, i);
        num[i] = '\0';
        char *endp = NULL;
        v->num = strtod(num, &endp);
        if (endp == num)
            return;
        v->kind = V_NUM;
        v->s = p;
        v->e = p + i;
        v->next = p + i;
        return;
    }
    if (is_alpha(c)) {
        size_t i = p;
        while (i < k->n && i - p < 200 &&
               (is_alpha(t[i]) || is_digit(t[i]) || t[i] == '_' || t[i] == '-' || t[i] == '.' ||
                t[i] == '/' || t[i] == '@'))
            i++;
        v->kind = V_BARE;
        v->s = p;
        v->e = i;
        v->next = p;
    }
}

static int upper_snake(const char *s, size_t n)
{
    int letter = 0;
    if (n == 0 || n > 80)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] >= 'A' && s[i] <= 'Z')
            letter = 1;
        else if (!is_digit(s[i]) && s[i] != '_')
            return 0;
    }
    return letter;
}

/* Does s[0..n) look like an ErrorInfo reason: UPPER_SNAKE_CASE (at least
 * four characters, starting with a letter) or a lowerCamel reason of Google's
 * older JSON APIs (errors[].reason) that v lists? */
static int reason_like(const struct reader_vocab *v, const char *s, size_t n)
{
    if (n >= 4 && upper_snake(s, n) && s[0] >= 'A' && s[0] <= 'Z')
        return 1;
    for (size_t i = 0; i < v->nlegacy_reasons; i++) {
        if (strlen(v->legacy_reasons[i]) == n && memcmp(v->legacy_reasons[i], s, n) == 0)
            return 1;
    }
    return 0;
}

static int lower_snake(const char *s, size_t n)
{
    if (n == 0 || n > 48)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
            return 0;
    }
    return 1;
}

static int all_digits(const char *s, size_t n)
{
    if (n == 0 || n > 6)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
    }
    return 1;
}

static int reason_phrase(const char *s, size_t n)
{
    if (n == 0 || n > 40 || !(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_alpha(s[i]) && s[i] != ' ' && s[i] != '-')
            return 0;
    }
    return 1;
}

static const char *memfind(const char *s, size_t n, const char *needle)
{
    return gd_memcasemem(s, n, needle, strlen(needle));
}

static void offer_http(struct reading *r, double v, int depth, int q)
{
    if (v >= 100 && v <= 599 && v == (int)v)
        cand_offer_num(&r->http, v, depth, q);
}

static void flush_field(struct kv *k)
{
    struct reading *r = k->r;
    if (r->pending_field) {
        reading_field(r, r->pending_field, strlen(r->pending_field), r->pending_field_depth);
        free(r->pending_field);
        r->pending_field = NULL;
    }
}

static void set_ctx(struct kv *k, enum kid id)
{
    if (id == K_VIOLATIONS)
        reading_quota_close(k->r);
    if (id != K_FIELD_VIOLATIONS && k->ctx == K_FIELD_VIOLATIONS)
        flush_field(k);
    k->ctx = id;
}

/* A protobuf metadata pair (key: "service" value: "…"). */
static void meta_pair(struct kv *k, const char *name, const char *s, size_t n, int depth, int q)
{
    struct reading *r = k->r;
    if (k->ctx == K_QUOTA_DIMS && strcmp(name, "model") == 0) {
        reading_quota(r, QP_MODEL, s, n, depth);
    } else if (k->ctx == K_QUOTA_DIMS && strcmp(name, "location") == 0) {
        reading_quota(r, QP_LOCATION, s, n, depth);
        return;
    }
    if (strcmp(name, "service") == 0) {
        cand_offer_str(&r->service, s, n, depth, q);
    } else if (strcmp(name, "model") == 0) {
        char *m = model_name(k->r->v, s, n);
        if (m) {
            cand_offer_str(&r->model, m, strlen(m), depth, q);
            free(m);
        }
    } else if (strcmp(name, "quota_metric") == 0) {
        reading_quota(r, QP_METRIC, s, n, depth);
    } else if (strcmp(name, "quota_limit") == 0 || strcmp(name, "quota_id") == 0) {
        reading_quota(r, QP_ID, s, n, depth);
    } else if (strcmp(name, "quota_limit_value") == 0) {
        reading_quota(r, QP_VALUE, s, n, depth);
    } else if (strcmp(name, "quota_location") == 0) {
        reading_quota(r, QP_LOCATION, s, n, depth);
    }
}

static int api_url(const char *s, size_t n)
{
    return memfind(s, n, "googleapis.com/v") || memfind(s, n, ":generateContent") ||
           memfind(s, n, ":streamGenerateContent") || memfind(s, n, "/models/");
}

/* A string value (also a bare word or a number's text) for key id. */
static void take_string(struct kv *k, enum kid id, const char *s, size_t n, int depth, int q,
                        int bare)
{
    struct reading *r = k->r;

    switch (id) {
    case K_CODE:
        if (all_digits(s, n))
            offer_http(r, strtod(s, NULL), depth, q);
        else if (lower_snake(s, n))
            cand_offer_str(&r->api_code, s, n, depth, q);
        break;
    case K_STATUS: {
        const char *st = canonical_status(s, n);
        if (st)
            cand_offer_str(&r->status, st, strlen(st), depth, q);
        else if (all_digits(s, n) && strtod(s, NULL) >= 400)
            offer_http(r, strtod(s, NULL), depth, q - 1);
        else if (!bare && reason_phrase(s, n))
            cand_offer_str(&r->http_text, s, n, depth, Q_GUESS);
        break;
    }
    case K_MESSAGE:
        cand_offer_str(&r->message, s, n, depth, bare ? Q_PROSE : q);
        break;
    case K_ERROR:
        if (!bare) {
            cand_offer_str(&r->message, s, n, depth, Q_TEXT);
            r->error_string = 1;
        }
        break;
    case K_REASON:
        /* Only a value that looks like an ErrorInfo reason: a label such as
         * "Reason: Request Failed" names no reason. An older API's
         * lowerCamel reason (errors[].reason) yields to ErrorInfo's. */
        if (reason_like(r->v, s, n))
            cand_offer_str(&r->reason, s, n, depth, upper_snake(s, n) ? q : Q_PROSE);
        break;
    case K_DOMAIN:
        cand_offer_str(&r->domain, s, n, depth, memchr(s, '.', n) ? q : Q_PROSE);
        break;
    case K_SERVICE:
        if (memchr(s, '.', n) && n < 120)
            cand_offer_str(&r->service, s, n, depth, q);
        break;
    case K_MODEL: {
        char *m = model_name(k->r->v, s, n);
        if (!m)
            break;
        if (k->ctx == K_QUOTA_DIMS)
            reading_quota(r, QP_MODEL, m, strlen(m), depth);
        cand_offer_str(&r->model, m, strlen(m), depth, bare ? Q_PROSE : q);
        free(m);
        break;
    }
    case K_QUOTA_ID:
        reading_quota(r, QP_ID, s, n, depth);
        break;
    case K_QUOTA_METRIC:
        reading_quota(r, QP_METRIC, s, n, depth);
        break;
    case K_QUOTA_VALUE:
        reading_quota(r, QP_VALUE, s, n, depth);
        break;
    case K_LOCATION:
        if (k->ctx == K_QUOTA_DIMS)
            reading_quota(r, QP_LOCATION, s, n, depth);
        break;
    case K_QUOTA_LOCATION:
        reading_quota(r, QP_LOCATION, s, n, depth);
        break;
    case K_RETRY_DELAY: {
        double secs;
        if (parse_duration(s, n, &secs))
            cand_offer_num(&r->retry, secs, depth, q);
        break;
    }
    case K_RETRY_AFTER:
        if (all_digits(s, n))
            cand_offer_num(&r->retry, strtod(s, NULL), depth, Q_BARE);
        break;
    case K_URL:
        if (n > 8 && strncmp(s, "http", 4) == 0 && !api_url(s, n))
            reading_link(r, s, n, depth);
        break;
    case K_FIELD:
        flush_field(k);
        r->pending_field = xstrndup(s, n < 300 ? n : 300);
        r->pending_field_depth = depth;
        break;
    case K_DESCRIPTION:
        if (k->ctx == K_FIELD_VIOLATIONS || r->pending_field) {
            struct sbuf sb;
            sbuf_init(&sb);
            if (r->pending_field) {
                sbuf_adds(&sb, r->pending_field);
                sbuf_adds(&sb, ": ");
                free(r->pending_field);
                r->pending_field = NULL;
            }
            sbuf_add(&sb, s, n < 600 ? n : 600);
            reading_field(r, sb.buf, sb.len, depth);
            sbuf_release(&sb);
        }
        break;
    case K_KEY:
        free(k->meta_key);
        k->meta_key = xstrndup(s, n < 64 ? n : 64);
        break;
    case K_VALUE:
        if (k->meta_key) {
            meta_pair(k, k->meta_key, s, n, depth, q);
            free(k->meta_key);
            k->meta_key = NULL;
        }
        break;
    case K_TYPE:
        if (memfind(s, n, "QuotaFailure"))
            set_ctx(k, K_VIOLATIONS);
        else if (memfind(s, n, "BadRequest"))
            set_ctx(k, K_FIELD_VIOLATIONS);
        else if (memfind(s, n, "google.rpc.Help"))
            set_ctx(k, K_LINKS);
        else if (memfind(s, n, "RetryInfo"))
            set_ctx(k, K_RETRY_DELAY);
        else
            set_ctx(k, K_METADATA);
        break;
    case K_BLOCK_REASON:
        if (upper_snake(s, n))
            reading_block_reason(r, s, n, depth, q);
        break;
    default:
        break;
    }
}

static void take_number(struct kv *k, enum kid id, const struct val *v, int depth, int q)
{
    struct reading *r = k->r;
    const char *s = k->t + v->s;
    size_t n = v->e - v->s;

    switch (id) {
    case K_CODE:
        offer_http(r, v->num, depth, q);
        break;
    case K_STATUS:
        /* A numeric status is an HTTP code only when it is an error: access
         * logs print "status": 200 everywhere. */
        if (v->num >= 400)
            offer_http(r, v->num, depth, q - 1);
        break;
    case K_GRPC_STATUS: {
        const char *st = v->num >= 0 && v->num <= 16 && v->num == (int)v->num
                             ? grpc_status_name((int)v->num)
                             : NULL;
        if (st)
            cand_offer_str(&r->status, st, strlen(st), depth, Q_BARE);
        break;
    }
    case K_QUOTA_VALUE:
        reading_quota(r, QP_VALUE, s, n, depth);
        break;
    case K_SECONDS:
        if (k->ctx == K_RETRY_DELAY && v->num >= 0 && cand_wins(&r->retry, depth, q)) {
            cand_offer_num(&r->retry, v->num, depth, q);
            k->retry_proto_depth = depth + 1;
        }
        break;
    case K_NANOS:
        if (k->ctx == K_RETRY_DELAY && k->retry_proto_depth == depth + 1 && r->retry.has &&
            v->num > 0 && v->num < 1e9)
            r->retry.num += v->num / 1e9;
        break;
    case K_RETRY_AFTER:
        if (v->num >= 0 && v->num < 1e7)
            cand_offer_num(&r->retry, v->num, depth, Q_BARE);
        break;
    case K_VALUE:
        if (k->meta_key)
            take_string(k, id, s, n, depth, q, 0);
        break;
    default:
        break;
    }
}

/* A "Message: text, Status: X" value written without quotes: the rest of the
 * line, cut before the next capitalised field. */
static size_t bare_text_end(const struct kv *k, size_t s)
{
    static const char *const stops[] = {
        ", Status:", ", status:", ", Code:", ", code:", ", Reason:", " [reason:", " [{"};
    const char *nl = memchr(k->t + s, '\n', k->n - s);
    size_t e = nl ? (size_t)(nl - k->t) : k->n;
    if (e - s > 4000)
        e = s + 4000;
    for (size_t i = 0; i < ARRAY_SIZE(stops); i++) {
        const char *hit = memfind(k->t + s, e - s, stops[i]);
        if (hit)
            e = (size_t)(hit - k->t);
    }
    return e;
}

/* Does the value at t[p] ('{' or '[') hold objects? "error": [{…}] does;
 * prose "Error: [TypeError: fetch failed]" is a bracketed label, no
 * envelope. */
static int list_of_objects(const struct kv *k, size_t p)
{
    if (k->t[p] == '{')
        return 1;
    size_t q = skip_ws(k, p + 1, k->n);
    return q < k->n && (k->t[q] == '{' || k->t[q] == '[');
}

/* Handle key id whose ':' ends at vpos; returns where scanning continues. */
static size_t handle(struct kv *k, enum kid id, size_t vpos, int depth, int quoted)
{
    struct val v;
    int q = quoted ? Q_JSON : Q_BARE;

    /* A wrapper's own "message" beside an "error" object repeats it with
     * its prefix ("400 Developer instruction…"): the one inside the error
     * object is Google's. */
    if (id == K_MESSAGE && quoted && k->nerr == 0)
        q = Q_BARE;
    parse_value(k, vpos, &v);
    switch (v.kind) {
    case V_OBJ:
        if (id == K_ERROR && list_of_objects(k, v.next)) {
            k->r->envelope = 1;
            if (k->t[v.next] == '{')
                k->error_open_at = v.next + 1;
        }
        if (id == K_QUOTA_DIMS || id == K_VIOLATIONS || id == K_RETRY_DELAY || id == K_LINKS ||
            id == K_FIELD_VIOLATIONS || id == K_METADATA)
            set_ctx(k, id);
        return v.next;
    case V_STR:
        if (!v.json && id != K_NONE) {
            /* Values are cut long before the candidates' bound, then their
             * escape layers are undone. */
            size_t len = v.e - v.s < 8192 ? v.e - v.s : 8192;
            const char *s = k->t + v.s;
            if (memchr(s, '\\', len)) {
                size_t ul;
                char *u = textfix_unescape_all(s, len, &ul);
                take_string(k, id, u, ul, depth, q, 0);
                free(u);
            } else {
                take_string(k, id, s, len, depth, q, 0);
            }
        }
        return v.next;
    case V_NUM:
        if (id != K_NONE)
            take_number(k, id, &v, depth, q);
        return v.next;
    case V_BARE:
        if (id == K_MESSAGE && !quoted) {
            size_t e = bare_text_end(k, v.s);
            take_string(k, id, k->t + v.s, e - v.s, depth, q, 1);
        } else if (id == K_ERROR) {
            /* {"error": true, "message": "…"}: a wrapper's flag that what
             * follows is an error. */
            if (v.e - v.s == 4 && memcmp(k->t + v.s, "true", 4) == 0)
                k->r->envelope = 1;
        } else if (id != K_NONE) {
            take_string(k, id, k->t + v.s, v.e - v.s, depth, q, !quoted);
        }
        return v.next;
    case V_NONE:
        break;
    }
    return v.next;
}

/* A quoted key at i ("code":, 'code':, \"code\":); returns the bytes to
 * advance, 0 when there is none. */
static size_t quoted_key(struct kv *k, size_t i)
{
    const char *t = k->t;
    char q = t[i];
    size_t b = 0;
    while (b < i && t[i - 1 - b] == '\\')
        b++;
    size_t p = i + 1, ns = p;
    while (p < k->n && p - ns <= KEY_MAX && is_keych(t[p]))
        p++;
    size_t nlen = p - ns;
    if (nlen == 0 || nlen > KEY_MAX)
        return 0;
    size_t bb = 0;
    while (p < k->n && t[p] == '\\' && bb <= b) {
        p++;
        bb++;
    }
    if (bb != b || p >= k->n || t[p] != q)
        return 0;
    p++;
    while (p < k->n && t[p] == ' ')
        p++;
    if (p >= k->n || t[p] != ':')
        return 0;
    p++;
    enum kid id = lookup(t + ns, nlen);
    int depth = depth_at(k, i, b);
    size_t next = handle(k, id, p, depth, 1);
    return next > i ? next - i : 1;
}

/* An unquoted key at i (protobuf text or prose); returns the bytes to
 * advance (at least the word), never 0. */
static size_t bare_key(struct kv *k, size_t i)
{
    const char *t = k->t;
    size_t p = i;
    while (p < k->n && p - i <= KEY_MAX && (is_keych(t[p]) || t[p] == '.'))
        p++;
    size_t word = p - i, nlen = word;
    while (p < k->n && t[p] == ' ')
        p++;
    if (p >= k->n || nlen > KEY_MAX || (t[p] != ':' && t[p] != '{'))
        return word;
    enum kid id = lookup(t + i, nlen);
    if (id == K_NONE)
        return word;
    int depth = depth_at(k, i, 0);
    if (t[p] == '{') {
        /* A protobuf message: metadata { … }, retry_delay { … }. */
        if (id == K_ERROR) {
            k->r->envelope = 1;
            k->error_open_at = p + 1;
        } else {
            set_ctx(k, id);
        }
        return p - i;
    }
    p++;
    if (p < k->n && t[p] != ' ' && t[p] != '"' && t[p] != '\'' && !is_digit(t[p]))
        return word;
    size_t next = handle(k, id, p, depth, 0);
    return next > i ? next - i : word;
}

void read_kv(struct reading *r, const char *t, size_t n)
{
    struct kv k;
    memset(&k, 0, sizeof(k));
    k.r = r;
    k.t = t;
    k.n = n;
    k.retry_proto_depth = -1;
    k.is_err = xmalloc(MAX_STACK);

    size_t i = 0;
    while (i < n) {
        char c = t[i];
        if (c == '"' || c == '\'') {
            size_t adv = quoted_key(&k, i);
            i += adv ? adv : 1;
        } else if (c == '{' || c == '[') {
            open_brace(&k, i);
            i++;
        } else if (c == '}' || c == ']') {
            close_brace(&k);
            i++;
        } else if (is_alpha(c) || c == '_') {
            char prev = i ? t[i - 1] : ' ';
            if (is_keych(prev) || prev == '.' || prev == '"' || prev == '\'' || prev == '\\' ||
                prev == '/') {
                while (i < n && is_keych(t[i]))
                    i++;
                continue;
            }
            i += bare_key(&k, i);
        } else {
            i++;
        }
    }
    flush_field(&k);
    free(k.meta_key);
    free(k.is_err);
}
