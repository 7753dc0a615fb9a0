/*
 * scan: lists the files of each PATH, reads each once and matches the scan
 * rules against its tokens. See scan.h; the choices are in docs/scan.md.
 *
 * One pass over a file splits it into tokens of key characters
 * ([A-Za-z0-9._-]). A token can be a key (keymask decides), a model id (the
 * rules' lifecycle decides) or a request parameter name (the scan rules
 * list them); everything else is skipped after one table lookup a byte.
 */
#define _GNU_SOURCE /* memmem */
#include "scan.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "keymask.h"
#include "keysrc.h"
#include "rules.h"
#include "scan_retry.h"
#include "scan_verify.h"
#include "sha256.h"
#include "util.h"

/* Files larger than this are skipped (generated bundles, data dumps). */
#define SCAN_FILE_MAX (64u << 20)
/* What git may print for one listing or the history. */
#define SCAN_GIT_MAX (1024u << 20)
/* A parameter belongs to the nearest model id at most this many lines away. */
#define SCAN_PARAM_LINES 30
/* Distinct model families (the part of a model id before its first '-'). */
#define SCAN_FAMILIES_MAX 32

#define ALLOW_FILE ".gemini-doctor-allow"

struct allow {
    char **globs;
    size_t nglobs;
    char **prints; /* fingerprint prefixes, lowercase hex */
    size_t nprints;
};

struct mention {
    const struct model_info *model;
    int line;
};

struct param_seen {
    const char *name; /* the rule's spelling */
    double value;
    int has_value;
    int line, col;
};

struct ctx {
    const struct scan_opts *o;
    struct scan_result *res;
    struct allow allow;
    char families[SCAN_FAMILIES_MAX][16];
    size_t family_len[SCAN_FAMILIES_MAX];
    int nfamilies;
    unsigned char family_first[256]; /* first letters of the families */
    unsigned char first[256];        /* first bytes of a token that can be a finding */
    const char *param_names[64];     /* every parameter name the rules list */
    size_t param_len[64];
    int nparams_known;
    size_t root_len; /* the PATH being scanned, as a prefix of each file's path */
    /* Per file. */
    const char *path;
    const char *commit;
    const char *buf;
    size_t len;
    size_t lc_pos; /* line counting: position, line and line start so far */
    int lc_line;
    size_t lc_start;
    struct mention *mentions;
    size_t nmentions, capmentions;
    struct param_seen *params;
    size_t nparams, capparams;
    size_t *key_at; /* positions already reported (an .env value) */
    size_t nkey_at, capkey_at;
    int prose;    /* documentation: keys only, no model or parameter findings */
    int retry_on; /* the file may hold retry code: its words are indexed */
    struct scan_retry_words *retry_words; /* owned, for the whole run */
    struct scan_retry_index *retry_index; /* owned, refilled per file */
    const unsigned long long *retry_lens; /* scan_retry_lengths(retry_words) */
};

static unsigned char tok_class[256];

