/*
 * tui_limits: the rate limits page: what RPM, TPM and RPD mean, the daily
 * reset, the current model and tier, and what the rules table knows.
 */
#include <string.h>

#include <cjson/cJSON.h>

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

/* The footnote number of o's source ("[3]"), or "" when it names none. */
static void note_of(struct notes *nt, const cJSON *o, char *buf, size_t size)
{
    const cJSON *src = cJSON_GetObjectItemCaseSensitive(o, "source");
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(o, "verified");
    int i;

    buf[0] = '\0';
    if (!cJSON_IsString(src))
        return;
    for (i = 0; i < nt->n; i++)
        if (strcmp(nt->text[i], src->valuestring) == 0)
            break;
    if (i == nt->n) {
        if (nt->n == (int)ARRAY_SIZE(nt->text))
            return;
        nt->text[nt->n] = src->valuestring;
        nt->verified[nt->n] = cJSON_IsString(ver) ? ver->valuestring : NULL;
        nt->n++;
    }
    snprintf(buf, size, " [%d]", i + 1);
}

/* A table key read as words: "per_model_numbers" as "per model numbers". */
static void words_of(const char *key, char *buf, size_t size)
{
    snprintf(buf, size, "%s", key ? key : "");
    for (char *p = buf; *p; p++)
        if (*p == '_')
            *p = ' ';
}

/* One row's fields as "name value, name value": nested objects as
 * "free: rpm 15, tpm 1000000"; where a fact came from is a footnote. */
static void row_fields(const cJSON *o, struct sbuf *sb)
{
    const cJSON *c;
    char label[96];

    cJSON_ArrayForEach(c, o)
    {
        if (!c->string || strcmp(c->string, "source") == 0 || strcmp(c->string, "verified") == 0 ||
            strcmp(c->string, "fact") == 0)
            continue;
        words_of(c->string, label, sizeof(label));
        if (cJSON_IsObject(c)) {
            sbuf_addf(sb, "%s%s:", sb->len ? "; " : "", label);
            {
                struct sbuf in;
                sbuf_init(&in);
                row_fields(c, &in);
                sbuf_addf(sb, " %s", in.buf ? in.buf : "");
                sbuf_release(&in);
            }
        } else if (cJSON_IsString(c)) {
            sbuf_addf(sb, "%s%s %s", sb->len ? ", " : "", label, c->valuestring);
        } else if (cJSON_IsNumber(c)) {
            sbuf_addf(sb, "%s%s %g", sb->len ? ", " : "", label, c->valuedouble);
        } else if (cJSON_IsTrue(c)) {
            sbuf_addf(sb, "%s%s", sb->len ? ", " : "", label);
        } else if (cJSON_IsNull(c)) {
            sbuf_addf(sb, "%s%s none", sb->len ? ", " : "", label);
        }
    }
}

/* The rules table's limits section as readable rows: a fact as its
 * sentence, a list of rows one line each, every source a footnote. */
static void limit_rows(struct tui_doc *d, const cJSON *lim, struct notes *nt)
{
    const cJSON *sec, *c;
    char label[96], note[16];

    cJSON_ArrayForEach(sec, lim)
    {
        const cJSON *fact = cJSON_GetObjectItemCaseSensitive(sec, "fact");
        const cJSON *rows =
            cJSON_IsArray(sec) ? sec : cJSON_GetObjectItemCaseSensitive(sec, "rows");
        const cJSON *text = cJSON_GetObjectItemCaseSensitive(sec, "note");
        struct sbuf sb;

        if (d->n > 2000)
            return;
        words_of(sec->string, label, sizeof(label));
        tui_doc_add(d, ST_BOLD, 2, 2, "%s", label);
        if (cJSON_IsString(fact) || cJSON_IsString(text)) {
            note_of(nt, sec, note, sizeof(note));
            tui_doc_add(d, ST_NORMAL, 4, 2, "%s%s",
                        cJSON_IsString(fact) ? fact->valuestring : text->valuestring, note);
        }
        if (cJSON_IsArray(rows)) {
            cJSON_ArrayForEach(c, rows)
            {
                sbuf_init(&sb);
                if (cJSON_IsObject(c))
                    row_fields(c, &sb);
                else if (cJSON_IsString(c))
                    sbuf_adds(&sb, c->valuestring);
                note_of(nt, c, note, sizeof(note));
                tui_doc_add(d, ST_NORMAL, 4, 4, "- %s%s", sb.buf ? sb.buf : "", note);
                sbuf_release(&sb);
            }
        } else if (cJSON_IsObject(sec) && !cJSON_IsString(fact)) {
            sbuf_init(&sb);
            row_fields(sec, &sb);
            note_of(nt, sec, note, sizeof(note));
            if (sb.len)
                tui_doc_add(d, ST_NORMAL, 4, 2, "%s%s", sb.buf, note);
            sbuf_release(&sb);
        } else if (!cJSON_IsObject(sec)) {
            sbuf_init(&sb);
            if (cJSON_IsString(sec))
                sbuf_adds(&sb, sec->valuestring);
            else if (cJSON_IsNumber(sec))
                sbuf_addf(&sb, "%g", sec->valuedouble);
            tui_doc_add(d, ST_NORMAL, 4, 2, "%s", sb.buf ? sb.buf : "");
            sbuf_release(&sb);
        }
    }
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
    const cJSON *lim = rules_section(t->rt, "limits");
    const char *model = check_run_model(t->run);
    const struct model_info *mi = model ? rules_model(t->rt, model) : NULL;
    time_t now = gd_now(), reset;
    char iso[40] = "", w[64];
    const char *tier = NULL;
    struct notes nt = {{NULL}, {NULL}, 0};

    tui_header(t, "rate limits");
    tui_doc_init(&d);
    tui_doc_add(&d, ST_TITLE, 0, 0, "The dimensions");
    tui_doc_add(&d, ST_NORMAL, 2, 6, "RPM  requests per minute, per project and model.");
    tui_doc_add(&d, ST_NORMAL, 2, 6,
                "TPM  input tokens per minute, per project and model; one large prompt can use "
                "a minute's worth.");
    tui_doc_add(&d, ST_NORMAL, 2, 6,
                "RPD  requests per day, per project and model; waiting minutes does not help, the "
                "count resets at midnight Pacific time.");
    tui_doc_add(&d, ST_NORMAL, 2, 2,
                "Limits apply to the Google Cloud project, not to the key: more keys in one "
                "project share them.");
    reset = next_daily_reset(t->rt, now, iso, sizeof(iso));
    tui_format_wait((double)(reset - now), w, sizeof(w));
    tui_doc_add(&d, ST_BOLD, 2, 2, "The daily quota resets at midnight Pacific time (%s): in %s.",
                iso, w);
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
        tui_doc_add(&d, ST_NORMAL, 2, 2,
                    "Tier: not known from here; AI Studio shows it on the project's rate limit "
                    "page.");
    tui_doc_add(&d, ST_TITLE, 0, 0, "What the rules table knows (data of %s)",
                rules_data_date(t->rt) ? rules_data_date(t->rt) : "unknown date");
    if (lim)
        limit_rows(&d, lim, &nt);
    else
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
