/*
 * stats_sql: the aggregations of the stats report as SQL, in DuckDB's or
 * BigQuery's dialect. The script first builds one temporary table of the
 * requests in the canonical columns (the same fields, parsed the way the
 * report parses them), then runs one query per figure; each query follows a
 * line "-- gd:NAME", so a program can tell the results apart. The 429
 * dimension comes from the rules table: every rule whose conditions a text
 * search can test becomes one branch of a CASE, in the order the rules
 * engine prefers them.
 */
#include "stats_sql.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rules.h"
#include "stats_agg.h"
#include "util.h"

#define X(e, name) name,
static const char *const dialect_names[] = {STATS_SQL_DIALECTS(X)};
#undef X

/* The canonical columns of a table, in the order of STATS_FIELDS. */
static const char *const default_columns[SF_COUNT] = {
    "timestamp", "status", "model", "input_tokens", "latency_ms", "error", "request_id", "",
};

/* The raw (text) column each field becomes before it is parsed. */
static const char *const raw_names[SF_COUNT] = {
    "raw_time",    "raw_status", "raw_model",   "raw_tokens",
    "raw_latency", "raw_error",  "raw_request", "raw_by",
};

int stats_sql_dialect_from_name(const char *name)
{
    for (int d = 0; d < SQL_DIALECT_COUNT; d++)
        if (strcmp(name, dialect_names[d]) == 0)
            return d;
    return -1;
}

const char *stats_sql_column(enum stats_field f)
{
    return default_columns[f];
}

struct sqlw {
    struct sbuf *b;
    int bq; /* BigQuery, else DuckDB */
};

/* Inside a BigQuery literal or quoted name (which share their escapes):
 * c, escaped when it must be. */
static void bq_char(struct sqlw *w, char c, char quote)
{
    if (c == quote || c == '\\')
        sbuf_addc(w->b, '\\');
    if (c == '\n')
        sbuf_adds(w->b, "\\n");
    else if (c == '\r')
        sbuf_adds(w->b, "\\r");
    else
        sbuf_addc(w->b, c);
}

/* A string literal: DuckDB doubles quotes; BigQuery escapes with '\'. */
static void lit(struct sqlw *w, const char *s)
{
    sbuf_addc(w->b, '\'');
    for (; *s; s++) {
        if (w->bq)
            bq_char(w, *s, '\'');
        else if (*s == '\'')
            sbuf_adds(w->b, "''");
        else
            sbuf_addc(w->b, *s);
    }
    sbuf_addc(w->b, '\'');
}

/* A lower-case literal (ASCII case folding, as the rules engine compares). */
static void lit_lower(struct sqlw *w, const char *s)
{
    char *low = xstrdup(s);
    for (char *p = low; *p; p++)
        *p = (char)gd_tolower((unsigned char)*p);
    lit(w, low);
    free(low);
}

static void ident(struct sqlw *w, const char *s, size_t n)
{
    char q = w->bq ? '`' : '"';
    sbuf_addc(w->b, q);
    for (size_t i = 0; i < n; i++) {
        if (w->bq) {
            bq_char(w, s[i], q);
            continue;
        }
        if (s[i] == q)
            sbuf_addc(w->b, q);
        sbuf_addc(w->b, s[i]);
    }
    sbuf_addc(w->b, q);
}

/* A dotted column path, each part quoted: usage.prompt_tokens. */
static void column_path(struct sqlw *w, const char *path)
{
    const char *p = path;
    for (;;) {
        size_t n = strcspn(p, ".");
        ident(w, p, n);
        if (!p[n])
            break;
        sbuf_addc(w->b, '.');
        p += n + 1;
    }
}

/* The table: BigQuery takes "project.dataset.table" as one quoted name. */
static void table_name(struct sqlw *w, const char *t)
{
    if (w->bq)
        ident(w, t, strlen(t));
    else
        column_path(w, t);
}

/* A JSON path literal for DuckDB: '$."usage"."prompt_tokens"'. */
static void json_path(struct sqlw *w, const char *path)
{
    struct sbuf p;
    const char *s = path;
    sbuf_init(&p);
    sbuf_adds(&p, "$");
    for (;;) {
        size_t n = strcspn(s, ".");
        sbuf_adds(&p, ".\"");
        sbuf_add(&p, s, n);
        sbuf_addc(&p, '"');
        if (!s[n])
            break;
        s += n + 1;
    }
    lit(w, p.buf);
    sbuf_release(&p);
}

