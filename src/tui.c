/*
 * tui: the interactive doctor's state, screens and main loop. Each screen
 * has X_init (enter it), X_draw (describe it to tui_draw.c) and X_key (act
 * on a key); the loop switches on the current screen, drives the probes a
 * few milliseconds at a time between keys, and reads its input from the
 * keyboard or, headless, from the script named by GEMINI_DOCTOR_TUI_SCRIPT.
 *
 * No curses call is made here. Nothing here decides a cause: checks come
 * from check.h, pasted errors go through reader_read() and diagnose().
 */
#include <ctype.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "keymask.h"
#include "options.h"
#include "reader.h"
#include "rules.h"
#include "tui.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

/* The longest key accepted in the key field, and the largest paste. */
#define KEY_INPUT_MAX 512
#define PASTE_INPUT_MAX ((size_t)1 << 20)
/* The paste box shows the end of a long paste only. */
#define PASTE_SHOW_MAX 4000
#define MODELS_MAX 300

/*
 * Every action, its help line and up to three keys: the one table the key
 * dispatch and the help overlay are both generated from.
 */
#define TUI_ACTIONS(X)                                                                             \
    X(ACT_DOWN, "move down (scroll in a long text)", 'j', TK_DOWN, 0)                              \
    X(ACT_UP, "move up (scroll back)", 'k', TK_UP, 0)                                              \
    X(ACT_PGDN, "scroll the text a page down", TK_PGDN, ' ', 0)                                    \
    X(ACT_PGUP, "scroll the text a page up", TK_PGUP, 0, 0)                                        \
    X(ACT_OPEN, "open the walkthrough of the selected check; pick", TK_ENTER, 0, 0)                \
    X(ACT_NEXT, "next step of the fix", 'n', TK_RIGHT, 0)                                          \
    X(ACT_PREV, "previous step of the fix", 'b', TK_LEFT, 0)                                       \
    X(ACT_BACK, "back", TK_ESC, TK_BACKSPACE, 0)                                                   \
    X(ACT_RERUN, "re-run the selected check", 'r', 0, 0)                                           \
    X(ACT_RERUN_ALL, "re-run all checks", 'R', 0, 0)                                               \
    X(ACT_PASTE, "paste an error to explain", 'p', 0, 0)                                           \
    X(ACT_MODEL, "pick another model from the live list", 'm', 0, 0)                               \
    X(ACT_NEWKEY, "use a new API key for this session", 'K', 0, 0)                                 \
    X(ACT_LIMITS, "rate limits and the daily reset", 'l', 0, 0)                                    \
    X(ACT_HELP, "this help", '?', 0, 0)                                                            \
    X(ACT_QUIT, "quit and print the report", 'q', 0, 0)

#define X(e, help, k1, k2, k3) e,
enum action { ACT_NONE, TUI_ACTIONS(X) ACT_COUNT };
#undef X

struct action_row {
    enum action act;
    const char *help;
    int keys[3];
};

#define X(e, help, k1, k2, k3) {e, help, {k1, k2, k3}},
static const struct action_row actions[] = {TUI_ACTIONS(X)};
#undef X

/* Key names, for the help and for script lines ("key Enter"). */
static const struct {
    int key;
    const char *name;
} key_names[] = {
    {TK_UP, "Up"},       {TK_DOWN, "Down"}, {TK_LEFT, "Left"},           {TK_RIGHT, "Right"},
    {TK_PGUP, "PgUp"},   {TK_PGDN, "PgDn"}, {TK_HOME, "Home"},           {TK_END, "End"},
    {TK_ENTER, "Enter"}, {TK_ESC, "Esc"},   {TK_BACKSPACE, "Backspace"}, {TK_TAB, "Tab"},
    {' ', "Space"},
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

size_t tui_utf8_encode(char out[4], int cp)
{
    if (cp < 0 || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000))
        cp = 0xfffd;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

int tui_utf8_decode(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i;
    int cp, need;

    if (p[0] < 0x80) {
        (*i)++;
        return p[0];
    }
    if ((p[0] & 0xe0) == 0xc0) {
        cp = p[0] & 0x1f;
        need = 1;
    } else if ((p[0] & 0xf0) == 0xe0) {
        cp = p[0] & 0x0f;
        need = 2;
    } else if ((p[0] & 0xf8) == 0xf0) {
        cp = p[0] & 0x07;
        need = 3;
    } else {
        (*i)++;
        return 0xfffd;
    }
    if ((size_t)need >= left) {
        (*i)++;
        return 0xfffd;
    }
    for (int k = 1; k <= need; k++) {
        if ((p[k] & 0xc0) != 0x80) {
            (*i)++;
            return 0xfffd;
        }
        cp = (cp << 6) | (p[k] & 0x3f);
    }
    if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) || (need == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
        (*i)++;
        return 0xfffd;
    }
    *i += (size_t)need + 1;
    return cp;
}

void tui_event_release(struct tui_event *ev)
{
    if (ev->text) {
        /* A paste or typed text may hold a key. */
        explicit_bzero(ev->text, ev->len);
        free(ev->text);
    }
    ev->text = NULL;
    ev->len = 0;
}

void tui_doc_init(struct tui_doc *d)
{
    d->p = NULL;
    d->n = 0;
    d->cap = 0;
    d->focus = -1;
}

void tui_doc_release(struct tui_doc *d)
{
    for (int i = 0; i < d->n; i++)
        free(d->p[i].text);
    free(d->p);
    tui_doc_init(d);
}

/* Add a paragraph. Every text is redacted here, so no key can reach the
 * screen whatever a server or a paste put into a message. */
