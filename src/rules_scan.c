/*
 * rules_scan: the scan section of the rules table as typed rows. See
 * rules_scan.h. Strings point into the table's JSON, which outlives this.
 */
#include "rules_scan.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "rules.h"
#include "rules_priv.h"
#include "util.h"

struct scan_rules {
    struct scan_rule *rows;
    int n;
    struct scan_verify_rules verify;
    int has_verify;
    const char **lists; /* every NULL-terminated list, one allocation each */
    int nlists;
};

static const char *const kind_names[] = {
#define X(e, name) name,
    SCAN_KINDS(X)
#undef X
};

static const char *const verify_names[] = {
#define X(e, name) name,
    SCAN_VERIFY_STATES(X)
#undef X
};

static const char *const level_names[] = {"note", "warning", "error"};

static const char *const key_kind_words[] = {"none", "standard", "auth", "oauth", "other"};

const char *scan_level_name(enum scan_level l)
{
    return level_names[l];
}

const char *scan_verify_state_name(enum scan_verify_state st)
{
    return verify_names[st];
}

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; s && i < n; i++)
        if (strcmp(names[i], s) == 0)
            return i;
    return -1;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A NULL-terminated copy of the strings of list o[name]; NULL when absent,
 * and -1 in *bad when it is not a list of strings. */
static const char *const *strings(struct scan_rules *s, const cJSON *o, const char *name, int *bad)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name), *v;
    const char **list;
    int n = 0;

    if (!a)
        return NULL;
    if (!cJSON_IsArray(a)) {
        *bad = 1;
        return NULL;
    }
    list = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*list));
    cJSON_ArrayForEach(v, a)
    {
        if (!cJSON_IsString(v)) {
            *bad = 1;
            break;
        }
        list[n++] = v->valuestring;
    }
    s->lists = xrealloc(s->lists, (size_t)(s->nlists + 1) * sizeof(*s->lists));
    s->lists[s->nlists++] = (const char *)list;
    return list;
}

static int load_row(struct scan_rules *s, const cJSON *o, struct scan_rule *r)
{
    const cJSON *below = cJSON_GetObjectItemCaseSensitive(o, "below");
    int kind, level, bad = 0;

    memset(r, 0, sizeof(*r));
    r->id = str(o, "id");
    if (!r->id)
        return error("rules: a scan rule has no id");
    kind = index_of(kind_names, SCAN_KIND_COUNT, str(o, "kind"));
    if (kind < 0)
        return error("rules: scan rule '%s': unknown kind '%s'", r->id,
                     str(o, "kind") ? str(o, "kind") : "");
    level = index_of(level_names, (int)ARRAY_SIZE(level_names), str(o, "level"));
    if (level < 0)
        return error("rules: scan rule '%s': level is note, warning or error", r->id);
    r->kind = (enum scan_kind)kind;
    r->level = (enum scan_level)level;
    r->title = str(o, "title");
    r->fix = str(o, "fix");
    r->help = str(o, "help");
    if (!r->title || !r->fix || !r->help)
        return error("rules: scan rule '%s' needs a title, a fix and a help text", r->id);
    if (r->kind == SCAN_KEY) {
        int k = index_of(key_kind_words, (int)ARRAY_SIZE(key_kind_words), str(o, "key_kind"));
        if (k <= 0)
            return error("rules: scan rule '%s': key_kind is standard, auth, oauth or other",
                         r->id);
        r->key_kind = (enum key_kind)k;
    }
    if (r->kind == SCAN_MODEL)
        r->words = strings(s, o, "status", &bad);
    else if (r->kind == SCAN_ENV_FILE)
        r->words = strings(s, o, "names", &bad);
    else if (r->kind == SCAN_PARAM) {
        r->words = strings(s, o, "params", &bad);
        r->models = strings(s, o, "models", &bad);
        if (cJSON_IsNumber(below)) {
            r->below = below->valuedouble;
            r->has_below = 1;
        }
        if (!bad && (!r->words || !r->models))
            return error("rules: scan rule '%s' needs params and models", r->id);
    } else if (r->kind == SCAN_RETRY_STATUS) {
        r->words = strings(s, o, "keys", &bad);
        r->codes = strings(s, o, "codes", &bad);
        if (!bad && (!r->words || !r->codes))
            return error("rules: scan rule '%s' needs keys and codes", r->id);
    } else if (r->kind == SCAN_RETRY_EXCEPTION) {
        r->calls = strings(s, o, "calls", &bad);
        r->words = strings(s, o, "names", &bad);
        if (!bad && (!r->calls || !r->words))
            return error("rules: scan rule '%s' needs calls and names", r->id);
    } else if (r->kind == SCAN_RETRY_CALL) {
        r->calls = strings(s, o, "calls", &bad);
        r->has = strings(s, o, "has", &bad);
        r->missing = strings(s, o, "missing", &bad);
        r->module = str(o, "module");
        if (!bad && (!r->calls || !r->missing || !r->module))
            return error("rules: scan rule '%s' needs calls, missing and module", r->id);
    }
    if (bad)
        return error("rules: scan rule '%s': a list holds something other than strings", r->id);
    if ((r->kind == SCAN_MODEL || r->kind == SCAN_ENV_FILE) && !r->words)
        return error("rules: scan rule '%s' needs its %s list", r->id,
                     r->kind == SCAN_MODEL ? "status" : "names");
    return 0;
}

