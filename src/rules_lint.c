/*
 * rules_lint: proves the rules table is sound (see docs/rules.md, "Lint"):
 * unique ids, every cause public and reachable, a generic fallback for every
 * HTTP code and status the rules name, every wait policy defined, steps that
 * use only known placeholders, model rows with dates and sources, and a test
 * case for every rule. It prints one line per problem and counts them.
 */
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "rules.h"
#include "rules_scan.h"
#include "rules_priv.h"
#include "stats_report.h"
#include "util.h"
#include "vocab.h"

#define CASES_MAX_DEPTH 8
#define CASE_FILE_MAX ((size_t)1 << 20)

static const char *const placeholders[] = {
#define PLACEHOLDER_NAME(name) #name,
    RULE_PLACEHOLDERS(PLACEHOLDER_NAME)
#undef PLACEHOLDER_NAME
};

static const char *const model_statuses[] = {"ga", "preview", "deprecated", "shut", "alias"};

struct names {
    char **v;
    size_t n, cap;
};

static void names_add(struct names *s, const char *p, size_t len)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
    }
    s->v[s->n++] = xstrndup(p, len);
}

static int names_has(const struct names *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i], name) == 0)
            return 1;
    return 0;
}

static void names_release(struct names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    memset(s, 0, sizeof(*s));
}

static void problem(int *count, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(int *count, const char *fmt, ...)
{
    va_list ap;
    printf("rules lint: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    (*count)++;
}

static const char *str_of(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
static int is_date(const char *s, int need_day)
{
    size_t n = s ? strlen(s) : 0;
    static const char shape[] = "dddd-dd-dd";
    if (n != 4 && n != 7 && n != 10)
        return 0;
    if (need_day && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' && !gd_isdigit((unsigned char)s[i]))
            return 0;
        if (shape[i] == '-' && s[i] != '-')
            return 0;
    }
    return 1;
}

/* Collect every id written as "rule = ID" (or "rule = A|B") in .case files. */
static void scan_case_text(const char *buf, struct names *out)
{
    const char *p = buf;
    while (*p) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *q = p;
        /* "rule = ID" at the start of a line or as the last part of a dotted
         * JSON path ("checks.config.key.rule = ID"). */
        const char *start;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        start = q;
        while (q < end && *q != ' ' && *q != '\t' && *q != '=')
            q++;
        if (q - start >= 4 && strncmp(q - 4, "rule", 4) == 0 && (q - 4 == start || q[-5] == '.')) {
            while (q < end && (*q == ' ' || *q == '\t'))
                q++;
            /* "rule = a|b" accepts either: it proves neither is chosen. */
            if (q < end && *q == '=' && !memchr(q, '|', (size_t)(end - q))) {
                q++;
                while (q < end) {
                    while (q < end && (*q == ' ' || *q == '\t'))
                        q++;
                    const char *s = q;
                    while (q < end && *q != '|' && *q != ' ' && *q != '\t' && *q != '\r')
                        q++;
                    if (q > s)
                        names_add(out, s, (size_t)(q - s));
                    while (q < end && *q != '|')
                        q++;
                    if (q < end)
                        q++;
                }
            }
        }
        p = eol ? eol + 1 : end;
    }
}

static void scan_cases(const char *dir, int depth, struct names *out)
{
    DIR *d;
    struct dirent *de;

    if (depth > CASES_MAX_DEPTH)
        return;
    d = opendir(dir);
    if (!d && errno == ENOMEM)
        gd_out_of_memory();
    if (!d)
        return;
    while ((de = readdir(d)) != NULL) {
        struct sbuf path;
        struct stat st;
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.')
            continue;
        sbuf_init(&path);
        sbuf_addf(&path, "%s/%s", dir, de->d_name);
        if (stat(path.buf, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                scan_cases(path.buf, depth + 1, out);
            } else if (S_ISREG(st.st_mode) && l > 5 && strcmp(de->d_name + l - 5, ".case") == 0 &&
                       (size_t)st.st_size <= CASE_FILE_MAX) {
                char *buf = NULL;
                size_t len = 0;
                if (read_all(path.buf, CASE_FILE_MAX, &buf, &len) == 0)
                    scan_case_text(buf, out);
                free(buf);
            }
        }
        sbuf_release(&path);
    }
    closedir(d);
}

static void lint_template(const char *rule, const char *s, int *count)
{
    int depth = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '[')
            depth++;
        else if (*p == ']')
            depth--;
        if (depth < 0 || depth > 1) {
            problem(count, "rule '%s': unbalanced or nested [ ] in \"%s\"", rule, s);
            return;
        }
        if (*p == '{') {
            const char *close = strchr(p, '}');
            size_t i, n = close ? (size_t)(close - p - 1) : 0;
            for (i = 0; close && i < ARRAY_SIZE(placeholders); i++)
                if (strlen(placeholders[i]) == n && strncmp(p + 1, placeholders[i], n) == 0)
                    break;
            if (!close || i == ARRAY_SIZE(placeholders)) {
                problem(count, "rule '%s': unknown placeholder in \"%s\"", rule, s);
                return;
            }
            p = close;
        }
    }
    if (depth != 0)
        problem(count, "rule '%s': unbalanced [ ] in \"%s\"", rule, s);
}

