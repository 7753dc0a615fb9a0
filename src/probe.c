/*
 * probe: libcurl multi transfers for `check`. See probe.h. Every transfer
 * has TLS verification on, no redirects, https only (http only for loopback
 * hosts), a timeout, a body cap and the gemini-doctor User-Agent. The key
 * header is wiped from memory when the transfer ends.
 */
#include "probe.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "curl_load.h"
#include "keymask.h"
#include "util.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

/* Header lines kept per response, for -v and diagnosis; the rest is dropped. */
#define HEADERS_MAX ((size_t)32 << 10)
/* No API answer needs more header bytes (interim responses included) or
 * status lines than these; past them the server is not answering, only
 * talking, and the transfer stops as a bad response. */
#define HEADERS_TOTAL_MAX ((size_t)256 << 10)
#define RESPONSES_MAX 8
/* Bounds on the shape of a body before anything parses it: the feed's
 * largest real form holds tens of thousands of values, an API answer a few
 * hundred. A body past them is refused unparsed, so that a feed of
 * millions of tiny values cannot take seconds and gigabytes. */
#define JSON_VALUES_MAX 500000
#define JSON_DEPTH_MAX 128
/* Bytes of the body shown by -v. */
#define DESCRIBE_BODY_MAX 800

struct probe_multi {
    CURLM *multi;
    struct probe *running; /* started and not finished, linked by next */
};

/* libcurl's entry points, once probe_init loaded them. */
static const struct curl_api *C;

int probe_init(void)
{
    if (!C)
        C = curl_api();
    return C ? 0 : -1;
}

int probe_library(char *out, size_t size)
{
    const curl_version_info_data *v;

    if (probe_init())
        return -1;
    v = C->version_info(CURLVERSION_NOW);
    snprintf(out, size, "libcurl %s, %s", v && v->version ? v->version : "?",
             v && v->ssl_version ? v->ssl_version : "no TLS");
    return 0;
}

char *probe_escape(const char *s)
{
    char *esc, *out;

    if (probe_init())
        return xstrdup("");
    esc = C->easy_escape(NULL, s, 0);
    out = xstrdup(esc ? esc : "");
    C->free(esc);
    return out;
}

static void unlink_running(struct probe *p)
{
    for (struct probe **at = &p->multi->running; *at; at = &(*at)->next) {
        if (*at == p) {
            *at = p->next;
            break;
        }
    }
    p->next = NULL;
}

struct probe_multi *probe_multi_new(void)
{
    struct probe_multi *m;

    if (probe_init())
        return NULL;
    m = xcalloc(1, sizeof(*m));
    m->multi = C->multi_init();
    if (!m->multi) {
        free(m);
        error("cannot start libcurl");
        return NULL;
    }
    return m;
}

void probe_multi_free(struct probe_multi *m)
{
    if (!m)
        return;
    C->multi_cleanup(m->multi);
    free(m);
}

static int is_loopback_host(const char *host)
{
    char buf[64];
    size_t n = strlen(host);
    unsigned char a4[4];
    struct in6_addr a6;

    if (gd_strcasecmp(host, "localhost") == 0)
        return 1;
    if (inet_pton(AF_INET, host, a4) == 1)
        return a4[0] == 127;
    if (n >= 2 && host[0] == '[' && host[n - 1] == ']' && n - 2 < sizeof(buf)) {
        memcpy(buf, host + 1, n - 2);
        buf[n - 2] = '\0';
        if (inet_pton(AF_INET6, buf, &a6) == 1)
            return memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
    }
    return 0;
}

/* Split url into scheme and host with libcurl's own parser, so that what we
 * check is what libcurl will connect to. */
