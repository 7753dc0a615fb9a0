/*
 * tui_frame: what every screen of the interactive doctor shares: documents
 * (paragraphs the drawing side wraps), the status message, the header and
 * the key bar, the marks and styles of results, and moving between screens.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "keymask.h"
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

/* "4h 28m 20s", "37s": a wait for people. */
void tui_format_wait(double secs, char *buf, size_t size)
{
    long s = secs > 0 ? (long)(secs + 0.999) : 0;
    if (s >= 3600)
        snprintf(buf, size, "%ldh %02ldm %02lds", s / 3600, s % 3600 / 60, s % 60);
    else if (s >= 60)
        snprintf(buf, size, "%ldm %02lds", s / 60, s % 60);
    else
        snprintf(buf, size, "%lds", s);
}

int tui_page_rows(void)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    return rows > 8 ? rows - 6 : 2;
}
const char *tui_mark(const struct tui *t, enum check_result r)
{
    static const char *const spin_utf8[] = {
        "\xe2\xa0\x8b", "\xe2\xa0\x99", "\xe2\xa0\xb9", "\xe2\xa0\xb8", "\xe2\xa0\xbc",
        "\xe2\xa0\xb4", "\xe2\xa0\xa6", "\xe2\xa0\xa7", "\xe2\xa0\x87", "\xe2\xa0\x8f"};
    static const char *const spin_ascii[] = {"|", "/", "-", "\\"};
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

/* Rows 0-2: who we are, the key (masked) and where it came from, the model
 * and the host; row 3 is a rule. */
void tui_header(struct tui *t, const char *title)
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
    tui_draw_text(&t->term, 0, 1, cols - 2, ST_TITLE, buf);
    if (title)
        tui_draw_text(&t->term, 0, tui_text_width(&t->term, buf) + 3,
                      cols - tui_text_width(&t->term, buf) - 4, ST_BOLD, title);
    snprintf(buf, sizeof(buf), "key %s%s%s", mask && *mask ? mask : "(none)",
             src && *src ? " from " : "", src ? src : "");
    red = key_redact(buf);
    tui_draw_text(&t->term, 1, 1, cols - 2, ST_NORMAL, red);
    free(red);
    snprintf(buf, sizeof(buf), "model %s  host %s", model ? model : "(none)", url ? url : "");
    red = key_redact(buf);
    tui_draw_text(&t->term, 2, 1, cols - 2, ST_NORMAL, red);
    free(red);
    tui_draw_rule(&t->term, 3);
}

void tui_footer(struct tui *t, const char *hints)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    if (t->msg[0]) {
        char *red = key_redact(t->msg);
        tui_draw_text(&t->term, rows - 1, 1, cols - 2, ST_BOLD, red);
        free(red);
    } else {
        tui_draw_text(&t->term, rows - 1, 1, cols - 2, ST_DIM, hints);
    }
}

/* Draw a screen's text between the header and the footer, scrolled by
 * t->scroll, and release it; then the footer with these hints. */
void tui_page(struct tui *t, struct tui_doc *d, const char *hints)
{
    int rows, cols;

    tui_term_size(&rows, &cols);
    tui_draw_doc(&t->term, d, HEADER_ROWS, rows - HEADER_ROWS - 1, &t->scroll);
    tui_doc_release(d);
    tui_footer(t, hints);
}
void tui_screen_open(struct tui *t, enum tui_screen scr)
{
    int field = t->screen == SCR_PASTE || t->screen == SCR_KEY;

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
    default:
        return 0;
    }
}
