/*
 * rules: the rules table, loaded from the JSON under rules/ (compiled into the
 * binary) or from a directory given with --rules. It owns the causes, the
 * matching rules, the wait policies, the model lifecycle, the key kinds and
 * the published limits. It is the only place a cause is decided.
 *
 * A struct rule_table and everything reachable from it is owned by the table
 * and lives until rule_table_free().
 */
#ifndef GD_RULES_H
#define GD_RULES_H

#include <time.h>

struct evidence;
struct cJSON;

struct wait_policy {
    const char *id;     /* "backoff", "overload", "daily-reset", "timeout", "none", … */
    double first_s;     /* first wait */
    double factor;      /* multiplier per attempt */
    double max_s;       /* cap on one wait */
    int attempts;       /* attempts before giving up */
    int jitter;         /* add full jitter */
    const char *advice; /* one line shown with the plan */
};

struct rule {
    const char *id;    /* rule id, unique ("quota-rpd-free-tier") */
    const char *cause; /* public cause id ("quota-rpd") */
    const char *title;
    int retryable;
    const struct wait_policy *wait;
    const char **steps; /* NULL-terminated; may hold {model}, {replacement}, … */
    const char **docs;  /* NULL-terminated */
    int priority;
    int nconditions;
    int standalone;      /* its message phrases decide even when the reader found
                            nothing error-like (a message-only paste) */
    struct cJSON *match; /* the match object as written */
};

struct model_info {
    const char *name;
    const char *status;      /* "ga", "preview", "deprecated", "shut", "alias" */
    const char *shutdown;    /* YYYY-MM-DD or NULL */
    const char *replacement; /* as the source names it */
    const char *successor;   /* the replacement chain followed to a model still served */
    const char *note;        /* parameter constraints, in words */
    const char *source;
    const char *verified; /* date the fact was checked */
    int uncertain;
};

struct rule_table;

/* Load the built-in table, or the *.json files of dir when dir is non-NULL.
 * On failure print one error line and return NULL. */
struct rule_table *rule_table_load(const char *dir);
void rule_table_free(struct rule_table *t);

/* The best rule for ev, or NULL when no rule matches (the caller then says
 * "unknown"). */
const struct rule *rules_match(const struct rule_table *t, const struct evidence *ev);

int rules_count(const struct rule_table *t);
const struct rule *rules_get(const struct rule_table *t, int i);
const struct rule *rules_find(const struct rule_table *t, const char *id);
const struct model_info *rules_model(const struct rule_table *t, const char *name);
int rules_model_count(const struct rule_table *t);
const struct model_info *rules_model_get(const struct rule_table *t, int i);
const char *rules_default_model(const struct rule_table *t);
const char *rules_data_date(const struct rule_table *t); /* "2026-11-28" */

/* The raw JSON of a section ("limits", "keys", "causes", …), for `rules show`
 * and the TUI's limits screen; NULL when absent. */
const struct cJSON *rules_section(const struct rule_table *t, const char *name);

/* Is id one of the public cause ids? */
int rules_is_cause(const struct rule_table *t, const char *id);

/* Check the table (see docs/rules.md); print each problem, return the count.
 * cases_dir, when non-NULL, is searched for a test case naming each rule. */
int rules_lint(const struct rule_table *t, const char *cases_dir);

#endif
