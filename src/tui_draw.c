/*
 * tui_draw: every curses call of the interactive doctor. It opens the
 * terminal (a real one, or a headless one on /dev/null for scripted tests),
 * turns keystrokes and bracketed pastes into events, draws styled and
 * wrapped text, and dumps the screen as plain text. It knows nothing of
 * checks or diagnoses, and sees only a struct tui_term: the screens tell it
 * what to draw.
 */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "tui.h"

/* Key codes for the bracketed paste markers, above every ncurses key. */
#define KEY_PASTE_BEGIN (KEY_MAX + 101)
#define KEY_PASTE_END (KEY_MAX + 102)

/* A paste larger than this is cut; the rest is read and dropped. */
#define PASTE_MAX ((size_t)1 << 20)

/* A paste that never sends its end marker is closed after this long. */
#define PASTE_IDLE_MS 3000

/* Without bracketed paste: characters less than BURST_GAP_MS apart, at
 * least BURST_MIN of them, are a paste. */
#define BURST_GAP_MS 8
#define BURST_MIN 4

enum { PAIR_TITLE = 1, PAIR_PASS, PAIR_WARN, PAIR_FAIL };

static SCREEN *screen;
/* Where the last TUI_CURSOR was drawn this frame, or -1. */
static int cursor_y = -1, cursor_x = -1;
static FILE *null_out, *null_in;

int tui_term_open(struct tui_term *t, int rows, int cols)
{
    const char *cs;

    setlocale(LC_ALL, "");
    cs = nl_langinfo(CODESET);
    t->utf8 = cs && strcmp(cs, "UTF-8") == 0;
    /* Numbers in the final report must not follow a locale's decimal comma. */
    setlocale(LC_NUMERIC, "C");

    if (t->headless) {
        null_out = fopen("/dev/null", "w");
        null_in = fopen("/dev/null", "r");
        if (!null_out || !null_in)
            goto fail;
        use_env(FALSE);
        screen = newterm("xterm-256color", null_out, null_in);
    } else {
        screen = newterm(NULL, stdout, stdin);
    }
    if (!screen) {
        error("cannot open the terminal (TERM='%s')", getenv("TERM") ? getenv("TERM") : "");
        goto fail;
    }
    set_term(screen);
    if (t->headless)
        resizeterm(rows, cols);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    define_key("\033[200~", KEY_PASTE_BEGIN);
    define_key("\033[201~", KEY_PASTE_END);

    if (t->color && has_colors()) {
        start_color();
        use_default_colors();
        init_pair(PAIR_TITLE, COLOR_CYAN, -1);
        init_pair(PAIR_PASS, COLOR_GREEN, -1);
        init_pair(PAIR_WARN, COLOR_YELLOW, -1);
        init_pair(PAIR_FAIL, COLOR_RED, -1);
    } else {
        t->color = 0;
    }
    if (!t->headless) {
        /* Bracketed paste: the terminal marks a paste so it is one event. */
        fputs("\033[?2004h", stdout);
        fflush(stdout);
    }
    return 0;
fail:
    if (null_out)
        fclose(null_out);
    if (null_in)
        fclose(null_in);
    null_out = null_in = NULL;
    return -1;
}

void tui_term_close(struct tui_term *t)
{
    if (!screen)
        return;
    if (!t->headless) {
        fputs("\033[?2004l", stdout);
        fflush(stdout);
    }
    endwin();
    delscreen(screen);
    screen = NULL;
    if (null_out)
        fclose(null_out);
    if (null_in)
        fclose(null_in);
    null_out = null_in = NULL;
}

void tui_term_resize(struct tui_term *t, int rows, int cols)
{
    (void)t;
    resizeterm(rows, cols);
}

void tui_term_size(int *rows, int *cols)
{
    int r, c;
    getmaxyx(stdscr, r, c);
    *rows = r;
    *cols = c;
}

static int read_paste(struct tui_event *ev)
{
    struct sbuf sb;
    wint_t wc;

    /* Allocated at full size at once, so that a pasted key is never left
     * behind in a buffer that realloc moved. */
    sbuf_init(&sb);
    sbuf_grow(&sb, PASTE_MAX + 8);
    timeout(PASTE_IDLE_MS);
    for (;;) {
        int r = wget_wch(stdscr, &wc);
        char u[4];
        size_t n;
        if (r == ERR)
            break;
        if (r == KEY_CODE_YES) {
            if (wc == KEY_PASTE_END)
                break;
            if (wc == KEY_ENTER)
                wc = '\n';
            else
                continue;
        }
        if (wc == '\r')
            wc = '\n';
        if (sb.len + 4 > PASTE_MAX)
            continue;
        n = tui_utf8_encode(u, (int)wc);
        sbuf_add(&sb, u, n);
    }
    ev->type = EV_PASTE;
    ev->len = sb.len;
    ev->text = sbuf_detach(&sb);
    return 0;
}

