/*
 * check_judge: judges each finished API probe (network.reach, key.accepted
 * with the model list paging, model.available, request.generate). A failed
 * probe's answer goes through reader_read_response() and diagnose() like any
 * paste; a probe adds only what it alone knows.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence.h"
#include "options.h"
#include "probe.h"
#include "probe_read.h"
#include "reader.h"
#include "rules.h"
#include "util.h"

/* --- judging finished probes -------------------------------------------- */

static void record_probe(struct check_run *run, enum check_id id, const struct probe *p)
{
    if (run->xchg[id].len)
        sbuf_adds(&run->xchg[id], "\n");
    probe_describe(p, &run->xchg[id]);
    sbuf_release(&run->timings[id]);
    probe_timings(p, &run->timings[id]);
}

/* A failed probe's evidence, diagnosed and attached. */
static void fail_with(struct check_run *run, enum check_id id, struct evidence *ev)
{
    attach(run, id, ev, RES_FAIL);
    summarise_diag(run, id, NULL);
}

static void fail_net(struct check_run *run, enum check_id id, const struct probe *p)
{
    struct evidence ev;
    evidence_init(&ev);
    probe_read_net(p, &ev);
    fail_with(run, id, &ev);
}

/* The answer is not the API's JSON: say what came instead. */
static void fail_bad_body(struct check_run *run, enum check_id id, const struct probe *p)
{
    struct evidence ev;
    evidence_init(&ev);
    probe_read_bad_body(p, &ev);
    fail_with(run, id, &ev);
}

/* A probe that did not reach the API, or that the API answered with other
 * than 2xx, fails the check. Returns 1 when it did (the failure is recorded),
 * 0 when the answer is left to the caller to judge. */
static int fail_unless_2xx(struct check_run *run, enum check_id id, const struct probe *p,
                           int about_model)
{
    struct evidence ev;

    if (probe_net_error(p)) {
        fail_net(run, id, p);
        return 1;
    }
    if (p->http >= 200 && p->http <= 299)
        return 0;
    evidence_init(&ev);
    if (probe_read_http(rules_vocab(run->t), p, &ev) && about_model && !ev.model)
        ev.model = xstrdup(run->model);
    fail_with(run, id, &ev);
    return 1;
}

cJSON *parse_json(const struct probe *p)
{
    if (!p->body.buf || !p->body.len)
        return NULL;
    return cJSON_ParseWithLength(p->body.buf, p->body.len);
}

static int has_method(const cJSON *model, const char *method)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(model, "supportedGenerationMethods");
    const cJSON *it;
    cJSON_ArrayForEach(it, m)
    {
        if (cJSON_IsString(it) && strcmp(it->valuestring, method) == 0)
            return 1;
    }
    return 0;
}

const char *strip_models(const char *name)
{
    return strncmp(name, "models/", 7) == 0 ? name + 7 : name;
}

void free_models(struct live_model *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].name);
    free(m);
}

static void cut_list(struct check_run *run, const char *why)
{
    free(run->list_cut);
    run->list_cut = xstrdup(why);
}

/* Returns 1 when another page was started. */
static int take_model_page(struct check_run *run, const cJSON *root, long tmo_left)
{
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    const cJSON *next = cJSON_GetObjectItemCaseSensitive(root, "nextPageToken");
    const cJSON *it;

    cJSON_ArrayForEach(it, models)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
        if (!cJSON_IsString(name) || run->nbuilding >= MODELS_MAX)
            continue;
        run->building =
            xrealloc(run->building, (size_t)(run->nbuilding + 1) * sizeof(*run->building));
        run->building[run->nbuilding].name = xstrdup(strip_models(name->valuestring));
        run->building[run->nbuilding].generate = has_method(it, "generateContent");
        run->nbuilding++;
    }
    run->pages++;
    if (!cJSON_IsString(next) || !next->valuestring[0])
        return 0;
    /* Paging has its own bounds, a count and the check's timeout from the
     * first page, and a list cut short by them says so. A server that hands
     * back the token it was given would make us list the same page again and
     * again: follow each token once. */
    if (run->last_token && strcmp(run->last_token, next->valuestring) == 0) {
        cut_list(run, "the server gave the same page token twice");
        return 0;
    }
    if (run->pages >= LIST_PAGES_MAX) {
        struct sbuf sb;
        sbuf_init(&sb);
        sbuf_addf(&sb, "more than %d pages", LIST_PAGES_MAX);
        cut_list(run, sb.buf);
        sbuf_release(&sb);
        return 0;
    }
    if (tmo_left <= 100) {
        cut_list(run, "the timeout ran out while paging");
        return 0;
    }
    free(run->last_token);
    run->last_token = xstrdup(next->valuestring);
    char *url = list_url(run, next->valuestring);
    int ret = launch(run, CHECK_KEY_ACCEPTED, "GET", url, 1, NULL, tmo_left, API_BODY_MAX);
    free(url);
    return ret == 0;
}

