/*
 * commands: the small helpers the subcommands share (loading the rules table
 * the options name, deciding on colour). The command table is in main.c.
 */
#include "commands.h"

#include <unistd.h>

#include "options.h"
#include "rules.h"

struct rule_table *load_rules(const struct options *opt)
{
    return rule_table_load(opt->rules_dir);
}

int use_color(const struct options *opt, int fd)
{
    return !opt->no_color && isatty(fd);
}
