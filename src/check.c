/*
 * check: runs the seven checks of `gemini-doctor check`: two offline
 * (config.key, config.environment) and five network probes started at once
 * on one curl multi handle. A failed probe's response or transport failure
 * goes through reader_read_response() and diagnose() like any paste; the
 * probe adds only what it alone knows (ev.fact for local findings,
 * ev.net_error for transport failures, the model it asked about). The
 * decisions this file makes where the contract is silent are in
 * docs/check.md.
 */
#include "check.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "diagnosis.h"
#include "evidence.h"
#include "keymask.h"
#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "reader.h"
#include "rules.h"
#include "util.h"

/* Bodies from the API are small; anything past this is not the API. */
#define API_BODY_MAX ((size_t)4 << 20)
/* Google's public incidents.json grows over the years; give it room. */
#define STATUS_BODY_MAX ((size_t)32 << 20)
/* Model list pages followed before giving up on the rest. */
#define LIST_PAGES_MAX 10
#define INCIDENTS_SHOWN 5
#define MODELS_MAX 5000
/* Names compared for suggestions are cut to this length. */
#define NAME_CMP_MAX 96
#define SUGGEST_MAX 3

#define X(e, id, label) id,
static const char *const check_ids[] = {CHECK_IDS(X)};
#undef X
#define X(e, id, label) label,
static const char *const check_labels[] = {CHECK_IDS(X)};
#undef X

struct live_model {
    char *name;   /* without "models/" */
    int generate; /* supports generateContent */
};

struct check_run {
    const struct options *opt;
    const struct rule_table *t;
    char *session_key; /* the TUI's key; wiped on free */
    struct key_source ks;
    char *key_masked;
    char *model;
    char *base_url;       /* without trailing slashes */
    char *base_url_shown; /* the same with any user:password@ hidden */
    int standard_pending; /* config.key warns about a standard key until it is accepted */
    int key_fresh;        /* the key was just read; the next start need not read it again */

    struct check checks[CHECK_COUNT];
    int decorated[CHECK_COUNT]; /* suggestions added once */
    struct probe_multi *multi;
    struct probe *probe[CHECK_COUNT];
    double started_ms[CHECK_COUNT];
    struct sbuf xchg[CHECK_COUNT];
    struct sbuf timings[CHECK_COUNT];

    int pages;                   /* model list pages fetched in this run */
    char *last_token;            /* the page token last followed */
    struct live_model *building; /* the list being paged in */
    int nbuilding;
    struct live_model *models; /* the last complete list */
    int nmodels;
};

const char *check_id_name(enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? check_ids[id] : "?";
}

const char *check_label(enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? check_labels[id] : "?";
}

