/*
 * rules_priv: what the rules module's own files share (rules.c loads,
 * rules_match.c matches, rules_lint.c checks) and nothing else includes: the
 * one list of match conditions and the typed form each rule's "match" object
 * is compiled into at load. docs/rules.md documents exactly these conditions
 * (tests/unit/test_rules.c checks it).
 */
#ifndef GD_RULES_PRIV_H
#define GD_RULES_PRIV_H

#include "rules.h"

struct cJSON;

/* The value a condition takes in the data. */
enum cond_type {
    CT_INTS,    /* a non-empty list of numbers */
    CT_STRINGS, /* a non-empty list of strings */
    CT_PHRASES, /* a non-empty list of message phrases, compared squeezed */
    CT_BOOL,    /* true or false */
    CT_NUMBER,  /* a number */
};

/*
 * The match conditions: name, value type, and whether a message-only paste
 * (what a standalone rule decides) can ever satisfy it (0: it needs a field
 * the reader sets only for an error-like input, so a standalone rule must not
 * use it).
 */
#define RULE_CONDITIONS(X)                                                                         \
    X(http, CT_INTS, 0)                                                                            \
    X(status, CT_STRINGS, 0)                                                                       \
    X(api_code, CT_STRINGS, 0)                                                                     \
    X(reason, CT_STRINGS, 0)                                                                       \
    X(domain, CT_STRINGS, 0)                                                                       \
    X(service, CT_STRINGS, 1)                                                                      \
    X(service_not, CT_STRINGS, 1)                                                                  \
    X(quota_id, CT_STRINGS, 1)                                                                     \
    X(message, CT_PHRASES, 1)                                                                      \
    X(also_message, CT_PHRASES, 1)                                                                 \
    X(not_message, CT_PHRASES, 1)                                                                  \
    X(limit_zero, CT_BOOL, 0)                                                                      \
    X(model_status, CT_STRINGS, 1)                                                                 \
    X(model_certain, CT_BOOL, 1)                                                                   \
    X(fact, CT_STRINGS, 0)                                                                         \
    X(net_error, CT_STRINGS, 0)                                                                    \
    X(has_retry_after, CT_BOOL, 1)                                                                 \
    X(retry_after_max, CT_NUMBER, 1)                                                               \
    X(envelope, CT_BOOL, 1)                                                                        \
    X(google_envelope, CT_BOOL, 1)                                                                 \
    X(fields, CT_BOOL, 0)                                                                          \
    X(key_kind, CT_STRINGS, 1)

#define X(name, type, alone) COND_##name,
enum cond_id { RULE_CONDITIONS(X) COND_COUNT };
#undef X

/* One compiled condition. Strings point into the table's data. */
struct rule_cond {
    enum cond_id id;
    int n;                 /* entries in ints, strs (and squeezed) */
    const int *ints;       /* CT_INTS */
    const char **strs;     /* CT_STRINGS and CT_PHRASES, as written */
    const char **squeezed; /* CT_PHRASES: lower case, whitespace removed */
    int flag;              /* CT_BOOL */
    double num;            /* CT_NUMBER */
};

/* The merged JSON of a section ("limits", "keys", "causes", …), NULL when
 * absent: for the rules module's own files; everyone else uses the typed
 * accessors of rules.h. */
const struct cJSON *rules_section(const struct rule_table *t, const char *name);

/* Lint guide.json (rules_data.c); prints each problem, returns the count. */
int rules_lint_guide(const struct rule_table *t);

const char *rule_cond_name(enum cond_id id);
enum cond_type rule_cond_type(enum cond_id id);
/* Can a message-only paste satisfy this condition? */
int rule_cond_alone(enum cond_id id);

/* The rule's condition id, or NULL when it has none. */
const struct rule_cond *rule_cond(const struct rule *r, enum cond_id id);

/* The names a key_kind condition uses for keymask's kinds. */
#define RULE_KEY_KINDS(X)                                                                          \
    X(KEY_STANDARD, "standard")                                                                    \
    X(KEY_AUTH, "auth")                                                                            \
    X(KEY_OAUTH, "oauth")                                                                          \
    X(KEY_OTHER, "other")

/* The name keys.json and the key_kind condition use for keymask's kind;
 * NULL for KEY_NONE. */
const char *rule_key_kind_name(enum key_kind kind);

#endif
