/*
 * cmd_completion: `gemini-doctor completion bash|zsh|fish` prints a shell
 * completion script generated from the command table and the option list in
 * main.c, so a new command or option completes without touching this file.
 *
 * What a command's positional argument completes to is read from its args
 * text: "list|show ID|lint" offers list, show and lint; FILE, PATH or DIR
 * offers file names; COMMAND offers the commands.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "util.h"

enum arg_kind { ARG_NONE, ARG_WORDS, ARG_FILES, ARG_COMMANDS };

/* What the first positional argument of a command with this args text is. */
static enum arg_kind arg_kind(const char *args)
{
    if (args[0] >= 'a' && args[0] <= 'z')
        return ARG_WORDS;
    if (strstr(args, "COMMAND"))
        return ARG_COMMANDS;
    if (strstr(args, "FILE") || strstr(args, "PATH") || strstr(args, "DIR"))
        return ARG_FILES;
    return ARG_NONE;
}

/* Print the alternatives of a "list|show ID|lint [DIR]" args text, the first
 * word of each, separated by sep. */
static void print_words(const char *args, const char *sep)
{
    const char *p = args;
    int first = 1;
    while (*p) {
        size_t n = strcspn(p, " |");
        if (!first)
            fputs(sep, stdout);
        fwrite(p, 1, n, stdout);
        first = 0;
        p += n;
        p += strcspn(p, "|");
        if (*p == '|')
            p++;
    }
}

/* Print s for the inside of a single-quoted shell word: ' becomes '\''
 * (bash, zsh) or \' (fish); zsh descriptions also escape [ ] and :. */
static void print_quoted(const char *s, int fish, int zsh_desc)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputs(fish ? "\\'" : "'\\''", stdout);
        else if (zsh_desc && (*s == '[' || *s == ']' || *s == ':'))
            printf("\\%c", *s);
        else if (*s == '\n')
            putchar(' ');
        else if (fish && *s == '\\')
            fputs("\\\\", stdout);
        else
            putchar(*s);
    }
}

static void print_value_words(const struct option_spec *o, const char *sep)
{
    const char *p = o->values;
    for (; *p; p++) {
        if (*p == '|')
            fputs(sep, stdout);
        else
            putchar(*p);
    }
}

static int arg_is_path(const struct option_spec *o)
{
    return o->arg && (strcmp(o->arg, "FILE") == 0 || strcmp(o->arg, "DIR") == 0);
}

/* The bash case branch that completes the value of option o. */
static void bash_value(const struct option_spec *o)
{
    printf("    %s)\n", o->name);
    if (o->values) {
        printf("        COMPREPLY=($(compgen -W '");
        print_value_words(o, " ");
        printf("' -- \"$cur\"))\n");
    } else if (arg_is_path(o)) {
        printf("        COMPREPLY=($(compgen -%c -- \"$cur\"))\n",
               strcmp(o->arg, "DIR") == 0 ? 'd' : 'f');
    }
    printf("        return ;;\n");
}

static void gen_bash(void)
{
    size_t nc, no;
    const struct command *c = command_table(&nc);
    const struct option_spec *o = option_table(&no);

    printf("# bash completion for gemini-doctor (made by 'gemini-doctor completion bash')\n"
           "_gemini_doctor()\n{\n"
           "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
           "    local cmd='' i\n"
           "    case $prev in\n");
    for (size_t i = 0; i < no; i++)
        if (o[i].arg)
            bash_value(&o[i]);
    for (size_t i = 0; i < nc; i++)
        for (const struct option_spec *own = c[i].own_opts; own && own->name; own++)
            if (own->arg && (own->values || arg_is_path(own)))
                bash_value(own);
    printf("    esac\n"
           "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
           "        case ${COMP_WORDS[i]} in\n");
    printf("        ");
    for (size_t i = 0, first = 1; i < no; i++) {
        if (!o[i].arg)
            continue;
        printf("%s%s", first ? "" : "|", o[i].name);
        first = 0;
    }
    printf(") ((i++)) ;;\n"
           "        -*) ;;\n"
           "        *) cmd=${COMP_WORDS[i]}; break ;;\n"
           "        esac\n"
           "    done\n"
           "    if [[ $cur == -* ]]; then\n"
           "        local own=''\n"
           "        case $cmd in\n");
    for (size_t i = 0; i < nc; i++) {
        if (!c[i].own_opts)
            continue;
        printf("        %s) own='", c[i].name);
        for (const struct option_spec *own = c[i].own_opts; own->name; own++)
            printf("%s%s", own == c[i].own_opts ? "" : " ", own->name);
        printf("' ;;\n");
    }
    printf("        esac\n"
           "        COMPREPLY=($(compgen -W \"$own \"'");
    for (size_t i = 0; i < no; i++) {
        printf("%s%s", i ? " " : "", o[i].name);
        if (o[i].alias)
            printf(" %s", o[i].alias);
    }
    printf("' -- \"$cur\"))\n"
           "        return\n"
           "    fi\n"
           "    case $cmd in\n"
           "    '')\n"
           "        COMPREPLY=($(compgen -W '");
    for (size_t i = 0; i < nc; i++)
        printf("%s%s", i ? " " : "", c[i].name);
    printf("' -- \"$cur\")) ;;\n");
    for (size_t i = 0; i < nc; i++) {
        enum arg_kind k = arg_kind(c[i].args);
        if (k == ARG_NONE)
            continue;
        printf("    %s)\n        COMPREPLY=($(compgen ", c[i].name);
        if (k == ARG_WORDS) {
            printf("-W '");
            print_words(c[i].args, " ");
            printf("'");
        } else if (k == ARG_COMMANDS) {
            printf("-W '");
            for (size_t j = 0; j < nc; j++)
                printf("%s%s", j ? " " : "", c[j].name);
            printf("'");
        } else {
            printf("-f");
        }
        printf(" -- \"$cur\")) ;;\n");
    }
    printf("    esac\n}\ncomplete -F _gemini_doctor gemini-doctor\n");
}

