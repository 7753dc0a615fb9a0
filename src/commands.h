/*
 * commands: the subcommands, one function each, dispatched from the table in
 * main.c. Each takes its positional arguments (argv[0] is the command name)
 * and the parsed common options, and returns an exit code from util.h.
 *
 * How to add a command: write cmd_NAME in cmd_NAME.c, declare it here, add a
 * row to the table in main.c (the help text comes from that row; options it
 * parses itself are rows of its own_opts, which help and the completions
 * read), and give it a section in docs/gemini-doctor.1 and a test case under
 * tests/cases/.
 */
#ifndef GD_COMMANDS_H
#define GD_COMMANDS_H

#include <stddef.h>

struct options;

/* A row of the command table in main.c. */
struct command {
    const char *name;
    int (*fn)(int argc, char **argv, struct options *opt);
    const char *args; /* "list|show ID|lint [DIR]": alternatives split by '|' */
    const char *help;
    int own_options;      /* options after the command name that main does not know
                             are passed on to it, in order, as arguments */
    const char *own_help; /* what its help says before its options, or NULL */
    /* The options the command parses itself (ended by a row whose name is
     * NULL), or NULL: `help COMMAND` and the shell completions read them. */
    const struct option_spec *own_opts;
};

/* A common option: arg names the value for options that take one, NULL for
 * flags; alias is a short or alternative spelling, or NULL; values, when
 * set, is the closed list of values ("text|json"), in the order of their enum. */
struct option_spec {
    const char *name;
    const char *alias;
    const char *arg;
    const char *help;
    const char *values;
};

/* The index of val in o->values, or -1 when it is not one of them. */
int option_value_index(const struct option_spec *o, const char *val);

/* The one command table and the one option list (both in main.c). */
const struct command *command_table(size_t *n);
const struct option_spec *option_table(size_t *n);

int cmd_check(int argc, char **argv, struct options *opt);
int cmd_explain(int argc, char **argv, struct options *opt);
int cmd_rules(int argc, char **argv, struct options *opt);
int cmd_tui(int argc, char **argv, struct options *opt);
int cmd_scan(int argc, char **argv, struct options *opt);
extern const char scan_help[];
int cmd_completion(int argc, char **argv, struct options *opt);
int cmd_stats(int argc, char **argv, struct options *opt);

/* What `help stats` says of its arguments, and the options stats parses
 * itself (stats_read.c), ended by a row whose name is NULL. */
extern const char stats_help[];
extern const struct option_spec stats_options[];

/* Load the rule table named by opt (built in or --rules DIR). */
struct rule_table *load_rules(const struct options *opt);

/* Should output to stream fd be coloured? (a terminal, no NO_COLOR, no --no-color) */
int use_color(const struct options *opt, int fd);

#endif
