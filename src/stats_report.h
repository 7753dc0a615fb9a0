/*
 * stats_report: the renderers of the `stats` report (text with terminal
 * charts, JSON, HTML) and the options they share. They read the aggregates
 * and print; they decide nothing about causes (the rules did) and compute
 * only the derived figures of stats_agg.h and the recommendations, each with
 * the figure behind it.
 */
#ifndef GD_STATS_REPORT_H
#define GD_STATS_REPORT_H

#include <stdio.h>

#include "stats_agg.h"

struct rule_table;

struct stats_opts {
    char by[96];  /* --by as given, "" when none */
    int by_field; /* --by names a logical field: its index, else -1 */
    double since, until;
    int has_since, has_until;
    int width; /* 0: the terminal's */
    int color;
    int json;
    int verbose;
    const char *html;
    const char *table;           /* --table */
    int sql;                     /* --sql: an enum stats_sql_dialect, else -1 */
    const char *sql_table;       /* --sql-table, or NULL */
    char *rules_notice;          /* the rules data is old: one sentence, else NULL */
    const struct rule_table *rt; /* the recommendations' texts come from it */
};

/* The columns of the 429 chart: a cause's stats_column in causes.json, else
 * its quota dimension, names one; any other cause is "other". */
#define STATS_DIMS(X)                                                                              \
    X(DIM_RPM, "rpm")                                                                              \
    X(DIM_TPM, "tpm")                                                                              \
    X(DIM_RPD, "rpd")                                                                              \
    X(DIM_ZERO, "zero")                                                                            \
    X(DIM_SPEND, "spend")                                                                          \
    X(DIM_UNKNOWN, "unknown")                                                                      \
    X(DIM_CAPACITY, "capacity")                                                                    \
    X(DIM_OTHER, "other")

#define X(id, label) id,
enum stats_dim { STATS_DIMS(X) DIM_COUNT };
#undef X

const char *stats_dim_name(int d);
struct cause_info;
int stats_dim_of(const struct cause_info *cause);
void stats_dim_counts(const struct stats *s, long long out[DIM_COUNT]);

/* "09:14" for a second of the day; ISO-8601 UTC for an epoch time. */
void stats_clock(int sec, char *out, size_t size);
void stats_iso(double t, char *out, size_t size);
/* The clock hour with the most 429s (0 when there were none). */
int stats_peak_hour(const struct stats *s, struct stats_hour *peak);

/* The recommendations the report can make: the key of each text in
 * guide.json's stats_advice (id, or id/variant) and the placeholders the
 * code fills in it. The one list: lint checks the data against it. */
#define STATS_ADVICE(X)                                                                            \
    X("client-rate-limit", "target share limit")                                                   \
    X("client-token-limit", "target share limit")                                                  \
    X("client-token-limit/pace", "")                                                               \
    X("batch-api/one-key", "by key")                                                               \
    X("batch-api", "")                                                                             \
    X("smaller-context", "tokens")                                                                 \
    X("stop-retrying", "")                                                                         \
    X("stop-after-daily-quota", "reset")                                                           \
    X("honour-retry-delay", "")                                                                    \
    X("link-billing", "")

struct stats_reco {
    char id[32];
    char text[400];
    char figure[320]; /* the number it rests on */
};
#define STATS_MAX_RECO 10
int stats_recommend(const struct stats *s, const struct stats_opts *o, struct stats_reco *out,
                    int cap);

/* The text report as lines, for a screen as for a file: each fitted to the
 * width (o->width, else the terminal's; a line with no space to break at
 * may be longer), the charts in Unicode blocks when utf8 is set, else in
 * ASCII. emit gets each line in order, without its newline; heading is set
 * for the rows of a section's title. */
typedef void (*stats_line_fn)(void *arg, int heading, const char *line, size_t len);
void stats_report_lines(const struct stats *s, const struct stats_opts *o, int utf8,
                        stats_line_fn emit, void *arg);
void stats_render_text(FILE *out, const struct stats *s, const struct stats_opts *o);
void stats_render_json(FILE *out, const struct stats *s, const struct stats_opts *o);
/* Write the HTML page to path; prints one error line and returns -1 when it
 * cannot be written. */
int stats_render_html(const char *path, const struct stats *s, const struct stats_opts *o);

#endif
