/*
 * tui_paste: the paste box: an error pasted or typed in, read by
 * reader_read() and diagnose() exactly as explain reads it, then shown as a
 * walkthrough.
 */
#include <string.h>

#include "evidence.h"
#include "reader.h"
#include "tui.h"

/* The paste box shows the end of a long paste only. */
#define PASTE_SHOW_MAX 4000

void paste_init(struct tui *t)
{
    tui_input_wipe(t);
    tui_screen_open(t, SCR_PASTE);
}

void paste_draw(struct tui *t)
{
    struct tui_doc d;
    int lines = 0;
    const char *show = t->input.buf ? t->input.buf : "";
    size_t len = t->input.len;

    tui_header(t, "paste an error");
    tui_doc_init(&d);
    tui_doc_add(&d, ST_NORMAL, 0, 0,
                "Paste the error your program printed (the terminal's paste works), or type it. "
                "Ctrl-D explains it; Esc cancels.");
    for (size_t i = 0; i < len; i++)
        lines += show[i] == '\n';
    tui_doc_add(&d, ST_DIM, 0, 0, "%d line%s, %zu bytes:", lines + (len > 0),
                lines + (len > 0) == 1 ? "" : "s", len);
    if (len > PASTE_SHOW_MAX) {
        size_t from = len - PASTE_SHOW_MAX;
        while (from < len && ((unsigned char)show[from] & 0xc0) == 0x80)
            from++;
        tui_doc_add(&d, ST_DIM, 2, 2, "...");
        show += from;
    }
    tui_doc_add(&d, ST_NORMAL, 2, 2, "%s" TUI_CURSOR "_", show);
    d.focus = d.n - 1;
    tui_page(t, &d, "C-d explain|Enter new line|Esc cancel");
}

void paste_submit(struct tui *t)
{
    struct evidence ev;

    if (!t->input.len) {
        tui_msg(t, "nothing pasted yet: paste the error, then Ctrl-D");
        return;
    }
    if (t->have_paste)
        diagnosis_release(&t->paste_diag);
    t->have_paste = 0;
    evidence_init(&ev);
    if (reader_read(rules_vocab(t->rt), t->input.buf, t->input.len, &ev) < 0) {
        evidence_release(&ev);
        tui_input_wipe(t);
        tui_msg(t, "could not read the paste");
        return;
    }
    diagnose(t->rt, &ev, gd_now(), &t->paste_diag);
    evidence_release(&ev);
    t->have_paste = 1;
    t->paste_at = gd_now();
    tui_input_wipe(t);
    walk_init(t, -1);
}
void paste_key(struct tui *t, int key, enum action act)
{
    (void)act;
    if (key == TK_CTRL('d'))
        paste_submit(t);
    else if (key == TK_ENTER)
        tui_input_add(t, '\n', PASTE_INPUT_MAX);
    else if (key == TK_TAB)
        tui_input_add(t, '\t', PASTE_INPUT_MAX);
    else
        tui_input_key(t, key, PASTE_INPUT_MAX);
}
