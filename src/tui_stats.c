/*
 * tui_stats: the stats screen. It reads the logs the prompt named through
 * the stats module (stats_read.h, the reading `gemini-doctor stats` does)
 * and shows the report the command prints, line for line, fitted to the
 * screen (stats_report_lines). It computes no figure of its own.
 *
 * A large log must not freeze the doctor: the reading goes a slice at a
 * time (tstats_poll, about 30 ms of lines between two looks at the keys),
 * so the keys and the probes go on, a progress line says how far it is,
 * and Esc stops it. The messages the stats module prints (a file that
 * cannot be opened, a truncated gzip) are caught and shown on the message
 * line: curses owns the terminal.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "stats_read.h"
#include "tui.h"

/* Lines read between two looks at the clock: a line is at most 1 MiB
 * (STATS_MAX_LINE), so one look is never more than 64 MiB away. */
#define STEP_LINES 64

void tstats_release(struct tui *t)
{
    stats_read_free(t->stats);
    t->stats = NULL;
    t->stats_reading = 0;
}

/* Give up the reading: back to the prompt (when the stats screen is up),
 * with msg on the message line. */
static void abandon(struct tui *t, const char *msg)
{
    tstats_release(t);
    if (t->screen == SCR_STATS) {
        enum tui_screen back = t->back;
        tstats_open_init(t);
        t->back = back;
    }
    tui_msg(t, "%s", msg);
}

/* Open file i of r, error() caught into msg (size bytes). */
static int caught_open(struct stats_read *r, int i, char *msg, size_t size)
{
    int rc;

    gd_capture_messages(msg, size);
    rc = stats_read_open(r, i);
    gd_capture_messages(NULL, 0);
    return rc;
}

int tstats_start(struct tui *t, int argc, char **argv)
{
    /* The report shown stays until the new log opens. */
    struct stats_read *r = stats_read_new();
    char msg[sizeof(t->msg)];
    struct stats_opts *so;
    int rc;

    gd_capture_messages(msg, sizeof(msg));
    rc = stats_read_args(r, argc, argv);
    gd_capture_messages(NULL, 0);
    if (rc) {
        tui_msg(t, "%s", msg);
        goto fail;
    }
    so = stats_read_opts(r);
    if (so->html || so->width || so->sql >= 0) {
        tui_msg(t, "--html, --width and --sql are for the stats command, not the screen");
        goto fail;
    }
    for (int i = 0; i < stats_read_nfiles(r); i++) {
        const char *path = stats_read_file(r, i);
        struct stat sb;
        if (strcmp(path, "-") == 0) {
            tui_msg(t, "stdin is the terminal here: name a log file");
            goto fail;
        }
        /* A pipe or a device could block a read, and the screen with it. */
        if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode)) {
            tui_msg(t, "'%s' is not a regular file; for a pipe use the stats command", path);
            goto fail;
        }
    }
    if (stats_read_nfiles(r) == 0) {
        tui_msg(t, "name a log file, then any stats options");
        goto fail;
    }
    gd_capture_messages(msg, sizeof(msg));
    rc = stats_read_begin(r, t->rt);
    gd_capture_messages(NULL, 0);
    if (rc) {
        tui_msg(t, "%s", msg);
        goto fail;
    }
    if (caught_open(r, 0, msg, sizeof(msg))) {
        tui_msg(t, "%s", msg);
        goto fail;
    }
    tstats_release(t);
    t->stats = r;
    t->stats_file = 0;
    t->stats_reading = 1;
    tui_screen_open(t, SCR_STATS);
    return 0;
fail:
    stats_read_free(r);
    return -1;
}

/* The last file is read: the report is ready, or there was nothing in it.
 * warn is what the reading warned of ("" when nothing): the reason, when
 * nothing could be read. */
static void finish(struct tui *t, const char *warn)
{
    char msg[sizeof(t->msg)];
    int rc;

    t->stats_reading = 0;
    gd_capture_messages(msg, sizeof(msg));
    rc = stats_read_finish(t->stats);
    gd_capture_messages(NULL, 0);
    if (rc) {
        abandon(t, warn[0] ? warn : msg);
        return;
    }
    /* A warning (a truncated gzip) stays on the message line, also one
     * from an earlier file. */
    if (warn[0])
        tui_msg(t, "%s", warn);
    else if (!t->msg[0])
        tui_msg(t, "read %lld records", stats_read_stats(t->stats)->records);
}

