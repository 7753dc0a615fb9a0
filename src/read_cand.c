/*
 * read_cand: the reader's candidates (best value per field), its bounded
 * lists (quota violations, help links, field violations) and the small
 * tables every reader file needs (canonical statuses, Interactions API
 * codes, durations, model ids). See read_priv.h.
 */
#define _GNU_SOURCE /* memmem */
#include "read_priv.h"

#include <stdlib.h>
#include <string.h>

#include "textfix.h"
#include "util.h"

/* Values longer than this are cut: messages and ids are short. */
#define CAND_MAX 4000

int cand_wins(const struct cand *c, int depth, int quality)
{
    if (!c->has)
        return 1;
    if (depth != c->depth)
        return depth > c->depth;
    return quality > c->quality;
}

static char *collapse_copy(const char *s, size_t n, size_t max)
{
    char *v = textfix_strndup_utf8(s, n, max);
    textfix_collapse(v);
    return v;
}

void cand_offer_str(struct cand *c, const char *s, size_t n, int depth, int quality)
{
    if (!cand_wins(c, depth, quality))
        return;
    char *v = collapse_copy(s, n, CAND_MAX);
    if (!*v) {
        free(v);
        return;
    }
    free(c->s);
    c->s = v;
    c->has = 1;
    c->depth = depth;
    c->quality = quality;
}

void cand_offer_num(struct cand *c, double v, int depth, int quality)
{
    if (!cand_wins(c, depth, quality))
        return;
    free(c->s);
    c->s = NULL;
    c->num = v;
    c->has = 1;
    c->depth = depth;
    c->quality = quality;
}

void cand_release(struct cand *c)
{
    free(c->s);
    memset(c, 0, sizeof(*c));
}

void reading_init(struct reading *r, const struct reader_vocab *v)
{
    static const struct reader_vocab empty;
    memset(r, 0, sizeof(*r));
    r->v = v ? v : &empty;
    r->limit = -1;
    r->quota_depth = -1;
    r->links_depth = -1;
    r->fields_depth = -1;
    for (int i = 0; i < EV_MAX_QUOTA; i++)
        r->quota[i].value = -1;
}

static void clear_quota(struct reading *r)
{
    for (int i = 0; i < r->nquota; i++) {
        free(r->quota[i].quota_id);
        free(r->quota[i].quota_metric);
        free(r->quota[i].model);
        free(r->quota[i].location);
        memset(&r->quota[i], 0, sizeof(r->quota[i]));
        r->quota[i].value = -1;
    }
    r->nquota = 0;
    r->quota_open = 0;
}

static void clear_list(char **items, int *n)
{
    for (int i = 0; i < *n; i++) {
        free(items[i]);
        items[i] = NULL;
    }
    *n = 0;
}

void reading_release(struct reading *r)
{
    struct cand *all[] = {&r->http,    &r->http_text, &r->status,      &r->api_code,
                          &r->message, &r->reason,    &r->domain,      &r->service,
                          &r->model,   &r->retry,     &r->block_reason};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        cand_release(all[i]);
    clear_quota(r);
    clear_list(r->links, &r->nlinks);
    clear_list(r->fields, &r->nfields);
    free(r->pending_field);
    reading_init(r, r->v);
}

/* Lists keep the items of the deepest level: a deeper item clears what a
 * wrapper said, a shallower one is ignored once a deeper one exists. */
static int list_level(int *list_depth, int depth, int *cleared)
{
    *cleared = 0;
    if (depth < *list_depth)
        return 0;
    if (depth > *list_depth) {
        *list_depth = depth;
        *cleared = 1;
    }
    return 1;
}

void reading_quota_close(struct reading *r)
{
    r->quota_open = 0;
}

