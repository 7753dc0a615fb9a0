/*
 * rules_data: typed views of the data sections that the engine does not
 * decide with but other modules show or use: a key kind's shape
 * (keys.json), the status pages (status.json), the bundle update URL, the
 * limits section as lines to show, the explanations of guide.json (why a
 * check matters, the limits page's guide, the stats recommendations, the
 * check summaries that state Gemini facts), and the data as written for
 * `rules show`. The cJSON behind them stays in the rules module: callers
 * get structs and strings. It also lints guide.json against the program's
 * own lists (check ids, STATS_ADVICE, CHECK_SUMMARIES).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "rules.h"
#include "rules_priv.h"
#include "stats_report.h"
#include "util.h"

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const char *rule_key_kind_name(enum key_kind kind)
{
#define X(k, name)                                                                                 \
    if (kind == k)                                                                                 \
        return name;
    RULE_KEY_KINDS(X)
#undef X
    return NULL;
}

int rules_key_kind(const struct rule_table *t, enum key_kind which, struct key_kind_info *out)
{
    const cJSON *keys = rules_section(t, "keys");
    const char *kind = rule_key_kind_name(which);
    const cJSON *it;

    memset(out, 0, sizeof(*out));
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(keys, "kinds"))
    {
        const char *k = str_of(it, "kind");
        const cJSON *len = cJSON_GetObjectItemCaseSensitive(it, "length");
        if (!k || !kind || strcmp(k, kind) != 0)
            continue;
        out->kind = k;
        out->prefix = str_of(it, "prefix");
        out->header = str_of(it, "header");
        out->note = str_of(it, "note");
        if (cJSON_IsNumber(len) && len->valuedouble > 0 && len->valuedouble < 1000)
            out->length = (int)len->valuedouble;
        return 0;
    }
    return -1;
}

void rules_status_pages(const struct rule_table *t, struct status_pages *out)
{
    const cJSON *p = rules_section(t, "status_pages");
    out->feed_name = str_of(p, "feed_name");
    out->feed_covers = str_of(p, "feed_covers");
    out->developer_api_page = str_of(p, "developer_api_page");
    out->developer_api_note = str_of(p, "developer_api_note");
}

const char *rules_update_url(const struct rule_table *t)
{
    const cJSON *u = rules_section(t, "update_url");
    return cJSON_IsString(u) && u->valuestring[0] ? u->valuestring : NULL;
}

/* ---- the limits section, as lines ---- */

struct lines {
    struct limit_line *v;
    int n, cap;
};

static void line_add(struct lines *l, enum limit_line_kind kind, const char *text,
                     const cJSON *src_of)
{
    struct limit_line *x;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 32;
        l->v = xrealloc(l->v, (size_t)l->cap * sizeof(*l->v));
    }
    x = &l->v[l->n++];
    x->kind = kind;
    x->text = xstrdup(text ? text : "");
    x->source = src_of ? str_of(src_of, "source") : NULL;
    x->verified = x->source ? str_of(src_of, "verified") : NULL;
}

