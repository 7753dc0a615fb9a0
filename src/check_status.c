/*
 * check_status: status.incidents, read from Google Cloud's public incident
 * feed: which active incidents concern the Gemini API and how they are shown.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "options.h"
#include "probe.h"
#include "rules.h"
#include "util.h"

#define INCIDENTS_SHOWN 5

static int has_word(const char *s, size_t n, const char *w)
{
    return gd_memcasemem(s, n, w, strlen(w)) != NULL;
}

static int has_any(const char *s, size_t n, const char *const *words)
{
    for (size_t i = 0; words && words[i]; i++)
        if (has_word(s, n, words[i]))
            return 1;
    return 0;
}

/*
 * Does this text concern the Gemini API? The API's own names count at once.
 * A bare "Gemini" counts too, except where it only names a product built on
 * Gemini that is not the API (Gemini Code Assist, Gemini in Workspace, …): an
 * outage there is not one that an API user can wait out, and calling it one
 * would be a wrong verdict. The words are the table's (status.json).
 */
static int mentions_gemini(const struct status_terms *st, const char *s)
{
    size_t n;
    if (!s || !st)
        return 0;
    n = strlen(s);
    if (has_any(s, n, st->api_words))
        return 1;
    return has_word(s, n, st->product_word) && !has_any(s, n, st->not_api_words);
}

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int incident_is_gemini(const struct rule_table *t, const cJSON *inc)
{
    const struct status_terms *st = rules_status_terms(t);
    const cJSON *prods = cJSON_GetObjectItemCaseSensitive(inc, "affected_products");
    const cJSON *recent = cJSON_GetObjectItemCaseSensitive(inc, "most_recent_update");
    const cJSON *it;

    if (mentions_gemini(st, jstr(inc, "external_desc")) ||
        mentions_gemini(st, jstr(inc, "service_name")) || mentions_gemini(st, jstr(recent, "text")))
        return 1;
    cJSON_ArrayForEach(it, prods)
    {
        const char *pid = jstr(it, "id");
        /* A renamed product keeps its old name in "title" and shows the new
         * one in "current_title"; its id stays. */
        if (mentions_gemini(st, jstr(it, "title")) ||
            mentions_gemini(st, jstr(it, "current_title")))
            return 1;
        for (int i = 0; pid && st && st->product_ids[i]; i++)
            if (strcmp(pid, st->product_ids[i]) == 0)
                return 1;
    }
    return 0;
}

static int incident_active(const cJSON *inc)
{
    const cJSON *end = cJSON_GetObjectItemCaseSensitive(inc, "end");
    return !end || cJSON_IsNull(end) || (cJSON_IsString(end) && !end->valuestring[0]);
}

/* The feed gives incident links relative to itself ("incidents/ID"). */
static void add_incident_uri(const struct check_run *run, struct sbuf *d, const char *uri)
{
    const char *feed = run->opt->status_url;
    const char *slash = strrchr(feed, '/');
    const char *scheme_end = strstr(feed, "://");

    sbuf_adds(d, "  ");
    if (!strstr(uri, "://") && scheme_end && slash && slash > scheme_end + 2)
        sbuf_add(d, feed, (size_t)(slash - feed + 1));
    sbuf_add_oneline(d, uri, strlen(uri), 300);
    sbuf_addc(d, '\n');
}

