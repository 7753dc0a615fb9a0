/*
 * tui_frame: what every screen of the interactive doctor shares: documents
 * (paragraphs the drawing side wraps), the status message, the header and
 * the key bar, the marks and styles of results, and moving between screens.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "render.h"
#include "tui.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

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
int tui_doc_add(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *fmt, ...)
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

void tui_doc_add_facts(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *s)
{
    struct sbuf sb;

    sbuf_init(&sb);
    for (size_t i = 0; s[i]; i++) {
        if (s[i] == '*' && s[i + 1] == '*') {
            i++;
            continue;
        }
        sbuf_addc(&sb, s[i]);
    }
    tui_doc_add(d, st, indent, hang, "%s", sb.buf ? sb.buf : "");
    sbuf_release(&sb);
}

void tui_msg(struct tui *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->msg, sizeof(t->msg), fmt, ap);
    va_end(ap);
}
int tui_done(enum check_result r)
{
    return r == RES_PASS || r == RES_WARN || r == RES_FAIL || r == RES_SKIP;
}

const struct check *tui_check(const struct tui *t, int id)
{
    if (id < 0 || id >= CHECK_COUNT)
        return NULL;
    return check_run_get(t->run, (enum check_id)id);
}

enum check_result tui_result(const struct tui *t, int id)
{
    const struct check *c = tui_check(t, id);
    return c ? c->result : RES_PENDING;
}

/* A wait for people, as every report prints one (render_duration). */
void tui_format_wait(double secs, char *buf, size_t size)
{
    render_duration(secs > 0 ? secs : 0, buf, size);
}

int tui_page_rows(void)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    rows -= HEADER_ROWS + FOOTER_ROWS + 1;
    return rows > 2 ? rows : 2;
}

const char *tui_mark(const struct tui *t, enum check_result r)
{
    static const char *const spin_utf8[] = {
        "\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
        "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"};
    /* No frame is "-", the skipped mark. */
    static const char *const spin_ascii[] = {"|", "/", "|", "\\"};
    switch (r) {
    case RES_PASS:
        return t->term.utf8 ? "\xe2\x9c\x93" : "+";
    case RES_WARN:
        return "!";
    case RES_FAIL:
        return t->term.utf8 ? "\xe2\x9c\x97" : "x";
    case RES_SKIP:
        return "-";
    case RES_PENDING:
        return t->term.utf8 ? "\xc2\xb7" : ".";
    case RES_RUNNING:
        if (t->term.utf8)
            return spin_utf8[t->spin % ARRAY_SIZE(spin_utf8)];
        return spin_ascii[t->spin % ARRAY_SIZE(spin_ascii)];
    }
    return "?";
}

/* The word beside each mark, for screen readers and for readers of the
 * colourless screen. */
const char *tui_mark_word(enum check_result r)
{
    switch (r) {
    case RES_PASS:
        return "pass";
    case RES_WARN:
        return "warn";
    case RES_FAIL:
        return "FAIL";
    case RES_SKIP:
        return "skip";
    case RES_PENDING:
        return "wait";
    case RES_RUNNING:
        return "run";
    }
    return "?";
}

enum tui_style tui_result_style(enum check_result r)
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

/* The wait in the verdict line: the server's countdown, the daily reset,
 * or that waiting will not help; as the diagnosis says, never guessed. */
static void verdict_wait(const struct tui *t, const struct check *c, char *buf, size_t size)
{
    const struct diagnosis *g = c->diag;
    char w[64];

    buf[0] = '\0';
    if (!g || !g->rule || !diagnosis_recognised(g))
        return;
    if (g->resets_at[0]) {
        snprintf(buf, size, "not before the daily reset");
    } else if (g->retryable && g->has_retry_after) {
        double left = (double)t->arrived[c->id] + g->retry_after_s - (double)gd_now();
        if (left > 0) {
            tui_format_wait(left, w, sizeof(w));
            snprintf(buf, size, "retry in %s", w);
        } else {
            snprintf(buf, size, "retry now");
        }
    } else if (g->retryable) {
        snprintf(buf, size, "retry soon");
    } else {
        snprintf(buf, size, "needs a change");
    }
}

/* The one line that says how things stand: "✗ 1 problem · Generate:
 * Per-minute request quota exceeded · retry in 37s · exit 75". */
