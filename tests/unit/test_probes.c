/*
 * test_probes: the offline parts of check: where the key comes from and how
 * stray characters are handled (keysrc), and which URLs a probe may use
 * (probe_url_allowed). Prints `N passed, N failed`; exits non-zero on any
 * failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "util.h"

#include "unit.h"

static const char *A = "AIzaTest_valid_xxxxxxxxxxxxxxxxxxxxxxxx";
static const char *B = "AQ.Test_other_xxxxxxxxxxxxxxxxxxxxxxxxxxxxx";

static void env(const char *g, const char *m)
{
    if (g)
        setenv("GOOGLE_API_KEY", g, 1);
    else
        unsetenv("GOOGLE_API_KEY");
    if (m)
        setenv("GEMINI_API_KEY", m, 1);
    else
        unsetenv("GEMINI_API_KEY");
}

static void test_precedence(void)
{
    struct options opt;
    struct key_source ks;

    memset(&opt, 0, sizeof(opt));
    env(NULL, NULL);
    keysrc_find(&opt, NULL, &ks);
    expect("no key", ks.key == NULL && ks.source == NULL && !ks.problem);
    keysrc_release(&ks);

    env("", B);
    keysrc_find(&opt, NULL, &ks);
    expect_str("empty GOOGLE_API_KEY is unset", ks.source, "GEMINI_API_KEY");
    expect_str("GEMINI_API_KEY used", ks.key, B);
    keysrc_release(&ks);

    env(A, B);
    keysrc_find(&opt, NULL, &ks);
    expect_str("GOOGLE_API_KEY wins", ks.source, "GOOGLE_API_KEY");
    expect_str("winner's key", ks.key, A);
    expect("note says they differ", ks.note && strstr(ks.note, "differ"));
    expect("note never holds a key", ks.note && !strstr(ks.note, A) && !strstr(ks.note, B));
    keysrc_release(&ks);

    env(A, A);
    keysrc_find(&opt, NULL, &ks);
    expect("note says same key", ks.note && strstr(ks.note, "same key"));
    keysrc_release(&ks);

    keysrc_find(&opt, B, &ks);
    expect_str("session key wins", ks.source, "session");
    expect_str("session key used", ks.key, B);
    keysrc_release(&ks);
    env(NULL, NULL);
}

static void test_stray(void)
{
    struct options opt;
    struct key_source ks;
    char buf[128];

    memset(&opt, 0, sizeof(opt));
    snprintf(buf, sizeof(buf), "\"%s\"\n", A);
    env(buf, NULL);
    keysrc_find(&opt, NULL, &ks);
    expect_str("quotes and newline stripped", ks.key, A);
    expect("problem names quotes", ks.problem && strstr(ks.problem, "quotes"));
    expect("problem names the newline", ks.problem && strstr(ks.problem, "newline"));
    expect("stripped key is usable", !ks.unusable);
    keysrc_release(&ks);

    env("AIzaTest_va lid_xxxxxxxxxxxxxxxxxxxxxxx", NULL);
    keysrc_find(&opt, NULL, &ks);
    expect("inner space is unusable", ks.unusable && ks.problem);
    keysrc_release(&ks);

    env(" \t'' ", NULL);
    keysrc_find(&opt, NULL, &ks);
    expect("only whitespace and quotes: no key", ks.key == NULL && ks.problem);
    keysrc_release(&ks);

    env(A, NULL);
    keysrc_find(&opt, NULL, &ks);
    expect("clean key has no problem", ks.problem == NULL && !ks.unusable);
    keysrc_release(&ks);
    env(NULL, NULL);
}

static void test_key_file(void)
{
    struct options opt;
    struct key_source ks;
    char path[] = "/tmp/gd-test-keyXXXXXX";
    FILE *f;
    int fd = mkstemp(path);

    memset(&opt, 0, sizeof(opt));
    expect("temp file", fd >= 0);
    if (fd < 0)
        return;
    f = fdopen(fd, "w");
    fprintf(f, "%s\nsecond line\n", B);
    fclose(f);
    opt.key_file = path;
    env(A, NULL);
    keysrc_find(&opt, NULL, &ks);
    expect_str("--key-file beats the environment", ks.source, "--key-file");
    expect_str("first line only", ks.key, B);
    expect("the file's line end is not stray", ks.problem == NULL);
    expect("note says the variable is ignored", ks.note && strstr(ks.note, "ignored"));
    keysrc_release(&ks);

    f = fopen(path, "w");
    fprintf(f, "%s\r\n", B);
    fclose(f);
    keysrc_find(&opt, NULL, &ks);
    expect("CRLF key file flagged", ks.problem && strstr(ks.problem, "carriage return"));
    expect_str("CRLF key file trimmed", ks.key, B);
    keysrc_release(&ks);

    f = fopen(path, "w");
    fclose(f);
    keysrc_find(&opt, NULL, &ks);
    expect("empty key file: no key, an error", ks.key == NULL && ks.file_error);
    keysrc_release(&ks);
    remove(path);
    env(NULL, NULL);
}

static void test_urls(void)
{
    static const struct {
        const char *url;
        int ok;
    } cases[] = {
        {"https://generativelanguage.googleapis.com", 1},
        {"HTTPS://example.com/gemini", 1},
        {"http://127.0.0.1:8080", 1},
        {"http://127.9.8.7", 1},
        {"http://localhost:1234/x", 1},
        {"http://[::1]:9/", 1},
        {"http://generativelanguage.googleapis.com", 0},
        {"http://128.0.0.1", 0},
        {"http://127.0.0.1.evil.example", 0},
        {"http://localhost.evil.example", 0},
        {"http://[::2]/", 0},
        {"ftp://127.0.0.1/", 0},
        {"generativelanguage.googleapis.com", 0},
        {"", 0},
    };
    char why[256];

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char what[300];
        int ok;
        why[0] = '\0';
        ok = probe_url_allowed(cases[i].url, why, sizeof(why));
        snprintf(what, sizeof(what), "url '%s' %s", cases[i].url,
                 cases[i].ok ? "allowed" : "refused");
        expect(what, ok == cases[i].ok);
        if (!ok) {
            snprintf(what, sizeof(what), "url '%s' says why", cases[i].url);
            expect(what, why[0] != '\0');
        }
    }
}

/* A response as raw bytes goes through the transport's own checks. */
static void test_response_bytes(void)
{
    static const char ok429[] = "HTTP/1.1 429 Too Many Requests\r\nContent-Type: "
                                "application/json\r\nRetry-After: 7\r\n\r\n{\"error\": {}}";
    struct probe *p = probe_from_bytes(ok429, strlen(ok429), 1 << 20);
    struct sbuf sb;

    expect("429 read from bytes", p->http == 429 && !probe_net_error(p));
    expect_str("content type", p->content_type, "application/json");
    expect("Retry-After", p->retry_after == 7);
    expect_str("body", p->body.buf, "{\"error\": {}}");
    probe_free(p);

    sbuf_init(&sb);
    for (int i = 0; i < 20; i++)
        sbuf_adds(&sb, "HTTP/1.1 100 Continue\r\n\r\n");
    p = probe_from_bytes(sb.buf, sb.len, 1 << 20);
    expect_str("endless 100 Continue is a bad response", probe_net_error(p), "bad-response");
    expect("and says why", p->bad && strstr(p->bad, "interim"));
    probe_free(p);

    sb.len = 0;
    sbuf_adds(&sb, "HTTP/1.1 200 OK\r\n");
    while (sb.len < (300u << 10))
        sbuf_adds(&sb, "X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    p = probe_from_bytes(sb.buf, sb.len, 1 << 20);
    expect("endless headers are a bad response", p->bad && strstr(p->bad, "headers"));
    probe_free(p);

    sb.len = 0;
    sbuf_adds(&sb, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n[");
    for (int i = 0; i < 600000; i++)
        sbuf_adds(&sb, "0,");
    sbuf_adds(&sb, "0]");
    p = probe_from_bytes(sb.buf, sb.len, (size_t)4 << 20);
    expect("600,000 JSON values are refused unparsed", p->bad && strstr(p->bad, "JSON values"));
    probe_free(p);
    p = probe_from_bytes(sb.buf, sb.len, (size_t)1 << 20);
    expect("a body past the cap is too big", p->too_big && probe_net_error(p));
    probe_free(p);
    sbuf_release(&sb);
}

/* A transfer to a server that never answers stops at once when cancelled. */
static void test_cancel(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    socklen_t al = sizeof(a);
    char url[64];
    struct probe_multi *m;
    struct probe *p;
    struct probe_request req = {"GET", url, NULL, NULL, 30000, 1 << 20};
    double t0;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4) ||
        getsockname(fd, (struct sockaddr *)&a, &al)) {
        expect("a loopback listener for the cancel test", 0);
        return;
    }
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/never", ntohs(a.sin_port));
    m = probe_multi_new();
    p = m ? probe_start(m, &req, 0) : NULL;
    expect("a transfer to a silent server starts", p != NULL);
    if (p) {
        for (int i = 0; i < 5; i++)
            probe_multi_step(m, 20);
        expect("it is still waiting", !p->done);
        t0 = (double)clock();
        probe_multi_cancel(m);
        expect("cancel ends it", p->done);
        expect_str("as cancelled", p->curl_error, "cancelled");
        expect_str("a failure with no name", probe_net_error(p), "other");
        expect("and returns at once", ((double)clock() - t0) / CLOCKS_PER_SEC < 1.0);
        probe_free(p);
    }
    probe_multi_free(m);
    close(fd);
}

int main(void)
{
    test_response_bytes();
    test_cancel();
    test_precedence();
    test_stray();
    test_key_file();
    test_urls();
    return unit_done("test_probes");
}