/* Is r a generic fallback for entry i of c: its only condition is c's kind
 * and it names the same value? */
static int is_generic(const struct rule *r, const struct rule_cond *c, int i)
{
    const struct rule_cond *g = r->nconditions == 1 ? &r->conds[0] : NULL;
    if (!g || g->id != c->id)
        return 0;
    for (int k = 0; k < g->n; k++) {
        if (c->ints && g->ints[k] == c->ints[i])
            return 1;
        if (c->strs && strcmp(g->strs[k], c->strs[i]) == 0)
            return 1;
    }
    return 0;
}

static void lint_fallbacks(const struct rule_table *t, int *count)
{
    int n = rules_count(t);
    struct names seen = {0};
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        static const enum cond_id conds[] = {COND_http, COND_status};
        for (size_t k = 0; k < ARRAY_SIZE(conds); k++) {
            const struct rule_cond *c = rule_cond(r, conds[k]);
            for (int e = 0; c && e < c->n; e++) {
                char key[64];
                int found = 0;
                if (c->ints)
                    snprintf(key, sizeof(key), "%s %d", rule_cond_name(c->id), c->ints[e]);
                else
                    snprintf(key, sizeof(key), "%s %.50s", rule_cond_name(c->id), c->strs[e]);
                if (names_has(&seen, key))
                    continue;
                names_add(&seen, key, strlen(key));
                for (int j = 0; j < n && !found; j++)
                    found = is_generic(rules_get(t, j), c, e);
                if (!found)
                    problem(count, "no generic fallback rule for %s (named by rule '%s')", key,
                            r->id);
            }
        }
    }
    names_release(&seen);
}

static void lint_rules(const struct rule_table *t, int *count)
{
    const cJSON *waits = rules_section(t, "wait_policies");
    const cJSON *raw = rules_section(t, "rules");
    const cJSON *w, *r;
    struct names ids = {0};

    cJSON_ArrayForEach(w, waits)
    {
        const char *id = str_of(w, "id");
        if (id && names_has(&ids, id))
            problem(count, "wait policy '%s' is defined twice", id);
        else if (id)
            names_add(&ids, id, strlen(id));
        if (id && !str_of(w, "advice"))
            problem(count, "wait policy '%s' has no advice", id);
    }
    cJSON_ArrayForEach(r, raw)
    {
        const char *id = str_of(r, "id");
        const char *wait = str_of(r, "wait");
        const cJSON *it;
        int found = 0;
        if (!id)
            continue;
        cJSON_ArrayForEach(w, waits)
        {
            const char *wid = str_of(w, "id");
            if (wid && strcmp(wid, wait ? wait : "none") == 0)
                found = 1;
        }
        if (!found)
            problem(count, "rule '%s': wait policy '%s' is not defined", id, wait ? wait : "none");
        if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "steps")) == 0)
            problem(count, "rule '%s' has no steps", id);
        if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(r, "docs")) == 0)
            problem(count, "rule '%s' has no docs links", id);
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(r, "docs"))
        {
            if (cJSON_IsString(it) && strncmp(it->valuestring, "https://", 8) != 0)
                problem(count, "rule '%s': docs link '%s' is not https", id, it->valuestring);
        }
        if (str_of(r, "title"))
            lint_template(id, str_of(r, "title"), count);
    }
    names_release(&ids);
}

