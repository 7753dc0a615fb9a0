/*
 * report: prints a finished check run as text (for people), JSON (the shape
 * in PRODUCT.md), JUnit XML or GitHub workflow commands. It reads the run
 * and its diagnoses; it never decides a verdict. Every string that may come
 * from a server is made safe for the format (control characters, invalid
 * UTF-8, markup) on the way out.
 */
#ifndef GD_REPORT_H
#define GD_REPORT_H

#include <stdio.h>

struct check_run;
struct options;

/* Print run in opt->format; -q (text only) prints just the summary line. */
void report_print(FILE *out, const struct check_run *run, const struct options *opt);

/* The text report with the summary line naming code as the exit: the
 * interactive doctor's, whose exit is not always the run's (an interrupt,
 * or fixes made for the session only). */
void report_print_text_exit(FILE *out, const struct check_run *run, const struct options *opt,
                            int code);

/* Print s escaped for a GitHub workflow command: its message, or with
 * property set a property value (file=, title=). s must already be safe to
 * show; this only escapes. Shared with scan's annotations. */
void report_github_escape(FILE *out, const char *s, int property);

#endif
