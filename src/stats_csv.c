/*
 * stats_csv: CSV records with a header row (RFC 4180: quoted fields, doubled
 * quotes, line breaks inside quotes), and the detection of the input form
 * from the first bytes of a file.
 */
#include <string.h>

#include "stats_rows.h"
#include "util.h"

const char *stats_form_name(enum stats_form f)
{
    static const char *const names[] = {"jsonl", "csv", "otlp", "text", "sqlite"};
    return names[f];
}

/* Split line into fields; spans get each field (quotes removed, doubled
 * quotes left for the consumer: quoted = 2). Returns the number of fields,
 * or -2 when a quoted field is still open at the end of the line. */
static int split(const char *line, size_t len, char sep, struct stats_span *out, int cap)
{
    size_t i = 0;
    int n = 0;
    for (;;) {
        struct stats_span sp = {0};
        if (i < len && line[i] == '"') {
            size_t s = ++i;
            int doubled = 0;
            for (;;) {
                const char *q = memchr(line + i, '"', len - i);
                if (!q)
                    return -2;
                i = (size_t)(q - line);
                if (i + 1 < len && line[i + 1] == '"') {
                    doubled = 1;
                    i += 2;
                    continue;
                }
                break;
            }
            sp.p = line + s;
            sp.len = i - s;
            sp.quoted = doubled ? 2 : 0;
            i++;
            while (i < len && line[i] != sep)
                i++;
        } else {
            const char *q = memchr(line + i, sep, len - i);
            size_t end = q ? (size_t)(q - line) : len;
            sp.p = line + i;
            sp.len = end - i;
            i = end;
        }
        sp.present = sp.len > 0;
        if (n < cap)
            out[n] = sp;
        n++;
        if (i >= len)
            return n;
        i++; /* the separator */
    }
}

static int name_eq(const struct stats_span *s, const char *name, size_t n)
{
    size_t len = s->len;
    const char *p = s->p;
    while (len > 0 && gd_isspace((unsigned char)*p))
        p++, len--;
    while (len > 0 && gd_isspace((unsigned char)p[len - 1]))
        len--;
    return len == n && gd_strncasecmp(p, name, n) == 0;
}

int stats_csv_header(struct stats_map *m, const char *line, size_t len)
{
    static struct stats_span cols[STATS_MAX_COLS];
    int n, found = 0;
    if (len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    m->sep = memchr(line, ',', len) ? ',' : memchr(line, '\t', len) ? '\t' : ';';
    n = split(line, len, m->sep, cols, STATS_MAX_COLS);
    if (n > STATS_MAX_COLS)
        n = STATS_MAX_COLS;
    for (int f = 0; f < SF_COUNT; f++) {
        m->col[f] = -1;
        if (m->path[f][0]) {
            for (int c = 0; c < n && m->col[f] < 0; c++)
                if (name_eq(&cols[c], m->path[f], strlen(m->path[f])))
                    m->col[f] = c;
            continue;
        }
        const char *g = stats_field_guesses((enum stats_field)f);
        while (*g && m->col[f] < 0) {
            size_t k = strcspn(g, " ");
            for (int c = 0; c < n && m->col[f] < 0; c++) {
                if (name_eq(&cols[c], g, k)) {
                    m->col[f] = c;
                    memcpy(m->path[f], g, k);
                    m->path[f][k] = '\0';
                }
            }
            g += k;
            while (*g == ' ')
                g++;
        }
    }
    for (int f = 0; f < SF_COUNT; f++)
        found += m->col[f] >= 0 && f != SF_BY;
    return found ? 0 : -1;
}

int stats_csv_row(const struct stats_map *m, const char *line, size_t len, struct stats_record *r)
{
    static struct stats_span cols[STATS_MAX_COLS];
    int n;
    memset(r, 0, sizeof(*r));
    if (len == 0)
        return 1;
    n = split(line, len, m->sep, cols, STATS_MAX_COLS);
    if (n == -2)
        return 2;
    for (int f = 0; f < SF_COUNT; f++) {
        int c = m->col[f];
        if (c >= 0 && c < n && c < STATS_MAX_COLS)
            r->f[f] = cols[c];
    }
    return 0;
}

static int looks_csv_header(const char *p, size_t n)
{
    struct stats_map m;
    memset(&m, 0, sizeof(m));
    if (!memchr(p, ',', n) && !memchr(p, '\t', n))
        return 0;
    return stats_csv_header(&m, p, n) == 0;
}

enum stats_form stats_detect(const char *buf, size_t len)
{
    size_t i = 0, n;
    const char *nl;
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && gd_isspace((unsigned char)buf[i]))
        i++;
    if (i < len && buf[i] == '{') {
        const char *probe = buf + i;
        size_t plen = len - i < 4096 ? len - i : 4096;
        if (gd_memcasemem(probe, plen, "\"resourceSpans\"", 15))
            return SFORM_OTLP;
        return SFORM_JSONL;
    }
    nl = memchr(buf + i, '\n', len - i);
    n = nl ? (size_t)(nl - (buf + i)) : len - i;
    if (looks_csv_header(buf + i, n))
        return SFORM_CSV;
    return SFORM_TEXT;
}
