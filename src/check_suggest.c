/*
 * check_suggest: after all probes, the cross-checks between results: a later
 * probe failing for its root's cause is reported once, a standard key the API
 * accepted is re-judged, and model failures get the closest live model names.
 */
#include "check_priv.h"
#include "keymask.h"

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

static int snapshot_of_listed(const struct check_run *run, const char *name)
{
    const struct model_info *mi = rules_model(run->t, name);

    if (!mi || gd_strcasecmp(mi->name, name) == 0)
        return 0;
    for (int i = 0; i < run->nmodels; i++)
        if (gd_strcasecmp(run->models[i].name, mi->name) == 0)
            return 1;
    return 0;
}

/* The up to SUGGEST_MAX live models to use in place of run->model: those
 * the rules let be suggested (text models callable today and on the tier
 * the failure named, never the failing model), best lifecycle rank first,
 * then closest name; as "a, b or c", or NULL when there is none. */
static char *suggestions(const struct check_run *run, const char *tier)
{
    int best[SUGGEST_MAX], bestd[SUGGEST_MAX], bestr[SUGGEST_MAX], nbest = 0;
    const struct model_info *self = rules_model(run->t, run->model);
    struct sbuf sb;

    for (int i = 0; i < run->nmodels; i++) {
        int dist, rank, k;
        const char *name = run->models[i].name;
        if (!run->models[i].generate || gd_strcasecmp(name, run->model) == 0)
            continue;
        /* A variant of the failing model is the failing model. */
        if (self && rules_model(run->t, name) == self)
            continue;
        /* A numbered snapshot when its base model is listed too: the base
         * name says the same and survives the snapshot. */
        if (snapshot_of_listed(run, name))
            continue;
        rank = rules_suggest_rank(run->t, name, tier);
        if (!rank)
            continue;
        dist = name_distance(run->model, name);
        for (k = nbest;
             k > 0 && (bestr[k - 1] > rank || (bestr[k - 1] == rank && bestd[k - 1] > dist)); k--) {
            if (k < SUGGEST_MAX) {
                best[k] = best[k - 1];
                bestd[k] = bestd[k - 1];
                bestr[k] = bestr[k - 1];
            }
        }
        if (k < SUGGEST_MAX) {
            best[k] = i;
            bestd[k] = dist;
            bestr[k] = rank;
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
    names = suggestions(run, c->diag->tier);
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

/* A listed model can be closed to new projects: models.get answers 200 while
 * generateContent answers 404. That 404 then decides model.available, and is
 * reported there, once. */
static void generate_decides_model(struct check_run *run)
{
    struct check *m = &run->checks[CHECK_MODEL_AVAILABLE];
    struct check *g = &run->checks[CHECK_REQUEST_GENERATE];
    struct sbuf sb;

    if ((m->result != RES_PASS && m->result != RES_WARN) || m->diag || g->result != RES_FAIL ||
        !g->diag || g->diag->ev.http != 404)
        return;
    sbuf_init(&sb);
    sbuf_addf(&sb, "%s is listed and models.get answers, but generateContent does not: %s",
              run->model, g->summary ? g->summary : "");
    m->diag = g->diag;
    g->diag = NULL;
    m->result = RES_FAIL;
    m->transient = g->transient;
    set_summary(run, CHECK_MODEL_AVAILABLE, sb.buf);
    sbuf_release(&sb);
    sbuf_addf(&sb, "skipped: model.available failed with the same cause (%s)", m->diag->cause);
    g->result = RES_SKIP;
    g->transient = 0;
    set_summary(run, CHECK_REQUEST_GENERATE, sb.buf);
    sbuf_release(&sb);
}

void finalize(struct check_run *run)
{
    struct check *key = &run->checks[CHECK_CONFIG_KEY];

    if (run->standard_pending && run->checks[CHECK_KEY_ACCEPTED].result == RES_PASS) {
        const char *vars[] = {"kind", key_kind_name(KEY_STANDARD), "source", run->ks.source,
                              "auth", key_kind_name(KEY_AUTH),     NULL};
        char *text = rules_check_summary(run->t, "standard-key-accepted", vars);
        struct sbuf sb;
        run->standard_pending = 0;
        check_clear(key);
        key->result = RES_PASS;
        sbuf_init(&sb);
        if (text)
            sbuf_adds(&sb, text);
        else
            sbuf_addf(&sb, "%s from %s, accepted by the API", key_kind_name(KEY_STANDARD),
                      run->ks.source);
        free(text);
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
    generate_decides_model(run);
    suggest_models(run, CHECK_MODEL_AVAILABLE);
    suggest_models(run, CHECK_REQUEST_GENERATE);
}