void reading_quota(struct reading *r, enum quota_part part, const char *s, size_t n, int depth)
{
    int cleared;
    if (!list_level(&r->quota_depth, depth, &cleared))
        return;
    if (cleared)
        clear_quota(r);
    struct quota_violation *q = r->quota_open ? &r->quota[r->nquota - 1] : NULL;
    int taken = 0;
    if (q) {
        switch (part) {
        case QP_ID:
            taken = q->quota_id != NULL;
            break;
        case QP_METRIC:
            taken = q->quota_metric != NULL;
            break;
        case QP_MODEL:
            taken = q->model != NULL;
            break;
        case QP_LOCATION:
            taken = q->location != NULL;
            break;
        case QP_VALUE:
            taken = q->value >= 0;
            break;
        }
    }
    if (!q || taken) {
        if (r->nquota >= EV_MAX_QUOTA)
            return;
        q = &r->quota[r->nquota++];
        r->quota_open = 1;
    }
    if (part == QP_VALUE) {
        char *v = collapse_copy(s, n, 40);
        char *end = NULL;
        long long x = strtoll(v, &end, 10);
        if (end != v && *end == '\0' && x >= 0)
            q->value = x;
        free(v);
        return;
    }
    char *v = part == QP_MODEL ? model_name(r->v, s, n) : collapse_copy(s, n, 200);
    if (!v)
        return;
    if (!*v) {
        free(v);
        return;
    }
    switch (part) {
    case QP_ID:
        q->quota_id = v;
        break;
    case QP_METRIC:
        q->quota_metric = v;
        break;
    case QP_MODEL:
        q->model = v;
        break;
    case QP_LOCATION:
        q->location = v;
        break;
    case QP_VALUE:
        free(v);
        break;
    }
}

static void list_add(char **items, int *nitems, int max, int *list_depth, const char *s, size_t n,
                     int depth)
{
    int cleared;
    if (!list_level(list_depth, depth, &cleared))
        return;
    if (cleared)
        clear_list(items, nitems);
    char *v = collapse_copy(s, n, 600);
    if (!*v)
        goto drop;
    for (int i = 0; i < *nitems; i++) {
        if (strcmp(items[i], v) == 0)
            goto drop;
    }
    if (*nitems >= max)
        goto drop;
    items[(*nitems)++] = v;
    return;
drop:
    free(v);
}

void reading_link(struct reading *r, const char *s, size_t n, int depth)
{
    list_add(r->links, &r->nlinks, EV_MAX_LINKS, &r->links_depth, s, n, depth);
}

void reading_field(struct reading *r, const char *s, size_t n, int depth)
{
    list_add(r->fields, &r->nfields, EV_MAX_FIELDS, &r->fields_depth, s, n, depth);
}

static const struct {
    const char *name;
    int http;
    int grpc;
} statuses[] = {
    {"OK", 200, 0},
    {"CANCELLED", 499, 1},
    {"UNKNOWN", 500, 2},
    {"INVALID_ARGUMENT", 400, 3},
    {"DEADLINE_EXCEEDED", 504, 4},
    {"NOT_FOUND", 404, 5},
    {"ALREADY_EXISTS", 409, 6},
    {"PERMISSION_DENIED", 403, 7},
    {"RESOURCE_EXHAUSTED", 429, 8},
    {"FAILED_PRECONDITION", 400, 9},
    {"ABORTED", 409, 10},
    {"OUT_OF_RANGE", 400, 11},
    {"UNIMPLEMENTED", 501, 12},
    {"INTERNAL", 500, 13},
    {"UNAVAILABLE", 503, 14},
    {"DATA_LOSS", 500, 15},
    {"UNAUTHENTICATED", 401, 16},
};

void reading_block_reason(struct reading *r, const char *s, size_t n, int depth, int quality)
{
    /* Normal ends of a generation are not blocks. */
    if ((n == 4 && memcmp(s, "STOP", 4) == 0) || (n == 10 && memcmp(s, "MAX_TOKENS", 10) == 0) ||
        (n == 5 && memcmp(s, "OTHER", 5) == 0) || read_memfind(s, n, "UNSPECIFIED", 11))
        return;
    cand_offer_str(&r->block_reason, s, n, depth, quality);
}

const char *canonical_status(const char *s, size_t n)
{
    /* "OK" is not an error status: the reader never reports it. */
    for (size_t i = 1; i < ARRAY_SIZE(statuses); i++) {
        if (strlen(statuses[i].name) == n && memcmp(statuses[i].name, s, n) == 0)
            return statuses[i].name;
    }
    return NULL;
}

const char *grpc_status_name(int code)
{
    for (size_t i = 1; i < ARRAY_SIZE(statuses); i++) {
        if (statuses[i].grpc == code)
            return statuses[i].name;
    }
    return NULL;
}

int status_http(const char *status)
{
    for (size_t i = 1; i < ARRAY_SIZE(statuses); i++) {
        if (strcmp(statuses[i].name, status) == 0)
            return statuses[i].http;
    }
    return 0;
}

