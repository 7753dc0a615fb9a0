/*
 * json_fast: see json_fast.h. Recursive descent with a depth limit. Strings
 * are copied once, with memchr when they hold no escape, and escapes are
 * decoded on the way (\uXXXX with surrogate pairs to UTF-8). Numbers go
 * through strtod only when they have a fraction or an exponent. Siblings are
 * linked as cJSON links them: next, prev, and the first child's prev
 * pointing at the last.
 */
#include "json_fast.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#define DEPTH_MAX 200

struct parser {
    const char *p, *end;
    int depth;
};

static void skip_ws(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static cJSON *node(int type)
{
    cJSON *c = cJSON_malloc(sizeof(*c));
    if (c) {
        memset(c, 0, sizeof(*c));
        c->type = type;
    }
    return c;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static char *put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        *o++ = (char)cp;
    } else if (cp < 0x800) {
        *o++ = (char)(0xc0 | cp >> 6);
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        *o++ = (char)(0xe0 | cp >> 12);
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    } else {
        *o++ = (char)(0xf0 | cp >> 18);
        *o++ = (char)(0x80 | (cp >> 12 & 0x3f));
        *o++ = (char)(0x80 | (cp >> 6 & 0x3f));
        *o++ = (char)(0x80 | (cp & 0x3f));
    }
    return o;
}

/* A string at ps->p (its opening quote), decoded into a fresh copy. */
static char *string(struct parser *ps)
{
    const char *s = ps->p + 1, *q = memchr(s, '"', (size_t)(ps->end - s));
    char *out, *o;

    if (!q)
        return NULL;
    /* Most strings hold no escape: one copy, found with memchr. Bytes
     * below 0x20 are kept as cJSON keeps them. */
    if (!memchr(s, '\\', (size_t)(q - s))) {
        out = cJSON_malloc((size_t)(q - s) + 1);
        if (!out)
            return NULL;
        memcpy(out, s, (size_t)(q - s));
        out[q - s] = '\0';
        ps->p = q + 1;
        return out;
    }
    q = s;
    while (q < ps->end && *q != '"') {
        if (*q == '\\')
            q++;
        q++;
    }
    if (q >= ps->end)
        return NULL;
    /* Decoded text is never longer than its escaped form. */
    out = cJSON_malloc((size_t)(q - s) + 1);
    if (!out)
        return NULL;
    o = out;
    for (const char *c = s; c < q; c++) {
        if (*c != '\\') {
            *o++ = *c;
            continue;
        }
        c++;
        switch (*c) {
        case '"':
        case '\\':
        case '/':
            *o++ = *c;
            break;
        case 'b':
            *o++ = '\b';
            break;
        case 'f':
            *o++ = '\f';
            break;
        case 'n':
            *o++ = '\n';
            break;
        case 'r':
            *o++ = '\r';
            break;
        case 't':
            *o++ = '\t';
            break;
        case 'u': {
            unsigned cp, lo;
            if (q - c < 5 || hex4(c + 1, &cp))
                goto fail;
            c += 4;
            if (cp >= 0xdc00 && cp <= 0xdfff)
                goto fail;
            if (cp >= 0xd800 && cp <= 0xdbff) {
                if (q - c < 7 || c[1] != '\\' || c[2] != 'u' || hex4(c + 3, &lo) || lo < 0xdc00 ||
                    lo > 0xdfff)
                    goto fail;
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                c += 6;
            }
            if (cp == 0)
                goto fail; /* cJSON's strings end at a NUL */
            o = put_utf8(o, cp);
            break;
        }
        default:
            goto fail;
        }
    }
    *o = '\0';
    ps->p = q + 1;
    return out;
fail:
    cJSON_free(out);
    return NULL;
}