enum tui_style tui_verdict(const struct tui *t, char *buf, size_t size, char *tail,
                           size_t tail_size)
{
    int nfail = 0, nwarn = 0, ndone = 0;
    const struct check *first = NULL, *firstwarn = NULL;
    char wait[96];
    const char *sep = t->term.utf8 ? " \xc2\xb7 " : " - ";

    /* After a change for this session only, the exit is still the one the
     * user's own configuration earned, and the line says whose it is. */
    const char *own = t->session_changed ? " (your own setup)" : "";

    tail[0] = '\0';
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = tui_check(t, i);
        if (!c)
            continue;
        ndone += tui_done(c->result);
        if (c->result == RES_FAIL && !nfail++)
            first = c;
        if (c->result == RES_WARN && !nwarn++)
            firstwarn = c;
    }
    if (t->running) {
        snprintf(buf, size, "%s checking: %d of %d done%s%s", tui_mark(t, RES_RUNNING), ndone,
                 CHECK_COUNT, nfail ? sep : "", nfail ? "a problem found so far" : "");
        return nfail ? ST_FAIL : ST_BOLD;
    }
    if (first) {
        const char *what = first->diag && first->diag->title ? first->diag->title : first->summary;
        verdict_wait(t, first, wait, sizeof(wait));
        snprintf(buf, size, "%s %d problem%s%s%s: %s", tui_mark(t, RES_FAIL), nfail,
                 nfail == 1 ? "" : "s", sep, check_label(first->id), what ? what : "failed");
        snprintf(tail, tail_size, "%s%s%sexit %d%s", wait[0] ? sep : "", wait, sep,
                 tui_exit_code(t), own);
        return ST_FAIL;
    }
    if (firstwarn) {
        const char *what =
            firstwarn->diag && firstwarn->diag->title ? firstwarn->diag->title : "see below";
        snprintf(buf, size, "! no problem, %d warning%s%s%s: %s", nwarn, nwarn == 1 ? "" : "s", sep,
                 check_label(firstwarn->id), what);
        snprintf(tail, tail_size, "%sexit %d%s", sep, tui_exit_code(t), own);
        return ST_WARN;
    }
    snprintf(buf, size, "%s all %d checks passed or skipped", tui_mark(t, RES_PASS), CHECK_COUNT);
    snprintf(tail, tail_size, "%sexit %d%s", sep, tui_exit_code(t), own);
    return ST_PASS;
}

/* Rows 0-1: who we are, the key (masked) and where it came from, the model
 * and the host; row 2 the verdict; row 3 is a rule. */
void tui_header(struct tui *t, const char *title)
{
    char buf[1024];
    const char *mask = check_run_key_masked(t->run);
    const char *src = check_run_key_source(t->run);
    const char *model = check_run_model(t->run);
    const char *url = check_run_base_url(t->run);
    int rows, cols;
    enum tui_style st;
    char *red;

    tui_term_size(&rows, &cols);
    snprintf(buf, sizeof(buf), "gemini-doctor %s", GD_VERSION);
    tui_draw_text(&t->term, 0, 1, cols - 2, ST_TITLE, buf);
    if (title)
        tui_draw_text(&t->term, 0, tui_text_width(&t->term, buf) + 3,
                      cols - tui_text_width(&t->term, buf) - 4, ST_BOLD, title);
    snprintf(buf, sizeof(buf), "key %s%s%s  model %s%s  host %s", mask && *mask ? mask : "(none)",
             src && *src ? " from " : "", src ? src : "", model ? model : "(none)",
             t->model ? " (this session)" : "", url ? url : "");
    red = key_redact(buf);
    tui_draw_text(&t->term, 1, 1, cols - 2, ST_NORMAL, red);
    free(red);
    {
        /* The tail (the wait and the exit) is never cut: the cause is. */
        char tail[160];
        int tw, hw;
        st = tui_verdict(t, buf, sizeof(buf), tail, sizeof(tail));
        tw = tui_text_width(&t->term, tail);
        red = key_redact(buf);
        hw = tui_text_width(&t->term, red);
        if (hw > cols - 2 - tw)
            hw = cols - 2 - tw;
        tui_draw_text(&t->term, 2, 1, hw, st, red);
        tui_draw_text(&t->term, 2, 1 + hw, tw, st, tail);
        free(red);
    }
    tui_draw_rule(&t->term, 3);
}

