/*
 * rules: loads the rules table (the JSON files under rules/, compiled into the
 * binary, or the *.json files of a --rules directory), checks its shape and
 * answers questions about it: causes, rules, wait policies and models.
 * Matching lives in rules_match.c, lint in rules_lint.c, and the typed views
 * of the sections only other modules read in rules_data.c.
 *
 * All files are merged into one JSON object: array sections ("causes",
 * "wait_policies", "rules", "models") are concatenated in file-name order;
 * any other section may appear in one file only. Every string the structs
 * point to lives in that merged object, owned by the table.
 */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "json_fast.h"
#include "rules_builtin.h"
#include "rules_priv.h"
#include "rules_verdict.h"
#include "util.h"
#include "vocab.h"

/* A rules file larger than this is refused rather than parsed. */
#define RULES_FILE_MAX ((size_t)8 << 20)

/* Message phrases are compared without whitespace in a fixed buffer; longer
 * phrases are refused at load time (rules_match.c relies on it). */
#define RULES_PHRASE_MAX 200

/* The parsed rules live in one arena: cJSON allocates each node from it
 * while the table loads, and the table frees it in one go. Loading is most
 * of what a short explain costs; node-by-node malloc and free were most of
 * the load. */
#define ARENA_CHUNK ((size_t)256 << 10)

struct arena_chunk {
    struct arena_chunk *next;
    size_t used, size;
    max_align_t data[];
};

struct rule_table {
    struct arena_chunk *arena;
    cJSON *root;
    struct wait_policy *waits;
    int nwaits;
    struct rule *rules;
    int nrules;
    struct model_info *models;
    const cJSON **variants; /* each model's "variants" list, or NULL */
    int nmodels;
    const char *default_model;
    const char *data_date;
    char *origin; /* where the table came from, for `rules list` and --version */
    struct verdict_data *verdict;
    struct reader_vocab vocab;
    char **owned; /* the vocabulary's prepared strings */
    size_t nowned, owned_cap;
};

static const char *const array_sections[] = {
    "causes",          "wait_policies",    "rules",
    "models",          "quota_dimensions", "quota_tiers",
    "message_phrases", "network_failures", "error_reasons",
    "legacy_reasons",  "api_codes",        "model_families",
    "non_api_hosts",   "suggestion_leads", "suggestion_families"};

static const char *get_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double get_num(const cJSON *o, const char *name, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

static int is_string_array(const cJSON *a)
{
    const cJSON *it;
    if (!cJSON_IsArray(a))
        return 0;
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return 0;
    }
    return 1;
}

/* Merge one parsed file into root. Takes ownership of doc. */
static int merge_file(cJSON *root, cJSON *doc, const char *name)
{
    int ret = -1;
    cJSON *item;

    if (!cJSON_IsObject(doc)) {
        error("rules file '%s': the top level is not a JSON object", name);
        goto out;
    }
    while (doc->child) {
        item = cJSON_DetachItemViaPointer(doc, doc->child);
        const char *key = item->string;
        int is_array_section = 0;
        for (size_t i = 0; i < ARRAY_SIZE(array_sections); i++)
            if (strcmp(key, array_sections[i]) == 0)
                is_array_section = 1;
        if (is_array_section) {
            cJSON *dst = cJSON_GetObjectItemCaseSensitive(root, key);
            if (!cJSON_IsArray(item)) {
                error("rules file '%s': section '%s' is not an array", name, key);
                cJSON_Delete(item);
                goto out;
            }
            if (!dst) {
                cJSON_AddItemToObject(root, key, item);
                continue;
            }
            while (item->child)
                cJSON_AddItemToArray(dst, cJSON_DetachItemViaPointer(item, item->child));
            cJSON_Delete(item);
        } else if (strcmp(key, "data_as_of") == 0) {
            const char *have = get_str(root, key);
            if (!cJSON_IsString(item) || (have && strcmp(have, item->valuestring) != 0)) {
                error("rules file '%s': 'data_as_of' is not a string or differs from "
                      "the other files",
                      name);
                cJSON_Delete(item);
                goto out;
            }
            if (have)
                cJSON_Delete(item);
            else
                cJSON_AddItemToObject(root, key, item);
        } else {
            if (cJSON_GetObjectItemCaseSensitive(root, key)) {
                error("rules file '%s': section '%s' is defined in more than one file", name, key);
                cJSON_Delete(item);
                goto out;
            }
            cJSON_AddItemToObject(root, key, item);
        }
    }
    ret = 0;
out:
    cJSON_Delete(doc);
    return ret;
}

