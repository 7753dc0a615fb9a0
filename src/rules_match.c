/*
 * rules_match: decides which rule fits a piece of evidence. Every condition
 * given in a rule's "match" object must hold; among the rules that match, the
 * highest priority wins, then the one with more conditions, then the one
 * that comes first in the table. docs/rules.md describes each condition.
 *
 * Evidence the reader found nothing error-like in is matched only against
 * the rules marked "standalone" (message-only pastes with no code or status).
 *
 * Message phrases are compared case-insensitively with all whitespace
 * removed on both sides, so a hard wrap inside a pasted message (or inside a
 * word) does not hide it.
 */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "keymask.h"
#include "rules.h"
#include "rules_priv.h"
#include "util.h"

/* The evidence prepared once per match: lowercase, whitespace removed. */
struct prepared {
    const struct evidence *ev;
    char *message;
    char *text;
    const struct model_info *model;
};

static char *squeeze(const char *s)
{
    size_t n = 0;
    char *out;
    if (!s)
        return NULL;
    out = xmalloc(strlen(s) + 1);
    for (; *s; s++)
        if (!gd_isspace((unsigned char)*s))
            out[n++] = (char)gd_tolower((unsigned char)*s);
    out[n] = '\0';
    return out;
}

static int has_text(const char *hay, const char *needle)
{
    return hay && needle && gd_memcasemem(hay, strlen(hay), needle, strlen(needle)) != NULL;
}

static int any_phrase(const struct prepared *p, const struct rule_cond *c)
{
    for (int i = 0; i < c->n; i++) {
        const char *phrase = c->squeezed[i];
        if (!phrase[0])
            continue;
        if (p->message && strstr(p->message, phrase))
            return 1;
        if (p->text && strstr(p->text, phrase))
            return 1;
    }
    return 0;
}

static int in_list_nocase(const char *v, const struct rule_cond *c)
{
    if (!v)
        return 0;
    for (int i = 0; i < c->n; i++)
        if (gd_strcasecmp(v, c->strs[i]) == 0)
            return 1;
    return 0;
}

static int any_substring(const char *v, const struct rule_cond *c)
{
    if (!v)
        return 0;
    for (int i = 0; i < c->n; i++)
        if (has_text(v, c->strs[i]))
            return 1;
    return 0;
}

/* Quota ids are matched against each violation's id and metric; when the
 * reader found no structured violation, against the raw text, where an id
 * such as "GenerateRequestsPerDayPerProjectPerModel" can still be read (the
 * text is not squeezed here, so "per day" in prose does not match "PerDay"). */
static int quota_matches(const struct evidence *ev, const struct rule_cond *c)
{
    for (int i = 0; i < ev->nquota && i < EV_MAX_QUOTA; i++)
        if (any_substring(ev->quota[i].quota_id, c) || any_substring(ev->quota[i].quota_metric, c))
            return 1;
    if (ev->nquota == 0)
        return any_substring(ev->text, c);
    return 0;
}

/* The canonical gRPC status names. Only these count as a Google marker: a
 * gateway's own "status" ("Bad Request", "UPSTREAM_ERROR") does not. */
static const char *const canonical_statuses[] = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
};

/* Did the evidence carry the Google-only parts of an error envelope: a
 * canonical status, an ErrorInfo reason or a domain? The Interactions API
 * code is left out on purpose: other providers' string codes
 * ("insufficient_quota", "invalid_api_key") land in the same field. */
static int google_envelope(const struct evidence *ev)
{
    if (ev->reason || ev->domain)
        return 1;
    if (!ev->status)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(canonical_statuses); i++)
        if (gd_strcasecmp(ev->status, canonical_statuses[i]) == 0)
            return 1;
    return 0;
}

static int limit_is_zero(const struct evidence *ev)
{
    if (ev->limit == 0)
        return 1;
    for (int i = 0; i < ev->nquota && i < EV_MAX_QUOTA; i++)
        if (ev->quota[i].value == 0)
            return 1;
    return 0;
}

static int condition_holds(const struct prepared *p, const struct rule_cond *c)
{
    const struct evidence *ev = p->ev;

    switch (c->id) {
    case COND_http:
        for (int i = 0; i < c->n; i++)
            if (ev->http != 0 && c->ints[i] == ev->http)
                return 1;
        return 0;
    case COND_status:
        return in_list_nocase(ev->status, c) || in_list_nocase(ev->api_code, c);
    case COND_api_code:
        return in_list_nocase(ev->api_code, c);
    case COND_reason:
        return in_list_nocase(ev->reason, c);
    case COND_domain:
        return any_substring(ev->domain, c);
    case COND_service:
        return any_substring(ev->service, c);
    case COND_service_not:
        return ev->service && ev->service[0] && !any_substring(ev->service, c);
    case COND_quota_id:
        return quota_matches(ev, c);
    case COND_message:
    case COND_also_message:
        return any_phrase(p, c);
    case COND_not_message:
        return !any_phrase(p, c);
    case COND_limit_zero:
        return limit_is_zero(ev) == c->flag;
    case COND_model_status:
        return p->model && in_list_nocase(p->model->status, c);
    case COND_model_certain:
        return p->model && (!p->model->uncertain) == c->flag;
    case COND_fact:
        return in_list_nocase(ev->fact, c);
    case COND_net_error:
        return in_list_nocase(ev->net_error, c);
    case COND_has_retry_after:
        return (ev->has_retry_after != 0) == c->flag;
    case COND_retry_after_max:
        return ev->has_retry_after && ev->retry_after_s <= c->num;
    case COND_envelope:
        return (ev->status || ev->reason || ev->api_code || ev->domain) == c->flag;
    case COND_google_envelope:
        return google_envelope(ev) == c->flag;
    case COND_fields:
        return (ev->nfields > 0) == c->flag;
    case COND_key_kind:
        return in_list_nocase(rule_key_kind_name(key_kind_of(ev->key_masked)), c);
    case COND_COUNT:
        break;
    }
    /* The loader refuses unknown conditions; never match on one. */
    return 0;
}

static int rule_matches(const struct prepared *p, const struct rule *r)
{
    if (r->nconditions == 0)
        return 0;
    for (int i = 0; i < r->nconditions; i++)
        if (!condition_holds(p, &r->conds[i]))
            return 0;
    return 1;
}

const struct rule *rules_match(const struct rule_table *t, const struct evidence *ev)
{
    struct prepared p;
    const struct rule *best = NULL;
    int n = rules_count(t);
    int unfound;

    if (!t || !ev)
        return NULL;
    /* Evidence in which the reader found nothing error-like matches only the
     * standalone rules: Gemini's own sentences, distinctive enough to decide
     * from the text alone ("Developer instruction is not enabled for …"). */
    unfound = !ev->found && !ev->fact && !ev->net_error;
    if (unfound && !ev->text)
        return NULL;
    p.ev = ev;
    p.message = squeeze(ev->message);
    p.text = squeeze(ev->text);
    p.model = rules_model(t, ev->model);
    if (!p.model && ev->nquota > 0)
        p.model = rules_model(t, ev->quota[0].model);
    for (int i = 0; i < n; i++) {
        const struct rule *r = rules_get(t, i);
        if (unfound && !r->standalone)
            continue;
        if (!rule_matches(&p, r))
            continue;
        if (!best || r->priority > best->priority ||
            (r->priority == best->priority && r->nconditions > best->nconditions))
            best = r;
    }
    free(p.message);
    free(p.text);
    return best;
}
