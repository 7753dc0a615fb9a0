/*
 * stats_read: one reading of request logs into the aggregates of `stats`,
 * from the stats options to a finished struct stats. It is the one way in
 * for the command (cmd_stats.c) and for the interactive doctor's stats
 * screen (tui_stats.c), so both show the same figures: it parses the stats
 * options, opens each log in its form (told apart by content), reads it a
 * bounded number of lines at a time, turns each record into a request (its
 * error classified by stats_classify, that is the reader and the rules) and
 * folds it into struct stats. It prints nothing but error and warning lines
 * (through error() and warning()); the renderers print the report.
 *
 * A struct stats_read is owned by its caller: stats_read_new() before use,
 * stats_read_free() after. The struct stats and the options it hands out
 * live as long as the reading.
 */
#ifndef GD_STATS_READ_H
#define GD_STATS_READ_H

#include "stats_agg.h"
#include "stats_report.h"
#include "stats_rows.h"

struct rule_table;
struct stats_read;

struct stats_read *stats_read_new(void);
void stats_read_free(struct stats_read *r);

/* Parse the stats options and files of argv[1..argc) (argv[0] is the
 * command name; the strings are copied). Returns 0, or -1 after one error
 * line: a usage error. */
int stats_read_args(struct stats_read *r, int argc, char **argv);
/* The files named, in order; "-" is stdin. */
int stats_read_nfiles(const struct stats_read *r);
const char *stats_read_file(const struct stats_read *r, int i);
/* The options the renderers read. The caller sets color, json and verbose
 * (they come from the common options); the rest comes from the arguments. */
struct stats_opts *stats_read_opts(struct stats_read *r);

/* Ready the reading with the rules table t (which must outlive it): the
 * daily reset's zone, --tz and the classifier. Without files, stdin is
 * read. Returns 0, or EXIT_USAGE after one error line. */
int stats_read_begin(struct stats_read *r, const struct rule_table *t);
/* Open file i (0 <= i < stats_read_nfiles). Returns 0, or an exit code
 * (EXIT_NOFILE, EXIT_USAGE) after one error line. */
int stats_read_open(struct stats_read *r, int i);
/* Read at most budget lines (or rows) of the open file. Returns 1 while
 * the file has more, 0 once it is read to the end and closed. */
int stats_read_step(struct stats_read *r, long budget);
/* How far the open file is: bytes consumed of its size on disk (a gzip
 * counts compressed bytes; size is 0 when not known, as for stdin and
 * SQLite), and the records read so far in all files. */
void stats_read_progress(const struct stats_read *r, long long *done, long long *size,
                         long long *records);
/* After the last file: close the retry windows and count the classifier's
 * work. Returns 0, or EXIT_NOINPUT after one error line when the input held
 * no request record. */
int stats_read_finish(struct stats_read *r);
/* Every file, opened, read to the end and finished: 0 or an exit code. */
int stats_read_all(struct stats_read *r);

/* The field mapping --field and --by give, before any file; and the form
 * and the mapping of the open file (after stats_read_open: its guesses
 * added), for stats --sql, which reads no further. */
const struct stats_map *stats_read_user_map(const struct stats_read *r);
const struct stats_map *stats_read_map(const struct stats_read *r, enum stats_form *form);

/* The aggregates: complete after stats_read_finish(). */
const struct stats *stats_read_stats(const struct stats_read *r);

#endif