static void init_classes(void)
{
    for (int c = 0; c < 256; c++)
        tok_class[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-' || c == '.';
}

/* --- running git -------------------------------------------------------- */

/* Run git with argv in dir and collect its stdout; returns 0 when git ran
 * and exited 0, else -1 (quietly: the caller decides what that means). */
static int run_git(const char *dir, const char *const *args, struct sbuf *out)
{
    const char *argv[16];
    int pipefd[2], status = 0, ret = -1, n = 0;
    posix_spawn_file_actions_t fa;
    pid_t pid;
    char **env;

    argv[n++] = "git";
    argv[n++] = "-C";
    argv[n++] = dir;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (pipe(pipefd) < 0)
        return -1;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
    posix_spawn_file_actions_addclose(&fa, pipefd[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    /* git needs no key: the child gets the environment without them. */
    env = keysrc_child_env();
    if (posix_spawnp(&pid, "git", &fa, NULL, (char *const *)argv, env) != 0) {
        free(env);
        posix_spawn_file_actions_destroy(&fa);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    free(env);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    for (;;) {
        ssize_t got;
        sbuf_grow(out, 65536);
        got = read(pipefd[0], out->buf + out->len, 65536);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        out->len += (size_t)got;
        out->buf[out->len] = '\0';
        if (out->len > SCAN_GIT_MAX)
            break;
    }
    close(pipefd[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (out->len <= SCAN_GIT_MAX && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        ret = 0;
    return ret;
}

/* --- the allowlist ------------------------------------------------------ */

static void allow_release(struct allow *a)
{
    for (size_t i = 0; i < a->nglobs; i++)
        free(a->globs[i]);
    for (size_t i = 0; i < a->nprints; i++)
        free(a->prints[i]);
    free(a->globs);
    free(a->prints);
    memset(a, 0, sizeof(*a));
}

/* Read an allowlist: '#' comments, "path GLOB" and "key FINGERPRINT" lines.
 * A missing default file is no allowlist; a missing named one is an error. */
static int allow_load(struct allow *a, const char *path, int must_exist)
{
    char *text = NULL, *line, *save = NULL;
    size_t len = 0;
    int lineno = 0, ret = -1;
    struct stat st;

    if (!must_exist && stat(path, &st) < 0)
        return 0;
    if (read_all(path, 1u << 20, &text, &len) < 0)
        return -1;
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *p = line, *v;
        size_t n;
        lineno++;
        while (*p == ' ' || *p == '\t')
            p++;
        n = strcspn(p, "\r");
        p[n] = '\0';
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            p[--n] = '\0';
        if (!*p || *p == '#')
            continue;
        v = p + strcspn(p, " \t");
        if (*v)
            *v++ = '\0';
        while (*v == ' ' || *v == '\t')
            v++;
        if (strcmp(p, "path") == 0 && *v) {
            a->globs = xrealloc(a->globs, (a->nglobs + 1) * sizeof(*a->globs));
            a->globs[a->nglobs++] = xstrdup(v);
        } else if (strcmp(p, "key") == 0 && strlen(v) >= 12 && strlen(v) <= 64 &&
                   strspn(v, "0123456789abcdef") == strlen(v)) {
            a->prints = xrealloc(a->prints, (a->nprints + 1) * sizeof(*a->prints));
            a->prints[a->nprints++] = xstrdup(v);
        } else {
            error("allowlist '%s' line %d: expected 'path GLOB' or 'key FINGERPRINT' "
                  "(12 to 64 lowercase hex digits of the key's sha256)",
                  path, lineno);
            goto out;
        }
    }
    ret = 0;
out:
    free(text);
    return ret;
}

/* Globs name paths relative to the scanned PATH. */
static int allowed_path(const struct ctx *c, const struct allow *a, const char *path)
{
    if (strlen(path) >= c->root_len)
        path += c->root_len;
    for (size_t i = 0; i < a->nglobs; i++)
        if (fnmatch(a->globs[i], path, 0) == 0)
            return 1;
    return 0;
}

static int allowed_print(const struct allow *a, const char *print)
{
    for (size_t i = 0; i < a->nprints; i++)
        if (strncmp(print, a->prints[i], strlen(a->prints[i])) == 0)
            return 1;
    return 0;
}

/* --- findings ----------------------------------------------------------- */

/* Line and column (1-based, in bytes) of position pos, counting on from the
 * last position asked for: findings come in order. */
static void line_col(struct ctx *c, size_t pos, int *line, int *col)
{
    if (pos < c->lc_pos) {
        c->lc_pos = 0;
        c->lc_line = 1;
        c->lc_start = 0;
    }
    while (c->lc_pos < pos) {
        const char *nl = memchr(c->buf + c->lc_pos, '\n', pos - c->lc_pos);
        if (!nl)
            break;
        c->lc_line++;
        c->lc_pos = (size_t)(nl - c->buf) + 1;
        c->lc_start = c->lc_pos;
    }
    c->lc_pos = pos;
    *line = c->lc_line;
    *col = (int)(pos - c->lc_start) + 1;
}

/* Fill {successor} and {shutdown_phrase} in a model rule's text; the text
 * between placeholders is copied a span at a time. */
static char *fill(const char *text, const struct model_info *m)
{
    struct sbuf sb;
    sbuf_init(&sb);
    for (const char *p = text; *p;) {
        const char *brace = strchr(p, '{');
        if (!brace) {
            sbuf_adds(&sb, p);
            break;
        }
        sbuf_add(&sb, p, (size_t)(brace - p));
        p = brace;
        if (strncmp(p, "{successor}", 11) == 0) {
            const char *s = m && m->successor ? m->successor : m ? m->replacement : NULL;
            sbuf_adds(&sb, s ? s : "a current model (gemini-doctor rules list)");
            p += 11;
        } else if (strncmp(p, "{shutdown_phrase}", 17) == 0) {
            if (m && m->shutdown)
                sbuf_addf(&sb, " and shuts down on %s", m->shutdown);
            p += 17;
        } else {
            sbuf_addc(&sb, *p++);
        }
    }
    return sbuf_detach(&sb);
}

static void add_finding(struct ctx *c, const struct scan_rule *r, size_t pos, const char *what,
                        const char *print_of, size_t print_len, const struct model_info *m,
                        int line, int col)
{
    struct scan_result *res = c->res;
    struct scan_finding *f;
    struct sbuf id;

    if (line == 0)
        line_col(c, pos, &line, &col);
    if (res->n == res->cap) {
        res->cap = res->cap ? res->cap * 2 : 16;
        res->f = xrealloc(res->f, res->cap * sizeof(*res->f));
    }
    f = &res->f[res->n];
    memset(f, 0, sizeof(*f));
    f->rule = r;
    f->path = xstrdup(c->path);
    f->commit = c->commit ? xstrdup(c->commit) : NULL;
    f->line = line;
    f->col = col;
    f->what = xstrdup(what);
    f->message = fill(r->title, m);
    f->fix = fill(r->fix, m);
    /* A key's fingerprint is its own digest, so the allowlist can name it
     * anywhere; other findings are named by rule, path and what matched. */
    if (print_of) {
        sha256_hex(print_of, print_len, f->fingerprint);
        if (allowed_print(&c->allow, f->fingerprint)) {
            free(f->path);
            free(f->commit);
            free(f->what);
            free(f->message);
            free(f->fix);
            res->allowed++;
            return;
        }
        if (c->o->vault)
            scan_vault_add(c->o->vault, print_of, print_len, f->fingerprint);
    } else {
        sbuf_init(&id);
        sbuf_addf(&id, "%s\n%s\n%s", r->id, c->path, what);
        sha256_hex(id.buf, id.len, f->fingerprint);
        sbuf_release(&id);
    }
    res->n++;
}

/* --- what a token is ---------------------------------------------------- */

static char *mask_copy(const char *t, size_t n)
{
    char *k = xstrndup(t, n), *m = key_mask(k);
    free(k);
    return m;
}

static int is_placeholder(const char *k, size_t n)
{
    int distinct = 0, seen[256] = {0}, run = 1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)k[i];
        if (!seen[ch]++)
            distinct++;
        run = i > 0 && k[i] == k[i - 1] ? run + 1 : 1;
        if (run >= 5)
            return 1;
    }
    return distinct < 8 || memmem(k, n, "XXXX", 4) || memmem(k, n, "xxxx", 4) ||
           memmem(k, n, "YOUR", 4) || memmem(k, n, "your", 4) || memmem(k, n, "EXAMPLE", 7) ||
           memmem(k, n, "example", 7);
}

static int reported_at(const struct ctx *c, size_t pos)
{
    for (size_t i = 0; i < c->nkey_at; i++)
        if (c->key_at[i] == pos)
            return 1;
    return 0;
}

static void try_key(struct ctx *c, size_t s, size_t n)
{
    const char *t = c->buf + s;
    size_t st, kl;
    enum key_kind kind;

    if (n < 20 || !((t[0] == 'A' && (t[1] == 'I' || t[1] == 'Q')) || (t[0] == 'y' && t[1] == 'a')))
        return;
    kind = key_find(t, n, &st, &kl);
    const struct scan_rule *rule = NULL;
    int in_url;
    char *masked;

    if (kind == KEY_NONE || st != 0 || kl != n || is_placeholder(t, n) || reported_at(c, s))
        return;
    in_url = s >= 4 && gd_strncasecmp(c->buf + s - 4, "key=", 4) == 0;
    for (int i = 0; i < scan_rules_count(c->o->sr); i++) {
        const struct scan_rule *r = scan_rules_get(c->o->sr, i);
        if ((in_url && r->kind == SCAN_KEY_PARAM) ||
            (!in_url && r->kind == SCAN_KEY && r->key_kind == kind)) {
            rule = r;
            break;
        }
    }
    if (!rule)
        return;
    masked = mask_copy(t, n);
    add_finding(c, rule, s, masked, t, n, NULL, 0, 0);
    free(masked);
}

/* Is t[0..fl) a family (fl is where the token's first '-' is)? */
static int is_family(const struct ctx *c, const char *t, size_t fl)
{
    for (int i = 0; i < c->nfamilies; i++)
        if (c->family_len[i] == fl && memcmp(t, c->families[i], fl) == 0)
            return 1;
    return 0;
}

static int has_word(const char *const *words, const char *w)
{
    for (int i = 0; words && words[i]; i++)
        if (strcmp(words[i], w) == 0)
            return 1;
    return 0;
}

/* Documentation is read for keys only: a model id or a parameter in prose
 * is a mention, not a call (docs/scan.md). */
static const char *const prose_ext[] = {".md", ".markdown", ".rst", ".txt", ".adoc", ".asciidoc"};

static int is_prose(const char *path)
{
    const char *base = strrchr(path, '/'), *dot;
    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    if (!dot || dot == base)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(prose_ext); i++)
        if (gd_strcasecmp(dot, prose_ext[i]) == 0)
            return 1;
    return 0;
}

/* Whether position s sits in a comment, judged on its own line only: after
 * '#' + blank or '//' that start the line or follow a blank, or on a line
 * that opens or continues a block comment ('/' + '*', or a leading '*' +
 * blank). '#include', '#!' and 'https://' are not comments. Strings that
 * hold such a marker are misjudged; that errs towards fewer findings. */
static int in_comment(const struct ctx *c, size_t s)
{
    const char *b = c->buf;
    size_t ls = s, q;

    while (ls > 0 && b[ls - 1] != '\n')
        ls--;
    q = ls;
    while (q < s && (b[q] == ' ' || b[q] == '\t'))
        q++;
    if (q + 1 < c->len && ((b[q] == '/' && b[q + 1] == '*') ||
                           (b[q] == '*' && (b[q + 1] == ' ' || b[q + 1] == '\t'))))
        return 1;
    for (q = ls; q < s; q++) {
        if (q > ls && b[q - 1] != ' ' && b[q - 1] != '\t')
            continue;
        if (b[q] == '#' && (b[q + 1] == ' ' || b[q + 1] == '\t' || b[q + 1] == '#'))
            return 1;
        if (b[q] == '/' && b[q + 1] == '/')
            return 1;
    }
    return 0;
}

static void try_model(struct ctx *c, size_t s, size_t n)
{
    char name[128];
    const struct model_info *m;
    const char *dash;

    if (!c->family_first[(unsigned char)c->buf[s]] || n < 6)
        return;
    dash = memchr(c->buf + s, '-', n);
    if (!dash)
        return;
    while (n > 0 && (c->buf[s + n - 1] == '.' || c->buf[s + n - 1] == '-'))
        n--;
    if (n < 6 || n >= sizeof(name) || (size_t)(dash - (c->buf + s)) >= n ||
        !is_family(c, c->buf + s, (size_t)(dash - (c->buf + s))))
        return;
    memcpy(name, c->buf + s, n);
    name[n] = '\0';
    m = rules_model(c->o->rt, name);
    if (!m || in_comment(c, s))
        return;
    if (c->nmentions == c->capmentions) {
        c->capmentions = c->capmentions ? c->capmentions * 2 : 16;
        c->mentions = xrealloc(c->mentions, c->capmentions * sizeof(*c->mentions));
    }
    int col;
    c->mentions[c->nmentions].model = m;
    line_col(c, s, &c->mentions[c->nmentions].line, &col);
    c->nmentions++;
    for (int i = 0; i < scan_rules_count(c->o->sr); i++) {
        const struct scan_rule *r = scan_rules_get(c->o->sr, i);
        if (r->kind == SCAN_MODEL && m->status && has_word(r->words, m->status)) {
            add_finding(c, r, s, name, NULL, 0, m, 0, 0);
            break;
        }
    }
}

/* A parameter name, then what usually separates it from its value in code
 * (quotes, spaces, ':' or '='), then maybe a number. */
static void try_param(struct ctx *c, size_t s, size_t n)
{
    const char *name = NULL;
    size_t p = s + n;
    struct param_seen *ps;

    for (int i = 0; i < c->nparams_known; i++)
        if (c->param_len[i] == n && memcmp(c->param_names[i], c->buf + s, n) == 0) {
            name = c->param_names[i];
            break;
        }
    if (!name || in_comment(c, s))
        return;
    /* Only a name set to something: "temperature: 0.2", temperature=0.2,
     * "thinkingLevel": "HIGH"; never a word in prose or a comment. */
    {
        int set = 0;
        while (p < c->len && p < s + n + 8 && strchr("\"' \t:=>", c->buf[p])) {
            set |= c->buf[p] == ':' || c->buf[p] == '=';
            p++;
        }
        if (!set)
            return;
    }
    if (c->nparams == c->capparams) {
        c->capparams = c->capparams ? c->capparams * 2 : 16;
        c->params = xrealloc(c->params, c->capparams * sizeof(*c->params));
    }
    ps = &c->params[c->nparams++];
    memset(ps, 0, sizeof(*ps));
    ps->name = name;
    if (p < c->len && ((c->buf[p] >= '0' && c->buf[p] <= '9') || c->buf[p] == '.')) {
        char num[32];
        size_t k = 0;
        while (p + k < c->len && k < sizeof(num) - 1 &&
               ((c->buf[p + k] >= '0' && c->buf[p + k] <= '9') || c->buf[p + k] == '.'))
            k++;
        memcpy(num, c->buf + p, k);
        num[k] = '\0';
        ps->value = strtod(num, NULL);
        ps->has_value = 1;
    }
    line_col(c, s, &ps->line, &ps->col);
}

/* Each parameter seen belongs to the nearest model id within
 * SCAN_PARAM_LINES lines (the earlier one on a tie); a rule fires when that
 * model matches its globs. */
static void judge_params(struct ctx *c)
{
    for (size_t i = 0; i < c->nparams; i++) {
        const struct param_seen *ps = &c->params[i];
        const struct model_info *best = NULL;
        int dist = SCAN_PARAM_LINES + 1;
        for (size_t j = 0; j < c->nmentions; j++) {
            int d = abs(c->mentions[j].line - ps->line);
            if (d < dist) {
                dist = d;
                best = c->mentions[j].model;
            }
        }
        if (!best)
            continue;
        for (int k = 0; k < scan_rules_count(c->o->sr); k++) {
            const struct scan_rule *r = scan_rules_get(c->o->sr, k);
            int match = 0;
            char what[192];
            if (r->kind != SCAN_PARAM || !has_word(r->words, ps->name))
                continue;
            if (r->has_below && (!ps->has_value || !(ps->value < r->below)))
                continue;
            for (int g = 0; r->models[g] && !match; g++)
                match = fnmatch(r->models[g], best->name, 0) == 0;
            if (!match)
                continue;
            if (ps->has_value)
                snprintf(what, sizeof(what), "%s=%g with %s", ps->name, ps->value, best->name);
            else
                snprintf(what, sizeof(what), "%s with %s", ps->name, best->name);
            add_finding(c, r, 0, what, NULL, 0, best, ps->line, ps->col);
        }
    }
}

/* --- .env files --------------------------------------------------------- */

static int is_env_file(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(base, ".env") == 0)
        return 1;
    if (strncmp(base, ".env.", 5) != 0)
        return 0;
    return strcmp(base + 5, "example") != 0 && strcmp(base + 5, "sample") != 0 &&
           strcmp(base + 5, "template") != 0 && strcmp(base + 5, "dist") != 0;
}

static void scan_env(struct ctx *c)
{
    const struct scan_rule *rule = NULL;
    size_t pos = 0;

    for (int i = 0; !rule && i < scan_rules_count(c->o->sr); i++)
        if (scan_rules_get(c->o->sr, i)->kind == SCAN_ENV_FILE)
            rule = scan_rules_get(c->o->sr, i);
    if (!rule)
        return;
    while (pos < c->len) {
        const char *line = c->buf + pos, *eol = memchr(line, '\n', c->len - pos);
        size_t n = eol ? (size_t)(eol - line) : c->len - pos, k = 0, name, v, vl;
        if (n > 7 && memcmp(line, "export ", 7) == 0)
            k = 7;
        name = k;
        while (k < n && line[k] != '=' && line[k] != ' ')
            k++;
        if (k < n && line[k] == '=') {
            char nm[64];
            size_t nl = k - name;
            v = k + 1;
            if (v < n && (line[v] == '"' || line[v] == '\''))
                v++;
            vl = 0;
            while (v + vl < n && tok_class[(unsigned char)line[v + vl]])
                vl++;
            if (nl > 0 && nl < sizeof(nm) && vl >= 8 && !is_placeholder(line + v, vl)) {
                memcpy(nm, line + name, nl);
                nm[nl] = '\0';
                if (has_word(rule->words, nm)) {
                    char *masked = mask_copy(line + v, vl);
                    size_t at = pos + v;
                    add_finding(c, rule, at, masked, line + v, vl, NULL, 0, 0);
                    free(masked);
                    if (c->nkey_at == c->capkey_at) {
                        c->capkey_at = c->capkey_at ? c->capkey_at * 2 : 8;
                        c->key_at = xrealloc(c->key_at, c->capkey_at * sizeof(*c->key_at));
                    }
                    c->key_at[c->nkey_at++] = at;
                }
            }
        }
        pos += n + 1;
    }
}

/* --- one buffer --------------------------------------------------------- */

/* What one token is: a key, a model id or a parameter name, by its first
 * byte (tokens under 4 bytes are none of them). */
static void take_token(struct ctx *c, size_t s, size_t n)
{
    const unsigned char *u = (const unsigned char *)c->buf;

    if (n < 4 || (c->prose && u[s] != 'A' && u[s] != 'y'))
        return;
    switch (u[s]) {
    case 'A':
    case 'y':
        try_key(c, s, n);
        break;
    case 'e':
        if (n > 30 && u[s + 1] == 'y' && u[s + 2] == 'J')
            break; /* a JWT: no Gemini rule */
        try_model(c, s, n);
        break;
    case 't':
        if (n <= 15)
            try_param(c, s, n);
        try_model(c, s, n);
        break;
    default:
        if (u[s] >= 'a' && u[s] <= 'z')
            try_model(c, s, n);
        break;
    }
}

/* Which of the 64 bytes at p are key characters, as bit k for byte k, and
 * in *dotdash which are '.' or '-' (the key characters that are not word
 * characters). With SSE2 (every x86-64) 16 bytes a compare; elsewhere a
 * byte at a time through tok_class. */
static uint64_t key_char_mask(const unsigned char *p, uint64_t *dotdash)
{
    uint64_t m = 0, dd = 0;
#ifdef __SSE2__
    const __m128i a1 = _mm_set1_epi8('a' - 1), z1 = _mm_set1_epi8('z' + 1);
    const __m128i d1 = _mm_set1_epi8('0' - 1), n1 = _mm_set1_epi8('9' + 1);
    const __m128i dot = _mm_set1_epi8('.'), us = _mm_set1_epi8('_'), dash = _mm_set1_epi8('-');
    const __m128i low = _mm_set1_epi8(0x20);
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * k));
        __m128i l = _mm_or_si128(v, low); /* 'A'-'Z' to 'a'-'z'; bytes >= 0x80 stay negative */
        __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(l, a1), _mm_cmpgt_epi8(z1, l));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, d1), _mm_cmpgt_epi8(n1, v));
        __m128i dots = _mm_or_si128(_mm_cmpeq_epi8(v, dot), _mm_cmpeq_epi8(v, dash));
        __m128i punct = _mm_or_si128(dots, _mm_cmpeq_epi8(v, us));
        __m128i any = _mm_or_si128(_mm_or_si128(alpha, digit), punct);
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(any) << (16 * k);
        dd |= (uint64_t)(uint16_t)_mm_movemask_epi8(dots) << (16 * k);
    }