int tui_too_small(struct tui *t)
{
    int rows, cols;
    char buf[160];

    tui_term_size(&rows, &cols);
    if (rows >= TUI_MIN_ROWS && cols >= TUI_MIN_COLS)
        return 0;
    snprintf(buf, sizeof(buf), "terminal too small: %dx%d", cols, rows);
    tui_draw_text(&t->term, rows / 2 - 1, 0, cols, ST_BOLD, buf);
    snprintf(buf, sizeof(buf), "the doctor needs %dx%d; make it larger", TUI_MIN_COLS,
             TUI_MIN_ROWS);
    tui_draw_text(&t->term, rows / 2, 0, cols, ST_NORMAL, buf);
    tui_draw_text(&t->term, rows / 2 + 1, 0, cols, ST_DIM, "q quits, ? helps");
    return 1;
}

/* Add "key word" to the bar when it fits in width; returns 1 when added. */
static int bar_add(const struct tui *t, struct sbuf *bar, const char *item, int width)
{
    int w = tui_text_width(&t->term, item) + (bar->len ? 2 : 0);
    if (tui_text_width(&t->term, bar->buf ? bar->buf : "") + w > width)
        return 0;
    if (bar->len)
        sbuf_adds(bar, "  ");
    sbuf_adds(bar, item);
    return 1;
}

/* The last two rows: the status message on its own line, then the key bar.
 * hints are "key word" items separated by '|', most useful first; the bar
 * keeps as many as fit and always ends with the keys to get help and to
 * quit, which no cut can take away. */
void tui_footer(struct tui *t, const char *hints)
{
    int rows, cols, width, field = tui_field_screen(t->screen);
    const char *tail = field ? "C-c quit" : "? help  q quit";
    struct sbuf bar;
    char item[128];

    tui_term_size(&rows, &cols);
    width = cols - 2 - tui_text_width(&t->term, tail) - 2;
    if (t->search_edit) {
        char line[160];
        snprintf(line, sizeof(line), "/%s" TUI_CURSOR "_  (Enter searches, Esc cancels)",
                 t->search);
        tui_draw_text(&t->term, rows - 2, 1, cols - 2, ST_BOLD, line);
    } else if (t->msg[0]) {
        char *red = key_redact(t->msg);
        tui_draw_text(&t->term, rows - 2, 1, cols - 2, ST_BOLD, red);
        free(red);
    }
    sbuf_init(&bar);
    for (const char *p = hints; p && *p;) {
        size_t n = strcspn(p, "|");
        snprintf(item, sizeof(item), "%.*s", (int)n, p);
        if (item[0] && !bar_add(t, &bar, item, width))
            break;
        p += n;
        if (*p == '|')
            p++;
    }
    if (bar.len)
        sbuf_adds(&bar, "  ");
    sbuf_adds(&bar, tail);
    tui_draw_text(&t->term, rows - 1, 1, cols - 2, ST_DIM, bar.buf);
    sbuf_release(&bar);
}

/* Draw a screen's text between the header and the footer, scrolled by
 * t->scroll, and release it; then the footer with these hints. */
void tui_page(struct tui *t, struct tui_doc *d, const char *hints)
{
    int rows, cols;

    tui_term_size(&rows, &cols);
    tui_draw_doc(&t->term, d, HEADER_ROWS, rows - HEADER_ROWS - FOOTER_ROWS, &t->scroll);
    tui_doc_release(d);
    tui_footer(t, hints);
}

int tui_field_screen(enum tui_screen scr)
{
    return scr == SCR_PASTE || scr == SCR_KEY || scr == SCR_STATS_OPEN;
}

void tui_screen_open(struct tui *t, enum tui_screen scr)
{
    int field = tui_field_screen(t->screen);

    if (t->screen != scr && !field)
        t->back = t->screen;
    t->screen = scr;
    t->scroll = 0;
    t->msg[0] = '\0';
}

/* Back to the screen that opened this one, at its top. */
void tui_screen_back(struct tui *t)
{
    t->screen = t->back;
    t->scroll = 0;
}

/* The four scrolling actions move *scroll by a line or a page. Returns 1
 * when act was one of them, 0 when it is left to the caller. */
int tui_scroll_key(int *scroll, enum action act)
{
    switch (act) {
    case ACT_DOWN:
        (*scroll)++;
        return 1;
    case ACT_UP:
        (*scroll)--;
        return 1;
    case ACT_PGDN:
        *scroll += tui_page_rows();
        return 1;
    case ACT_PGUP:
        *scroll -= tui_page_rows();
        return 1;
    case ACT_TOP:
        *scroll = 0;
        return 1;
    case ACT_BOTTOM:
        /* The drawing side clamps this to the last page. */
        *scroll = 1 << 24;
        return 1;
    default:
        return 0;
    }
}
