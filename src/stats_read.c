/*
 * stats_read: a reading of request logs into the aggregates of `stats`; see
 * stats_read.h. It parses the stats options, reads each input in its form
 * (detected by content) a bounded number of lines at a time, turns each
 * record into a request (classifying errors through stats_classify, that is
 * the reader and the rules) and folds it into the aggregates.
 */
#include "stats_read.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "rules.h"
#include "stats.h"
#include "stats_input.h"
#include "stats_rows.h"
#include "stats_sql.h"
#include "stats_textlog.h"
#include "util.h"

#define MAX_ERROR_TEXT ((size_t)64 << 10)
#define MAX_TEXT_RECORD ((size_t)64 << 10)
#define MAX_OTLP_DOC ((size_t)64 << 20)

struct stats_read {
    struct stats_opts so;
    struct stats_map user_map;
    char *tz;           /* --tz as given, or NULL */
    char **files;       /* the files named (copies) */
    char *table, *html; /* --table and --html (copies) */
    char *sql_table;    /* --sql-table (a copy) */
    int nfiles;
    const struct rule_table *rt;
    struct stats_classifier *cls;
    struct stats st;
    char err_buf[MAX_ERROR_TEXT];
    char model_buf[64];
    char by_buf[96];
    char small[128];
    struct sbuf text_rec; /* the current text-log record */
    double text_t;
    int text_has_t;
    size_t text_skip; /* the record's timestamp: not part of the error */
    /* An access line with an error status ("HTTP/1.1 429") waits here: the
     * SDK's own error record usually follows and says more. */
    int pending;
    struct stats_req pend_req;
    struct stats_verdict pend_v;
    char pend_model[64];
    int file;
    /* The file being read: a line source, or an SQLite database. */
    int is_open;
    struct stats_src *src;
    struct stats_map map;
    enum stats_form form;
    const char *path;
    int is_sqlite;
    struct stats_sqlite db;
    long long row;
    struct sbuf joined; /* a CSV row or an OTLP document over several lines */
    int depth, in_string;
};

/* A span as text in out (unescaped, NUL-terminated). */
static size_t span_text(const struct stats_span *s, char *out, size_t cap)
{
    size_t n = 0;
    if (!s->present || cap == 0)
        return 0;
    if (s->quoted == 1)
        return stats_unescape(s->p, s->len, out, cap);
    if (s->quoted == 2) {
        for (size_t i = 0; i < s->len && n + 1 < cap; i++) {
            out[n++] = s->p[i];
            if (s->p[i] == '"' && i + 1 < s->len && s->p[i + 1] == '"')
                i++;
        }
    } else {
        n = s->len < cap - 1 ? s->len : cap - 1;
        memcpy(out, s->p, n);
    }
    out[n] = '\0';
    return n;
}

static int span_number(const struct stats_span *s, char *buf, size_t cap, double *v)
{
    char *end;
    size_t n;
    /* Most numbers are plain integers: no copy, no strtod. */
    if (s->present && s->len > 0 && s->len < 16 && !s->quoted) {
        long long x = 0;
        size_t i = 0;
        while (i < s->len && s->p[i] >= '0' && s->p[i] <= '9')
            x = x * 10 + (s->p[i++] - '0');
        if (i == s->len) {
            *v = (double)x;
            return 0;
        }
    }
    n = span_text(s, buf, cap);
    if (n == 0)
        return -1;
    *v = strtod(buf, &end);
    if (end == buf || !isfinite(*v))
        return -1;
    while (*end == ' ')
        end++;
    /* "1.2s" and "350ms": a latency with its unit. */
    if (strcmp(end, "s") == 0)
        *v *= 1000;
    else if (*end && strcmp(end, "ms") != 0)
        return -1;
    return 0;
}

static int in_window(const struct stats_read *run, const struct stats_req *r)
{
    if (!run->so.has_since && !run->so.has_until)
        return 1;
    if (!r->has_t)
        return 0;
    if (run->so.has_since && r->t < run->so.since)
        return 0;
    if (run->so.has_until && r->t >= run->so.until)
        return 0;
    return 1;
}