/* fast: the built-in files, parsed with json_fast (cJSON itself reports
 * where anything it rejects goes wrong). */
static int parse_into(cJSON *root, const char *data, size_t len, const char *name, int fast)
{
    cJSON *doc = fast ? json_fast_parse(data, len) : NULL;
    if (!doc)
        doc = cJSON_ParseWithLength(data, len);
    if (!doc) {
        const char *at = cJSON_GetErrorPtr();
        long off = at && at >= data && at <= data + len ? (long)(at - data) : -1;
        return error("rules file '%s': invalid JSON near byte %ld", name, off);
    }
    return merge_file(root, doc, name);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_dir(cJSON *root, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ret = -1;

    if (!d && errno == ENOMEM)
        gd_out_of_memory();

    if (!d)
        return error("cannot open rules directory '%s'", dir);
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l <= 5 || de->d_name[0] == '.' || strcmp(de->d_name + l - 5, ".json") != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            names = xrealloc(names, cap * sizeof(*names));
        }
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n == 0) {
        error("rules directory '%s' holds no *.json files", dir);
        goto out;
    }
    qsort(names, n, sizeof(*names), cmp_names);
    for (size_t i = 0; i < n; i++) {
        struct sbuf path;
        char *buf = NULL;
        size_t len = 0;
        int r;
        sbuf_init(&path);
        sbuf_addf(&path, "%s/%s", dir, names[i]);
        r = read_all(path.buf, RULES_FILE_MAX, &buf, &len);
        if (r == 0)
            r = parse_into(root, buf, len, path.buf, 0);
        free(buf);
        sbuf_release(&path);
        if (r)
            goto out;
    }
    ret = 0;
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return ret;
}

static const char **string_list(const cJSON *a)
{
    int n = cJSON_GetArraySize(a), i = 0;
    const char **list = xcalloc((size_t)n + 1, sizeof(*list));
    const cJSON *it;
    cJSON_ArrayForEach(it, a)
    {
        list[i++] = it->valuestring;
    }
    list[i] = NULL;
    return list;
}

static const struct {
    const char *name;
    enum cond_type type;
    int alone;
} cond_defs[] = {
#define X(name, type, alone) {#name, type, alone},
    RULE_CONDITIONS(X)
#undef X
};

const char *rule_cond_name(enum cond_id id)
{
    return id < COND_COUNT ? cond_defs[id].name : "?";
}

enum cond_type rule_cond_type(enum cond_id id)
{
    return id < COND_COUNT ? cond_defs[id].type : CT_BOOL;
}

int rule_cond_alone(enum cond_id id)
{
    return id < COND_COUNT && cond_defs[id].alone;
}

const struct rule_cond *rule_cond(const struct rule *r, enum cond_id id)
{
    for (int i = 0; r && i < r->nconditions; i++)
        if (r->conds[i].id == id)
            return &r->conds[i];
    return NULL;
}

static void *table_alloc(size_t n);

/* c's list entries, compiled into k. */
static int compile_list(struct rule_cond *k, const cJSON *c, const char *id)
{
    const cJSON *it;
    int i = 0;
    const char *what = k->id == COND_http ? "numbers" : "strings";

    k->n = cJSON_GetArraySize(c);
    if (!cJSON_IsArray(c) || k->n == 0)
        return error("rule '%s': '%s' must be a non-empty list of %s", id, c->string, what);
    if (rule_cond_type(k->id) == CT_INTS) {
        int *ints = table_alloc((size_t)k->n * sizeof(*ints));
        if (!ints)
            return error("out of memory");
        cJSON_ArrayForEach(it, c)
        {
            if (!cJSON_IsNumber(it))
                return error("rule '%s': '%s' must be a list of numbers", id, c->string);
            ints[i++] = it->valueint;
        }
        k->ints = ints;
        return 0;
    }
    const char **strs = table_alloc((size_t)k->n * sizeof(*strs));
    const char **sq = NULL;
    if (rule_cond_type(k->id) == CT_PHRASES)
        sq = table_alloc((size_t)k->n * sizeof(*sq));
    if (!strs || (rule_cond_type(k->id) == CT_PHRASES && !sq))
        return error("out of memory");
    cJSON_ArrayForEach(it, c)
    {
        if (!cJSON_IsString(it) || !it->valuestring[0])
            return error("rule '%s': '%s' must be a non-empty list of strings", id, c->string);
        if (strlen(it->valuestring) > RULES_PHRASE_MAX)
            return error("rule '%s': a '%s' entry is longer than %d characters", id, c->string,
                         RULES_PHRASE_MAX);
        strs[i] = it->valuestring;
        if (sq) {
            char *z = table_alloc(strlen(it->valuestring) + 1);
            if (!z)
                return error("out of memory");
            gd_squeeze_into(it->valuestring, z, strlen(it->valuestring) + 1);
            sq[i] = z;
        }
        i++;
    }
    k->strs = strs;
    k->squeezed = sq;
    return 0;
}

