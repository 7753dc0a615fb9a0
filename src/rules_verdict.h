/*
 * rules_verdict: the part of the rules table that says what follows from a
 * cause, private to the rules module: the public causes with their quota
 * dimension and handling, the quota dimensions and tiers, the "retry soon"
 * limit, the daily reset, and the parsing of steps (plain or per context).
 * rules.c owns the table and calls these; everyone else uses rules.h.
 */
#ifndef GD_RULES_VERDICT_H
#define GD_RULES_VERDICT_H

#include "rules.h"

struct cJSON;
struct verdict_data;

/* Build from the merged rules JSON (which must outlive the result). On a
 * problem print one error line and return NULL. */
struct verdict_data *verdict_data_load(const struct cJSON *root);
void verdict_data_free(struct verdict_data *v);

/* The table's verdict data (rules.c). */
const struct verdict_data *rules_verdict_data(const struct rule_table *t);

/* Parse a "steps" list: each item a string (shown in every context) or an
 * object mapping context names to texts. owner names it in errors. On success
 * *out (owned by the caller, free()) has *n entries. */
int rules_parse_steps(const struct cJSON *a, const char *owner, struct rule_step **out, int *n);

#endif