static int number(struct parser *ps, cJSON *c)
{
    const char *s = ps->p, *q = s;
    int frac = 0;
    double v;

    if (q < ps->end && *q == '-')
        q++;
    if (q >= ps->end || *q < '0' || *q > '9')
        return -1;
    if (*q == '0' && q + 1 < ps->end && q[1] >= '0' && q[1] <= '9')
        return -1;
    while (q < ps->end && *q >= '0' && *q <= '9')
        q++;
    if (q < ps->end && *q == '.') {
        frac = 1;
        q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return -1;
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < ps->end && (*q == 'e' || *q == 'E')) {
        frac = 1;
        q++;
        if (q < ps->end && (*q == '+' || *q == '-'))
            q++;
        if (q >= ps->end || *q < '0' || *q > '9')
            return -1;
        while (q < ps->end && *q >= '0' && *q <= '9')
            q++;
    }
    if (frac || q - s > 15) {
        char buf[64];
        if ((size_t)(q - s) >= sizeof(buf))
            return -1;
        memcpy(buf, s, (size_t)(q - s));
        buf[q - s] = '\0';
        v = strtod(buf, NULL);
    } else {
        long long n = 0;
        for (const char *d = *s == '-' ? s + 1 : s; d < q; d++)
            n = n * 10 + (*d - '0');
        v = *s == '-' ? -(double)n : (double)n; /* -0 stays -0 */
    }
    c->valuedouble = v;
    c->valueint = v >= INT_MAX ? INT_MAX : v <= (double)INT_MIN ? INT_MIN : (int)v;
    ps->p = q;
    return 0;
}

static cJSON *value(struct parser *ps);

/* Items of an array or object up to its closing byte; keys for objects. */
static cJSON *container(struct parser *ps, int type, char close)
{
    cJSON *c = node(type), *last = NULL;
    char *key = NULL;

    if (!c)
        return NULL;
    if (++ps->depth > DEPTH_MAX)
        goto fail;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return c;
    }
    for (;;) {
        cJSON *item;
        skip_ws(ps);
        if (type == cJSON_Object) {
            if (ps->p >= ps->end || *ps->p != '"')
                goto fail;
            key = string(ps);
            if (!key)
                goto fail;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                goto fail;
            ps->p++;
            skip_ws(ps);
        }
        item = value(ps);
        if (!item)
            goto fail;
        item->string = key;
        key = NULL;
        if (last) {
            last->next = item;
            item->prev = last;
        } else {
            c->child = item;
        }
        last = item;
        c->child->prev = last;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return c;
        }
        goto fail;
    }
fail:
    cJSON_free(key);
    cJSON_Delete(c);
    return NULL;
}

static int word(struct parser *ps, const char *w, size_t n)
{
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, w, n) != 0)
        return 0;
    ps->p += n;
    return 1;
}

static cJSON *value(struct parser *ps)
{
    cJSON *c;

    if (ps->p >= ps->end)
        return NULL;
    switch (*ps->p) {
    case '{':
        return container(ps, cJSON_Object, '}');
    case '[':
        return container(ps, cJSON_Array, ']');
    case '"':
        c = node(cJSON_String);
        if (c) {
            c->valuestring = string(ps);
            if (!c->valuestring) {
                cJSON_Delete(c);
                return NULL;
            }
        }
        return c;
    case 't':
        return word(ps, "true", 4) ? node(cJSON_True) : NULL;
    case 'f':
        return word(ps, "false", 5) ? node(cJSON_False) : NULL;
    case 'n':
        return word(ps, "null", 4) ? node(cJSON_NULL) : NULL;
    default:
        c = node(cJSON_Number);
        if (c && number(ps, c)) {
            cJSON_Delete(c);
            return NULL;
        }
        return c;
    }
}

struct cJSON *json_fast_parse(const char *s, size_t n)
{
    struct parser ps = {s, s + n, 0};
    cJSON *root;

    skip_ws(&ps);
    root = value(&ps);
    skip_ws(&ps);
    if (root && ps.p != ps.end) {
        cJSON_Delete(root);
        root = NULL;
    }
    return root;
}