/* A later page failed: the first page already proved the key. */
static int later_page_failed(struct check_run *run, const struct probe *p)
{
    struct sbuf sb;
    const char *net = probe_net_error(p);

    if (run->pages == 0)
        return 0;
    sbuf_init(&sb);
    sbuf_addf(&sb, "page %d did not arrive whole: ", run->pages + 1);
    if (net) {
        char *d = probe_net_detail(p);
        sbuf_adds(&sb, d);
        free(d);
    } else if (p->http < 200 || p->http > 299) {
        sbuf_addf(&sb, "HTTP %ld", p->http);
    } else {
        sbuf_adds(&sb, "not the API's JSON");
    }
    cut_list(run, sb.buf);
    sbuf_release(&sb);
    return 1;
}

#define DRIFT_NAMES 6

static int listed(const struct check_run *run, const struct model_info *mi)
{
    for (int i = 0; i < run->nmodels; i++)
        if (rules_model(run->t, run->models[i].name) == mi)
            return 1;
    return 0;
}

/* Add "label: a, b, …" to d for the names counted in one drift kind. */
struct drift {
    struct sbuf names;
    int n;
};

static void drift_add(struct drift *k, const char *name)
{
    if (k->n < DRIFT_NAMES)
        sbuf_addf(&k->names, "%s%s", k->n ? ", " : "", name);
    else if (k->n == DRIFT_NAMES)
        sbuf_adds(&k->names, ", …");
    k->n++;
}

static void drift_line(struct sbuf *d, struct drift *k, const char *label)
{
    if (k->n)
        sbuf_addf(d, "%s: %s\n", label, k->names.buf);
    sbuf_release(&k->names);
}

/* Compare the live list with the rules' models: a listed model the data does
 * not know means the data is older than the API; a model it calls shut that
 * is still listed, or a GA one that is not, is news too. */
static void report_drift(struct check_run *run, struct sbuf *sum)
{
    struct drift unknown = {0}, shut = {0}, gone = {0};
    const char *date = rules_data_date(run->t);
    struct sbuf d;

    sbuf_init(&d);
    sbuf_init(&unknown.names);
    sbuf_init(&shut.names);
    sbuf_init(&gone.names);
    for (int i = 0; i < run->nmodels; i++)
        if (!rules_model(run->t, run->models[i].name))
            drift_add(&unknown, run->models[i].name);
    for (int i = 0; i < rules_model_count(run->t); i++) {
        const struct model_info *mi = rules_model_get(run->t, i);
        int is_listed = listed(run, mi);
        if (strcmp(mi->status, "shut") == 0 && is_listed)
            drift_add(&shut, mi->name);
        /* A partial list proves nothing about what is missing. */
        else if (strcmp(mi->status, "ga") == 0 && !is_listed && !run->list_cut)
            drift_add(&gone, mi->name);
    }
    if (unknown.n)
        sbuf_addf(sum,
                  "; %d listed model%s unknown to the rules data of %s: the data is older "
                  "than the API (gemini-doctor rules update)",
                  unknown.n, unknown.n == 1 ? " is" : "s are", date);
    if (shut.n)
        sbuf_addf(sum, "; %d the rules call shut %s still listed", shut.n,
                  shut.n == 1 ? "is" : "are");
    if (gone.n)
        sbuf_addf(sum, "; %d the rules call GA %s not listed", gone.n, gone.n == 1 ? "is" : "are");
    drift_line(&d, &unknown, "listed, not in the rules data");
    drift_line(&d, &shut, "listed, though the rules say shut");
    drift_line(&d, &gone, "GA in the rules, not listed");
    set_detail(run, CHECK_KEY_ACCEPTED, d.buf);
    sbuf_release(&d);
}