static void count(struct stats_read *run, struct stats_req *r)
{
    if (!in_window(run, r)) {
        run->st.filtered++;
        return;
    }
    if (!r->has_t)
        run->st.no_time++;
    stats_add(&run->st, r);
}

/* A structured record (JSONL, CSV) to a request. Returns -1 for a record
 * that is not a request at all (no field of one). */
static int structured(struct stats_read *run, const struct stats_record *rec)
{
    struct stats_req r;
    double v;
    size_t elen = 0;
    int have_err;

    memset(&r, 0, sizeof(r));
    r.tokens = -1;
    r.latency_ms = -1;
    if (rec->f[SF_TIME].present) {
        size_t n = span_text(&rec->f[SF_TIME], run->small, sizeof(run->small));
        r.has_t = stats_parse_time(run->small, n, &r.t) == 0;
    }
    if (span_number(&rec->f[SF_STATUS], run->small, sizeof(run->small), &v) == 0 && v >= 100 &&
        v < 600)
        r.http = (int)v;
    if (span_number(&rec->f[SF_TOKENS], run->small, sizeof(run->small), &v) == 0 && v >= 0)
        r.tokens = (long long)v;
    if (span_number(&rec->f[SF_LATENCY], run->small, sizeof(run->small), &v) == 0 && v >= 0)
        r.latency_ms = v;
    if (span_text(&rec->f[SF_MODEL], run->model_buf, sizeof(run->model_buf)) > 0) {
        const char *m = run->model_buf;
        if (strncmp(m, "models/", 7) == 0)
            memmove(run->model_buf, m + 7, strlen(m + 7) + 1);
        r.model = run->model_buf;
    }
    if (span_text(run->so.by_field >= 0 ? &rec->f[run->so.by_field] : &rec->f[SF_BY], run->by_buf,
                  sizeof(run->by_buf)) > 0)
        r.by = run->by_buf;
    if (rec->f[SF_ERROR].present)
        elen = span_text(&rec->f[SF_ERROR], run->err_buf, sizeof(run->err_buf));
    have_err = elen > 0;
    if (!r.has_t && !r.http && !have_err && !rec->f[SF_MODEL].present && r.tokens < 0)
        return -1;
    r.is_error = r.http >= 400 || (r.http == 0 && have_err);
    if (r.is_error) {
        uint64_t h = stats_hash(0, run->err_buf, elen);
        r.v = stats_classify(run->cls, r.http, run->err_buf, elen, h);
        if (!r.http)
            r.http = r.v->http;
        if (!r.model && r.v->model[0])
            r.model = r.v->model;
        h = stats_hash(h, &r.http, sizeof(r.http));
        if (r.model)
            h = stats_hash(h, r.model, strlen(r.model));
        if (r.by)
            h = stats_hash(h, r.by, strlen(r.by));
        if (rec->f[SF_REQUEST].present)
            h = stats_hash(h, rec->f[SF_REQUEST].p, rec->f[SF_REQUEST].len);
        r.ident = h;
    }
    count(run, &r);
    return 0;
}

static void pending_flush(struct stats_read *run)
{
    if (!run->pending)
        return;
    run->pending = 0;
    run->pend_req.v = &run->pend_v;
    run->pend_req.model = run->pend_model[0] ? run->pend_model : NULL;
    count(run, &run->pend_req);
}

/* The same failure logged twice: an access line, then the error itself,
 * within a few seconds. */
static int same_failure(const struct stats_read *run, const struct stats_req *r)
{
    return run->pending && r->http == run->pend_req.http &&
           (!r->has_t || !run->pend_req.has_t || fabs(r->t - run->pend_req.t) <= 10);
}