static int doc_add(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int doc_add(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *fmt, ...)
{
    struct sbuf sb;
    va_list ap;
    int n;

    sbuf_init(&sb);
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        sbuf_grow(&sb, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(sb.buf, (size_t)n + 1, fmt, ap);
        va_end(ap);
        sb.len = (size_t)n;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->p = xrealloc(d->p, (size_t)d->cap * sizeof(*d->p));
    }
    d->p[d->n].style = st;
    d->p[d->n].indent = indent;
    d->p[d->n].hang = hang;
    d->p[d->n].text = key_redact(sb.buf ? sb.buf : "");
    sbuf_release(&sb);
    return d->n++;
}

static void set_msg(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_msg(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
}

static const char *key_name(int key, char *buf)
{
    for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
        if (key_names[i].key == key)
            return key_names[i].name;
    if (key > 0 && key < 0x20) {
        buf[0] = 'C';
        buf[1] = '-';
        buf[2] = (char)(key + 'a' - 1);
        buf[3] = '\0';
        return buf;
    }
    buf[tui_utf8_encode(buf, key)] = '\0';
    return buf;
}

/* The key from a script's name for it: "Enter", "j", "C-d". */
static int key_from_name(const char *name)
{
    size_t i = 0, len = strlen(name);
    int cp;

    for (size_t k = 0; k < ARRAY_SIZE(key_names); k++)
        if (strcasecmp(key_names[k].name, name) == 0)
            return key_names[k].key;
    if ((strncasecmp(name, "C-", 2) == 0 || strncasecmp(name, "Ctrl-", 5) == 0) && len >= 3) {
        char c = name[len - 1];
        if (name[len - 2] == '-' && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return TK_CTRL(c);
    }
    if (len == 0)
        return -1;
    cp = tui_utf8_decode(name, len, &i);
    return i == len ? cp : -1;
}

static enum action action_of(int key)
{
    for (size_t i = 0; i < ARRAY_SIZE(actions); i++)
        for (int k = 0; k < 3; k++)
            if (actions[i].keys[k] && actions[i].keys[k] == key)
                return actions[i].act;
    return ACT_NONE;
}

static int is_done(enum check_result r)
{
    return r == RES_PASS || r == RES_WARN || r == RES_FAIL || r == RES_SKIP;
}

static const struct check *get_check(const struct tui *t, int id)
{
    if (id < 0 || id >= CHECK_COUNT)
        return NULL;
    return check_run_get(t->run, (enum check_id)id);
}

static enum check_result result_of(const struct tui *t, int id)
{
    const struct check *c = get_check(t, id);
    return c ? c->result : RES_PENDING;
}

/* "4h 28m 20s", "37s": a wait for people. */
static void format_wait(double secs, char *buf, size_t size)
{
    long s = secs > 0 ? (long)(secs + 0.999) : 0;
    if (s >= 3600)
        snprintf(buf, size, "%ldh %02ldm %02lds", s / 3600, s % 3600 / 60, s % 60);
    else if (s >= 60)
        snprintf(buf, size, "%ldm %02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%lds", s);
}

static int page_rows(void)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    return rows > 8 ? rows - 6 : 2;
}

/* ---- the probes ---- */

static void set_busy(struct tui *t, const char *what)
{
    set_msg(t, "%s", what);
    t->msg_busy = 1;
}

/* Remember which checks should be watched for a pass after a re-run. */
static void mark_rechecks(struct tui *t)
{
    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = result_of(t, i);
        if (r == RES_WARN || r == RES_FAIL)
            t->recheck[i] = 1;
    }
}

static int start_run(struct tui *t, int only)
{
    if (t->running) {
        set_msg(t, "probes are still running; try again when they finish");
        return -1;
    }
    mark_rechecks(t);
    if (check_run_start(t->run, only) < 0) {
        set_msg(t, "could not start the probes");
        return -1;
    }
    t->running = 1;
    t->msg[0] = '\0';
    return 0;
}

/* Note each check's new result: the time it arrived (for countdowns) and,
 * when a watched check now passes, that it is fixed. */
static void observe(struct tui *t)
{
    int nfixed = 0;

    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = result_of(t, i);
        if (r == t->seen[i])
            continue;
        t->seen[i] = r;
        if (is_done(r))
            t->arrived[i] = gd_now();
        if (r != RES_PASS)
            t->fixed[i] = 0;
    }
    if (t->running)
        return;
    for (int i = 0; i < CHECK_COUNT; i++) {
        if (!t->recheck[i])
            continue;
        if (result_of(t, i) == RES_PASS) {
            t->fixed[i] = 1;
            nfixed++;
        }
        t->recheck[i] = 0;
    }
    if (t->msg_busy) {
        t->msg_busy = 0;
        if (nfixed)
            set_msg(t, "done: %d check%s fixed", nfixed, nfixed == 1 ? "" : "s");
        else
            set_msg(t, "done");
    }
}

static int poll_run(struct tui *t, int timeout_ms)
{
    int r;
    if (t->running) {
        r = check_run_step(t->run, timeout_ms);
        if (r < 0) {
            /* Reported by tui_main once the terminal is restored. */
            t->running = 0;
            t->failed = 1;
            observe(t);
            return -1;
        }
        t->running = r > 0;
        t->spin++;
    }
    observe(t);
    return 0;
}

/* ---- the dashboard ---- */

static const char *mark_of(const struct tui *t, enum check_result r)
{
    static const char *const spin_utf8[] = {
        "\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
        "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"};
    static const char *const spin_ascii[] = {"|", "/", "-", "\\"};
    switch (r) {
    case RES_PASS:
        return t->utf8 ? "\xe2\x9c\x93" : "+";
    case RES_WARN:
        return "!";
    case RES_FAIL:
        return t->utf8 ? "\xe2\x9c\x97" : "x";
    case RES_SKIP:
        return "-";
    case RES_PENDING:
        return t->utf8 ? "\xc2\xb7" : ".";
    case RES_RUNNING:
        if (t->utf8)
            return spin_utf8[t->spin % ARRAY_SIZE(spin_utf8)];
        return spin_ascii[t->spin % ARRAY_SIZE(spin_ascii)];
    }
    return "?";
}

static enum tui_style style_of(enum check_result r)
{
    switch (r) {
    case RES_PASS:
        return ST_PASS;
    case RES_WARN:
        return ST_WARN;
    case RES_FAIL:
        return ST_FAIL;
    case RES_SKIP:
    case RES_PENDING:
    case RES_RUNNING:
        return ST_DIM;
    }
    return ST_NORMAL;
}

/* Rows 0-2: who we are, the key (masked) and where it came from, the model
 * and the host; row 3 is a rule. Screens draw below HEADER_ROWS. */
#define HEADER_ROWS 4

static void draw_header(struct tui *t, const char *title)
{
    char buf[1024];
    const char *mask = check_run_key_masked(t->run);
    const char *src = check_run_key_source(t->run);
    const char *model = check_run_model(t->run);
    const char *url = check_run_base_url(t->run);
    int rows, cols;
    char *red;

    tui_term_size(&rows, &cols);
    snprintf(buf, sizeof(buf), "gemini-doctor %s", GD_VERSION);
    tui_draw_text(t, 0, 1, cols - 2, ST_TITLE, buf);
    if (title)
        tui_draw_text(t, 0, tui_text_width(t, buf) + 3, cols - tui_text_width(t, buf) - 4, ST_BOLD,
                      title);
    snprintf(buf, sizeof(buf), "key %s%s%s", mask && *mask ? mask : "(none)",
             src && *src ? " from " : "", src ? src : "");
    red = key_redact(buf);
    tui_draw_text(t, 1, 1, cols - 2, ST_NORMAL, red);
    free(red);
    snprintf(buf, sizeof(buf), "model %s  host %s", model ? model : "(none)", url ? url : "");
    red = key_redact(buf);
    tui_draw_text(t, 2, 1, cols - 2, ST_NORMAL, red);
    free(red);
    tui_draw_rule(t, 3);
}

static void draw_footer(struct tui *t, const char *hints)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    if (t->msg[0]) {
        char *red = key_redact(t->msg);
        tui_draw_text(t, rows - 1, 1, cols - 2, ST_BOLD, red);
        free(red);
    } else {
        tui_draw_text(t, rows - 1, 1, cols - 2, ST_DIM, hints);
    }
}

/* Draw a screen's text between the header and the footer, scrolled by
 * t->scroll, and release it; then the footer with these hints. */
static void draw_page(struct tui *t, struct tui_doc *d, const char *hints)
{
    int rows, cols;

    tui_term_size(&rows, &cols);
    tui_draw_doc(t, d, HEADER_ROWS, rows - HEADER_ROWS - 1, &t->scroll);
    tui_doc_release(d);
    draw_footer(t, hints);
}

