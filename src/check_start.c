/*
 * check_start: what each network probe requests (URL, method, body, whether
 * the key is sent) and the reasons a probe is skipped before it starts.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "options.h"
#include "probe.h"
#include "util.h"

/* --- starting the network probes --------------------------------------- */

static char *model_url(const struct check_run *run, const char *suffix)
{
    struct sbuf sb;
    char *esc = probe_escape(run->model);

    sbuf_init(&sb);
    sbuf_addf(&sb, "%s/v1beta/models/%s%s", run->base_url, esc ? esc : "", suffix);
    free(esc);
    return sbuf_detach(&sb);
}

char *list_url(const struct check_run *run, const char *token)
{
    struct sbuf sb;

    sbuf_init(&sb);
    sbuf_addf(&sb, "%s/v1beta/models?pageSize=1000", run->base_url);
    if (token) {
        char *esc = probe_escape(token);
        sbuf_addf(&sb, "&pageToken=%s", esc ? esc : "");
        free(esc);
    }
    return sbuf_detach(&sb);
}

static const char generate_body[] =
    "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"ping\"}]}],"
    "\"generationConfig\":{\"maxOutputTokens\":1}}";

int launch(struct check_run *run, enum check_id id, const char *method, const char *url,
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

int start_network(struct check_run *run, enum check_id id)
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
