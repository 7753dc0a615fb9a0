/*
 * stats_classify: every error row of a log goes through the same reader,
 * rules and diagnosis as `explain`; this file only calls them and remembers
 * the verdict by a hash of (HTTP code, error text), in a fixed-size cache,
 * so that a log with a million copies of one error classifies it once.
 */
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "evidence.h"
#include "reader.h"
#include "rules.h"
#include "stats.h"
#include "stats_report.h"
#include "util.h"

#define CACHE_SLOTS 4096

struct cache_slot {
    uint64_t h;
    size_t len;
    int used;
    struct stats_verdict v;
};

struct stats_classifier {
    const struct rule_table *t;
    time_t now;
    struct cache_slot *slots;
    long long calls, hits;
};

struct stats_classifier *stats_classifier_new(const struct rule_table *t, time_t now)
{
    struct stats_classifier *c = xcalloc(1, sizeof(*c));
    c->t = t;
    c->now = now;
    c->slots = xcalloc(CACHE_SLOTS, sizeof(*c->slots));
    return c;
}

void stats_classifier_free(struct stats_classifier *c)
{
    if (!c)
        return;
    free(c->slots);
    free(c);
}

void stats_classifier_counts(const struct stats_classifier *c, long long *calls, long long *hits)
{
    *calls = c->calls;
    *hits = c->hits;
}

static int starts_json(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    return i < n && (s[i] == '{' || s[i] == '[');
}

static void run_rules(struct stats_classifier *c, int http, const char *text, size_t len,
                      struct stats_verdict *v)
{
    struct evidence ev;
    struct diagnosis d;
    int rc;

    evidence_init(&ev);
    /* A JSON body is read as the response it was; a message string as a
     * paste, with the status code of the log record added when the reader
     * found none. */
    if (http > 0 && (len == 0 || starts_json(text, len)))
        rc = reader_read_response(rules_vocab(c->t), http, NULL, -1, text, len, &ev);
    else
        rc = reader_read(rules_vocab(c->t), text, len, &ev);
    if (rc == 0 && http > 0 && ev.http != http) {
        ev.http = http;
        ev.http_inferred = 0;
        ev.found = 1;
    }
    diagnose(c->t, &ev, c->now, &d);
    memset(v, 0, sizeof(*v));
    stats_copy(v->cause, sizeof(v->cause), d.cause);
    stats_copy(v->rule, sizeof(v->rule), d.rule ? d.rule->id : "");
    stats_copy(v->dimension, sizeof(v->dimension), d.dimension);
    stats_copy(v->tier, sizeof(v->tier), d.tier);
    stats_copy(v->model, sizeof(v->model), d.ev.model);
    v->http = d.ev.http;
    v->retryable = d.retryable;
    v->recognised = diagnosis_recognised(&d);
    v->found = d.ev.found;
    v->chart = stats_dim_of(d.cause_info);
    /* The server's own delay (RetryInfo, Retry-After, "retry in"), not the
     * wait the rules would plan: a retry storm is a request sent inside it. */
    v->retry_after_s = d.ev.has_retry_after ? d.ev.retry_after_s : -1;
    v->limit = d.limit;
    diagnosis_release(&d);
    evidence_release(&ev);
}

const struct stats_verdict *stats_classify(struct stats_classifier *c, int http, const char *text,
                                           size_t len, uint64_t h)
{
    h = stats_hash(h, &http, sizeof(http));
    struct cache_slot *slot = &c->slots[h % CACHE_SLOTS];
    c->calls++;
    if (slot->used && slot->h == h && slot->len == len) {
        c->hits++;
        return &slot->v;
    }
    run_rules(c, http, text, len, &slot->v);
    slot->used = 1;
    slot->h = h;
    slot->len = len;
    return &slot->v;
}