static void dash_detail(struct tui *t, struct tui_doc *d)
{
    const struct check *c = get_check(t, t->sel);
    if (!c)
        return;
    doc_add(d, ST_BOLD, 0, 0, "%s (%s): %s%s", check_label(c->id), check_id_name(c->id),
            check_result_name(c->result), t->fixed[c->id] ? ", fixed" : "");
    if (c->summary)
        doc_add(d, ST_NORMAL, 0, 0, "%s", c->summary);
    if (c->diag) {
        doc_add(d, style_of(c->result), 0, 0, "%s [%s]", c->diag->title ? c->diag->title : "",
                c->diag->cause ? c->diag->cause : "unknown");
        if (c->diag->nsteps > 0)
            doc_add(d, ST_NORMAL, 0, 5, "Fix: %s", c->diag->steps[0]);
    }
    if (c->detail)
        doc_add(d, ST_DIM, 0, 0, "%s", c->detail);
    if (c->result == RES_WARN || c->result == RES_FAIL)
        doc_add(d, ST_DIM, 0, 0, "Enter: the walkthrough; r: re-run this check");
    else if (is_done(c->result))
        doc_add(d, ST_DIM, 0, 0, "Enter: details; r: re-run this check");
}

static void dash_draw(struct tui *t)
{
    int rows, cols, top = HEADER_ROWS, list_end;
    struct tui_doc d;

    tui_term_size(&rows, &cols);
    draw_header(t, NULL);
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = get_check(t, i);
        enum check_result r = c ? c->result : RES_PENDING;
        int row = top + i;
        char line[512];
        const char *summary = c && c->summary ? c->summary : "";
        if (r == RES_PENDING)
            summary = "waiting";
        else if (r == RES_RUNNING)
            summary = "running";
        /* One row per check: the summary up to its first line break. */
        snprintf(line, sizeof(line), "%-15s %s%.*s", check_label((enum check_id)i),
                 t->fixed[i] ? "fixed: " : "", (int)strcspn(summary, "\n"), summary);
        {
            char *red = key_redact(line);
            /* The pointer shows the selection without colour, and in dumps. */
            if (i == t->sel)
                tui_draw_text(t, row, 0, 1, ST_BOLD, ">");
            tui_draw_text(t, row, 1, 2, style_of(r), mark_of(t, r));
            tui_draw_text(t, row, 3, cols - 4, i == t->sel ? ST_SEL : ST_NORMAL, red);
            free(red);
        }
    }
    list_end = top + CHECK_COUNT;
    tui_draw_rule(t, list_end);
    tui_doc_init(&d);
    dash_detail(t, &d);
    tui_draw_doc(t, &d, list_end + 1, rows - 2 - list_end, &t->detail_scroll);
    tui_doc_release(&d);
    draw_footer(t, "Enter walkthrough  r re-run  R all  p paste  m model  K key  l limits"
                   "  ? help  q quit");
}

/* Open screen scr. Esc goes back to the screen open before it, unless that
 * is scr itself or a text field: a field is never a screen to return to. */
static void screen_open(struct tui *t, enum tui_screen scr)
{
    int field = t->screen == SCR_PASTE || t->screen == SCR_KEY;

    if (t->screen != scr && !field)
        t->back = t->screen;
    t->screen = scr;
    t->scroll = 0;
    t->msg[0] = '\0';
}

/* Back to the screen that opened this one, at its top. */
static void screen_back(struct tui *t)
{
    t->screen = t->back;
    t->scroll = 0;
}

/* The four scrolling actions move *scroll by a line or a page. Returns 1
 * when act was one of them, 0 when it is left to the caller. */
static int scroll_key(int *scroll, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        (*scroll)++;
        return 1;
    case ACT_UP:
        (*scroll)--;
        return 1;
    case ACT_PGDN:
        *scroll += page_rows();
        return 1;
    case ACT_PGUP:
        *scroll -= page_rows();
        return 1;
    default:
        return 0;
    }
}

static void walk_init(struct tui *t, int check);
static void model_init(struct tui *t);
static void key_init(struct tui *t);
static void paste_init(struct tui *t);
static void limits_init(struct tui *t);

static void dash_key(struct tui *t, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        if (t->sel < CHECK_COUNT - 1)
            t->sel++;
        t->detail_scroll = 0;
        break;
    case ACT_UP:
        if (t->sel > 0)
            t->sel--;
        t->detail_scroll = 0;
        break;
    case ACT_PGDN:
        t->detail_scroll += page_rows() / 2;
        break;
    case ACT_PGUP:
        t->detail_scroll -= page_rows() / 2;
        break;
    case ACT_OPEN:
        if (is_done(result_of(t, t->sel)))
            walk_init(t, t->sel);
        else
            set_msg(t, "%s has no result yet", check_label((enum check_id)t->sel));
        break;
    case ACT_RERUN:
        if (start_run(t, t->sel) == 0)
            set_busy(t, "re-running the check...");
        break;
    default:
        break;
    }
}

/* ---- the walkthrough ---- */

static const char *why_it_matters(enum check_id id)
{
    switch (id) {
    case CHECK_CONFIG_KEY:
        return "Without a usable key no request can succeed; every other check depends on it.";
    case CHECK_CONFIG_ENV:
        return "The environment decides which key, model and host your programs use; a "
               "surprise here sends requests somewhere you did not expect.";
    case CHECK_NETWORK_REACH:
        return "When the API host cannot be reached, every request fails before Google sees it.";
    case CHECK_KEY_ACCEPTED:
        return "Google answers every request made with this key the same way until the key "
               "is fixed or replaced.";
    case CHECK_MODEL_AVAILABLE:
        return "Requests that name this model fail even when the key is fine.";
    case CHECK_REQUEST_GENERATE:
        return "This is the request your programs make: when it fails here, it fails for "
               "them too.";
    case CHECK_STATUS_INCIDENTS:
        return "An active incident can cause errors that nothing on your side will fix.";
    case CHECK_COUNT:
        break;
    }
    return "";
}

static void walk_init(struct tui *t, int check)
{
    t->walk_check = check;
    t->walk_step = 0;
    t->scroll = 0;
    t->screen = SCR_WALK;
    t->msg[0] = '\0';
}

static const struct diagnosis *walk_diag(const struct tui *t, time_t *arrived)
{
    const struct check *c;
    if (t->walk_check < 0) {
        *arrived = t->paste_at;
        return t->have_paste ? &t->paste_diag : NULL;
    }
    c = get_check(t, t->walk_check);
    *arrived = t->arrived[t->walk_check];
    return c ? c->diag : NULL;
}

static void walk_evidence(struct tui_doc *d, const struct diagnosis *g)
{
    const struct evidence *ev = &g->ev;
    struct sbuf sb;

    sbuf_init(&sb);
    if (ev->http)
        sbuf_addf(&sb, "HTTP %d", ev->http);
    if (ev->status)
        sbuf_addf(&sb, "%s%s", sb.len ? " " : "", ev->status);
    if (ev->reason)
        sbuf_addf(&sb, "%sreason %s", sb.len ? ", " : "", ev->reason);
    if (ev->model)
        sbuf_addf(&sb, "%smodel %s", sb.len ? ", " : "", ev->model);
    if (ev->key_masked)
        sbuf_addf(&sb, "%skey %s", sb.len ? ", " : "", ev->key_masked);
    if (ev->net_error)
        sbuf_addf(&sb, "%snetwork: %s", sb.len ? ", " : "", ev->net_error);
    if (sb.len)
        doc_add(d, ST_NORMAL, 2, 2, "Seen: %s", sb.buf);
    sbuf_release(&sb);
    if (ev->message)
        doc_add(d, ST_NORMAL, 2, 2, "Message: \xe2\x80\x9c%s\xe2\x80\x9d", ev->message);
    if (ev->net_detail)
        doc_add(d, ST_NORMAL, 2, 2, "Detail: %s", ev->net_detail);
    for (int i = 0; i < ev->nfields; i++)
        doc_add(d, ST_NORMAL, 2, 4, "Field: %s", ev->fields[i]);
    if (g->dimension || g->tier || g->limit >= 0 || g->quota_id) {
        sbuf_init(&sb);
        if (g->dimension)
            sbuf_addf(&sb, "dimension %s", g->dimension);
        if (g->tier)
            sbuf_addf(&sb, "%stier %s", sb.len ? ", " : "", g->tier);
        if (g->limit >= 0)
            sbuf_addf(&sb, "%slimit %lld", sb.len ? ", " : "", g->limit);
        if (g->quota_id)
            sbuf_addf(&sb, "%s%s", sb.len ? ", " : "", g->quota_id);
        doc_add(d, ST_NORMAL, 2, 2, "Quota: %s", sb.buf);
        sbuf_release(&sb);
    }
}