/* Compile the "match" object of rule id into p's condition table. */
static int compile_match(struct rule *p, const cJSON *match)
{
    const cJSON *c;
    struct rule_cond *conds;
    int n = 0;

    if (!cJSON_IsObject(match) || !match->child)
        return error("rule '%s': 'match' must be a non-empty object", p->id);
    conds = table_alloc((size_t)cJSON_GetArraySize(match) * sizeof(*conds));
    if (!conds)
        return error("out of memory");
    cJSON_ArrayForEach(c, match)
    {
        struct rule_cond *k = &conds[n];
        size_t i;
        for (i = 0; i < ARRAY_SIZE(cond_defs); i++)
            if (strcmp(c->string, cond_defs[i].name) == 0)
                break;
        if (i == ARRAY_SIZE(cond_defs))
            return error("rule '%s': unknown match condition '%s'", p->id, c->string);
        memset(k, 0, sizeof(*k));
        k->id = (enum cond_id)i;
        for (int j = 0; j < n; j++)
            if (conds[j].id == k->id)
                return error("rule '%s': condition '%s' is given twice", p->id, c->string);
        switch (cond_defs[i].type) {
        case CT_INTS:
        case CT_STRINGS:
        case CT_PHRASES:
            if (compile_list(k, c, p->id))
                return -1;
            break;
        case CT_BOOL:
            if (!cJSON_IsBool(c))
                return error("rule '%s': '%s' must be true or false", p->id, c->string);
            k->flag = cJSON_IsTrue(c);
            break;
        case CT_NUMBER:
            if (!cJSON_IsNumber(c))
                return error("rule '%s': '%s' must be a number", p->id, c->string);
            k->num = c->valuedouble;
            break;
        }
        n++;
    }
    p->conds = conds;
    p->nconditions = n;
    p->match_text = cJSON_PrintUnformatted(match);
    return 0;
}

static int build_waits(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "wait_policies");
    const cJSON *w;
    int n = cJSON_GetArraySize(sec), i = 0;

    t->waits = xcalloc((size_t)n + 1, sizeof(*t->waits));
    cJSON_ArrayForEach(w, sec)
    {
        struct wait_policy *p = &t->waits[i];
        const cJSON *jit = cJSON_GetObjectItemCaseSensitive(w, "jitter");
        p->id = get_str(w, "id");
        if (!p->id)
            return error("rules: wait policy %d has no 'id'", i + 1);
        p->first_s = get_num(w, "first_s", 0);
        p->factor = get_num(w, "factor", 1);
        p->max_s = get_num(w, "max_s", p->first_s);
        p->attempts = (int)get_num(w, "attempts", 0);
        p->jitter = cJSON_IsTrue(jit);
        p->advice = get_str(w, "advice");
        p->until_reset = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "until_daily_reset"));
        p->later_helps = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "later_helps"));
        if (p->first_s < 0 || p->factor < 1 || p->max_s < 0 || p->attempts < 0 ||
            p->attempts > 100 || p->first_s > 86400 || p->max_s > 86400 || p->factor > 10)
            return error("rules: wait policy '%s' has out-of-range numbers", p->id);
        i++;
    }
    t->nwaits = i;
    return 0;
}

static const struct wait_policy *find_wait(const struct rule_table *t, const char *id)
{
    for (int i = 0; i < t->nwaits; i++)
        if (strcmp(t->waits[i].id, id) == 0)
            return &t->waits[i];
    return NULL;
}

