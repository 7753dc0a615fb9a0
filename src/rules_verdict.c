/*
 * rules_verdict: loads and answers the verdict data of the rules table (see
 * rules_verdict.h): causes.json's per-cause handling, verdicts.json's quota
 * dimensions, tiers and "retry soon" limit, limits.json's daily reset, and
 * steps that differ between explain, check and the interactive doctor.
 */
#include "rules_verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util.h"

struct verdict_data {
    struct cause_info *causes;
    int ncauses;
    const struct cause_info *no_match;
    struct quota_marker *dims;
    int ndims;
    struct quota_marker *tiers;
    int ntiers;
    double retry_soon_max_s;
    struct daily_reset reset;
    struct status_terms status;
    const char **step_verbs;
};

static const char *const context_names[] = {
#define STEP_CONTEXT_NAME(e, name) name,
    STEP_CONTEXTS(STEP_CONTEXT_NAME)
#undef STEP_CONTEXT_NAME
};

const char *step_context_name(enum step_context c)
{
    return (int)c >= 0 && c < STEP_CONTEXT_COUNT ? context_names[c] : NULL;
}

static const char *get_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) && v->valuestring[0] ? v->valuestring : NULL;
}

/* A boolean member: dflt when absent, -1 when present but not a boolean. */
static int get_bool(const cJSON *o, const char *name, int dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!v)
        return dflt;
    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

/* A NULL-terminated copy of a list of non-empty strings, or NULL (with *bad
 * set) when a is present and is not one. */
static const char **string_list(const cJSON *a, int *bad)
{
    int n = cJSON_GetArraySize(a), i = 0;
    const char **list;
    const cJSON *it;

    if (a && !cJSON_IsArray(a)) {
        *bad = 1;
        return NULL;
    }
    list = xcalloc((size_t)n + 1, sizeof(*list));
    cJSON_ArrayForEach(it, a)
    {
        if (!cJSON_IsString(it) || !it->valuestring[0]) {
            *bad = 1;
            free(list);
            return NULL;
        }
        list[i++] = it->valuestring;
    }
    return list;
}

int rules_parse_steps(const cJSON *a, const char *owner, struct rule_step **out, int *n)
{
    int count = cJSON_GetArraySize(a), i = 0;
    struct rule_step *steps;
    const cJSON *it;

    *out = NULL;
    *n = 0;
    if (a && !cJSON_IsArray(a))
        return error("%s: 'steps' must be a list", owner);
    steps = xcalloc((size_t)count + 1, sizeof(*steps));
    cJSON_ArrayForEach(it, a)
    {
        struct rule_step *s = &steps[i++];
        const cJSON *v;
        int shown = 0;
        if (cJSON_IsString(it) && it->valuestring[0]) {
            for (int c = 0; c < STEP_CONTEXT_COUNT; c++)
                s->text[c] = it->valuestring;
            continue;
        }
        if (!cJSON_IsObject(it)) {
            free(steps);
            return error("%s: step %d is neither a string nor an object of contexts", owner, i);
        }
        cJSON_ArrayForEach(v, it)
        {
            int c;
            for (c = 0; c < STEP_CONTEXT_COUNT; c++)
                if (strcmp(v->string, context_names[c]) == 0)
                    break;
            if (c == STEP_CONTEXT_COUNT || !cJSON_IsString(v) || !v->valuestring[0]) {
                free(steps);
                return error("%s: step %d: '%s' is not a context (explain, check, tui) with a "
                             "text",
                             owner, i, v->string);
            }
            s->text[c] = v->valuestring;
            shown = 1;
        }
        if (!shown) {
            free(steps);
            return error("%s: step %d names no context", owner, i);
        }
    }
    *out = steps;
    *n = i;
    return 0;
}

static int load_markers(const cJSON *sec, const char *what, struct quota_marker **out, int *n)
{
    int count = cJSON_GetArraySize(sec), i = 0;
    const cJSON *it;

    *out = xcalloc((size_t)count + 1, sizeof(**out));
    cJSON_ArrayForEach(it, sec)
    {
        struct quota_marker *m = &(*out)[i];
        int bad = 0;
        m->id = get_str(it, "id");
        if (!m->id)
            return error("rules: %s %d has no 'id'", what, i + 1);
        m->words = string_list(cJSON_GetObjectItemCaseSensitive(it, "quota_id"), &bad);
        if (bad)
            return error("rules: %s '%s': 'quota_id' must be a list of strings", what, m->id);
        i++;
    }
    *n = i;
    return 0;
}