/* A cause's "actions" name fixes the doctor can make (CAUSE_ACTIONS). */
static void lint_cause_actions(const struct rule_table *t, int *count)
{
    const cJSON *c, *a;

    cJSON_ArrayForEach(c, rules_section(t, "causes"))
    {
        const cJSON *acts = cJSON_GetObjectItemCaseSensitive(c, "actions");
        const char *id = str_of(c, "id");
        if (!acts || !id)
            continue;
        if (!cJSON_IsArray(acts)) {
            problem(count, "cause '%s': 'actions' is not a list", id);
            continue;
        }
        cJSON_ArrayForEach(a, acts)
        {
            if (!cJSON_IsString(a))
                problem(count, "cause '%s': an action is not a string", id);
            else if (cause_action_from_name(a->valuestring) < 0)
                problem(count, "cause '%s': unknown action '%s'", id, a->valuestring);
        }
    }
}

static void lint_causes(const struct rule_table *t, int *count)
{
    struct names ids = {0};
    int n = rules_count(t);

    for (int k = 0; k < rules_cause_count(t); k++) {
        const struct cause_info *c = rules_cause_get(t, k);
        int used = 0;
        if (names_has(&ids, c->id))
            problem(count, "cause '%s' is defined twice", c->id);
        names_add(&ids, c->id, strlen(c->id));
        if (!c->description)
            problem(count, "cause '%s' has no description", c->id);
        /* The no-match cause is what the engine says when no rule matches. */
        if (c->no_match)
            continue;
        if (c->nsteps)
            problem(count, "cause '%s': only the no-match cause has steps of its own", c->id);
        for (int i = 0; i < n && !used; i++)
            used = strcmp(rules_get(t, i)->cause, c->id) == 0;
        if (!used)
            problem(count, "cause '%s' is not reachable: no rule names it", c->id);
    }
    names_release(&ids);
    lint_cause_actions(t, count);
}

/* Is the step one optional "[...]" segment, left out when its placeholder is
 * unknown (the live model list outside check)? Then the next one may be the
 * first shown. */
static int all_optional(const struct rule_step *st)
{
    for (int c = 0; c < STEP_CONTEXT_COUNT; c++) {
        const char *s = st->text[c];
        if (s && (s[0] != '[' || strchr(s, ']') != s + strlen(s) - 1))
            return 0;
    }
    return 1;
}

/* Step 1 of a fix says what to do: it begins with one of the table's verbs
 * ("Wait", "Create", "Press"), not with a restatement of the diagnosis ("The
 * daily quota is used up"). */
static void lint_first_step(const struct rule_table *t, const char *owner,
                            const struct rule_step *steps, int nsteps, int *count)
{
    const char *const *verbs = rules_step_verbs(t);

    if (!verbs[0])
        return;
    for (int i = 0; i < nsteps; i++) {
        for (int c = 0; c < STEP_CONTEXT_COUNT; c++) {
            const char *s = steps[i].text[c];
            size_t w;
            int ok = 0;
            int seen = 0;
            for (int e = 0; e < c; e++)
                seen = seen || (steps[i].text[e] && strcmp(steps[i].text[e], s ? s : "") == 0);
            if (!s || seen || all_optional(&steps[i]))
                continue;
            w = strcspn(s, " ,:;");
            for (int k = 0; verbs[k] && !ok; k++)
                ok = strlen(verbs[k]) == w && strncmp(s, verbs[k], w) == 0;
            if (!ok)
                problem(count, "%s: step %d does not begin with a verb of step_verbs: \"%s\"",
                        owner, i + 1, s);
        }
        if (!all_optional(&steps[i]))
            break;
    }
}

