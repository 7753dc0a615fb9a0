/*
 * tui_statsopen: the prompt of the stats screen. It takes what the stats
 * command takes after `gemini-doctor stats`: one or more log files, then
 * any stats options (--by, --tz, --since, ...), split into words as a shell
 * would (quotes and a backslash keep a space in a path). Up and Down recall
 * what was typed before in this session; the last line is the default.
 */
#include <string.h>

#include "tui.h"

#define MAX_WORDS (STATS_ARGS_MAX / 2 + 2)

void tstats_open_init(struct tui *t)
{
    tui_input_wipe(t);
    tui_input_reserve(t, STATS_ARGS_MAX);
    if (t->stats_nhist > 0)
        sbuf_adds(&t->input, t->stats_hist[0]);
    t->stats_hpos = t->stats_nhist > 0 ? 0 : -1;
    tui_screen_open(t, SCR_STATS_OPEN);
}

void tstats_open_draw(struct tui *t)
{
    struct tui_doc d;

    tui_header(t, "open a response log");
    tui_doc_init(&d);
    tui_doc_add(&d, ST_NORMAL, 0, 0,
                "The error patterns in a log of your Gemini calls, as 'gemini-doctor stats' "
                "reports them: a JSON Lines, CSV, OTLP JSON or text log (gzip too), or an "
                "SQLite database, then any stats options: --by FIELD, --tz ZONE, --since T, "
                "--until T, --field NAME=PATH, --table T.");
    tui_doc_add(&d, ST_DIM, 2, 2, "For example: app.jsonl --by feature --tz Europe/Paris");
    tui_doc_add(&d, ST_NORMAL, 0, 0, "%s", "");
    tui_doc_add(&d, ST_BOLD, 2, 7, "Log: %s" TUI_CURSOR "_", t->input.buf ? t->input.buf : "");
    tui_page(t, &d, "Enter open|Up/Down earlier|C-u clear|Esc cancel");
}

/* Split s in place into words: spaces separate them, '...' and "..." and a
 * backslash keep a space (or a quote) inside one. Returns the count. */
static int split_words(char *s, char **argv, int max)
{
    int n = 0;
    char *out = s;

    while (*s) {
        char quote = 0;
        while (*s == ' ' || *s == '\t')
            s++;
        if (!*s)
            break;
        if (n == max)
            break;
        argv[n++] = out;
        while (*s && (quote || (*s != ' ' && *s != '\t'))) {
            if (quote && *s == quote) {
                quote = 0;
            } else if (!quote && (*s == '\'' || *s == '"')) {
                quote = *s;
            } else if (*s == '\\' && s[1] && quote != '\'') {
                s++;
                *out++ = *s;
            } else {
                *out++ = *s;
            }
            s++;
        }
        if (*s)
            s++;
        *out++ = '\0';
    }
    return n;
}

/* Keep line at the top of the history, once. */
static void remember(struct tui *t, const char *line)
{
    int i, n = t->stats_nhist;

    for (i = 0; i < n; i++)
        if (strcmp(t->stats_hist[i], line) == 0)
            break;
    if (i == n)
        i = n < STATS_HIST ? n++ : STATS_HIST - 1;
    memmove(t->stats_hist[1], t->stats_hist[0], (size_t)i * sizeof(t->stats_hist[0]));
    snprintf(t->stats_hist[0], sizeof(t->stats_hist[0]), "%s", line);
    t->stats_nhist = n;
}

static void submit(struct tui *t)
{
    char line[STATS_ARGS_MAX + 1];
    char *argv[MAX_WORDS + 1];
    int argc;

    snprintf(line, sizeof(line), "%s", t->input.buf ? t->input.buf : "");
    argv[0] = "stats";
    argc = 1 + split_words(line, argv + 1, MAX_WORDS);
    if (argc == 1) {
        tui_msg(t, "name a log file first, or Esc to cancel");
        return;
    }
    remember(t, t->input.buf);
    if (tstats_start(t, argc, argv) == 0)
        tui_input_wipe(t);
}

/* Show history entry pos in the field. */
static void recall(struct tui *t, int pos)
{
    if (pos < 0 || pos >= t->stats_nhist)
        return;
    t->stats_hpos = pos;
    tui_input_wipe(t);
    tui_input_reserve(t, STATS_ARGS_MAX);
    sbuf_adds(&t->input, t->stats_hist[pos]);
}

void tstats_open_key(struct tui *t, int key, enum action act)
{
    (void)act;
    if (key == TK_ENTER)
        submit(t);
    else if (key == TK_UP)
        recall(t, t->stats_hpos + 1);
    else if (key == TK_DOWN)
        recall(t, t->stats_hpos - 1);
    else if (key == TK_ESC) {
        /* What the prompt said is about the prompt: it goes with it. */
        t->msg[0] = '\0';
        tui_input_key(t, key, STATS_ARGS_MAX);
    } else
        tui_input_key(t, key, STATS_ARGS_MAX);
}
