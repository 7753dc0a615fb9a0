/*
 * scan_retry: retry settings and calls that retry what cannot succeed, or
 * retry with no wait, no stop or no jitter. See scan_retry.h; the shapes
 * matched are in docs/scan.md.
 */
#include "scan_retry.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules_scan.h"
#include "util.h"

/* How far a setting's list or a call's arguments may reach. */
#define LIST_MAX 300
#define ARGS_MAX 2000

static int word_char(unsigned char c)
{
    return gd_isalnum(c) || c == '_';
}

/* The words the rules look for (settings, calls, modules), with a filter
 * on their first byte and length, made once per scan. */
#define WORDS_MAX 128

struct scan_retry_words {
    const char *word[WORDS_MAX];
    size_t len[WORDS_MAX];
    int n;
    unsigned long long lens[256]; /* bit n: a word of n bytes starts with this byte */
    unsigned char first[256];
};

/* Where those words occur in one file, in order. Bounded: occurrences past
 * INDEX_MAX are not seen (fewer findings, never more). */
#define INDEX_MAX 512

struct scan_retry_index {
    size_t at[INDEX_MAX];
    const char *word[INDEX_MAX];
    int n;
};

static void add_words(struct scan_retry_words *w, const char *const *list)
{
    for (int i = 0; list && list[i] && w->n < WORDS_MAX; i++)
        w->word[w->n++] = list[i][0] == '@' ? list[i] + 1 : list[i];
}

struct scan_retry_words *scan_retry_words_new(const struct scan_rules *sr)
{
    struct scan_retry_words *w = xcalloc(1, sizeof(*w));

    for (int i = 0; i < scan_rules_count(sr); i++) {
        const struct scan_rule *r = scan_rules_get(sr, i);
        if (r->kind == SCAN_RETRY_STATUS)
            add_words(w, r->words);
        else if (r->kind == SCAN_RETRY_EXCEPTION || r->kind == SCAN_RETRY_CALL)
            add_words(w, r->calls);
        if (r->kind == SCAN_RETRY_CALL && r->module && w->n < WORDS_MAX)
            w->word[w->n++] = r->module;
    }
    for (int i = 0; i < w->n; i++) {
        w->len[i] = strlen(w->word[i]);
        if (w->len[i] < 64)
            w->lens[(unsigned char)w->word[i][0]] |= 1ULL << w->len[i];
        w->first[(unsigned char)w->word[i][0]] = 1;
    }
    return w;
}

void scan_retry_words_free(struct scan_retry_words *w)
{
    free(w);
}

const unsigned char *scan_retry_first(const struct scan_retry_words *w)
{
    return w->first;
}

const unsigned long long *scan_retry_lengths(const struct scan_retry_words *w)
{
    return w->lens;
}

struct scan_retry_index *scan_retry_index_new(void)
{
    return xcalloc(1, sizeof(struct scan_retry_index));
}

void scan_retry_index_free(struct scan_retry_index *ix)
{
    free(ix);
}

void scan_retry_index_clear(struct scan_retry_index *ix)
{
    ix->n = 0;
}

void scan_retry_index_add(const struct scan_retry_words *w, struct scan_retry_index *ix,
                          const char *buf, size_t s, size_t n)
{
    if (n >= 64 || !((w->lens[(unsigned char)buf[s]] >> n) & 1) || ix->n >= INDEX_MAX)
        return;
    for (int i = 0; i < w->n; i++)
        if (w->len[i] == n && memcmp(w->word[i], buf + s, n) == 0) {
            ix->at[ix->n] = s;
            ix->word[ix->n++] = w->word[i];
            return;
        }
}

/* The first occurrence of w at or after from, or SIZE_MAX. */
static size_t find_word(const struct scan_retry_index *ix, size_t from, const char *w)
{
    for (int i = 0; i < ix->n; i++)
        if (ix->at[i] >= from && strcmp(ix->word[i], w) == 0)
            return ix->at[i];
    return SIZE_MAX;
}

/* The position just past the bracket that closes the one at open, counting
 * (, [ and { alike; SIZE_MAX when it does not close within max bytes. */
static size_t close_of(const char *buf, size_t len, size_t open, size_t max)
{
    int depth = 0;
    for (size_t i = open; i < len && i < open + max; i++) {
        char ch = buf[i];
        if (ch == '(' || ch == '[' || ch == '{')
            depth++;
        else if (ch == ')' || ch == ']' || ch == '}')
            if (--depth == 0)
                return i + 1;
    }
    return SIZE_MAX;
}

