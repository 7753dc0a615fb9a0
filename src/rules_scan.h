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
    X(SCAN_PARAM, "param")         /* a request parameter next to a model it does not suit */

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
    enum key_kind key_kind;    /* SCAN_KEY */
    const char *const *words;  /* statuses (SCAN_MODEL), names (SCAN_ENV_FILE),
                                  parameter names (SCAN_PARAM); NULL-terminated */
    const char *const *models; /* SCAN_PARAM: model globs; NULL-terminated */
    double below;              /* SCAN_PARAM: only values below this */
    int has_below;
};

struct scan_rules;

/* Read the scan section of t; NULL (after one error line) when it is
 * missing or malformed. */
struct scan_rules *scan_rules_load(const struct rule_table *t);
void scan_rules_free(struct scan_rules *s);
int scan_rules_count(const struct scan_rules *s);
const struct scan_rule *scan_rules_get(const struct scan_rules *s, int i);

#endif
