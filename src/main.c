/*
 * main: parses the common options, dispatches to a subcommand from the one
 * command table (which also generates `help`), and is the only place that
 * exits.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "commands.h"
#include "curl_load.h"
#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "rules.h"
#include "util.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

static int cmd_help(int argc, char **argv, struct options *opt);

static const struct command commands[] = {
    {"check", cmd_check, "[options]",
     "probe the live setup (key, model, billing, region, status feed) and report", 0, NULL, NULL},
    {"explain", cmd_explain, "[FILE|-] [options]",
     "read a pasted Gemini error and say what went wrong and what to do", 0, NULL, NULL},
    {"rules", cmd_rules, "list|show ID|lint [DIR]|update [--from URL]",
     "inspect, validate and update the rules table", 0, NULL, NULL},
    {"stats", cmd_stats, "[FILE...|-] [options]",
     "error patterns in a response log (JSONL, CSV, text logs), with charts", 1, stats_help,
     stats_options},
    {"scan", cmd_scan, "[PATH...] [options]",
     "find committed keys, retired models and bad parameters in a code base", 1, scan_help, NULL},
    {"tui", cmd_tui, "[options]", "the interactive doctor (the default on a terminal)", 0, NULL,
     NULL},
    {"completion", cmd_completion, "bash|zsh|fish", "print a shell completion script", 0, NULL,
     NULL},
    {"help", cmd_help, "[COMMAND]", "show this help, or a command's", 0, NULL, NULL},
};

/*
 * The common options, one list: the help text, the parser's check for
 * unknown options and the shell completions all read it.
 */
static const struct option_spec option_specs[] = {
    {"--model", NULL, "NAME", "model to probe (default $GEMINI_MODEL, else the rules' default)",
     NULL},
    {"--base-url", NULL, "URL",
     "API base URL (default $GOOGLE_GEMINI_BASE_URL, else\n" DEFAULT_BASE_URL ")", NULL},
    {"--status-url", NULL, "URL", "incident feed (default " DEFAULT_STATUS_URL ")", NULL},
    {"--key-file", NULL, "FILE", "read the API key from the first line of FILE", NULL},
    {"--timeout", NULL, "SECONDS", "per-request timeout (default 10)", NULL},
    {"--format", NULL, "FORMAT",
     "text|json|junit|github (check), text|json (explain),\ntext|json|sarif|github (scan)",
     "text|json|junit|github|sarif"},
    {"--no-generate", NULL, NULL, "skip the one billable probe (generateContent)", NULL},
    {"--offline", NULL, NULL, "local checks only", NULL},
    {"--rules", NULL, "DIR", "use the rules table in DIR instead of the built-in one", NULL},
    {"--from", NULL, "URL",
     "rules update: the bundle's manifest.json (default: the data's\nupdate_url)", NULL},
    {"--no-color", "--no-colour", NULL, "no colour (also when NO_COLOR is set)", NULL},
    {"--verbose", "-v", NULL, "timings and the HTTP exchange (key masked)", NULL},
    {"--quiet", "-q", NULL, "only the summary line", NULL},
    {"--help", "-h", NULL, "this help", NULL},
    {"--version", NULL, NULL, "print the version", NULL},
};

static const struct option_spec *find_option(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(option_specs); i++) {
        const struct option_spec *o = &option_specs[i];
        if (strcmp(o->name, name) == 0 || (o->alias && strcmp(o->alias, name) == 0))
            return o;
    }
    return NULL;
}

/* Options, one a line, from o[0..n) (n -1: until a row without a name). */
static void print_option_list(FILE *out, const struct option_spec *o, long n)
{
    for (; n < 0 ? o->name != NULL : n-- > 0; o++) {
        char left[48];
        if (o->alias && o->alias[1] != '-')
            snprintf(left, sizeof(left), "%s, %s", o->alias, o->name);
        else
            snprintf(left, sizeof(left), "%s%s%s", o->name, o->arg ? " " : "",
                     o->arg ? o->arg : "");
        fprintf(out, "  %-20s", left);
        for (const char *h = o->help; *h; h++) {
            if (*h == '\n')
                fprintf(out, "\n  %-20s", "");
            else
                fputc(*h, out);
        }
        fputc('\n', out);
    }
}