static void lint_step_list(const char *owner, const struct rule_step *steps, int nsteps, int *count)
{
    for (int i = 0; i < nsteps; i++) {
        for (int c = 0; c < STEP_CONTEXT_COUNT; c++) {
            const char *s = steps[i].text[c];
            if (!s || (c > 0 && steps[i].text[c - 1] == s))
                continue;
            lint_template(owner, s, count);
            /* Inside the interactive doctor, check and rules are a key away. */
            if (c == STEP_TUI && strstr(s, "gemini-doctor "))
                problem(count, "%s: step %d tells a tui user to run a command: \"%s\"", owner,
                        i + 1, s);
        }
    }
}

static void lint_steps(const struct rule_table *t, int *count)
{
    const struct cause_info *nm = rules_no_match_cause(t);
    char owner[160];

    for (int i = 0; i < rules_count(t); i++) {
        const struct rule *r = rules_get(t, i);
        snprintf(owner, sizeof(owner), "rule '%s'", r->id);
        lint_step_list(owner, r->steps, r->nsteps, count);
        lint_first_step(t, owner, r->steps, r->nsteps, count);
    }
    if (nm) {
        snprintf(owner, sizeof(owner), "cause '%s'", nm->id);
        lint_step_list(owner, nm->steps, nm->nsteps, count);
        lint_first_step(t, owner, nm->steps, nm->nsteps, count);
        if (nm->nsteps == 0)
            problem(count, "cause '%s' (no match) has no steps", nm->id);
    }
}

/* Is name a column of the stats report's 429 chart? */
static int is_stats_column(const char *name)
{
#define X(id, label) label,
    static const char *const cols[] = {STATS_DIMS(X)};
#undef X
    for (size_t i = 0; i < ARRAY_SIZE(cols); i++)
        if (strcmp(cols[i], name) == 0)
            return 1;
    return 0;
}

/* Every cause's dimension is a listed one and its stats column one the
 * stats report has; dimension and tier ids are unique. */
static void lint_dimensions(const struct rule_table *t, int *count)
{
    struct names dims = {0}, tiers = {0};

    for (int i = 0; i < rules_dimension_count(t); i++) {
        const char *id = rules_dimension_get(t, i)->id;
        if (names_has(&dims, id))
            problem(count, "quota dimension '%s' is defined twice", id);
        names_add(&dims, id, strlen(id));
    }
    for (int i = 0; i < rules_tier_count(t); i++) {
        const char *id = rules_tier_get(t, i)->id;
        if (names_has(&tiers, id))
            problem(count, "quota tier '%s' is defined twice", id);
        names_add(&tiers, id, strlen(id));
    }
    {
        const cJSON *sug = rules_section(t, "suggest");
        const cJSON *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sug, "paid_only_not_on_tiers"))
        {
            if (!cJSON_IsString(it) || !names_has(&tiers, it->valuestring))
                problem(count, "suggest: paid_only_not_on_tiers names '%s', not a quota tier",
                        cJSON_IsString(it) ? it->valuestring : "(not a string)");
        }
    }
    for (int i = 0; i < rules_cause_count(t); i++) {
        const struct cause_info *c = rules_cause_get(t, i);
        if (c->dimension && strcmp(c->dimension, CAUSE_DIMENSION_FROM_QUOTA_ID) != 0 &&
            !names_has(&dims, c->dimension))
            problem(count, "cause '%s': dimension '%s' is not in quota_dimensions", c->id,
                    c->dimension);
        if (c->stats_column && !is_stats_column(c->stats_column))
            problem(count, "cause '%s': stats_column '%s' is not a column of the stats report",
                    c->id, c->stats_column);
    }
    names_release(&dims);
    names_release(&tiers);
}

