/*
 * cmd_check: `gemini-doctor check`. Validates the options, runs every probe
 * once (check.h), prints the report (report.h) and returns the exit code of
 * PRODUCT.md: 0, 1, 75, or 64 for usage errors.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "commands.h"
#include "options.h"
#include "probe.h"
#include "report.h"
#include "rules.h"
#include "rules_store.h"
#include "util.h"

/* The report, written once it is whole; text marks follow the locale's
 * character set (gd_write_text). */
static void print_report(const struct check_run *run, const struct options *opt)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem;

    if (opt->format != FMT_TEXT) {
        report_print(stdout, run, opt);
        return;
    }
    mem = open_memstream(&buf, &n);
    if (!mem)
        gd_out_of_memory();
    report_print(mem, run, opt);
    if (ferror(mem) | fclose(mem) || !buf)
        gd_out_of_memory();
    gd_write_text(stdout, buf, n); /* main() reports a failed write */
    free(buf);
}

int cmd_check(int argc, char **argv, struct options *opt)
{
    struct rule_table *t = NULL;
    struct check_run *run = NULL;
    int ret = EXIT_INTERNAL;

    (void)argv;
    if (argc > 1) {
        error("check takes no arguments; see 'gemini-doctor help check'");
        return EXIT_USAGE;
    }
    if (opt->format == FMT_SARIF) {
        error("check prints text, json, junit or github, not sarif (that is scan's)");
        return EXIT_USAGE;
    }
    if (probe_init())
        return EXIT_INTERNAL;
    if (check_validate(opt))
        return EXIT_USAGE;
    /* Marks follow the locale's character set (UTF-8 or ASCII). */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    t = load_rules(opt);
    if (!t)
        goto out;
    run = check_run_new(opt, t, NULL);
    if (!run)
        goto out;
    if (check_run_all(run) < 0)
        goto out;
    rules_stale_warn(t, opt);
    print_report(run, opt);
    ret = check_run_exit_code(run);
out:
    check_run_free(run);
    rule_table_free(t);
    return ret;
}