static const char *str_type(const struct sqlw *w)
{
    return w->bq ? "STRING" : "VARCHAR";
}

static const char *try_cast(const struct sqlw *w)
{
    return w->bq ? "SAFE_CAST" : "TRY_CAST";
}

static const char *float_type(const struct sqlw *w)
{
    return w->bq ? "FLOAT64" : "DOUBLE";
}

static const char *int_type(const struct sqlw *w)
{
    return w->bq ? "INT64" : "BIGINT";
}

/* A regular expression literal (both dialects use RE2). */
static void regex(struct sqlw *w, const char *re)
{
    if (w->bq)
        sbuf_addc(w->b, 'r');
    sbuf_addf(w->b, "'%s'", re);
}

static void regexp_replace(struct sqlw *w, const char *what, const char *re, const char *with)
{
    sbuf_addf(w->b, "REGEXP_REPLACE(%s, ", what);
    regex(w, re);
    sbuf_addf(w->b, ", '%s'%s)", with, w->bq ? "" : ", 'g'");
}

/* The raw text of one field of one DuckDB input, or NULL. */
static void raw_file_field(struct sqlw *w, const struct stats_sql_input *in, int f)
{
    const char *path = in->map.path[f];
    int mapped = path[0] && (in->form != SFORM_CSV || in->map.col[f] >= 0);
    if (!mapped) {
        sbuf_addf(w->b, "CAST(NULL AS %s)", str_type(w));
    } else if (in->form == SFORM_CSV) {
        ident(w, path, strlen(path));
    } else if (f == SF_ERROR || f == SF_BY) {
        /* An object is its JSON text, as the reader would see it. */
        sbuf_adds(w->b, "CASE WHEN json_type(json, ");
        json_path(w, path);
        sbuf_adds(w->b, ") IN ('OBJECT', 'ARRAY') THEN CAST(json_extract(json, ");
        json_path(w, path);
        sbuf_adds(w->b, ") AS VARCHAR) ELSE json_extract_string(json, ");
        json_path(w, path);
        sbuf_adds(w->b, ") END");
    } else {
        sbuf_adds(w->b, "json_extract_string(json, ");
        json_path(w, path);
        sbuf_adds(w->b, ")");
    }
}

/* The field the --by value comes from: a logical field, or its own path. */
static int by_source(const struct stats_sql *q)
{
    return q->so->by_field >= 0 ? q->so->by_field : SF_BY;
}

static int has_by(const struct stats_sql *q)
{
    return q->so->by[0] != '\0';
}

/* The raw fields every source gives, as text: time, status, model, tokens,
 * latency, error and the --by value. */
static const int raw_fields[] = {SF_TIME, SF_STATUS, SF_MODEL, SF_TOKENS, SF_LATENCY, SF_ERROR};

static void raw_from_file(struct sqlw *w, const struct stats_sql *q,
                          const struct stats_sql_input *in)
{
    sbuf_adds(w->b, "    SELECT ");
    for (size_t i = 0; i < ARRAY_SIZE(raw_fields); i++) {
        raw_file_field(w, in, raw_fields[i]);
        sbuf_addf(w->b, " AS %s,\n           ", raw_names[raw_fields[i]]);
    }
    if (has_by(q))
        raw_file_field(w, in, by_source(q));
    else
        sbuf_addf(w->b, "CAST(NULL AS %s)", str_type(w));
    sbuf_addf(w->b, " AS %s\n", raw_names[SF_BY]);
    if (in->form == SFORM_CSV) {
        char sep[2] = {in->map.sep ? in->map.sep : ',', '\0'};
        sbuf_adds(w->b, "    FROM read_csv(");
        lit(w, in->path);
        sbuf_adds(w->b, ", header = true, all_varchar = true, delim = ");
        lit(w, sep);
        sbuf_addf(w->b, ", ignore_errors = true%s)\n", in->gzip ? ", compression = 'gzip'" : "");
    } else {
        sbuf_adds(w->b, "    FROM read_ndjson_objects(");
        lit(w, in->path);
        sbuf_addf(w->b, ", ignore_errors = true%s)\n", in->gzip ? ", compression = 'gzip'" : "");
    }
}