/* Characters read ahead while telling a burst from typing, handed out one
 * key at a time when they were typing after all. */
static wint_t pending[BURST_MIN];
static int npending, next_pending;

/* A terminal without bracketed paste sends a paste as a burst of
 * characters faster than anyone types: the rest of the burst is already
 * waiting. Read what follows wc within BURST_GAP_MS of each character; at
 * least BURST_MIN characters are a paste (returned as one), fewer are keys
 * (kept in pending). A paste is never run as commands: the "q" of "quota"
 * does not quit. */
static int read_burst(wint_t wc, struct tui_event *ev)
{
    struct sbuf sb;
    wint_t c = wc;
    int n = 0, r = OK;

    sbuf_init(&sb);
    sbuf_grow(&sb, PASTE_MAX + 8);
    timeout(BURST_GAP_MS);
    for (;;) {
        char u[4];
        if (r == KEY_CODE_YES && c != KEY_ENTER)
            break;
        if (r == KEY_CODE_YES || c == '\r')
            c = '\n';
        if (n < BURST_MIN)
            pending[n] = c;
        n++;
        if (sb.len + 4 <= PASTE_MAX)
            sbuf_add(&sb, u, tui_utf8_encode(u, (int)c));
        r = wget_wch(stdscr, &c);
        if (r == ERR)
            break;
    }
    if (n >= BURST_MIN) {
        ev->type = EV_PASTE;
        ev->len = sb.len;
        ev->text = sbuf_detach(&sb);
        return 1;
    }
    explicit_bzero(sb.buf, sb.cap);
    sbuf_release(&sb);
    npending = n;
    next_pending = 0;
    return 0;
}

int tui_term_read(struct tui_term *t, int timeout_ms, struct tui_event *ev)
{
    wint_t wc;
    int r;

    memset(ev, 0, sizeof(*ev));
    if (next_pending < npending) {
        wc = pending[next_pending++];
        r = OK;
    } else {
        timeout(timeout_ms);
        r = wget_wch(stdscr, &wc);
        if (r == ERR) {
            ev->type = EV_NONE;
            return 0;
        }
        if (r == OK && !t->headless && wc >= 0x20 && wc != 0x7f && read_burst(wc, ev))
            return 0;
        if (r == OK && next_pending < npending)
            wc = pending[next_pending++];
    }
    ev->type = EV_KEY;
    if (r == KEY_CODE_YES) {
        switch (wc) {
        case KEY_UP:
            ev->key = TK_UP;
            break;
        case KEY_DOWN:
            ev->key = TK_DOWN;
            break;
        case KEY_LEFT:
            ev->key = TK_LEFT;
            break;
        case KEY_RIGHT:
            ev->key = TK_RIGHT;
            break;
        case KEY_PPAGE:
            ev->key = TK_PGUP;
            break;
        case KEY_NPAGE:
            ev->key = TK_PGDN;
            break;
        case KEY_HOME:
            ev->key = TK_HOME;
            break;
        case KEY_END:
            ev->key = TK_END;
            break;
        case KEY_ENTER:
            ev->key = TK_ENTER;
            break;
        case KEY_BACKSPACE:
            ev->key = TK_BACKSPACE;
            break;
        case KEY_RESIZE:
            ev->type = EV_RESIZE;
            break;
        case KEY_PASTE_BEGIN:
            return read_paste(ev);
        default:
            ev->type = EV_NONE;
            break;
        }
        return 0;
    }
    switch (wc) {
    case '\n':
    case '\r':
        ev->key = TK_ENTER;
        break;
    case 27:
        ev->key = TK_ESC;
        break;
    case 127:
    case 8:
        ev->key = TK_BACKSPACE;
        break;
    case '\t':
        ev->key = TK_TAB;
        break;
    default:
        ev->key = (int)wc;
        break;
    }
    return 0;
}

static attr_t style_attr(const struct tui_term *t, enum tui_style st)
{
    switch (st) {
    case ST_NORMAL:
        return A_NORMAL;
    case ST_BOLD:
        return A_BOLD;
    case ST_TITLE:
        return A_BOLD | (t->color ? COLOR_PAIR(PAIR_TITLE) : A_NORMAL);
    case ST_PASS:
        return t->color ? COLOR_PAIR(PAIR_PASS) : A_NORMAL;
    case ST_WARN:
        return A_BOLD | (t->color ? COLOR_PAIR(PAIR_WARN) : A_NORMAL);
    case ST_FAIL:
        return A_BOLD | (t->color ? COLOR_PAIR(PAIR_FAIL) : A_NORMAL);
    case ST_DIM:
        return A_DIM;
    case ST_SEL:
        return A_REVERSE;
    }
    return A_NORMAL;
}