static void walk_waiting(struct tui *t, struct tui_doc *d, const struct diagnosis *g,
                         time_t arrived)
{
    time_t now = gd_now();
    char w[64];

    doc_add(d, ST_TITLE, 0, 0, "Will waiting help?");
    if (!g->rule || !g->cause || strcmp(g->cause, "unknown") == 0) {
        /* No rule matched: there is no verdict to show, and none is made up. */
        doc_add(d, ST_NORMAL, 2, 2, "Not known: no rule matched this error.");
    } else if (g->resets_at[0]) {
        double left = g->has_retry_after ? (double)arrived + g->retry_after_s - (double)now : 0;
        if (!g->has_retry_after) {
            char iso[40];
            left = (double)(next_pacific_midnight(now, iso, sizeof(iso)) - now);
        }
        format_wait(left, w, sizeof(w));
        doc_add(d, ST_NORMAL, 2, 2,
                "Not soon: this quota resets at midnight Pacific time (%s), in %s.", g->resets_at,
                w);
    } else if (g->retryable) {
        if (g->has_retry_after) {
            double left = (double)arrived + g->retry_after_s - (double)now;
            if (left > 0) {
                format_wait(left, w, sizeof(w));
                doc_add(d, ST_NORMAL, 2, 2, "Yes: retrying can succeed. Retry in %s.", w);
            } else {
                doc_add(d, ST_NORMAL, 2, 2,
                        "Yes: retrying can succeed, and the suggested wait has passed.");
            }
        } else {
            doc_add(d, ST_NORMAL, 2, 2, "Yes: retrying the same request soon can succeed.");
        }
    } else {
        doc_add(d, ST_NORMAL, 2, 2, "No: waiting will not fix this; something needs to change.");
    }
    if (g->wait_plan && *g->wait_plan)
        doc_add(d, ST_NORMAL, 2, 2, "%s", g->wait_plan);
    (void)t;
}

/* Which in-doctor fixes fit this cause; a hint only, the keys always work. */
static void walk_actions(const struct tui *t, struct tui_doc *d, const char *cause)
{
    int key = strncmp(cause, "key-", 4) == 0 || strcmp(cause, "unauthenticated") == 0 ||
              strcmp(cause, "scope-insufficient") == 0;
    int model = strncmp(cause, "model-", 6) == 0 || strcmp(cause, "quota-zero") == 0 ||
                strcmp(cause, "capacity") == 0 || strcmp(cause, "overloaded") == 0 ||
                strcmp(cause, "token-limit") == 0;

    doc_add(d, ST_TITLE, 0, 0, "Do it here");
    if (key)
        doc_add(d, ST_NORMAL, 2, 5,
                "K  type or paste a new key; it is used for this session only and the key "
                "checks re-run at once");
    if (model)
        doc_add(d, ST_NORMAL, 2, 5, "m  pick another model from the live list");
    if (t->walk_check >= 0)
        doc_add(d, ST_NORMAL, 2, 5, "r  re-run this check;  R  re-run all checks");
    else
        doc_add(d, ST_NORMAL, 2, 5, "R  run all checks against your own setup");
}

static void walk_draw(struct tui *t)
{
    struct tui_doc d;
    const struct check *c = t->walk_check >= 0 ? get_check(t, t->walk_check) : NULL;
    time_t arrived = 0;
    const struct diagnosis *g = walk_diag(t, &arrived);

    tui_doc_init(&d);
    if (t->walk_check >= 0) {
        draw_header(t, check_label((enum check_id)t->walk_check));
        if (c) {
            doc_add(&d, style_of(c->result), 0, 0, "%s %s: %s", mark_of(t, c->result),
                    check_label(c->id), check_result_name(c->result));
            if (t->fixed[c->id])
                doc_add(&d, ST_PASS, 0, 0, "Fixed: this check passes now.");
            if (c->result == RES_RUNNING || c->result == RES_PENDING)
                doc_add(&d, ST_DIM, 0, 0, "Running the probe again...");
            if (c->summary)
                doc_add(&d, ST_NORMAL, 0, 0, "%s", c->summary);
        }
    } else {
        draw_header(t, "pasted error");
    }
    if (g) {
        const char *cause = g->cause ? g->cause : "unknown";
        doc_add(&d, ST_TITLE, 0, 0, "What happened");
        doc_add(&d, ST_BOLD, 2, 2, "%s [%s]", g->title ? g->title : "No known cause matched",
                cause);
        walk_evidence(&d, g);
        if (t->walk_check < 0 && !diagnosis_recognised(g))
            doc_add(&d, ST_NORMAL, 2, 2,
                    "No Gemini error could be recognised in the paste; anything that was seen "
                    "is listed above.");
        doc_add(&d, ST_TITLE, 0, 0, "Why it matters");
        if (t->walk_check >= 0)
            doc_add(&d, ST_NORMAL, 2, 2, "%s", why_it_matters((enum check_id)t->walk_check));
        else
            doc_add(&d, ST_NORMAL, 2, 2,
                    "This is what your program was told; the same request meets the same "
                    "answer until the cause is dealt with or the wait is over.");
        walk_waiting(t, &d, g, arrived);
        doc_add(&d, ST_TITLE, 0, 0, "The fix");
        if (g->nsteps > 0) {
            if (t->walk_step >= g->nsteps)
                t->walk_step = g->nsteps - 1;
            doc_add(&d, ST_BOLD, 2, 2, "Step %d of %d", t->walk_step + 1, g->nsteps);
            doc_add(&d, ST_NORMAL, 4, 0, "%s", g->steps[t->walk_step]);
            doc_add(&d, ST_DIM, 2, 2, "%s", g->nsteps > 1 ? "n next step, b back a step" : "");
        } else {
            doc_add(&d, ST_NORMAL, 2, 2, "The rules table gives no steps for this cause.");
        }
        walk_actions(t, &d, cause);
        if (g->ndocs > 0) {
            doc_add(&d, ST_TITLE, 0, 0, "Docs");
            for (int i = 0; i < g->ndocs; i++)
                doc_add(&d, ST_NORMAL, 2, 2, "%s", g->docs[i]);
        }
    } else if (c && c->result == RES_PASS) {
        doc_add(&d, ST_NORMAL, 0, 0, "Nothing to fix here.");
    } else if (c && is_done(c->result)) {
        if (c->result == RES_SKIP)
            doc_add(&d, ST_NORMAL, 0, 0, "This check did not run; the line above says why.");
        doc_add(&d, ST_TITLE, 0, 0, "Why it matters");
        doc_add(&d, ST_NORMAL, 2, 2, "%s", why_it_matters(c->id));
    }
    if (c && c->detail) {
        doc_add(&d, ST_TITLE, 0, 0, "More facts");
        doc_add(&d, ST_DIM, 2, 2, "%s", c->detail);
    }
    draw_page(t, &d, "n/b step  j/k scroll  r re-run  K key  m model  Esc back  ? help");
}