static int listed(const char *const *list, const char *s, size_t n)
{
    for (int i = 0; list && list[i]; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return 1;
    return 0;
}

static size_t skip_blanks(const char *buf, size_t len, size_t p)
{
    while (p < len && (buf[p] == ' ' || buf[p] == '\t'))
        p++;
    return p;
}

/* A setting: KEY, quotes and blanks, ':' or '=' (not '=='), then a list
 * literal, maybe wrapped in a call (frozenset([...]), new Set([...])). */
static void retry_status(const struct scan_rule *r, const struct scan_retry_index *ix,
                         const char *buf, size_t len,
                         void (*hit)(void *, const struct scan_rule *, size_t, const char *),
                         void *arg)
{
    for (int k = 0; r->words[k]; k++) {
        for (size_t at = find_word(ix, 0, r->words[k]); at != SIZE_MAX;
             at = find_word(ix, at + 1, r->words[k])) {
            size_t p = at + strlen(r->words[k]), open = SIZE_MAX, end;
            int set = 0;
            struct sbuf what;
            while (p < len && strchr("\"' \t:=", buf[p]) && p < at + strlen(r->words[k]) + 8) {
                if (buf[p] == '=' && p + 1 < len && buf[p + 1] == '=')
                    break;
                set |= buf[p] == ':' || buf[p] == '=';
                p++;
            }
            if (!set)
                continue;
            for (size_t q = p; q < len && q < p + 24; q++) {
                if (buf[q] == '[' || buf[q] == '{' ||
                    (buf[q] == '(' &&
                     gd_isdigit((unsigned char)buf[skip_blanks(buf, len, q + 1)]))) {
                    open = q;
                    break;
                }
                if (buf[q] != '(' && buf[q] != ' ' && !word_char((unsigned char)buf[q]))
                    break;
            }
            if (open == SIZE_MAX || (end = close_of(buf, len, open, LIST_MAX)) == SIZE_MAX)
                continue;
            sbuf_init(&what);
            for (size_t q = open; q < end; q++) {
                size_t n = 0;
                if (!gd_isdigit((unsigned char)buf[q]) || word_char((unsigned char)buf[q - 1]))
                    continue;
                while (q + n < end && gd_isdigit((unsigned char)buf[q + n]))
                    n++;
                if (!word_char((unsigned char)buf[q + n]) && listed(r->codes, buf + q, n))
                    sbuf_addf(&what, "%s%.*s", what.len ? ", " : "", (int)n, buf + q);
                q += n;
            }
            if (what.len) {
                struct sbuf line;
                sbuf_init(&line);
                sbuf_addf(&line, "%s with %s", r->words[k], what.buf);
                hit(arg, r, at, line.buf);
                sbuf_release(&line);
            }
            sbuf_release(&what);
        }
    }
}

/* The whole-word tokens of buf[from..to) that are in list, joined by ", ". */
static void tokens_listed(const char *buf, size_t from, size_t to, const char *const *list,
                          struct sbuf *out)
{
    for (size_t q = from; q < to;) {
        size_t n = 0;
        if (!word_char((unsigned char)buf[q])) {
            q++;
            continue;
        }
        while (q + n < to && word_char((unsigned char)buf[q + n]))
            n++;
        if (listed(list, buf + q, n))
            sbuf_addf(out, "%s%.*s", out->len ? ", " : "", (int)n, buf + q);
        q += n;
    }
}

/* A predicate call, CALL(...), whose arguments name a listed exception
 * (module prefixes such as errors. or exceptions. are passed over). */
static void retry_exception(const struct scan_rule *r, const struct scan_retry_index *ix,
                            const char *buf, size_t len,
                            void (*hit)(void *, const struct scan_rule *, size_t, const char *),
                            void *arg)
{
    for (int k = 0; r->calls[k]; k++) {
        for (size_t at = find_word(ix, 0, r->calls[k]); at != SIZE_MAX;
             at = find_word(ix, at + 1, r->calls[k])) {
            size_t open = skip_blanks(buf, len, at + strlen(r->calls[k])), end;
            struct sbuf names;
            if (open >= len || buf[open] != '(' ||
                (end = close_of(buf, len, open, ARGS_MAX)) == SIZE_MAX)
                continue;
            sbuf_init(&names);
            tokens_listed(buf, open, end, r->words, &names);
            if (names.len) {
                struct sbuf line;
                sbuf_init(&line);
                sbuf_addf(&line, "%s(%s)", r->calls[k], names.buf);
                hit(arg, r, at, line.buf);
                sbuf_release(&line);
            }
            sbuf_release(&names);
        }
    }
}

/* Are the arguments buf(open..end) keywords only (name=value, no *args or
 * **kwargs, which could hold anything)? Empty arguments are. A '#' comment
 * inside them is passed over to the end of its line. */
static int keywords_only(const char *buf, size_t open, size_t end)
{
    int depth = 0, eq = 0, any = 0;
    for (size_t i = open + 1; i + 1 < end; i++) {
        char ch = buf[i];
        if (ch == '#') {
            while (i + 1 < end && buf[i + 1] != '\n')
                i++;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
        } else if (ch == ')' || ch == ']' || ch == '}') {
            depth--;
        } else if (depth == 0 && ch == ',') {
            if (any && !eq)
                return 0;
            eq = any = 0;
        } else if (depth == 0 && ch == '*' && !any) {
            return 0;
        } else if (depth == 0 && ch == '=' && buf[i + 1] != '=') {
            eq = 1;
        } else if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r') {
            any = 1;
        }
    }
    return !any || eq;
}

