/*
 * stats_rows: the row readers of `stats`. Each turns one line (or record) of
 * its input form into a struct stats_record of spans, through a struct
 * stats_map that says where each logical field is: a JSON path for JSON
 * Lines, a column for CSV. A map is guessed from the first lines of each
 * file; a field named with --field is never replaced by a guess.
 */
#ifndef GD_STATS_ROWS_H
#define GD_STATS_ROWS_H

#include <stddef.h>

#include "stats.h"

#define STATS_PATH_MAX 128
#define STATS_MAX_COLS 256

struct stats_map {
    char path[SF_COUNT][STATS_PATH_MAX]; /* "" when the field is not mapped */
    int user[SF_COUNT];                  /* set with --field or --by */
    size_t plen[SF_COUNT];               /* strlen(path[f]), set by stats_map_ready */
    int col[SF_COUNT];                   /* CSV: the column, -1 when absent */
    char sep;                            /* CSV: the separator */
};

enum stats_form { SFORM_JSONL, SFORM_CSV, SFORM_OTLP, SFORM_TEXT, SFORM_SQLITE };

/* Call once the paths are final (after guessing), before reading rows. */
void stats_map_ready(struct stats_map *m);

/* The input form of a log from its first bytes. */
enum stats_form stats_detect(const char *buf, size_t len);
const char *stats_form_name(enum stats_form f);

/* JSON Lines: guess the unmapped fields from the lines in buf (the start of
 * the file); read one line. stats_jsonl_row returns 0, 1 for a blank line,
 * or -1 when the line is not a JSON object. */
void stats_jsonl_guess(struct stats_map *m, const char *buf, size_t len);
int stats_jsonl_row(const struct stats_map *m, const char *line, size_t len,
                    struct stats_record *r);

/* CSV: read the header (returns -1 when it names none of the fields), then
 * rows. A row whose quotes are still open at the end of the line needs the
 * next line: stats_csv_row returns 2 then, and is called again with the two
 * lines joined. Returns 0, 1 for a blank line, -1 for a bad row. */
int stats_csv_header(struct stats_map *m, const char *line, size_t len);
int stats_csv_row(const struct stats_map *m, const char *line, size_t len, struct stats_record *r);

/* OTLP JSON: the spans of one ExportTraceServiceRequest document, each a
 * record handed to emit (its spans valid during the call); by_key, when
 * set, is the span or resource attribute for --by. Returns the number of
 * request spans, or -1 when doc is not a JSON object. */
int stats_otlp_doc(const char *doc, size_t len, const char *by_key,
                   void (*emit)(void *, const struct stats_record *), void *arg);
/* Bracket depth after s[0..n), from depth and the string state: tells when
 * a JSON document spread over lines is complete. */
int stats_json_depth(int depth, int *in_string, const char *s, size_t n);

/* SQLite: open path read-only, pick the table (the one named, or the only
 * one), map its columns as a CSV header's. Returns 0, or -1 after printing
 * one error line. stats_sqlite_row returns 1 with a record, 0 after the last
 * row, -1 on a read error. */
struct sqlite3;
struct sqlite3_stmt;
struct stats_sqlite {
    struct sqlite3 *db;
    struct sqlite3_stmt *st;
    int ncols;
    char table[256];
};
int stats_sqlite_open(const char *path, const char *table, struct stats_map *m,
                      struct stats_sqlite *out);
int stats_sqlite_row(struct stats_sqlite *s, const struct stats_map *m, struct stats_record *r);
void stats_sqlite_close(struct stats_sqlite *s);

#endif