static void walk_key(struct tui *t, enum action act)
{
    time_t arrived;
    const struct diagnosis *g = walk_diag(t, &arrived);
    int nsteps = g ? g->nsteps : 0;

    if (scroll_key(&t->scroll, act))
        return;
    switch (act) {
    case ACT_OPEN:
    case ACT_NEXT:
        if (t->walk_step < nsteps - 1)
            t->walk_step++;
        break;
    case ACT_PREV:
        if (t->walk_step > 0)
            t->walk_step--;
        break;
    case ACT_BACK:
        t->screen = SCR_DASH;
        t->msg[0] = '\0';
        break;
    case ACT_RERUN:
        if (t->walk_check >= 0 && start_run(t, t->walk_check) == 0)
            set_busy(t, "re-running the check...");
        else if (t->walk_check >= 0)
            break;
        else
            set_msg(t, "a pasted error cannot be re-run; R runs the checks on your setup");
        break;
    default:
        break;
    }
}

/* ---- the paste box ---- */

static void input_wipe(struct tui *t)
{
    if (t->input.buf)
        explicit_bzero(t->input.buf, t->input.cap);
    sbuf_release(&t->input);
}

static void paste_init(struct tui *t)
{
    input_wipe(t);
    screen_open(t, SCR_PASTE);
}

static void paste_draw(struct tui *t)
{
    struct tui_doc d;
    int lines = 0;
    const char *show = t->input.buf ? t->input.buf : "";
    size_t len = t->input.len;

    draw_header(t, "paste an error");
    tui_doc_init(&d);
    doc_add(&d, ST_NORMAL, 0, 0,
            "Paste the error your program printed (the terminal's paste works), or type it. "
            "Ctrl-D explains it; Esc cancels.");
    for (size_t i = 0; i < len; i++)
        lines += show[i] == '\n';
    doc_add(&d, ST_DIM, 0, 0, "%d line%s, %zu bytes:", lines + (len > 0),
            lines + (len > 0) == 1 ? "" : "s", len);
    if (len > PASTE_SHOW_MAX) {
        size_t from = len - PASTE_SHOW_MAX;
        while (from < len && ((unsigned char)show[from] & 0xc0) == 0x80)
            from++;
        doc_add(&d, ST_DIM, 2, 2, "...");
        show += from;
    }
    doc_add(&d, ST_NORMAL, 2, 2, "%s_", show);
    d.focus = d.n - 1;
    draw_page(t, &d, "Ctrl-D explain  Enter new line  Esc cancel");
}

static void paste_submit(struct tui *t)
{
    struct evidence ev;

    if (!t->input.len) {
        set_msg(t, "nothing pasted yet: paste the error, then Ctrl-D");
        return;
    }
    if (t->have_paste)
        diagnosis_release(&t->paste_diag);
    t->have_paste = 0;
    evidence_init(&ev);
    if (reader_read(t->input.buf, t->input.len, &ev) < 0) {
        evidence_release(&ev);
        input_wipe(t);
        set_msg(t, "could not read the paste");
        return;
    }
    diagnose(t->rt, &ev, gd_now(), &t->paste_diag);
    evidence_release(&ev);
    t->have_paste = 1;
    t->paste_at = gd_now();
    input_wipe(t);
    walk_init(t, -1);
}

static void input_backspace(struct tui *t)
{
    while (t->input.len > 0) {
        unsigned char c = (unsigned char)t->input.buf[--t->input.len];
        t->input.buf[t->input.len] = '\0';
        if ((c & 0xc0) != 0x80)
            break;
    }
}

/* The field's buffer is allocated at its full size before the first byte,
 * so it never moves: a moved buffer would leave a copy of a key behind. */
static void input_reserve(struct tui *t, size_t max)
{
    if (t->input.cap < max + 1)
        sbuf_grow(&t->input, max);
}

static void input_add(struct tui *t, int cp, size_t max)
{
    char u[4];
    size_t n = tui_utf8_encode(u, cp);
    input_reserve(t, max);
    if (t->input.len + n > max) {
        set_msg(t, "that is as much as the field holds");
        return;
    }
    sbuf_add(&t->input, u, n);
}

/* The keys both text fields share: Esc cancels, Backspace deletes a
 * character, Ctrl-U clears, and a printable character is typed into a field
 * that holds at most max bytes. Other keys do nothing. */
static void input_key(struct tui *t, int key, size_t max)
{
    if (key == TK_ESC) {
        input_wipe(t);
        screen_back(t);
    } else if (key == TK_BACKSPACE) {
        input_backspace(t);
    } else if (key == TK_CTRL('u')) {
        input_wipe(t);
    } else if (key >= 0x20 && key != 0x7f && key < 0x110000) {
        input_add(t, key, max);
    }
}

static void paste_key(struct tui *t, int key)
{
    if (key == TK_CTRL('d'))
        paste_submit(t);
    else if (key == TK_ENTER)
        input_add(t, '\n', PASTE_INPUT_MAX);
    else if (key == TK_TAB)
        input_add(t, '\t', PASTE_INPUT_MAX);
    else
        input_key(t, key, PASTE_INPUT_MAX);
}

/* ---- the new-key field ---- */

static void key_init(struct tui *t)
{
    input_wipe(t);
    screen_open(t, SCR_KEY);
}

static void key_draw(struct tui *t)
{
    struct tui_doc d;
    struct sbuf dots;
    size_t chars = 0;

    draw_header(t, "a new API key");
    for (size_t i = 0; i < t->input.len; i++)
        chars += ((unsigned char)t->input.buf[i] & 0xc0) != 0x80;
    sbuf_init(&dots);
    for (size_t i = 0; i < chars && i < 48; i++)
        sbuf_adds(&dots, t->utf8 ? "\xe2\x80\xa2" : "*");
    if (chars > 48)
        sbuf_adds(&dots, "\xe2\x80\xa6");
    tui_doc_init(&d);
    doc_add(&d, ST_NORMAL, 0, 0,
            "Type or paste the key. It is used for this session only: never shown, "
            "written or saved. Enter checks it at once; Esc cancels; Ctrl-U clears.");
    doc_add(&d, ST_NORMAL, 0, 0, "%s", "");
    doc_add(&d, ST_BOLD, 2, 7, "Key: %s_", dots.buf ? dots.buf : "");
    if (chars)
        doc_add(&d, ST_DIM, 2, 2, "%zu characters; looks like: %s", chars,
                key_kind_name(key_kind_of(t->input.buf)));
    sbuf_release(&dots);
    draw_page(t, &d, "Enter check this key  Ctrl-U clear  Esc cancel");
}

/* Hand the key to the run for this session (the run copies it; our copy is
 * wiped at once) and re-run config.key, which re-runs every check; the ones
 * that failed are watched for a pass. */
static void key_submit(struct tui *t)
{
    if (!t->input.len) {
        set_msg(t, "type or paste a key first, or Esc to cancel");
        return;
    }
    if (t->running) {
        set_msg(t, "probes are still running; try again when they finish");
        return;
    }
    check_run_set_key(t->run, t->input.buf);
    input_wipe(t);
    screen_back(t);
    if (start_run(t, CHECK_CONFIG_KEY) == 0)
        set_busy(t, "checking the new key...");
}

static void key_key(struct tui *t, int key)
{
    if (key == TK_ENTER)
        key_submit(t);
    else
        input_key(t, key, KEY_INPUT_MAX);
}

