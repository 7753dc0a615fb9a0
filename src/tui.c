/*
 * tui: the interactive doctor's state, probes and main loop. The loop
 * switches on the current screen (each one X_init, X_draw, X_key in a file
 * of its own), drives the probes a few milliseconds at a time between keys,
 * and reads its input from the keyboard or, headless, from the script named
 * by GEMINI_DOCTOR_TUI_SCRIPT.
 *
 * No curses call is made here. Nothing here decides a cause: checks come
 * from check.h, pasted errors go through reader_read() and diagnose().
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "options.h"
#include "rules_store.h"
#include "tui.h"

#define X(e, help, k1, k2, k3) {e, help, {k1, k2, k3}},
const struct tui_action_row tui_actions[ACT_COUNT - 1] = {TUI_ACTIONS(X)};
#undef X
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* A monotonic clock in milliseconds, for the script's "run MS" and the
 * stats screen's slices. */
double tui_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static enum action action_of(int key)
{
    for (size_t i = 0; i < ARRAY_SIZE(tui_actions); i++)
        for (int k = 0; k < 3; k++)
            if (tui_actions[i].keys[k] && tui_actions[i].keys[k] == key)
                return tui_actions[i].act;
    return ACT_NONE;
}
/* ---- the probes ---- */

void tui_busy(struct tui *t, const char *what)
{
    tui_msg(t, "%s", what);
    t->msg_busy = 1;
}

/* Remember which checks should be watched for a pass after a re-run. */
static void mark_rechecks(struct tui *t)
{
    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = tui_result(t, i);
        if (r == RES_WARN || r == RES_FAIL)
            t->recheck[i] = 1;
    }
}

int tui_start_run(struct tui *t, int only)
{
    if (t->running) {
        tui_msg(t, "probes are still running; try again when they finish");
        return -1;
    }
    mark_rechecks(t);
    if (check_run_start(t->run, only) < 0) {
        tui_msg(t, "could not start the probes");
        return -1;
    }
    t->running = 1;
    t->msg[0] = '\0';
    return 0;
}

int tui_exit_code(const struct tui *t)
{
    return t->session_changed ? t->real_exit : check_run_exit_code(t->run);
}

/* Called before the session's first change of key or model (never while
 * probes run): the exit stays what the user's own configuration earned. */
void tui_session_change(struct tui *t)
{
    if (t->session_changed)
        return;
    t->real_exit = check_run_exit_code(t->run);
    t->session_changed = 1;
}

/* Until the user moves the selection, it follows the results: the first
 * failing check, else the first warning, else the first row. */
static void auto_select(struct tui *t)
{
    int warn = -1;

    if (t->user_moved)
        return;
    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = tui_result(t, i);
        if (r == RES_FAIL) {
            t->sel = i;
            return;
        }
        if (r == RES_WARN && warn < 0)
            warn = i;
    }
    t->sel = warn >= 0 ? warn : 0;
}

/* Note each check's new result: the time it arrived (for countdowns) and,
 * when a watched check now passes, that it is fixed. */