/* Is the name at buf[at] a decorator: "@name" or "@module.name"? */
static int decorated(const char *buf, size_t at, const char *module)
{
    size_t ml = strlen(module);
    if (at >= 1 && buf[at - 1] == '@')
        return 1;
    return at >= ml + 2 && buf[at - 1] == '.' && memcmp(buf + at - 1 - ml, module, ml) == 0 &&
           buf[at - 2 - ml] == '@';
}

/* A tenacity retry: the decorator (bare or called) or Retrying(...), in a
 * file that names the module, with keyword arguments only; it matches when
 * one of has (if any) is among its tokens and none of missing is. */
static void retry_call(const struct scan_rule *r, const struct scan_retry_index *ix,
                       const char *buf, size_t len,
                       void (*hit)(void *, const struct scan_rule *, size_t, const char *),
                       void *arg)
{
    if (find_word(ix, 0, r->module) == SIZE_MAX)
        return;
    for (int k = 0; r->calls[k]; k++) {
        int deco = r->calls[k][0] == '@';
        const char *name = r->calls[k] + deco;
        for (size_t at = find_word(ix, 0, name); at != SIZE_MAX; at = find_word(ix, at + 1, name)) {
            size_t open = skip_blanks(buf, len, at + strlen(name)), end = open;
            struct sbuf seen, line;
            int bare, has, lacks;
            if (deco != decorated(buf, at, r->module))
                continue;
            bare = open >= len || buf[open] == '\n' || buf[open] == '\r';
            if (bare && !deco)
                continue; /* Retrying named, not called (an import) */
            if (!bare &&
                (buf[open] != '(' || (end = close_of(buf, len, open, ARGS_MAX)) == SIZE_MAX))
                continue;
            if (!bare && !keywords_only(buf, open, end))
                continue;
            sbuf_init(&seen);
            if (r->has)
                tokens_listed(buf, open, end, r->has, &seen);
            has = !r->has || seen.len > 0;
            sbuf_release(&seen);
            tokens_listed(buf, open, end, r->missing, &seen);
            lacks = seen.len == 0;
            sbuf_release(&seen);
            if (!has || !lacks)
                continue;
            sbuf_init(&line);
            sbuf_addf(&line, "%s%s", deco ? "@" : "", name);
            if (!bare) {
                sbuf_adds(&line, "(");
                sbuf_add_oneline(&line, buf + open + 1, end - open - 2, 60);
                sbuf_adds(&line, ")");
            }
            hit(arg, r, deco ? at - 1 : at, line.buf);
            sbuf_release(&line);
        }
    }
}

void scan_retry(const struct scan_rules *sr, const struct scan_retry_index *ix, const char *buf,
                size_t len,
                void (*hit)(void *arg, const struct scan_rule *r, size_t pos, const char *what),
                void *arg)
{
    int mentions = -1; /* does the file mention "retry"? asked once, when it matters */

    for (int i = 0; ix->n && i < scan_rules_count(sr); i++) {
        const struct scan_rule *r = scan_rules_get(sr, i);
        int named = 0;
        for (int k = 0; r->kind == SCAN_RETRY_STATUS && r->words[k] && !named; k++)
            named = find_word(ix, 0, r->words[k]) != SIZE_MAX;
        /* A status list counts only in a file about retrying. */
        if (named && mentions < 0)
            mentions = gd_memcasemem(buf, len, "retry", 5) != NULL;
        if (named && mentions)
            retry_status(r, ix, buf, len, hit, arg);
        else if (r->kind == SCAN_RETRY_EXCEPTION)
            retry_exception(r, ix, buf, len, hit, arg);
        else if (r->kind == SCAN_RETRY_CALL)
            retry_call(r, ix, buf, len, hit, arg);
    }
}