#else
    for (int k = 0; k < 64; k++) {
        m |= (uint64_t)tok_class[p[k]] << k;
        dd |= (uint64_t)(p[k] == '.' || p[k] == '-') << k;
    }
#endif
    *dotdash = dd;
    return m;
}

/* A run of set bits carried from one 64-byte block to the next: where a
 * run still open began (SIZE_MAX: none), and whether the block before
 * ended inside a run. */
struct runs {
    size_t open;
    uint64_t prev;
};

/* The runs of mask m (bit k: byte base + k, p the block's bytes): each run
 * whose first byte passes first[] goes to take(c, start, length), once it
 * has ended. Runs start and end where the class changes, so the loop
 * visits starts and skips the bytes between them. */
static inline void take_runs(struct ctx *c, struct runs *st, uint64_t m, const unsigned char *p,
                             size_t base, const unsigned char *first,
                             void (*take)(struct ctx *, size_t, size_t))
{
    uint64_t starts = m & ~((m << 1) | st->prev), ends = ~m & ((m << 1) | st->prev);

    st->prev = m >> 63;
    if (st->open != SIZE_MAX) {
        if (!ends)
            return; /* the run goes on through the whole block */
        take(c, st->open, base + (size_t)__builtin_ctzll(ends) - st->open);
        st->open = SIZE_MAX;
    }
    while (starts) {
        int k = __builtin_ctzll(starts);
        uint64_t after;
        starts &= starts - 1;
        if (!first[p[k]])
            continue;
        after = ends & (~(uint64_t)0 << k);
        if (!after) {
            st->open = base + (size_t)k;
            return;
        }
        take(c, base + (size_t)k, (size_t)(__builtin_ctzll(after) - k));
    }
}

