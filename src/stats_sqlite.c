/*
 * stats_sqlite: an SQLite database as a log: the rows of one table (--table
 * T, or the only table), read with libsqlite3, read-only. Its column names
 * are mapped exactly as a CSV header is; each row becomes a record of spans
 * into SQLite's own buffers, valid until the next row.
 */
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "stats_rows.h"
#include "util.h"

/* The table to read: the one named, or the only one. Returns 0 with name
 * set, or -1 after printing why not. */
static int pick_table(sqlite3 *db, const char *path, const char *want, char *name, size_t cap)
{
    sqlite3_stmt *st = NULL;
    int n = 0, found = 0, rc;
    char list[256] = "";
    rc = sqlite3_prepare_v2(db,
                            "SELECT name FROM sqlite_master WHERE type IN ('table','view') "
                            "AND name NOT LIKE 'sqlite_%' ORDER BY name",
                            -1, &st, NULL);
    if (rc != SQLITE_OK)
        return error("'%s': %s", path, sqlite3_errmsg(db));
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        if (!t)
            continue;
        if (want && strcmp(t, want) == 0)
            found = 1;
        if (n == 0)
            snprintf(name, cap, "%s", t);
        if (strlen(list) + strlen(t) + 3 < sizeof(list))
            snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", n ? ", " : "", t);
        n++;
    }
    sqlite3_finalize(st);
    if (want) {
        if (!found)
            return error("'%s' has no table '%s' (tables: %s)", path, want, n ? list : "none");
        snprintf(name, cap, "%s", want);
        return 0;
    }
    if (n == 0)
        return error("'%s' holds no table", path);
    if (n > 1)
        return error("'%s' holds several tables (%s): name one with --table", path, list);
    return 0;
}

int stats_sqlite_open(const char *path, const char *table, struct stats_map *m,
                      struct stats_sqlite *out)
{
    char name[256], sql[600], header[8192];
    size_t hl = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = sqlite3_open_v2(path, &out->db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        error("cannot open '%s' as SQLite: %s", path, sqlite3_errmsg(out->db));
        goto fail;
    }
    if (pick_table(out->db, path, table, name, sizeof(name)))
        goto fail;
    /* "T" with its quotes doubled: an identifier, never SQL text. */
    hl = 0;
    char quoted[520];
    for (const char *p = name; *p && hl + 3 < sizeof(quoted); p++) {
        if (*p == '"')
            quoted[hl++] = '"';
        quoted[hl++] = *p;
    }
    quoted[hl] = '\0';
    snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\"", quoted);
    rc = sqlite3_prepare_v2(out->db, sql, -1, &out->st, NULL);
    if (rc != SQLITE_OK) {
        error("'%s': %s", path, sqlite3_errmsg(out->db));
        goto fail;
    }
    out->ncols = sqlite3_column_count(out->st);
    if (out->ncols > STATS_MAX_COLS)
        out->ncols = STATS_MAX_COLS;
    /* The column names as a CSV header line, so the mapping is the CSV's. */
    hl = 0;
    for (int c = 0; c < out->ncols; c++) {
        const char *cn = sqlite3_column_name(out->st, c);
        if (hl + 4 >= sizeof(header))
            break;
        if (c)
            header[hl++] = ',';
        header[hl++] = '"';
        for (; cn && *cn && hl + 3 < sizeof(header); cn++) {
            if (*cn == '"')
                header[hl++] = '"';
            header[hl++] = *cn;
        }
        header[hl++] = '"';
    }
    header[hl] = '\0';
    if (stats_csv_header(m, header, hl)) {
        error("'%s': table '%s' has no column of a request", path, name);
        goto fail;
    }
    snprintf(out->table, sizeof(out->table), "%s", name);
    return 0;
fail:
    stats_sqlite_close(out);
    return -1;
}

int stats_sqlite_row(struct stats_sqlite *s, const struct stats_map *m, struct stats_record *r)
{
    int rc = sqlite3_step(s->st);
    memset(r, 0, sizeof(*r));
    if (rc == SQLITE_DONE)
        return 0;
    if (rc != SQLITE_ROW)
        return error("reading table '%s': %s", s->table, sqlite3_errmsg(s->db));
    for (int f = 0; f < SF_COUNT; f++) {
        int c = m->col[f];
        const unsigned char *v;
        if (c < 0 || c >= s->ncols || sqlite3_column_type(s->st, c) == SQLITE_NULL)
            continue;
        v = sqlite3_column_text(s->st, c);
        if (!v)
            continue;
        r->f[f].p = (const char *)v;
        r->f[f].len = (size_t)sqlite3_column_bytes(s->st, c);
        r->f[f].present = r->f[f].len > 0;
    }
    return 1;
}

void stats_sqlite_close(struct stats_sqlite *s)
{
    if (s->st)
        sqlite3_finalize(s->st);
    if (s->db)
        sqlite3_close(s->db);
    s->st = NULL;
    s->db = NULL;
}
