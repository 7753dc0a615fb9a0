/*
 * stats: the interface between the files of the `stats` command. Input
 * (stats_input.c) turns files into records, one per request; the row readers
 * (stats_jsonl.c, stats_csv.c, stats_textlog.c) find the logical fields of a
 * record; stats_classify.c sends every error through the reader, the rules
 * and the diagnosis, exactly as explain does, and caches the verdict by the
 * error's text; stats_agg.c folds records into bounded aggregates; the
 * renderers (stats_text.c, stats_json.c) print them.
 *
 * Memory is bounded whatever the input: every table below has a fixed size,
 * and what does not fit is counted as "other", never stored.
 */
#ifndef GD_STATS_H
#define GD_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tzrule.h"

struct rule_table;

/* The logical fields of a request record, with the names guessed for each
 * (JSON paths for JSONL, column names for CSV), in order of preference. One
 * list: the guessing, --field and the docs all read it. */
#define STATS_FIELDS(X)                                                                            \
    X(SF_TIME, "time",                                                                             \
      "timestamp ts time @timestamp created_at start_time startTime datetime date")                \
    X(SF_STATUS, "status",                                                                         \
      "status status_code http_status statusCode http.status_code response.status "                \
      "response.status_code http_code code")                                                       \
    X(SF_MODEL, "model", "model model_name modelVersion request.model response.modelVersion")      \
    X(SF_TOKENS, "input_tokens",                                                                   \
      "input_tokens prompt_tokens usageMetadata.promptTokenCount usage.prompt_tokens "             \
      "usage.input_tokens usage_metadata.prompt_token_count prompt_token_count "                   \
      "promptTokenCount tokens_in")                                                                \
    X(SF_LATENCY, "latency",                                                                       \
      "latency_ms duration_ms latency duration elapsed_ms elapsed response_time_ms")               \
    X(SF_ERROR, "error", "error error_message error.message err message response_body body")       \
    X(SF_REQUEST, "request", "prompt_hash request_hash")                                           \
    X(SF_BY, "by", "")

#define X(e, name, guesses) e,
enum stats_field { STATS_FIELDS(X) SF_COUNT };
#undef X

const char *stats_field_name(enum stats_field f);
const char *stats_field_guesses(enum stats_field f);
int stats_field_from_name(const char *name); /* -1 when unknown */

/* One field of a record as found in the input: a span of the input buffer,
 * valid until the next record. `quoted` means the span is the inside of a
 * JSON string whose escapes are not undone yet. */
struct stats_span {
    const char *p;
    size_t len;
    int quoted;
    int present;
};

struct stats_record {
    struct stats_span f[SF_COUNT];
    /* Text logs only: the record is raw log text for the reader, with the
     * timestamp found on its first line. */
    int is_text;
};

/* The verdict for one distinct error, as the rules gave it. */
struct stats_verdict {
    char cause[32];
    char rule[64];
    char dimension[8]; /* "rpm", "tpm", "rpd", "spend" or "" */
    char tier[8];      /* "free", "paid" or "" */
    char model[64];    /* the model the error names, or "" */
    int http;          /* from the evidence when the record had none */
    int retryable;
    int recognised;
    int found;            /* the reader saw an error at all */
    int chart;            /* the cause's column in the 429 chart (enum stats_dim) */
    double retry_after_s; /* -1 when none */
    long long limit;      /* the quota limit the error names, -1 when none */
};

/* The classifier: reader → rules → diagnosis with a bounded cache keyed by a
 * hash of (HTTP code, error text). */
struct stats_classifier;
struct stats_classifier *stats_classifier_new(const struct rule_table *t, time_t now);
void stats_classifier_free(struct stats_classifier *c);
/* Classify one error; text may be empty (then only the HTTP code is known);
 * h is stats_hash(0, text, len). The returned verdict lives until the next
 * call. */
const struct stats_verdict *stats_classify(struct stats_classifier *c, int http, const char *text,
                                           size_t len, uint64_t h);
void stats_classifier_counts(const struct stats_classifier *c, long long *calls, long long *hits);

/* A 64-bit hash of data[0..n) mixed into h, 8 bytes a step (not for
 * security: for caches and for telling repeats apart). */
uint64_t stats_hash(uint64_t h, const void *data, size_t n);

/* Copy src (NULL: "") into dst of cap bytes, cut to fit, NUL-terminated. */
void stats_copy(char *dst, size_t cap, const char *src);

/* Undo JSON string escapes of s[0..len) into out (cap bytes, NUL-terminated;
 * textfix_unescape does the work); returns the length written. */
size_t stats_unescape(const char *s, size_t len, char *out, size_t cap);

/* Parse a timestamp: ISO-8601 ("2026-11-28T08:00:00.123Z", a space for the
 * T, an offset or none for UTC) or epoch seconds, milliseconds, microseconds
 * or nanoseconds (told apart by size). Returns 0 and sets *t, or -1. */
int stats_parse_time(const char *s, size_t len, double *t);
/* The same for the ISO-8601 forms alone (an option's value, where a bare
 * number is not a time). */
int stats_parse_calendar_time(const char *s, size_t len, double *t);

/* A time zone for --tz: "UTC", a fixed offset ("+05:30", "-08"), a POSIX TZ
 * rule ("CET-1CEST,M3.5.0,M10.5.0/3"), or a zone name from the system's
 * zoneinfo. */
struct stats_tz {
    char name[64];
    int kind; /* 0 fixed offset, 1 a POSIX rule, 2 system zone */
    long offset;
    struct tz_rule rule;
};
int stats_tz_parse(const char *s, struct stats_tz *tz);
long stats_tz_offset(const struct stats_tz *tz, time_t t);

#endif
