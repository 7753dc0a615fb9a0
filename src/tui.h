/*
 * tui: the interactive doctor's private interface, shared by its files only.
 * tui.c owns the state, the probes and the main loop; each screen lives in a
 * file of its own with ncdu's trio X_init (enter it), X_draw (describe it)
 * and X_key (act on a key): tui_dash.c, tui_walk.c, tui_paste.c,
 * tui_newkey.c, tui_model.c, tui_limits.c, tui_statsopen.c (the prompt for
 * a log), tui_stats.c (reading it and its report) and tui_help.c. tui_frame.c holds
 * what every screen shares (documents, the header and the key bar, marks);
 * tui_input.c the text fields; tui_script.c the headless script reader;
 * tui_utf8.c the UTF-8 helpers. None of them makes a curses call.
 * tui_draw.c owns every curses call: the terminal (real or headless), input,
 * drawing and the screen dump; it sees only a struct tui_term, never the
 * state. cmd_tui.c is the command around them.
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
#include "rules.h"
#include "util.h"

struct options;
struct rule_table;
struct stats_read;

/* How a session ended, for the report printed after it. */
struct tui_outcome {
    int exit_code;    /* what the doctor exits with, and the report says */
    int interrupted;  /* Ctrl-C, SIGINT, SIGTERM or SIGHUP ended it */
    int stopped;      /* checks cut short by the quit: "not run (interrupted)" */
    int session_key;  /* a key was given for this session only */
    char *model;      /* the model chosen for this session only, or NULL */
    char *orig_model; /* the model the configuration names, when model is set */
};
void tui_outcome_release(struct tui_outcome *o);

/* Run the doctor on *runp until the user quits. The run may be replaced by
 * one with a new key; *runp is valid on return and owned by the caller.
 * Transfers still in flight at the quit are stopped at once. Returns 0 and
 * fills *out after a quit or an interrupt, or a negative status after an
 * error (the terminal is restored first and the message printed). */
int tui_main(struct check_run **runp, const struct rule_table *rt, const struct options *opt,
             struct tui_outcome *out);

/* Put in a text where the terminal's real cursor belongs (an input field):
 * drawn as nothing, it moves the cursor there, for screen readers and
 * braille displays that follow it. A private-use code point. */
#define TUI_CURSOR "\xee\x80\x80"
#define TUI_CURSOR_CP 0xe000

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
    EV_RUN,    /* script: run the probes for key milliseconds */
    EV_RESIZE, /* the terminal changed size (a script's: to rows x cols) */
    EV_DUMP,   /* script: dump the screen */
    EV_END     /* no more input: quit */
};

struct tui_event {
    enum tui_event_type type;
    int key;
    char *text; /* owned by the event; wiped and freed by tui_event_release() */
    size_t len;
    int rows, cols; /* a script's resize; 0 when the terminal resized itself */
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

enum tui_screen {
    SCR_DASH,
    SCR_WALK,
    SCR_PASTE,
    SCR_KEY,
    SCR_MODEL,
    SCR_LIMITS,
    SCR_STATS_OPEN,
    SCR_STATS
};

/*
 * Every action, its help line and up to three keys: the one table the key
 * dispatch and the help overlay are both generated from.
 */
#define TUI_ACTIONS(X)                                                                             \
    X(ACT_DOWN, "move down (scroll in a long text)", 'j', TK_DOWN, 0)                              \
    X(ACT_UP, "move up (scroll back)", 'k', TK_UP, 0)                                              \
    X(ACT_PGDN, "scroll the text a page down", TK_PGDN, ' ', 0)                                    \
    X(ACT_PGUP, "scroll the text a page up", TK_PGUP, 0, 0)                                        \
    X(ACT_TOP, "go to the top of the text", 'g', TK_HOME, 0)                                       \
    X(ACT_BOTTOM, "go to the end of the text", 'G', TK_END, 0)                                     \
    X(ACT_OPEN, "open the walkthrough, or pick the model in the list", TK_ENTER, 0, 0)             \
    X(ACT_NEXT, "next step of the fix", 'n', TK_RIGHT, 0)                                          \
    X(ACT_PREV, "previous step of the fix", 'b', TK_LEFT, 0)                                       \
    X(ACT_BACK, "back", TK_ESC, TK_BACKSPACE, 0)                                                   \
    X(ACT_RAW, "show or fold the raw message of the error", 'v', 0, 0)                             \
    X(ACT_RERUN, "re-run the selected check", 'r', 0, 0)                                           \
    X(ACT_RERUN_ALL, "re-run all checks", 'R', 0, 0)                                               \
    X(ACT_PASTE, "paste an error to explain", 'p', 0, 0)                                           \
    X(ACT_MODEL, "pick another model from the live list", 'm', 0, 0)                               \
    X(ACT_NEWKEY, "use a new API key for this session", 'K', 0, 0)                                 \
    X(ACT_LIMITS, "rate limits and the daily reset", 'l', 0, 0)                                    \
    X(ACT_STATS, "open a response log and show its error report", 's', 0, 0)                       \
    X(ACT_SEARCH, "search the limits page (then n and N)", '/', 0, 0)                              \
    X(ACT_SEARCH_PREV, "the previous match of the search", 'N', 0, 0)                              \
    X(ACT_HELP, "this help", '?', 0, 0)                                                            \
    X(ACT_QUIT, "quit and print the report", 'q', 0, 0)

#define X(e, help, k1, k2, k3) e,
enum action { ACT_NONE, TUI_ACTIONS(X) ACT_COUNT };
#undef X

/* tui.c: the table TUI_ACTIONS generates, for the dispatch and the help. */
struct tui_action_row {
    enum action act;
    const char *help;
    int keys[3];
};
extern const struct tui_action_row tui_actions[ACT_COUNT - 1];

/* What the drawing side knows of the terminal: nothing of the state. */
struct tui_term {
    int headless; /* drawn on /dev/null for scripted tests */
    int utf8;     /* the locale's character set is UTF-8 */
    int color;    /* colour wanted and available */
};

/* The stats prompt: the longest line it takes, and how many lines of this
 * session it keeps for Up and Down. */
#define STATS_ARGS_MAX 512
#define STATS_HIST 8

/* The whole UI state. Only the screens and the loop change it. */
struct tui {
    struct check_run *run;
    const struct rule_table *rt;
    const struct options *opt;
    struct tui_term term;

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

