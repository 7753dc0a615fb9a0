/*
 * check_config: the two offline checks, config.key (where the key came from
 * and whether it looks like a Gemini key) and config.environment (base URL,
 * proxies, CA bundles, Vertex AI mode).
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "keymask.h"
#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "rules.h"
#include "util.h"

/* --- config.key ----------------------------------------------------------- */

static void fact_check(struct check_run *run, enum check_id id, enum evidence_fact fact,
                       enum check_result result, const char *summary)
{
    struct evidence ev;
    evidence_init(&ev);
    ev.fact = xstrdup(evidence_fact_name(fact));
    if (run->key_masked[0])
        ev.key_masked = xstrdup(run->key_masked);
    attach(run, id, &ev, result);
    set_summary(run, id, summary);
}

/* The length of a standard key, from the key kinds of the rules. */
static size_t standard_key_length(const struct rule_table *t)
{
    struct key_kind_info k;
    if (rules_key_kind(t, KEY_STANDARD, &k) == 0 && k.length > 0)
        return (size_t)k.length;
    return 39;
}

void run_config_key(struct check_run *run)
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
        fact_check(run, id, FACT_NO_KEY_FOUND, RES_FAIL, sum.buf);
    } else if (ks->unusable) {
        sbuf_addf(&sum, "the key in %s cannot be used: %s", ks->source, ks->problem);
        fact_check(run, id, FACT_KEY_MALFORMED, RES_FAIL, sum.buf);
    } else if (kind == KEY_OAUTH) {
        sbuf_addf(&sum, "%s holds an %s, not an API key", ks->source, key_kind_name(KEY_OAUTH));
        fact_check(run, id, FACT_KEY_OAUTH_TOKEN, RES_FAIL, sum.buf);
    } else if (ks->problem) {
        sbuf_addf(&sum, "%s: %s", ks->source, ks->problem);
        fact_check(run, id, FACT_KEY_MALFORMED, RES_WARN, sum.buf);
    } else if (kind == KEY_STANDARD && len != standard_key_length(run->t)) {
        sbuf_addf(&sum,
                  "standard keys (%s…) are %zu characters; the one in %s has %zu "
                  "(cut short or pasted twice?)",
                  key_kind_prefix(KEY_STANDARD), standard_key_length(run->t), ks->source, len);
        fact_check(run, id, FACT_KEY_MALFORMED, RES_WARN, sum.buf);
    } else if (kind == KEY_STANDARD) {
        /* The rules say when Google stopped accepting standard keys; the
         * live probe may still prove this one works (finalize()). */
        const char *vars[] = {"kind", key_kind_name(KEY_STANDARD), "source", ks->source,
                              "auth", key_kind_name(KEY_AUTH),     NULL};
        char *text = rules_check_summary(run->t, "standard-key", vars);
        if (text)
            sbuf_adds(&sum, text);
        else
            sbuf_addf(&sum, "%s from %s", key_kind_name(KEY_STANDARD), ks->source);
        free(text);
        fact_check(run, id, FACT_KEY_STANDARD_REJECTED_DATE, RES_WARN, sum.buf);
        run->standard_pending = 1;
    } else if (kind == KEY_AUTH) {
        struct check *c = &run->checks[id];
        c->result = RES_PASS;
        sbuf_addf(&sum, "%s from %s", key_kind_name(KEY_AUTH), ks->source);
        set_summary(run, id, sum.buf);
    } else {
        struct check *c = &run->checks[id];
        c->result = RES_WARN;
        sbuf_addf(&sum,
                  "the key from %s is not in a known Gemini key format (%s… or "
                  "%s…); it is tried anyway",
                  ks->source, key_kind_prefix(KEY_AUTH), key_kind_prefix(KEY_STANDARD));
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
        if (gd_strcasecmp(v, yes[i]) == 0)
            return 1;
    return 0;
}

void run_config_env(struct check_run *run)
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
        if (vertex) {
            char *text = rules_check_summary(run->t, "vertex-mode", NULL);
            sbuf_adds(&warn, text ? text : "GOOGLE_GENAI_USE_VERTEXAI is on");
            free(text);
        }
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
            if (gd_strncasecmp(proxies[i], "no_", 3) != 0)
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
        ev.fact = xstrdup(evidence_fact_name(FACT_VERTEX_MODE));
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