/* The ASCII stand-in for a character the locale cannot show. */
static const char *ascii_for(int cp)
{
    switch (cp) {
    case 0x2026:
        return "...";
    case 0x2022:
        return "*";
    case 0x2713:
        return "+";
    case 0x2717:
        return "x";
    case 0x2014:
    case 0x2013:
    case 0x2500:
        return "-";
    case 0x2502:
        return "|";
    case 0x2191:
        return "^";
    case 0x2193:
        return "v";
    case 0x2018:
    case 0x2019:
        return "'";
    case 0x201c:
    case 0x201d:
        return "\"";
    case 0x2192:
        return "->";
    }
    return "?";
}

/* Columns the code point takes; control characters are shown as '?'. */
static int cp_width(const struct tui_term *t, int cp)
{
    int w;
    if (cp == TUI_CURSOR_CP)
        return 0;
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
        return 1;
    if (cp < 0x80)
        return 1;
    if (!t->utf8)
        return (int)strlen(ascii_for(cp));
    w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int tui_text_width(const struct tui_term *t, const char *s)
{
    size_t i = 0, len = strlen(s);
    int w = 0;
    while (i < len)
        w += cp_width(t, tui_utf8_decode(s, len, &i));
    return w;
}

/* Draw s[0..len) at the cursor in at most width columns. */
static void put_text(const struct tui_term *t, const char *s, size_t len, int width)
{
    size_t i = 0;
    int used = 0;

    while (i < len) {
        int cp = tui_utf8_decode(s, len, &i);
        int w = cp_width(t, cp);
        if (used + w > width)
            break;
        used += w;
        if (cp == TUI_CURSOR_CP) {
            getyx(stdscr, cursor_y, cursor_x);
            continue;
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
            addch(cp == '\t' ? ' ' : '?');
        } else if (cp < 0x80) {
            addch((chtype)cp);
        } else if (!t->utf8) {
            addstr(ascii_for(cp));
        } else {
            wchar_t wc[2] = {(wchar_t)cp, 0};
            addnwstr(wc, 1);
        }
    }
}

/* Draw s[0..len) in width columns; a text that does not fit ends in an
 * ellipsis, so a cut row says it was cut. */
static void put_cut(const struct tui_term *t, const char *s, size_t len, int width)
{
    int ell = cp_width(t, 0x2026);
    size_t i = 0, end = 0;
    int used = 0;

    if (tui_text_width(t, s) <= width || width <= ell) {
        put_text(t, s, len, width);
        return;
    }
    while (i < len) {
        size_t j = i;
        int w = cp_width(t, tui_utf8_decode(s, len, &j));
        if (used + w > width - ell)
            break;
        used += w;
        i = j;
        end = i;
    }
    put_text(t, s, end, width - ell);
    put_text(t, "\xe2\x80\xa6", 3, ell);
}

void tui_draw_text(struct tui_term *t, int row, int col, int width, enum tui_style st,
                   const char *s)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    if (row < 0 || row >= rows || col < 0 || col >= cols)
        return;
    if (width > cols - col)
        width = cols - col;
    if (width <= 0)
        return;
    move(row, col);
    attrset(style_attr(t, st));
    put_cut(t, s, strlen(s), width);
    attrset(A_NORMAL);
}

void tui_draw_rule(struct tui_term *t, int row)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    if (row < 0 || row >= rows)
        return;
    move(row, 0);
    attrset(A_DIM);
    for (int x = 0; x < cols; x++)
        put_text(t, "\xe2\x94\x80", 3, 1);
    attrset(A_NORMAL);
}

/* One wrapped row of a document. */
struct row {
    const char *s;
    size_t len;
    int col;
    enum tui_style st;
    int para;
};

struct rows {
    struct row *r;
    int n, cap;
};

static void rows_add(struct rows *rs, const char *s, size_t len, int col, enum tui_style st,
                     int para)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->r = xrealloc(rs->r, (size_t)rs->cap * sizeof(*rs->r));
    }
    rs->r[rs->n].s = s;
    rs->r[rs->n].len = len;
    rs->r[rs->n].col = col;
    rs->r[rs->n].st = st;
    rs->r[rs->n].para = para;
    rs->n++;
}

/* Wrap one paragraph to width columns: break at the last space that fits,
 * or inside a word longer than a line; a newline starts a new first line. */