static int build_rules(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "rules");
    const cJSON *r;
    int n = cJSON_GetArraySize(sec), i = 0;

    t->rules = xcalloc((size_t)n + 1, sizeof(*t->rules));
    cJSON_ArrayForEach(r, sec)
    {
        struct rule *p = &t->rules[i];
        const cJSON *steps = cJSON_GetObjectItemCaseSensitive(r, "steps");
        const cJSON *docs = cJSON_GetObjectItemCaseSensitive(r, "docs");
        const cJSON *prio = cJSON_GetObjectItemCaseSensitive(r, "priority");
        const cJSON *retry = cJSON_GetObjectItemCaseSensitive(r, "retryable");
        const cJSON *alone = cJSON_GetObjectItemCaseSensitive(r, "standalone");
        const char *wait;
        char owner[160];

        p->id = get_str(r, "id");
        if (!p->id || !p->id[0])
            return error("rules: rule %d has no 'id'", i + 1);
        p->cause = get_str(r, "cause");
        p->title = get_str(r, "title");
        if (!p->cause || !p->title)
            return error("rule '%s': 'cause' and 'title' are required strings", p->id);
        snprintf(owner, sizeof(owner), "rule '%s'", p->id);
        if (!cJSON_IsNumber(prio) || !cJSON_IsBool(retry))
            return error("rule '%s': 'priority' (a number) and 'retryable' (true or false) "
                         "are required",
                         p->id);
        if (docs && !is_string_array(docs))
            return error("rule '%s': 'docs' must be a list of strings", p->id);
        if (alone && !cJSON_IsBool(alone))
            return error("rule '%s': 'standalone' must be true or false", p->id);
        if (compile_match(p, cJSON_GetObjectItemCaseSensitive(r, "match")))
            return -1;
        p->standalone = cJSON_IsTrue(alone);
        p->priority = prio->valueint;
        p->retryable = cJSON_IsTrue(retry);
        wait = get_str(r, "wait");
        /* An undefined wait id leaves wait NULL; lint reports it and the
         * diagnosis then gives no retry plan beyond the verdict. */
        p->wait = find_wait(t, wait ? wait : "none");
        if (rules_parse_steps(steps, owner, (struct rule_step **)&p->steps, &p->nsteps))
            return -1;
        p->docs = string_list(docs);
        i++;
    }
    t->nrules = i;
    return 0;
}

static void resolve_successors(struct rule_table *t);

static int build_models(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "models");
    const cJSON *m;
    int n = cJSON_GetArraySize(sec), i = 0;

    t->models = xcalloc((size_t)n + 1, sizeof(*t->models));
    t->variants = xcalloc((size_t)n + 1, sizeof(*t->variants));
    cJSON_ArrayForEach(m, sec)
    {
        struct model_info *p = &t->models[i];
        const cJSON *variants = cJSON_GetObjectItemCaseSensitive(m, "variants");
        t->variants[i] = variants;
        p->name = get_str(m, "name");
        p->status = get_str(m, "status");
        if (!p->name || !p->status)
            return error("rules: model %d needs 'name' and 'status'", i + 1);
        if (variants && !is_string_array(variants))
            return error("model '%s': 'variants' must be a list of strings", p->name);
        p->shutdown = get_str(m, "shutdown");
        p->replacement = get_str(m, "replacement");
        p->note = get_str(m, "note");
        p->source = get_str(m, "source");
        p->verified = get_str(m, "verified");
        p->kind = get_str(m, "kind");
        p->routed_to = get_str(m, "routed_to");
        p->routed_since = get_str(m, "routed_since");
        p->closed_to_new = get_str(m, "closed_to_new");
        p->paid_only = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "paid_only"));
        p->uncertain = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "uncertain"));
        i++;
    }
    t->nmodels = i;
    resolve_successors(t);
    return 0;
}

static int load_verdicts(struct rule_table *t)
{
    t->verdict = verdict_data_load(t->root);
    return t->verdict ? 0 : -1;
}

const struct verdict_data *rules_verdict_data(const struct rule_table *t)
{
    return t ? t->verdict : NULL;
}

/* The table whose arena cJSON allocates from; set only inside
 * rule_table_load. */
static struct rule_table *loading;

static void *arena_alloc(size_t n)
{
    struct arena_chunk *c = loading->arena;
    size_t unit = sizeof(max_align_t);

    n = (n + unit - 1) / unit * unit;
    if (!c || c->size - c->used < n) {
        size_t size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
        c = xmalloc(sizeof(*c) + size);
        c->size = size;
        c->used = 0;
        c->next = loading->arena;
        loading->arena = c;
    }
    c->used += n;
    return (char *)c->data + c->used - n;
}

