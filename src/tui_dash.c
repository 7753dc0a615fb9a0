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

static void dash_detail(struct tui *t, struct tui_doc *d)
{
    const struct check *c = tui_check(t, t->sel);
    if (!c)
        return;
    tui_doc_add(d, ST_BOLD, 0, 0, "%s (%s): %s%s", check_label(c->id), check_id_name(c->id),
                check_result_name(c->result), t->fixed[c->id] ? ", fixed" : "");
    if (c->summary)
        tui_doc_add(d, ST_NORMAL, 0, 0, "%s", c->summary);
    if (c->diag) {
        tui_doc_add(d, tui_result_style(c->result), 0, 0, "%s [%s]",
                    c->diag->title ? c->diag->title : "",
                    c->diag->cause ? c->diag->cause : "unknown");
        if (diagnosis_step_count(c->diag, STEP_TUI) > 0)
            tui_doc_add(d, ST_NORMAL, 0, 5, "Fix: %s", diagnosis_step(c->diag, STEP_TUI, 0));
    }
    if (c->detail)
        tui_doc_add(d, ST_DIM, 0, 0, "%s", c->detail);
    if (c->result == RES_WARN || c->result == RES_FAIL)
        tui_doc_add(d, ST_DIM, 0, 0, "Enter: the walkthrough; r: re-run this check");
    else if (tui_done(c->result))
        tui_doc_add(d, ST_DIM, 0, 0, "Enter: details; r: re-run this check");
}

void dash_draw(struct tui *t)
{
    int rows, cols, top = HEADER_ROWS, list_end;
    struct tui_doc d;

    tui_term_size(&rows, &cols);
    tui_header(t, NULL);
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = tui_check(t, i);
        enum check_result r = c ? c->result : RES_PENDING;
        int row = top + i;
        char line[512];
        const char *summary = c && c->summary ? c->summary : "";
        if (r == RES_PENDING)
            summary = "waiting";
        else if (r == RES_RUNNING)
            summary = "running";
        /* One row per check: the summary up to its first line break. */
        snprintf(line, sizeof(line), "%-15s %s%.*s", check_label((enum check_id)i),
                 t->fixed[i] ? "fixed: " : "", (int)strcspn(summary, "\n"), summary);
        {
            char *red = key_redact(line);
            /* The pointer shows the selection without colour, and in dumps. */
            if (i == t->sel)
                tui_draw_text(&t->term, row, 0, 1, ST_BOLD, ">");
            tui_draw_text(&t->term, row, 1, 2, tui_result_style(r), tui_mark(t, r));
            tui_draw_text(&t->term, row, 3, cols - 4, i == t->sel ? ST_SEL : ST_NORMAL, red);
            free(red);
        }
    }
    list_end = top + CHECK_COUNT;
    tui_draw_rule(&t->term, list_end);
    tui_doc_init(&d);
    dash_detail(t, &d);
    tui_draw_doc(&t->term, &d, list_end + 1, rows - 2 - list_end, &t->detail_scroll);
    tui_doc_release(&d);
    tui_footer(t, "Enter walkthrough  r re-run  R all  p paste  m model  K key  l limits"
                  "  ? help  q quit");
}
void dash_key(struct tui *t, int key, enum action act)
{
    (void)key;
    switch (act) {
    case ACT_DOWN:
        if (t->sel < CHECK_COUNT - 1)
            t->sel++;
        t->detail_scroll = 0;
        break;
    case ACT_UP:
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