/* Does a URL start at s? */
static int url_at(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* Columns of the word at s[0..len): up to a space or a newline. */
static int word_width(const struct tui_term *t, const char *s, size_t len)
{
    size_t i = 0;
    int w = 0;
    while (i < len && s[i] != ' ' && s[i] != '\n')
        w += cp_width(t, tui_utf8_decode(s, len, &i));
    return w;
}

/* Wrap one paragraph to width columns: break at the last space that fits,
 * or inside a word longer than a line; a newline starts a new first line.
 * A URL is never broken across rows where a break before it helps, and a
 * URL that starts a wrapped row starts at the screen's edge (margin columns
 * left of the text, and as many right of it), without the hanging indent,
 * so that it can be selected and clicked whole. Only a URL wider than the
 * screen is split, its rest again at the edge. */
static void wrap_para(const struct tui_term *t, const struct tui_para *p, int para, int width,
                      int margin, struct rows *rs)
{
    const char *s = p->text;
    size_t len = strlen(s), pos = 0;
    int first = 1, in_url = 0;

    if (len == 0) {
        rows_add(rs, s, 0, p->indent, p->style, para);
        return;
    }
    while (pos < len) {
        int col = p->indent + (first ? 0 : p->hang);
        int avail;
        size_t i = pos, brk = 0;
        int w = 0, have_brk = 0, nl = 0;

        avail = width - col;
        if (in_url || (!first && url_at(s + pos))) {
            col = -margin;
            avail = width + 2 * margin;
        }
        if (avail < 1) {
            col = 0;
            avail = width > 0 ? width : 1;
        }
        while (i < len) {
            size_t j = i;
            int cp = tui_utf8_decode(s, len, &j);
            int cw;
            if (cp == '\n') {
                nl = 1;
                break;
            }
            cw = cp_width(t, cp);
            if (w + cw > avail)
                break;
            if (cp == ' ' && i > pos) {
                brk = i;
                have_brk = 1;
                /* A URL that does not fit after this space goes to the next
                 * row whole. */
                if (url_at(s + j) && w + cw + word_width(t, s + j, len - j) > avail)
                    break;
            }
            w += cw;
            i = j;
        }
        if (nl || i >= len) {
            rows_add(rs, s + pos, i - pos, col, p->style, para);
            pos = nl ? i + 1 : i;
            first = nl;
            in_url = 0;
            if (nl && pos >= len)
                rows_add(rs, s + pos, 0, p->indent, p->style, para);
            continue;
        }
        if (have_brk) {
            rows_add(rs, s + pos, brk - pos, col, p->style, para);
            pos = brk;
            in_url = 0;
        } else {
            in_url = in_url || url_at(s + pos);
            if (i == pos)
                tui_utf8_decode(s, len, &i);
            rows_add(rs, s + pos, i - pos, col, p->style, para);
            pos = i;
        }
        while (pos < len && s[pos] == ' ')
            pos++;
        first = 0;
    }
}

/* Draw d into the rectangle rows [top, top + height), columns [left, left +
 * width). When the text is longer, the last row says where we are. */
static void draw_doc_at(struct tui_term *t, const struct tui_doc *d, int top, int left, int height,
                        int width, int margin, int *scroll)
{
    struct rows rs = {NULL, 0, 0};
    int view = height, maxs;

    if (height <= 0 || width <= 0)
        return;
    for (int i = 0; i < d->n; i++)
        wrap_para(t, &d->p[i], i, width, margin, &rs);
    if (rs.n > height)
        view = height - 1;
    if (view < 1)
        view = 1;
    if (d->focus >= 0) {
        int first = -1, last = -1;
        for (int i = 0; i < rs.n; i++) {
            if (rs.r[i].para == d->focus) {
                if (first < 0)
                    first = i;
                last = i;
            }
        }
        if (first >= 0 && first < *scroll)
            *scroll = first;
        if (last >= 0 && last >= *scroll + view)
            *scroll = last - view + 1;
    }
    maxs = rs.n - view;
    if (maxs < 0)
        maxs = 0;
    if (*scroll > maxs)
        *scroll = maxs;
    if (*scroll < 0)
        *scroll = 0;
    for (int y = 0; y < view && *scroll + y < rs.n; y++) {
        const struct row *r = &rs.r[*scroll + y];
        /* A row at the edge (col < 0, a URL) may use the right margin too. */
        int w = r->col < 0 ? width + 2 * margin : width - r->col;
        if (w <= 0)
            continue;
        move(top + y, left + r->col);
        attrset(style_attr(t, r->st));
        if (r->st == ST_SEL) {
            /* A selected row is highlighted across the whole width. */
            int cy, cx;
            put_text(t, r->s, r->len, w);
            getyx(stdscr, cy, cx);
            (void)cy;
            for (int x = cx; x < left + width; x++)
                addch(' ');
        } else {
            put_text(t, r->s, r->len, w);
        }
        attrset(A_NORMAL);
    }
    if (rs.n > height) {
        char buf[96];
        snprintf(buf, sizeof(buf), "-- lines %d-%d of %d: j/k, PgUp/PgDn to scroll --", *scroll + 1,
                 *scroll + view < rs.n ? *scroll + view : rs.n, rs.n);
        move(top + height - 1, left);
        attrset(A_DIM);
        put_text(t, buf, strlen(buf), width);
        attrset(A_NORMAL);
    }
    free(rs.r);
}

int tui_doc_rows(const struct tui_term *t, const struct tui_doc *d, int width)
{
    struct rows rs = {NULL, 0, 0};
    int n;

    for (int i = 0; i < d->n; i++)
        wrap_para(t, &d->p[i], i, width, 1, &rs);
    n = rs.n;
    free(rs.r);
    return n;
}

void tui_draw_doc(struct tui_term *t, const struct tui_doc *d, int top, int height, int *scroll)
{
    int rows, cols;
    tui_term_size(&rows, &cols);
    if (top + height > rows)
        height = rows - top;
    draw_doc_at(t, d, top, 1, height, cols - 2, 1, scroll);
}

void tui_draw_box(struct tui_term *t, const char *title, const struct tui_doc *d, int *scroll)
{
    int rows, cols, w, h, top, left;
    const char *hz = "\xe2\x94\x80", *vt = "\xe2\x94\x82";

    tui_term_size(&rows, &cols);
    w = cols - 4 < 72 ? cols - 4 : 72;
    h = rows;
    if (w < 10 || h < 4)
        return;
    top = 0;
    left = (cols - w) / 2;
    for (int y = 0; y < h; y++) {
        move(top + y, left);
        attrset(A_NORMAL);
        for (int x = 0; x < w; x++) {
            int edge_y = y == 0 || y == h - 1, edge_x = x == 0 || x == w - 1;
            if (edge_y && edge_x)
                addch('+');
            else if (edge_y)
                put_text(t, hz, 3, 1);
            else if (edge_x)
                put_text(t, vt, 3, 1);
            else
                addch(' ');
        }
    }
    draw_doc_at(t, d, top + 1, left + 2, h - 2, w - 4, 0, scroll);
    if (title) {
        move(top, left + 2);
        attrset(style_attr(t, ST_TITLE));
        put_cut(t, title, strlen(title), w - 4);
        attrset(A_NORMAL);
    }
}

void tui_draw_begin(struct tui_term *t)
{
    (void)t;
    cursor_y = cursor_x = -1;
    erase();
}

/* The real cursor is shown where an input field put TUI_CURSOR, and
 * hidden everywhere else. */
void tui_draw_end(struct tui_term *t)
{
    (void)t;
    if (cursor_y >= 0) {
        move(cursor_y, cursor_x);
        curs_set(1);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
}

int tui_term_dump(FILE *out)
{
    int rows, cols;

    tui_term_size(&rows, &cols);
    fputs("--- screen ---\n", out);
    for (int y = 0; y < rows; y++) {
        struct sbuf line;
        sbuf_init(&line);
        for (int x = 0; x < cols; x++) {
            cchar_t cc;
            wchar_t wch[CCHARW_MAX + 1];
            attr_t attrs;
            short pair;
            char mb[8];
            int w;
            if (mvwin_wch(stdscr, y, x, &cc) == ERR)
                break;
            if (getcchar(&cc, wch, &attrs, &pair, NULL) == ERR || wch[0] == 0)
                continue;
            if (wch[0] < 0x80) {
                sbuf_addc(&line, (char)wch[0]);
            } else {
                mbstate_t st;
                size_t n;
                memset(&st, 0, sizeof(st));
                n = wcrtomb(mb, wch[0], &st);
                if (n == (size_t)-1)
                    sbuf_addc(&line, '?');
                else
                    sbuf_add(&line, mb, n);
            }
            w = wcwidth(wch[0]);
            if (w > 1)
                x += w - 1;
        }
        while (line.len > 0 && line.buf[line.len - 1] == ' ')
            line.buf[--line.len] = '\0';
        if (line.len)
            fputs(line.buf, out);
        fputc('\n', out);
        sbuf_release(&line);
    }
    fputs("--- screen ---\n", out);
    fflush(out);
    return ferror(out) ? -1 : 0;
}