static void judge_key(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_KEY_ACCEPTED;
    cJSON *root;
    long left;
    struct sbuf sb;

    root = NULL;
    if (run->pages == 0) {
        free(run->list_cut);
        run->list_cut = NULL;
    }
    if (probe_net_error(p) || p->http < 200 || p->http > 299) {
        if (later_page_failed(run, p))
            goto accept;
        fail_unless_2xx(run, id, p, 0);
        goto done;
    }
    root = parse_json(p);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        if (later_page_failed(run, p))
            goto accept;
        fail_bad_body(run, id, p);
        goto done;
    }
    left = timeout_ms(run) - (long)(now_ms() - run->started_ms[id]);
    if (take_model_page(run, root, left)) {
        cJSON_Delete(root);
        return;
    }
    cJSON_Delete(root);
accept:
    free_models(run->models, run->nmodels);
    run->models = run->building;
    run->nmodels = run->nbuilding;
    run->building = NULL;
    run->nbuilding = 0;
    run->checks[id].result = RES_PASS;
    sbuf_init(&sb);
    sbuf_addf(&sb, "the API accepted the key: %d models listed", run->nmodels);
    if (run->list_cut)
        sbuf_addf(&sb, " (the list is cut: %s)", run->list_cut);
    report_drift(run, &sb);
    set_summary(run, id, sb.buf);
    sbuf_release(&sb);
done:
    finish_check(run, id);
}

static void model_lifecycle(struct check_run *run, const cJSON *m)
{
    enum check_id id = CHECK_MODEL_AVAILABLE;
    const struct model_info *mi = rules_model(run->t, run->model);
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(m, "inputTokenLimit");
    const cJSON *out = cJSON_GetObjectItemCaseSensitive(m, "outputTokenLimit");
    struct sbuf sb, d;

    sbuf_init(&sb);
    sbuf_init(&d);
    if (cJSON_IsNumber(in) && cJSON_IsNumber(out))
        sbuf_addf(&d, "limits: %.0f input tokens, %.0f output tokens\n", in->valuedouble,
                  out->valuedouble);
    if (mi && mi->status &&
        (strcmp(mi->status, "preview") == 0 || strcmp(mi->status, "deprecated") == 0 ||
         strcmp(mi->status, "shut") == 0)) {
        run->checks[id].result = RES_WARN;
        if (strcmp(mi->status, "preview") == 0)
            sbuf_addf(&sb,
                      "%s is a preview model: it can change or be shut down at short "
                      "notice",
                      run->model);
        else if (strcmp(mi->status, "deprecated") == 0)
            sbuf_addf(&sb, "%s is deprecated%s%s", run->model, mi->shutdown ? "; shutdown " : "",
                      mi->shutdown ? mi->shutdown : "");
        else
            sbuf_addf(&sb, "%s still answers, though the rules table says it was shut down%s%s",
                      run->model, mi->shutdown ? " on " : "", mi->shutdown ? mi->shutdown : "");
        if (mi->successor)
            sbuf_addf(&sb, "; move to %s", mi->successor);
        if (mi->routed_to)
            sbuf_addf(&sb,
                      "; the rules say calls to it are routed to %s%s%s: they run, and are "
                      "billed, on that model",
                      mi->routed_to, mi->routed_since ? " since " : "",
                      mi->routed_since ? mi->routed_since : "");
        if (mi->uncertain)
            sbuf_adds(&sb, " (dates unconfirmed)");
        if (mi->verified)
            sbuf_addf(&d, "lifecycle facts verified %s\n", mi->verified);
        if (mi->note)
            sbuf_addf(&d, "%s\n", mi->note);
    } else if (run->opt->no_generate && mi && mi->closed_to_new) {
        /* Listed and answered by models.get, yet closed to new projects:
         * only generateContent could tell whether this project may call it. */
        const char *vars[] = {"model", run->model, "since", mi->closed_to_new, NULL};
        char *text = rules_check_summary(run->t, "model-closed-unproven", vars);
        run->checks[id].result = RES_WARN;
        if (text)
            sbuf_adds(&sb, text);
        else
            sbuf_addf(&sb, "%s is listed, but closed to new projects since %s", run->model,
                      mi->closed_to_new);
        free(text);
    } else if (run->opt->no_generate && mi && mi->routed_to) {
        run->checks[id].result = RES_WARN;
        sbuf_addf(&sb,
                  "%s is listed, but the rules say calls to it are routed to %s%s%s%s: they "
                  "run, and are billed, on %s; generateContent was not called (--no-generate)",
                  run->model, mi->routed_to, mi->routed_since ? " since " : "",
                  mi->routed_since ? mi->routed_since : "", mi->uncertain ? " (unconfirmed)" : "",
                  mi->routed_to);
    } else if (run->opt->no_generate) {
        run->checks[id].result = RES_WARN;
        sbuf_addf(&sb,
                  "%s is listed and supports generateContent, but is not proven callable: a "
                  "listed model can be closed to new projects, and generateContent was not "
                  "called (--no-generate)",
                  run->model);
    } else {
        run->checks[id].result = RES_PASS;
        sbuf_addf(&sb, "%s is available and supports generateContent", run->model);
        if (mi && mi->status && strcmp(mi->status, "alias") == 0) {
            char *text = rules_check_summary(run->t, "model-alias", NULL);
            sbuf_addf(&sb, " (%s)", text ? text : "an alias");
            free(text);
        }
    }
    set_summary(run, id, sb.buf);
    set_detail(run, id, d.buf);
    sbuf_release(&sb);
    sbuf_release(&d);
}