void tstats_poll(struct tui *t, int ms)
{
    double end = tui_mono_ms() + ms;
    char msg[sizeof(t->msg)];

    if (!t->stats_reading)
        return;
    msg[0] = '\0';
    gd_capture_messages(msg, sizeof(msg));
    do {
        if (stats_read_step(t->stats, STEP_LINES) > 0)
            continue;
        if (++t->stats_file < stats_read_nfiles(t->stats)) {
            gd_capture_messages(NULL, 0);
            if (caught_open(t->stats, t->stats_file, msg, sizeof(msg))) {
                abandon(t, msg);
                return;
            }
            gd_capture_messages(msg, sizeof(msg));
            continue;
        }
        gd_capture_messages(NULL, 0);
        finish(t, msg);
        return;
    } while (tui_mono_ms() < end);
    gd_capture_messages(NULL, 0);
    if (msg[0])
        tui_msg(t, "%s", msg);
}

/* One line of the report, as a paragraph: its indentation kept, a line that
 * still does not fit goes on two columns further in. */
struct doc_sink {
    struct tui_doc *d;
};

static void add_line(void *arg, int heading, const char *line, size_t len)
{
    struct doc_sink *k = arg;
    size_t sp = 0;

    while (sp < len && line[sp] == ' ')
        sp++;
    tui_doc_add(k->d, heading ? ST_TITLE : ST_NORMAL, (int)sp, 2, "%.*s", (int)(len - sp),
                line + sp);
}

static void progress(struct tui *t, struct tui_doc *d)
{
    long long done, size, records;
    const char *file = stats_read_file(t->stats, t->stats_file);

    stats_read_progress(t->stats, &done, &size, &records);
    if (size > 0)
        tui_doc_add(d, ST_BOLD, 0, 2, "Reading %s: %.1f of %.1f MB (%.0f%%), %lld records", file,
                    (double)done / 1e6, (double)size / 1e6,
                    100.0 * (double)(done < size ? done : size) / (double)size, records);
    else
        tui_doc_add(d, ST_BOLD, 0, 2, "Reading %s: %lld records", file, records);
    if (stats_read_nfiles(t->stats) > 1)
        tui_doc_add(d, ST_NORMAL, 0, 2, "file %d of %d", t->stats_file + 1,
                    stats_read_nfiles(t->stats));
    tui_doc_add(d, ST_DIM, 0, 2, "Esc stops reading; the probes and the other keys go on.");
}

void tstats_draw(struct tui *t)
{
    struct tui_doc d;
    int rows, cols;

    tui_term_size(&rows, &cols);
    tui_header(t, "stats");
    tui_doc_init(&d);
    if (!t->stats) {
        tui_doc_add(&d, ST_NORMAL, 0, 0, "No log is open: s opens one.");
        tui_page(t, &d, "s open a log|Esc back");
        return;
    }
    if (t->stats_reading) {
        progress(t, &d);
        tui_page(t, &d, "Esc stop reading");
        return;
    }
    {
        struct stats_opts *so = stats_read_opts(t->stats);
        struct doc_sink k = {&d};
        /* The document is drawn one column in from each edge. */
        so->width = cols - 2;
        stats_report_lines(stats_read_stats(t->stats), so, t->term.utf8, add_line, &k);
    }
    tui_page(t, &d, "j/k scroll|PgUp/PgDn page|g/G top/end|s another log|Esc back");
}

/* Back where the prompt was opened from; the dashboard when that was this
 * screen (a second log opened from the report). */
static void back(struct tui *t)
{
    t->screen = t->back == SCR_STATS || t->back == SCR_STATS_OPEN ? SCR_DASH : t->back;
    t->scroll = 0;
}

void tstats_key(struct tui *t, int key, enum action act)
{
    (void)key;
    if (t->stats_reading) {
        if (act == ACT_BACK) {
            tstats_release(t);
            back(t);
            tui_msg(t, "stopped reading; nothing is shown of a log read in part");
        }
        return;
    }
    if (tui_scroll_key(&t->scroll, act))
        return;
    if (act == ACT_BACK)
        back(t);
}