const char *check_result_name(enum check_result r)
{
    switch (r) {
    case RES_PENDING:
        return "pending";
    case RES_RUNNING:
        return "running";
    case RES_PASS:
        return "pass";
    case RES_WARN:
        return "warn";
    case RES_FAIL:
        return "fail";
    case RES_SKIP:
        return "skip";
    }
    return "?";
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static long timeout_ms(const struct check_run *run)
{
    double t = run->opt->timeout_s * 1000.0;
    return t < 1 ? 1 : (long)t;
}

/* --- strings that may hold what a server sent ------------------------- */

/* A copy of s with the key (in any form) replaced by its mask. Servers and
 * proxies can echo what they received; nothing we print may carry it. */
static char *scrub(const struct check_run *run, const char *s)
{
    struct sbuf sb;
    const char *key = run->ks.key;
    char *out;

    if (!s)
        return NULL;
    sbuf_init(&sb);
    if (key && strlen(key) >= 8) {
        size_t klen = strlen(key);
        const char *p = s;
        for (;;) {
            const char *hit = strstr(p, key);
            if (!hit)
                break;
            sbuf_add(&sb, p, (size_t)(hit - p));
            sbuf_adds(&sb, run->key_masked);
            p = hit + klen;
        }
        sbuf_adds(&sb, p);
    } else {
        sbuf_adds(&sb, s);
    }
    out = key_redact(sb.buf ? sb.buf : "");
    sbuf_release(&sb);
    return out;
}

static void scrub_in_place(const struct check_run *run, char **s)
{
    char *n;
    if (!*s)
        return;
    n = scrub(run, *s);
    free(*s);
    *s = n;
}

/* Append s[0..n) shown safely on one line: control characters become
 * spaces, and at most max bytes are kept (cut on a UTF-8 boundary). */
static void add_oneline(struct sbuf *sb, const char *s, size_t n, size_t max)
{
    size_t i;
    for (i = 0; i < n && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        sbuf_addc(sb, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (i < n) {
        while (sb->len > 0 && ((unsigned char)sb->buf[sb->len - 1] & 0xc0) == 0x80)
            sb->len--;
        if (sb->len > 0 && ((unsigned char)sb->buf[sb->len - 1] & 0xc0) == 0xc0)
            sb->len--;
        sb->buf[sb->len] = '\0';
        sbuf_adds(sb, "…");
    }
}

/* --- check state -------------------------------------------------------- */

static void check_clear(struct check *c)
{
    free(c->summary);
    if (c->diag) {
        diagnosis_release(c->diag);
        free(c->diag);
    }
    free(c->detail);
    free(c->exchange);
    c->summary = NULL;
    c->diag = NULL;
    c->detail = NULL;
    c->exchange = NULL;
    c->transient = 0;
    c->duration_ms = 0;
    c->result = RES_PENDING;
}

static void set_summary(struct check_run *run, enum check_id id, const char *s)
{
    struct check *c = &run->checks[id];
    free(c->summary);
    c->summary = scrub(run, s);
}

static void set_detail(struct check_run *run, enum check_id id, const char *s)
{
    struct check *c = &run->checks[id];
    free(c->detail);
    c->detail = s && *s ? scrub(run, s) : NULL;
}

/* The rules' steps serve pasted errors too, and some tell the user to run
 * 'gemini-doctor check': inside check that advice is already being followed. */
static void drop_self_referring_steps(struct diagnosis *d)
{
    int kept = 0;
    for (int i = 0; i < d->nsteps; i++) {
        if (strstr(d->steps[i], "gemini-doctor check")) {
            free(d->steps[i]);
            continue;
        }
        d->steps[kept++] = d->steps[i];
    }
    d->nsteps = kept;
}

/* Diagnose ev (taken) and attach the diagnosis to check id with result. */
static void attach(struct check_run *run, enum check_id id, struct evidence *ev,
                   enum check_result result)
{
    struct check *c = &run->checks[id];
    struct diagnosis *d = xcalloc(1, sizeof(*d));

    /* The rules may ask which kind of key was rejected (a 401 means different
     * things for AIza and AQ. keys); the probes that sent it know. */
    if (!ev->key_masked && run->key_masked[0] && id != CHECK_STATUS_INCIDENTS)
        ev->key_masked = xstrdup(run->key_masked);
    diagnose(run->t, ev, gd_now(), d);
    drop_self_referring_steps(d);
    for (int i = 0; i < d->nsteps; i++)
        scrub_in_place(run, &d->steps[i]);
    scrub_in_place(run, &d->ev.message);
    scrub_in_place(run, &d->ev.text);
    scrub_in_place(run, &d->ev.net_detail);
    scrub_in_place(run, &d->wait_plan);
    if (c->diag) {
        diagnosis_release(c->diag);
        free(c->diag);
    }
    c->diag = d;
    c->result = result;
    /* Exit 75 means "retry later and it will work". A transport failure seen
     * by check (refused, reset, timed out, a proxy's page) needs someone to
     * look at the network even when the rules call it retryable, so only the
     * API's own answers and incidents count as transient here. */
    c->transient = result == RES_FAIL && d->retryable && !d->ev.net_error;
}

static int cause_is(const struct check *c, const char *cause)
{
    return c->diag && c->diag->cause && strcmp(c->diag->cause, cause) == 0;
}

/* A one-line summary of a diagnosis: the title, then what was seen. */
static char *diag_summary(const struct diagnosis *d, const char *lead)
{
    const struct evidence *ev = &d->ev;
    struct sbuf sb;
    int recognised = d->cause && strcmp(d->cause, "unknown") != 0;

    sbuf_init(&sb);
    if (lead)
        sbuf_adds(&sb, lead);
    else if (recognised && d->title)
        sbuf_adds(&sb, d->title);
    else
        sbuf_adds(&sb, "unrecognised answer");
    if (ev->http) {
        sbuf_addf(&sb, " (HTTP %d", ev->http);
        if (ev->status)
            sbuf_addf(&sb, " %s", ev->status);
        if (ev->reason)
            sbuf_addf(&sb, ", %s", ev->reason);
        sbuf_adds(&sb, ")");
    }
    if (d->model_info && d->model_info->shutdown && d->model_info->status &&
        strcmp(d->model_info->status, "shut") == 0) {
        sbuf_addf(&sb, ": %s was shut down on %s", d->model_info->name, d->model_info->shutdown);
        if (d->model_info->successor)
            sbuf_addf(&sb, "; use %s", d->model_info->successor);
    }
    if (ev->net_detail) {
        sbuf_adds(&sb, ": ");
        add_oneline(&sb, ev->net_detail, strlen(ev->net_detail), 200);
    } else if (!recognised && ev->message) {
        sbuf_adds(&sb, ": ");
        add_oneline(&sb, ev->message, strlen(ev->message), 200);
    }
    return sbuf_detach(&sb);
}

static void summarise_diag(struct check_run *run, enum check_id id, const char *lead)
{
    char *s = diag_summary(run->checks[id].diag, lead);
    set_summary(run, id, s);
    free(s);
}

static void finish_check(struct check_run *run, enum check_id id)
{
    struct check *c = &run->checks[id];
    double el = now_ms() - run->started_ms[id];
    c->duration_ms = el < 0 ? 0 : (long)(el + 0.5);
    if (run->xchg[id].len) {
        free(c->exchange);
        c->exchange = scrub(run, run->xchg[id].buf);
    }
    if (run->timings[id].len) {
        struct sbuf sb;
        sbuf_init(&sb);
        if (c->detail)
            sbuf_addf(&sb, "%s\n", c->detail);
        sbuf_addf(&sb, "timings: %s", run->timings[id].buf);
        set_detail(run, id, sb.buf);
        sbuf_release(&sb);
    }
}

static void skip(struct check_run *run, enum check_id id, const char *why)
{
    struct check *c = &run->checks[id];
    check_clear(c);
    c->result = RES_SKIP;
    set_summary(run, id, why);
}

/* --- config.key ----------------------------------------------------------- */

static void fact_check(struct check_run *run, enum check_id id, const char *fact,
                       enum check_result result, const char *summary)
{
    struct evidence ev;
    evidence_init(&ev);
    ev.fact = xstrdup(fact);
    if (run->key_masked[0])
        ev.key_masked = xstrdup(run->key_masked);
    attach(run, id, &ev, result);
    set_summary(run, id, summary);
}

/* The length of a standard key, from the keys section of the rules. */
static size_t standard_key_length(const struct rule_table *t)
{
    const cJSON *keys = rules_section(t, "keys");
    const cJSON *kinds = cJSON_GetObjectItemCaseSensitive(keys, "kinds");
    const cJSON *it;

    cJSON_ArrayForEach(it, kinds)
    {
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(it, "kind");
        const cJSON *len = cJSON_GetObjectItemCaseSensitive(it, "length");
        if (cJSON_IsString(kind) && strcmp(kind->valuestring, "standard") == 0 &&
            cJSON_IsNumber(len) && len->valuedouble > 0 && len->valuedouble < 1000)
            return (size_t)len->valuedouble;
    }
    return 39;
}

static void run_config_key(struct check_run *run)
{
    const struct key_source *ks = &run->ks;
    enum check_id id = CHECK_CONFIG_KEY;
    enum key_kind kind = key_kind_of(ks->key);
    struct sbuf detail, sum;
    size_t len = ks->key ? strlen(ks->key) : 0;

    sbuf_init(&detail);
    sbuf_init(&sum);
    run->standard_pending = 0;
    if (ks->source)
        sbuf_addf(&detail, "source: %s\n", ks->source);
    if (ks->key)
        sbuf_addf(&detail, "key: %s, %s, %zu characters\n", run->key_masked, key_kind_name(kind),
                  len);
    if (ks->note)
        sbuf_addf(&detail, "%s\n", ks->note);
    if (ks->problem)
        sbuf_addf(&detail, "%s\n", ks->problem);

    if (!ks->key) {
        if (ks->file_error)
            sbuf_adds(&sum, ks->file_error);
        else if (ks->problem)
            sbuf_addf(&sum, "%s holds no key, only whitespace or quotes", ks->source);
        else
            sbuf_adds(&sum, "no API key: set GOOGLE_API_KEY or GEMINI_API_KEY, or use --key-file");
        fact_check(run, id, "key-missing", RES_FAIL, sum.buf);
    } else if (ks->unusable) {
        sbuf_addf(&sum, "the key in %s cannot be used: %s", ks->source, ks->problem);
        fact_check(run, id, "key-malformed", RES_FAIL, sum.buf);
    } else if (kind == KEY_OAUTH) {
        sbuf_addf(&sum, "%s holds an OAuth access token (ya29.…), not an API key", ks->source);
        fact_check(run, id, "key-oauth-token", RES_FAIL, sum.buf);
    } else if (ks->problem) {
        sbuf_addf(&sum, "%s: %s", ks->source, ks->problem);
        fact_check(run, id, "key-malformed", RES_WARN, sum.buf);
    } else if (kind == KEY_STANDARD && len != standard_key_length(run->t)) {
        sbuf_addf(&sum,
                  "standard keys (AIza…) are %zu characters; the one in %s has %zu "
                  "(cut short or pasted twice?)",
                  standard_key_length(run->t), ks->source, len);
        fact_check(run, id, "key-malformed", RES_WARN, sum.buf);
    } else if (kind == KEY_STANDARD) {
        /* Google stopped accepting standard keys in September 2026; the
         * live probe may still prove this one works (finalize()). */
        sbuf_addf(&sum,
                  "standard key (AIza…) from %s: Google no longer accepts standard "
                  "keys for the Gemini API since September 2026; move to an auth key "
                  "(AQ.…)",
                  ks->source);
        fact_check(run, id, "key-standard-rejected-date", RES_WARN, sum.buf);
        run->standard_pending = 1;
    } else if (kind == KEY_AUTH) {
        struct check *c = &run->checks[id];
        c->result = RES_PASS;
        sbuf_addf(&sum, "auth key (AQ.…) from %s", ks->source);
        set_summary(run, id, sum.buf);
    } else {
        struct check *c = &run->checks[id];
        c->result = RES_WARN;
        sbuf_addf(&sum,
                  "the key from %s is not in a known Gemini key format (AQ.… or "
                  "AIza…); it is tried anyway",
                  ks->source);
        set_summary(run, id, sum.buf);
    }
    /* Two different keys set is worth a warning even when this one is fine. */
    if (ks->note && run->checks[id].result == RES_PASS && strstr(ks->note, "differ")) {
        run->checks[id].result = RES_WARN;
        sbuf_release(&sum);
        sbuf_addf(&sum, "%s", ks->note);
        set_summary(run, id, sum.buf);
    }
    set_detail(run, id, detail.buf);
    sbuf_release(&detail);
    sbuf_release(&sum);
}

/* --- config.environment --------------------------------------------------- */

static int env_true(const char *v)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    if (!v)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++)
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
    return 0;
}

static void run_config_env(struct check_run *run)
{
    static const char *const proxies[] = {"HTTPS_PROXY", "https_proxy", "ALL_PROXY",
                                          "all_proxy",   "NO_PROXY",    "no_proxy"};
    static const char *const cas[] = {"CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR",
                                      "REQUESTS_CA_BUNDLE"};
    static const char *const gcloud[] = {"GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION",
                                         "GOOGLE_APPLICATION_CREDENTIALS"};
    enum check_id id = CHECK_CONFIG_ENV;
    struct sbuf d, warn;
    int nproxy = 0, vertex = 0;
    const char *v;

    sbuf_init(&d);
    sbuf_init(&warn);
    sbuf_addf(&d, "base URL: %s (%s)\n", run->base_url_shown, run->opt->base_url_from);
    sbuf_addf(&d, "status feed: %s\n", run->opt->status_url);
    sbuf_addf(&d, "model: %s (%s)\n", run->model,
              run->opt->model_from ? run->opt->model_from : "rules default");

    v = getenv("GOOGLE_GENAI_USE_VERTEXAI");
    if (v && *v) {
        sbuf_addf(&d, "GOOGLE_GENAI_USE_VERTEXAI=%s\n", v);
        vertex = env_true(v);
        if (vertex)
            sbuf_adds(&warn, "GOOGLE_GENAI_USE_VERTEXAI is on: Google's SDKs will call Vertex "
                             "AI with Application Default Credentials, which does not use a "
                             "Gemini API key; unset it to use the key checked here");
    }
    for (size_t i = 0; i < ARRAY_SIZE(gcloud); i++) {
        v = getenv(gcloud[i]);
        if (v && *v)
            sbuf_addf(&d, "%s=%s (used only in Vertex AI mode)\n", gcloud[i], v);
    }
    for (size_t i = 0; i < ARRAY_SIZE(proxies); i++) {
        v = getenv(proxies[i]);
        if (v && *v) {
            char *m = url_hide_userinfo(v);
            sbuf_addf(&d, "proxy: %s=%s\n", proxies[i], m);
            free(m);
            if (strncasecmp(proxies[i], "no_", 3) != 0)
                nproxy++;
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(cas); i++) {
        v = getenv(cas[i]);
        if (!v || !*v)
            continue;
        sbuf_addf(&d, "CA: %s=%s%s\n", cas[i], v,
                  strcmp(cas[i], "REQUESTS_CA_BUNDLE") == 0 ? " (Python requests only)" : "");
        if (access(v, R_OK) != 0)
            sbuf_addf(&warn, "%s%s points to '%s', which cannot be read; TLS checks will fail",
                      warn.len ? "; " : "", cas[i], v);
    }
    if (vertex) {
        struct evidence ev;
        evidence_init(&ev);
        ev.fact = xstrdup("vertex-mode");
        attach(run, id, &ev, RES_WARN);
        set_summary(run, id, warn.buf);
    } else if (warn.len) {
        run->checks[id].result = RES_WARN;
        set_summary(run, id, warn.buf);
    } else {
        struct sbuf s;
        sbuf_init(&s);
        sbuf_addf(&s, "base URL %s (%s)", run->base_url_shown, run->opt->base_url_from);
        if (probe_env_proxy(run->base_url))
            sbuf_adds(&s, ", through a proxy");
        else
            sbuf_adds(&s, nproxy ? ", no proxy for this host" : ", no proxy");
        run->checks[id].result = RES_PASS;
        set_summary(run, id, s.buf);
        sbuf_release(&s);
    }
    set_detail(run, id, d.buf);
    sbuf_release(&d);
    sbuf_release(&warn);
}

/* --- starting the network probes --------------------------------------- */

static char *model_url(const struct check_run *run, const char *suffix)
{
    struct sbuf sb;
    char *esc = curl_easy_escape(NULL, run->model, 0);

    sbuf_init(&sb);
    sbuf_addf(&sb, "%s/v1beta/models/%s%s", run->base_url, esc ? esc : "", suffix);
    curl_free(esc);
    return sbuf_detach(&sb);
}

static char *list_url(const struct check_run *run, const char *token)
{
    struct sbuf sb;

    sbuf_init(&sb);
    sbuf_addf(&sb, "%s/v1beta/models?pageSize=1000", run->base_url);
    if (token) {
        char *esc = curl_easy_escape(NULL, token, 0);
        sbuf_addf(&sb, "&pageToken=%s", esc ? esc : "");
        curl_free(esc);
    }
    return sbuf_detach(&sb);
}

static const char generate_body[] =
    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"ping\"}]}],"
    "\"generationConfig\":{\"maxOutputTokens\":1}}";

static int launch(struct check_run *run, enum check_id id, const char *method, const char *url,
                  int with_key, const char *body, long tmo, size_t max)
{
    struct probe_request req;

    req.method = method;
    req.url = url;
    req.key = with_key ? run->ks.key : NULL;
    req.body = body;
    req.timeout_ms = tmo;
    req.max_bytes = max;
    run->probe[id] = probe_start(run->multi, &req, (int)id);
    if (!run->probe[id])
        return -1;
    run->checks[id].result = RES_RUNNING;
    return 0;
}

/* Why a probe that needs the key cannot run, or NULL when it can. */
static const char *key_blocker(const struct check_run *run)
{
    if (!run->ks.key)
        return "skipped: no API key";
    if (run->ks.unusable)
        return "skipped: the key cannot be sent as it is stored (see config.key)";
    if (key_kind_of(run->ks.key) == KEY_OAUTH)
        return "skipped: an OAuth access token is not an API key (see config.key)";
    return NULL;
}

static int start_network(struct check_run *run, enum check_id id)
{
    const char *why = NULL;
    char *url = NULL;
    int ret = 0;

    run->started_ms[id] = now_ms();
    if (run->opt->offline) {
        skip(run, id, "skipped: offline (--offline)");
        return 0;
    }
    if (id == CHECK_KEY_ACCEPTED || id == CHECK_MODEL_AVAILABLE || id == CHECK_REQUEST_GENERATE)
        why = key_blocker(run);
    if (!why && id == CHECK_REQUEST_GENERATE && run->opt->no_generate)
        why = "skipped on request (--no-generate): generateContent was not called";
    if (why) {
        skip(run, id, why);
        return 0;
    }
    switch (id) {
    case CHECK_NETWORK_REACH:
        /* Without the key: any HTTP answer proves DNS, TCP and TLS. */
        url = list_url(run, NULL);
        ret = launch(run, id, "GET", url, 0, NULL, timeout_ms(run), API_BODY_MAX);
        break;
    case CHECK_KEY_ACCEPTED:
        run->pages = 0;
        free(run->last_token);
        run->last_token = NULL;
        url = list_url(run, NULL);
        ret = launch(run, id, "GET", url, 1, NULL, timeout_ms(run), API_BODY_MAX);
        break;
    case CHECK_MODEL_AVAILABLE:
        url = model_url(run, "");
        ret = launch(run, id, "GET", url, 1, NULL, timeout_ms(run), API_BODY_MAX);
        break;
    case CHECK_REQUEST_GENERATE:
        url = model_url(run, ":generateContent");
        ret = launch(run, id, "POST", url, 1, generate_body, timeout_ms(run), API_BODY_MAX);
        break;
    case CHECK_STATUS_INCIDENTS:
        /* The public feed never gets the key. */
        ret =
            launch(run, id, "GET", run->opt->status_url, 0, NULL, timeout_ms(run), STATUS_BODY_MAX);
        break;
    default:
        break;
    }
    free(url);
    return ret;
}

/* --- judging finished probes -------------------------------------------- */

static void record_probe(struct check_run *run, enum check_id id, const struct probe *p)
{
    if (run->xchg[id].len)
        sbuf_adds(&run->xchg[id], "\n");
    probe_describe(p, run->ks.key, &run->xchg[id]);
    sbuf_release(&run->timings[id]);
    probe_timings(p, &run->timings[id]);
}

static void fail_net(struct check_run *run, enum check_id id, const struct probe *p)
{
    struct evidence ev;
    const char *net = probe_net_error(p);

    evidence_init(&ev);
    ev.net_error = xstrdup(net);
    ev.net_detail = probe_net_detail(p);
    if (p->content_type)
        ev.content_type = xstrdup(p->content_type);
    attach(run, id, &ev, RES_FAIL);
    summarise_diag(run, id, NULL);
    if (strcmp(net, "tls") == 0)
        set_detail(run, id,
                   "The TLS handshake or certificate check failed. Behind a corporate proxy "
                   "that inspects TLS, the certificate is signed by the company's own CA "
                   "(e.g. Zscaler, Netskope, Palo Alto) rather than a public one. Ask for "
                   "that CA certificate and point CURL_CA_BUNDLE or SSL_CERT_FILE at a PEM "
                   "bundle that includes it; never turn verification off.");
}

/* The answer is not the API's JSON: say what came instead. */
static void fail_bad_body(struct check_run *run, enum check_id id, const struct probe *p)
{
    struct evidence ev;
    struct sbuf sb;

    evidence_init(&ev);
    sbuf_init(&sb);
    sbuf_addf(&sb, "HTTP %ld with %zu bytes of %s, not the API's JSON", p->http, p->body.len,
              p->content_type ? p->content_type : "content of no stated type");
    if (p->body.len) {
        sbuf_adds(&sb, ", starting '");
        add_oneline(&sb, p->body.buf, p->body.len, 80);
        sbuf_adds(&sb, "'");
    }
    ev.http = (int)p->http;
    ev.net_error = xstrdup("bad-response");
    ev.net_detail = sbuf_detach(&sb);
    if (p->content_type)
        ev.content_type = xstrdup(p->content_type);
    attach(run, id, &ev, RES_FAIL);
    summarise_diag(run, id, NULL);
}

static int body_is_json(const struct probe *p)
{
    cJSON *j;
    int ok;
    if (!p->body.buf || !p->body.len)
        return 0;
    j = cJSON_ParseWithLength(p->body.buf, p->body.len);
    ok = j != NULL;
    cJSON_Delete(j);
    return ok;
}

/* A non-2xx answer: the reader and the rules, as for a paste. */
static void fail_http(struct check_run *run, enum check_id id, const struct probe *p,
                      int about_model)
{
    struct evidence ev;

    evidence_init(&ev);
    if (reader_read_response((int)p->http, p->content_type, p->retry_after,
                             p->body.buf ? p->body.buf : "", p->body.len, &ev)) {
        evidence_release(&ev);
        evidence_init(&ev);
        ev.http = (int)p->http;
    }
    if (!ev.found && !ev.net_error && !body_is_json(p)) {
        /* Nothing the reader knows, and not JSON where the API always
         * answers JSON: say what came instead. */
        evidence_release(&ev);
        fail_bad_body(run, id, p);
        return;
    }
    if (about_model && !ev.model)
        ev.model = xstrdup(run->model);
    attach(run, id, &ev, RES_FAIL);
    summarise_diag(run, id, NULL);
}

/* A probe that did not reach the API, or that the API answered with other
 * than 2xx, fails the check. Returns 1 when it did (the failure is recorded),
 * 0 when the answer is left to the caller to judge. */
static int fail_unless_2xx(struct check_run *run, enum check_id id, const struct probe *p,
                           int about_model)
{
    if (probe_net_error(p)) {
        fail_net(run, id, p);
        return 1;
    }
    if (p->http < 200 || p->http > 299) {
        fail_http(run, id, p, about_model);
        return 1;
    }
    return 0;
}

static cJSON *parse_json(const struct probe *p)
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

static const char *strip_models(const char *name)
{
    return strncmp(name, "models/", 7) == 0 ? name + 7 : name;
}

static void free_models(struct live_model *m, int n)
{
    for (int i = 0; i < n; i++)
        free(m[i].name);
    free(m);
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
    /* A server that hands back the token it was given would make us list the
     * same page again and again: follow each token once. */
    if (cJSON_IsString(next) && next->valuestring[0] && run->pages < LIST_PAGES_MAX &&
        tmo_left > 100 && !(run->last_token && strcmp(run->last_token, next->valuestring) == 0)) {
        free(run->last_token);
        run->last_token = xstrdup(next->valuestring);
        char *url = list_url(run, next->valuestring);
        int ret = launch(run, CHECK_KEY_ACCEPTED, "GET", url, 1, NULL, tmo_left, API_BODY_MAX);
        free(url);
        return ret == 0;
    }
    return 0;
}

static void judge_key(struct check_run *run, const struct probe *p)
{
    enum check_id id = CHECK_KEY_ACCEPTED;
    cJSON *root;
    long left;
    struct sbuf sb;

    if (fail_unless_2xx(run, id, p, 0))
        goto done;
    root = parse_json(p);
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        fail_bad_body(run, id, p);
        goto done;
    }
    left = timeout_ms(run) - (long)(now_ms() - run->started_ms[id]);
    if (take_model_page(run, root, left)) {
        cJSON_Delete(root);
        return;
    }
    cJSON_Delete(root);
    free_models(run->models, run->nmodels);
    run->models = run->building;
    run->nmodels = run->nbuilding;
    run->building = NULL;
    run->nbuilding = 0;
    run->checks[id].result = RES_PASS;
    sbuf_init(&sb);
    sbuf_addf(&sb, "the API accepted the key: %d models listed", run->nmodels);
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
        if (mi->uncertain)
            sbuf_adds(&sb, " (dates unconfirmed)");
        if (mi->verified)
            sbuf_addf(&d, "lifecycle facts verified %s\n", mi->verified);
        if (mi->note)
            sbuf_addf(&d, "%s\n", mi->note);
    } else {
        run->checks[id].result = RES_PASS;
        sbuf_addf(&sb, "%s is available and supports generateContent", run->model);
        if (mi && mi->status && strcmp(mi->status, "alias") == 0)
            sbuf_adds(&sb, " (an alias: it follows Google's current model)");
    }
    set_summary(run, id, sb.buf);
    set_detail(run, id, d.buf);
    sbuf_release(&sb);
    sbuf_release(&d);
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
            struct evidence ev;
            struct sbuf sb;
            evidence_init(&ev);
            ev.fact = xstrdup("model-no-generate");
            ev.model = xstrdup(run->model);
            attach(run, id, &ev, RES_FAIL);
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
            reader_read_response((int)p->http, p->content_type, p->retry_after, p->body.buf,
                                 p->body.len, &ev);
            if (!ev.model)
                ev.model = xstrdup(run->model);
            attach(run, id, &ev, RES_WARN);
            summarise_diag(run, id, "the test prompt was blocked");
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

static int has_word(const char *s, size_t n, const char *w)
{
    return gd_memcasemem(s, n, w, strlen(w)) != NULL;
}

/*
 * Does this text concern the Gemini API? The API's own names count at once.
 * A bare "Gemini" counts too, except where it only names a product built on
 * Gemini that is not the API (Gemini Code Assist, Gemini Cloud Assist, Gemini
 * in Workspace or in another product): an outage there is not one that an API
 * user can wait out, and calling it one would be a wrong verdict.
 */
static int mentions_gemini(const char *s)
{
    static const char *const api[] = {"gemini api",    "generative language",      "ai studio",
                                      "vertex gemini", "gemini on agent platform", "gemini model"};
    static const char *const other[] = {"code assist", "cloud assist", "workspace", "gemini in ",
                                        "gemini for "};
    size_t n;
    if (!s)
        return 0;
    n = strlen(s);
    for (size_t i = 0; i < ARRAY_SIZE(api); i++)
        if (has_word(s, n, api[i]))
            return 1;
    if (!has_word(s, n, "gemini"))
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(other); i++)
        if (has_word(s, n, other[i]))
            return 0;
    return 1;
}

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Google Cloud's product id for "Vertex Gemini API" (shown since the Agent
 * Platform rename as "Gemini on Agent Platform"): ids stay when titles change. */