/* Attach the rules' verdict on a local finding about run->model. */
static void attach_model_fact(struct check_run *run, enum check_id id, enum evidence_fact fact,
                              enum check_result result)
{
    struct evidence ev;
    evidence_init(&ev);
    ev.fact = xstrdup(evidence_fact_name(fact));
    ev.model = xstrdup(run->model);
    attach(run, id, &ev, result);
}

static void judge_model(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_MODEL_AVAILABLE;
    cJSON *root;

    if (!fail_unless_2xx(run, id, p, 1)) {
        root = parse_json(p);
        if (!cJSON_IsObject(root)) {
            fail_bad_body(run, id, p);
        } else if (!has_method(root, "generateContent")) {
            struct sbuf sb;
            attach_model_fact(run, id, FACT_MODEL_NO_GENERATE, RES_FAIL);
            sbuf_init(&sb);
            sbuf_addf(&sb, "%s exists but does not support generateContent", run->model);
            set_summary(run, id, sb.buf);
            sbuf_release(&sb);
        } else {
            model_lifecycle(run, root);
        }
        cJSON_Delete(root);
    }
    finish_check(run, id);
}

/* Is the answer's modelVersion another model than the one asked for? An
 * alias answers as its target by design; a snapshot or variant of the same
 * model is the same model. */
static int version_is_other(const struct check_run *run, const char *ver)
{
    const struct model_info *asked = rules_model(run->t, run->model);
    size_t n = strlen(run->model);

    if (!ver || !*ver || gd_strcasecmp(ver, run->model) == 0)
        return 0;
    if (asked && asked->status && strcmp(asked->status, "alias") == 0)
        return 0;
    if (gd_strncasecmp(ver, run->model, n) == 0 && ver[n] == '-')
        return 0;
    return !(asked && rules_model(run->t, ver) == asked);
}

static int routed_elsewhere(const struct check_run *run, const char *ver)
{
    const struct model_info *asked = rules_model(run->t, run->model);
    return version_is_other(run, ver) || (asked && asked->routed_to);
}

/* The call worked, but on another model: say which, from the answer when it
 * names one, else from the rules. */