/* ---- the model picker ---- */

/* Levenshtein distance, on at most the first 127 bytes of each name. */
static int edit_distance(const char *a, const char *b)
{
    int prev[128], cur[128];
    size_t la = strlen(a), lb = strlen(b);

    if (la > 127)
        la = 127;
    if (lb > 127)
        lb = 127;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            int m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof(int));
    }
    return prev[lb];
}

static const char *sort_target;

static int by_distance(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int da = edit_distance(a, sort_target), db = edit_distance(b, sort_target);
    if (da != db)
        return da < db ? -1 : 1;
    return strcmp(a, b);
}

static void models_free(struct tui *t)
{
    for (int i = 0; i < t->nmodels; i++)
        free(t->models[i]);
    free(t->models);
    t->models = NULL;
    t->nmodels = 0;
}

static void model_init(struct tui *t)
{
    int n = check_run_model_count(t->run);
    const char *cur = check_run_model(t->run);

    models_free(t);
    t->models_live = n > 0;
    if (n > 0) {
        if (n > MODELS_MAX)
            n = MODELS_MAX;
        t->models = xcalloc((size_t)n, sizeof(*t->models));
        for (int i = 0; i < n; i++) {
            const char *name = check_run_model_name(t->run, i);
            if (name)
                t->models[t->nmodels++] = xstrdup(name);
        }
    } else {
        n = rules_model_count(t->rt);
        if (n > MODELS_MAX)
            n = MODELS_MAX;
        t->models = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*t->models));
        for (int i = 0; i < n; i++) {
            const struct model_info *mi = rules_model_get(t->rt, i);
            if (mi && mi->name)
                t->models[t->nmodels++] = xstrdup(mi->name);
        }
    }
    sort_target = cur ? cur : "";
    qsort(t->models, (size_t)t->nmodels, sizeof(*t->models), by_distance);
    sort_target = NULL;
    t->model_sel = 0;
    screen_open(t, SCR_MODEL);
}

static void model_draw(struct tui *t)
{
    struct tui_doc d;
    const char *cur = check_run_model(t->run);

    draw_header(t, "pick a model");
    tui_doc_init(&d);
    if (t->models_live)
        doc_add(&d, ST_NORMAL, 0, 0,
                "The models your key can use (the live list), closest to '%s' first. "
                "Enter picks one and re-runs the model checks; Esc goes back.",
                cur ? cur : "");
    else
        doc_add(&d, ST_NORMAL, 0, 0,
                "The live model list is not available (the key was not accepted yet); these "
                "names come from the rules table, closest to '%s' first. Enter picks one; "
                "Esc goes back.",
                cur ? cur : "");
    if (t->nmodels == 0)
        doc_add(&d, ST_NORMAL, 2, 2, "No models are known.");
    for (int i = 0; i < t->nmodels; i++) {
        const struct model_info *mi = rules_model(t->rt, t->models[i]);
        char note[160] = "";
        if (mi && mi->status && strcmp(mi->status, "shut") == 0)
            snprintf(note, sizeof(note), "  (retired%s%s%s%s)", mi->shutdown ? " " : "",
                     mi->shutdown ? mi->shutdown : "", mi->successor ? "; use " : "",
                     mi->successor ? mi->successor : "");
        else if (mi && mi->status && strcmp(mi->status, "deprecated") == 0)
            snprintf(note, sizeof(note), "  (deprecated%s%s)", mi->shutdown ? ", shuts down " : "",
                     mi->shutdown ? mi->shutdown : "");
        if (cur && strcmp(cur, t->models[i]) == 0)
            strncat(note, "  (current)", sizeof(note) - strlen(note) - 1);
        doc_add(&d, i == t->model_sel ? ST_SEL : ST_NORMAL, 0, 4, "%s %s%s",
                i == t->model_sel ? ">" : " ", t->models[i], note);
        if (i == t->model_sel)
            d.focus = d.n - 1;
    }
    draw_page(t, &d, "j/k move  Enter pick  Esc back");
}

static void model_key(struct tui *t, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        if (t->model_sel < t->nmodels - 1)
            t->model_sel++;
        break;
    case ACT_UP:
        if (t->model_sel > 0)
            t->model_sel--;
        break;
    case ACT_PGDN:
        t->model_sel += page_rows();
        if (t->model_sel >= t->nmodels)
            t->model_sel = t->nmodels - 1;
        if (t->model_sel < 0)
            t->model_sel = 0;
        break;
    case ACT_PGUP:
        t->model_sel -= page_rows();
        if (t->model_sel < 0)
            t->model_sel = 0;
        break;
    case ACT_OPEN:
        if (t->model_sel < 0 || t->model_sel >= t->nmodels)
            break;
        if (t->running) {
            set_msg(t, "probes are still running; try again when they finish");
            break;
        }
        free(t->model);
        t->model = xstrdup(t->models[t->model_sel]);
        check_run_set_model(t->run, t->model);
        screen_back(t);
        /* The generate probe names the model too, so it runs again as well. */
        if (start_run(t, CHECK_MODEL_AVAILABLE) == 0) {
            if (!t->opt->no_generate && check_run_start(t->run, CHECK_REQUEST_GENERATE) < 0)
                set_msg(t, "could not start the generate probe");
            else
                set_busy(t, "checking the model...");
        }
        break;
    case ACT_BACK:
        screen_back(t);
        break;
    default:
        break;
    }
}

/* ---- the limits screen ---- */

static void limits_init(struct tui *t)
{
    screen_open(t, SCR_LIMITS);
}

/* Show a JSON value as indented lines, whatever shape the table has. */
static void json_lines(struct tui_doc *d, const cJSON *j, const char *name, int indent, int depth)
{
    char label[96] = "";
    const char *sep = name ? ": " : "";
    const cJSON *c;

    if (depth > 8 || d->n > 2000)
        return;
    /* Table keys read as words: "per_model_numbers" as "per model numbers". */
    if (name) {
        snprintf(label, sizeof(label), "%s", name);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        name = label;
    }
    if (cJSON_IsString(j)) {
        doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        doc_add(d, ST_NORMAL, indent, 2, "%s%s%g", label, sep, j->valuedouble);
    } else if (cJSON_IsBool(j)) {
        doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, cJSON_IsTrue(j) ? "yes" : "no");
    } else if (cJSON_IsNull(j)) {
        doc_add(d, ST_NORMAL, indent, 2, "%s%s(none)", label, sep);
    } else if (cJSON_IsArray(j)) {
        int scalars = 1;
        cJSON_ArrayForEach(c, j)
        {
            if (cJSON_IsObject(c) || cJSON_IsArray(c))
                scalars = 0;
        }
        if (scalars) {
            struct sbuf sb;
            sbuf_init(&sb);
            cJSON_ArrayForEach(c, j)
            {
                if (sb.len)
                    sbuf_adds(&sb, ", ");
                if (cJSON_IsString(c))
                    sbuf_adds(&sb, c->valuestring);
                else if (cJSON_IsNumber(c))
                    sbuf_addf(&sb, "%g", c->valuedouble);
                else
                    sbuf_adds(&sb, cJSON_IsTrue(c) ? "yes" : cJSON_IsFalse(c) ? "no" : "-");
            }
            doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, sb.buf ? sb.buf : "");
            sbuf_release(&sb);
            return;
        }
        if (name)
            doc_add(d, ST_BOLD, indent, 2, "%s:", name);
        cJSON_ArrayForEach(c, j)
        {
            json_lines(d, c, NULL, name ? indent + 2 : indent, depth + 1);
        }
    } else if (cJSON_IsObject(j)) {
        /* A fact reads first, as a sentence; where it comes from and when
         * it was checked follow on one dim line. */
        const cJSON *fact = cJSON_GetObjectItemCaseSensitive(j, "fact");
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(j, "source");
        const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "verified");
        int inner = name ? indent + 2 : indent;
        if (name)
            doc_add(d, ST_BOLD, indent, 2, "%s:", name);
        if (cJSON_IsString(fact))
            doc_add(d, ST_NORMAL, inner, 2, "%s", fact->valuestring);
        cJSON_ArrayForEach(c, j)
        {
            if (c == fact || c == src || c == ver)
                continue;
            json_lines(d, c, c->string, inner, depth + 1);
        }
        if (cJSON_IsString(src) || cJSON_IsString(ver))
            doc_add(d, ST_DIM, inner, 2, "%s%s%s%s", cJSON_IsString(src) ? "source: " : "",
                    cJSON_IsString(src) ? src->valuestring : "",
                    cJSON_IsString(ver) ? "; verified " : "",
                    cJSON_IsString(ver) ? ver->valuestring : "");
        if (!name)
            doc_add(d, ST_NORMAL, 0, 0, "%s", "");
    }
}

