/*
 * scan: finds Gemini mistakes in a code base before they ship: committed
 * keys, model ids that are shut, closed, deprecated or preview, and request
 * parameters that a model rejects or ignores. What counts as a finding is
 * the scan rules' (rules/scan.json) and the model lifecycle's business; this
 * module lists the files, reads them once and reports where rules match.
 *
 * A struct scan_result owns its findings and is released with
 * scan_result_release(). Keys never enter a finding: only their masked form
 * and their SHA-256 fingerprint do. With a vault (scan_opts.vault, see
 * scan_verify.h) the scanner also hands each key it reports to the vault,
 * which keeps it privately for scan --verify.
 */
#ifndef GD_SCAN_H
#define GD_SCAN_H

#include <stddef.h>

#include "rules_scan.h"

struct rule_table;
struct scan_vault;

struct scan_opts {
    const struct rule_table *rt;
    const struct scan_rules *sr;
    const char *allowlist;    /* NULL: .gemini-doctor-allow in each PATH, if any */
    int history;              /* also every blob in the git history, once */
    struct scan_vault *vault; /* NULL: keys are not kept (no --verify) */
};

struct scan_finding {
    const struct scan_rule *rule;
    char *path;    /* as given, relative to the working directory */
    char *commit;  /* --history: the blob's id; NULL for working-tree files */
    int line, col; /* 1-based */
    char *what;    /* the masked key, the model id, "temperature=0.2" */
    char *message; /* the rule's title, filled in */
    char *fix;     /* the rule's fix, filled in */
    char fingerprint[65];
    /* scan --verify (scan_verify.h); VERIFY_NONE and NULLs when not asked. */
    enum scan_verify_state verify;
    char *verify_cause;  /* the public cause id the API's answer was diagnosed as */
    char *verify_detail; /* one line: what the answer means for the key */
};

struct scan_result {
    struct scan_finding *f;
    size_t n, cap;
    size_t files, bytes, skipped, allowed;
    size_t verified[VERIFY_STATE_COUNT]; /* distinct keys, by state */
};

/* Scan paths[0..npaths) (a directory, a git work tree or a file); "." when
 * npaths is 0. Returns 0, or -1 after an error line (a path that cannot be
 * read, a broken allowlist). */
int scan_run(char **paths, int npaths, const struct scan_opts *o, struct scan_result *res);
void scan_result_release(struct scan_result *res);

#endif