static void lint_models(const struct rule_table *t, int *count)
{
    struct names seen = {0};
    const char *dflt = rules_default_model(t);

    for (int i = 0; i < rules_model_count(t); i++) {
        const struct model_info *m = rules_model_get(t, i);
        size_t k;
        if (names_has(&seen, m->name))
            problem(count, "model '%s' is listed twice", m->name);
        names_add(&seen, m->name, strlen(m->name));
        for (k = 0; k < ARRAY_SIZE(model_statuses); k++)
            if (strcmp(m->status, model_statuses[k]) == 0)
                break;
        if (k == ARRAY_SIZE(model_statuses))
            problem(count, "model '%s': unknown status '%s'", m->name, m->status);
        if (!m->source || !m->source[0])
            problem(count, "model '%s' has no source", m->name);
        if (!is_date(m->verified, 1))
            problem(count, "model '%s' has no verified date (YYYY-MM-DD)", m->name);
        if (strcmp(m->status, "shut") == 0 && !is_date(m->shutdown, 0))
            problem(count, "model '%s' is shut but has no shutdown date", m->name);
        if (m->shutdown && !is_date(m->shutdown, 0))
            problem(count, "model '%s': shutdown '%s' is not a date", m->name, m->shutdown);
    }
    if (!rules_section(t, "default_model"))
        problem(count, "no default_model is set%s", "");
    else if (!rules_model(t, dflt))
        problem(count, "default_model '%s' is not listed in the models", dflt);
    names_release(&seen);
}

/* Is s one of list[0..n)? */
static int one_of(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* Values that name something the program defines: a typo there would make
 * a condition that can never hold. */
static void lint_values(const struct rule *r, int *count)
{
    static const char *const facts[] = {
#define X(e, name) name,
        EVIDENCE_FACTS(X)
#undef X
    };
    static const char *const nets[] = {
#define X(name) name,
        NET_ERRORS(X)
#undef X
    };
    static const char *const kinds[] = {
#define X(kind, name) name,
        RULE_KEY_KINDS(X)
#undef X
    };
    for (int i = 0; i < r->nconditions; i++) {
        const struct rule_cond *c = &r->conds[i];
        const char *const *list = NULL;
        size_t n = 0;
        switch (c->id) {
        case COND_fact:
            list = facts;
            n = ARRAY_SIZE(facts);
            break;
        case COND_net_error:
            list = nets;
            n = ARRAY_SIZE(nets);
            break;
        case COND_key_kind:
            list = kinds;
            n = ARRAY_SIZE(kinds);
            break;
        case COND_model_status:
            list = model_statuses;
            n = ARRAY_SIZE(model_statuses);
            break;
        default:
            break;
        }
        for (int e = 0; list && e < c->n; e++)
            if (!one_of(c->strs[e], list, n))
                problem(count, "rule '%s': %s '%s' is not one the program knows", r->id,
                        rule_cond_name(c->id), c->strs[e]);
    }
}

/* A standalone rule decides a paste that has nothing but its sentence, and
 * the reader finds that sentence (and the message around it) only through
 * its own phrase list: each of the rule's message phrases must contain a
 * phrase the reader knows, so a new sentence cannot be added to the rules
 * alone and silently never fire. */
static void lint_vocab(const struct rule_table *t, int *count)
{
    const struct reader_vocab *v = rules_vocab(t);
    int n = rules_count(t);

    if (v->nphrases == 0)
        problem(count, "no message_phrases: the reader would know no Gemini sentence%s", "");
    if (v->nnet == 0)
        problem(count, "no network_failures: the reader would know no transport failure%s", "");
    for (size_t i = 0; i < v->nphrases; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->phrases[i].squeeze, v->phrases[j].squeeze) == 0)
                problem(count, "message phrase '%s' is listed twice", v->phrases[i].text);
    for (size_t i = 0; i < v->nnet; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->net[i].lower, v->net[j].lower) == 0)
                problem(count, "network phrase '%s' is listed twice", v->net[i].lower);
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        const struct rule_cond *c = rule_cond(r, COND_message);
        if (!r->standalone)
            continue;
        for (int e = 0; c && e < c->n; e++) {
            size_t k;
            for (k = 0; k < v->nphrases; k++)
                if (strstr(c->squeezed[e], v->phrases[k].squeeze))
                    break;
            if (k == v->nphrases)
                problem(count,
                        "rule '%s' is standalone but the reader knows no phrase in \"%s\" "
                        "(add one to message_phrases)",
                        r->id, c->strs[e]);
        }
    }
}