static void limits_draw(struct tui *t)
{
    struct tui_doc d;
    const cJSON *lim = rules_section(t->rt, "limits");
    const char *model = check_run_model(t->run);
    const struct model_info *mi = model ? rules_model(t->rt, model) : NULL;
    time_t now = gd_now(), reset;
    char iso[40] = "", w[64];
    const char *tier = NULL;

    draw_header(t, "rate limits");
    tui_doc_init(&d);
    doc_add(&d, ST_TITLE, 0, 0, "The dimensions");
    doc_add(&d, ST_NORMAL, 2, 6, "RPM  requests per minute, per project and model.");
    doc_add(&d, ST_NORMAL, 2, 6,
            "TPM  input tokens per minute, per project and model; one large prompt can use "
            "a minute's worth.");
    doc_add(&d, ST_NORMAL, 2, 6,
            "RPD  requests per day, per project and model; waiting minutes does not help, the "
            "count resets at midnight Pacific time.");
    doc_add(&d, ST_NORMAL, 2, 2,
            "Limits apply to the Google Cloud project, not to the key: more keys in one "
            "project share them.");
    reset = next_pacific_midnight(now, iso, sizeof(iso));
    format_wait((double)(reset - now), w, sizeof(w));
    doc_add(&d, ST_BOLD, 2, 2, "The daily quota resets at midnight Pacific time (%s): in %s.", iso,
            w);
    doc_add(&d, ST_TITLE, 0, 0, "Your model and tier");
    doc_add(&d, ST_NORMAL, 2, 2, "Model: %s%s%s", model ? model : "(none)",
            mi && mi->status ? ", status " : "", mi && mi->status ? mi->status : "");
    for (int i = 0; i < CHECK_COUNT && !tier; i++) {
        const struct check *c = get_check(t, i);
        if (c && c->diag && c->diag->tier)
            tier = c->diag->tier;
    }
    if (!tier && t->have_paste && t->paste_diag.tier)
        tier = t->paste_diag.tier;
    if (tier)
        doc_add(&d, ST_NORMAL, 2, 2, "Tier: %s (as the last quota error said)", tier);
    else
        doc_add(&d, ST_NORMAL, 2, 2,
                "Tier: not known from here; AI Studio shows it on the project's rate limit "
                "page.");
    doc_add(&d, ST_TITLE, 0, 0, "What the rules table knows (data of %s)",
            rules_data_date(t->rt) ? rules_data_date(t->rt) : "unknown date");
    if (lim)
        json_lines(&d, lim, NULL, 2, 0);
    else
        doc_add(&d, ST_NORMAL, 2, 2, "The rules table has no limits section.");
    draw_page(t, &d, "j/k scroll  PgUp/PgDn page  Esc back  ? help");
}

static void limits_key(struct tui *t, enum action act)
{
    if (scroll_key(&t->scroll, act))
        return;
    switch (act) {
    case ACT_BACK:
        t->screen = t->back == SCR_LIMITS ? SCR_DASH : t->back;
        t->scroll = 0;
        break;
    default:
        break;
    }
}

/* ---- the help overlay ---- */

static void help_draw(struct tui *t)
{
    struct tui_doc d;

    tui_doc_init(&d);
    doc_add(&d, ST_TITLE, 0, 0, "Keys (any key closes this help)");
    for (size_t i = 0; i < ARRAY_SIZE(actions); i++) {
        char names[64] = "", b[8];
        for (int k = 0; k < 3; k++) {
            if (!actions[i].keys[k])
                continue;
            if (names[0])
                strncat(names, " ", sizeof(names) - strlen(names) - 1);
            strncat(names, key_name(actions[i].keys[k], b), sizeof(names) - strlen(names) - 1);
        }
        doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", names, actions[i].help);
    }
    doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", "C-d", "in the paste box: explain the pasted error");
    doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", "C-u", "in the key field or paste box: clear");
    doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", "C-c", "quit at once");
    tui_draw_box(t, &d, &t->help_scroll);
    tui_doc_release(&d);
}

/* ---- the loop ---- */

/* Each screen's drawing and its keys. The text fields take raw keys, not
 * actions (handle_key gives them every key), so their key is NULL here. */
static const struct {
    void (*draw)(struct tui *t);
    void (*key)(struct tui *t, enum action act);
} screens[] = {
    [SCR_DASH] = {dash_draw, dash_key},    [SCR_WALK] = {walk_draw, walk_key},
    [SCR_PASTE] = {paste_draw, NULL},      [SCR_KEY] = {key_draw, NULL},
    [SCR_MODEL] = {model_draw, model_key}, [SCR_LIMITS] = {limits_draw, limits_key},
};

static void draw(struct tui *t)
{
    tui_draw_begin(t);
    screens[t->screen].draw(t);
    if (t->help)
        help_draw(t);
    tui_draw_end(t);
}

/* Actions every screen shares, after the screen had its turn. */
static void global_key(struct tui *t, enum action act)
{
    switch (act) {
    case ACT_QUIT:
        t->quit = 1;
        break;
    case ACT_HELP:
        t->help = 1;
        t->help_scroll = 0;
        break;
    case ACT_PASTE:
        paste_init(t);
        break;
    case ACT_MODEL:
        model_init(t);
        break;
    case ACT_NEWKEY:
        key_init(t);
        break;
    case ACT_LIMITS:
        limits_init(t);
        break;
    case ACT_RERUN_ALL:
        if (start_run(t, CHECK_COUNT) == 0)
            set_busy(t, "re-running all checks...");
        break;
    default:
        break;
    }
}

static void handle_key(struct tui *t, int key)
{
    enum action act;

    if (key == TK_CTRL('c')) {
        interrupted = 1;
        return;
    }
    if (t->help) {
        if (!scroll_key(&t->help_scroll, action_of(key)))
            t->help = 0;
        return;
    }
    if (t->screen == SCR_PASTE) {
        paste_key(t, key);
        return;
    }
    if (t->screen == SCR_KEY) {
        key_key(t, key);
        return;
    }
    act = action_of(key);
    if (act == ACT_NONE)
        return;
    t->msg[0] = '\0';
    if (screens[t->screen].key)
        screens[t->screen].key(t, act);
    global_key(t, act);
}

