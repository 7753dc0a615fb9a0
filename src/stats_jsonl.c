/*
 * stats_jsonl: JSON Lines records. A line is walked once, without building a
 * tree: only the objects on the way to a mapped path are entered, every
 * other value is skipped by a scanner that checks its brackets and strings
 * (so a truncated or broken line is caught) but builds nothing. The same
 * walker, in guessing mode, lists the paths of the first lines so that the
 * common field names can be found.
 */
#include <string.h>

#include "stats_rows.h"

#define MAX_DEPTH 64
#define GUESS_DEPTH 4
#define GUESS_PATHS 256
#define GUESS_LINES 200

struct guess_path {
    char path[STATS_PATH_MAX];
    unsigned kinds; /* KIND_* bits seen */
};

enum { KIND_NUM = 1, KIND_NUMSTR = 2, KIND_STR = 4, KIND_OBJ = 8, KIND_ARR = 16, KIND_BOOL = 32 };

struct walk {
    const struct stats_map *m;
    struct stats_record *r;
    char path[STATS_PATH_MAX * 2];
    size_t plen;
    struct guess_path *g; /* guessing mode when non-NULL */
    int ng;
};

static const char *ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* p at an opening quote; returns just past the closing one, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
    p++;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(e - p));
        const char *b;
        if (!q)
            return NULL;
        b = q;
        while (b > p && b[-1] == '\\')
            b--;
        if (((q - b) & 1) == 0)
            return q + 1;
        p = q + 1;
    }
}