/* The scan section, when the table has one: it loads, every scan rule has a
 * case (a finding's "rule = ID" line), and every cause scan_verify names is
 * a cause of the table. */
static int lint_scan_rules(const struct rule_table *t, const struct names *cases)
{
    struct scan_rules *sr;
    int count = 0;

    if (!rules_section(t, "scan"))
        return 0;
    sr = scan_rules_load(t);
    if (!sr) {
        problem(&count, "the scan section does not load%s", "");
        return count;
    }
    for (int i = 0; cases && i < scan_rules_count(sr); i++) {
        const char *id = scan_rules_get(sr, i)->id;
        if (!names_has(cases, id))
            problem(&count, "scan rule '%s' has no test case (no 'rule = %s' under tests/cases)",
                    id, id);
    }
    for (int st = 0; scan_rules_verify(sr) && st < VERIFY_STATE_COUNT; st++) {
        const char *const *causes = scan_rules_verify(sr)->causes[st];
        for (int i = 0; causes && causes[i]; i++)
            if (!rules_cause(t, causes[i]))
                problem(&count, "scan_verify names the unknown cause '%s'", causes[i]);
    }
    scan_rules_free(sr);
    return count;
}

int rules_lint(const struct rule_table *t, const char *cases_dir)
{
    int count = 0, n = rules_count(t);
    struct names ids = {0}, cases = {0};

    if (!t)
        return 1;
    if (!is_date(rules_data_date(t), 1))
        problem(&count, "data_as_of is missing or not a date%s", "");
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        if (r->standalone) {
            if (!rule_cond(r, COND_message))
                problem(&count, "rule '%s' is standalone but has no 'message' condition", r->id);
            for (int k = 0; k < r->nconditions; k++)
                if (!rule_cond_alone(r->conds[k].id))
                    problem(&count,
                            "rule '%s' is standalone but uses '%s', which a message-only paste "
                            "never has",
                            r->id, rule_cond_name(r->conds[k].id));
        }
        lint_values(r, &count);
        if (names_has(&ids, r->id))
            problem(&count, "rule id '%s' is used twice", r->id);
        names_add(&ids, r->id, strlen(r->id));
        if (!rules_is_cause(t, r->cause))
            problem(&count, "rule '%s': cause '%s' is not a public cause", r->id, r->cause);
    }
    lint_causes(t, &count);
    lint_fallbacks(t, &count);
    lint_rules(t, &count);
    lint_steps(t, &count);
    lint_dimensions(t, &count);
    lint_models(t, &count);
    lint_vocab(t, &count);
    count += rules_lint_guide(t);
    if (cases_dir) {
        scan_cases(cases_dir, 0, &cases);
        for (int i = 0; i < n; i++) {
            const struct rule *r = rules_get(t, i);
            if (!names_has(&cases, r->id))
                problem(&count, "rule '%s' has no test case (no 'rule = %s' under tests/cases)",
                        r->id, r->id);
        }
    }
    count += lint_scan_rules(t, cases_dir ? &cases : NULL);
    names_release(&ids);
    names_release(&cases);
    return count;
}