#define VERTEX_GEMINI_PRODUCT_ID "Z0FZJAMvEB4j3NbCJs6B"

static int incident_is_gemini(const cJSON *inc)
{
    const cJSON *prods = cJSON_GetObjectItemCaseSensitive(inc, "affected_products");
    const cJSON *recent = cJSON_GetObjectItemCaseSensitive(inc, "most_recent_update");
    const cJSON *it;

    if (mentions_gemini(jstr(inc, "external_desc")) || mentions_gemini(jstr(inc, "service_name")) ||
        mentions_gemini(jstr(recent, "text")))
        return 1;
    cJSON_ArrayForEach(it, prods)
    {
        const char *pid = jstr(it, "id");
        /* A renamed product keeps its old name in "title" and shows the new
         * one in "current_title". */
        if (mentions_gemini(jstr(it, "title")) || mentions_gemini(jstr(it, "current_title")) ||
            (pid && strcmp(pid, VERTEX_GEMINI_PRODUCT_ID) == 0))
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
    add_oneline(d, uri, strlen(uri), 300);
    sbuf_addc(d, '\n');
}

static void judge_status(struct check_run *run, const struct probe *p)
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
        add_oneline(&sb, det, strlen(det), 200);
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
        if (!incident_is_gemini(inc))
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
        add_oneline(&d, jstr(inc, "external_desc") ? jstr(inc, "external_desc") : "(untitled)",
                    strlen(jstr(inc, "external_desc") ? jstr(inc, "external_desc") : "(untitled)"),
                    200);
        sbuf_addf(&d, "\n  impact: %s, severity: %s, since %s\n",
                  jstr(inc, "status_impact") ? jstr(inc, "status_impact") : "unknown",
                  jstr(inc, "severity") ? jstr(inc, "severity") : "unknown",
                  jstr(inc, "begin") ? jstr(inc, "begin") : "unknown");
        if (text) {
            sbuf_adds(&d, "  latest: ");
            add_oneline(&d, text, strlen(text), 300);
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
        ev.fact = xstrdup("incident-active");
        if (title)
            ev.message = xstrdup(title);
        attach(run, id, &ev, RES_FAIL);
        sbuf_adds(&sb, "active Google incident: ");
        add_oneline(&sb, title ? title : "(untitled)", strlen(title ? title : "(untitled)"), 160);
        sbuf_addf(&sb, " (%s, since %s)",
                  jstr(first, "status_impact") ? jstr(first, "status_impact") : "impact unknown",
                  jstr(first, "begin") ? jstr(first, "begin") : "an unknown time");
        if (ngemini > 1)
            sbuf_addf(&sb, " and %d more", ngemini - 1);
        set_summary(run, id, sb.buf);
        set_detail(run, id, d.buf);
    } else {
        run->checks[id].result = RES_PASS;
        sbuf_addf(&sb, "no active Gemini incident (%d active for other products)", nactive);
        set_summary(run, id, sb.buf);
    }
out:
    cJSON_Delete(root);
    sbuf_release(&sb);
    sbuf_release(&d);
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

static void judge(struct check_run *run, struct probe *p)
{
    enum check_id id = (enum check_id)p->tag;

    run->probe[id] = NULL;
    record_probe(run, id, p);
    if (judges[id])
        judges[id](run, p);
    probe_free(p);
}

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

/* Put the closest real model names in the summary and as the first step. */
static void suggest_models(struct check_run *run, enum check_id id)
{
    struct check *c = &run->checks[id];
    char *names;
    struct sbuf sb;

    if (run->decorated[id] || c->result != RES_FAIL || !c->diag)
        return;
    if (!cause_is(c, "model-not-found") && !cause_is(c, "model-retired") &&
        c->diag->ev.http != 404 &&
        !(c->diag->ev.fact && strcmp(c->diag->ev.fact, "model-no-generate") == 0))
        return;
    names = suggestions(run);
    if (!names)
        return;
    run->decorated[id] = 1;
    sbuf_init(&sb);
    sbuf_addf(&sb, "%s; closest models this key can use: %s", c->summary ? c->summary : "", names);
    set_summary(run, id, sb.buf);
    sbuf_release(&sb);
    sbuf_addf(&sb,
              "Use a model this key can call, for example %s (the closest names in the "
              "live model list)",
              names);
    /* A misspelt name is fixed by the closest name; a retired model by the
     * rules' replacement first, so the live names then come last. */
    if (c->diag->nsteps < DIAG_MAX_STEPS && cause_is(c, "model-retired")) {
        c->diag->steps[c->diag->nsteps++] = sbuf_detach(&sb);
    } else if (c->diag->nsteps < DIAG_MAX_STEPS) {
        memmove(c->diag->steps + 1, c->diag->steps, (size_t)c->diag->nsteps * sizeof(char *));
        c->diag->steps[0] = sbuf_detach(&sb);
        c->diag->nsteps++;
    }
    sbuf_release(&sb);
    free(names);
}

/* When a later probe failed for the same cause as the one it depends on,
 * it is reported once, at the root, and the later one says so. */
static void same_as(struct check_run *run, enum check_id id, enum check_id root)
{
    struct check *c = &run->checks[id], *r = &run->checks[root];
    struct sbuf sb;

    if (c->result != RES_FAIL || r->result != RES_FAIL || !c->diag || !r->diag || !c->diag->cause ||
        !r->diag->cause || strcmp(c->diag->cause, r->diag->cause) != 0 ||
        strcmp(c->diag->cause, "unknown") == 0)
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

static void finalize(struct check_run *run)
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

/* --- the run ------------------------------------------------------------ */

static void load_key(struct check_run *run)
{
    keysrc_release(&run->ks);
    keysrc_find(run->opt, run->session_key, &run->ks);
    run->key_fresh = 1;
    free(run->key_masked);
    run->key_masked = run->ks.key ? key_mask(run->ks.key) : xstrdup("");
}

static void set_model(struct check_run *run, const char *model)
{
    free(run->model);
    if (!model || !*model)
        model = rules_default_model(run->t);
    run->model = xstrdup(strip_models(model ? model : "gemini-flash-latest"));
}

struct check_run *check_run_new(const struct options *opt, const struct rule_table *t,
                                const char *key)
{
    struct check_run *run = xcalloc(1, sizeof(*run));
    size_t n;

    run->opt = opt;
    run->t = t;
    run->multi = probe_multi_new();
    if (!run->multi) {
        free(run);
        return NULL;
    }
    if (key)
        run->session_key = xstrdup(key);
    load_key(run);
    set_model(run, opt->model);
    n = strlen(opt->base_url);
    while (n > 0 && opt->base_url[n - 1] == '/')
        n--;
    run->base_url = xstrndup(opt->base_url, n);
    run->base_url_shown = url_hide_userinfo(run->base_url);
    for (int i = 0; i < CHECK_COUNT; i++) {
        run->checks[i].id = (enum check_id)i;
        sbuf_init(&run->xchg[i]);
        sbuf_init(&run->timings[i]);
    }
    return run;
}

static void cancel(struct check_run *run, enum check_id id)
{
    probe_free(run->probe[id]);
    run->probe[id] = NULL;
    if (id == CHECK_KEY_ACCEPTED) {
        free_models(run->building, run->nbuilding);
        run->building = NULL;
        run->nbuilding = 0;
    }
}

void check_run_free(struct check_run *run)
{
    if (!run)
        return;
    for (int i = 0; i < CHECK_COUNT; i++) {
        cancel(run, (enum check_id)i);
        check_clear(&run->checks[i]);
        sbuf_release(&run->xchg[i]);
        sbuf_release(&run->timings[i]);
    }
    probe_multi_free(run->multi);
    free_models(run->models, run->nmodels);
    keysrc_release(&run->ks);
    keysrc_wipe_free(run->session_key);
    free(run->key_masked);
    free(run->model);
    free(run->base_url);
    free(run->base_url_shown);
    free(run->last_token);
    free(run);
}

static int in_flight(const struct check_run *run)
{
    for (int i = 0; i < CHECK_COUNT; i++)
        if (run->probe[i])
            return 1;
    return 0;
}

int check_run_start(struct check_run *run, int only)
{
    int want[CHECK_COUNT] = {0};

    /* The offline checks feed every probe, so re-running one re-runs all. */
    if (only < 0 || only >= CHECK_COUNT || only == CHECK_CONFIG_KEY || only == CHECK_CONFIG_ENV)
        only = CHECK_COUNT;
    for (int i = 0; i < CHECK_COUNT; i++)
        want[i] = only == CHECK_COUNT || i == only;
    if (want[CHECK_CONFIG_KEY] && !run->key_fresh)
        load_key(run);
    run->key_fresh = 0;
    for (int i = 0; i < CHECK_COUNT; i++) {
        if (!want[i])
            continue;
        cancel(run, (enum check_id)i);
        check_clear(&run->checks[i]);
        run->decorated[i] = 0;
        sbuf_release(&run->xchg[i]);
        sbuf_release(&run->timings[i]);
    }
    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_id id = (enum check_id)i;
        if (!want[i])
            continue;
        run->started_ms[i] = now_ms();
        if (id == CHECK_CONFIG_KEY) {
            run_config_key(run);
            finish_check(run, id);
        } else if (id == CHECK_CONFIG_ENV) {
            run_config_env(run);
            finish_check(run, id);
        } else if (start_network(run, id)) {
            return -1;
        }
    }
    if (!in_flight(run))
        finalize(run);
    return 0;
}

int check_run_step(struct check_run *run, int timeout_ms_)
{
    int running;

    if (!in_flight(run))
        return 0;
    running = probe_multi_step(run->multi, timeout_ms_);
    if (running < 0)
        return running;
    for (int i = 0; i < CHECK_COUNT; i++) {
        struct probe *p = run->probe[i];
        if (p && p->done)
            judge(run, p);
    }
    if (in_flight(run))
        return 1;
    finalize(run);
    return 0;
}

int check_run_all(struct check_run *run)
{
    int ret = check_run_start(run, CHECK_COUNT);
    while (ret == 0) {
        ret = check_run_step(run, 1000);
        if (ret == 0)
            break;
        if (ret > 0)
            ret = 0;
    }
    return ret;
}

const struct check *check_run_get(const struct check_run *run, enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? &run->checks[id] : NULL;
}

const char *check_run_key_masked(const struct check_run *run)
{
    return run->key_masked;
}

const char *check_run_key_source(const struct check_run *run)
{
    return run->ks.source ? run->ks.source : "";
}

const char *check_run_model(const struct check_run *run)
{
    return run->model;
}

const char *check_run_base_url(const struct check_run *run)
{
    return run->base_url_shown;
}

int check_run_model_count(const struct check_run *run)
{
    return run->nmodels;
}

const char *check_run_model_name(const struct check_run *run, int i)
{
    return i >= 0 && i < run->nmodels ? run->models[i].name : NULL;
}

void check_run_set_model(struct check_run *run, const char *model)
{
    set_model(run, model);
}

void check_run_set_key(struct check_run *run, const char *key)
{
    keysrc_wipe_free(run->session_key);
    run->session_key = key ? xstrdup(key) : NULL;
    load_key(run);
    free_models(run->models, run->nmodels);
    run->models = NULL;
    run->nmodels = 0;
}

int check_run_exit_code(const struct check_run *run)
{
    int transient = 0;

    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = &run->checks[i];
        if (c->result != RES_FAIL)
            continue;
        if (!c->transient)
            return EXIT_PROBLEM;
        transient = 1;
    }
    return transient ? EXIT_TEMPFAIL : EXIT_OK;
}

int check_validate(const struct options *opt)
{
    char why[512];

    if (!probe_url_allowed(opt->base_url, why, sizeof(why)))
        return error("base URL %s", why);
    if (!opt->offline && !probe_url_allowed(opt->status_url, why, sizeof(why)))
        return error("status URL %s", why);
    return 0;
}
