/*
 * tui_help: the help overlay, generated from TUI_ACTIONS, the same list the
 * key dispatch is generated from.
 */
#include <string.h>

#include "tui.h"

void help_init(struct tui *t)
{
    t->help = 1;
    t->help_scroll = 0;
}

/* Any key closes the help, except those that scroll it. */
void help_key(struct tui *t, int key, enum action act)
{
    (void)key;
    if (!tui_scroll_key(&t->help_scroll, act))
        t->help = 0;
}

void help_draw(struct tui *t)
{
    struct tui_doc d;

    tui_doc_init(&d);
    for (size_t i = 0; i < ARRAY_SIZE(tui_actions); i++) {
        char names[64] = "", b[8];
        for (int k = 0; k < 3; k++) {
            if (!tui_actions[i].keys[k])
                continue;
            if (names[0])
                strncat(names, " ", sizeof(names) - strlen(names) - 1);
            strncat(names, tui_key_name(tui_actions[i].keys[k], b),
                    sizeof(names) - strlen(names) - 1);
        }
        tui_doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", names, tui_actions[i].help);
    }
    tui_doc_add(&d, ST_NORMAL, 0, 16, "%-15s %s", "C-d C-u C-c",
                "explain the paste; clear the field; quit at once");
    tui_draw_box(&t->term, " Keys (any key closes this help) ", &d, &t->help_scroll);
    tui_doc_release(&d);
}
