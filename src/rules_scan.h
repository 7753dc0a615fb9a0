/*
 * rules_scan: the scan rules of the rules table (the "scan" section,
 * rules/scan.json), read into typed rows for the scanner. Part of the rules
 * module: the only code outside rules.c that sees the table's JSON.
 *
 * A struct scan_rules and its strings are owned by it and freed with
 * scan_rules_free(); it does not outlive the rule table it was read from.
 */
#ifndef GD_RULES_SCAN_H
#define GD_RULES_SCAN_H

#include "keymask.h"

struct rule_table;

/* What a scan rule matches; the names are the data's "kind" values. */
#define SCAN_KINDS(X)                                                                              \
    X(SCAN_KEY, "key")             /* a whole key of one kind */                                   \
    X(SCAN_KEY_PARAM, "key-param") /* a key as a key= URL parameter */                             \
    X(SCAN_ENV_FILE, "env-file")   /* NAME=value in a tracked .env file */                         \
    X(SCAN_MODEL, "model")         /* a model id whose lifecycle status is listed */               \
    X(SCAN_PARAM, "param")         /* a request parameter next to a model it does not suit */      \
    X(SCAN_RETRY_STATUS, "retry-status")       /* a retry setting's status list holds codes */     \
    X(SCAN_RETRY_EXCEPTION, "retry-exception") /* a retry predicate names exceptions */            \
    X(SCAN_RETRY_CALL, "retry-call")           /* a retry call's keywords lack or hold names */

#define X(e, name) e,
enum scan_kind { SCAN_KINDS(X) SCAN_KIND_COUNT };
#undef X

/* Levels, as SARIF names them; notes never change scan's exit code. */
enum scan_level { SCAN_NOTE, SCAN_WARNING, SCAN_ERROR };
const char *scan_level_name(enum scan_level l);

struct scan_rule {
    const char *id;
    enum scan_kind kind;
    enum scan_level level;
    const char *title; /* may hold {successor}, {shutdown_phrase} (model rules) */
    const char *fix;
    const char *help;
    enum key_kind key_kind;     /* SCAN_KEY */
    const char *const *words;   /* statuses (SCAN_MODEL), names (SCAN_ENV_FILE), parameter
                                   names (SCAN_PARAM), setting names (SCAN_RETRY_STATUS),
                                   exception names (SCAN_RETRY_EXCEPTION); NULL-terminated */
    const char *const *models;  /* SCAN_PARAM: model globs; NULL-terminated */
    const char *const *codes;   /* SCAN_RETRY_STATUS: the status codes that make a finding */
    const char *const *calls;   /* SCAN_RETRY_EXCEPTION, SCAN_RETRY_CALL: the calls looked at
                                   ("@name": only as a decorator) */
    const char *const *has;     /* SCAN_RETRY_CALL: one of these tokens must be in the call */
    const char *const *missing; /* SCAN_RETRY_CALL: none of these may be */
    const char *module;         /* SCAN_RETRY_CALL: the file must name this module */
    double below;               /* SCAN_PARAM: only values below this */
    int has_below;
};

/* What scan --verify learnt of a key; the names are the data's "state"
 * values (scan_verify in rules/scan.json), VERIFY_NONE when not asked. */
#define SCAN_VERIFY_STATES(X)                                                                      \
    X(VERIFY_NONE, "none")                                                                         \
    X(VERIFY_LIVE, "live")       /* the API accepted the key */                                    \
    X(VERIFY_INVALID, "invalid") /* refused as invalid, expired or revoked */                      \
    X(VERIFY_DENIED, "denied")   /* the key exists, but is blocked or denied */                    \
    X(VERIFY_UNKNOWN, "unknown") /* no answer that says (a network failure, an unlisted cause) */  \
    X(VERIFY_SKIPPED, "skipped") /* not sent: not an API key, or over the bound */

#define X(e, name) e,
enum scan_verify_state { SCAN_VERIFY_STATES(X) VERIFY_STATE_COUNT };
#undef X

const char *scan_verify_state_name(enum scan_verify_state s);

/* The scan_verify section: what to ask and how to read the answer. */
struct scan_verify_rules {
    const char *path;                     /* appended to the base URL: models.list, one a page */
    int max_keys;                         /* distinct keys checked at most; the rest are skipped */
    const char *text[VERIFY_STATE_COUNT]; /* what each state says of a key */
    const char *const *causes[VERIFY_STATE_COUNT]; /* the causes that mean it; NULL-terminated */
    int http_lo[VERIFY_STATE_COUNT], http_hi[VERIFY_STATE_COUNT]; /* the answer's code; 0: any */
};

struct scan_rules;

/* The verify rules; NULL when the table has no scan_verify section. */
const struct scan_verify_rules *scan_rules_verify(const struct scan_rules *s);

/* The state a diagnosed cause means for an answer with HTTP code http
 * (0 when none came): the state listing the cause, when the state's http
 * range (if any) holds the code, else VERIFY_UNKNOWN (never a guess). */
enum scan_verify_state scan_verify_state_of(const struct scan_verify_rules *v, const char *cause,
                                            int http);

/* Read the scan section of t; NULL (after one error line) when it is
 * missing or malformed. */
struct scan_rules *scan_rules_load(const struct rule_table *t);
void scan_rules_free(struct scan_rules *s);
int scan_rules_count(const struct scan_rules *s);
const struct scan_rule *scan_rules_get(const struct scan_rules *s, int i);

#endif