/* A table key read as words: "per_model_numbers" as "per model numbers". */
static void words_of(const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s", key ? key : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

/* One row's fields as "name value, name value": nested objects as
 * "free: rpm 15, tpm 1000000"; where a fact came from is not a field. */
static void row_fields(const cJSON *o, struct sbuf *sb)
{
    const cJSON *c;
    char label[96];

    cJSON_ArrayForEach(c, o)
    {
        if (!c->string || strcmp(c->string, "source") == 0 || strcmp(c->string, "verified") == 0 ||
            strcmp(c->string, "fact") == 0)
            continue;
        words_of(c->string, label, sizeof(label));
        if (cJSON_IsObject(c)) {
            struct sbuf in;
            sbuf_addf(sb, "%s%s:", sb->len ? "; " : "", label);
            sbuf_init(&in);
            row_fields(c, &in);
            sbuf_addf(sb, " %s", in.buf ? in.buf : "");
            sbuf_release(&in);
        } else if (cJSON_IsString(c)) {
            sbuf_addf(sb, "%s%s %s", sb->len ? ", " : "", label, c->valuestring);
        } else if (cJSON_IsNumber(c)) {
            sbuf_addf(sb, "%s%s %g", sb->len ? ", " : "", label, c->valuedouble);
        } else if (cJSON_IsTrue(c)) {
            sbuf_addf(sb, "%s%s", sb->len ? ", " : "", label);
        } else if (cJSON_IsNull(c)) {
            sbuf_addf(sb, "%s%s none", sb->len ? ", " : "", label);
        }
    }
}

/* One section of limits: its name, its fact as a sentence, its rows one
 * line each (or its fields as one line, or its value). */
static void section_lines(struct lines *l, const cJSON *sec)
{
    const cJSON *fact = cJSON_GetObjectItemCaseSensitive(sec, "fact");
    const cJSON *rows = cJSON_IsArray(sec) ? sec : cJSON_GetObjectItemCaseSensitive(sec, "rows");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(sec, "note");
    const cJSON *c;
    char label[96];
    struct sbuf sb;

    words_of(sec->string, label, sizeof(label));
    line_add(l, LIMIT_HEADING, label, NULL);
    if (cJSON_IsString(fact) || cJSON_IsString(text))
        line_add(l, LIMIT_TEXT, cJSON_IsString(fact) ? fact->valuestring : text->valuestring, sec);
    if (cJSON_IsArray(rows)) {
        cJSON_ArrayForEach(c, rows)
        {
            sbuf_init(&sb);
            if (cJSON_IsObject(c))
                row_fields(c, &sb);
            else if (cJSON_IsString(c))
                sbuf_adds(&sb, c->valuestring);
            line_add(l, LIMIT_ITEM, sb.buf, c);
            sbuf_release(&sb);
        }
    } else if (cJSON_IsObject(sec) && !cJSON_IsString(fact)) {
        sbuf_init(&sb);
        row_fields(sec, &sb);
        if (sb.len)
            line_add(l, LIMIT_TEXT, sb.buf, sec);
        sbuf_release(&sb);
    } else if (!cJSON_IsObject(sec)) {
        sbuf_init(&sb);
        if (cJSON_IsString(sec))
            sbuf_adds(&sb, sec->valuestring);
        else if (cJSON_IsNumber(sec))
            sbuf_addf(&sb, "%g", sec->valuedouble);
        line_add(l, LIMIT_TEXT, sb.buf, NULL);
        sbuf_release(&sb);
    }
}

int rules_limit_lines(const struct rule_table *t, struct limit_line **out)
{
    const cJSON *lim = rules_section(t, "limits");
    const cJSON *sec;
    struct lines l = {NULL, 0, 0};

    *out = NULL;
    if (!lim)
        return -1;
    cJSON_ArrayForEach(sec, lim)
    {
        section_lines(&l, sec);
    }
    *out = l.v;
    return l.n;
}

void rules_limit_lines_free(struct limit_line *lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
}

/* ---- the data as written ---- */

static const cJSON *find_in(const struct rule_table *t, const char *section, const char *key,
                            const char *value)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, rules_section(t, section))
    {
        const char *v = str_of(r, key);
        if (v && strcmp(v, value) == 0)
            return r;
    }
    return NULL;
}

char *rules_data_json(const struct rule_table *t, const char *id)
{
    const struct model_info *m;
    const cJSON *o;

    if (!t || !id)
        return NULL;
    o = find_in(t, "rules", "id", id);
    m = o ? NULL : rules_model(t, id);
    if (m)
        o = find_in(t, "models", "name", m->name);
    if (!o && rules_cause(t, id))
        o = find_in(t, "causes", "id", id);
    if (!o)
        o = rules_section(t, id);
    return o ? cJSON_Print(o) : NULL;
}

/* ---- guide.json ---- */

/* text with every {name} of vars (name, value pairs, NULL-terminated)
 * replaced by its value; other braces are kept as written. */
static char *fill(const char *text, const char *const *vars)
{
    struct sbuf sb;
    const char *p = text;

    sbuf_init(&sb);
    while (*p) {
        const char *close = *p == '{' ? strchr(p, '}') : NULL;
        int done = 0;
        for (int i = 0; close && vars && vars[i]; i += 2) {
            size_t n = strlen(vars[i]);
            if ((size_t)(close - p - 1) == n && memcmp(p + 1, vars[i], n) == 0) {
                sbuf_adds(&sb, vars[i + 1] ? vars[i + 1] : "");
                p = close + 1;
                done = 1;
                break;
            }
        }
        if (!done)
            sbuf_addc(&sb, *p++);
    }
    return sb.buf ? sbuf_detach(&sb) : xstrdup("");
}

const char *rules_check_why(const struct rule_table *t, const char *key)
{
    return key ? str_of(rules_section(t, "check_why"), key) : NULL;
}

int rules_limits_guide(const struct rule_table *t, struct guide_line **out)
{
    const cJSON *g = rules_section(t, "limits_guide");
    const cJSON *dims = cJSON_GetObjectItemCaseSensitive(g, "dimensions"), *it;
    const struct daily_reset *r = rules_daily_reset(t);
    const char *vars[] = {"reset", r && r->label ? r->label : "the daily reset", NULL};
    int n = 0;

    *out = xcalloc((size_t)cJSON_GetArraySize(dims) + 1, sizeof(**out));
    cJSON_ArrayForEach(it, dims)
    {
        const char *text = str_of(it, "text");
        if (!text)
            continue;
        (*out)[n].term = str_of(it, "term");
        (*out)[n].text = fill(text, vars);
        n++;
    }
    return n;
}

void rules_limits_guide_free(struct guide_line *lines, int n)
{
    for (int i = 0; i < n; i++)
        free(lines[i].text);
    free(lines);
}

const char *rules_tier_unknown_text(const struct rule_table *t)
{
    return str_of(rules_section(t, "limits_guide"), "tier_unknown");
}

