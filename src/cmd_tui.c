/*
 * cmd_tui: `gemini-doctor tui`, the interactive doctor. It sets up the same
 * run check uses, hands it to the screens (tui.c), and after the terminal is
 * restored prints the final report as `check --format text` would, so it
 * stays in the scrollback; the exit code follows check's rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "options.h"
#include "report.h"
#include "rules.h"
#include "tui.h"
#include "util.h"

/* The shell's code for a run stopped by Ctrl-C (128 + SIGINT). */
#define EXIT_INTERRUPTED 130

int cmd_tui(int argc, char **argv, struct options *opt)
{
    const char *script = getenv("GEMINI_DOCTOR_TUI_SCRIPT");
    struct rule_table *rt = NULL;
    struct check_run *run = NULL;
    int ret = EXIT_INTERNAL, r;

    (void)argv;
    if (argc > 1) {
        error("tui takes options only, no arguments");
        return EXIT_USAGE;
    }
    /* Machine formats belong to check: the doctor is for people. */
    if (opt->format_set && opt->format != FMT_TEXT)
        return cmd_check(argc, argv, opt);
    if (!(script && *script) && !(isatty(0) && isatty(1))) {
        error("the interactive doctor needs a terminal; use 'gemini-doctor check'");
        return EXIT_USAGE;
    }
    if (check_validate(opt))
        return EXIT_USAGE;
    rt = load_rules(opt);
    if (!rt)
        goto out;
    run = check_run_new(opt, rt, NULL);
    if (!run) {
        error("cannot set up the checks");
        goto out;
    }
    r = tui_main(&run, rt, opt);
    if (r < 0)
        goto out;
    report_print(stdout, run, opt);
    ret = r == 1 ? EXIT_INTERRUPTED : check_run_exit_code(run);
out:
    check_run_free(run);
    rule_table_free(rt);
    return ret;
}
