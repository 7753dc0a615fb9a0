/*
 * tui: the interactive doctor's private interface, shared by its files only.
 * tui.c owns the state, the screens (X_init, X_draw, X_key, as in ncdu) and
 * the main loop, and makes no curses call; tui_draw.c owns every curses call:
 * the terminal (real or headless), input, drawing and the screen dump.
 * cmd_tui.c is the command around them.
 *
 * The TUI never decides a diagnosis: it shows what check.h and diagnose()
 * produce. The API key is never drawn; every string drawn passes through
 * key_redact(), and a key typed in is shown as bullets only.
 */
#ifndef GD_TUI_H
#define GD_TUI_H

#include <stdio.h>
#include <time.h>

#include "check.h"
#include "diagnosis.h"
#include "util.h"

struct options;
struct rule_table;

/* Run the doctor on *runp until the user quits. The run may be replaced by
 * one with a new key; *runp is valid on return and owned by the caller.
 * Returns 0 after a normal quit, 1 after an interrupt (Ctrl-C, SIGTERM), or
 * a negative status after an error (the terminal is restored first and the
 * message printed). */
int tui_main(struct check_run **runp, const struct rule_table *rt, const struct options *opt);

/* Keys are Unicode code points, or these codes above the Unicode range. */
enum tui_keycode {
    TK_UP = 0x110001,
    TK_DOWN,
    TK_LEFT,
    TK_RIGHT,
    TK_PGUP,
    TK_PGDN,
    TK_HOME,
    TK_END,
    TK_ENTER,
    TK_ESC,
    TK_BACKSPACE,
    TK_TAB
};
#define TK_CTRL(c) ((c)&0x1f)

/* One input event: from the keyboard or from a headless script line. */
enum tui_event_type {
    EV_NONE,   /* a timeout: nothing happened */
    EV_KEY,    /* key */
    EV_TEXT,   /* text: characters typed */
    EV_PASTE,  /* text: a bracketed paste */
    EV_WAIT,   /* script: run the probes to the end */
    EV_RESIZE, /* the terminal changed size (already applied) */
    EV_DUMP,   /* script: dump the screen */
    EV_END     /* no more input: quit */
};

struct tui_event {
    enum tui_event_type type;
    int key;
    char *text; /* owned by the event; wiped and freed by tui_event_release() */
    size_t len;
};
void tui_event_release(struct tui_event *ev);

/* Encode code point cp as UTF-8 into out; returns the byte count (1..4). */
size_t tui_utf8_encode(char out[4], int cp);
/* Decode the code point at s[*i] (s has len bytes) and advance *i; invalid
 * bytes decode as U+FFFD one at a time. */
int tui_utf8_decode(const char *s, size_t len, size_t *i);

/* A scrollable document: paragraphs that the drawing side wraps to the
 * width. tui.c builds one per frame; every text is redacted on the way in. */
enum tui_style { ST_NORMAL, ST_BOLD, ST_TITLE, ST_PASS, ST_WARN, ST_FAIL, ST_DIM, ST_SEL };

struct tui_para {
    enum tui_style style;
    int indent; /* columns before the first line */
    int hang;   /* further columns before continuation lines */
    char *text;
};

struct tui_doc {
    struct tui_para *p;
    int n, cap;
    int focus; /* paragraph kept in view (a selected list row), or -1 */
};
void tui_doc_init(struct tui_doc *d);
void tui_doc_release(struct tui_doc *d);

enum tui_screen { SCR_DASH, SCR_WALK, SCR_PASTE, SCR_KEY, SCR_MODEL, SCR_LIMITS };

/* The whole UI state. The drawing side reads it; only tui.c changes it,
 * except for the scroll offsets that drawing clamps to the text. */
struct tui {
    struct check_run *run;
    const struct rule_table *rt;
    const struct options *opt;

    enum tui_screen screen;
    enum tui_screen back; /* where Esc returns from an input screen */
    int help;             /* the help overlay is up */
    int help_scroll;
    int sel;           /* the selected check on the dashboard */
    int scroll;        /* of the current screen's document */
    int detail_scroll; /* of the dashboard's detail pane */

    int walk_check; /* the check walked through, or -1: the paste */
    int walk_step;  /* the fix step shown, 0-based */

    struct diagnosis paste_diag;
    int have_paste;
    time_t paste_at;

    /* What was seen of each check, to tell "fixed" and to time countdowns. */
    enum check_result seen[CHECK_COUNT];
    time_t arrived[CHECK_COUNT];
    int recheck[CHECK_COUNT]; /* re-run after a warn or fail: watch for a pass */
    int fixed[CHECK_COUNT];

    struct sbuf input; /* the key field or the paste box; wiped on release */

    char **models; /* the model picker's candidates, closest first */
    int nmodels;
    int model_sel;
    int models_live; /* from the live list (else from the rules table) */
    char *model;     /* the model chosen in this session, or NULL */

    int running;   /* probes in flight */
    unsigned spin; /* spinner frame */
    char msg[256]; /* one-line status message */
    int msg_busy;  /* msg tells of running probes: replace it when done */

    int headless;
    int utf8;
    int color;
    int quit;
    int failed; /* the probes failed internally: said once the terminal is back */
};

/* tui_draw.c: the terminal. */
int tui_term_open(struct tui *t, int rows, int cols);
void tui_term_close(struct tui *t);
int tui_term_read(struct tui *t, int timeout_ms, struct tui_event *ev);
void tui_term_resize(struct tui *t, int rows, int cols);
void tui_term_size(int *rows, int *cols);
int tui_term_dump(FILE *out);

/* tui_draw.c: drawing. Rows are screen rows; a document fills rows
 * [top, top + height) and clamps *scroll so the end stays reachable. */
void tui_draw_begin(struct tui *t);
void tui_draw_text(struct tui *t, int row, int col, int width, enum tui_style st, const char *s);
void tui_draw_rule(struct tui *t, int row);
void tui_draw_doc(struct tui *t, const struct tui_doc *d, int top, int height, int *scroll);
void tui_draw_box(struct tui *t, const struct tui_doc *d, int *scroll);
void tui_draw_end(struct tui *t);
int tui_text_width(const struct tui *t, const char *s);

#endif
