/*
 * cmd_scan: `gemini-doctor scan [PATH...]`. Parses scan's own options, runs
 * the scanner (scan.h) with the rules table's scan rules and prints the
 * report (scan_report.h). Exit 0 clean (notes allowed), 1 findings, 64 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "probe.h"
#include "rules.h"
#include "rules_scan.h"
#include "scan.h"
#include "scan_report.h"
#include "scan_verify.h"
#include "util.h"

const char scan_help[] =
    "Scan options:\n"
    "  PATH...             git work trees (the files git ls-files lists), directories\n"
    "                      (every file) or files; default: .\n"
    "  --allowlist FILE    allowed paths and keys (default: PATH/.gemini-doctor-allow;\n"
    "                      lines 'path GLOB' and 'key FINGERPRINT', the sha256 scan prints)\n"
    "  --history           also read every blob in the git history, once\n"
    "  --verify            check each distinct key found with one models.list call\n"
    "                      to --base-url (the key only in the x-goog-api-key header);\n"
    "                      without it, scan never uses the network\n"
    "  --format FORMAT     text, json, sarif (GitHub code scanning) or github\n";

int cmd_scan(int argc, char **argv, struct options *opt)
{
    struct rule_table *t = NULL;
    struct scan_rules *sr = NULL;
    struct scan_result res = {0};
    struct scan_opts so = {0};
    char **paths = xcalloc((size_t)argc + 1, sizeof(*paths));
    int npaths = 0, ret = EXIT_USAGE, verify = 0;
    char why[512];

    if (opt->format == FMT_JUNIT) {
        error("scan prints text, json, sarif or github, not junit");
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--history") == 0) {
            so.history = 1;
        } else if (strcmp(argv[i], "--verify") == 0) {
            verify = 1;
        } else if (strcmp(argv[i], "--allowlist") == 0) {
            if (i + 1 >= argc) {
                error("option '--allowlist' needs a file");
                goto out;
            }
            so.allowlist = argv[++i];
        } else if (strncmp(argv[i], "--allowlist=", 12) == 0) {
            so.allowlist = argv[i] + 12;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            error("unknown option '%s'; see 'gemini-doctor help scan'", argv[i]);
            goto out;
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (verify && opt->offline) {
        error("--verify calls the API; it cannot be used with --offline");
        goto out;
    }
    if (verify && !probe_url_allowed(opt->base_url, why, sizeof(why))) {
        error("base URL %s", why);
        goto out;
    }
    ret = EXIT_INTERNAL;
    t = load_rules(opt);
    if (!t) {
        ret = EXIT_USAGE;
        goto out;
    }
    sr = scan_rules_load(t);
    if (!sr) {
        ret = EXIT_USAGE;
        goto out;
    }
    so.rt = t;
    so.sr = sr;
    if (verify)
        so.vault = scan_vault_new();
    if (scan_run(paths, npaths, &so, &res) < 0) {
        ret = EXIT_USAGE;
        goto out;
    }
    if (so.vault && scan_verify(so.vault, t, sr, opt, &res) < 0) {
        ret = EXIT_USAGE;
        goto out;
    }
    scan_report(stdout, &res, sr, opt->format, opt->quiet);
    ret = scan_exit_code(&res);
out:
    scan_vault_free(so.vault);
    scan_result_release(&res);
    scan_rules_free(sr);
    rule_table_free(t);
    free(paths);
    return ret;
}
