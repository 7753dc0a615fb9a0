/*
 * check_suggest: after all probes, the cross-checks between results: a later
 * probe failing for its root's cause is reported once, a standard key the API
 * accepted is re-judged, and model failures get the closest live model names.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "rules.h"
#include "util.h"

/* Names compared for suggestions are cut to this length. */
#define NAME_CMP_MAX 96
#define SUGGEST_MAX 3

/* --- after all probes: cross-check results ------------------------------ */

/* Optimal string alignment distance (Damerau–Levenshtein with adjacent
 * transpositions), over at most NAME_CMP_MAX bytes of each name. */
static int name_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    int d[NAME_CMP_MAX + 1][NAME_CMP_MAX + 1];

    if (n > NAME_CMP_MAX)
        n = NAME_CMP_MAX;
    if (m > NAME_CMP_MAX)
        m = NAME_CMP_MAX;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++) {
        for (size_t j = 1; j <= m; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    }
    return d[n][m];
}

/* The up to SUGGEST_MAX live models closest to run->model that support
 * generateContent, as "a, b or c"; NULL when the list is empty. */
static char *suggestions(const struct check_run *run)
{
    int best[SUGGEST_MAX], bestd[SUGGEST_MAX], nbest = 0;
    struct sbuf sb;

    for (int i = 0; i < run->nmodels; i++) {
        int dist, k;
        const struct model_info *mi;
        if (!run->models[i].generate || strcmp(run->models[i].name, run->model) == 0)
            continue;
        /* Do not suggest what the rules say is going away. */
        mi = rules_model(run->t, run->models[i].name);
        if (mi && mi->status &&
            (strcmp(mi->status, "deprecated") == 0 || strcmp(mi->status, "shut") == 0))
            continue;
        dist = name_distance(run->model, run->models[i].name);
        for (k = nbest; k > 0 && bestd[k - 1] > dist; k--) {
            if (k < SUGGEST_MAX) {
                best[k] = best[k - 1];
                bestd[k] = bestd[k - 1];
            }
        }
        if (k < SUGGEST_MAX) {
            best[k] = i;
            bestd[k] = dist;
            if (nbest < SUGGEST_MAX)
                nbest++;
        }
    }
    if (!nbest)
        return NULL;
    sbuf_init(&sb);
    for (int k = 0; k < nbest; k++) {
        if (k)
            sbuf_adds(&sb, k == nbest - 1 ? " or " : ", ");
        sbuf_adds(&sb, run->models[best[k]].name);
    }
    return sbuf_detach(&sb);
}

/* Hand the closest live model names to the rules as evidence and diagnose
 * again: the steps that name {live_models} say where they fit. */
static void suggest_models(struct check_run *run, enum check_id id)
{
    struct check *c = &run->checks[id];
    struct evidence ev;
    char *names;
    struct sbuf sb;

    if (run->decorated[id] || c->result != RES_FAIL || !c->diag || !c->diag->rule)
        return;
    names = suggestions(run);
    if (!names)
        return;
    run->decorated[id] = 1;
    ev = c->diag->ev;
    evidence_init(&c->diag->ev);
    free(ev.live_models);
    ev.live_models = names;
    attach(run, id, &ev, c->result);
    if (!c->diag->used_live_models)
        return;
    sbuf_init(&sb);
    sbuf_addf(&sb, "%s; closest models this key can use: %s", c->summary ? c->summary : "",
              c->diag->ev.live_models);
    set_summary(run, id, sb.buf);
    sbuf_release(&sb);
}

/* When a later probe failed for the same cause as the one it depends on,
 * it is reported once, at the root, and the later one says so. */
static void same_as(struct check_run *run, enum check_id id, enum check_id root)
{
    struct check *c = &run->checks[id], *r = &run->checks[root];
    struct sbuf sb;

    if (c->result != RES_FAIL || r->result != RES_FAIL || !c->diag || !r->diag || !c->diag->cause ||
        !r->diag->cause || strcmp(c->diag->cause, r->diag->cause) != 0 || !c->diag->rule)
        return;
    sbuf_init(&sb);
    sbuf_addf(&sb, "skipped: %s failed with the same cause (%s)", check_id_name(root),
              r->diag->cause);
    diagnosis_release(c->diag);
    free(c->diag);
    c->diag = NULL;
    c->transient = 0;
    c->result = RES_SKIP;
    set_summary(run, id, sb.buf);
    sbuf_release(&sb);
}

void finalize(struct check_run *run)
{
    struct check *key = &run->checks[CHECK_CONFIG_KEY];

    if (run->standard_pending && run->checks[CHECK_KEY_ACCEPTED].result == RES_PASS) {
        struct sbuf sb;
        run->standard_pending = 0;
        check_clear(key);
        key->result = RES_PASS;
        sbuf_init(&sb);
        sbuf_addf(&sb,
                  "standard key (AIza…) from %s, still accepted by the API; Google is "
                  "retiring standard keys, so plan a move to an auth key (AQ.…)",
                  run->ks.source);
        set_summary(run, CHECK_CONFIG_KEY, sb.buf);
        sbuf_release(&sb);
        if (run->ks.note) {
            set_detail(run, CHECK_CONFIG_KEY, run->ks.note);
            if (strstr(run->ks.note, "differ"))
                key->result = RES_WARN;
        }
    }
    same_as(run, CHECK_KEY_ACCEPTED, CHECK_NETWORK_REACH);
    same_as(run, CHECK_MODEL_AVAILABLE, CHECK_NETWORK_REACH);
    same_as(run, CHECK_REQUEST_GENERATE, CHECK_NETWORK_REACH);
    same_as(run, CHECK_MODEL_AVAILABLE, CHECK_KEY_ACCEPTED);
    same_as(run, CHECK_REQUEST_GENERATE, CHECK_KEY_ACCEPTED);
    same_as(run, CHECK_REQUEST_GENERATE, CHECK_MODEL_AVAILABLE);
    suggest_models(run, CHECK_MODEL_AVAILABLE);
    suggest_models(run, CHECK_REQUEST_GENERATE);
}