void judge_status(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_STATUS_INCIDENTS;
    cJSON *root = NULL;
    const cJSON *inc, *first = NULL;
    int nactive = 0, ngemini = 0;
    struct sbuf sb, d;

    sbuf_init(&sb);
    sbuf_init(&d);
    if (probe_net_error(p)) {
        char *det = probe_net_detail(p);
        sbuf_adds(&sb, "skipped: the status feed could not be fetched: ");
        sbuf_add_oneline(&sb, det, strlen(det), 200);
        free(det);
        skip(run, id, sb.buf);
        goto out;
    }
    if (p->http != 200) {
        sbuf_addf(&sb, "skipped: the status feed answered HTTP %ld", p->http);
        skip(run, id, sb.buf);
        goto out;
    }
    root = parse_json(p);
    if (!cJSON_IsArray(root)) {
        sbuf_addf(&sb, "skipped: the status feed is not the expected JSON list (%zu bytes of %s)",
                  p->body.len, p->content_type ? p->content_type : "unknown type");
        skip(run, id, sb.buf);
        goto out;
    }
    cJSON_ArrayForEach(inc, root)
    {
        const cJSON *recent;
        const char *text;
        if (!cJSON_IsObject(inc) || !incident_active(inc))
            continue;
        nactive++;
        if (!incident_is_gemini(run->t, inc))
            continue;
        if (!first)
            first = inc;
        ngemini++;
        /* The report lists a few; a feed with thousands stays readable. */
        if (ngemini > INCIDENTS_SHOWN)
            continue;
        recent = cJSON_GetObjectItemCaseSensitive(inc, "most_recent_update");
        text = jstr(recent, "text");
        sbuf_adds(&d, "- ");
        sbuf_add_oneline(
            &d, jstr(inc, "external_desc") ? jstr(inc, "external_desc") : "(untitled)",
            strlen(jstr(inc, "external_desc") ? jstr(inc, "external_desc") : "(untitled)"), 200);
        sbuf_addf(&d, "\n  impact: %s, severity: %s, since %s\n",
                  jstr(inc, "status_impact") ? jstr(inc, "status_impact") : "unknown",
                  jstr(inc, "severity") ? jstr(inc, "severity") : "unknown",
                  jstr(inc, "begin") ? jstr(inc, "begin") : "unknown");
        if (text) {
            sbuf_adds(&d, "  latest: ");
            sbuf_add_oneline(&d, text, strlen(text), 300);
            sbuf_addc(&d, '\n');
        }
        if (jstr(inc, "uri"))
            add_incident_uri(run, &d, jstr(inc, "uri"));
    }
    if (ngemini > INCIDENTS_SHOWN)
        sbuf_addf(&d, "- and %d more active Gemini incidents\n", ngemini - INCIDENTS_SHOWN);
    if (first) {
        struct evidence ev;
        const char *title = jstr(first, "external_desc");
        evidence_init(&ev);
        ev.fact = xstrdup(evidence_fact_name(FACT_INCIDENT_ACTIVE));
        if (title)
            ev.message = xstrdup(title);
        attach(run, id, &ev, RES_FAIL);
        sbuf_adds(&sb, "active Google incident: ");
        sbuf_add_oneline(&sb, title ? title : "(untitled)", strlen(title ? title : "(untitled)"),
                         160);
        sbuf_addf(&sb, " (%s, since %s)",
                  jstr(first, "status_impact") ? jstr(first, "status_impact") : "impact unknown",
                  jstr(first, "begin") ? jstr(first, "begin") : "an unknown time");
        if (ngemini > 1)
            sbuf_addf(&sb, " and %d more", ngemini - 1);
        set_summary(run, id, sb.buf);
        set_detail(run, id, d.buf);
    } else {
        struct status_pages pages;
        const char *page;
        rules_status_pages(run->t, &pages);
        page = pages.developer_api_page;
        run->checks[id].result = RES_PASS;
        /* The Cloud feed does not cover AI Studio: say what was read, and
         * never call that "healthy". */
        sbuf_addf(&sb, "no active Gemini incident in %s (%d active for other products)",
                  pages.feed_name ? pages.feed_name : "the status feed", nactive);
        if (page)
            sbuf_addf(&sb, "; the Gemini Developer API's own status: %s", page);
        set_summary(run, id, sb.buf);
        sbuf_release(&d);
        if (pages.feed_covers)
            sbuf_addf(&d, "read %s: %s\n", run->opt->status_url, pages.feed_covers);
        if (page && pages.developer_api_note)
            sbuf_addf(&d, "%s: %s\n", page, pages.developer_api_note);
        set_detail(run, id, d.buf);
    }
out:
    cJSON_Delete(root);
    sbuf_release(&sb);
    sbuf_release(&d);
    finish_check(run, id);
}