static void text_flush(struct stats_read *run)
{
    struct stats_req r;
    /* Without its timestamp, a record repeated later classifies once and
     * is recognised as the same failure. */
    const char *s = run->text_rec.buf + run->text_skip;
    size_t n = run->text_rec.len - run->text_skip;
    int access;
    if (run->text_rec.len == 0)
        return;
    memset(&r, 0, sizeof(r));
    r.tokens = -1;
    r.latency_ms = -1;
    r.t = run->text_t;
    r.has_t = run->text_has_t;
    access = stats_text_http_status(s, n);
    if (access > 0 && access < 400) {
        pending_flush(run);
        r.http = access;
        count(run, &r);
    } else if (access >= 400 || stats_text_worth_reading(s, n)) {
        uint64_t h = stats_hash(0, s, n);
        const struct stats_verdict *v = stats_classify(run->cls, access, s, n, h);
        if (!v->found && !access) {
            run->st.not_request++;
            goto out;
        }
        r.is_error = 1;
        r.v = v;
        r.http = v->http;
        r.model = v->model[0] ? v->model : NULL;
        r.ident = h;
        if (access) {
            pending_flush(run);
            run->pending = 1;
            run->pend_req = r;
            run->pend_v = *v;
            snprintf(run->pend_model, sizeof(run->pend_model), "%s", v->model);
            goto out;
        }
        if (same_failure(run, &r))
            run->pending = 0;
        else
            pending_flush(run);
        count(run, &r);
    } else {
        run->st.not_request++;
    }
out:
    run->text_rec.len = 0;
    run->text_rec.buf[0] = '\0';
    run->text_skip = 0;
}

static void text_line(struct stats_read *run, const char *line, size_t len)
{
    double t;
    size_t end = 0;
    int has_t = stats_line_time(line, len, &t, &end) == 0;
    if (has_t || run->text_rec.len + len + 1 > MAX_TEXT_RECORD) {
        text_flush(run);
        run->text_t = has_t ? t : 0;
        run->text_has_t = has_t;
        run->text_skip = end;
    }
    if (run->text_rec.len + len + 1 <= MAX_TEXT_RECORD) {
        sbuf_add(&run->text_rec, line, len);
        sbuf_addc(&run->text_rec, '\n');
    }
}

static void otlp_emit(void *arg, const struct stats_record *rec)
{
    struct stats_read *run = arg;
    if (structured(run, rec) < 0)
        run->st.not_request++;
}

/* OTLP: a document a line, or one spread over lines (gathered until its
 * brackets close, at most MAX_OTLP_DOC bytes). */
static void otlp_line(struct stats_read *run, struct sbuf *doc, int *depth, int *in_string,
                      const char *line, size_t len, long long lineno)
{
    const char *by = run->user_map.user[SF_BY] ? run->user_map.path[SF_BY] : NULL;
    if (doc->len == 0) {
        size_t i = 0;
        while (i < len && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i == len) {
            run->st.records--;
            return;
        }
    }
    sbuf_add(doc, line, len);
    sbuf_addc(doc, '\n');
    *depth = stats_json_depth(*depth, in_string, line, len);
    if (*depth > 0 && doc->len <= MAX_OTLP_DOC)
        return;
    if (*depth != 0 || stats_otlp_doc(doc->buf, doc->len, by, otlp_emit, run) < 0)
        stats_bad_line(&run->st, run->file, lineno);
    doc->len = 0;
    *depth = 0;
    *in_string = 0;
}

static void note_input(struct stats_read *run, enum stats_form form, const struct stats_map *map)
{
    if (run->file >= STATS_MAX_FILES)
        return;
    stats_copy(run->st.forms[run->file], sizeof(run->st.forms[0]), stats_form_name(form));
    for (int f = 0; f < SF_COUNT; f++)
        stats_copy(run->st.mapped[run->file][f], sizeof(run->st.mapped[0][0]),
                   form == SFORM_TEXT ||
                           ((form == SFORM_CSV || form == SFORM_SQLITE) && map->col[f] < 0)
                       ? ""
                       : map->path[f]);
}

