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

#include "keymask.h"
#include "tzrule.h"

struct evidence;
struct reader_vocab;
struct rule_cond;

/* Where a step of a fix is shown: explain's report, check's report (also the
 * one printed when the interactive doctor ends), the interactive doctor. */
#define STEP_CONTEXTS(X)                                                                           \
    X(STEP_EXPLAIN, "explain")                                                                     \
    X(STEP_CHECK, "check")                                                                         \
    X(STEP_TUI, "tui")

enum step_context {
#define STEP_CONTEXT_ENUM(e, name) e,
    STEP_CONTEXTS(STEP_CONTEXT_ENUM)
#undef STEP_CONTEXT_ENUM
        STEP_CONTEXT_COUNT
};

/* "explain", "check", "tui"; NULL for a value out of range. */
const char *step_context_name(enum step_context c);

/* The placeholders steps and titles may hold ({model}, …); the diagnosis
 * fills them and lint refuses any other. */
#define RULE_PLACEHOLDERS(X)                                                                       \
    X(model)                                                                                       \
    X(replacement)                                                                                 \
    X(suggested)                                                                                   \
    X(shutdown)                                                                                    \
    X(note)                                                                                        \
    X(resets_at)                                                                                   \
    X(retry_after)                                                                                 \
    X(quota_id)                                                                                    \
    X(limit)                                                                                       \
    X(reason)                                                                                      \
    X(live_models)

/* One step of a fix: its text in each context, NULL where it is not shown. A
 * step written as a plain string in the rules has the same text everywhere. */
struct rule_step {
    const char *text[STEP_CONTEXT_COUNT];
};

struct wait_policy {
    const char *id;     /* "backoff", "overload", "daily-reset", "timeout", "none", … */
    double first_s;     /* first wait */
    double factor;      /* multiplier per attempt */
    double max_s;       /* cap on one wait */
    int attempts;       /* attempts before giving up */
    int jitter;         /* add full jitter */
    const char *advice; /* one line shown with the plan */
    int until_reset;    /* wait for the daily reset (limits.json, daily_reset) */
    int later_helps;    /* not retryable soon, but after first_s a retry can work
                           (a rolling spend window) */
};

struct rule {
    const char *id;    /* rule id, unique ("quota-rpd-free-tier") */
    const char *cause; /* public cause id ("quota-rpd") */
    const char *title;
    int retryable;
    const struct wait_policy *wait;
    const struct rule_step *steps; /* may hold {model}, {replacement}, … */
    int nsteps;
    const char **docs; /* NULL-terminated */
    int priority;
    const struct rule_cond *conds; /* the "match" object, compiled (rules_priv.h) */
    int nconditions;
    int standalone;         /* its message phrases decide even when the reader found
                               nothing error-like (a message-only paste) */
    const char *match_text; /* the "match" object as written, in JSON */
};

struct model_info {
    const char *name;
    const char *status;      /* "ga", "preview", "deprecated", "shut", "alias" */
    const char *shutdown;    /* YYYY-MM-DD or NULL */
    const char *replacement; /* as the source names it */
    const char *successor;   /* the replacement chain followed to a model still served */
    const char *note;        /* parameter constraints, in words */
    const char *source;
    const char *verified;      /* date the fact was checked */
    const char *kind;          /* "text", "image", "tts", "embedding", …; NULL when not said */
    const char *routed_to;     /* the model that answers calls to this one, or NULL */
    const char *routed_since;  /* YYYY-MM-DD or NULL */
    const char *closed_to_new; /* YYYY-MM when first seen closed to new projects, or NULL */
    int paid_only;             /* a key on the free tier cannot call it */
    int uncertain;
};

/* A public cause and what the engine does with it beyond its rules. */
struct cause_info {
    const char *id;
    const char *title;
    const char *description;
    const char *dimension;    /* a quota dimension id, CAUSE_DIMENSION_FROM_QUOTA_ID, or NULL */
    const char *stats_column; /* its column in the stats report's 429 chart (STATS_DIMS),
                                 NULL for its dimension's */
    int gemini;               /* 0: not an error of the Gemini API ("not-gemini", "unknown") */
    int no_match;             /* this is the cause given when no rule matches */
    int check_transient;      /* a retryable failure in check counts as transient (exit 75) */
    const char *not_retryable_plan; /* the wait line when it is not retryable, or NULL */
    const struct rule_step *steps;  /* the no-match cause's own steps */
    int nsteps;
    const char **docs; /* NULL-terminated; the no-match cause's own docs */
};

