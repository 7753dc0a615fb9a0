/*
 * cmd_rules: `gemini-doctor rules list|show ID|lint [DIR]|update`. Lists the
 * rules, shows one rule, model, cause or section readably (or as JSON), runs
 * the table's lint, and hands `update` to rules_update. It only reads the
 * table, through rules.h; rules.c owns it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "options.h"
#include "rules.h"
#include "rules_store.h"
#include "rules_update.h"
#include "util.h"

static void print_json(const cJSON *o)
{
    char *s = cJSON_Print(o);
    if (s)
        puts(s);
    free(s);
}

static int rules_list(const struct rule_table *t, const struct options *opt)
{
    int n = rules_count(t);
    if (opt->format == FMT_JSON) {
        cJSON *a = cJSON_CreateArray();
        for (int i = 0; i < n; i++) {
            const struct rule *r = rules_get(t, i);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", r->id);
            cJSON_AddStringToObject(o, "cause", r->cause);
            cJSON_AddNumberToObject(o, "priority", r->priority);
            cJSON_AddStringToObject(o, "title", r->title);
            cJSON_AddBoolToObject(o, "retryable", r->retryable);
            if (r->standalone)
                cJSON_AddBoolToObject(o, "standalone", 1);
            cJSON_AddItemToArray(a, o);
        }
        print_json(a);
        cJSON_Delete(a);
        return EXIT_OK;
    }
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        printf("%-40s %-22s %3d  %s\n", r->id, r->cause, r->priority, r->title);
    }
    if (!opt->quiet)
        printf("%d rules, %d models; data as of %s (%s)\n", n, rules_model_count(t),
               rules_data_date(t), rules_origin(t));
    return EXIT_OK;
}

/* A step shown the same everywhere prints once; others once per context. */
static void print_steps(const struct rule_step *steps, int n)
{
    if (n)
        printf("steps:\n");
    for (int i = 0; i < n; i++) {
        int same = 1;
        for (int c = 1; c < STEP_CONTEXT_COUNT; c++)
            same = same && steps[i].text[c] == steps[i].text[0];
        if (same) {
            printf("  %d. %s\n", i + 1, steps[i].text[0]);
            continue;
        }
        printf("  %d.", i + 1);
        for (int c = 0; c < STEP_CONTEXT_COUNT; c++)
            printf("%s[%s] %s\n", c ? "     " : " ", step_context_name((enum step_context)c),
                   steps[i].text[c] ? steps[i].text[c] : "(not shown)");
    }
}

static void show_rule(const struct rule_table *t, const struct rule *r)
{
    const char *match = r->match_text;
    printf("rule:      %s\n", r->id);
    printf("cause:     %s%s\n", r->cause, rules_is_cause(t, r->cause) ? "" : " (not public!)");
    printf("title:     %s\n", r->title);
    printf("priority:  %d\n", r->priority);
    printf("match:     %s%s\n", match ? match : "{}",
           r->standalone ? " (standalone: also without a code or status)" : "");
    printf("retryable: %s\n", r->retryable ? "yes" : "no");
    if (r->wait) {
        printf("wait:      %s", r->wait->id);
        if (r->wait->advice)
            printf(" (%s)", r->wait->advice);
        putchar('\n');
    }
    print_steps(r->steps, r->nsteps);
    if (r->docs && r->docs[0]) {
        printf("docs:\n");
        for (int i = 0; r->docs[i]; i++)
            printf("  %s\n", r->docs[i]);
    }
}

static void show_model(const struct model_info *m)
{
    printf("model:       %s\n", m->name);
    printf("status:      %s%s\n", m->status, m->uncertain ? " (uncertain)" : "");
    if (m->shutdown)
        printf("shutdown:    %s\n", m->shutdown);
    if (m->replacement)
        printf("replacement: %s\n", m->replacement);
    if (m->note)
        printf("note:        %s\n", m->note);
    if (m->source)
        printf("source:      %s\n", m->source);
    if (m->verified)
        printf("verified:    %s\n", m->verified);
}

