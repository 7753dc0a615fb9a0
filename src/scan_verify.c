/*
 * scan_verify: one models.list call per distinct key a scan found, read
 * like check's probes are. See scan_verify.h.
 */
#include "scan_verify.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "diagnosis.h"
#include "evidence.h"
#include "keymask.h"
#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "probe_read.h"
#include "rules.h"
#include "rules_scan.h"
#include "scan.h"
#include "util.h"

/* The models.list answer is small; a bigger one is not the API's. */
#define VERIFY_BODY_MAX ((size_t)1 << 20)

struct vault_key {
    char *key; /* NUL-terminated; wiped and NULL once its request is built */
    char fingerprint[65];
    struct probe *probe;
    enum scan_verify_state state;
    char *cause;
    char *detail;
};

struct scan_vault {
    struct vault_key *k;
    size_t n, cap;
};

struct scan_vault *scan_vault_new(void)
{
    return xcalloc(1, sizeof(struct scan_vault));
}

void scan_vault_add(struct scan_vault *v, const char *key, size_t n, const char *fingerprint)
{
    struct vault_key *k;

    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->k[i].fingerprint, fingerprint) == 0)
            return;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->k = xrealloc(v->k, v->cap * sizeof(*v->k));
    }
    k = &v->k[v->n++];
    memset(k, 0, sizeof(*k));
    k->key = xstrndup(key, n);
    snprintf(k->fingerprint, sizeof(k->fingerprint), "%s", fingerprint);
}

static void forget_key(struct vault_key *k)
{
    keysrc_wipe_free(k->key);
    k->key = NULL;
}

void scan_vault_free(struct scan_vault *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        forget_key(&v->k[i]);
        probe_free(v->k[i].probe);
        free(v->k[i].cause);
        free(v->k[i].detail);
    }
    free(v->k);
    free(v);
}

static void settle(struct vault_key *k, enum scan_verify_state st, const char *cause,
                   const char *detail)
{
    k->state = st;
    free(k->cause);
    free(k->detail);
    k->cause = cause ? xstrdup(cause) : NULL;
    k->detail = xstrdup(detail);
}

/* The state and the line for a settled key: the state's text, then what
 * the rules said of the answer. */
static void settle_diagnosed(struct vault_key *k, const struct rule_table *t,
                             const struct scan_verify_rules *vr, struct evidence *ev)
{
    struct diagnosis d;
    struct sbuf sb;
    enum scan_verify_state st;

    diagnose(t, ev, gd_now(), &d);
    st = scan_verify_state_of(vr, d.cause, (int)k->probe->http);
    sbuf_init(&sb);
    sbuf_addf(&sb, "%s (%s", vr->text[st], d.cause);
    if (d.title)
        sbuf_addf(&sb, ": %s", d.title);
    sbuf_adds(&sb, ")");
    settle(k, st, d.cause, sb.buf);
    sbuf_release(&sb);
    diagnosis_release(&d);
}

/* A finished call: a 2xx answer holding models.list's answer (an object
 * with a models array, as ListModelsResponse is) means the key works; a
 * 2xx with anything else (an error envelope a relay passed on with 200,
 * an empty object) is not the API's answer, and the rest is evidence for
 * the rules. */
static void judge(struct vault_key *k, const struct rule_table *t,
                  const struct scan_verify_rules *vr)
{
    const struct probe *p = k->probe;
    struct evidence ev;

    evidence_init(&ev);
    if (!p->done) {
        char line[160];
        snprintf(line, sizeof(line), "%s (the call did not finish)", vr->text[VERIFY_UNKNOWN]);
        settle(k, VERIFY_UNKNOWN, NULL, line);
        return;
    }
    if (!probe_read_failure(rules_vocab(t), p, &ev)) {
        cJSON *root = p->body.len ? cJSON_ParseWithLength(p->body.buf, p->body.len) : NULL;
        int ok = cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "models"));
        cJSON_Delete(root);
        if (ok) {
            struct sbuf sb;
            sbuf_init(&sb);
            sbuf_addf(&sb, "%s (HTTP %ld to models.list)", vr->text[VERIFY_LIVE], p->http);
            settle(k, VERIFY_LIVE, NULL, sb.buf);
            sbuf_release(&sb);
            evidence_release(&ev);
            return;
        }
        probe_read_bad_body(p, &ev);
    }
    settle_diagnosed(k, t, vr, &ev);
    evidence_release(&ev);
}