static int load_cause(struct cause_info *c, const cJSON *o, int i)
{
    int bad = 0;
    char owner[96];

    c->id = get_str(o, "id");
    c->title = get_str(o, "title");
    if (!c->id || !c->title)
        return error("rules: cause %d needs an 'id' and a 'title'", i + 1);
    snprintf(owner, sizeof(owner), "cause '%s'", c->id);
    c->description = get_str(o, "description");
    c->dimension = get_str(o, "dimension");
    c->stats_column = get_str(o, "stats_column");
    c->not_retryable_plan = get_str(o, "not_retryable_plan");
    c->gemini = get_bool(o, "gemini", 1);
    c->no_match = get_bool(o, "no_match", 0);
    c->check_transient = get_bool(o, "check_transient", 1);
    if (c->gemini < 0 || c->no_match < 0 || c->check_transient < 0)
        return error("%s: 'gemini', 'no_match' and 'check_transient' must be true or false", owner);
    if (rules_parse_steps(cJSON_GetObjectItemCaseSensitive(o, "steps"), owner,
                          (struct rule_step **)&c->steps, &c->nsteps))
        return -1;
    c->docs = string_list(cJSON_GetObjectItemCaseSensitive(o, "docs"), &bad);
    if (bad)
        return error("%s: 'docs' must be a list of strings", owner);
    return 0;
}

static int load_reset(struct daily_reset *r, const cJSON *root)
{
    const cJSON *dr = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(root, "limits"), "daily_reset");
    const char *tz = get_str(dr, "posix_tz"), *at = get_str(dr, "time");
    int h, m, used = 0;

    r->zone = get_str(dr, "zone");
    r->label = get_str(dr, "label");
    if (!tz || !at || !r->zone || !r->label)
        return error("rules: limits.daily_reset needs 'time', 'zone', 'label' and 'posix_tz'");
    if (tz_rule_parse(tz, &r->rule))
        return error("rules: limits.daily_reset.posix_tz '%s' is not a POSIX TZ rule with "
                     "Mm.w.d switches",
                     tz);
    if (sscanf(at, "%2d:%2d%n", &h, &m, &used) != 2 || at[used] || h < 0 || h > 23 || m < 0 ||
        m > 59)
        return error("rules: limits.daily_reset.time '%s' is not HH:MM", at);
    r->local_s = h * 3600L + m * 60L;
    return 0;
}

/* status.json's status_feed; every list is required, so a typo in the data
 * cannot silently make every incident (or none) the API's. */
static int load_status(struct status_terms *st, const cJSON *root)
{
    const cJSON *sf = cJSON_GetObjectItemCaseSensitive(root, "status_feed");
    const cJSON *ids = cJSON_GetObjectItemCaseSensitive(sf, "product_ids");
    const cJSON *it;
    int bad = 0, i = 0;

    st->api_words = string_list(cJSON_GetObjectItemCaseSensitive(sf, "api_words"), &bad);
    st->not_api_words = string_list(cJSON_GetObjectItemCaseSensitive(sf, "not_api_words"), &bad);
    st->product_word = get_str(sf, "product_word");
    if (!sf || bad || !st->product_word || !st->api_words[0] || !cJSON_IsArray(ids))
        return error("rules: status_feed needs api_words, product_word, not_api_words and "
                     "product_ids");
    st->product_ids = xcalloc((size_t)cJSON_GetArraySize(ids) + 1, sizeof(char *));
    cJSON_ArrayForEach(it, ids)
    {
        const char *id = get_str(it, "id");
        if (!id)
            return error("rules: status_feed.product_ids: entry %d has no 'id'", i + 1);
        st->product_ids[i++] = id;
    }
    return 0;
}

struct verdict_data *verdict_data_load(const cJSON *root)
{
    struct verdict_data *v = xcalloc(1, sizeof(*v));
    const cJSON *sec = cJSON_GetObjectItemCaseSensitive(root, "causes");
    const cJSON *soon = cJSON_GetObjectItemCaseSensitive(root, "retry_soon_max_s");
    const cJSON *c;
    int i = 0;

