/*
 * tui_input: the text fields (the key field and the paste box). A field's
 * buffer is reserved at full size before the first byte and wiped on
 * release, so no copy of a key is left behind.
 */
#include <string.h>

#include "tui.h"

void tui_input_wipe(struct tui *t)
{
    if (t->input.buf)
        explicit_bzero(t->input.buf, t->input.cap);
    sbuf_release(&t->input);
}
void tui_input_backspace(struct tui *t)
{
    while (t->input.len > 0) {
        unsigned char c = (unsigned char)t->input.buf[--t->input.len];
        t->input.buf[t->input.len] = '\0';
        if ((c & 0xc0) != 0x80)
            break;
    }
}

/* The field's buffer is allocated at its full size before the first byte,
 * so it never moves: a moved buffer would leave a copy of a key behind. */
void tui_input_reserve(struct tui *t, size_t max)
{
    if (t->input.cap < max + 1)
        sbuf_grow(&t->input, max);
}

void tui_input_add(struct tui *t, int cp, size_t max)
{
    char u[4];
    size_t n = tui_utf8_encode(u, cp);
    tui_input_reserve(t, max);
    if (t->input.len + n > max) {
        tui_msg(t, "that is as much as the field holds");
        return;
    }
    sbuf_add(&t->input, u, n);
}

/* The keys both text fields share: Esc cancels, Backspace deletes a
 * character, Ctrl-U clears, and a printable character is typed into a field
 * that holds at most max bytes. Other keys do nothing. */
void tui_input_key(struct tui *t, int key, size_t max)
{
    if (key == TK_ESC) {
        tui_input_wipe(t);
        tui_screen_back(t);
    } else if (key == TK_BACKSPACE) {
        tui_input_backspace(t);
    } else if (key == TK_CTRL('u')) {
        tui_input_wipe(t);
    } else if (key >= 0x20 && key != 0x7f && key < 0x110000) {
        tui_input_add(t, key, max);
    }
}