static void warn_routed(struct check_run *run, const char *ver)
{
    enum check_id id = CHECK_REQUEST_GENERATE;
    const struct model_info *asked = rules_model(run->t, run->model);
    struct sbuf sb;

    attach_model_fact(run, id, FACT_MODEL_ANSWERED_BY_ANOTHER, RES_WARN);
    sbuf_init(&sb);
    if (version_is_other(run, ver))
        sbuf_addf(&sb,
                  "generateContent answered, but as %s (modelVersion), not %s: calls to %s "
                  "run, and are billed, on %s",
                  ver, run->model, run->model, ver);
    else
        sbuf_addf(&sb,
                  "generateContent answered as %s, but the rules say calls to it are routed "
                  "to %s%s%s%s: they may run, and be billed, on %s",
                  run->model, asked->routed_to, asked->routed_since ? " since " : "",
                  asked->routed_since ? asked->routed_since : "",
                  asked->uncertain ? " (unconfirmed)" : "", asked->routed_to);
    set_summary(run, id, sb.buf);
    sbuf_release(&sb);
}

static void judge_generate(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_REQUEST_GENERATE;
    cJSON *root;

    if (!fail_unless_2xx(run, id, p, 1)) {
        const cJSON *fb, *block, *ver;
        root = parse_json(p);
        fb = cJSON_GetObjectItemCaseSensitive(root, "promptFeedback");
        block = cJSON_GetObjectItemCaseSensitive(fb, "blockReason");
        ver = cJSON_GetObjectItemCaseSensitive(root, "modelVersion");
        if (!cJSON_IsObject(root)) {
            fail_bad_body(run, id, p);
        } else if (cJSON_IsString(block)) {
            /* A 200 whose prompt was blocked: the reader knows the shape. */
            struct evidence ev;
            evidence_init(&ev);
            reader_read_response(rules_vocab(run->t), (int)p->http, p->content_type, p->retry_after,
                                 p->body.buf, p->body.len, &ev);
            if (!ev.model)
                ev.model = xstrdup(run->model);
            attach(run, id, &ev, RES_WARN);
            summarise_diag(run, id, "the test prompt was blocked");
        } else if (routed_elsewhere(run, cJSON_IsString(ver) ? ver->valuestring : NULL)) {
            warn_routed(run, cJSON_IsString(ver) ? ver->valuestring : NULL);
        } else {
            const cJSON *cands = cJSON_GetObjectItemCaseSensitive(root, "candidates");
            const cJSON *finish =
                cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(cands, 0), "finishReason");
            struct sbuf sb;
            sbuf_init(&sb);
            sbuf_adds(&sb, "generateContent answered");
            if (cJSON_IsString(ver))
                sbuf_addf(&sb, " (model version %s)", ver->valuestring);
            /* Thinking models spend a one-token budget on thinking: HTTP 200,
             * no text, finishReason MAX_TOKENS (or no candidate at all). That
             * is still a working request. */
            if (cJSON_IsString(finish) && strcmp(finish->valuestring, "MAX_TOKENS") == 0)
                sbuf_adds(&sb, "; the one-token budget ran out (MAX_TOKENS), as expected");
            run->checks[id].result = RES_PASS;
            set_summary(run, id, sb.buf);
            sbuf_release(&sb);
        }
        cJSON_Delete(root);
    }
    finish_check(run, id);
}

static void judge_reach(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_NETWORK_REACH;
    struct sbuf sb;

    if (probe_net_error(p)) {
        fail_net(run, id, p);
    } else {
        sbuf_init(&sb);
        sbuf_addf(&sb, "the API host answered (HTTP %ld) in %lld ms", p->http, p->total_us / 1000);
        run->checks[id].result = RES_PASS;
        set_summary(run, id, sb.buf);
        sbuf_release(&sb);
    }
    finish_check(run, id);
}

/* The judge of each check that sends a probe; the config checks send none. */
static void (*const judges[CHECK_COUNT])(struct check_run *run, const struct probe *p) = {
    [CHECK_NETWORK_REACH] = judge_reach,     [CHECK_KEY_ACCEPTED] = judge_key,
    [CHECK_MODEL_AVAILABLE] = judge_model,   [CHECK_REQUEST_GENERATE] = judge_generate,
    [CHECK_STATUS_INCIDENTS] = judge_status,
};

void judge(struct check_run *run, struct probe *p)
{
    enum check_id id = (enum check_id)p->tag;

    run->probe[id] = NULL;
    record_probe(run, id, p);
    if (judges[id])
        judges[id](run, p);
    probe_free(p);
}