/* A state's optional "http": [LOW, HIGH]; 0 and 0 when absent. */
static int http_range(const cJSON *row, int *lo, int *hi)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(row, "http");
    const cJSON *l = cJSON_GetArrayItem(a, 0), *h = cJSON_GetArrayItem(a, 1);

    *lo = 0;
    *hi = 0;
    if (!a)
        return 0;
    if (cJSON_GetArraySize(a) != 2 || !cJSON_IsNumber(l) || !cJSON_IsNumber(h) ||
        l->valuedouble < 100 || h->valuedouble > 599 || l->valuedouble > h->valuedouble)
        return -1;
    *lo = (int)l->valuedouble;
    *hi = (int)h->valuedouble;
    return 0;
}

/* The scan_verify section, when there is one: a path that starts with '/',
 * a positive bound and a text for every state but none. */
static int load_verify(struct scan_rules *s, const cJSON *o)
{
    struct scan_verify_rules *v = &s->verify;
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(o, "max_keys"), *row;
    int bad = 0;

    if (!o)
        return 0;
    v->path = str(o, "path");
    if (!v->path || v->path[0] != '/' || !cJSON_IsNumber(max) || max->valuedouble < 1 ||
        max->valuedouble > 1000)
        return error("rules: scan_verify needs a path starting with '/' and max_keys 1 to 1000");
    v->max_keys = (int)max->valuedouble;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(o, "states"))
    {
        int st = index_of(verify_names, VERIFY_STATE_COUNT, str(row, "state"));
        if (st <= VERIFY_NONE || !str(row, "text"))
            return error("rules: a scan_verify state needs a known state and a text");
        v->text[st] = str(row, "text");
        v->causes[st] = strings(s, row, "causes", &bad);
        if (bad)
            return error("rules: scan_verify state '%s': causes is a list of cause ids",
                         verify_names[st]);
        if (http_range(row, &v->http_lo[st], &v->http_hi[st]) < 0)
            return error("rules: scan_verify state '%s': http is [LOW, HIGH], 100 to 599",
                         verify_names[st]);
    }
    for (int st = VERIFY_NONE + 1; st < VERIFY_STATE_COUNT; st++)
        if (!v->text[st])
            return error("rules: scan_verify has no state '%s'", verify_names[st]);
    s->has_verify = 1;
    return 0;
}

const struct scan_verify_rules *scan_rules_verify(const struct scan_rules *s)
{
    return s && s->has_verify ? &s->verify : NULL;
}

enum scan_verify_state scan_verify_state_of(const struct scan_verify_rules *v, const char *cause,
                                            int http)
{
    for (int st = VERIFY_NONE + 1; v && cause && st < VERIFY_STATE_COUNT; st++) {
        if (v->http_lo[st] && (http < v->http_lo[st] || http > v->http_hi[st]))
            continue;
        for (int i = 0; v->causes[st] && v->causes[st][i]; i++)
            if (strcmp(v->causes[st][i], cause) == 0)
                return (enum scan_verify_state)st;
    }
    return VERIFY_UNKNOWN;
}

struct scan_rules *scan_rules_load(const struct rule_table *t)
{
    const cJSON *a = rules_section(t, "scan"), *o;
    struct scan_rules *s;

    if (!cJSON_IsArray(a)) {
        error("rules: the table has no scan section (rules/scan.json)");
        return NULL;
    }
    s = xcalloc(1, sizeof(*s));
    s->rows = xcalloc((size_t)cJSON_GetArraySize(a) + 1, sizeof(*s->rows));
    cJSON_ArrayForEach(o, a)
    {
        if (load_row(s, o, &s->rows[s->n]) < 0) {
            scan_rules_free(s);
            return NULL;
        }
        s->n++;
    }
    if (load_verify(s, rules_section(t, "scan_verify")) < 0) {
        scan_rules_free(s);
        return NULL;
    }
    return s;
}

void scan_rules_free(struct scan_rules *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->nlists; i++)
        free((void *)s->lists[i]);
    free(s->lists);
    free(s->rows);
    free(s);
}

int scan_rules_count(const struct scan_rules *s)
{
    return s ? s->n : 0;
}

const struct scan_rule *scan_rules_get(const struct scan_rules *s, int i)
{
    return s && i >= 0 && i < s->n ? &s->rows[i] : NULL;
}