/* A bracketed paste: into the field that is open, else into a new paste
 * box, which the end of the paste submits. */
static void handle_paste(struct tui *t, const char *text, size_t len)
{
    size_t i = 0;

    t->help = 0;
    if (t->screen == SCR_KEY) {
        /* A copied key often carries the line's newline; the key is the rest. */
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            len--;
        while (i < len)
            input_add(t, tui_utf8_decode(text, len, &i), KEY_INPUT_MAX);
        return;
    }
    if (t->screen != SCR_PASTE)
        paste_init(t);
    input_reserve(t, PASTE_INPUT_MAX);
    if (t->input.len + len > PASTE_INPUT_MAX)
        len = PASTE_INPUT_MAX - t->input.len;
    sbuf_add(&t->input, text, len);
    paste_submit(t);
}

/* ---- headless scripts ---- */

/* Undo a script's escapes: \n, \t, \r, \e (ESC), \xHH, \\. */
static char *unescape(const char *s, size_t *len)
{
    struct sbuf sb;
    sbuf_init(&sb);
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '\\' || !s[i + 1]) {
            sbuf_addc(&sb, s[i]);
            continue;
        }
        i++;
        if (s[i] == 'x' && isxdigit((unsigned char)s[i + 1]) && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], '\0'};
            sbuf_addc(&sb, (char)strtol(hex, NULL, 16));
            i += 2;
        } else {
            char c = s[i];
            sbuf_addc(&sb, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'e' ? 27 : c);
        }
    }
    *len = sb.len;
    return sbuf_detach(&sb);
}

static int script_next(struct tui *t, FILE *f, int *lineno, struct tui_event *ev)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ret = 0;

    memset(ev, 0, sizeof(*ev));
    for (;;) {
        n = getline(&line, &cap, f);
        if (n < 0) {
            ev->type = EV_END;
            goto out;
        }
        (*lineno)++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        break;
    }
    if (strncmp(line, "key ", 4) == 0) {
        ev->type = EV_KEY;
        ev->key = key_from_name(line + 4);
        if (ev->key < 0)
            ret = error("script line %d: unknown key '%s'", *lineno, line + 4);
    } else if (strncmp(line, "type ", 5) == 0) {
        ev->type = EV_TEXT;
        ev->text = xstrdup(line + 5);
        ev->len = strlen(ev->text);
    } else if (strncmp(line, "paste ", 6) == 0) {
        ev->type = EV_PASTE;
        ev->text = unescape(line + 6, &ev->len);
    } else if (strcmp(line, "wait") == 0) {
        ev->type = EV_WAIT;
    } else if (strcmp(line, "dump") == 0) {
        ev->type = EV_DUMP;
    } else if (strncmp(line, "resize ", 7) == 0) {
        int c, r;
        if (sscanf(line + 7, "%d %d", &c, &r) != 2 || c < 2 || r < 2 || c > 1000 || r > 1000) {
            ret = error("script line %d: resize takes columns and rows", *lineno);
        } else {
            tui_term_resize(t, r, c);
            ev->type = EV_RESIZE;
        }
    } else {
        ret = error("script line %d: cannot read '%s'", *lineno, line);
    }
out:
    if (line)
        explicit_bzero(line, cap);
    free(line);
    return ret;
}

static int dump_screen(struct tui *t)
{
    const char *path = getenv("GEMINI_DOCTOR_TUI_DUMP");
    FILE *out = stdout;
    int ret;

    draw(t);
    if (path && *path) {
        out = fopen(path, "a");
        if (!out)
            return error("cannot open '%s' for the screen dump", path);
    }
    ret = tui_term_dump(out);
    if (out != stdout)
        fclose(out);
    return ret;
}

static void parse_size(const char *s, int *rows, int *cols)
{
    int c, r;
    *rows = 24;
    *cols = 80;
    if (s && sscanf(s, "%dx%d", &c, &r) == 2 && c >= 2 && r >= 2 && c <= 1000 && r <= 1000) {
        *rows = r;
        *cols = c;
    }
}

static int handle_event(struct tui *t, struct tui_event *ev)
{
    size_t i = 0;

    switch (ev->type) {
    case EV_NONE:
    case EV_RESIZE:
        break;
    case EV_KEY:
        handle_key(t, ev->key);
        break;
    case EV_TEXT:
        while (i < ev->len && !t->quit)
            handle_key(t, tui_utf8_decode(ev->text, ev->len, &i));
        break;
    case EV_PASTE:
        handle_paste(t, ev->text, ev->len);
        break;
    case EV_WAIT:
        while (t->running && !interrupted)
            if (poll_run(t, 100) < 0)
                return -1;
        break;
    case EV_DUMP:
        return dump_screen(t);
    case EV_END:
        t->quit = 1;
        break;
    }
    return 0;
}

int tui_main(struct check_run **runp, const struct rule_table *rt, const struct options *opt)
{
    struct tui t;
    struct sigaction sa, old_int, old_term, old_hup;
    const char *script = getenv("GEMINI_DOCTOR_TUI_SCRIPT");
    FILE *sf = NULL;
    int ret = -1, lineno = 0, rows, cols, opened = 0;

    memset(&t, 0, sizeof(t));
    t.run = *runp;
    t.rt = rt;
    t.opt = opt;
    t.walk_check = -1;
    t.color = !opt->no_color;
    t.headless = script && *script;
    sbuf_init(&t.input);
    parse_size(getenv("GEMINI_DOCTOR_TUI_SIZE"), &rows, &cols);
    if (t.headless) {
        sf = fopen(script, "r");
        if (!sf) {
            error("cannot open the script '%s'", script);
            goto out_nosig;
        }
    }

    /* Installed before curses, so that curses leaves these signals to us and
     * every exit path restores the terminal. */
    interrupted = 0;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);

    if (tui_term_open(&t, rows, cols) < 0)
        goto out;
    opened = 1;
    if (check_run_start(t.run, CHECK_COUNT) < 0) {
        tui_term_close(&t);
        opened = 0;
        error("could not start the probes");
        goto out;
    }
    t.running = 1;
    while (!t.quit && !interrupted) {
        struct tui_event ev;
        int r;
        if (poll_run(&t, t.running && !t.headless ? 50 : 0) < 0)
            break;
        if (t.headless) {
            r = script_next(&t, sf, &lineno, &ev);
        } else {
            draw(&t);
            r = tui_term_read(&t, t.running ? 50 : 500, &ev);
        }
        if (r == 0)
            r = handle_event(&t, &ev);
        tui_event_release(&ev);
        if (r < 0)
            break;
    }
    if (t.quit || interrupted)
        ret = 0;
    tui_term_close(&t);
    opened = 0;
    if (t.failed) {
        error("the probes failed with an internal error");
        ret = -1;
    }
    if (ret == 0 && !interrupted && t.running) {
        fprintf(stderr, "gemini-doctor: waiting for the probes still running (Ctrl-C stops)\n");
        while (t.running && !interrupted) {
            if (poll_run(&t, 200) < 0) {
                error("the probes failed with an internal error");
                ret = -1;
                break;
            }
        }
    }
    if (ret == 0 && interrupted)
        ret = 1;
out:
    if (opened)
        tui_term_close(&t);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
out_nosig:
    if (sf)
        fclose(sf);
    input_wipe(&t);
    models_free(&t);
    free(t.model);
    if (t.have_paste)
        diagnosis_release(&t.paste_diag);
    *runp = t.run;
    return ret;
}