static int parse_when(const char *s, double *t)
{
    char *end;
    double n = strtod(s, &end);
    if (end != s && n >= 0 && end[0] && !end[1]) {
        double unit = end[0] == 's'   ? 1
                      : end[0] == 'm' ? 60
                      : end[0] == 'h' ? 3600
                      : end[0] == 'd' ? 86400
                                      : 0;
        if (unit > 0 && isfinite(n * unit)) {
            *t = (double)gd_now() - n * unit;
            return 0;
        }
    }
    /* Only a calendar time: the epoch numbers a log's own field may hold
     * are no option value, where "24" more likely means 24h than 1970. */
    return stats_parse_calendar_time(s, strlen(s), t);
}

static int set_field(struct stats_map *m, const char *spec)
{
    const char *eq = strchr(spec, '=');
    char name[32];
    int f;
    if (!eq || eq == spec || (size_t)(eq - spec) >= sizeof(name) || !eq[1])
        return error("--field takes NAME=PATH, not '%s'", spec);
    memcpy(name, spec, (size_t)(eq - spec));
    name[eq - spec] = '\0';
    f = stats_field_from_name(name);
    if (f < 0 || f == SF_BY)
        return error("no field '%s' (time, status, model, input_tokens, latency, error, request)",
                     name);
    if (strlen(eq + 1) >= STATS_PATH_MAX)
        return error("--field %s: the path is too long", name);
    snprintf(m->path[f], sizeof(m->path[f]), "%s", eq + 1);
    m->user[f] = 1;
    return 0;
}

static int is_stats_option(const char *name)
{
    for (const struct option_spec *o = stats_options; o->name; o++)
        if (strcmp(o->name, name) == 0)
            return 1;
    return 0;
}

static int parse_stats_args(int argc, char **argv, struct stats_read *run)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = NULL;
        char name[16];
        if (a[0] != '-' || strcmp(a, "-") == 0) {
            run->files[run->nfiles++] = xstrdup(a);
            continue;
        }
        const char *eq = strchr(a, '=');
        size_t n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof(name))
            return error("unknown option '%s'; see 'gemini-doctor help stats'", a);
        memcpy(name, a, n);
        name[n] = '\0';
        /* The list in the command table (help, completions) is the one
         * that says which options there are. */
        if (!is_stats_option(name))
            return error("unknown option '%s'; see 'gemini-doctor help stats'", a);
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            return error("option '%s' needs a value", a);
        }
        if (strcmp(name, "--by") == 0) {
            /* A field name (--by model) follows that field wherever it is;
             * anything else is a path or a column. */
            int f = stats_field_from_name(val);
            if (strlen(val) >= STATS_PATH_MAX)
                return error("--by: the path is too long");
            if (f >= 0 && f != SF_BY) {
                run->so.by_field = f;
            } else {
                snprintf(run->user_map.path[SF_BY], STATS_PATH_MAX, "%s", val);
                run->user_map.user[SF_BY] = 1;
            }
            snprintf(run->so.by, sizeof(run->so.by), "%s", val);
        } else if (strcmp(name, "--field") == 0) {
            if (set_field(&run->user_map, val))
                return -1;
        } else if (strcmp(name, "--since") == 0 || strcmp(name, "--until") == 0) {
            double t;
            if (parse_when(val, &t))
                return error("%s takes an ISO-8601 time or 24h/7d/30m, not '%s'", name, val);
            if (name[2] == 's') {
                run->so.since = t;
                run->so.has_since = 1;
            } else {
                run->so.until = t;
                run->so.has_until = 1;
            }
        } else if (strcmp(name, "--tz") == 0) {
            free(run->tz);
            run->tz = xstrdup(val);
        } else if (strcmp(name, "--width") == 0) {
            char *end;
            long w = strtol(val, &end, 10);
            if (*end || w < 40 || w > 400)
                return error("--width takes 40 to 400 columns, not '%s'", val);
            run->so.width = (int)w;
        } else if (strcmp(name, "--table") == 0) {
            free(run->table);
            run->table = xstrdup(val);
            run->so.table = run->table;
        } else if (strcmp(name, "--html") == 0) {
            free(run->html);
            run->html = xstrdup(val);
            run->so.html = run->html;
        } else if (strcmp(name, "--sql") == 0) {
            run->so.sql = stats_sql_dialect_from_name(val);
            if (run->so.sql < 0)
                return error("--sql takes duckdb or bigquery, not '%s'", val);
        } else if (strcmp(name, "--sql-table") == 0) {
            free(run->sql_table);
            run->sql_table = xstrdup(val);
            run->so.sql_table = run->sql_table;
        } else {
            return error("unknown option '%s'; see 'gemini-doctor help stats'", a);
        }
    }
    return 0;
}

