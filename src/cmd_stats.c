/*
 * cmd_stats: `gemini-doctor stats [FILE...|-]`. It hands the stats options
 * to a reading (stats_read.h: the inputs in their forms, each request
 * classified by the reader and the rules, folded into the aggregates) and
 * the finished aggregates to a renderer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "rules.h"
#include "rules_store.h"
#include "stats_read.h"
#include "stats_report.h"
#include "stats_sql.h"
#include "util.h"

const char stats_help[] =
    "Exit codes: 0 report printed, 64 usage or a mapping that cannot be used,\n"
    "65 no request records in the input, 66 an input file cannot be read or the\n"
    "--html file cannot be written.\n\n"
    "Stats options:\n"
    "  FILE...             logs to read (- or none: stdin); JSON Lines, CSV, OTLP JSON\n"
    "                      spans, a text log (plain or gzip) or an SQLite database,\n"
    "                      told apart by content\n";

/* The dialect names, "duckdb|bigquery", from the one list in stats_sql.h. */
#define X(e, name) "|" name
static const char sql_dialects[] = STATS_SQL_DIALECTS(X);
#undef X

const struct option_spec stats_options[] = {
    {"--by", NULL, "FIELD", "count 429s and errors by this field (a JSON path or column)", NULL},
    {"--field", NULL, "NAME=PATH",
     "where a field is: time, status, model, input_tokens, latency,\nerror, request "
     "(repeatable)",
     NULL},
    {"--since", NULL, "T", "only records from T: ISO-8601, or 24h/7d/30m before now", NULL},
    {"--until", NULL, "T", "only records before T (the same forms)", NULL},
    {"--tz", NULL, "ZONE", "also show the hour of day in ZONE (UTC, +05:30, Europe/Paris)", NULL},
    {"--width", NULL, "N", "chart width (default: the terminal's, else 80)", NULL},
    {"--table", NULL, "T", "the table of an SQLite database (default: its only one)", NULL},
    {"--html", NULL, "FILE", "also write the report as one self-contained HTML page", NULL},
    {"--sql", NULL, "DIALECT",
     "print the figures as SQL instead: duckdb (over the JSON\nLines and CSV files, or a "
     "table) or bigquery (a table)",
     sql_dialects + 1},
    {"--sql-table", NULL, "NAME", "the table the SQL reads (default " STATS_SQL_TABLE ")", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* Is the file gzip, whatever it is called? */
static int is_gzip(const char *path)
{
    unsigned char m[2] = {0, 0};
    FILE *f = fopen(path, "rb");
    size_t n;
    if (!f)
        return 0;
    n = fread(m, 1, 2, f);
    fclose(f);
    return n == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* --sql: the SQL instead of the report. Each file is opened only for its
 * form and its field mapping, guessed from its first lines as the report
 * guesses them; nfiles 0 means the SQL reads a table. */
static int print_sql(struct stats_read *run, const struct rule_table *t, int nfiles)
{
    struct stats_sql_input *in = xcalloc((size_t)nfiles + 1, sizeof(*in));
    const struct stats *st = stats_read_stats(run);
    struct stats_sql q;
    int ret = 0;

    for (int i = 0; i < nfiles && ret == 0; i++) {
        const char *path = stats_read_file(run, i);
        if (strcmp(path, "-") == 0) {
            error("--sql reads its logs from files, not from stdin");
            ret = EXIT_USAGE;
            break;
        }
        ret = stats_read_open(run, i);
        if (ret)
            break;
        in[i].path = path;
        in[i].map = *stats_read_map(run, &in[i].form);
        in[i].gzip = is_gzip(path);
        if (in[i].form != SFORM_JSONL && in[i].form != SFORM_CSV) {
            error("--sql reads JSON Lines and CSV files; '%s' is %s", path,
                  stats_form_name(in[i].form));
            ret = EXIT_USAGE;
        }
    }
    if (ret)
        goto out;
    memset(&q, 0, sizeof(q));
    q.so = stats_read_opts(run);
    q.dialect = (enum stats_sql_dialect)q.so->sql;
    q.table = q.so->sql_table;
    q.columns = stats_read_user_map(run);
    /* BigQuery runs over a table: a file only says what its columns are
     * called (a JSON Lines file loaded as it is keeps its names). */
    if (q.dialect == SQL_BIGQUERY && nfiles > 0) {
        q.columns = &in[0].map;
    } else if (q.dialect == SQL_DUCKDB) {
        q.in = in;
        q.nin = nfiles;
    }
    q.tz = st->have_tz ? &st->tz : NULL;
    q.reset_zone = st->reset_zone[0] ? st->reset_zone : NULL;
    q.rules = t;
    q.data_date = rules_data_date(t);
    if (stats_sql_print(stdout, &q))
        ret = EXIT_USAGE;
out:
    free(in);
    return ret;
}

int cmd_stats(int argc, char **argv, struct options *opt)
{
    struct stats_read *run = NULL;
    struct rule_table *t = NULL;
    struct stats_opts *so;
    const struct stats *st;
    int ret = EXIT_INTERNAL, rc, nfiles;

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
    nfiles = stats_read_nfiles(run);
    rc = stats_read_begin(run, t);
    if (rc == 0 && so->sql >= 0) {
        ret = print_sql(run, t, nfiles);
        goto out;
    }
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