/* The dimension of a cause whose quota is named by its evidence. */
#define CAUSE_DIMENSION_FROM_QUOTA_ID "from-quota-id"

/* A quota dimension ("rpd") or tier ("free") and the words in a quota id or
 * metric that say it ("PerDay", "per_day"). The list order is the order in
 * which they are tried; a row without words is never inferred. */
struct quota_marker {
    const char *id;
    const char **words; /* NULL-terminated */
};

/* When the daily quotas come back: a local time of day in a zone. */
struct daily_reset {
    const char *zone;  /* "America/Los_Angeles", for people */
    const char *label; /* "midnight Pacific time" */
    long local_s;      /* seconds after local midnight */
    struct tz_rule rule;
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
/* Whole days from data_as_of to now into *days (negative when the data is
 * dated after now). Returns 0, or -1 when the date cannot be read. */
int rules_data_age_days(const struct rule_table *t, time_t now, int *days);
/* Where the table came from ("built-in", "updated bundle in DIR", "--rules
 * DIR"); set by whoever loaded it. */
void rules_set_origin(struct rule_table *t, const char *origin);
const char *rules_origin(const struct rule_table *t);

/* The words the reader recognises (rules/phrases.json), to hand to
 * reader_read(); an empty vocabulary when t is NULL. */
const struct reader_vocab *rules_vocab(const struct rule_table *t);

/* The kind of a model ("text", "image", …): the data's own row, else the
 * first of the data's name patterns that matches; NULL when none does. */
const char *rules_model_kind(const struct rule_table *t, const char *name);
/* How fit a served model is to be suggested in place of a failing one: 0 for
 * never, else a rank where smaller is better (the data's lifecycle order).
 * tier is the quota tier the failure named ("free"), or NULL: a paid-only
 * model is never suggested on a tier the data says cannot call it. */
int rules_suggest_rank(const struct rule_table *t, const char *name, const char *tier);

/* A key kind of keys.json: what a key of that kind looks like. Strings
 * point into the table; NULL (0 for length) where the data says nothing. */
struct key_kind_info {
    const char *kind;   /* the data's name for it: "standard", "auth", "oauth" */
    const char *prefix; /* how the key begins */
    int length;         /* its exact length */
    const char *header; /* the header it is sent in */
    const char *note;
};
/* What keys.json says of kind into *out: 0, or -1 when it does not list it. */
int rules_key_kind(const struct rule_table *t, enum key_kind kind, struct key_kind_info *out);

/* What the status feed covers and where the rest is shown (status.json's
 * status_pages); each field NULL when the data leaves it out. */
struct status_pages {
    const char *feed_name;          /* "Google Cloud's status feed" */
    const char *feed_covers;        /* what it covers, as a clause */
    const char *developer_api_page; /* the Developer API's own status page */
    const char *developer_api_note; /* what that page is */
};
void rules_status_pages(const struct rule_table *t, struct status_pages *out);

/* The manifest URL of the published rules bundles, or NULL when the data
 * names none. */
const char *rules_update_url(const struct rule_table *t);

/* The published limits (limits.json) as lines to show, in the data's
 * order: each section's name, then its fact (or note, or fields) as text,
 * then its rows as items. source and verified point into the table (NULL
 * when the entry names no source); text is owned by the array. */
enum limit_line_kind { LIMIT_HEADING, LIMIT_TEXT, LIMIT_ITEM };
struct limit_line {
    enum limit_line_kind kind;
    char *text;
    const char *source;
    const char *verified;
};
/* The lines into *out (free with rules_limit_lines_free); returns how many,
 * or -1 (and *out NULL) when the table has no limits section. */
int rules_limit_lines(const struct rule_table *t, struct limit_line **out);
void rules_limit_lines_free(struct limit_line *lines, int n);

/* Why a check matters (guide.json's check_why), by check id ("config.key")
 * or "paste" for a pasted error; NULL when the data has no text for it. */
const char *rules_check_why(const struct rule_table *t, const char *key);

/* The rate limits page's guide to the quota dimensions (guide.json's
 * limits_guide): a term ("RPM", or NULL) and its text, {reset} filled with
 * the daily reset's label. Returns how many into *out (free with
 * rules_limits_guide_free). */
struct guide_line {
    const char *term;
    char *text;
};
int rules_limits_guide(const struct rule_table *t, struct guide_line **out);
void rules_limits_guide_free(struct guide_line *lines, int n);
/* What to say of the tier when no quota error named it, or NULL. */
const char *rules_tier_unknown_text(const struct rule_table *t);

/* The text of a stats report recommendation (guide.json's stats_advice;
 * key is its id, or id/variant), each {name} of vars (name, value pairs,
 * NULL-terminated) filled; allocated, the caller frees it. NULL when the
 * data has no such text. */
char *rules_stats_advice(const struct rule_table *t, const char *key, const char *const *vars);

/* The same for a check summary that states a Gemini fact (guide.json's
 * check_summaries; the keys are CHECK_SUMMARIES in check.h). */
char *rules_check_summary(const struct rule_table *t, const char *key, const char *const *vars);

/* The data as written for id, as indented JSON (allocated; the caller frees
 * it): the rule with that id, else the model rules_model() finds, else the
 * cause, else the top-level section of that name ("limits", "keys", …).
 * NULL when there is none. */
char *rules_data_json(const struct rule_table *t, const char *id);

/* Is id one of the public cause ids? */
int rules_is_cause(const struct rule_table *t, const char *id);

/* The public causes. rules_cause() returns NULL for an id that is not one. */
int rules_cause_count(const struct rule_table *t);
const struct cause_info *rules_cause_get(const struct rule_table *t, int i);
const struct cause_info *rules_cause(const struct rule_table *t, const char *id);

/* The cause given when no rule matches ("unknown"). */
const struct cause_info *rules_no_match_cause(const struct rule_table *t);

/* The quota dimensions and tiers, in the order they are tried. */
int rules_dimension_count(const struct rule_table *t);
const struct quota_marker *rules_dimension_get(const struct rule_table *t, int i);
int rules_tier_count(const struct rule_table *t);
const struct quota_marker *rules_tier_get(const struct rule_table *t, int i);

/* A server delay longer than this many seconds is not "retry soon". */
double rules_retry_soon_max_s(const struct rule_table *t);

/* The verbs a first step may begin with (NULL-terminated; empty when the
 * table lists none, and then lint does not check). */
const char *const *rules_step_verbs(const struct rule_table *t);

/* The daily reset of per-day quotas. */
const struct daily_reset *rules_daily_reset(const struct rule_table *t);
/* The fixes the interactive doctor can make itself, by the names a cause's
 * "actions" list in causes.json uses. The one list: the lint checks the
 * data's names against it and the TUI maps each to its key. */
#define CAUSE_ACTIONS(X)                                                                           \
    X(CAUSE_ACT_NEW_KEY, "new-key")                                                                \
    X(CAUSE_ACT_PICK_MODEL, "pick-model")                                                          \
    X(CAUSE_ACT_LIMITS, "limits")                                                                  \
    X(CAUSE_ACT_RECHECK, "recheck")

#define X(e, name) e,
enum cause_action { CAUSE_ACTIONS(X) CAUSE_ACT_COUNT };
#undef X

/* The action named name, or -1 when the name is not one of CAUSE_ACTIONS. */
int cause_action_from_name(const char *name);

/* The actions cause offers, in the data's order, into out (at most max);
 * returns how many. Unknown names are skipped (the lint reports them). */
int rules_cause_actions(const struct rule_table *t, const char *cause, enum cause_action *out,
                        int max);

/* Which status feed incidents concern the Gemini API (status.json; see
 * check_status.c): lists are NULL-terminated. */
struct status_terms {
    const char **api_words;     /* any of these in a text: it is the API's */
    const char *product_word;   /* "gemini": it is, unless … */
    const char **not_api_words; /* … one of these names a product that is not the API */
    const char **product_ids;   /* affected product ids that are the API's */
};
const struct status_terms *rules_status_terms(const struct rule_table *t);

/* A rule's match as text searches (rules_text.c), for SQL that runs where
 * the reader cannot: RTX_HTTP holds when the status is one of ints; the
 * others when the error text holds (RTX_NOT_PHRASE: holds none of) one of
 * strs: RTX_SUBSTRING compared in any case, RTX_PHRASE squeezed (lower case,
 * whitespace removed, as strs already are). The strings belong to the table. */
enum rule_text_kind { RTX_HTTP, RTX_SUBSTRING, RTX_PHRASE, RTX_NOT_PHRASE };
struct rule_text_test {
    enum rule_text_kind kind;
    int n;
    const int *ints;
    const char **strs;
};
/* Fill out (at most cap) with r's conditions, all of which must hold;
 * returns how many, or -1 when one of them is not a text search (then the
 * rule cannot be decided from the text alone). */
int rules_text_tests(const struct rule *r, struct rule_text_test *out, int cap);

/* Check the table (see docs/rules.md); print each problem, return the count.
 * cases_dir, when non-NULL, is searched for a test case naming each rule. */
int rules_lint(const struct rule_table *t, const char *cases_dir);

#endif