    char search[64]; /* the limits page's search text, "" when none */
    int search_edit; /* the search text is being typed */
    int search_hit;  /* the paragraph of the current match, or -1 */
    int search_dir;  /* a move to the next (1) or previous (-1) match is due */

    int user_moved;      /* the user moved the selection: results no longer do */
    int show_raw;        /* the walkthrough shows the raw message unfolded */
    int session_changed; /* a key or model was changed for this session only */
    int real_exit;       /* the exit the user's own configuration earned */
    int session_key;     /* a key was given for this session */
    char *orig_model;    /* the model before the session changed it */

    /* The stats screen: the log read (or being read a slice at a time
     * between keys), and what was typed at the prompt, newest first. */
    struct stats_read *stats;
    int stats_reading; /* a log is being read */
    int stats_file;    /* the file being read, of the reading's files */
    char stats_hist[STATS_HIST][STATS_ARGS_MAX + 1];
    int stats_nhist;
    int stats_hpos; /* the history entry in the field, or -1 */

    int quit;
    int failed; /* the probes failed internally: said once the terminal is back */
};

/* The longest key accepted in the key field, and the largest paste. */
#define KEY_INPUT_MAX 512
#define PASTE_INPUT_MAX ((size_t)1 << 20)

/* Rows 0-2 are the header (row 2 the verdict), row 3 a rule: screens draw
 * below HEADER_ROWS. The last FOOTER_ROWS rows are the status message and
 * the key bar. */
#define HEADER_ROWS 4
#define FOOTER_ROWS 2

/* Below this size a screen cannot hold the list of checks and the first
 * step of a fix: a notice says so instead of a cut screen. */
#define TUI_MIN_COLS 60
#define TUI_MIN_ROWS 18

/* tui.c: a monotonic clock in milliseconds. */
double tui_mono_ms(void);

/* tui.c: the probes. */
int tui_start_run(struct tui *t, int only);
/* The exit code the doctor will end with: check's, for the user's own
 * configuration (what changed for this session only does not count). */
int tui_exit_code(const struct tui *t);
void tui_session_change(struct tui *t);
void tui_busy(struct tui *t, const char *what);

/* tui_frame.c: what every screen shares. Every text added to a document is
 * redacted on the way in, so no key can reach the screen. */
int tui_doc_add(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Add a check's extra facts: a status feed writes its updates in Markdown,
 * whose bold markers (**Summary:**) are dropped rather than shown raw. */
void tui_doc_add_facts(struct tui_doc *d, enum tui_style st, int indent, int hang, const char *s);
void tui_msg(struct tui *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tui_done(enum check_result r);
const struct check *tui_check(const struct tui *t, int id);
enum check_result tui_result(const struct tui *t, int id);
void tui_format_wait(double secs, char *buf, size_t size);
int tui_page_rows(void);
const char *tui_mark(const struct tui *t, enum check_result r);
const char *tui_mark_word(enum check_result r);
/* The verdict line in two parts: buf (may be cut) and tail (the wait and
 * the exit code, never cut); returns its style. */
enum tui_style tui_verdict(const struct tui *t, char *buf, size_t size, char *tail,
                           size_t tail_size);
enum tui_style tui_result_style(enum check_result r);
void tui_header(struct tui *t, const char *title);
/* Draw the "terminal too small" notice and return 1 when the terminal is
 * below TUI_MIN_COLS x TUI_MIN_ROWS; 0 otherwise. */
int tui_too_small(struct tui *t);
void tui_footer(struct tui *t, const char *hints);
void tui_page(struct tui *t, struct tui_doc *d, const char *hints);
void tui_screen_open(struct tui *t, enum tui_screen scr);
/* Is scr a text field (every key is typed into it, q too)? */
int tui_field_screen(enum tui_screen scr);
void tui_screen_back(struct tui *t);
int tui_scroll_key(int *scroll, enum action act);

/* tui_input.c: the text fields (the key field and the paste box). */
void tui_input_wipe(struct tui *t);
void tui_input_reserve(struct tui *t, size_t max);
void tui_input_add(struct tui *t, int cp, size_t max);
void tui_input_key(struct tui *t, int key, size_t max);

/* The screens. X_key gets the raw key and the action it maps to (ACT_NONE
 * when none); the text fields read the raw key, the others the action. */
void dash_init(struct tui *t);
void dash_draw(struct tui *t);
void dash_key(struct tui *t, int key, enum action act);
void walk_init(struct tui *t, int check);
void walk_draw(struct tui *t);
void walk_key(struct tui *t, int key, enum action act);
/* The "What to do now" pane of a diagnosis at step (0-based): the step and
 * the fixes the rules data offers here (check is the check walked through,
 * or -1 for a paste, which cannot be re-checked). */
void tui_fix_pane(const struct tui *t, struct tui_doc *d, const struct diagnosis *g, int step,
                  int check);
int tui_fix_offers(const struct tui *t, const char *cause, enum cause_action act);
void paste_init(struct tui *t);
void paste_draw(struct tui *t);
void paste_key(struct tui *t, int key, enum action act);
void paste_submit(struct tui *t);
void key_init(struct tui *t);
void key_draw(struct tui *t);
void key_key(struct tui *t, int key, enum action act);
void model_init(struct tui *t);
void model_draw(struct tui *t);
void model_key(struct tui *t, int key, enum action act);
void model_release(struct tui *t);
void limits_init(struct tui *t);
void limits_draw(struct tui *t);
void limits_key(struct tui *t, int key, enum action act);
/* A key while the search text is typed (Enter searches, Esc cancels). */
void limits_search_key(struct tui *t, int key);
void tstats_open_init(struct tui *t);
void tstats_open_draw(struct tui *t);
void tstats_open_key(struct tui *t, int key, enum action act);
/* Start reading the logs the prompt names (argv as the stats command takes
 * it): 0 and the report screen opens, or -1 after a message. */
int tstats_start(struct tui *t, int argc, char **argv);
void tstats_draw(struct tui *t);
void tstats_key(struct tui *t, int key, enum action act);
/* Read the log for about ms milliseconds, when one is being read. */
void tstats_poll(struct tui *t, int ms);
void tstats_release(struct tui *t);
void help_init(struct tui *t);
void help_draw(struct tui *t);
void help_key(struct tui *t, int key, enum action act);

/* tui_script.c: headless scripts. script_next reads the next event from f
 * (a resize event carries the new size in rows and cols). */
const char *tui_key_name(int key, char buf[8]);
int tui_script_next(FILE *f, int *lineno, struct tui_event *ev);
void tui_parse_size(const char *s, int *rows, int *cols);

/* tui_draw.c: the terminal. */
int tui_term_open(struct tui_term *tt, int rows, int cols);
void tui_term_close(struct tui_term *tt);
int tui_term_read(struct tui_term *tt, int timeout_ms, struct tui_event *ev);
void tui_term_resize(struct tui_term *tt, int rows, int cols);
void tui_term_size(int *rows, int *cols);
int tui_term_dump(FILE *out);

/* tui_draw.c: drawing. Rows are screen rows; a document fills rows
 * [top, top + height) and clamps *scroll so the end stays reachable. */
void tui_draw_begin(struct tui_term *tt);
void tui_draw_text(struct tui_term *tt, int row, int col, int width, enum tui_style st,
                   const char *s);
void tui_draw_rule(struct tui_term *tt, int row);
void tui_draw_doc(struct tui_term *tt, const struct tui_doc *d, int top, int height, int *scroll);
/* A box over the screen with title in its top border and d inside. */
void tui_draw_box(struct tui_term *tt, const char *title, const struct tui_doc *d, int *scroll);
void tui_draw_end(struct tui_term *tt);
/* How many rows d takes wrapped to width columns. */
int tui_doc_rows(const struct tui_term *tt, const struct tui_doc *d, int width);
int tui_text_width(const struct tui_term *tt, const char *s);

#endif