/* A word ([A-Za-z0-9_]) for the retry rules' index, when its first byte
 * and length fit a word that counts. */
static void take_word(struct ctx *c, size_t s, size_t n)
{
    if (n < 64 && ((c->retry_lens[(unsigned char)c->buf[s]] >> n) & 1))
        scan_retry_index_add(c->retry_words, c->retry_index, c->buf, s, n);
}

/* One pass over the buffer: its tokens of key characters whose first byte
 * can start a finding (c->first) go to take_token and, when the file may
 * hold retry code, its words to the retry index. */
static void tokenize(struct ctx *c)
{
    const unsigned char *u = (const unsigned char *)c->buf;
    const unsigned char *wfirst = scan_retry_first(c->retry_words);
    size_t len = c->len;
    struct runs tok = {SIZE_MAX, 0}, word = {SIZE_MAX, 0};

    for (size_t base = 0; base < len; base += 64) {
        unsigned char tail[64];
        const unsigned char *p = u + base;
        uint64_t m, dd;
        if (len - base < 64) {
            memset(tail, 0, sizeof(tail));
            memcpy(tail, p, len - base);
            p = tail;
        }
        m = key_char_mask(p, &dd);
        take_runs(c, &tok, m, p, base, c->first, take_token);
        if (c->retry_on)
            take_runs(c, &word, m & ~dd, p, base, wfirst, take_word);
    }
    if (tok.open != SIZE_MAX)
        take_token(c, tok.open, len - tok.open);
    if (word.open != SIZE_MAX)
        take_word(c, word.open, len - word.open);
}

