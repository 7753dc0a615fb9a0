/*
 * stats_textlog: the helpers that cut a raw text log into records: the
 * timestamp on a line, whether a record may hold an error (then the reader
 * decides), and the HTTP status an access line records.
 */
#ifndef GD_STATS_TEXTLOG_H
#define GD_STATS_TEXTLOG_H

#include <stddef.h>

#include "stats.h"

/* The timestamp near the start of a log line: 0 with *t and *end (the
 * offset just past it), or -1. */
int stats_line_time(const char *line, size_t len, double *t, size_t *end);
int stats_text_worth_reading(const char *s, size_t n);
/* The HTTP status an access-log style line records ("HTTP/1.1 429",
 * "status=200"), or 0. */
int stats_text_http_status(const char *s, size_t n);

#endif