static void raw_table_field(struct sqlw *w, const char *col)
{
    if (!col || !col[0]) {
        sbuf_addf(w->b, "CAST(NULL AS %s)", str_type(w));
        return;
    }
    sbuf_adds(w->b, "CAST(");
    column_path(w, col);
    sbuf_addf(w->b, " AS %s)", str_type(w));
}

static void raw_from_table(struct sqlw *w, const struct stats_sql *q)
{
    const struct stats_map *m = q->columns;
    sbuf_adds(w->b, "    SELECT ");
    for (size_t i = 0; i < ARRAY_SIZE(raw_fields); i++) {
        int f = raw_fields[i];
        raw_table_field(w, m && m->path[f][0] ? m->path[f] : default_columns[f]);
        sbuf_addf(w->b, " AS %s,\n           ", raw_names[f]);
    }
    if (has_by(q)) {
        int f = by_source(q);
        raw_table_field(w, m && m->path[f][0] ? m->path[f] : default_columns[f]);
    } else {
        sbuf_addf(w->b, "CAST(NULL AS %s)", str_type(w));
    }
    sbuf_addf(w->b, " AS %s\n    FROM ", raw_names[SF_BY]);
    table_name(w, q->table ? q->table : STATS_SQL_TABLE);
    sbuf_adds(w->b, "\n");
}

/* A number parsed from raw text x. */
static void num(struct sqlw *w, const char *x)
{
    sbuf_addf(w->b, "%s(%s AS %s)", try_cast(w), x, float_type(w));
}

/* Epoch seconds, milliseconds, microseconds or nanoseconds (told apart by
 * size, as the report does), or an ISO-8601 time (no zone means UTC). */
static void typed_time(struct sqlw *w)
{
    const char *x = raw_names[SF_TIME];
    sbuf_adds(w->b, "CASE WHEN ");
    num(w, x);
    sbuf_adds(w->b, " > 0 THEN ");
    sbuf_adds(w->b, w->bq ? "TIMESTAMP_MICROS(CAST(ROUND(1000000 * " : "to_timestamp(");
    num(w, x);
    sbuf_adds(w->b, " / CASE WHEN ");
    num(w, x);
    sbuf_adds(w->b, " > 1e17 THEN 1e9 WHEN ");
    num(w, x);
    sbuf_adds(w->b, " > 1e14 THEN 1e6 WHEN ");
    num(w, x);
    sbuf_adds(w->b, " > 1e11 THEN 1e3 ELSE 1 END");
    sbuf_adds(w->b, w->bq ? ") AS INT64))" : ")");
    sbuf_addf(w->b, " ELSE %s(%s AS %s) END", try_cast(w), x, w->bq ? "TIMESTAMP" : "TIMESTAMPTZ");
}

/* A whole number in [lo, hi) from raw text x, else NULL. */
static void typed_int(struct sqlw *w, const char *x, const char *lo, const char *hi)
{
    sbuf_adds(w->b, "CASE WHEN ");
    num(w, x);
    sbuf_addf(w->b, " >= %s", lo);
    if (hi) {
        sbuf_adds(w->b, " AND ");
        num(w, x);
        sbuf_addf(w->b, " < %s", hi);
    }
    sbuf_adds(w->b, " THEN CAST(FLOOR(");
    num(w, x);
    sbuf_addf(w->b, ") AS %s) END", int_type(w));
}

/* Milliseconds: a number, or "350ms", or "1.2s". */
static void typed_latency(struct sqlw *w)
{
    const char *x = raw_names[SF_LATENCY];
    sbuf_adds(w->b, "COALESCE(");
    num(w, x);
    sbuf_addf(w->b, ", %s(", try_cast(w));
    regexp_replace(w, x, "\\s*ms$", "");
    sbuf_addf(w->b, " AS %s), 1000 * %s(", float_type(w), try_cast(w));
    regexp_replace(w, x, "\\s*s$", "");
    sbuf_addf(w->b, " AS %s))", float_type(w));
}

/* Local time in a zone named in the data or on the system. */
static void zone_time(struct sqlw *w, const char *zone)
{
    sbuf_adds(w->b, w->bq ? "DATETIME(ts, " : "timezone(");
    lit(w, zone);
    sbuf_adds(w->b, w->bq ? ")" : ", ts)");
}

/* Local time in --tz: a zone name, or a fixed offset; the reset's zone is
 * a rule the rules data gives, and its name is known to both dialects. */