    v->causes = xcalloc((size_t)cJSON_GetArraySize(sec) + 1, sizeof(*v->causes));
    cJSON_ArrayForEach(c, sec)
    {
        if (load_cause(&v->causes[i], c, i)) {
            v->ncauses = i + 1;
            goto fail;
        }
        if (v->causes[i].no_match) {
            if (v->no_match) {
                error("rules: causes '%s' and '%s' both say 'no_match'", v->no_match->id,
                      v->causes[i].id);
                v->ncauses = i + 1;
                goto fail;
            }
            v->no_match = &v->causes[i];
        }
        i++;
    }
    v->ncauses = i;
    if (i == 0) {
        error("rules: no 'causes' section");
        goto fail;
    }
    if (!v->no_match) {
        error("rules: no cause says 'no_match': true (the cause given when no rule matches)");
        goto fail;
    }
    if (load_markers(cJSON_GetObjectItemCaseSensitive(root, "quota_dimensions"), "quota dimension",
                     &v->dims, &v->ndims) ||
        load_markers(cJSON_GetObjectItemCaseSensitive(root, "quota_tiers"), "quota tier", &v->tiers,
                     &v->ntiers))
        goto fail;
    if (!cJSON_IsNumber(soon) || soon->valuedouble < 0 || soon->valuedouble > 86400) {
        error("rules: 'retry_soon_max_s' must be a number of seconds from 0 to 86400");
        goto fail;
    }
    v->retry_soon_max_s = soon->valuedouble;
    {
        int bad = 0;
        v->step_verbs = string_list(cJSON_GetObjectItemCaseSensitive(root, "step_verbs"), &bad);
        if (bad) {
            error("rules: 'step_verbs' must be a list of words");
            goto fail;
        }
    }
    if (load_reset(&v->reset, root) || load_status(&v->status, root))
        goto fail;
    return v;
fail:
    verdict_data_free(v);
    return NULL;
}

static void free_markers(struct quota_marker *m, int n)
{
    for (int i = 0; m && i < n; i++)
        free((void *)m[i].words);
    free(m);
}

void verdict_data_free(struct verdict_data *v)
{
    if (!v)
        return;
    for (int i = 0; i < v->ncauses; i++) {
        free((void *)v->causes[i].steps);
        free((void *)v->causes[i].docs);
    }
    free(v->causes);
    free_markers(v->dims, v->ndims);
    free_markers(v->tiers, v->ntiers);
    free((void *)v->status.api_words);
    free((void *)v->status.not_api_words);
    free((void *)v->status.product_ids);
    free((void *)v->step_verbs);
    free(v);
}

int rules_cause_count(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? v->ncauses : 0;
}

const struct cause_info *rules_cause_get(const struct rule_table *t, int i)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v && i >= 0 && i < v->ncauses ? &v->causes[i] : NULL;
}

const struct cause_info *rules_cause(const struct rule_table *t, const char *id)
{
    const struct verdict_data *v = rules_verdict_data(t);
    for (int i = 0; v && id && i < v->ncauses; i++)
        if (strcmp(v->causes[i].id, id) == 0)
            return &v->causes[i];
    return NULL;
}

const struct cause_info *rules_no_match_cause(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? v->no_match : NULL;
}

int rules_dimension_count(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? v->ndims : 0;
}

const struct quota_marker *rules_dimension_get(const struct rule_table *t, int i)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v && i >= 0 && i < v->ndims ? &v->dims[i] : NULL;
}

int rules_tier_count(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? v->ntiers : 0;
}

const struct quota_marker *rules_tier_get(const struct rule_table *t, int i)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v && i >= 0 && i < v->ntiers ? &v->tiers[i] : NULL;
}

double rules_retry_soon_max_s(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? v->retry_soon_max_s : 0;
}

const struct daily_reset *rules_daily_reset(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? &v->reset : NULL;
}

const struct status_terms *rules_status_terms(const struct rule_table *t)
{
    const struct verdict_data *v = rules_verdict_data(t);
    return v ? &v->status : NULL;
}

const char *const *rules_step_verbs(const struct rule_table *t)
{
    static const char *const none[] = {NULL};
    const struct verdict_data *v = rules_verdict_data(t);
    return v && v->step_verbs ? v->step_verbs : none;
}