char *rules_stats_advice(const struct rule_table *t, const char *key, const char *const *vars)
{
    const char *text = key ? str_of(rules_section(t, "stats_advice"), key) : NULL;
    return text ? fill(text, vars) : NULL;
}

char *rules_check_summary(const struct rule_table *t, const char *key, const char *const *vars)
{
    const char *text = key ? str_of(rules_section(t, "check_summaries"), key) : NULL;
    return text ? fill(text, vars) : NULL;
}

/* The {names} of text that are not in allowed (NULL-terminated): one
 * problem each. */
static int lint_names(const char *owner, const char *text, const char *const *allowed)
{
    int count = 0;
    for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
        const char *close = strchr(p, '}');
        int ok = 0;
        if (!close)
            break;
        for (int i = 0; allowed && allowed[i]; i++)
            ok |= strlen(allowed[i]) == (size_t)(close - p - 1) &&
                  memcmp(p + 1, allowed[i], (size_t)(close - p - 1)) == 0;
        if (!ok) {
            printf("rules lint: %s: unknown placeholder '%.*s'\n", owner, (int)(close - p + 1), p);
            count++;
        }
    }
    return count;
}

/* Is name one of the space-separated words of list? */
static int in_words(const char *list, const char *name, size_t n)
{
    for (const char *p = list; *p;) {
        size_t w = strcspn(p, " ");
        if (w == n && memcmp(p, name, n) == 0)
            return 1;
        p += w;
        p += strspn(p, " ");
    }
    return 0;
}

/* A text the code asks the data for: its key and the placeholders the code
 * fills (space-separated). */
struct text_key {
    const char *key, *names;
};

/* Section holds exactly the texts of keys (n of them), each with only the
 * placeholders listed for it; "about", "source" and "verified" are notes. */
static int lint_texts(const struct rule_table *t, const char *section, const struct text_key *keys,
                      size_t n)
{
    const cJSON *sec = rules_section(t, section), *it;
    int count = 0;

    cJSON_ArrayForEach(it, sec)
    {
        size_t i;
        if (strcmp(it->string, "about") == 0 || strcmp(it->string, "source") == 0 ||
            strcmp(it->string, "verified") == 0)
            continue;
        for (i = 0; i < n; i++)
            if (strcmp(it->string, keys[i].key) == 0)
                break;
        if (i == n || !cJSON_IsString(it)) {
            printf("rules lint: %s: '%s' is not a text the program shows\n", section, it->string);
            count++;
            continue;
        }
        for (const char *p = strchr(it->valuestring, '{'); p; p = strchr(p + 1, '{')) {
            const char *close = strchr(p, '}');
            if (!close)
                break;
            if (!in_words(keys[i].names, p + 1, (size_t)(close - p - 1))) {
                printf("rules lint: %s '%s': unknown placeholder '%.*s'\n", section, it->string,
                       (int)(close - p + 1), p);
                count++;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        const char *text = str_of(sec, keys[i].key);
        if (!text || !text[0]) {
            printf("rules lint: %s has no text for '%s'\n", section, keys[i].key);
            count++;
        }
    }
    return count;
}

int rules_lint_guide(const struct rule_table *t)
{
    const cJSON *why = rules_section(t, "check_why"), *it;
    const cJSON *g = rules_section(t, "limits_guide");
    static const char *const reset_only[] = {"reset", NULL};
#define X(key, names) {key, names},
    static const struct text_key advice[] = {STATS_ADVICE(X)};
    static const struct text_key summaries[] = {CHECK_SUMMARIES(X)};
#undef X
    int count = lint_texts(t, "stats_advice", advice, ARRAY_SIZE(advice)) +
                lint_texts(t, "check_summaries", summaries, ARRAY_SIZE(summaries));

    for (int i = 0; i <= CHECK_COUNT; i++) {
        const char *id = i < CHECK_COUNT ? check_id_name((enum check_id)i) : "paste";
        const char *text = rules_check_why(t, id);
        if (!text || !text[0]) {
            printf("rules lint: check_why has no text for '%s'\n", id);
            count++;
        }
    }
    cJSON_ArrayForEach(it, why)
    {
        int known = strcmp(it->string, "about") == 0 || strcmp(it->string, "paste") == 0;
        for (int i = 0; i < CHECK_COUNT && !known; i++)
            known = strcmp(it->string, check_id_name((enum check_id)i)) == 0;
        if (!known || !cJSON_IsString(it)) {
            printf("rules lint: check_why: '%s' is not a check id with a text\n", it->string);
            count++;
        }
    }
    if (!g) {
        printf("rules lint: no limits_guide: the rate limits page would explain nothing\n");
        return count + 1;
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(g, "dimensions"))
    {
        const char *text = str_of(it, "text");
        if (!text || !text[0]) {
            printf("rules lint: limits_guide: a dimension has no text\n");
            count++;
            continue;
        }
        count += lint_names("limits_guide", text, reset_only);
    }
    if (!rules_tier_unknown_text(t)) {
        printf("rules lint: limits_guide has no tier_unknown text\n");
        count++;
    }
    return count;
}
