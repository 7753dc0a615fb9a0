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
    tui_screen_open(t, SCR_LIMITS);
}

/* Show a JSON value as indented lines, whatever shape the table has. */
static void json_lines(struct tui_doc *d, const cJSON *j, const char *name, int indent, int depth)
{
    char label[96] = "";
    const char *sep = name ? ": " : "";
    const cJSON *c;

    if (depth > 8 || d->n > 2000)
        return;
    /* Table keys read as words: "per_model_numbers" as "per model numbers". */
    if (name) {
        snprintf(label, sizeof(label), "%s", name);
        for (char *p = label; *p; p++)
            if (*p == '_')
                *p = ' ';
        name = label;
    }
    if (cJSON_IsString(j)) {
        tui_doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        tui_doc_add(d, ST_NORMAL, indent, 2, "%s%s%g", label, sep, j->valuedouble);
    } else if (cJSON_IsBool(j)) {
        tui_doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, cJSON_IsTrue(j) ? "yes" : "no");
    } else if (cJSON_IsNull(j)) {
        tui_doc_add(d, ST_NORMAL, indent, 2, "%s%s(none)", label, sep);
    } else if (cJSON_IsArray(j)) {
        int scalars = 1;
        cJSON_ArrayForEach(c, j)
        {
            if (cJSON_IsObject(c) || cJSON_IsArray(c))
                scalars = 0;
        }
        if (scalars) {
            struct sbuf sb;
            sbuf_init(&sb);
            cJSON_ArrayForEach(c, j)
            {
                if (sb.len)
                    sbuf_adds(&sb, ", ");
                if (cJSON_IsString(c))
                    sbuf_adds(&sb, c->valuestring);
                else if (cJSON_IsNumber(c))
                    sbuf_addf(&sb, "%g", c->valuedouble);
                else
                    sbuf_adds(&sb, cJSON_IsTrue(c) ? "yes" : cJSON_IsFalse(c) ? "no" : "-");
            }
            tui_doc_add(d, ST_NORMAL, indent, 2, "%s%s%s", label, sep, sb.buf ? sb.buf : "");
            sbuf_release(&sb);
            return;
        }
        if (name)
            tui_doc_add(d, ST_BOLD, indent, 2, "%s:", name);
        cJSON_ArrayForEach(c, j)
        {
            json_lines(d, c, NULL, name ? indent + 2 : indent, depth + 1);
        }
    } else if (cJSON_IsObject(j)) {
        /* A fact reads first, as a sentence; where it comes from and when
         * it was checked follow on one dim line. */
        const cJSON *fact = cJSON_GetObjectItemCaseSensitive(j, "fact");
        const cJSON *src = cJSON_GetObjectItemCaseSensitive(j, "source");
        const cJSON *ver = cJSON_GetObjectItemCaseSensitive(j, "verified");
        int inner = name ? indent + 2 : indent;
        if (name)
            tui_doc_add(d, ST_BOLD, indent, 2, "%s:", name);
        if (cJSON_IsString(fact))
            tui_doc_add(d, ST_NORMAL, inner, 2, "%s", fact->valuestring);
        cJSON_ArrayForEach(c, j)
        {
            if (c == fact || c == src || c == ver)
                continue;
            json_lines(d, c, c->string, inner, depth + 1);
        }
        if (cJSON_IsString(src) || cJSON_IsString(ver))
            tui_doc_add(d, ST_DIM, inner, 2, "%s%s%s%s", cJSON_IsString(src) ? "source: " : "",
                        cJSON_IsString(src) ? src->valuestring : "",
                        cJSON_IsString(ver) ? "; verified " : "",
                        cJSON_IsString(ver) ? ver->valuestring : "");
        if (!name)
            tui_doc_add(d, ST_NORMAL, 0, 0, "%s", "");
    }
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
        json_lines(&d, lim, NULL, 2, 0);
    else
        tui_doc_add(&d, ST_NORMAL, 2, 2, "The rules table has no limits section.");
    tui_page(t, &d, "j/k scroll|PgUp/PgDn page|g/G top/end|/ search|Esc back");
}

void limits_key(struct tui *t, int key, enum action act)
{
    (void)key;
    if (tui_scroll_key(&t->scroll, act))
        return;
    switch (act) {
    case ACT_BACK:
        t->screen = t->back == SCR_LIMITS ? SCR_DASH : t->back;
        t->scroll = 0;
        break;
    default:
        break;
    }
}
