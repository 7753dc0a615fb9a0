/*
 * stats_sql: `stats --sql DIALECT` prints the aggregations of the stats
 * report as SQL, for logs that live in a warehouse: DuckDB over the log files
 * themselves or over a table, BigQuery over a table. The SQL cannot run the
 * reader, so each error's cause is not there; the 429 dimension is decided by
 * the rules that a text search can test, generated from the rules table.
 * docs/stats.md says what the SQL covers and what only the report has.
 *
 * Everything a struct stats_sql points to is the caller's, and only read.
 */
#ifndef GD_STATS_SQL_H
#define GD_STATS_SQL_H

#include <stdio.h>

#include "stats.h"
#include "stats_report.h"
#include "stats_rows.h"

#define STATS_SQL_DIALECTS(X)                                                                      \
    X(SQL_DUCKDB, "duckdb")                                                                        \
    X(SQL_BIGQUERY, "bigquery")

#define X(e, name) e,
enum stats_sql_dialect { STATS_SQL_DIALECTS(X) SQL_DIALECT_COUNT };
#undef X

/* The dialect named name, or -1. */
int stats_sql_dialect_from_name(const char *name);

/* One log file DuckDB reads directly, in its form, with the field mapping
 * guessed from its first lines as the report would guess it. */
struct stats_sql_input {
    const char *path;
    enum stats_form form; /* SFORM_JSONL or SFORM_CSV */
    int gzip;             /* the file is gzip, whatever it is called */
    struct stats_map map;
};

struct stats_sql {
    enum stats_sql_dialect dialect;
    const char *table; /* the table when no file is read; NULL: the default */
    /* DuckDB over files: the inputs; none means over the table */
    const struct stats_sql_input *in;
    int nin;
    /* over a table: the columns (--field, --by, or a guess from a file) */
    const struct stats_map *columns;
    const struct stats_opts *so; /* --by, --since, --until */
    const struct stats_tz *tz;   /* --tz, or NULL */
    const char *reset_zone;      /* the daily reset's zone, from the rules */
    const struct rule_table *rules;
    const char *data_date;
};

#define STATS_SQL_TABLE "gemini_requests"

/* The default column of each field when the SQL runs over a table. */
const char *stats_sql_column(enum stats_field f);

/* Print the SQL to out. Returns 0, or -1 after one error line (a --tz the
 * dialect cannot express). */
int stats_sql_print(FILE *out, const struct stats_sql *q);

#endif
