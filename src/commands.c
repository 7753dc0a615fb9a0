/*
 * commands: the small helpers the subcommands share (loading the rules table
 * the options name, through rules_store; deciding on colour). The command table is in main.c.
 */
#include "commands.h"

#include <string.h>
#include <unistd.h>

#include "options.h"
#include "rules.h"
#include "rules_store.h"

struct rule_table *load_rules(const struct options *opt)
{
    return rules_store_load(opt);
}

int use_color(const struct options *opt, int fd)
{
    return !opt->no_color && isatty(fd);
}

int option_value_index(const struct option_spec *o, const char *val)
{
    const char *p = o && o->values ? o->values : NULL;
    size_t n = strlen(val);
    int i = 0;
    while (p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (n > 0 && len == n && strncmp(p, val, n) == 0)
            return i;
        p = bar ? bar + 1 : NULL;
        i++;
    }
    return -1;
}