/* Memory that lives as long as the table: the compiled conditions. Only
 * while loading. */
static void *table_alloc(size_t n)
{
    void *p = arena_alloc(n ? n : 1);
    if (p)
        memset(p, 0, n);
    return p;
}

/* Nodes die with the arena. */
static void arena_free(void *p)
{
    (void)p;
}

static void arena_release(struct arena_chunk *c)
{
    while (c) {
        struct arena_chunk *next = c->next;
        free(c);
        c = next;
    }
}

static int load_all(struct rule_table *t, const char *dir);

/* A copy of s kept until rule_table_free(): lower case, and without any
 * whitespace when squeeze is set. */
static const char *own_lower(struct rule_table *t, const char *s, int squeeze)
{
    char *out = xmalloc(strlen(s) + 1);
    size_t n = 0;
    for (; *s; s++) {
        if (squeeze && gd_isspace((unsigned char)*s))
            continue;
        out[n++] = (char)gd_tolower((unsigned char)*s);
    }
    out[n] = '\0';
    if (t->nowned == t->owned_cap) {
        t->owned_cap = t->owned_cap ? t->owned_cap * 2 : 64;
        t->owned = xrealloc(t->owned, t->owned_cap * sizeof(*t->owned));
    }
    t->owned[t->nowned++] = out;
    return out;
}

static int valid_http(const cJSON *v, int zero_ok)
{
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)v->valueint)
        return 0;
    return (zero_ok && v->valueint == 0) || (v->valueint >= 100 && v->valueint <= 599);
}

static int is_net_kind(const char *s)
{
    static const char *const kinds[] = {
#define X(name) name,
        NET_ERRORS(X)
#undef X
    };
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
        if (strcmp(kinds[i], s) == 0)
            return 1;
    return 0;
}

/* A word list section: every entry a non-empty string of at most
 * RULES_PHRASE_MAX bytes. An absent section is an empty list. */
static int vocab_words(const struct rule_table *t, const char *name, const char *const **out,
                       size_t *n)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, name);
    const cJSON *it;
    const char **list;
    size_t i = 0;
    *out = NULL;
    *n = 0;
    if (!sec)
        return 0;
    if (!is_string_array(sec))
        return error("rules: '%s' must be a list of non-empty strings", name);
    list = xcalloc((size_t)cJSON_GetArraySize(sec) + 1, sizeof(*list));
    cJSON_ArrayForEach(it, sec)
    {
        if (strlen(it->valuestring) > RULES_PHRASE_MAX) {
            free(list);
            return error("rules: a '%s' entry is longer than %d characters", name,
                         RULES_PHRASE_MAX);
        }
        list[i++] = it->valuestring;
    }
    *out = list;
    *n = i;
    return 0;
}

static int vocab_phrases(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "message_phrases");
    const cJSON *it;
    struct vocab_phrase *list;
    size_t i = 0;
    if (!sec)
        return 0;
    list = xcalloc((size_t)cJSON_GetArraySize(sec) + 1, sizeof(*list));
    t->vocab.phrases = list;
    cJSON_ArrayForEach(it, sec)
    {
        const char *text = get_str(it, "phrase");
        const cJSON *http = cJSON_GetObjectItemCaseSensitive(it, "http");
        if (!text || !text[0] || strlen(text) > RULES_PHRASE_MAX)
            return error("rules: message phrase %zu needs a 'phrase' of 1 to %d characters", i + 1,
                         RULES_PHRASE_MAX);
        if (http && !valid_http(http, 1))
            return error("rules: message phrase '%s': 'http' must be 0 or an HTTP code", text);
        list[i].text = text;
        list[i].squeeze = own_lower(t, text, 1);
        list[i].http = http ? http->valueint : 0;
        if (!list[i].squeeze[0])
            return error("rules: message phrase %zu is only whitespace", i + 1);
        i++;
    }
    t->vocab.nphrases = i;
    return 0;
}

/* Groups of transport-failure phrases, the most specific kind first: a
 * group's rank is its distance from the end of the list. */
