/*
 * scan_verify: `scan --verify`. Asks the API host, once per distinct key a
 * scan found, whether the key still works: one models.list call (the scan
 * rules' path, one model a page) with the key in the x-goog-api-key header
 * and nowhere else, through the one transport (probe.h), every call at
 * once under --timeout. The answer takes check's corridor: a failure
 * becomes evidence (probe_read.h), the rules diagnose it, and the scan
 * rules' verify table turns the cause into a state. A transport failure or
 * a cause the table does not list is "unknown", never a guess.
 *
 * The raw keys live only in a struct scan_vault: the scanner fills it
 * (scan_opts.vault) and no renderer sees it. Each key is wiped as soon as
 * its request is built, and scan_vault_free wipes whatever is left. The
 * findings get only the state, the cause id and a line saying why.
 */
#ifndef GD_SCAN_VERIFY_H
#define GD_SCAN_VERIFY_H

#include <stddef.h>

struct options;
struct rule_table;
struct scan_result;
struct scan_rules;
struct scan_vault;

struct scan_vault *scan_vault_new(void);

/* Keep a copy of key[0..n), found with this fingerprint (the finding's);
 * a fingerprint already kept is not kept twice. */
void scan_vault_add(struct scan_vault *v, const char *key, size_t n, const char *fingerprint);

/* Wipe every key still kept and free the vault. NULL is a no-op. */
void scan_vault_free(struct scan_vault *v);

/* Check each key of v against opt's base URL (already allowed by
 * probe_url_allowed) and timeout, and set the verify fields of every
 * finding in res with that key's fingerprint. Returns 0, or -1 after an
 * error line when the table has no scan_verify section. */
int scan_verify(struct scan_vault *v, const struct rule_table *t, const struct scan_rules *sr,
                const struct options *opt, struct scan_result *res);

#endif