struct stats_read *stats_read_new(void)
{
    struct stats_read *run = xcalloc(1, sizeof(*run));
    stats_init(&run->st);
    sbuf_init(&run->text_rec);
    sbuf_grow(&run->text_rec, 1);
    run->text_rec.buf[0] = '\0';
    sbuf_init(&run->joined);
    run->so.by_field = -1;
    run->so.sql = -1;
    return run;
}

static void input_close(struct stats_read *run)
{
    if (!run->is_open)
        return;
    if (run->is_sqlite)
        stats_sqlite_close(&run->db);
    stats_src_close(run->src);
    run->src = NULL;
    run->joined.len = 0;
    run->is_open = 0;
}

void stats_read_free(struct stats_read *run)
{
    if (!run)
        return;
    input_close(run);
    stats_classifier_free(run->cls);
    stats_release(&run->st);
    sbuf_release(&run->text_rec);
    sbuf_release(&run->joined);
    for (int i = 0; i < run->nfiles; i++)
        free(run->files[i]);
    free(run->files);
    free(run->tz);
    free(run->table);
    free(run->html);
    free(run->sql_table);
    free(run);
}

int stats_read_args(struct stats_read *run, int argc, char **argv)
{
    run->files = xrealloc(run->files, ((size_t)run->nfiles + (size_t)argc + 1) * sizeof(char *));
    if (parse_stats_args(argc, argv, run))
        return -1;
    if (run->so.has_since && run->so.has_until && run->so.until <= run->so.since)
        return error("--until is not after --since");
    if (run->so.sql_table && run->so.sql < 0)
        return error("--sql-table is for --sql");
    /* The SQL replaces the report: nothing is read to draw a page from. */
    if (run->so.sql >= 0 && run->so.html)
        return error("--sql prints SQL instead of the report; --html cannot go with it");
    return 0;
}

int stats_read_nfiles(const struct stats_read *run)
{
    return run->nfiles;
}

const char *stats_read_file(const struct stats_read *run, int i)
{
    return i >= 0 && i < run->nfiles ? run->files[i] : NULL;
}

struct stats_opts *stats_read_opts(struct stats_read *run)
{
    return &run->so;
}

const struct stats_map *stats_read_user_map(const struct stats_read *run)
{
    return &run->user_map;
}

const struct stats_map *stats_read_map(const struct stats_read *run, enum stats_form *form)
{
    *form = run->is_sqlite ? SFORM_SQLITE : run->form;
    return &run->map;
}

const struct stats *stats_read_stats(const struct stats_read *run)
{
    return &run->st;
}

int stats_read_begin(struct stats_read *run, const struct rule_table *t)
{
    const struct daily_reset *reset = rules_daily_reset(t);

    run->rt = t;
    run->so.rt = t;
    if (run->nfiles == 0) {
        run->files = xrealloc(run->files, sizeof(char *));
        run->files[run->nfiles++] = xstrdup("-");
    }
    if (reset) {
        run->st.reset_tz = reset->rule;
        run->st.reset_local_s = reset->local_s;
        stats_copy(run->st.reset_zone, sizeof(run->st.reset_zone), reset->zone);
        stats_copy(run->st.reset_label, sizeof(run->st.reset_label), reset->label);
    }
    if (run->tz) {
        /* The reset's zone is known without the system's zoneinfo. */
        if (reset && strcmp(run->tz, reset->zone) == 0) {
            stats_copy(run->st.tz.name, sizeof(run->st.tz.name), reset->zone);
            run->st.tz.kind = 1;
            run->st.tz.rule = reset->rule;
        } else if (stats_tz_parse(run->tz, &run->st.tz)) {
            error("unknown time zone '%s' (UTC, +05:30, a POSIX TZ rule or a zoneinfo name)",
                  run->tz);
            return EXIT_USAGE;
        }
        run->st.have_tz = 1;
    }
    run->cls = stats_classifier_new(t, gd_now());
    return 0;
}