static void print_options(FILE *out)
{
    fprintf(out, "Options:\n");
    print_option_list(out, option_specs, (long)ARRAY_SIZE(option_specs));
}

static void usage(FILE *out)
{
    fprintf(out, "usage: gemini-doctor [COMMAND] [options]\n\nCommands:\n");
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        fprintf(out, "  %-10s %-24s %s\n", commands[i].name, commands[i].args, commands[i].help);
    fprintf(out, "\nWith no command: the interactive doctor on a terminal, else check.\n\n");
    print_options(out);
    fprintf(out,
            "\nExit codes: 0 ok, 1 a problem that needs a change, 64 usage,\n"
            "65 explain found no Gemini error, 66 an input cannot be read, 70 internal error,\n"
            "75 transient: retry later.\n");
}

const struct command *command_table(size_t *n)
{
    *n = ARRAY_SIZE(commands);
    return commands;
}

const struct option_spec *option_table(size_t *n)
{
    *n = ARRAY_SIZE(option_specs);
    return option_specs;
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static int cmd_help(int argc, char **argv, struct options *opt)
{
    (void)opt;
    if (argc > 1) {
        const struct command *c = find_command(argv[1]);
        if (!c) {
            error("no command '%s'; see 'gemini-doctor help'", argv[1]);
            return EXIT_USAGE;
        }
        printf("usage: gemini-doctor %s %s\n\n%s.\n\n%s", c->name, c->args, c->help,
               c->own_help ? c->own_help : "");
        if (c->own_opts) {
            print_option_list(stdout, c->own_opts, -1);
            fputc('\n', stdout);
        }
        print_options(stdout);
        return EXIT_OK;
    }
    usage(stdout);
    return EXIT_OK;
}

/* Options that take a value; "--opt VALUE" and "--opt=VALUE" both work. */
static int set_value_option(struct options *opt, const char *name, const char *val)
{
    if (strcmp(name, "--model") == 0) {
        opt->model = val;
        opt->model_from = "--model";
    } else if (strcmp(name, "--base-url") == 0) {
        opt->base_url = val;
        opt->base_url_from = "--base-url";
    } else if (strcmp(name, "--status-url") == 0) {
        opt->status_url = val;
    } else if (strcmp(name, "--key-file") == 0) {
        opt->key_file = val;
    } else if (strcmp(name, "--rules") == 0) {
        opt->rules_dir = val;
    } else if (strcmp(name, "--from") == 0) {
        opt->update_from = val;
    } else if (strcmp(name, "--timeout") == 0) {
        char *end;
        double t = strtod(val, &end);
        if (end == val || *end || !(t > 0) || t > 3600)
            return error("--timeout takes seconds between 0 and 3600, not '%s'", val);
        opt->timeout_s = t;
    } else if (strcmp(name, "--format") == 0) {
        int i = option_value_index(find_option(name), val);
        if (i < 0)
            return error("unknown format '%s' (text, json, junit, github, sarif)", val);
        opt->format = (enum out_format)i;
        opt->format_set = 1;
    } else {
        return 1;
    }
    return 0;
}

static int is_value_option(const char *name)
{
    const struct option_spec *o = find_option(name);
    return o && o->arg;
}

static void options_defaults(struct options *opt)
{
    const char *s;
    memset(opt, 0, sizeof(*opt));
    opt->timeout_s = DEFAULT_TIMEOUT_S;
    opt->base_url = DEFAULT_BASE_URL;
    opt->base_url_from = "default";
    s = getenv("GOOGLE_GEMINI_BASE_URL");
    if (s && *s) {
        opt->base_url = s;
        opt->base_url_from = "GOOGLE_GEMINI_BASE_URL";
    }
    opt->status_url = DEFAULT_STATUS_URL;
    s = getenv("GEMINI_MODEL");
    if (s && *s) {
        opt->model = s;
        opt->model_from = "GEMINI_MODEL";
    }
    s = getenv("NO_COLOR");
    if (s && *s)
        opt->no_color = 1;
}

/* Split argv into options (into opt) and positional arguments (into pos). */
static int parse_args(int argc, char **argv, struct options *opt, char **pos, int *npos)
{
    int only_pos = 0;
    *npos = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            pos[(*npos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            opt->verbose = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            opt->quiet = 1;
        } else if (strcmp(a, "--no-generate") == 0) {
            opt->no_generate = 1;
        } else if (strcmp(a, "--offline") == 0) {
            opt->offline = 1;
        } else if (strcmp(a, "--no-color") == 0 || strcmp(a, "--no-colour") == 0) {
            opt->no_color = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            pos[(*npos)++] = "--help";
        } else if (strcmp(a, "--version") == 0) {
            pos[(*npos)++] = "--version";
        } else {
            char name[32];
            const char *eq = strchr(a, '=');
            const char *val;
            size_t n = eq ? (size_t)(eq - a) : strlen(a);
            if (n >= sizeof(name) || !is_value_option((memcpy(name, a, n), name[n] = '\0', name))) {
                const struct command *c = *npos > 0 ? find_command(pos[0]) : NULL;
                if (c && c->own_options) {
                    pos[(*npos)++] = a;
                    continue;
                }
                return error("unknown option '%s'; see 'gemini-doctor --help'", a);
            }
            if (eq) {
                val = eq + 1;
            } else {
                if (i + 1 >= argc)
                    return error("option '%s' needs a value", name);
                val = argv[++i];
            }
            if (set_value_option(opt, name, val))
                return -1;
        }
    }
    return 0;
}

/* A core dump would hold the key: no core, and no ptrace attach or
 * /proc/PID/mem for other processes of the user, before any key is read. */
static void no_core_dumps(void)
{
    struct rlimit rl = {0, 0};
    setrlimit(RLIMIT_CORE, &rl);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Does the command line ask for --format json? Known before anything is
 * allocated, so that running out of memory at once still prints JSON. */
static int asks_json(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strncmp(argv[i], "--format=", 9) == 0)
            json = strcmp(argv[i] + 9, "json") == 0;
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            json = strcmp(argv[++i], "json") == 0;
    }
    return json;
}