static int vocab_net(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "network_failures");
    const cJSON *g, *it;
    struct vocab_net *list;
    size_t n = 0, i = 0;
    int ngroups = cJSON_GetArraySize(sec), rank = ngroups;
    cJSON_ArrayForEach(g, sec)
    {
        n += (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(g, "phrases"));
    }
    list = xcalloc(n + 1, sizeof(*list));
    t->vocab.net = list;
    cJSON_ArrayForEach(g, sec)
    {
        const char *kind = get_str(g, "kind");
        const cJSON *phrases = cJSON_GetObjectItemCaseSensitive(g, "phrases");
        if (!kind || !is_net_kind(kind))
            return error("rules: network failure group %d: 'kind' must be a net_error kind",
                         ngroups - rank + 1);
        if (!is_string_array(phrases) || !phrases->child)
            return error("rules: network failure group '%s': 'phrases' must be a non-empty "
                         "list of strings",
                         kind);
        cJSON_ArrayForEach(it, phrases)
        {
            if (strlen(it->valuestring) > RULES_PHRASE_MAX)
                return error("rules: a '%s' network phrase is longer than %d characters", kind,
                             RULES_PHRASE_MAX);
            list[i].lower = own_lower(t, it->valuestring, 0);
            list[i].kind = kind;
            list[i].rank = rank;
            i++;
        }
        rank--;
    }
    t->vocab.nnet = i;
    return 0;
}

static int vocab_codes(struct rule_table *t)
{
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(t->root, "api_codes");
    const cJSON *it;
    struct vocab_code *list;
    size_t i = 0;
    list = xcalloc((size_t)cJSON_GetArraySize(sec) + 1, sizeof(*list));
    t->vocab.api_codes = list;
    cJSON_ArrayForEach(it, sec)
    {
        const char *code = get_str(it, "code");
        if (!code || !code[0] || !valid_http(cJSON_GetObjectItemCaseSensitive(it, "http"), 0))
            return error("rules: api code %zu needs a 'code' and an HTTP code 'http'", i + 1);
        list[i].code = code;
        list[i].http = cJSON_GetObjectItemCaseSensitive(it, "http")->valueint;
        i++;
    }
    t->vocab.napi_codes = i;
    return 0;
}

static int build_vocab(struct rule_table *t)
{
    struct reader_vocab *v = &t->vocab;
    if (vocab_phrases(t) || vocab_net(t) || vocab_codes(t))
        return -1;
    if (vocab_words(t, "error_reasons", &v->reasons, &v->nreasons) ||
        vocab_words(t, "legacy_reasons", &v->legacy_reasons, &v->nlegacy_reasons) ||
        vocab_words(t, "model_families", &v->model_families, &v->nmodel_families) ||
        vocab_words(t, "non_api_hosts", &v->non_api_hosts, &v->nnon_api_hosts) ||
        vocab_words(t, "suggestion_leads", &v->suggestion_leads, &v->nsuggestion_leads) ||
        vocab_words(t, "suggestion_families", &v->suggestion_families, &v->nsuggestion_families))
        return -1;
    return 0;
}

struct rule_table *rule_table_load(const char *dir)
{
    struct rule_table *t = xcalloc(1, sizeof(*t));
    cJSON_Hooks hooks = {arena_alloc, arena_free};
    int rc;

    loading = t;
    cJSON_InitHooks(&hooks);
    rc = load_all(t, dir);
    gd_json_hooks();
    loading = NULL;
    if (rc) {
        rule_table_free(t);
        return NULL;
    }
    return t;
}

static int load_all(struct rule_table *t, const char *dir)
{
    t->root = cJSON_CreateObject();
    if (!t->root)
        return error("out of memory");

    if (dir) {
        if (load_dir(t->root, dir))
            goto fail;
    } else {
        for (const struct builtin_file *f = builtin_rules; f->name; f++)
            if (parse_into(t->root, f->data, f->len, f->name, 1))
                goto fail;
    }
    if (load_verdicts(t) || build_waits(t) || build_rules(t) || build_models(t) || build_vocab(t))
        goto fail;
    if (t->nrules == 0) {
        error("rules: no rules defined");
        goto fail;
    }
    t->default_model = get_str(t->root, "default_model");
    t->data_date = get_str(t->root, "data_as_of");
    return 0;
fail:
    return -1;
}

