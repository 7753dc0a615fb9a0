/*
 * rules_text: a rule's match conditions as plain text searches, for callers
 * that cannot run the reader (`stats --sql` prints SQL that runs in a
 * warehouse over the logged error text). Only the conditions a substring
 * search can approximate are given; a rule with any other condition is
 * reported as not testable, so the caller leaves it out rather than guess.
 */
#include "rules_priv.h"

int rules_text_tests(const struct rule *r, struct rule_text_test *out, int cap)
{
    int n = 0;
    if (!r || r->nconditions == 0)
        return -1;
    for (int i = 0; i < r->nconditions; i++) {
        const struct rule_cond *c = &r->conds[i];
        struct rule_text_test *t;
        if (n == cap)
            return -1;
        t = &out[n];
        t->n = c->n;
        t->ints = NULL;
        t->strs = c->strs;
        switch (c->id) {
        case COND_http:
            t->kind = RTX_HTTP;
            t->ints = c->ints;
            t->strs = NULL;
            break;
        /* Names the body spells out: a substring of the text, any case. */
        case COND_status:
        case COND_reason:
        case COND_domain:
        case COND_service:
        case COND_quota_id:
            t->kind = RTX_SUBSTRING;
            break;
        /* Phrases are compared squeezed (lower case, no whitespace). */
        case COND_message:
        case COND_also_message:
            t->kind = RTX_PHRASE;
            t->strs = c->squeezed;
            break;
        case COND_not_message:
            t->kind = RTX_NOT_PHRASE;
            t->strs = c->squeezed;
            break;
        default:
            return -1;
        }
        n++;
    }
    return n;
}
