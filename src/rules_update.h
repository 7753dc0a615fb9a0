/*
 * rules_update: fetch, verify and install a newer rules bundle (`gemini-doctor
 * rules update [--from URL]`). Never automatic.
 */
#ifndef GD_RULES_UPDATE_H
#define GD_RULES_UPDATE_H

struct options;
struct rule_table;

/* Update from opt->update_from, else from t's update_url. Returns an exit
 * code: 0 (installed, or already up to date), 1 (refused or failed), 64. */
int rules_update(const struct options *opt, const struct rule_table *t);

#endif
