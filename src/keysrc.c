/*
 * keysrc: where the API key comes from and how it was stored. See keysrc.h
 * and docs/check.md ("Finding the key") for the precedence and why stray
 * characters are stripped rather than fatal.
 */
#include "keysrc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "keymask.h"
#include "options.h"
#include "util.h"

extern char **environ;

/* A key file larger than this is not a key file. */
#define KEY_FILE_MAX ((size_t)64 << 10)

void keysrc_wipe_free(char *s)
{
    if (!s)
        return;
    volatile char *p = s;
    while (*p)
        *p++ = '\0';
    free(s);
}

char **keysrc_child_env(void)
{
    size_t n = 0, k = 0;
    char **env;

    while (environ && environ[n])
        n++;
    env = xcalloc(n + 1, sizeof(*env));
    for (size_t i = 0; i < n; i++) {
        const char *e = environ[i], *eq = strchr(e, '=');
        size_t st, kl;
        if (strncmp(e, "GOOGLE_API_KEY=", 15) == 0 || strncmp(e, "GEMINI_API_KEY=", 15) == 0)
            continue;
        if (eq && key_find(eq + 1, strlen(eq + 1), &st, &kl) != KEY_NONE)
            continue;
        env[k++] = environ[i];
    }
    env[k] = NULL;
    return env;
}

enum stray {
    STRAY_SPACE = 1,
    STRAY_NEWLINE = 2,
    STRAY_CR = 4,
    STRAY_TAB = 8,
    STRAY_QUOTE = 16,
    STRAY_OTHER = 32
};

static int stray_of(unsigned char c)
{
    switch (c) {
    case ' ':
        return STRAY_SPACE;
    case '\n':
        return STRAY_NEWLINE;
    case '\r':
        return STRAY_CR;
    case '\t':
        return STRAY_TAB;
    case '"':
    case '\'':
    case '`':
        return STRAY_QUOTE;
    case '\v':
    case '\f':
        return STRAY_OTHER;
    }
    return 0;
}

/* Strip whitespace and quotes from both ends of raw[0..len), note what was
 * removed and whether the rest can be sent in an HTTP header (printable
 * ASCII without spaces). Returns the cleaned copy, or NULL when nothing is
 * left. */
static char *clean_key(const char *raw, size_t len, struct key_source *ks)
{
    size_t a = 0, b = len;
    int found = 0;
    struct sbuf sb;

    while (a < b && stray_of((unsigned char)raw[a])) {
        found |= stray_of((unsigned char)raw[a]);
        a++;
    }
    while (b > a && stray_of((unsigned char)raw[b - 1])) {
        found |= stray_of((unsigned char)raw[b - 1]);
        b--;
    }
    for (size_t i = a; i < b; i++) {
        unsigned char c = (unsigned char)raw[i];
        if (c < 0x21 || c > 0x7e)
            ks->unusable = 1;
    }
    if (!found && !ks->unusable)
        return a < b ? xstrndup(raw + a, b - a) : NULL;

    sbuf_init(&sb);
    if (found) {
        static const struct {
            int bit;
            const char *words;
        } names[] = {
            {STRAY_NEWLINE, "a newline"}, {STRAY_CR, "a carriage return"},
            {STRAY_SPACE, "spaces"},      {STRAY_TAB, "a tab"},
            {STRAY_QUOTE, "quotes"},      {STRAY_OTHER, "other whitespace"},
        };
        int n = 0;
        sbuf_adds(&sb, "the key was stored with ");
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
            if (!(found & names[i].bit))
                continue;
            sbuf_adds(&sb, n ? ", " : "");
            sbuf_adds(&sb, names[i].words);
            n++;
        }
        sbuf_adds(&sb, " around it (removed for these checks; other tools send them "
                       "as part of the key)");
    }
    if (ks->unusable) {
        sbuf_adds(&sb, found ? "; " : "");
        sbuf_adds(&sb, "the key holds a space, control character or non-ASCII character "
                       "inside it, so it cannot be sent");
    }
    ks->problem = sbuf_detach(&sb);
    return a < b ? xstrndup(raw + a, b - a) : NULL;
}

static const char *env_nonempty(const char *name)
{
    const char *s = getenv(name);
    return s && *s ? s : NULL;
}

/* Say which of two set sources won and whether they hold the same key,
 * comparing the cleaned values and showing masked forms only. */
static char *precedence_note(const char *winner, const char *wkey, const char *loser,
                             const char *lraw)
{
    struct key_source tmp;
    struct sbuf sb;
    char *lkey, *wm, *lm;

    memset(&tmp, 0, sizeof(tmp));
    lkey = clean_key(lraw, strlen(lraw), &tmp);
    free(tmp.problem);
    key_secret_add(lkey);
    sbuf_init(&sb);
    wm = key_mask(wkey ? wkey : "");
    lm = key_mask(lkey ? lkey : "");
    if (wkey && lkey && strcmp(wkey, lkey) == 0)
        sbuf_addf(&sb, "%s and %s are both set to the same key; %s is used", winner, loser, winner);
    else
        sbuf_addf(&sb,
                  "%s (%s) and %s (%s) are both set and differ; %s wins, as in Google's "
                  "SDKs",
                  winner, wm, loser, lm, winner);
    free(wm);
    free(lm);
    keysrc_wipe_free(lkey);
    return sbuf_detach(&sb);
}