/* Start one call per key that can be sent, within the bound. */
static void start_all(struct scan_vault *v, struct probe_multi *m, const char *url,
                      const struct scan_verify_rules *vr, const struct options *opt)
{
    int started = 0;
    char line[160];

    for (size_t i = 0; i < v->n; i++) {
        struct vault_key *k = &v->k[i];
        enum key_kind kind = key_kind_of(k->key);
        struct probe_request req;
        double ms = opt->timeout_s * 1000.0;

        if (kind != KEY_STANDARD && kind != KEY_AUTH) {
            snprintf(line, sizeof(line),
                     "%s: an OAuth token or other credential is not an API "
                     "key, so it is not sent",
                     vr->text[VERIFY_SKIPPED]);
            settle(k, VERIFY_SKIPPED, NULL, line);
        } else if (started >= vr->max_keys) {
            snprintf(line, sizeof(line), "%s: more than %d distinct keys", vr->text[VERIFY_SKIPPED],
                     vr->max_keys);
            settle(k, VERIFY_SKIPPED, NULL, line);
        } else if (!m) {
            snprintf(line, sizeof(line), "%s (libcurl could not be loaded)",
                     vr->text[VERIFY_UNKNOWN]);
            settle(k, VERIFY_UNKNOWN, NULL, line);
        } else {
            req.method = "GET";
            req.url = url;
            req.key = k->key;
            req.body = NULL;
            req.timeout_ms = ms < 1 ? 1 : (long)ms;
            req.max_bytes = VERIFY_BODY_MAX;
            k->probe = probe_start(m, &req, (int)i);
            started++;
            if (!k->probe) {
                snprintf(line, sizeof(line), "%s (the call could not be started)",
                         vr->text[VERIFY_UNKNOWN]);
                settle(k, VERIFY_UNKNOWN, NULL, line);
            }
        }
        /* The request holds its own copy (wiped when it is freed). */
        forget_key(k);
    }
}

static int needs_call(const struct scan_vault *v)
{
    for (size_t i = 0; i < v->n; i++) {
        enum key_kind kind = key_kind_of(v->k[i].key);
        if (kind == KEY_STANDARD || kind == KEY_AUTH)
            return 1;
    }
    return 0;
}

int scan_verify(struct scan_vault *v, const struct rule_table *t, const struct scan_rules *sr,
                const struct options *opt, struct scan_result *res)
{
    const struct scan_verify_rules *vr = scan_rules_verify(sr);
    struct probe_multi *m = NULL;
    struct sbuf url;
    size_t n;

    if (!vr)
        return error("rules: the table has no scan_verify section (rules/scan.json)");
    n = strlen(opt->base_url);
    while (n > 0 && opt->base_url[n - 1] == '/')
        n--;
    sbuf_init(&url);
    sbuf_add(&url, opt->base_url, n);
    sbuf_adds(&url, vr->path);
    if (needs_call(v))
        m = probe_multi_new();
    start_all(v, m, url.buf, vr, opt);
    while (m && probe_multi_step(m, 100) > 0)
        ;
    for (size_t i = 0; i < v->n; i++) {
        struct vault_key *k = &v->k[i];
        if (k->probe) {
            judge(k, t, vr);
            probe_free(k->probe);
            k->probe = NULL;
        }
        res->verified[k->state]++;
        for (size_t j = 0; j < res->n; j++) {
            struct scan_finding *f = &res->f[j];
            if (strcmp(f->fingerprint, k->fingerprint) != 0)
                continue;
            f->verify = k->state;
            f->verify_cause = k->cause ? xstrdup(k->cause) : NULL;
            f->verify_detail = xstrdup(k->detail);
        }
    }
    probe_multi_free(m);
    sbuf_release(&url);
    return 0;
}
