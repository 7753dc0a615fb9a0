/*
 * tui_limits: the rate limits page: what RPM, TPM and RPD mean, the daily
 * reset, the current model and tier, and what the rules table knows.
 */
#include <string.h>

#include "rules.h"
#include "tui.h"

/* ---- the limits screen ---- */

void limits_init(struct tui *t)
{
    t->search[0] = '\0';
    t->search_hit = -1;
    tui_screen_open(t, SCR_LIMITS);
}

/* The sources of the facts shown, each once, for the footnote. */
struct notes {
    const char *text[64];
    const char *verified[64];
    int n;
};

/* The footnote number of a line's source ("[3]"), or "" when it names
 * none. */
static void note_of(struct notes *nt, const struct limit_line *l, char *buf, size_t size)
{
    int i;

    buf[0] = '\0';
    if (!l->source)
        return;
    for (i = 0; i < nt->n; i++)
        if (strcmp(nt->text[i], l->source) == 0)
            break;
    if (i == nt->n) {
        if (nt->n == (int)ARRAY_SIZE(nt->text))
            return;
        nt->text[nt->n] = l->source;
        nt->verified[nt->n] = l->verified;
        nt->n++;
    }
    snprintf(buf, size, " [%d]", i + 1);
}

/* The rules table's limits as readable rows: a fact as its sentence, a
 * list of rows one line each, every source a footnote. Returns 0, or -1
 * when the table has no limits section. */
static int limit_rows(struct tui_doc *d, const struct rule_table *rt, struct notes *nt)
{
    struct limit_line *lines;
    int n = rules_limit_lines(rt, &lines);
    char note[16];

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        const struct limit_line *l = &lines[i];
        if (l->kind == LIMIT_HEADING && d->n > 2000)
            break;
        note_of(nt, l, note, sizeof(note));
        if (l->kind == LIMIT_HEADING)
            tui_doc_add(d, ST_BOLD, 2, 2, "%s", l->text);
        else if (l->kind == LIMIT_TEXT)
            tui_doc_add(d, ST_NORMAL, 4, 2, "%s%s", l->text, note);
        else
            tui_doc_add(d, ST_NORMAL, 4, 4, "- %s%s", l->text, note);
    }
    rules_limit_lines_free(lines, n);
    return 0;
}

/* The footnote: each source once, with the date it was checked. */
static void limit_notes(struct tui_doc *d, const struct notes *nt)
{
    if (!nt->n)
        return;
    tui_doc_add(d, ST_TITLE, 0, 0, "Sources");
    for (int i = 0; i < nt->n; i++)
        tui_doc_add(d, ST_DIM, 2, 5, "[%d] %s%s%s", i + 1, nt->text[i],
                    nt->verified[i] ? "; verified " : "", nt->verified[i] ? nt->verified[i] : "");
}

/* Does hay hold needle, ignoring ASCII case? */
static int has_text(const char *hay, const char *needle)
{
    return gd_memcasemem(hay, strlen(hay), needle, strlen(needle)) != NULL;
}

/* Move the search to the next (dir 1) or previous (-1) paragraph holding
 * the text searched for, from the current match; wraps around. */
static void search_resolve(struct tui *t, struct tui_doc *d)
{
    int from = t->search_hit, n = d->n;

    if (!t->search[0] || !t->search_dir || n == 0) {
        t->search_dir = 0;
        return;
    }
    for (int k = 1; k <= n; k++) {
        int i = ((from < 0 ? (t->search_dir > 0 ? -1 : 0) : from) + t->search_dir * k) % n;
        if (i < 0)
            i += n;
        if (has_text(d->p[i].text, t->search)) {
            t->search_hit = i;
            t->search_dir = 0;
            tui_msg(t, "/%s: found; n next, N previous, Esc clears", t->search);
            return;
        }
    }
    t->search_hit = -1;
    t->search_dir = 0;
    tui_msg(t, "/%s: not found", t->search);
}

