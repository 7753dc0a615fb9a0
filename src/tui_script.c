/*
 * tui_script: the headless script reader (GEMINI_DOCTOR_TUI_SCRIPT, see
 * docs/tui.md): one action a line, turned into the same events the keyboard
 * gives; and the names of keys, shared with the help overlay.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "util.h"

/* Key names, for the help and for script lines ("key Enter"). */
static const struct {
    int key;
    const char *name;
} key_names[] = {
    {TK_UP, "Up"},       {TK_DOWN, "Down"}, {TK_LEFT, "Left"},           {TK_RIGHT, "Right"},
    {TK_PGUP, "PgUp"},   {TK_PGDN, "PgDn"}, {TK_HOME, "Home"},           {TK_END, "End"},
    {TK_ENTER, "Enter"}, {TK_ESC, "Esc"},   {TK_BACKSPACE, "Backspace"}, {TK_TAB, "Tab"},
    {' ', "Space"},
};

const char *tui_key_name(int key, char buf[8])
{
    for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
        if (key_names[i].key == key)
            return key_names[i].name;
    if (key > 0 && key < 0x20) {
        buf[0] = 'C';
        buf[1] = '-';
        buf[2] = (char)(key + 'a' - 1);
        buf[3] = '\0';
        return buf;
    }
    buf[tui_utf8_encode(buf, key)] = '\0';
    return buf;
}

/* The key from a script's name for it: "Enter", "j", "C-d". */
static int tui_key_from_name(const char *name)
{
    size_t i = 0, len = strlen(name);
    int cp;

    for (size_t k = 0; k < ARRAY_SIZE(key_names); k++)
        if (gd_strcasecmp(key_names[k].name, name) == 0)
            return key_names[k].key;
    if ((gd_strncasecmp(name, "C-", 2) == 0 || gd_strncasecmp(name, "Ctrl-", 5) == 0) && len >= 3) {
        char c = name[len - 1];
        if (name[len - 2] == '-' && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            return TK_CTRL(c);
    }
    if (len == 0)
        return -1;
    cp = tui_utf8_decode(name, len, &i);
    return i == len ? cp : -1;
}
/* ---- headless scripts ---- */

/* Undo a script's escapes: \n, \t, \r, \e (ESC), \xHH, \\. */
static char *unescape(const char *s, size_t *len)
{
    struct sbuf sb;
    sbuf_init(&sb);
    for (size_t i = 0; s[i]; i++) {
        if (s[i] != '\\' || !s[i + 1]) {
            sbuf_addc(&sb, s[i]);
            continue;
        }
        i++;
        if (s[i] == 'x' && gd_isxdigit((unsigned char)s[i + 1]) &&
            gd_isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], '\0'};
            sbuf_addc(&sb, (char)strtol(hex, NULL, 16));
            i += 2;
        } else {
            char c = s[i];
            sbuf_addc(&sb, c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == 'e' ? 27 : c);
        }
    }
    *len = sb.len;
    return sbuf_detach(&sb);
}

int tui_script_next(FILE *f, int *lineno, struct tui_event *ev)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int ret = 0;

    memset(ev, 0, sizeof(*ev));
    for (;;) {
        n = getline(&line, &cap, f);
        if (n < 0) {
            ev->type = EV_END;
            goto out;
        }
        (*lineno)++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        break;
    }
    if (strncmp(line, "key ", 4) == 0) {
        ev->type = EV_KEY;
        ev->key = tui_key_from_name(line + 4);
        if (ev->key < 0)
            ret = error("script line %d: unknown key '%s'", *lineno, line + 4);
    } else if (strncmp(line, "type ", 5) == 0) {
        ev->type = EV_TEXT;
        ev->text = xstrdup(line + 5);
        ev->len = strlen(ev->text);
    } else if (strncmp(line, "paste ", 6) == 0) {
        ev->type = EV_PASTE;
        ev->text = unescape(line + 6, &ev->len);
    } else if (strcmp(line, "wait") == 0) {
        ev->type = EV_WAIT;
    } else if (strncmp(line, "run ", 4) == 0) {
        int ms;
        if (sscanf(line + 4, "%d", &ms) != 1 || ms < 0 || ms > 60000) {
            ret = error("script line %d: run takes milliseconds (0 to 60000)", *lineno);
        } else {
            ev->type = EV_RUN;
            ev->key = ms;
        }
    } else if (strcmp(line, "dump") == 0) {
        ev->type = EV_DUMP;
    } else if (strncmp(line, "resize ", 7) == 0) {
        int c, r;
        if (sscanf(line + 7, "%d %d", &c, &r) != 2 || c < 2 || r < 2 || c > 1000 || r > 1000) {
            ret = error("script line %d: resize takes columns and rows", *lineno);
        } else {
            ev->type = EV_RESIZE;
            ev->rows = r;
            ev->cols = c;
        }
    } else {
        ret = error("script line %d: cannot read '%s'", *lineno, line);
    }
out:
    if (line)
        explicit_bzero(line, cap);
    free(line);
    return ret;
}
void tui_parse_size(const char *s, int *rows, int *cols)
{
    int c, r;
    *rows = 24;
    *cols = 80;
    if (s && sscanf(s, "%dx%d", &c, &r) == 2 && c >= 2 && r >= 2 && c <= 1000 && r <= 1000) {
        *rows = r;
        *cols = c;
    }
}
