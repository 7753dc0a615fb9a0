/*
 * tui_dash: the dashboard, the first screen: one row per check with its
 * mark, and the selected check in full below.
 */
#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "tui.h"

void dash_init(struct tui *t)
{
    t->screen = SCR_DASH;
    t->scroll = 0;
    t->msg[0] = '\0';
}

/* The selected check in full, and what to do about it now. */
static void dash_detail(struct tui *t, struct tui_doc *d)
{
    const struct check *c = tui_check(t, t->sel);
    if (!c)
        return;
    tui_doc_add(d, tui_result_style(c->result), 0, 0, "%s %s %s (%s)%s", tui_mark(t, c->result),
                tui_mark_word(c->result), check_label(c->id), check_id_name(c->id),
                t->fixed[c->id] ? ", fixed" : "");
    if (c->summary)
        tui_doc_add(d, ST_NORMAL, 2, 2, "%s", c->summary);
    if (c->diag) {
        tui_doc_add(d, ST_DIM, 2, 2, "cause: %s", c->diag->cause);
        tui_fix_pane(t, d, c->diag, 0, c->id);
        tui_doc_add(d, ST_DIM, 2, 2, "Enter walks through every step");
    } else if (c->detail) {
        tui_doc_add_facts(d, ST_DIM, 2, 2, c->detail);
    }
}

void dash_draw(struct tui *t)
{
    int rows, cols, top = HEADER_ROWS, list_end, words, lab;
    struct tui_doc d;
    const struct check *sel = tui_check(t, t->sel);

    tui_term_size(&rows, &cols);
    tui_header(t, NULL);
    /* A word beside each mark where the width allows. */
    words = cols >= 60;
    lab = words ? 8 : 3;
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = tui_check(t, i);
        enum check_result r = c ? c->result : RES_PENDING;
        int row = top + i;
        char line[512];
        const char *summary = c && c->summary ? c->summary : "";
        char *red;
        if (r == RES_PENDING)
            summary = "waiting";
        else if (r == RES_RUNNING)
            summary = "running";
        /* One row per check: the summary up to its first line break. */
        snprintf(line, sizeof(line), "%-14s %s%.*s", check_label((enum check_id)i),
                 t->fixed[i] ? "fixed: " : "", (int)strcspn(summary, "\n"), summary);
        red = key_redact(line);
        /* The pointer shows the selection without colour, and in dumps. */
        if (i == t->sel)
            tui_draw_text(&t->term, row, 0, 1, ST_BOLD, ">");
        tui_draw_text(&t->term, row, 1, 2, tui_result_style(r), tui_mark(t, r));
        if (words)
            tui_draw_text(&t->term, row, 3, 5, tui_result_style(r), tui_mark_word(r));
        tui_draw_text(&t->term, row, lab, cols - lab - 1, i == t->sel ? ST_SEL : ST_NORMAL, red);
        free(red);
    }
    list_end = top + CHECK_COUNT;
    tui_draw_rule(&t->term, list_end);
    tui_doc_init(&d);
    dash_detail(t, &d);
    tui_draw_doc(&t->term, &d, list_end + 1, rows - FOOTER_ROWS - list_end - 1, &t->detail_scroll);
    tui_doc_release(&d);
    if (sel && sel->diag) {
        struct sbuf hints;
        const char *cause = sel->diag->cause;
        sbuf_init(&hints);
        sbuf_adds(&hints, "Enter walkthrough|");
        if (tui_fix_offers(t, cause, CAUSE_ACT_NEW_KEY))
            sbuf_adds(&hints, "K new key|");
        if (tui_fix_offers(t, cause, CAUSE_ACT_PICK_MODEL))
            sbuf_adds(&hints, "m model|");
        sbuf_adds(&hints, "r re-check|j/k select|R all|p paste|l limits|s stats");
        tui_footer(t, hints.buf);
        sbuf_release(&hints);
    } else {
        tui_footer(t, "j/k select|Enter details|r re-check|R all|p paste|K key|m model|l limits|"
                      "s stats");
    }
}

void dash_key(struct tui *t, int key, enum action act)
{
    (void)key;
    switch (act) {
    case ACT_DOWN:
        t->user_moved = 1;
        if (t->sel < CHECK_COUNT - 1)
            t->sel++;
        t->detail_scroll = 0;
        break;
    case ACT_UP:
        t->user_moved = 1;
        if (t->sel > 0)
            t->sel--;
        t->detail_scroll = 0;
        break;
    case ACT_PGDN:
        t->detail_scroll += tui_page_rows() / 2;
        break;
    case ACT_PGUP:
        t->detail_scroll -= tui_page_rows() / 2;
        break;
    case ACT_TOP:
    case ACT_BOTTOM:
        t->user_moved = 1;
        t->sel = act == ACT_TOP ? 0 : CHECK_COUNT - 1;
        t->detail_scroll = 0;
        break;
    case ACT_OPEN:
        if (tui_done(tui_result(t, t->sel)))
            walk_init(t, t->sel);
        else
            tui_msg(t, "%s has no result yet", check_label((enum check_id)t->sel));
        break;
    case ACT_RERUN:
        if (tui_start_run(t, t->sel) == 0)
            tui_busy(t, "re-running the check...");
        break;
    default:
        break;
    }
}