static int local_time(struct sqlw *w, const struct stats_tz *tz, const char *reset_zone)
{
    if (tz->kind == 2 || (tz->kind == 1 && reset_zone && strcmp(tz->name, reset_zone) == 0)) {
        zone_time(w, tz->name);
        return 0;
    }
    if (tz->kind != 0)
        return error("--sql: --tz takes a zone name or a fixed offset, not the rule '%s'",
                     tz->name);
    long off = tz->offset;
    if (w->bq) {
        char buf[32];
        long a = off < 0 ? -off : off;
        snprintf(buf, sizeof(buf), "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, a / 60 % 60);
        zone_time(w, buf);
        return 0;
    }
    sbuf_addf(w->b, "timezone('UTC', ts) + INTERVAL (%ld) SECOND", off);
    return 0;
}

static void iso_of(struct sqlw *w, const char *t)
{
    if (w->bq)
        sbuf_addf(w->b, "FORMAT_TIMESTAMP('%%Y-%%m-%%dT%%H:%%M:%%SZ', %s)", t);
    else
        sbuf_addf(w->b, "strftime(%s, '%%Y-%%m-%%dT%%H:%%M:%%SZ')", t);
}

static void trunc_of(struct sqlw *w, const char *t, const char *unit)
{
    if (w->bq)
        sbuf_addf(w->b, "TIMESTAMP_TRUNC(%s, %s)", t, unit);
    else
        sbuf_addf(w->b, "date_trunc('%s', %s)", unit[0] == 'H' ? "hour" : "day", t);
}

/* "09:30" for s seconds into a day. */
static void clock_of(struct sqlw *w, const char *s)
{
    if (w->bq)
        sbuf_addf(w->b, "FORMAT('%%02d:%%02d', DIV(%s, 3600), MOD(DIV(%s, 60), 60))", s, s);
    else
        sbuf_addf(w->b, "printf('%%02d:%%02d', %s // 3600, %s // 60 %% 60)", s, s);
}

static void quantile(struct sqlw *w, const char *x, int pct)
{
    if (w->bq)
        sbuf_addf(w->b, "APPROX_QUANTILES(%s, 100)[OFFSET(%d)]", x, pct);
    else
        sbuf_addf(w->b, "quantile_disc(%s, %g)", x, pct / 100.0);
}

/* Does rule a come before b in the engine's preference (a higher priority,
 * then more conditions; the table order decides the rest)? */
static int rule_before(const struct rule *a, const struct rule *b)
{
    if (a->priority != b->priority)
        return a->priority > b->priority;
    return a->nconditions > b->nconditions;
}

#define MAX_TESTS 16

/* One text test as SQL over ltext (lower case) and sq (squeezed). */
static void text_test(struct sqlw *w, const struct rule_text_test *t)
{
    if (t->kind == RTX_NOT_PHRASE)
        sbuf_adds(w->b, "NOT ");
    sbuf_adds(w->b, "(");
    for (int i = 0; i < t->n; i++) {
        if (i)
            sbuf_adds(w->b, " OR ");
        sbuf_adds(w->b, t->kind == RTX_SUBSTRING ? "STRPOS(ltext, " : "STRPOS(sq, ");
        lit_lower(w, t->strs[i]);
        sbuf_adds(w->b, ") > 0");
    }
    sbuf_adds(w->b, ")");
}

/* The 429 dimension: the first rule, in the engine's order of preference,
 * whose conditions the text shows gives its cause's dimension. A rule with
 * a condition that needs the reader (limit_zero, model_status, ...) is left
 * out; a rule that holds for every 429 ends the list. */
static void dimension_case(struct sqlw *w, const struct rule_table *t)
{
    int n = rules_count(t), nr = 0;
    const struct rule **rs = xcalloc((size_t)n + 1, sizeof(*rs));
    struct rule_text_test tests[MAX_TESTS];

    /* Insertion sort: stable, so equal rules keep the table's order. */
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        int j = nr++;
        while (j > 0 && rule_before(r, rs[j - 1])) {
            rs[j] = rs[j - 1];
            j--;
        }
        rs[j] = r;
    }
    sbuf_adds(w->b, "CASE");
    for (int i = 0; i < nr; i++) {
        int nt = rules_text_tests(rs[i], tests, MAX_TESTS), any = 0, applies = 1;
        if (nt < 0)
            continue;
        for (int k = 0; k < nt; k++) {
            if (tests[k].kind != RTX_HTTP)
                continue;
            applies = 0;
            for (int c = 0; c < tests[k].n; c++)
                applies |= tests[k].ints[c] == 429;
        }
        if (!applies)
            continue;
        sbuf_addf(w->b, "\n            -- %s\n            WHEN ", rs[i]->id);
        for (int k = 0; k < nt; k++) {
            if (tests[k].kind == RTX_HTTP)
                continue;
            if (any)
                sbuf_adds(w->b, " AND ");
            text_test(w, &tests[k]);
            any = 1;
        }
        if (!any)
            sbuf_adds(w->b, "TRUE");
        sbuf_addf(w->b, " THEN '%s'", stats_dim_name(stats_dim_of(rules_cause(t, rs[i]->cause))));
        if (!any)
            break;
    }
    sbuf_addf(w->b, "\n            ELSE '%s' END", stats_dim_name(DIM_OTHER));
    free(rs);
}