/* A key file that is not a regular file (a pipe, /dev/stdin) can be read
 * once only, and keysrc_protect() reads it before the command does: its
 * bytes are kept for the run. A regular file is read each time. */
static struct {
    char *path;
    char *buf;
    size_t len;
    int rc;
} key_file;

static void key_file_wipe(void)
{
    if (key_file.buf)
        memset(key_file.buf, 0, key_file.len);
    free(key_file.buf);
    free(key_file.path);
    memset(&key_file, 0, sizeof(key_file));
}

/* A copy of the key file's bytes in *buf (owned by the caller), or the
 * status read_all() gave the first time. */
static int read_key_file(const char *path, char **buf, size_t *len)
{
    static int registered;
    struct stat st;

    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return read_all(path, KEY_FILE_MAX, buf, len);
    if (!key_file.path || strcmp(key_file.path, path) != 0) {
        key_file_wipe();
        key_file.rc = read_all(path, KEY_FILE_MAX, &key_file.buf, &key_file.len);
        key_file.path = xstrdup(path);
        if (!registered)
            atexit(key_file_wipe);
        registered = 1;
    }
    if (key_file.rc)
        return key_file.rc;
    *buf = xmalloc(key_file.len + 1);
    memcpy(*buf, key_file.buf, key_file.len + 1);
    *len = key_file.len;
    return 0;
}

static int find(const struct options *opt, const char *session_key, struct key_source *ks)
{
    const char *g = env_nonempty("GOOGLE_API_KEY");
    const char *m = env_nonempty("GEMINI_API_KEY");

    memset(ks, 0, sizeof(*ks));
    /* Every value that may be the key is a secret for the redactor, as it
     * was stored and as cleaned, before anything can print it. */
    key_secret_add(g);
    key_secret_add(m);
    key_secret_add(session_key);
    if (session_key) {
        ks->source = "session";
        ks->key = clean_key(session_key, strlen(session_key), ks);
        return 0;
    }
    if (opt && opt->key_file) {
        char *buf = NULL;
        size_t len = 0;
        ks->source = "--key-file";
        if (read_key_file(opt->key_file, &buf, &len)) {
            struct sbuf sb;
            sbuf_init(&sb);
            sbuf_addf(&sb, "cannot read the key file '%s'", opt->key_file);
            ks->file_error = sbuf_detach(&sb);
            return 0;
        }
        /* The first line is the key; its line end is not a stray character. */
        const char *nl = memchr(buf, '\n', len);
        size_t n = nl ? (size_t)(nl - buf) : len;
        ks->key = clean_key(buf, n, ks);
        if (n < len) {
            buf[n] = '\0';
            key_secret_add(buf);
        }
        key_secret_add(buf);
        memset(buf, 0, len);
        free(buf);
        if (!ks->key && !ks->file_error) {
            struct sbuf sb;
            sbuf_init(&sb);
            sbuf_addf(&sb, "the first line of the key file '%s' is empty", opt->key_file);
            ks->file_error = sbuf_detach(&sb);
        }
        if (g || m) {
            struct sbuf sb;
            sbuf_init(&sb);
            sbuf_addf(&sb, "--key-file is used; %s is set too but ignored",
                      g ? "GOOGLE_API_KEY" : "GEMINI_API_KEY");
            ks->note = sbuf_detach(&sb);
        }
        return 0;
    }
    if (g) {
        ks->source = "GOOGLE_API_KEY";
        ks->key = clean_key(g, strlen(g), ks);
        if (m)
            ks->note = precedence_note("GOOGLE_API_KEY", ks->key, "GEMINI_API_KEY", m);
        return 0;
    }
    if (m) {
        ks->source = "GEMINI_API_KEY";
        ks->key = clean_key(m, strlen(m), ks);
    }
    return 0;
}

int keysrc_find(const struct options *opt, const char *session_key, struct key_source *ks)
{
    int rc = find(opt, session_key, ks);
    key_secret_add(ks->key);
    return rc;
}

void keysrc_protect(const struct options *opt)
{
    struct key_source ks;
    keysrc_find(opt, NULL, &ks);
    keysrc_release(&ks);
}

void keysrc_release(struct key_source *ks)
{
    keysrc_wipe_free(ks->key);
    free(ks->problem);
    free(ks->note);
    free(ks->file_error);
    memset(ks, 0, sizeof(*ks));
}
