/*
 * stats_otlp: OpenTelemetry spans in OTLP JSON (ExportTraceServiceRequest:
 * resourceSpans → scopeSpans → spans), one document a line as the OTLP file
 * exporter writes them, or one document over many lines. A span is a
 * request when it carries a GenAI semantic-convention attribute or an HTTP
 * status; its fields come from gen_ai.request.model, gen_ai.usage.input_tokens,
 * http.response.status_code, error.type, the span status and its exception
 * event, and the times of the span.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stats_rows.h"
#include "util.h"

/* Attribute keys, first found wins (current names, then older ones). */
static const char *const model_keys[] = {"gen_ai.request.model", "gen_ai.response.model"};
static const char *const token_keys[] = {"gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"};
static const char *const status_keys[] = {"http.response.status_code", "http.status_code"};

struct span_bufs {
    char time[32], status[16], tokens[24], latency[32];
};

/* The value of attribute key in an OTLP attribute list, as text in buf. */
static const char *attr(const cJSON *list, const char *key, char *buf, size_t cap)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, list)
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(a, "key");
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "value");
        const cJSON *x;
        if (!cJSON_IsString(k) || strcmp(k->valuestring, key) != 0 || !cJSON_IsObject(v))
            continue;
        x = cJSON_GetObjectItemCaseSensitive(v, "stringValue");
        if (cJSON_IsString(x))
            return x->valuestring;
        x = cJSON_GetObjectItemCaseSensitive(v, "intValue");
        if (cJSON_IsString(x))
            return x->valuestring;
        if (cJSON_IsNumber(x) ||
            cJSON_IsNumber(x = cJSON_GetObjectItemCaseSensitive(v, "doubleValue"))) {
            snprintf(buf, cap, "%.17g", x->valuedouble);
            return buf;
        }
        return NULL;
    }
    return NULL;
}

static const char *first_attr(const cJSON *list, const char *const *keys, size_t n, char *buf,
                              size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = attr(list, keys[i], buf, cap);
        if (v)
            return v;
    }
    return NULL;
}

static int has_genai(const cJSON *list)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, list)
    {
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(a, "key");
        if (cJSON_IsString(k) && strncmp(k->valuestring, "gen_ai.", 7) == 0)
            return 1;
    }
    return 0;
}

static double nanos(const cJSON *v)
{
    if (cJSON_IsString(v))
        return strtod(v->valuestring, NULL);
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    return 0;
}

static void set(struct stats_span *s, const char *v)
{
    if (!v || !*v)
        return;
    s->p = v;
    s->len = strlen(v);
    s->present = 1;
}

/* The message of the span's exception event, if any. */
static const char *exception_message(const cJSON *span, char *buf, size_t cap)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(span, "events"))
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, "exception") == 0) {
            const char *m = attr(cJSON_GetObjectItemCaseSensitive(e, "attributes"),
                                 "exception.message", buf, cap);
            if (m)
                return m;
        }
    }
    return NULL;
}

static int one_span(const cJSON *span, const cJSON *res_attrs, const char *by_key,
                    void (*emit)(void *, const struct stats_record *), void *arg)
{
    const cJSON *attrs = cJSON_GetObjectItemCaseSensitive(span, "attributes");
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(span, "status");
    struct stats_record r;
    struct span_bufs b;
    char tmp[4][64];
    const char *status = first_attr(attrs, status_keys, ARRAY_SIZE(status_keys), tmp[0], 64);
    if (!has_genai(attrs) && !status)
        return 0;
    memset(&r, 0, sizeof(r));
    double start = nanos(cJSON_GetObjectItemCaseSensitive(span, "startTimeUnixNano"));
    double end = nanos(cJSON_GetObjectItemCaseSensitive(span, "endTimeUnixNano"));
    if (start > 0) {
        snprintf(b.time, sizeof(b.time), "%.3f", start / 1e9);
        set(&r.f[SF_TIME], b.time);
    }
    if (start > 0 && end >= start) {
        snprintf(b.latency, sizeof(b.latency), "%.3f", (end - start) / 1e6);
        set(&r.f[SF_LATENCY], b.latency);
    }
    if (status) {
        snprintf(b.status, sizeof(b.status), "%s", status);
        set(&r.f[SF_STATUS], b.status);
    }
    const char *tok = first_attr(attrs, token_keys, ARRAY_SIZE(token_keys), tmp[1], 64);
    if (tok) {
        snprintf(b.tokens, sizeof(b.tokens), "%s", tok);
        set(&r.f[SF_TOKENS], b.tokens);
    }
    set(&r.f[SF_MODEL], first_attr(attrs, model_keys, ARRAY_SIZE(model_keys), tmp[2], 64));
    /* The error: the exception's message, else the status message, else
     * error.type, when the span failed. */
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(st, "code");
    int failed = (cJSON_IsNumber(code) && code->valueint == 2) ||
                 (cJSON_IsString(code) && strcmp(code->valuestring, "STATUS_CODE_ERROR") == 0);
    const char *msg = exception_message(span, tmp[3], 64);
    const cJSON *sm = cJSON_GetObjectItemCaseSensitive(st, "message");
    if (!msg && cJSON_IsString(sm) && sm->valuestring[0])
        msg = sm->valuestring;
    if (!msg)
        msg = attr(attrs, "error.type", tmp[3], 64);
    if (msg && (failed || (status && atoi(status) >= 400)))
        set(&r.f[SF_ERROR], msg);
    if (by_key) {
        const char *v = attr(attrs, by_key, tmp[0], 64);
        if (!v)
            v = attr(res_attrs, by_key, tmp[0], 64);
        set(&r.f[SF_BY], v);
    }
    emit(arg, &r);
    return 1;
}

int stats_otlp_doc(const char *doc, size_t len, const char *by_key,
                   void (*emit)(void *, const struct stats_record *), void *arg)
{
    cJSON *root = cJSON_ParseWithLength(doc, len);
    const cJSON *rs, *ss, *sp;
    int n = 0;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return -1;
    }
    cJSON_ArrayForEach(rs, cJSON_GetObjectItemCaseSensitive(root, "resourceSpans"))
    {
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(rs, "resource");
        const cJSON *ra = cJSON_GetObjectItemCaseSensitive(res, "attributes");
        const cJSON *scopes = cJSON_GetObjectItemCaseSensitive(rs, "scopeSpans");
        if (!scopes)
            scopes = cJSON_GetObjectItemCaseSensitive(rs, "instrumentationLibrarySpans");
        cJSON_ArrayForEach(ss, scopes)
        {
            cJSON_ArrayForEach(sp, cJSON_GetObjectItemCaseSensitive(ss, "spans"))
            {
                n += one_span(sp, ra, by_key, emit, arg);
            }
        }
    }
    cJSON_Delete(root);
    return n;
}

int stats_json_depth(int depth, int *in_string, const char *s, size_t n)
{
    int esc = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (*in_string) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"')
                *in_string = 0;
        } else if (c == '"') {
            *in_string = 1;
        } else if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return depth;
}
