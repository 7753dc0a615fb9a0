/*
 * tui_newkey: the new-key field. The key typed or pasted is shown as
 * bullets only and handed to the run for this session; it is never drawn,
 * printed or saved.
 */
#include <string.h>

#include "keymask.h"
#include "tui.h"

/* ---- the new-key field ---- */

void key_init(struct tui *t)
{
    tui_input_wipe(t);
    tui_screen_open(t, SCR_KEY);
}

void key_draw(struct tui *t)
{
    struct tui_doc d;
    struct sbuf dots;
    size_t chars = 0;

    tui_header(t, "a new API key");
    for (size_t i = 0; i < t->input.len; i++)
        chars += ((unsigned char)t->input.buf[i] & 0xc0) != 0x80;
    sbuf_init(&dots);
    for (size_t i = 0; i < chars && i < 48; i++)
        sbuf_adds(&dots, t->term.utf8 ? "\xe2\x80\xa2" : "*");
    if (chars > 48)
        sbuf_adds(&dots, "\xe2\x80\xa6");
    tui_doc_init(&d);
    tui_doc_add(&d, ST_NORMAL, 0, 0,
                "Type or paste the key. It is used for this session only: never shown, "
                "written or saved. Enter checks it at once; Esc cancels; Ctrl-U clears.");
    tui_doc_add(&d, ST_NORMAL, 0, 0, "%s", "");
    tui_doc_add(&d, ST_BOLD, 2, 7, "Key: %s" TUI_CURSOR "_", dots.buf ? dots.buf : "");
    if (chars)
        tui_doc_add(&d, ST_DIM, 2, 2, "%zu characters; looks like: %s", chars,
                    key_kind_name(key_kind_of(t->input.buf)));
    sbuf_release(&dots);
    tui_page(t, &d, "Enter check this key|C-u clear|Esc cancel");
}

/* Hand the key to the run for this session (the run copies it; our copy is
 * wiped at once) and re-run config.key, which re-runs every check; the ones
 * that failed are watched for a pass. */
static void key_submit(struct tui *t)
{
    if (!t->input.len) {
        tui_msg(t, "type or paste a key first, or Esc to cancel");
        return;
    }
    if (t->running) {
        tui_msg(t, "probes are still running; try again when they finish");
        return;
    }
    tui_session_change(t);
    t->session_key = 1;
    check_run_set_key(t->run, t->input.buf);
    tui_input_wipe(t);
    tui_screen_back(t);
    if (tui_start_run(t, CHECK_CONFIG_KEY) == 0)
        tui_busy(t, "checking the new key...");
}

void key_key(struct tui *t, int key, enum action act)
{
    (void)act;
    if (key == TK_ENTER)
        key_submit(t);
    else
        tui_input_key(t, key, KEY_INPUT_MAX);
}