static int url_scheme_host(const char *url, char **scheme, char **host)
{
    CURLU *u;
    int ret = -1;

    *scheme = NULL;
    *host = NULL;
    if (probe_init())
        return -1;
    u = C->url();
    if (!u)
        return -1;
    if (C->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
        goto out;
    if (C->url_get(u, CURLUPART_SCHEME, scheme, 0) != CURLUE_OK)
        goto out;
    if (C->url_get(u, CURLUPART_HOST, host, 0) != CURLUE_OK)
        goto out;
    ret = 0;
out:
    if (ret) {
        C->free(*scheme);
        C->free(*host);
        *scheme = NULL;
        *host = NULL;
    }
    C->url_cleanup(u);
    return ret;
}

int probe_url_allowed(const char *url, char *why, size_t size)
{
    char *scheme, *host;
    int ok = 0;

    if (gd_strncasecmp(url, "https://", 8) != 0 && gd_strncasecmp(url, "http://", 7) != 0) {
        snprintf(why, size, "'%s' is not an https:// URL", url);
        return 0;
    }
    if (url_scheme_host(url, &scheme, &host)) {
        snprintf(why, size, "'%s' is not a valid URL", url);
        return 0;
    }
    if (gd_strcasecmp(scheme, "https") == 0)
        ok = 1;
    else if (gd_strcasecmp(scheme, "http") == 0 && is_loopback_host(host))
        ok = 1;
    else
        snprintf(why, size,
                 "'%s' uses plain http to a host that is not loopback; use https:// "
                 "(http is allowed only for 127.0.0.0/8, localhost and [::1])",
                 url);
    C->free(scheme);
    C->free(host);
    return ok;
}

static const char *env_either(const char *lower, const char *upper)
{
    const char *v = getenv(lower);
    if (v && *v)
        return v;
    v = upper ? getenv(upper) : NULL;
    return v && *v ? v : NULL;
}

/* Does no_proxy exempt host? The same rules as libcurl for names: "*",
 * an exact match, or a domain suffix with or without a leading dot. */
static int no_proxy_matches(const char *list, const char *host)
{
    size_t hlen = strlen(host);
    const char *p = list;

    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        while (n > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            n--;
        }
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n > 0 && *p == '.') {
            p++;
            n--;
        }
        if (n == 1 && *p == '*')
            return 1;
        if (n > 0 && n <= hlen && gd_strncasecmp(host + hlen - n, p, n) == 0 &&
            (n == hlen || host[hlen - n - 1] == '.'))
            return 1;
        if (!end)
            break;
        p = end + 1;
    }
    return 0;
}

int probe_env_proxy(const char *url)
{
    char *scheme, *host;
    const char *proxy, *no;
    int ret = 0;

    if (url_scheme_host(url, &scheme, &host))
        return 0;
    if (gd_strcasecmp(scheme, "https") == 0)
        proxy = env_either("https_proxy", "HTTPS_PROXY");
    else
        proxy = env_either("http_proxy", NULL);
    if (!proxy)
        proxy = env_either("all_proxy", "ALL_PROXY");
    no = env_either("no_proxy", "NO_PROXY");
    if (proxy) {
        char bare[256];
        size_t n = strlen(host);
        /* no_proxy names IPv6 hosts without brackets. */
        if (n >= 2 && host[0] == '[' && n - 2 < sizeof(bare)) {
            memcpy(bare, host + 1, n - 2);
            bare[n - 2] = '\0';
        } else {
            snprintf(bare, sizeof(bare), "%s", host);
        }
        ret = !(no && no_proxy_matches(no, bare));
    }
    C->free(scheme);
    C->free(host);
    return ret;
}

static int url_is_http(const char *url)
{
    return gd_strncasecmp(url, "http://", 7) == 0;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    struct probe *p = userp;
    size_t n = size * nmemb;

    if (p->body.len + n > p->max_bytes) {
        p->too_big = 1;
        p->bad = "response body too large";
        return 0;
    }
    sbuf_add(&p->body, data, n);
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
    struct probe *p = userp;
    size_t n = size * nmemb;

    /* A new status line starts a new response (a proxy's CONNECT answer or
     * an interim 1xx comes first); keep only the last one's headers. */
    if (n >= 5 && memcmp(data, "HTTP/", 5) == 0) {
        p->headers.len = 0;
        if (++p->responses > RESPONSES_MAX) {
            p->bad = "endless interim responses: more than 8 status lines (100 Continue?) "
                     "and no final answer (transfer stopped)";
            return 0;
        }
    }
    p->header_bytes += n;
    if (p->header_bytes > HEADERS_TOTAL_MAX) {
        p->bad = "endless response headers: more than 256 KiB (transfer stopped)";
        return 0;
    }
    if (p->headers.len + n <= HEADERS_MAX)
        sbuf_add(&p->headers, data, n);
    return n;
}

static void wipe_list(struct curl_slist *list)
{
    for (struct curl_slist *s = list; s; s = s->next) {
        volatile char *c = s->data;
        while (*c)
            *c++ = '\0';
    }
    if (list)
        C->slist_free_all(list);
}

/* libcurl honours no CA variables itself; the curl tool and OpenSSL do, and
 * users set them for a TLS-intercepting proxy, so we follow them too. */
