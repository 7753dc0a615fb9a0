/*
 * rules_store: which rules table a command uses (--rules DIR, then an updated
 * bundle newer than the built-in data, then the built-in table), where
 * `rules update` installs bundles, and the notice for old data.
 */
#ifndef GD_RULES_STORE_H
#define GD_RULES_STORE_H

#include <stddef.h>
#include <time.h>

/* The manifest as installed beside the files: not named *.json, so the
 * table's loader never takes it for a rules file. */
#define RULES_MANIFEST "MANIFEST"

struct options;
struct rule_table;

/* $XDG_DATA_HOME/gemini-doctor (else ~/.local/share/gemini-doctor), and the
 * bundle directory inside it. Return 0, or -1 when there is no home. */
int rules_store_home(char *buf, size_t size);
int rules_store_bundle_dir(char *buf, size_t size);

/* The data_as_of of the built-in table, and of the bundle in dir (from its
 * RULES_MANIFEST). Return 0, or -1 when it cannot be read. */
int rules_builtin_date(char out[11]);
int rules_manifest_date(const char *dir, char out[11]);

/* The table the options name, with its origin set; NULL after a one-line
 * error when it does not load. */
struct rule_table *rules_store_load(const struct options *opt);

/* One sentence when the data is more than 60 days old at now, else NULL
 * (the caller frees it). rules_stale_warn prints it on stderr, except for
 * JSON output (which carries it as a field) and --quiet. */
char *rules_stale_notice(const struct rule_table *t, time_t now);
void rules_stale_warn(const struct rule_table *t, const struct options *opt);

#endif