void rule_table_free(struct rule_table *t)
{
    if (!t)
        return;
    for (int i = 0; i < t->nrules; i++) {
        free((void *)t->rules[i].steps);
        free((void *)t->rules[i].docs);
    }
    free(t->rules);
    free(t->waits);
    free(t->models);
    free(t->variants);
    verdict_data_free(t->verdict);
    arena_release(t->arena);
    free((void *)t->vocab.phrases);
    free((void *)t->vocab.net);
    free((void *)t->vocab.api_codes);
    free((void *)t->vocab.reasons);
    free((void *)t->vocab.legacy_reasons);
    free((void *)t->vocab.model_families);
    free((void *)t->vocab.non_api_hosts);
    free((void *)t->vocab.suggestion_leads);
    free((void *)t->vocab.suggestion_families);
    for (size_t i = 0; i < t->nowned; i++)
        free(t->owned[i]);
    free(t->owned);
    free(t->origin);
    free(t);
}

void rules_set_origin(struct rule_table *t, const char *origin)
{
    if (!t)
        return;
    free(t->origin);
    t->origin = origin ? xstrdup(origin) : NULL;
}

const char *rules_origin(const struct rule_table *t)
{
    return t && t->origin ? t->origin : "built-in";
}

int rules_data_age_days(const struct rule_table *t, time_t now, int *days)
{
    const char *d = rules_data_date(t);
    struct tm tm;
    int y, m, day;

    if (!d || sscanf(d, "%4d-%2d-%2d", &y, &m, &day) != 3)
        return -1;
    memset(&tm, 0, sizeof(tm));
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = day;
    *days = (int)((now - timegm(&tm)) / 86400);
    return 0;
}

int rules_count(const struct rule_table *t)
{
    return t ? t->nrules : 0;
}

const struct rule *rules_get(const struct rule_table *t, int i)
{
    if (!t || i < 0 || i >= t->nrules)
        return NULL;
    return &t->rules[i];
}

const struct rule *rules_find(const struct rule_table *t, const char *id)
{
    if (!t || !id)
        return NULL;
    for (int i = 0; i < t->nrules; i++)
        if (strcmp(t->rules[i].id, id) == 0)
            return &t->rules[i];
    return NULL;
}

static int model_has_name(const struct rule_table *t, int i, const char *name, size_t len)
{
    const cJSON *v;
    const char *n = t->models[i].name;
    if (strlen(n) == len && gd_strncasecmp(n, name, len) == 0)
        return 1;
    cJSON_ArrayForEach(v, t->variants[i])
    {
        if (strlen(v->valuestring) == len && gd_strncasecmp(v->valuestring, name, len) == 0)
            return 1;
    }
    return 0;
}

static const struct model_info *lookup_model(const struct rule_table *t, const char *name,
                                             size_t len)
{
    for (int i = 0; i < t->nmodels; i++)
        if (model_has_name(t, i, name, len))
            return &t->models[i];
    return NULL;
}

static int model_gone(const struct model_info *m)
{
    return strcmp(m->status, "shut") == 0 || strcmp(m->status, "deprecated") == 0;
}

/*
 * A replacement named when a model was retired may itself have been retired
 * since (gemini-1.5-pro → gemini-2.5-pro → …). Follow the chain while the
 * next model is deprecated or shut and names its own replacement, at most
 * once per model so a cycle in the data cannot loop.
 */
static void resolve_successors(struct rule_table *t)
{
    for (int i = 0; i < t->nmodels; i++) {
        struct model_info *m = &t->models[i];
        const char *name = m->replacement;
        m->successor = name;
        for (int hop = 0; name && hop < t->nmodels; hop++) {
            const struct model_info *next = lookup_model(t, name, strlen(name));
            if (!next || !model_gone(next) || !next->replacement)
                break;
            name = next->replacement;
            m->successor = name;
        }
    }
}

/*
 * Names are compared case-insensitively, without a "models/" prefix; a name
 * not listed is retried without a "-latest" or numeric version suffix
 * ("-001", "-002"), which Google serves as variants of the same model.
 */
const struct model_info *rules_model(const struct rule_table *t, const char *name)
{
    const struct model_info *m;
    size_t len;
    const char *dash;

    if (!t || !name)
        return NULL;
    if (strncmp(name, "models/", 7) == 0)
        name += 7;
    len = strlen(name);
    if (len == 0 || len > 200)
        return NULL;
    m = lookup_model(t, name, len);
    if (m)
        return m;
    dash = strrchr(name, '-');
    if (!dash)
        return NULL;
    if (gd_strcasecmp(dash, "-latest") == 0 ||
        (strlen(dash) == 4 && strspn(dash + 1, "0123456789") == 3))
        return lookup_model(t, name, (size_t)(dash - name));
    return NULL;
}