/* The quota tier a 429 names: the first tier of the rules whose words its
 * text holds (the report's tiers are free and paid; any other counts as
 * unknown there, and here). */
static void tier_case(struct sqlw *w, const struct rule_table *t)
{
    sbuf_adds(w->b, "CASE");
    for (int i = 0; i < rules_tier_count(t); i++) {
        const struct quota_marker *m = rules_tier_get(t, i);
        int known = strcmp(m->id, "free") == 0 || strcmp(m->id, "paid") == 0;
        if (!m->words || !m->words[0])
            continue;
        sbuf_adds(w->b, " WHEN (");
        for (int k = 0; m->words[k]; k++) {
            sbuf_adds(w->b, k ? " OR STRPOS(ltext, " : "STRPOS(ltext, ");
            lit_lower(w, m->words[k]);
            sbuf_adds(w->b, ") > 0");
        }
        sbuf_adds(w->b, ") THEN ");
        lit(w, known ? m->id : "unknown");
    }
    sbuf_adds(w->b, " ELSE 'unknown' END");
}

static void time_literal(struct sqlw *w, double t)
{
    char buf[48];
    time_t tt = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
    sbuf_addf(w->b, "%s '%s.%06ld+00'", w->bq ? "TIMESTAMP" : "TIMESTAMPTZ", buf,
              (long)floor((t - floor(t)) * 1e6));
}

/* The table of requests: raw text from each source, parsed, the requests
 * kept, and what every query needs computed once. */
static int requests_table(struct sqlw *w, const struct stats_sql *q)
{
    sbuf_adds(w->b, "-- gd:requests\n");
    sbuf_adds(w->b, w->bq ? "CREATE TEMP TABLE gd_requests AS\n"
                          : "CREATE OR REPLACE TEMP TABLE gd_requests AS\n");
    sbuf_adds(w->b, "WITH raw AS (\n");
    if (q->nin == 0)
        raw_from_table(w, q);
    for (int i = 0; i < q->nin; i++) {
        if (i)
            sbuf_adds(w->b, "    UNION ALL\n");
        raw_from_file(w, q, &q->in[i]);
    }
    sbuf_adds(w->b, "), typed AS (\n    SELECT ");
    typed_time(w);
    sbuf_adds(w->b, " AS ts,\n           ");
    typed_int(w, raw_names[SF_STATUS], "100", "600");
    sbuf_adds(w->b, " AS status,\n           NULLIF(");
    regexp_replace(w, raw_names[SF_MODEL], "^models/", "");
    sbuf_adds(w->b, ", '') AS model,\n           ");
    typed_int(w, raw_names[SF_TOKENS], "0", NULL);
    sbuf_adds(w->b, " AS input_tokens,\n           ");
    typed_latency(w);
    sbuf_addf(w->b,
              " AS latency_ms,\n           NULLIF(%s, '') AS error,\n"
              "           NULLIF(%s, '') AS by_value\n    FROM raw\n",
              raw_names[SF_ERROR], raw_names[SF_BY]);
    /* Not a request: none of time, status, model, tokens and error. */
    sbuf_adds(w->b,
              "), req AS (\n"
              "    SELECT *,\n"
              "           status >= 400 OR (status IS NULL AND error IS NOT NULL) AS is_error\n"
              "    FROM typed\n"
              "    WHERE (ts IS NOT NULL OR status IS NOT NULL OR model IS NOT NULL\n"
              "           OR input_tokens IS NOT NULL OR error IS NOT NULL)\n");
    if (q->so->has_since) {
        sbuf_adds(w->b, "      AND ts >= ");
        time_literal(w, q->so->since);
        sbuf_adds(w->b, "\n");
    }
    if (q->so->has_until) {
        sbuf_adds(w->b, "      AND ts < ");
        time_literal(w, q->so->until);
        sbuf_adds(w->b, "\n");
    }
    /* Only 429s need their text searched. */
    sbuf_adds(w->b,
              "), text429 AS (\n"
              "    SELECT *,\n"
              "           CASE WHEN status = 429 THEN LOWER(COALESCE(error, '')) END AS ltext,\n"
              "           CASE WHEN status = 429 THEN ");
    regexp_replace(w, "LOWER(COALESCE(error, ''))", "\\s+", "");
    sbuf_adds(w->b, " END AS sq\n    FROM req\n)\n"
                    "SELECT ts, status, model, input_tokens, latency_ms, by_value, is_error,\n"
                    "       is_error AND status = 429 AS e429,\n"
                    "       is_error AND status >= 500 AND status < 600 AS e5xx,\n"
                    "       CASE WHEN is_error AND status = 429 THEN\n            ");
    dimension_case(w, q->rules);
    sbuf_adds(w->b, "\n       END AS dimension,\n"
                    "       CASE WHEN is_error AND status = 429 THEN ");
    tier_case(w, q->rules);
    sbuf_adds(w->b, " END AS tier,\n       ");
    zone_time(w, q->reset_zone ? q->reset_zone : "UTC");
    sbuf_adds(w->b, " AS pt");
    if (q->tz) {
        sbuf_adds(w->b, ",\n       ");
        if (local_time(w, q->tz, q->reset_zone))
            return -1;
        sbuf_adds(w->b, " AS lt");
    }
    sbuf_adds(w->b, "\nFROM text429;\n\n");
    return 0;
}