/* A retry rule's match (scan_retry.h): a finding unless it is in a comment. */
static void retry_hit(void *arg, const struct scan_rule *r, size_t pos, const char *what)
{
    struct ctx *c = arg;
    if (!in_comment(c, pos))
        add_finding(c, r, pos, what, NULL, 0, NULL, 0, 0);
}

static void scan_buffer(struct ctx *c, const char *path, const char *commit, const char *buf,
                        size_t len)
{
    c->path = path;
    c->commit = commit;
    c->buf = buf;
    c->len = len;
    c->lc_pos = 0;
    c->lc_line = 1;
    c->lc_start = 0;
    c->nmentions = 0;
    c->nparams = 0;
    c->nkey_at = 0;
    c->prose = is_prose(path);
    c->res->files++;
    c->res->bytes += len;
    if (is_env_file(path))
        scan_env(c);
    c->retry_on = !c->prose;
    scan_retry_index_clear(c->retry_index);
    tokenize(c);
    judge_params(c);
    if (c->retry_on)
        scan_retry(c->o->sr, c->retry_index, buf, len, retry_hit, c);
}

static int is_binary(const char *buf, size_t len)
{
    return memchr(buf, '\0', len < 8192 ? len : 8192) != NULL;
}

static void scan_file(struct ctx *c, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    struct stat st;

    if (allowed_path(c, &c->allow, path)) {
        c->res->allowed++;
        return;
    }
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)SCAN_FILE_MAX) {
        c->res->skipped++;
        return;
    }
    if (read_all(path, SCAN_FILE_MAX, &buf, &len) < 0) {
        c->res->skipped++;
        return;
    }
    if (is_binary(buf, len))
        c->res->skipped++;
    else
        scan_buffer(c, path, NULL, buf, len);
    free(buf);
}