int api_code_http(const struct reader_vocab *v, const char *code)
{
    for (size_t i = 0; i < v->napi_codes; i++) {
        if (strcmp(v->api_codes[i].code, code) == 0)
            return v->api_codes[i].http;
    }
    return 0;
}

static int model_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '@';
}

/* Model families whose ids may carry no digit ("gemini-pro", "aqa"). */
static int model_family(const struct reader_vocab *v, const char *s, size_t n)
{
    for (size_t i = 0; i < v->nmodel_families; i++) {
        size_t l = strlen(v->model_families[i]);
        if (n >= l && gd_strncasecmp(s, v->model_families[i], l) == 0)
            return 1;
    }
    return 0;
}

char *model_name(const struct reader_vocab *v, const char *s, size_t n)
{
    /* Keep the last path segment after "models/" (resource names such as
     * projects/p/locations/l/publishers/google/models/x). */
    for (size_t i = n; i >= 7; i--) {
        if (memcmp(s + i - 7, "models/", 7) == 0) {
            s += i;
            n -= i;
            break;
        }
    }
    while (n && (*s == ' ' || *s == '"' || *s == '\''))
        s++, n--;
    size_t k = 0;
    while (k < n && k < 100 && model_char(s[k]))
        k++;
    while (k && (s[k - 1] == '.' || s[k - 1] == '-' || s[k - 1] == '_'))
        k--;
    if (k < 2)
        return NULL;
    int letter = 0, digit = 0;
    for (size_t i = 0; i < k; i++) {
        letter |= (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z');
        digit |= s[i] >= '0' && s[i] <= '9';
    }
    if (!letter)
        return NULL;
    /* A model id has a version number or a known family's name; a word
     * such as "providers" from a class or directory path has neither. */
    if (!digit && !model_family(v, s, k))
        return NULL;
    return xstrndup(s, k);
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static const struct {
    const char *unit;
    double scale;
} units[] = {
    {"milliseconds", 0.001},
    {"millisecond", 0.001},
    {"ms", 0.001},
    {"hours", 3600},
    {"hour", 3600},
    {"hrs", 3600},
    {"hr", 3600},
    {"h", 3600},
    {"minutes", 60},
    {"minute", 60},
    {"mins", 60},
    {"min", 60},
    {"m", 60},
    {"seconds", 1},
    {"second", 1},
    {"secs", 1},
    {"sec", 1},
    {"s", 1},
};

size_t parse_duration(const char *s, size_t n, double *secs)
{
    size_t i = 0, used = 0;
    double total = 0;
    int parts = 0;

    while (i < n && parts < 6) {
        size_t j = i;
        double v = 0, frac = 0.1;
        int nd = 0;
        while (j < n && s[j] >= '0' && s[j] <= '9' && nd < 12) {
            v = v * 10 + (s[j] - '0');
            j++;
            nd++;
        }
        if (!nd)
            break;
        if (j + 1 < n && s[j] == '.' && s[j + 1] >= '0' && s[j + 1] <= '9') {
            j++;
            while (j < n && s[j] >= '0' && s[j] <= '9') {
                if (frac > 1e-9)
                    v += (s[j] - '0') * frac;
                frac /= 10;
                j++;
            }
        }
        size_t k = j;
        if (k < n && s[k] == ' ')
            k++;
        size_t ulen = 0;
        double scale = 0;
        for (size_t u = 0; u < ARRAY_SIZE(units); u++) {
            size_t l = strlen(units[u].unit);
            if (n - k >= l && gd_strncasecmp(s + k, units[u].unit, l) == 0 &&
                (k + l == n || !is_alpha(s[k + l]))) {
                ulen = l;
                scale = units[u].scale;
                break;
            }
        }
        /* "5 m" could be prose; a space is only allowed before a word unit. */
        if (!ulen || (k > j && ulen == 1))
            break;
        total += v * scale;
        parts++;
        i = k + ulen;
        used = i;
    }
    if (!parts)
        return 0;
    *secs = total;
    return used;
}

const char *read_memfind(const char *hay, size_t hn, const char *needle, size_t nn)
{
    /* glibc's memmem is linear in the haystack whatever the needle; a
     * memchr on the first byte and a memcmp at each hit is quadratic on
     * text made of that byte ("aaaa…" against "already exists"). */
    return memmem(hay, hn, needle, nn);
}