static void set_ca(CURL *e)
{
    const char *bundle = getenv("CURL_CA_BUNDLE");
    const char *file = getenv("SSL_CERT_FILE");
    const char *dir = getenv("SSL_CERT_DIR");

    if (bundle && *bundle)
        C->easy_setopt(e, CURLOPT_CAINFO, bundle);
    else if (file && *file)
        C->easy_setopt(e, CURLOPT_CAINFO, file);
    if (dir && *dir)
        C->easy_setopt(e, CURLOPT_CAPATH, dir);
}

static void note_header(struct probe *p, struct sbuf *req, const char *line)
{
    p->header_list = C->slist_append(p->header_list, line);
    sbuf_addf(req, "%s\n", line);
}

struct probe *probe_start(struct probe_multi *m, const struct probe_request *req, int tag)
{
    struct probe *p = xcalloc(1, sizeof(*p));
    struct sbuf rq;
    CURL *e;
    long connect_ms;

    sbuf_init(&rq);
    p->tag = tag;
    p->retry_after = -1;
    p->max_bytes = req->max_bytes;
    p->multi = m;
    p->via_proxy = probe_env_proxy(req->url);
    sbuf_init(&p->body);
    sbuf_init(&p->headers);
    e = C->easy_init();
    if (!e) {
        error("cannot start a libcurl transfer");
        free(p);
        return NULL;
    }
    p->easy = e;
    {
        char *shown = url_hide_userinfo(req->url);
        sbuf_addf(&rq, "%s %s\n", req->method, shown);
        free(shown);
    }
    sbuf_adds(&rq, "User-Agent: gemini-doctor/" GD_VERSION "\n");

    C->easy_setopt(e, CURLOPT_URL, req->url);
    C->easy_setopt(e, CURLOPT_PRIVATE, p);
    C->easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    /* A resolver thread stuck in getaddrinfo (a DNS server that never
     * answers) is left behind at cleanup instead of joined: the timeout
     * below already ended the transfer, and the exit must not wait. */
    C->easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
    C->easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    C->easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    C->easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    C->easy_setopt(e, CURLOPT_PROTOCOLS_STR, url_is_http(req->url) ? "http,https" : "https");
    /* Plain http is allowed only to loopback, where nothing leaves the
     * machine; a proxy from the environment would carry the key header in
     * clear to another host, so loopback traffic never uses one. */
    if (url_is_http(req->url))
        C->easy_setopt(e, CURLOPT_PROXY, "");
    C->easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "https");
    C->easy_setopt(e, CURLOPT_USERAGENT, "gemini-doctor/" GD_VERSION);
    C->easy_setopt(e, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    connect_ms = req->timeout_ms < 10000 ? req->timeout_ms : 10000;
    C->easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
    C->easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_bytes);
    C->easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    C->easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    C->easy_setopt(e, CURLOPT_WRITEDATA, p);
    C->easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    C->easy_setopt(e, CURLOPT_HEADERDATA, p);
    C->easy_setopt(e, CURLOPT_ERRORBUFFER, p->curl_error);
    set_ca(e);

    note_header(p, &rq, "Accept: application/json");
    if (req->body) {
        note_header(p, &rq, "Content-Type: application/json");
        C->easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(req->body));
        C->easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req->body);
    } else if (strcmp(req->method, "GET") != 0) {
        C->easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
    }
    if (req->key) {
        struct sbuf h;
        char *masked = key_mask(req->key);
        sbuf_init(&h);
        sbuf_addf(&h, "x-goog-api-key: %s", req->key);
        p->header_list = C->slist_append(p->header_list, h.buf);
        memset(h.buf, 0, h.len);
        sbuf_release(&h);
        sbuf_addf(&rq, "x-goog-api-key: %s\n", masked);
        free(masked);
    }
    C->easy_setopt(e, CURLOPT_HTTPHEADER, (struct curl_slist *)p->header_list);
    if (req->body)
        sbuf_addf(&rq, "\n%s\n", req->body);
    p->request_text = sbuf_detach(&rq);

    if (C->multi_add_handle(m->multi, e) != CURLM_OK) {
        error("cannot start a libcurl transfer");
        probe_free(p);
        return NULL;
    }
    p->next = m->running;
    m->running = p;
    return p;
}