static int open_sqlite(struct stats_read *run, const char *path)
{
    struct stats_map *map = &run->map;
    if (stats_sqlite_open(path, run->so.table, map, &run->db))
        return EXIT_USAGE;
    for (int f = 0; f < SF_COUNT; f++) {
        if (map->user[f] && map->col[f] < 0) {
            error("table '%s' has no column '%s' (for %s)", run->db.table, map->path[f],
                  stats_field_name((enum stats_field)f));
            stats_sqlite_close(&run->db);
            return EXIT_USAGE;
        }
    }
    stats_map_ready(map);
    note_input(run, SFORM_SQLITE, map);
    run->is_sqlite = 1;
    run->row = 0;
    run->is_open = 1;
    return 0;
}

int stats_read_open(struct stats_read *run, int i)
{
    const char *path = run->files[i];
    struct stats_map *map = &run->map;
    const char *line, *peek;
    size_t len, plen;
    int rc, ret = 0;

    input_close(run);
    run->file = i;
    run->path = path;
    run->is_sqlite = 0;
    run->depth = run->in_string = 0;
    *map = run->user_map;
    if (i < STATS_MAX_FILES)
        snprintf(run->st.files[i], sizeof(run->st.files[i]), "%s",
                 strcmp(path, "-") == 0 ? "(stdin)" : path);
    run->st.nfiles = i + 1 < STATS_MAX_FILES ? i + 1 : STATS_MAX_FILES;
    if (stats_src_open(path, &run->src))
        return EXIT_NOFILE;
    peek = stats_src_peek(run->src, &plen);
    if (stats_src_is_sqlite(run->src) || (plen >= 16 && memcmp(peek, "SQLite format 3", 16) == 0)) {
        stats_src_close(run->src);
        run->src = NULL;
        if (strcmp(path, "-") == 0) {
            error("an SQLite database must be given as a file, not on stdin");
            return EXIT_USAGE;
        }
        return open_sqlite(run, path);
    }
    if (run->so.table) {
        error("--table is for SQLite databases; '%s' is not one", path);
        ret = EXIT_USAGE;
        goto out;
    }
    run->form = stats_detect(peek, plen);
    if (run->form == SFORM_JSONL)
        stats_jsonl_guess(map, peek, plen);
    if (run->so.verbose)
        fprintf(stderr, "gemini-doctor: %s: %s\n", path, stats_form_name(run->form));
    if (run->form == SFORM_CSV) {
        rc = stats_src_line(run->src, &line, &len);
        if (rc <= 0 || stats_csv_header(map, line, len)) {
            error("'%s': the CSV header names no field of a request", path);
            ret = EXIT_USAGE;
            goto out;
        }
        for (int f = 0; f < SF_COUNT; f++) {
            if (map->user[f] && map->col[f] < 0) {
                error("'%s' has no column '%s' (for %s)", path, map->path[f],
                      stats_field_name((enum stats_field)f));
                ret = EXIT_USAGE;
                goto out;
            }
        }
    }
    stats_map_ready(map);
    note_input(run, run->form, map);
    run->is_open = 1;
out:
    if (ret) {
        stats_src_close(run->src);
        run->src = NULL;
    }
    return ret;
}