static void observe(struct tui *t)
{
    int nfixed = 0, changed = 0;

    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = tui_result(t, i);
        if (r == t->seen[i])
            continue;
        t->seen[i] = r;
        changed = 1;
        if (tui_done(r))
            t->arrived[i] = gd_now();
        if (r != RES_PASS)
            t->fixed[i] = 0;
    }
    if (changed)
        auto_select(t);
    if (t->running)
        return;
    for (int i = 0; i < CHECK_COUNT; i++) {
        if (!t->recheck[i])
            continue;
        if (tui_result(t, i) == RES_PASS) {
            t->fixed[i] = 1;
            nfixed++;
        }
        t->recheck[i] = 0;
    }
    if (t->msg_busy) {
        t->msg_busy = 0;
        if (nfixed)
            tui_msg(t, "done: %d check%s fixed", nfixed, nfixed == 1 ? "" : "s");
        else
            tui_msg(t, "done");
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
/* ---- the loop ---- */

/* Each screen's drawing and its keys. A text field takes every key (it is
 * a field: 'q' is a letter there), the other screens only keys that map to
 * an action. */
static const struct {
    void (*draw)(struct tui *t);
    void (*key)(struct tui *t, int key, enum action act);
    int field;
} screens[] = {
    [SCR_DASH] = {dash_draw, dash_key, 0},
    [SCR_WALK] = {walk_draw, walk_key, 0},
    [SCR_PASTE] = {paste_draw, paste_key, 1},
    [SCR_KEY] = {key_draw, key_key, 1},
    [SCR_MODEL] = {model_draw, model_key, 0},
    [SCR_LIMITS] = {limits_draw, limits_key, 0},
    [SCR_STATS_OPEN] = {tstats_open_draw, tstats_open_key, 1},
    [SCR_STATS] = {tstats_draw, tstats_key, 0},
};

static void draw(struct tui *t)
{
    tui_draw_begin(&t->term);
    if (!tui_too_small(t)) {
        screens[t->screen].draw(t);
        if (t->help)
            help_draw(t);
    }
    tui_draw_end(&t->term);
}

/* Actions every screen shares, after the screen had its turn. */
static void global_key(struct tui *t, enum action act)
{
    switch (act) {
    case ACT_QUIT:
        t->quit = 1;
        break;
    case ACT_HELP:
        help_init(t);
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
    case ACT_STATS:
        tstats_open_init(t);
        break;
    case ACT_RERUN_ALL:
        if (tui_start_run(t, CHECK_COUNT) == 0)
            tui_busy(t, "re-running all checks...");
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
    if (t->search_edit) {
        limits_search_key(t, key);
        return;
    }
    act = action_of(key);
    if (t->help) {
        help_key(t, key, act);
        return;
    }
    if (screens[t->screen].field) {
        screens[t->screen].key(t, key, act);
        return;
    }
    if (act == ACT_NONE)
        return;
    t->msg[0] = '\0';
    screens[t->screen].key(t, key, act);
    global_key(t, act);
}

/* A bracketed paste: into the field that is open, else into a new paste
 * box, which the end of the paste submits. */
static void handle_paste(struct tui *t, const char *text, size_t len)
{
    size_t i = 0;

    t->help = 0;
    if (t->screen == SCR_KEY || t->screen == SCR_STATS_OPEN) {
        /* A copied key or path often carries the line's newline; the rest
         * is the field's. */
        size_t max = t->screen == SCR_KEY ? KEY_INPUT_MAX : STATS_ARGS_MAX;
        while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
            len--;
        while (i < len)
            tui_input_add(t, tui_utf8_decode(text, len, &i), max);
        return;
    }
    if (t->screen != SCR_PASTE)
        paste_init(t);
    tui_input_reserve(t, PASTE_INPUT_MAX);
    if (t->input.len + len > PASTE_INPUT_MAX)
        len = PASTE_INPUT_MAX - t->input.len;
    sbuf_add(&t->input, text, len);
    paste_submit(t);
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
static int handle_event(struct tui *t, struct tui_event *ev)
{
    size_t i = 0;

    switch (ev->type) {
    case EV_NONE:
        break;
    case EV_RESIZE:
        if (ev->rows > 0)
            tui_term_resize(&t->term, ev->rows, ev->cols);
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
        while ((t->running || t->stats_reading) && !interrupted) {
            if (poll_run(t, t->stats_reading ? 0 : 100) < 0)
                return -1;
            tstats_poll(t, 30);
        }
        break;
    case EV_RUN: {
        double end = tui_mono_ms() + ev->key;
        while ((t->running || t->stats_reading) && !interrupted && tui_mono_ms() < end) {
            if (poll_run(t, t->stats_reading ? 0 : 20) < 0)
                return -1;
            tstats_poll(t, 20);
        }
        break;
    }
    case EV_DUMP:
        return dump_screen(t);
    case EV_END:
        t->quit = 1;
        break;
    }
    return 0;
}

void tui_outcome_release(struct tui_outcome *o)
{
    free(o->model);
    free(o->orig_model);
    o->model = o->orig_model = NULL;
}

int tui_main(struct check_run **runp, const struct rule_table *rt, const struct options *opt,
             struct tui_outcome *out)
{
    struct tui t;
    struct sigaction sa, old_int, old_term, old_hup;
    const char *script = getenv("GEMINI_DOCTOR_TUI_SCRIPT");
    FILE *sf = NULL;
    int ret = -1, lineno = 0, rows, cols, opened = 0;

    memset(out, 0, sizeof(*out));
    memset(&t, 0, sizeof(t));
    t.run = *runp;
    t.rt = rt;
    t.opt = opt;
    t.walk_check = -1;
    t.term.color = !opt->no_color;
    t.term.headless = script && *script;
    sbuf_init(&t.input);
    tui_parse_size(getenv("GEMINI_DOCTOR_TUI_SIZE"), &rows, &cols);
    if (t.term.headless) {
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

    if (tui_term_open(&t.term, rows, cols) < 0)
        goto out;
    opened = 1;
    if (check_run_start(t.run, CHECK_COUNT) < 0) {
        tui_term_close(&t.term);
        opened = 0;
        error("could not start the probes");
        goto out;
    }
    t.running = 1;
    {
        /* Old rules data is said once, on the message line, as the other
         * commands say it on stderr. */
        char *notice = rules_stale_notice(rt, gd_now());
        if (notice)
            tui_msg(&t, "note: %s", notice);
        free(notice);
    }
    while (!t.quit && !interrupted) {
        struct tui_event ev;
        int r;
        /* While a log is read, the keys are looked at between slices of
         * it, without waiting. */
        if (poll_run(&t, t.running && !t.term.headless && !t.stats_reading ? 50 : 0) < 0)
            break;
        tstats_poll(&t, 30);
        if (t.term.headless) {
            r = tui_script_next(sf, &lineno, &ev);
        } else {
            draw(&t);
            r = tui_term_read(&t.term, t.stats_reading ? 0 : t.running ? 50 : 500, &ev);
        }
        if (r == 0)
            r = handle_event(&t, &ev);
        tui_event_release(&ev);
        if (r < 0)
            break;
    }
    /* A quit never waits for a probe: what is in flight is stopped now, and
     * the report says which checks did not run. */
    if (t.quit || interrupted) {
        ret = 0;
        out->stopped = check_run_stop(t.run);
        t.running = 0;
    }
    tui_term_close(&t.term);
    opened = 0;
    if (t.failed) {
        error("the probes failed with an internal error");
        ret = -1;
    }
    if (ret == 0) {
        out->interrupted = interrupted != 0;
        out->exit_code = interrupted ? EXIT_INTERRUPTED : tui_exit_code(&t);
        out->session_key = t.session_key;
        if (t.model) {
            out->model = xstrdup(t.model);
            out->orig_model = t.orig_model ? xstrdup(t.orig_model) : NULL;
        }
    }
out:
    if (opened)
        tui_term_close(&t.term);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
out_nosig:
    if (sf)
        fclose(sf);
    tui_input_wipe(&t);
    model_release(&t);
    tstats_release(&t);
    free(t.model);
    free(t.orig_model);
    if (t.have_paste)
        diagnosis_release(&t.paste_diag);
    *runp = t.run;
    return ret;
}