/* One _arguments spec of option o (under its name, or its alias). */
static void zsh_opt(const struct option_spec *o, const char *name, const char *indent)
{
    printf("%s'%s[", indent, name);
    print_quoted(o->help, 0, 1);
    printf("]");
    if (o->arg) {
        printf(":%s:", o->arg);
        if (o->values) {
            printf("(");
            print_value_words(o, " ");
            printf(")");
        } else if (arg_is_path(o)) {
            printf("_files%s", strcmp(o->arg, "DIR") == 0 ? " -/" : "");
        }
    }
    printf("' \\\n");
}

static void gen_zsh(void)
{
    size_t nc, no;
    const struct command *c = command_table(&nc);
    const struct option_spec *o = option_table(&no);

    printf("#compdef gemini-doctor\n"
           "# zsh completion for gemini-doctor (made by 'gemini-doctor completion zsh')\n"
           "_gemini_doctor() {\n"
           "    local -a cmds\n"
           "    local state\n"
           "    cmds=(\n");
    for (size_t i = 0; i < nc; i++) {
        printf("        '%s:", c[i].name);
        print_quoted(c[i].help, 0, 1);
        printf("'\n");
    }
    printf("    )\n"
           "    _arguments -s \\\n");
    for (size_t i = 0; i < no; i++) {
        for (int a = 0; a < 2; a++) {
            const char *name = a ? o[i].alias : o[i].name;
            if (name)
                zsh_opt(&o[i], name, "        ");
        }
    }
    printf("        '1: :->cmd' \\\n"
           "        '*:: :->args'\n"
           "    case $state in\n"
           "    cmd) _describe 'command' cmds ;;\n"
           "    args)\n"
           "        case $words[1] in\n");
    for (size_t i = 0; i < nc; i++) {
        enum arg_kind k = arg_kind(c[i].args);
        if (k == ARG_NONE)
            continue;
        printf("        %s) ", c[i].name);
        if (c[i].own_opts) {
            /* Its own options, then what its arguments are. */
            printf("_arguments \\\n");
            for (const struct option_spec *own = c[i].own_opts; own->name; own++)
                zsh_opt(own, own->name, "            ");
            printf("            '*:argument:%s' ;;\n", k == ARG_FILES ? "_files"
                                                       : k == ARG_COMMANDS
                                                           ? "{_describe command cmds}"
                                                           : " ");
            continue;
        }
        if (k == ARG_WORDS) {
            printf("_values 'argument' ");
            print_words(c[i].args, " ");
        } else if (k == ARG_COMMANDS) {
            printf("_describe 'command' cmds");
        } else {
            printf("_files");
        }
        printf(" ;;\n");
    }
    printf("        esac ;;\n"
           "    esac\n"
           "}\n"
           "_gemini_doctor \"$@\"\n");
}

/* One fish complete line for option o, under condition cond (or none). */
static void fish_opt(const struct option_spec *o, const char *cond)
{
    printf("complete -c gemini-doctor");
    if (cond)
        printf(" -n '__fish_seen_subcommand_from %s'", cond);
    printf(" -l %s", o->name + 2);
    if (o->alias && o->alias[1] != '-')
        printf(" -s %s", o->alias + 1);
    else if (o->alias)
        printf(" -l %s", o->alias + 2);
    if (o->values) {
        printf(" -x -a '");
        print_value_words(o, " ");
        printf("'");
    } else if (arg_is_path(o)) {
        printf(" -r -F");
    } else if (o->arg) {
        printf(" -x");
    }
    printf(" -d '");
    print_quoted(o->help, 1, 0);
    printf("'\n");
}

static void gen_fish(void)
{
    size_t nc, no;
    const struct command *c = command_table(&nc);
    const struct option_spec *o = option_table(&no);

    printf("# fish completion for gemini-doctor (made by 'gemini-doctor completion fish')\n"
           "complete -c gemini-doctor -f\n");
    for (size_t i = 0; i < nc; i++) {
        printf("complete -c gemini-doctor -n __fish_use_subcommand -a %s -d '", c[i].name);
        print_quoted(c[i].help, 1, 0);
        printf("'\n");
    }
    for (size_t i = 0; i < no; i++)
        fish_opt(&o[i], NULL);
    for (size_t i = 0; i < nc; i++)
        for (const struct option_spec *own = c[i].own_opts; own && own->name; own++)
            fish_opt(own, c[i].name);
    for (size_t i = 0; i < nc; i++) {
        enum arg_kind k = arg_kind(c[i].args);
        if (k == ARG_NONE)
            continue;
        printf("complete -c gemini-doctor -n '__fish_seen_subcommand_from %s' ", c[i].name);
        if (k == ARG_WORDS) {
            printf("-a '");
            print_words(c[i].args, " ");
            printf("'\n");
        } else if (k == ARG_COMMANDS) {
            printf("-a '");
            for (size_t j = 0; j < nc; j++)
                printf("%s%s", j ? " " : "", c[j].name);
            printf("'\n");
        } else {
            printf("-F\n");
        }
    }
}

int cmd_completion(int argc, char **argv, struct options *opt)
{
    (void)opt;
    if (argc != 2) {
        error("completion takes one shell: bash, zsh or fish");
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "bash") == 0)
        gen_bash();
    else if (strcmp(argv[1], "zsh") == 0)
        gen_zsh();
    else if (strcmp(argv[1], "fish") == 0)
        gen_fish();
    else {
        error("no completion for shell '%s' (bash, zsh, fish)", argv[1]);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