/* --- listing ------------------------------------------------------------ */

static char *join(const char *dir, const char *name)
{
    struct sbuf sb;
    sbuf_init(&sb);
    if (strcmp(dir, ".") != 0) {
        sbuf_adds(&sb, dir);
        if (sb.len && sb.buf[sb.len - 1] != '/')
            sbuf_addc(&sb, '/');
    }
    sbuf_adds(&sb, name);
    return sbuf_detach(&sb);
}

static void walk(struct ctx *c, const char *dir, int depth)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d || depth > 64) {
        if (d)
            closedir(d);
        c->res->skipped++;
        return;
    }
    while ((e = readdir(d))) {
        char *p;
        struct stat st;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, ".git") == 0 || strcmp(e->d_name, ".hg") == 0 ||
            strcmp(e->d_name, ".svn") == 0)
            continue;
        p = join(dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            walk(c, p, depth + 1);
        else if (S_ISREG(st.st_mode))
            scan_file(c, p);
        free(p);
    }
    closedir(d);
}

/* The blobs of the history that are not the ones checked out, each once,
 * named by the path they were first listed under. */
static void scan_history(struct ctx *c, const char *dir)
{
    static const char *const objs[] = {"rev-list", "--all", "--objects", NULL};
    static const char *const staged[] = {"ls-files", "-s", NULL};
    static const char *const batch[] = {"cat-file", "--batch-all-objects", "--batch", NULL};
    struct sbuf list, now, all;
    const char *p, *end;

    sbuf_init(&list);
    sbuf_init(&now);
    sbuf_init(&all);
    if (run_git(dir, objs, &list) < 0 || run_git(dir, staged, &now) < 0 ||
        run_git(dir, batch, &all) < 0) {
        warning("scan: cannot read the git history of '%s'", dir);
        goto out;
    }
    p = all.buf;
    end = all.buf + all.len;
    while (p && p < end) {
        char sha[64], type[16], *path = NULL;
        unsigned long size;
        const char *nl = memchr(p, '\n', (size_t)(end - p)), *hit;
        if (!nl || sscanf(p, "%63s %15s %lu", sha, type, &size) != 3)
            break;
        p = nl + 1;
        if ((size_t)(end - p) < size)
            break;
        hit = strcmp(type, "blob") == 0 ? strstr(list.buf, sha) : NULL;
        if (hit && !strstr(now.buf ? now.buf : "", sha) && hit[strlen(sha)] == ' ' &&
            !is_binary(p, size)) {
            const char *pe = strchr(hit, '\n');
            size_t pl = pe ? (size_t)(pe - hit) - strlen(sha) - 1 : strlen(hit + strlen(sha) + 1);
            char *rel = xstrndup(hit + strlen(sha) + 1, pl);
            path = join(dir, rel);
            free(rel);
            if (!allowed_path(c, &c->allow, path))
                scan_buffer(c, path, sha, p, size);
            free(path);
        }
        p += size + 1;
    }
out:
    sbuf_release(&list);
    sbuf_release(&now);
    sbuf_release(&all);
}