void limits_draw(struct tui *t)
{
    struct tui_doc d;
    const char *model = check_run_model(t->run);
    const struct model_info *mi = model ? rules_model(t->rt, model) : NULL;
    time_t now = gd_now(), reset;
    char iso[40] = "", w[64];
    const char *tier = NULL;
    struct notes nt = {{NULL}, {NULL}, 0};
    struct guide_line *guide;
    int nguide;
    const struct daily_reset *dr = rules_daily_reset(t->rt);
    const char *reset_label = dr ? dr->label : NULL;

    tui_header(t, "rate limits");
    tui_doc_init(&d);
    tui_doc_add(&d, ST_TITLE, 0, 0, "The dimensions");
    nguide = rules_limits_guide(t->rt, &guide);
    for (int i = 0; i < nguide; i++) {
        if (guide[i].term)
            tui_doc_add(&d, ST_NORMAL, 2, 6, "%-3s  %s", guide[i].term, guide[i].text);
        else
            tui_doc_add(&d, ST_NORMAL, 2, 2, "%s", guide[i].text);
    }
    rules_limits_guide_free(guide, nguide);
    reset = next_daily_reset(t->rt, now, iso, sizeof(iso));
    tui_format_wait((double)(reset - now), w, sizeof(w));
    tui_doc_add(&d, ST_BOLD, 2, 2, "The daily quota resets at %s (%s): in %s.",
                reset_label ? reset_label : "the daily reset", iso, w);
    tui_doc_add(&d, ST_TITLE, 0, 0, "Your model and tier");
    tui_doc_add(&d, ST_NORMAL, 2, 2, "Model: %s%s%s", model ? model : "(none)",
                mi && mi->status ? ", status " : "", mi && mi->status ? mi->status : "");
    for (int i = 0; i < CHECK_COUNT && !tier; i++) {
        const struct check *c = tui_check(t, i);
        if (c && c->diag && c->diag->tier)
            tier = c->diag->tier;
    }
    if (!tier && t->have_paste && t->paste_diag.tier)
        tier = t->paste_diag.tier;
    if (tier)
        tui_doc_add(&d, ST_NORMAL, 2, 2, "Tier: %s (as the last quota error said)", tier);
    else
        tui_doc_add(&d, ST_NORMAL, 2, 2, "Tier: %s",
                    rules_tier_unknown_text(t->rt) ? rules_tier_unknown_text(t->rt)
                                                   : "not known from here.");
    tui_doc_add(&d, ST_TITLE, 0, 0, "What the rules table knows (data of %s)",
                rules_data_date(t->rt) ? rules_data_date(t->rt) : "unknown date");
    if (limit_rows(&d, t->rt, &nt) < 0)
        tui_doc_add(&d, ST_NORMAL, 2, 2, "The rules table has no limits section.");
    limit_notes(&d, &nt);
    search_resolve(t, &d);
    if (t->search_hit >= 0 && t->search_hit < d.n) {
        d.focus = t->search_hit;
        d.p[t->search_hit].style = ST_SEL;
    }
    tui_page(t, &d, "j/k scroll|PgUp/PgDn page|g/G top/end|/ search|Esc back");
}

void limits_key(struct tui *t, int key, enum action act)
{
    (void)key;
    if (tui_scroll_key(&t->scroll, act))
        return;
    switch (act) {
    case ACT_SEARCH:
        t->search_edit = 1;
        t->search[0] = '\0';
        t->search_hit = -1;
        break;
    case ACT_NEXT:
    case ACT_SEARCH_PREV:
        if (t->search[0])
            t->search_dir = act == ACT_NEXT ? 1 : -1;
        else
            tui_msg(t, "/ searches the text first");
        break;
    case ACT_BACK:
        if (t->search[0]) {
            t->search[0] = '\0';
            t->search_hit = -1;
            break;
        }
        t->screen = t->back == SCR_LIMITS ? SCR_DASH : t->back;
        t->scroll = 0;
        break;
    default:
        break;
    }
}

void limits_search_key(struct tui *t, int key)
{
    size_t n = strlen(t->search);

    if (key == TK_ENTER) {
        t->search_edit = 0;
        t->search_hit = -1;
        t->search_dir = t->search[0] ? 1 : 0;
    } else if (key == TK_ESC) {
        t->search_edit = 0;
        t->search[0] = '\0';
    } else if (key == TK_BACKSPACE) {
        while (n > 0 && ((unsigned char)t->search[n - 1] & 0xc0) == 0x80)
            n--;
        if (n > 0)
            n--;
        t->search[n] = '\0';
    } else if (key >= 0x20 && key != 0x7f && key < 0x110000) {
        char u[4];
        size_t k = tui_utf8_encode(u, key);
        if (n + k < sizeof(t->search)) {
            memcpy(t->search + n, u, k);
            t->search[n + k] = '\0';
        }
    }
}