static void counts(struct sqlw *w)
{
    sbuf_adds(w->b, "COUNT(*) AS requests, COUNTIF(is_error) AS errors, "
                    "COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx");
}

static void q_totals(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:totals\nSELECT COUNT(*) AS requests, COUNTIF(is_error) AS errors,\n"
                    "       ROUND(COUNTIF(is_error) / COUNT(*), 4) AS error_rate,\n       ");
    iso_of(w, "MIN(ts)");
    sbuf_adds(w->b, " AS first, ");
    iso_of(w, "MAX(ts)");
    sbuf_adds(w->b, " AS last\nFROM gd_requests;\n\n");
}

static void q_by_code(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:by_code\nSELECT COALESCE(status, 0) AS code, COUNT(*) AS count,\n"
                    "       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share\n"
                    "FROM gd_requests\nGROUP BY 1\nORDER BY 1;\n\n");
}

/* The counts per hour or day, as a subquery named b with its bucket. */
static void bucket_counts(struct sqlw *w, const char *unit)
{
    sbuf_adds(w->b, "SELECT ");
    iso_of(w, "bucket");
    sbuf_adds(w->b, " AS start, requests, errors, e429, e5xx\nFROM (\n    SELECT ");
    trunc_of(w, "ts", unit);
    sbuf_adds(w->b, " AS bucket, ");
    counts(w);
    sbuf_adds(w->b, "\n    FROM gd_requests\n    WHERE ts IS NOT NULL\n    GROUP BY 1\n) AS b\n");
}

static void q_over_time(struct sqlw *w, const char *name, const char *unit)
{
    sbuf_addf(w->b, "-- gd:%s\n", name);
    bucket_counts(w, unit);
    sbuf_adds(w->b, "ORDER BY bucket;\n\n");
}

/* The hour with the most 429s; the earliest of equals, as the report. */
static void q_peak(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:peak_429_hour\n");
    bucket_counts(w, "HOUR");
    sbuf_adds(w->b, "WHERE e429 > 0\nORDER BY e429 DESC, bucket\nLIMIT 1;\n\n");
}

static void q_hour_of_day(struct sqlw *w, const char *name, const char *col)
{
    sbuf_addf(w->b, "-- gd:%s\nSELECT EXTRACT(HOUR FROM %s) AS hour, ", name, col);
    counts(w);
    sbuf_adds(w->b, "\nFROM gd_requests\nWHERE ts IS NOT NULL\nGROUP BY 1\nORDER BY 1;\n\n");
}