static int scan_path(struct ctx *c, const char *path)
{
    static const char *const inside[] = {"rev-parse", "--is-inside-work-tree", NULL};
    static const char *const files[] = {"ls-files",           "-z", "--cached", "--others",
                                        "--exclude-standard", NULL};
    struct stat st;
    struct sbuf out;

    if (stat(path, &st) < 0)
        return error("cannot read '%s': %s", path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) {
        scan_file(c, path);
        return 0;
    }
    sbuf_init(&out);
    if (run_git(path, inside, &out) == 0 && strncmp(out.buf, "true", 4) == 0) {
        out.len = 0;
        if (run_git(path, files, &out) < 0) {
            sbuf_release(&out);
            return error("git ls-files failed in '%s'", path);
        }
        for (size_t i = 0; i < out.len;) {
            char *p = join(path, out.buf + i);
            scan_file(c, p);
            free(p);
            i += strlen(out.buf + i) + 1;
        }
        if (c->o->history)
            scan_history(c, path);
    } else {
        walk(c, path, 0);
    }
    sbuf_release(&out);
    return 0;
}

/* How much of a file's path names the scanned directory ("dir/"). */
static size_t root_prefix(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    if (strcmp(path, ".") == 0 || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return 0;
    return n && path[n - 1] == '/' ? n : n + 1;
}

int scan_run(char **paths, int npaths, const struct scan_opts *o, struct scan_result *res)
{
    static char *here[] = {"."};
    struct ctx c;
    int ret = 0;

    init_classes();
    memset(res, 0, sizeof(*res));
    memset(&c, 0, sizeof(c));
    c.o = o;
    c.res = res;
    for (int i = 0; i < rules_model_count(o->rt) && c.nfamilies < SCAN_FAMILIES_MAX; i++) {
        const char *name = rules_model_get(o->rt, i)->name;
        size_t fl = strcspn(name, "-");
        int known = 0;
        if (fl == 0 || fl >= sizeof(c.families[0]) || !name[fl])
            continue;
        for (int j = 0; j < c.nfamilies; j++)
            known |= strlen(c.families[j]) == fl && strncmp(c.families[j], name, fl) == 0;
        if (!known) {
            memcpy(c.families[c.nfamilies], name, fl);
            c.families[c.nfamilies][fl] = '\0';
            c.family_len[c.nfamilies++] = fl;
            c.family_first[(unsigned char)name[0]] = 1;
        }
    }
    /* What take_token looks at: keys (A, y), parameters (t), models. */
    memcpy(c.first, c.family_first, sizeof(c.first));
    c.first['A'] = c.first['y'] = c.first['t'] = c.first['e'] = 1;
    for (int i = 0; i < scan_rules_count(o->sr); i++) {
        const struct scan_rule *r = scan_rules_get(o->sr, i);
        for (int j = 0; r->kind == SCAN_PARAM && r->words[j]; j++) {
            int known = 0;
            for (int k = 0; k < c.nparams_known; k++)
                known |= strcmp(c.param_names[k], r->words[j]) == 0;
            if (!known && c.nparams_known < (int)ARRAY_SIZE(c.param_names)) {
                c.param_names[c.nparams_known] = r->words[j];
                c.param_len[c.nparams_known++] = strlen(r->words[j]);
            }
        }
    }
    if (npaths == 0) {
        paths = here;
        npaths = 1;
    }
    c.retry_words = scan_retry_words_new(o->sr);
    c.retry_index = scan_retry_index_new();
    c.retry_lens = scan_retry_lengths(c.retry_words);
    if (o->allowlist && allow_load(&c.allow, o->allowlist, 1) < 0) {
        ret = -1;
        goto out;
    }
    for (int i = 0; i < npaths && ret == 0; i++) {
        if (!o->allowlist) {
            char *def = join(paths[i], ALLOW_FILE);
            allow_release(&c.allow);
            ret = allow_load(&c.allow, def, 0);
            free(def);
            if (ret < 0)
                break;
        }
        c.root_len = root_prefix(paths[i]);
        ret = scan_path(&c, paths[i]);
    }
out:
    scan_retry_words_free(c.retry_words);
    scan_retry_index_free(c.retry_index);
    allow_release(&c.allow);
    free(c.mentions);
    free(c.params);
    free(c.key_at);
    return ret;
}

void scan_result_release(struct scan_result *res)
{
    for (size_t i = 0; i < res->n; i++) {
        free(res->f[i].path);
        free(res->f[i].commit);
        free(res->f[i].what);
        free(res->f[i].message);
        free(res->f[i].fix);
        free(res->f[i].verify_cause);
        free(res->f[i].verify_detail);
    }
    free(res->f);
    memset(res, 0, sizeof(*res));
}
