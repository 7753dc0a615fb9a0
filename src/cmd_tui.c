/*
 * cmd_tui: `gemini-doctor tui`, the interactive doctor. It sets up the same
 * run check uses, hands it to the screens (tui.c), and after the terminal is
 * restored prints the final report as `check --format text` would, so it
 * stays in the scrollback; the exit code follows check's rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "commands.h"
#include "options.h"
#include "report.h"
#include "rules.h"
#include "rules_store.h"
#include "tui.h"
#include "util.h"

/* What was changed for this session only, and the line that makes it last:
 * the session's fixes are not the user's configuration, and the exit code
 * says so. */
static void print_session(FILE *out, const struct tui_outcome *oc)
{
    if (oc->stopped)
        fprintf(out, "%d check%s not run: the doctor was stopped before %s finished\n", oc->stopped,
                oc->stopped == 1 ? " was" : "s were", oc->stopped == 1 ? "it" : "they");
    if (!oc->model && !oc->session_key)
        return;
    fputs("\nChanged for this session only (your configuration is unchanged):\n", out);
    if (oc->model)
        fprintf(out,
                "  model %s (was %s). To keep it: export GEMINI_MODEL=%s\n"
                "    (in your shell profile), or pass --model %s\n",
                oc->model, oc->orig_model ? oc->orig_model : "the default", oc->model, oc->model);
    if (oc->session_key)
        fputs("  a new API key. To keep it, put it in GOOGLE_API_KEY in your shell profile\n"
              "    (export GOOGLE_API_KEY=...), or in a file only you can read, for --key-file\n",
              out);
    if (!oc->interrupted)
        fprintf(out, "exit %d: the result for your own configuration, not this session's\n",
                oc->exit_code);
}

static int term_is_dumb(void)
{
    const char *term = getenv("TERM");
    return !term || !*term || strcmp(term, "dumb") == 0;
}

int cmd_tui(int argc, char **argv, struct options *opt)
{
    const char *script = getenv("GEMINI_DOCTOR_TUI_SCRIPT");
    struct rule_table *rt = NULL;
    struct check_run *run = NULL;
    struct tui_outcome oc = {0};
    int ret = EXIT_INTERNAL, r;

    (void)argv;
    if (argc > 1) {
        error("tui takes options only, no arguments");
        return EXIT_USAGE;
    }
    /* Machine formats belong to check: the doctor is for people. */
    if (opt->format_set && opt->format != FMT_TEXT)
        return cmd_check(argc, argv, opt);
    /* A terminal that cannot move the cursor gets check's report instead,
     * with a note, as less warns on a dumb terminal. */
    if (!(script && *script) && term_is_dumb()) {
        fprintf(stderr,
                "gemini-doctor: this terminal (TERM=%s) cannot show the interactive doctor; "
                "running check instead\n",
                getenv("TERM") && *getenv("TERM") ? getenv("TERM") : "unset");
        return cmd_check(argc, argv, opt);
    }
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
    r = tui_main(&run, rt, opt, &oc);
    if (r < 0)
        goto out;
    report_print_text_exit(stdout, run, opt, oc.exit_code);
    print_session(stdout, &oc);
    rules_stale_warn(rt, opt);
    ret = oc.exit_code;
out:
    tui_outcome_release(&oc);
    check_run_free(run);
    rule_table_free(rt);
    return ret;
}