/* One line of a line-based input, in its form. */
static void read_line(struct stats_read *run, const char *line, size_t len)
{
    long long lineno = stats_src_lineno(run->src);
    struct stats_record rec;
    int rc;

    if (stats_src_too_long(run->src)) {
        stats_bad_line(&run->st, run->file, lineno);
        return;
    }
    run->st.records++;
    if (run->form == SFORM_TEXT) {
        text_line(run, line, len);
        return;
    }
    if (run->form == SFORM_OTLP) {
        otlp_line(run, &run->joined, &run->depth, &run->in_string, line, len, lineno);
        return;
    }
    if (run->form == SFORM_JSONL) {
        rc = stats_jsonl_row(&run->map, line, len, &rec);
    } else {
        rc = stats_csv_row(&run->map, line, len, &rec);
        /* A quoted field running over lines: join them (bounded). */
        while (rc == 2) {
            const char *more;
            size_t mlen;
            if (run->joined.len == 0)
                sbuf_add(&run->joined, line, len);
            if (run->joined.len > STATS_MAX_LINE || stats_src_line(run->src, &more, &mlen) <= 0) {
                rc = -1;
                break;
            }
            sbuf_addc(&run->joined, '\n');
            sbuf_add(&run->joined, more, mlen);
            rc = stats_csv_row(&run->map, run->joined.buf, run->joined.len, &rec);
        }
    }
    if (rc == 0 && structured(run, &rec) < 0)
        rc = -1;
    if (rc < 0)
        stats_bad_line(&run->st, run->file, lineno);
    if (rc == 1)
        run->st.records--;
    run->joined.len = 0;
}

/* The end of a line-based input: what is still gathered is counted; rc is
 * the last stats_src_line() result (-1: the input ended on an error). */
static void read_end(struct stats_read *run, int rc)
{
    if (run->form == SFORM_TEXT) {
        text_flush(run);
        pending_flush(run);
    }
    if (run->form == SFORM_OTLP && run->joined.len > 0)
        stats_bad_line(&run->st, run->file, stats_src_lineno(run->src));
    if (rc < 0) {
        warning("'%s': %s; the %lld lines before it are counted", run->path,
                stats_src_error(run->src), stats_src_lineno(run->src));
        run->st.truncated++;
    }
    input_close(run);
}

static int step_sqlite(struct stats_read *run, long budget)
{
    struct stats_record rec;
    for (long n = 0; n < budget; n++) {
        int rc = stats_sqlite_row(&run->db, &run->map, &rec);
        if (rc <= 0) {
            if (rc < 0)
                run->st.truncated++;
            input_close(run);
            return 0;
        }
        run->row++;
        run->st.records++;
        if (structured(run, &rec) < 0)
            stats_bad_line(&run->st, run->file, run->row);
    }
    return 1;
}

int stats_read_step(struct stats_read *run, long budget)
{
    if (!run->is_open)
        return 0;
    if (run->is_sqlite)
        return step_sqlite(run, budget);
    for (long n = 0; n < budget; n++) {
        const char *line;
        size_t len;
        int rc = stats_src_line(run->src, &line, &len);
        if (rc <= 0) {
            read_end(run, rc);
            return 0;
        }
        read_line(run, line, len);
    }
    return 1;
}

void stats_read_progress(const struct stats_read *run, long long *done, long long *size,
                         long long *records)
{
    *done = *size = 0;
    if (run->is_open && run->src)
        stats_src_progress(run->src, done, size);
    *records = run->st.records;
}

int stats_read_finish(struct stats_read *run)
{
    input_close(run);
    stats_finish(&run->st);
    stats_classifier_counts(run->cls, &run->st.classified, &run->st.cache_hits);
    if (run->st.requests == 0 && run->st.filtered == 0) {
        error("no request records in the input (%lld lines, %lld not valid)", run->st.records,
              run->st.bad);
        return EXIT_NOINPUT;
    }
    return 0;
}

int stats_read_all(struct stats_read *run)
{
    for (int i = 0; i < run->nfiles; i++) {
        int rc = stats_read_open(run, i);
        if (rc)
            return rc;
        while (stats_read_step(run, 4096) > 0)
            ;
    }
    return stats_read_finish(run);
}