static void q_dimensions(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:quota_429\nSELECT dimension, COUNT(*) AS count\nFROM gd_requests\n"
                    "WHERE e429\nGROUP BY 1\nORDER BY 2 DESC, 1;\n\n");
    sbuf_adds(w->b, "-- gd:quota_tier\nSELECT tier, COUNT(*) AS count\nFROM gd_requests\n"
                    "WHERE e429\nGROUP BY 1\nORDER BY 2 DESC, 1;\n\n");
}

/* On how many reset-zone days a daily quota ran out, and when: the first
 * rpd 429 of each day; the median is the upper middle, as in the report. */
static void q_daily(struct sqlw *w)
{
    sbuf_adds(w->b,
              "-- gd:daily_runout\nWITH d AS (\n    SELECT CAST(pt AS DATE) AS day,\n"
              "           MIN(EXTRACT(HOUR FROM pt) * 3600 + EXTRACT(MINUTE FROM pt) * 60\n"
              "               + EXTRACT(SECOND FROM pt)) AS sec\n"
              "    FROM gd_requests\n    WHERE e429 AND dimension = 'rpd' AND ts IS NOT NULL\n"
              "    GROUP BY 1\n), o AS (\n"
              "    SELECT sec, ROW_NUMBER() OVER (ORDER BY sec) AS rn, COUNT(*) OVER () AS n\n"
              "    FROM d\n)\nSELECT COUNT(*) AS days,\n       ");
    clock_of(w, w->bq ? "MAX(CASE WHEN rn = DIV(n, 2) + 1 THEN sec END)"
                      : "MAX(CASE WHEN rn = n // 2 + 1 THEN sec END)");
    sbuf_adds(w->b, " AS median_pt,\n       ");
    clock_of(w, "MIN(sec)");
    sbuf_adds(w->b, " AS earliest_pt,\n       ");
    clock_of(w, "MAX(sec)");
    sbuf_adds(w->b, " AS latest_pt\nFROM o;\n\n");
}

/* The prompt-size bucket of input_tokens: its index, its lower edge. */
static void size_case(struct sqlw *w, int edge)
{
    sbuf_adds(w->b, "CASE");
    for (int b = 0; b < STATS_NSIZE - 1; b++) {
        sbuf_addf(w->b, " WHEN input_tokens < %lld THEN ", stats_size_edges[b]);
        if (edge)
            sbuf_addf(w->b, "%lld", b ? stats_size_edges[b - 1] : 0);
        else
            sbuf_addf(w->b, "%d", b);
    }
    if (edge)
        sbuf_addf(w->b, " ELSE %lld END", stats_size_edges[STATS_NSIZE - 2]);
    else
        sbuf_addf(w->b, " ELSE %d END", STATS_NSIZE - 1);
}

static void q_prompt_size(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:prompt_size\nSELECT ");
    size_case(w, 1);
    sbuf_adds(w->b,
              " AS size_from, COUNT(*) AS requests,\n"
              "       COUNTIF(is_error AND status = 500) AS e500,\n"
              "       COUNTIF(is_error AND status = 504) AS e504\n"
              "FROM gd_requests\nWHERE input_tokens IS NOT NULL\nGROUP BY 1\nORDER BY 1;\n\n");
}

/* The size above which 500/504s cluster: the largest edge with at least
 * 90% of them above it and a rate above it at least three times the rate
 * below (the report's rule, stats_cluster_size). */