int main(int argc, char **argv)
{
    struct options opt;
    char **pos;
    int npos = 0, ret;
    const struct command *c;

    gd_json_exit(asks_json(argc, argv));
    no_core_dumps();
    gd_json_hooks();
    pos = xcalloc((size_t)argc + 1, sizeof(*pos));
    options_defaults(&opt);
    if (parse_args(argc, argv, &opt, pos, &npos)) {
        ret = EXIT_USAGE;
        goto out;
    }
    keysrc_protect(&opt);
    for (int i = 0; i < npos; i++) {
        if (strcmp(pos[i], "--version") == 0) {
            struct rule_table *t = load_rules(&opt);
            printf("gemini-doctor %s\n", GD_VERSION);
            char lib[160];
            if (t)
                printf("rules data of %s (%s)\n", rules_data_date(t), rules_origin(t));
            rule_table_free(t);
            if (probe_library(lib, sizeof(lib)) == 0)
                printf("%s\n", lib);
            else
                printf("libcurl not loaded: check, the interactive doctor and rules update "
                       "cannot run\n");
            ret = EXIT_OK;
            goto out;
        }
        if (strcmp(pos[i], "--help") == 0) {
            char *hargv[2] = {"help", i > 0 ? pos[0] : NULL};
            ret = cmd_help(i > 0 ? 2 : 1, hargv, &opt);
            goto out;
        }
    }
    if (npos == 0) {
        int tty = isatty(0) && isatty(1);
        c = find_command(tty ? "tui" : "check");
        pos[0] = (char *)c->name;
        npos = 1;
    } else {
        c = find_command(pos[0]);
        if (!c) {
            error("no command '%s'; see 'gemini-doctor help'", pos[0]);
            ret = EXIT_USAGE;
            goto out;
        }
    }
    ret = c->fn(npos, pos, &opt);
    curl_unload();
out:
    free(pos);
    /* An answer that could not be written is no answer: say so, once. */
    if ((fflush(stdout) != 0 || ferror(stdout)) && ret != EXIT_INTERNAL) {
        error("cannot write to standard output: %s", strerror(errno));
        ret = EXIT_INTERNAL;
    }
    return ret;
}