/* Why body[0..n) is too big to parse as JSON, or NULL. One pass, counting
 * containers and separators outside strings (any body: for one that is not
 * JSON the count means little, and the reader reads it as text). */
static const char *json_shape_bad(const char *body, size_t n)
{
    size_t values = 0;
    int depth = 0, in_str = 0;

    for (size_t i = 0; i < n; i++) {
        char c = body[i];
        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            break;
        case '{':
        case '[':
            if (++depth > JSON_DEPTH_MAX)
                return "response nested more than 128 levels deep (not parsed)";
            values++;
            break;
        case '}':
        case ']':
            if (depth > 0)
                depth--;
            break;
        case ',':
            values++;
            break;
        default:
            break;
        }
        if (values > JSON_VALUES_MAX)
            return "response holds more than 500000 JSON values (not parsed)";
    }
    return NULL;
}

/* Detach the finished transfer from libcurl, keeping what it told us. */
static void finish(struct probe *p, CURLcode result)
{
    CURL *e = p->easy;
    char *ct = NULL;
    curl_off_t t = 0, ra = 0;

    p->curl_code = (int)result;
    C->easy_getinfo(e, CURLINFO_RESPONSE_CODE, &p->http);
    if (C->easy_getinfo(e, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct)
        p->content_type = xstrdup(ct);
    if (C->easy_getinfo(e, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
        p->retry_after = (double)ra;
    if (C->easy_getinfo(e, CURLINFO_NAMELOOKUP_TIME_T, &t) == CURLE_OK)
        p->dns_us = (long long)t;
    if (C->easy_getinfo(e, CURLINFO_CONNECT_TIME_T, &t) == CURLE_OK)
        p->connect_us = (long long)t;
    if (C->easy_getinfo(e, CURLINFO_APPCONNECT_TIME_T, &t) == CURLE_OK)
        p->tls_us = (long long)t;
    if (C->easy_getinfo(e, CURLINFO_TOTAL_TIME_T, &t) == CURLE_OK)
        p->total_us = (long long)t;
    if (result != CURLE_OK && !p->curl_error[0])
        snprintf(p->curl_error, sizeof(p->curl_error), "%s", C->easy_strerror(result));
    if (result == CURLE_OK)
        p->curl_error[0] = '\0';
    if (result == CURLE_OK && !p->bad)
        p->bad = json_shape_bad(p->body.buf, p->body.len);
    /* A proxy that refused the tunnel is not the API answering. */
    if (result != CURLE_OK) {
        long cc = 0;
        if (C->easy_getinfo(e, CURLINFO_HTTP_CONNECTCODE, &cc) == CURLE_OK)
            p->connect_code = cc;
        if (cc && (cc < 200 || cc > 299))
            p->http = 0;
    }
    C->multi_remove_handle(p->multi->multi, e);
    C->easy_cleanup(e);
    p->easy = NULL;
    wipe_list(p->header_list);
    p->header_list = NULL;
    unlink_running(p);
    p->done = 1;
}

static void collect(struct probe_multi *m)
{
    for (;;) {
        int left = 0;
        CURLMsg *msg = C->multi_info_read(m->multi, &left);
        char *priv = NULL;
        if (!msg)
            break;
        if (msg->msg != CURLMSG_DONE)
            continue;
        C->easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
        if (priv)
            finish((struct probe *)(void *)priv, msg->data.result);
    }
}

int probe_multi_step(struct probe_multi *m, int timeout_ms)
{
    int running = 0;

    if (C->multi_perform(m->multi, &running) != CURLM_OK)
        return error("libcurl failed to run the transfers");
    collect(m);
    if (running > 0 && timeout_ms > 0) {
        if (C->multi_poll(m->multi, NULL, 0, timeout_ms, NULL) != CURLM_OK)
            return error("libcurl failed to wait for the transfers");
        if (C->multi_perform(m->multi, &running) != CURLM_OK)
            return error("libcurl failed to run the transfers");
        collect(m);
    }
    return running;
}

/* The value of header name in the header line h[0..n), or NULL. */
static const char *header_value(const char *h, size_t n, const char *name, size_t *vlen)
{
    size_t l = strlen(name);

    if (n <= l || gd_strncasecmp(h, name, l) != 0 || h[l] != ':')
        return NULL;
    h += l + 1;
    n -= l + 1;
    while (n > 0 && (*h == ' ' || *h == '\t')) {
        h++;
        n--;
    }
    while (n > 0 && (h[n - 1] == '\r' || h[n - 1] == '\n' || h[n - 1] == ' '))
        n--;
    *vlen = n;
    return h;
}

struct probe *probe_from_bytes(const char *bytes, size_t n, size_t max_bytes)
{
    struct probe *p = xcalloc(1, sizeof(*p));
    const char *end = bytes + n, *at = bytes;
    int stopped = 0;

    p->retry_after = -1;
    p->max_bytes = max_bytes;
    p->request_text = xstrdup("GET (bytes)\n");
    sbuf_init(&p->body);
    sbuf_init(&p->headers);
    /* Header lines up to the blank line ending each response head; an
     * interim response (1xx) is followed by another head. */
    while (at < end && !stopped) {
        const char *nl = memchr(at, '\n', (size_t)(end - at));
        size_t len = nl ? (size_t)(nl - at) + 1 : (size_t)(end - at), vlen;
        const char *v;
        if (on_header((char *)at, 1, len, p) != len) {
            stopped = 1;
            break;
        }
        if (len >= 12 && memcmp(at, "HTTP/", 5) == 0) {
            /* Digits within the line only: the bytes need not end in NUL. */
            const char *sp = memchr(at, ' ', len), *le = at + len;
            p->http = 0;
            for (const char *d = sp ? sp + 1 : le;
                 d < le && *d >= '0' && *d <= '9' && p->http < 1000; d++)
                p->http = p->http * 10 + (*d - '0');
        } else if ((v = header_value(at, len, "Content-Type", &vlen)) != NULL) {
            free(p->content_type);
            p->content_type = xstrndup(v, vlen);
        } else if ((v = header_value(at, len, "Retry-After", &vlen)) != NULL && vlen > 0 &&
                   v[0] >= '0' && v[0] <= '9') {
            char num[32];
            size_t nl2 = vlen < sizeof num - 1 ? vlen : sizeof num - 1;
            memcpy(num, v, nl2);
            num[nl2] = '\0';
            p->retry_after = strtod(num, NULL);
        }
        at += len;
        if (len <= 2 && (at[-1] == '\n') && !(p->http >= 100 && p->http < 200))
            break;
    }
    /* The body, in the pieces a transfer would hand over. */
    while (!stopped && at < end) {
        size_t len = (size_t)(end - at) < 16384 ? (size_t)(end - at) : 16384;
        if (on_body((char *)at, 1, len, p) != len)
            stopped = 1;
        at += len;
    }
    if (stopped && !p->bad)
        p->bad = "the transfer was stopped";
    if (!p->bad)
        p->bad = json_shape_bad(p->body.buf, p->body.len);
    if (!p->http && !p->bad)
        p->curl_code = (int)CURLE_WEIRD_SERVER_REPLY;
    p->done = 1;
    return p;
}

void probe_multi_cancel(struct probe_multi *m)
{
    if (!m)
        return;
    while (m->running) {
        struct probe *p = m->running;
        snprintf(p->curl_error, sizeof(p->curl_error), "cancelled");
        finish(p, CURLE_ABORTED_BY_CALLBACK);
    }
}

void probe_free(struct probe *p)
{
    if (!p)
        return;
    if (p->easy) {
        unlink_running(p);
        C->multi_remove_handle(p->multi->multi, p->easy);
        C->easy_cleanup(p->easy);
    }
    wipe_list(p->header_list);
    sbuf_release(&p->body);
    sbuf_release(&p->headers);
    free(p->content_type);
    free(p->request_text);
    free(p);
}

/* Did the failure happen at the proxy rather than beyond it: libcurl names
 * the proxy, or a proxy was in use and no tunnel was established? */
static int proxy_failed(const struct probe *p)
{
    if (gd_memcasemem(p->curl_error, strlen(p->curl_error), "proxy", 5))
        return 1;
    if (!p->via_proxy)
        return 0;
    return p->connect_code < 200 || p->connect_code > 299;
}

/* Did the time run out while the host name was still being resolved (a DNS
 * server that never answers)? libcurl says so in its message. */
static int dns_timeout(const struct probe *p)
{
    return p->curl_code == (int)CURLE_OPERATION_TIMEDOUT &&
           gd_memcasemem(p->curl_error, strlen(p->curl_error), "resolving timed out", 19);
}

const char *probe_net_error(const struct probe *p)
{
    if (p->bad)
        return "bad-response";
    switch ((CURLcode)p->curl_code) {
    case CURLE_OK:
        return NULL;
    case CURLE_COULDNT_RESOLVE_HOST:
        return "dns";
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_PROXY:
        return "proxy";
    case CURLE_COULDNT_CONNECT:
        return proxy_failed(p) ? "proxy" : "connect";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CLIENTCERT:
        return "tls";
    case CURLE_OPERATION_TIMEDOUT:
        if (dns_timeout(p))
            return p->via_proxy ? "proxy" : "dns";
        /* The proxy took the connection and never answered CONNECT. */
        if (p->via_proxy && p->connect_code == 0 && p->http == 0)
            return "proxy";
        return "timeout";
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
        if (p->via_proxy && p->connect_code && (p->connect_code < 200 || p->connect_code > 299))
            return "proxy";
        return "reset";
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
        return "reset";
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_PARTIAL_FILE:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_BAD_CONTENT_ENCODING:
    case CURLE_WRITE_ERROR:
        return "bad-response";
    default:
        break;
    }
    /* Not a failure we can name: the rules will say "unknown" rather than
     * guess. */
    return "other";
}

char *probe_net_detail(const struct probe *p)
{
    struct sbuf sb;

    sbuf_init(&sb);
    if (p->too_big || p->curl_code == (int)CURLE_FILESIZE_EXCEEDED)
        sbuf_addf(&sb, "response larger than %zu %s (transfer stopped)",
                  p->max_bytes >= ((size_t)1 << 20) ? p->max_bytes >> 20 : p->max_bytes >> 10,
                  p->max_bytes >= ((size_t)1 << 20) ? "MiB" : "KiB");
    else if (p->bad)
        sbuf_adds(&sb, p->bad);
    else if (dns_timeout(p))
        sbuf_addf(&sb, "name resolution did not finish in time: %s", p->curl_error);
    else
        sbuf_addf(&sb, "%s (libcurl error %d)", p->curl_error, p->curl_code);
    return sbuf_detach(&sb);
}

/* Append s[0..n) with control characters shown as '.', keeping newlines. */
static void add_printable(struct sbuf *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\r')
            continue;
        sbuf_addc(out, (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f ? '.' : (char)c);
    }
}

void probe_describe(const struct probe *p, struct sbuf *out)
{
    struct sbuf raw;
    char *red;

    sbuf_adds(out, p->request_text);
    if (!p->done) {
        sbuf_adds(out, "(no answer yet)\n");
        return;
    }
    sbuf_init(&raw);
    if (p->http) {
        add_printable(&raw, p->headers.buf ? p->headers.buf : "", p->headers.len);
        if (raw.len == 0)
            sbuf_addf(&raw, "HTTP %ld\n", p->http);
        if (p->body.len) {
            /* Keys are hidden before the body is cut, so that a key the
             * server echoed across the cut cannot survive as a fragment that
             * no longer looks like a key. */
            size_t look =
                p->body.len < DESCRIBE_BODY_MAX + 1024 ? p->body.len : DESCRIBE_BODY_MAX + 1024;
            struct sbuf body;
            char *hidden;
            size_t n;
            sbuf_init(&body);
            add_printable(&body, p->body.buf, look);
            hidden = key_redact(body.buf ? body.buf : "");
            n = strlen(hidden);
            if (n > DESCRIBE_BODY_MAX) {
                n = DESCRIBE_BODY_MAX;
                while (n > 0 && ((unsigned char)hidden[n] & 0xc0) == 0x80)
                    n--;
            }
            sbuf_add(&raw, hidden, n);
            if (n < strlen(hidden) || look < p->body.len)
                sbuf_addf(&raw, "\n… (%zu bytes in all)", p->body.len);
            sbuf_addc(&raw, '\n');
            free(hidden);
            sbuf_release(&body);
        }
    }
    if (p->curl_code) {
        char *d = probe_net_detail(p);
        sbuf_addf(&raw, "transfer failed: %s\n", d);
        free(d);
    }
    red = key_redact(raw.buf ? raw.buf : "");
    sbuf_adds(out, "--\n");
    sbuf_adds(out, red);
    free(red);
    sbuf_release(&raw);
}

void probe_timings(const struct probe *p, struct sbuf *out)
{
    sbuf_addf(out, "dns %lld ms, connect %lld ms", p->dns_us / 1000, p->connect_us / 1000);
    if (p->tls_us)
        sbuf_addf(out, ", tls %lld ms", p->tls_us / 1000);
    sbuf_addf(out, ", total %lld ms", p->total_us / 1000);
}
