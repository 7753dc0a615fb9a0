/*
 * fuzz_rules: a libFuzzer target for the rules matcher and the diagnosis
 * (rules_match.c, diagnosis.c) over the built-in table (built by
 * tests/fuzz.sh). The input is cut at newlines into the evidence's fields
 * (form, http, status, reason, domain, service, message, model, net_error,
 * a quota violation, the normalised text), so every condition a rule can
 * test is driven directly, also with values no paste would produce. Beyond
 * the sanitizers: a diagnosis always names a public cause and a rule that
 * exists, and a matched rule is the diagnosis' rule.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "evidence.h"
#include "rules.h"
#include "util.h"

static struct rule_table *table;

#define X(e, name) +1
static const int nforms = 0 INPUT_FORMS(X);
#undef X

/* The next newline-ended field of data, copied, or NULL when none is left. */
static char *field(const char **at, const char *end)
{
    const char *nl;
    char *s;

    if (*at >= end)
        return NULL;
    nl = memchr(*at, '\n', (size_t)(end - *at));
    if (!nl)
        nl = end;
    s = xstrndup(*at, (size_t)(nl - *at));
    *at = nl < end ? nl + 1 : end;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *at = (const char *)data, *end = at + size;
    struct evidence ev;
    struct diagnosis d;
    const struct rule *r;

    if (!table) {
        table = rule_table_load(NULL);
        if (!table)
            abort();
    }
    if (size < 4)
        return 0;
    evidence_init(&ev);
    ev.form = (enum input_form)(data[0] % nforms);
    ev.found = data[1] & 1;
    ev.http = data[2] % 8 == 0 ? 0 : 100 + data[2] % 5 * 100 + data[3] % 32;
    ev.http_inferred = data[1] >> 1 & 1;
    ev.has_retry_after = data[1] >> 2 & 1;
    ev.retry_after_s = data[3] * 17.5;
    ev.limit = data[1] >> 3 & 1 ? (long long)(data[3] % 3) : -1;
    at += 4;
    ev.status = field(&at, end);
    ev.reason = field(&at, end);
    ev.domain = field(&at, end);
    ev.service = field(&at, end);
    ev.message = field(&at, end);
    ev.model = field(&at, end);
    ev.net_error = field(&at, end);
    ev.fact = field(&at, end);
    ev.key_masked = field(&at, end);
    if (at < end && data[1] >> 4 & 1) {
        ev.quota[0].quota_id = field(&at, end);
        ev.quota[0].quota_metric = field(&at, end);
        ev.quota[0].model = field(&at, end);
        ev.quota[0].value = data[3] % 4 ? data[3] : -1;
        ev.nquota = 1;
    }
    if (at < end)
        ev.text = xstrndup(at, (size_t)(end - at));

    r = rules_match(table, &ev);
    diagnose(table, &ev, (time_t)1764000000 + data[3] * 3600, &d);
    if (!d.cause || !rules_is_cause(table, d.cause))
        abort();
    if (d.rule && !rules_find(table, d.rule->id))
        abort();
    if (r && d.rule != r && r->cause && rules_find(table, r->id) != r)
        abort();
    diagnosis_release(&d);
    evidence_release(&ev);
    return 0;
}
