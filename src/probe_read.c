/*
 * probe_read: a failed transfer as evidence. See probe_read.h.
 */
#include "probe_read.h"

#include <cjson/cJSON.h>

#include "evidence.h"
#include "probe.h"
#include "reader.h"
#include "util.h"

void probe_read_net(const struct probe *p, struct evidence *ev)
{
    ev->net_error = xstrdup(probe_net_error(p));
    ev->net_detail = probe_net_detail(p);
    if (p->content_type)
        ev->content_type = xstrdup(p->content_type);
}

void probe_read_bad_body(const struct probe *p, struct evidence *ev)
{
    struct sbuf sb;

    sbuf_init(&sb);
    sbuf_addf(&sb, "HTTP %ld with %zu bytes of %s, not the API's JSON", p->http, p->body.len,
              p->content_type ? p->content_type : "content of no stated type");
    if (p->body.len) {
        sbuf_adds(&sb, ", starting '");
        sbuf_add_oneline(&sb, p->body.buf, p->body.len, 80);
        sbuf_adds(&sb, "'");
    }
    ev->http = (int)p->http;
    ev->net_error = xstrdup("bad-response");
    ev->net_detail = sbuf_detach(&sb);
    if (p->content_type)
        ev->content_type = xstrdup(p->content_type);
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

int probe_read_http(const struct reader_vocab *v, const struct probe *p, struct evidence *ev)
{
    if (reader_read_response(v, (int)p->http, p->content_type, p->retry_after,
                             p->body.buf ? p->body.buf : "", p->body.len, ev)) {
        evidence_release(ev);
        evidence_init(ev);
        ev->http = (int)p->http;
    }
    if (!ev->found && !ev->net_error && !body_is_json(p)) {
        /* Nothing the reader knows, and not JSON where the API always
         * answers JSON: say what came instead. */
        evidence_release(ev);
        evidence_init(ev);
        probe_read_bad_body(p, ev);
        return 0;
    }
    return 1;
}

int probe_read_failure(const struct reader_vocab *v, const struct probe *p, struct evidence *ev)
{
    if (probe_net_error(p)) {
        probe_read_net(p, ev);
        return 1;
    }
    if (p->http < 200 || p->http > 299) {
        probe_read_http(v, p, ev);
        return 1;
    }
    return 0;
}