static int scalar_end(char c)
{
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_scalar(const char *p, const char *e)
{
    const char *s = p;
    if (!(*p == '-' || (*p >= '0' && *p <= '9') || *p == 't' || *p == 'f' || *p == 'n'))
        return NULL;
    while (p < e && !scalar_end(*p))
        p++;
    return p > s ? p : NULL;
}

static const char *skip_value(const char *p, const char *e)
{
    char stack[MAX_DEPTH];
    int d = 0;
    if (p >= e)
        return NULL;
    if (*p == '"')
        return skip_string(p, e);
    if (*p != '{' && *p != '[')
        return skip_scalar(p, e);
    while (p < e) {
        char c = *p;
        if (c == '"') {
            p = skip_string(p, e);
            if (!p)
                return NULL;
            continue;
        }
        if (c == '{' || c == '[') {
            if (d == MAX_DEPTH)
                return NULL;
            stack[d++] = c;
        } else if (c == '}' || c == ']') {
            if (d == 0 || stack[d - 1] != (c == '}' ? '{' : '['))
                return NULL;
            if (--d == 0)
                return p + 1;
        }
        p++;
    }
    return NULL;
}

static unsigned kind_of(const char *p, const char *end)
{
    if (*p == '{')
        return KIND_OBJ;
    if (*p == '[')
        return KIND_ARR;
    if (*p == 't' || *p == 'f')
        return KIND_BOOL;
    if (*p == 'n')
        return 0;
    if (*p == '"') {
        const char *q = p + 1;
        int digits = 0;
        while (q < end - 1 && ((*q >= '0' && *q <= '9') || *q == '.')) {
            q++;
            digits++;
        }
        return digits > 0 && q == end - 1 ? KIND_NUMSTR : KIND_STR;
    }
    return KIND_NUM;
}

static void guess_note(struct walk *w, unsigned kind)
{
    if (w->plen >= STATS_PATH_MAX || kind == 0)
        return;
    for (int i = 0; i < w->ng; i++) {
        if (strcmp(w->g[i].path, w->path) == 0) {
            w->g[i].kinds |= kind;
            return;
        }
    }
    if (w->ng == GUESS_PATHS)
        return;
    memcpy(w->g[w->ng].path, w->path, w->plen + 1);
    w->g[w->ng].kinds = kind;
    w->ng++;
}

/* 1: the path is mapped (field index in *field); 2: it leads to one;
 * both bits may be set. */
static int path_match(const struct walk *w, int *field)
{
    int res = 0;
    for (int f = 0; f < SF_COUNT; f++) {
        const char *t = w->m->path[f];
        size_t tl = w->m->plen[f];
        if (tl == 0 || tl < w->plen || memcmp(t, w->path, w->plen) != 0)
            continue;
        if (tl == w->plen) {
            res |= 1;
            *field = f;
        } else if (t[w->plen] == '.') {
            res |= 2;
        }
    }
    return res;
}

static const char *walk_object(struct walk *w, const char *p, const char *e, int depth);

static const char *walk_value(struct walk *w, const char *p, const char *e, int depth)
{
    int field = -1, act;
    const char *start = p, *end;
    if (p >= e)
        return NULL;
    if (w->g) {
        int enter = *p == '{' && depth < GUESS_DEPTH;
        end = enter ? walk_object(w, p, e, depth + 1) : skip_value(p, e);
        if (end)
            guess_note(w, kind_of(start, end));
        return end;
    }
    act = path_match(w, &field);
    if ((act & 2) && *p == '{' && depth < MAX_DEPTH)
        end = walk_object(w, p, e, depth + 1);
    else
        end = skip_value(p, e);
    if (end && (act & 1) && *start != 'n') {
        struct stats_span *s = &w->r->f[field];
        s->present = 1;
        if (*start == '"') {
            s->p = start + 1;
            s->len = (size_t)(end - start - 2);
            s->quoted = 1;
        } else {
            s->p = start;
            s->len = (size_t)(end - start);
            s->quoted = 0;
        }
    }
    return end;
}

static const char *walk_object(struct walk *w, const char *p, const char *e, int depth)
{
    p = ws(p + 1, e);
    if (p < e && *p == '}')
        return p + 1;
    for (;;) {
        const char *ks, *kend;
        size_t save = w->plen, klen;
        if (p >= e || *p != '"')
            return NULL;
        ks = p + 1;
        kend = skip_string(p, e);
        if (!kend)
            return NULL;
        klen = (size_t)(kend - 1 - ks);
        p = ws(kend, e);
        if (p >= e || *p != ':')
            return NULL;
        p = ws(p + 1, e);
        if (save + 1 + klen < sizeof(w->path)) {
            if (save)
                w->path[w->plen++] = '.';
            memcpy(w->path + w->plen, ks, klen);
            w->plen += klen;
            w->path[w->plen] = '\0';
        } else {
            /* A path longer than any mapping: nothing below it is wanted. */
            w->plen = sizeof(w->path) - 1;
            memset(w->path, '\x01', w->plen);
            w->path[w->plen] = '\0';
        }
        p = walk_value(w, p, e, depth);
        w->plen = save;
        w->path[save] = '\0';
        if (!p)
            return NULL;
        p = ws(p, e);
        if (p < e && *p == ',') {
            p = ws(p + 1, e);
            continue;
        }
        if (p < e && *p == '}')
            return p + 1;
        return NULL;
    }
}

static int walk_line(struct walk *w, const char *line, size_t len)
{
    const char *e = line + len, *p = ws(line, e);
    if (p == e)
        return 1;
    if (*p != '{')
        return -1;
    w->plen = 0;
    w->path[0] = '\0';
    p = walk_object(w, p, e, 1);
    if (!p || ws(p, e) != e)
        return -1;
    return 0;
}

void stats_map_ready(struct stats_map *m)
{
    for (int f = 0; f < SF_COUNT; f++)
        m->plen[f] = strlen(m->path[f]);
}

int stats_jsonl_row(const struct stats_map *m, const char *line, size_t len, struct stats_record *r)
{
    struct walk w;
    memset(r, 0, sizeof(*r));
    w.m = m;
    w.r = r;
    w.g = NULL;
    w.ng = 0;
    return walk_line(&w, line, len);
}

/* Which kinds of value a field accepts when guessing. */
static unsigned field_kinds(int f)
{
    switch (f) {
    case SF_TIME:
        return KIND_NUM | KIND_NUMSTR | KIND_STR;
    case SF_STATUS:
    case SF_TOKENS:
        return KIND_NUM | KIND_NUMSTR;
    case SF_LATENCY:
        return KIND_NUM | KIND_NUMSTR | KIND_STR;
    case SF_MODEL:
        return KIND_STR;
    case SF_ERROR:
        return KIND_STR | KIND_OBJ;
    default:
        return KIND_STR | KIND_NUM | KIND_NUMSTR;
    }
}

void stats_jsonl_guess(struct stats_map *m, const char *buf, size_t len)
{
    static struct guess_path paths[GUESS_PATHS];
    struct stats_record r;
    struct walk w;
    const char *p = buf, *e = buf + len;
    int lines = 0;

    memset(&w, 0, sizeof(w));
    w.m = m;
    w.r = &r;
    w.g = paths;
    while (p < e && lines < GUESS_LINES) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl)
            break;
        walk_line(&w, p, (size_t)(nl - p));
        lines++;
        p = nl + 1;
    }
    for (int f = 0; f < SF_COUNT; f++) {
        const char *g = stats_field_guesses((enum stats_field)f);
        if (m->user[f] || m->path[f][0])
            continue;
        while (*g) {
            size_t n = strcspn(g, " ");
            for (int i = 0; i < w.ng; i++) {
                if (strlen(paths[i].path) == n && memcmp(paths[i].path, g, n) == 0 &&
                    (paths[i].kinds & field_kinds(f))) {
                    memcpy(m->path[f], g, n);
                    m->path[f][n] = '\0';
                    break;
                }
            }
            if (m->path[f][0])
                break;
            g += n;
            while (*g == ' ')
                g++;
        }
    }
}
