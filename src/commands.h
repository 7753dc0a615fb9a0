/*
 * commands: the subcommands, one function each, dispatched from the table in
 * main.c. Each takes its positional arguments (argv[0] is the command name)
 * and the parsed common options, and returns an exit code from util.h.
 *
 * How to add a command: write cmd_NAME in cmd_NAME.c, declare it here, add a
 * row to the table in main.c (the help text comes from that row), and give it
 * a section in docs/gemini-doctor.1 and a test case under tests/cases/.
 */
#ifndef GD_COMMANDS_H
#define GD_COMMANDS_H

struct options;

int cmd_check(int argc, char **argv, struct options *opt);
int cmd_explain(int argc, char **argv, struct options *opt);
int cmd_rules(int argc, char **argv, struct options *opt);
int cmd_tui(int argc, char **argv, struct options *opt);

/* Load the rule table named by opt (built in or --rules DIR). */
struct rule_table *load_rules(const struct options *opt);

/* Should output to stream fd be coloured? (a terminal, no NO_COLOR, no --no-color) */
int use_color(const struct options *opt, int fd);

#endif