const struct reader_vocab *rules_vocab(const struct rule_table *t)
{
    static const struct reader_vocab empty;
    return t ? &t->vocab : &empty;
}

int rules_model_count(const struct rule_table *t)
{
    return t ? t->nmodels : 0;
}

const struct model_info *rules_model_get(const struct rule_table *t, int i)
{
    if (!t || i < 0 || i >= t->nmodels)
        return NULL;
    return &t->models[i];
}

const char *rules_model_kind(const struct rule_table *t, const char *name)
{
    const struct model_info *mi = rules_model(t, name);
    const cJSON *pats = t ? cJSON_GetObjectItemCaseSensitive(t->root, "kind_patterns") : NULL;
    const cJSON *it;

    if (mi && mi->kind)
        return mi->kind;
    if (!name)
        return NULL;
    if (strncmp(name, "models/", 7) == 0)
        name += 7;
    cJSON_ArrayForEach(it, pats)
    {
        const char *kind = get_str(it, "kind");
        const char *has = get_str(it, "contains");
        const char *pre = get_str(it, "prefix");
        if (!kind)
            continue;
        if ((has && strstr(name, has)) || (pre && strncmp(name, pre, strlen(pre)) == 0))
            return kind;
    }
    return NULL;
}

static int in_string_list(const cJSON *list, const char *s)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, list)
    {
        if (cJSON_IsString(it) && s && strcmp(it->valuestring, s) == 0)
            return 1;
    }
    return 0;
}

int rules_suggest_rank(const struct rule_table *t, const char *name, const char *tier)
{
    const cJSON *sug = t ? cJSON_GetObjectItemCaseSensitive(t->root, "suggest") : NULL;
    const cJSON *statuses = cJSON_GetObjectItemCaseSensitive(sug, "statuses");
    const struct model_info *mi = rules_model(t, name);
    const char *kind = rules_model_kind(t, name);
    const cJSON *it;
    int rank = 1;

    if (!sug || !in_string_list(cJSON_GetObjectItemCaseSensitive(sug, "kinds"), kind))
        return 0;
    if (!mi) {
        const char *unlisted = get_str(sug, "unlisted");
        /* A name the data does not know: only when the data allows it, and
         * never a preview or experimental one. */
        if (!unlisted || strcmp(unlisted, "after") != 0 || strstr(name, "preview") ||
            strstr(name, "-exp"))
            return 0;
        return cJSON_GetArraySize(statuses) + 1;
    }
    if (mi->closed_to_new || mi->routed_to)
        return 0;
    if (mi->paid_only && tier &&
        in_string_list(cJSON_GetObjectItemCaseSensitive(sug, "paid_only_not_on_tiers"), tier))
        return 0;
    cJSON_ArrayForEach(it, statuses)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, mi->status) == 0)
            return rank;
        rank++;
    }
    return 0;
}

const char *rules_default_model(const struct rule_table *t)
{
    return t && t->default_model ? t->default_model : "gemini-flash-latest";
}

const char *rules_data_date(const struct rule_table *t)
{
    return t && t->data_date ? t->data_date : "";
}

const struct cJSON *rules_section(const struct rule_table *t, const char *name)
{
    if (!t || !name)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(t->root, name);
}

static const cJSON *find_cause(const struct rule_table *t, const char *id)
{
    const cJSON *c;
    if (!t || !id)
        return NULL;
    cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(t->root, "causes"))
    {
        const char *cid = get_str(c, "id");
        if (cid && strcmp(cid, id) == 0)
            return c;
    }
    return NULL;
}

int cause_action_from_name(const char *name)
{
#define X(e, n) {e, n},
    static const struct {
        enum cause_action act;
        const char *name;
    } names[] = {CAUSE_ACTIONS(X)};
#undef X
    for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(names[i].name, name) == 0)
            return (int)names[i].act;
    return -1;
}

int rules_cause_actions(const struct rule_table *t, const char *cause, enum cause_action *out,
                        int max)
{
    const cJSON *c = find_cause(t, cause), *a;
    int n = 0;

    if (!c)
        return 0;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(c, "actions"))
    {
        int act = cJSON_IsString(a) ? cause_action_from_name(a->valuestring) : -1;
        if (act >= 0 && n < max)
            out[n++] = (enum cause_action)act;
    }
    return n;
}

int rules_is_cause(const struct rule_table *t, const char *id)
{
    return rules_cause(t, id) != NULL;
}
