/* rules: placeholder until the rules engine lands. */
#include <stddef.h>
#include "rules.h"
#include "util.h"
struct rule_table *rule_table_load(const char *dir) { (void)dir; error("rules engine not built yet"); return NULL; }
void rule_table_free(struct rule_table *t) { (void)t; }
const struct rule *rules_match(const struct rule_table *t, const struct evidence *ev) { (void)t; (void)ev; return NULL; }
int rules_count(const struct rule_table *t) { (void)t; return 0; }
const struct rule *rules_get(const struct rule_table *t, int i) { (void)t; (void)i; return NULL; }
const struct rule *rules_find(const struct rule_table *t, const char *id) { (void)t; (void)id; return NULL; }
const struct model_info *rules_model(const struct rule_table *t, const char *n) { (void)t; (void)n; return NULL; }
int rules_model_count(const struct rule_table *t) { (void)t; return 0; }
const struct model_info *rules_model_get(const struct rule_table *t, int i) { (void)t; (void)i; return NULL; }
const char *rules_default_model(const struct rule_table *t) { (void)t; return "gemini-flash-latest"; }
const char *rules_data_date(const struct rule_table *t) { (void)t; return ""; }
const struct cJSON *rules_section(const struct rule_table *t, const char *n) { (void)t; (void)n; return NULL; }
int rules_is_cause(const struct rule_table *t, const char *id) { (void)t; (void)id; return 0; }
int rules_lint(const struct rule_table *t, const char *d) { (void)t; (void)d; return 1; }