static void show_cause(const struct rule_table *t, const struct cause_info *c)
{
    printf("cause:       %s\n", c->id);
    printf("title:       %s\n", c->title);
    if (c->description)
        printf("description: %s\n", c->description);
    if (c->dimension)
        printf("dimension:   %s\n", c->dimension);
    if (!c->gemini)
        printf("gemini:      no (not an error of the Gemini API)\n");
    if (!c->check_transient)
        printf("transient:   never in check (someone must look, even when retryable)\n");
    if (c->no_match)
        printf("no match:    given when no rule matches\n");
    print_steps(c->steps, c->nsteps);
    printf("rules:\n");
    for (int i = 0; i < rules_count(t); i++) {
        const struct rule *r = rules_get(t, i);
        if (strcmp(r->cause, c->id) == 0)
            printf("  %-40s %3d  %s\n", r->id, r->priority, r->title);
    }
}

static int rules_show(const struct rule_table *t, const char *id, const struct options *opt)
{
    const struct rule *r = rules_find(t, id);
    const struct model_info *m = r ? NULL : rules_model(t, id);
    const struct cause_info *cause = r || m ? NULL : rules_cause(t, id);
    char *json = NULL;

    if (opt->format == FMT_JSON || (!r && !m && !cause)) {
        /* The data as written; a section has no readable form of its own. */
        json = rules_data_json(t, id);
        if (!json)
            goto missing;
        puts(json);
        free(json);
        return EXIT_OK;
    }
    if (r)
        show_rule(t, r);
    else if (m)
        show_model(m);
    else
        show_cause(t, cause);
    return EXIT_OK;
missing:
    error("no rule, model, cause or section named '%s'; see 'gemini-doctor rules list'", id);
    return EXIT_PROBLEM;
}

/* The test cases lint looks in: $GEMINI_DOCTOR_CASES, else ./tests/cases. */
static const char *cases_dir(const struct options *opt)
{
    const char *env = getenv("GEMINI_DOCTOR_CASES");
    struct stat st;
    if (env && *env)
        return env;
    if (stat("tests/cases", &st) == 0 && S_ISDIR(st.st_mode))
        return "tests/cases";
    if (!opt->quiet)
        warning("no tests/cases here and GEMINI_DOCTOR_CASES is unset: not checking that "
                "every rule has a test case");
    return NULL;
}

static int rules_lint_cmd(const char *dir, const struct options *opt)
{
    struct rule_table *t = rule_table_load(dir ? dir : opt->rules_dir);
    int n;
    if (!t)
        return EXIT_PROBLEM;
    n = rules_lint(t, cases_dir(opt));
    if (n == 0 && !opt->quiet)
        printf("rules lint: ok (%d rules, %d models, data as of %s)\n", rules_count(t),
               rules_model_count(t), rules_data_date(t));
    else if (n)
        printf("rules lint: %d problem%s\n", n, n == 1 ? "" : "s");
    rule_table_free(t);
    return n ? EXIT_PROBLEM : EXIT_OK;
}

/* rules list and show print the table's own JSON (an array, a rule), which
 * has no place for the old-data notice: it goes to stderr in every format. */
static void stale_note(const struct rule_table *t, const struct options *opt)
{
    struct options text = *opt;
    text.format = FMT_TEXT;
    rules_stale_warn(t, &text);
}

int cmd_rules(int argc, char **argv, struct options *opt)
{
    const char *sub = argc > 1 ? argv[1] : "list";
    struct rule_table *t = NULL;
    int ret = EXIT_USAGE;

    if (opt->format != FMT_TEXT && opt->format != FMT_JSON) {
        error("rules prints text or json");
        return EXIT_USAGE;
    }
    if (strcmp(sub, "lint") == 0) {
        if (argc > 3) {
            error("usage: gemini-doctor rules lint [DIR]");
            return EXIT_USAGE;
        }
        return rules_lint_cmd(argc > 2 ? argv[2] : NULL, opt);
    }
    if (strcmp(sub, "list") == 0 && argc <= 2) {
        t = load_rules(opt);
        if (t)
            ret = rules_list(t, opt);
        stale_note(t, opt);
    } else if (strcmp(sub, "update") == 0 && argc == 2) {
        t = load_rules(opt);
        if (t)
            ret = rules_update(opt, t);
    } else if (strcmp(sub, "show") == 0 && argc == 3) {
        t = load_rules(opt);
        if (t)
            ret = rules_show(t, argv[2], opt);
        stale_note(t, opt);
    } else {
        error("usage: gemini-doctor rules list|show ID|lint [DIR]|update [--from URL]");
        return EXIT_USAGE;
    }
    rule_table_free(t);
    return ret;
}