static void q_cluster(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:prompt_cluster\nWITH s AS (\n    SELECT ");
    size_case(w, 0);
    sbuf_adds(w->b, " AS bucket, COUNT(*) AS req,\n"
                    "           COUNTIF(is_error AND status IN (500, 504)) AS err\n"
                    "    FROM gd_requests\n    WHERE input_tokens IS NOT NULL\n    GROUP BY 1\n"
                    "), edges AS (\n");
    for (int b = 0; b < STATS_NSIZE - 1; b++)
        sbuf_addf(w->b, "    %sSELECT %d AS i, %lld AS edge\n", b ? "UNION ALL " : "", b,
                  stats_size_edges[b]);
    sbuf_adds(w->b, "), c AS (\n"
                    "    SELECT edges.edge,\n"
                    "           SUM(CASE WHEN s.bucket <= edges.i THEN s.req ELSE 0 END) AS breq,\n"
                    "           SUM(CASE WHEN s.bucket <= edges.i THEN s.err ELSE 0 END) AS berr,\n"
                    "           SUM(s.req) AS treq, SUM(s.err) AS terr\n"
                    "    FROM edges CROSS JOIN s\n    GROUP BY 1\n)\n"
                    "SELECT edge AS cluster_above, ROUND((terr - berr) / terr, 4) AS share_above,\n"
                    "       ROUND(((terr - berr) / (treq - breq)) / NULLIF(berr / breq, 0), 2)"
                    " AS rate_ratio\n"
                    "FROM c\n"
                    "WHERE terr >= 3 AND treq > breq AND breq > 0 AND (terr - berr) / terr >= 0.9\n"
                    "  AND (berr = 0 OR (terr - berr) / (treq - breq) >= 3 * berr / breq)\n"
                    "ORDER BY edge DESC\nLIMIT 1;\n\n");
}

static void q_by(struct sqlw *w, const char *name, const char *cond)
{
    sbuf_addf(w->b,
              "-- gd:%s\nSELECT by_value AS value, COUNT(*) AS count,\n"
              "       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share\n"
              "FROM gd_requests\nWHERE by_value IS NOT NULL%s\nGROUP BY 1\n"
              "ORDER BY 2 DESC, 1\nLIMIT 10;\n\n",
              name, cond);
}

static void q_latency(struct sqlw *w)
{
    sbuf_adds(w->b, "-- gd:latency_ms\nSELECT CASE WHEN is_error THEN 'failure' ELSE 'success' END"
                    " AS outcome,\n       COUNT(*) AS count, ");
    quantile(w, "latency_ms", 50);
    sbuf_adds(w->b, " AS p50, ");
    quantile(w, "latency_ms", 90);
    sbuf_adds(w->b, " AS p90, ");
    quantile(w, "latency_ms", 99);
    sbuf_adds(w->b, " AS p99\nFROM gd_requests\nWHERE latency_ms IS NOT NULL\nGROUP BY 1\n"
                    "ORDER BY 1 DESC;\n\n");
}

static void header(struct sqlw *w, const struct stats_sql *q)
{
    sbuf_addf(w->b,
              "-- gemini-doctor stats --sql %s (rules data of %s)\n"
              "-- The figures of `gemini-doctor stats` that SQL can compute, over a table of\n"
              "-- requests: time, status, model, input tokens, latency (ms), the error text\n"
              "-- (its message or JSON body) and the --by value; see docs/stats.md.\n"
              "-- A 429's dimension is the first rule of the rules table, in the engine's\n"
              "-- order, whose conditions the error text shows; rules that need the reader\n"
              "-- are left out; its quota tier is the first tier of the rules its text\n"
              "-- names. Only the report has: the cause of every error, the limits named\n"
              "-- in the errors, retry storms and retried errors, latency from\n"
              "-- its histogram, and the recommendations.\n"
              "-- Each query follows a line \"-- gd:NAME\"; times are UTC, the hour of day\n"
              "-- is in %s%s%s.\n",
              dialect_names[q->dialect], q->data_date ? q->data_date : "?",
              q->reset_zone ? q->reset_zone : "UTC", q->tz ? " and in " : "",
              q->tz ? q->tz->name : "");
    if (!w->bq)
        sbuf_adds(w->b, "-- gd:setup\nSET TimeZone = 'UTC';\n\n");
}

int stats_sql_print(FILE *out, const struct stats_sql *q)
{
    struct sbuf b;
    struct sqlw w = {&b, q->dialect == SQL_BIGQUERY};
    int ret = -1;

    sbuf_init(&b);
    header(&w, q);
    if (requests_table(&w, q))
        goto out;
    q_totals(&w);
    q_by_code(&w);
    q_over_time(&w, "over_time_hour", "HOUR");
    q_over_time(&w, "over_time_day", "DAY");
    q_peak(&w);
    q_hour_of_day(&w, "hour_of_day_pacific", "pt");
    if (q->tz)
        q_hour_of_day(&w, "hour_of_day_tz", "lt");
    q_dimensions(&w);
    q_daily(&w);
    q_prompt_size(&w);
    q_cluster(&w);
    if (has_by(q)) {
        q_by(&w, "by_requests", "");
        q_by(&w, "by_errors", " AND is_error");
        q_by(&w, "by_429", " AND e429");
    }
    q_latency(&w);
    fwrite(b.buf, 1, b.len, out);
    ret = 0;
out:
    sbuf_release(&b);
    return ret;
}
