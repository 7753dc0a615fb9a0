/*
 * probe: the HTTP transfers behind `check`, run concurrently on one curl
 * multi handle. A probe builds one request (the key only ever in the
 * x-goog-api-key header, never in the URL), runs it under a timeout and a
 * response-size cap, and records what came back: status, headers, body,
 * timings, or the libcurl failure. It never classifies a response; the
 * reader and the rules do that.
 *
 * The caller owns each struct probe (probe_free) and the multi handle
 * (probe_multi_free, after every probe on it is freed). Strings in a probe
 * live until probe_free.
 *
 * This is the one transport of the program: everything that goes over the
 * network (check's probes, a rules update) starts a probe here. libcurl is
 * loaded on first use (curl_load.h), so commands that never call in here
 * never load it. A transfer never outlives its timeout: name resolution
 * obeys it too, and nothing waits for a stuck resolver afterwards.
 *
 * The smallest use, one GET run to the end:
 *     struct probe_multi *m = probe_multi_new();
 *     struct probe *p = probe_start(m, &req, 0);
 *     while (p && !p->done && probe_multi_step(m, 100) >= 0)
 *         ;
 *     if (probe_net_error(p)) ... else use p->http, p->body ...
 *     probe_free(p);
 *     probe_multi_free(m);
 */
#ifndef GD_PROBE_H
#define GD_PROBE_H

#include <stddef.h>

#include "util.h"

struct probe_multi;

struct probe_request {
    const char *method; /* "GET" or "POST" */
    const char *url;    /* never holds the key */
    const char *key;    /* sent as x-goog-api-key when non-NULL */
    const char *body;   /* JSON body for POST, or NULL */
    long timeout_ms;    /* whole transfer */
    size_t max_bytes;   /* response body cap; larger bodies abort the transfer */
};

struct probe {
    int tag;  /* the caller's id for this transfer */
    int done; /* set once the transfer finished, well or not */

    long http;            /* status code of the last response, 0 when none */
    char *content_type;   /* NULL when absent */
    double retry_after;   /* Retry-After in seconds, -1 when absent */
    struct sbuf body;     /* the response body, NUL-terminated, at most max_bytes */
    struct sbuf headers;  /* the last response's header lines, bounded */
    int curl_code;        /* CURLcode; 0 when a response arrived */
    int too_big;          /* the body passed max_bytes */
    const char *bad;      /* why the response was cut (static), NULL when not */
    char curl_error[256]; /* libcurl's message, "" when none */
    long long dns_us, connect_us, tls_us, total_us; /* libcurl timings */

    int via_proxy;      /* the environment sends this URL through a proxy */
    long connect_code;  /* the proxy's answer to CONNECT, 0 when none */
    char *request_text; /* method, URL and headers with the key masked */
    size_t max_bytes;

    /* Private to probe.c. */
    struct probe_multi *multi;
    struct probe *next; /* on the multi's list of running transfers */
    void *easy;
    void *header_list;
    size_t header_bytes; /* all header bytes received, interim responses too */
    int responses;       /* status lines received */
};

/* Load libcurl (once). Returns 0, or -1 after a one-line error when it
 * cannot be loaded. probe_multi_new, probe_url_allowed and probe_env_proxy
 * call it themselves. */
int probe_init(void);

/* The transport's library for --version: "libcurl 7.88.1, OpenSSL/3.0.15"
 * into out. Loads libcurl; -1 (after probe_init's one-line error) when it
 * cannot. */
int probe_library(char *out, size_t size);

/* s percent-encoded for a URL path or query; the caller frees it. */
char *probe_escape(const char *s);

struct probe_multi *probe_multi_new(void);
void probe_multi_free(struct probe_multi *m);

/* Is url's scheme allowed: https always, http only for loopback hosts
 * (127.0.0.0/8, localhost, [::1])? Returns 1 when allowed; on 0, why
 * (>= 128 bytes) says why in one line. */
int probe_url_allowed(const char *url, char *why, size_t size);

/* Will libcurl send url through a proxy named in the environment
 * (https_proxy, HTTPS_PROXY, http_proxy, all_proxy, ALL_PROXY, minus
 * no_proxy/NO_PROXY)? */
int probe_env_proxy(const char *url);

/* Start a transfer on m. Returns NULL (with a message) on an internal error. */
struct probe *probe_start(struct probe_multi *m, const struct probe_request *req, int tag);

/* Run transfers for at most timeout_ms. Returns the number still running, or
 * a negative status on an internal error. Finished probes have done set. */
int probe_multi_step(struct probe_multi *m, int timeout_ms);

/* Stop every transfer still running on m at once (the TUI's quit during
 * a hung probe): each is marked done as failed with "cancelled" and stays
 * owned by its caller. Returns immediately, whatever the resolver does. */
void probe_multi_cancel(struct probe_multi *m);

/* A finished probe made from the raw bytes of an HTTP response (status
 * lines, headers, a blank line, the body), taken through the same header
 * and body handling, caps and shape checks as a transfer's: for the fuzz
 * target on check's response path and for tests. Never fails; free it with
 * probe_free. No libcurl is needed. */
struct probe *probe_from_bytes(const char *bytes, size_t n, size_t max_bytes);

/* Abort (when running) and free. */
void probe_free(struct probe *p);

/* The evidence word for a transport failure ("dns", "connect", "proxy",
 * "tls", "timeout", "reset", "bad-response"), "other" for a failure with
 * no name (a cancelled transfer), or NULL when a response arrived intact. */
const char *probe_net_error(const struct probe *p);

/* One line describing the transport failure, for evidence net_detail. */
char *probe_net_detail(const struct probe *p);

/* Append the exchange for -v: the request (key masked), the status, the
 * response headers and the first bytes of the body, with key (when
 * non-NULL) and every key-like token masked before anything is cut. */
void probe_describe(const struct probe *p, struct sbuf *out);

/* Append "dns 3 ms, connect 5 ms, tls 20 ms, total 120 ms". */
void probe_timings(const struct probe *p, struct sbuf *out);

#endif
