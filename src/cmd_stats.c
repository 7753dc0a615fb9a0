/*
 * cmd_stats: `gemini-doctor stats [FILE...|-]`. It hands the stats options
 * to a reading (stats_read.h: the inputs in their forms, each request
 * classified by the reader and the rules, folded into the aggregates) and
 * the finished aggregates to a renderer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "options.h"
#include "rules.h"
#include "rules_store.h"
#include "stats_read.h"
#include "stats_report.h"
#include "util.h"

const char stats_help[] =
    "Stats options:\n"
    "  FILE...             logs to read (- or none: stdin); JSON Lines, CSV, OTLP JSON\n"
    "                      spans, a text log (plain or gzip) or an SQLite database,\n"
    "                      told apart by content\n"
    "  --by FIELD          count 429s and errors by this field (a JSON path or column)\n"
    "  --field NAME=PATH   where a field is: time, status, model, input_tokens, latency,\n"
    "                      error, request (repeatable)\n"
    "  --since T, --until T  only records in [T, T): ISO-8601, or 24h/7d/30m before now\n"
    "  --tz ZONE           also show the hour of day in ZONE (UTC, +05:30, Europe/Paris)\n"
    "  --width N           chart width (default: the terminal's, else 80)\n"
    "  --table T           the table of an SQLite database (default: its only one)\n"
    "  --html FILE         also write the report as one self-contained HTML page\n"
    "Exit codes: 0 report printed, 64 usage or a mapping that cannot be used,\n"
    "65 no request records in the input, 66 an input file cannot be read or the\n"
    "--html file cannot be written.\n\n";

int cmd_stats(int argc, char **argv, struct options *opt)
{
    struct stats_read *run = NULL;
    struct rule_table *t = NULL;
    struct stats_opts *so;
    const struct stats *st;
    int ret = EXIT_INTERNAL, rc;

    if (opt->format != FMT_TEXT && opt->format != FMT_JSON) {
        error("stats prints text or json");
        return EXIT_USAGE;
    }
    run = stats_read_new();
    so = stats_read_opts(run);
    so->verbose = opt->verbose;
    so->color = use_color(opt, 1);
    so->json = opt->format == FMT_JSON;
    if (stats_read_args(run, argc, argv)) {
        ret = EXIT_USAGE;
        goto out;
    }
    t = load_rules(opt);
    if (!t)
        goto out;
    rc = stats_read_begin(run, t);
    if (rc == 0)
        rc = stats_read_all(run);
    if (rc) {
        ret = rc;
        goto out;
    }
    st = stats_read_stats(run);
    if (so->html && stats_render_html(so->html, st, so)) {
        ret = EXIT_NOFILE;
        goto out;
    }
    so->rules_notice = rules_stale_notice(t, gd_now());
    rules_stale_warn(t, opt);
    if (so->json)
        stats_render_json(stdout, st, so);
    else
        stats_render_text(stdout, st, so);
    ret = EXIT_OK;
out:
    if (run) {
        free(stats_read_opts(run)->rules_notice);
        stats_read_free(run);
    }
    rule_table_free(t);
    return ret;
}
