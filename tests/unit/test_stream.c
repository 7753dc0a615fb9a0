/*
 * test_stream: the reader's stream (reader_stream_*, reader_read_fd) gives
 * the evidence reader_read gives for the same bytes in one buffer, however
 * the bytes are cut into pieces, and reads a stream of any size in bounded
 * memory. Inputs are generated: logs of several sizes with errors near the
 * start, the middle, the end, across piece boundaries, two different errors
 * (the last wins), and none at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "evidence.h"
#include "reader.h"
#include "rules.h"
#include "util.h"

#include "unit.h"

/* The built-in table's vocabulary, as explain hands it to the reader. */
static const struct reader_vocab *vocab;

static const char quota_err[] =
    "{\"error\": {\"code\": 429, \"message\": \"You exceeded your current quota. Quota exceeded "
    "for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: "
    "20, model: gemini-3.8-flash\", \"status\": \"RESOURCE_EXHAUSTED\"}}";
static const char key_err[] =
    "{\"error\": {\"code\": 400, \"message\": \"API key not valid. Please pass a valid API "
    "key.\", \"status\": \"INVALID_ARGUMENT\", \"details\": [{\"@type\": "
    "\"type.googleapis.com/google.rpc.ErrorInfo\", \"reason\": \"API_KEY_INVALID\"}]}}";
static const char text_err[] = "2026-11-28T10:00:01Z ERROR upstream: got status 503 Service "
                               "Unavailable. The model is overloaded. Please try again later.";

/* A log of about size bytes: ordinary lines, and err (when non-NULL) as a
 * line at each fraction in at[0..n). */
static char *make_log(size_t size, const char *const *errs, const double *at, int n, size_t *len)
{
    struct sbuf sb;
    int next = 0;
    unsigned long i = 0;

    sbuf_init(&sb);
    while (sb.len < size) {
        while (next < n && sb.len >= (size_t)(at[next] * (double)size)) {
            sbuf_addf(&sb, "2026-11-28T10:00:01.000Z ERROR worker failed: %s\n", errs[next]);
            next++;
        }
        if (i % 3)
            sbuf_addf(&sb,
                      "{\"ts\":\"2026-11-28T10:00:00Z\",\"level\":\"info\",\"msg\":\"request "
                      "handled\",\"id\":%lu,\"status\":200}\n",
                      i);
        else
            sbuf_addf(&sb, "2026-11-28T10:00:00Z INFO worker-3 handled request id=%08lu in 12ms\n",
                      i);
        i++;
    }
    while (next < n)
        sbuf_addf(&sb, "ERROR %s\n", errs[next++]);
    *len = sb.len;
    return sbuf_detach(&sb);
}

static int same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_evidence(const struct evidence *a, const struct evidence *b)
{
    return a->found == b->found && a->http == b->http && a->form == b->form &&
           same(a->status, b->status) && same(a->message, b->message) &&
           same(a->reason, b->reason) && same(a->text, b->text) &&
           same(a->net_error, b->net_error) && same(a->model, b->model) && a->nquota == b->nquota;
}

/* Stream buf in pieces of piece bytes; compare with the one-buffer read. */
static void compare(const char *name, const char *buf, size_t len, size_t piece,
                    const char *want_status)
{
    struct evidence whole, streamed;
    struct reader_stream *st = reader_stream_new(vocab);
    char what[160];

    evidence_init(&whole);
    evidence_init(&streamed);
    reader_read(vocab, buf, len, &whole);
    for (size_t off = 0; off < len; off += piece)
        reader_stream_feed(st, buf + off, len - off < piece ? len - off : piece);
    reader_stream_finish(st, &streamed);
    snprintf(what, sizeof(what), "%s, pieces of %zu: same evidence as one buffer", name, piece);
    expect(what, same_evidence(&whole, &streamed));
    snprintf(what, sizeof(what), "%s: status", name);
    expect_str(what, whole.status, want_status);
    evidence_release(&whole);
    evidence_release(&streamed);
}

static void sizes_and_pieces(void)
{
    static const size_t pieces[] = {1 << 20, 4096, 65537, 3 << 20, 7};
    const char *one_q[] = {quota_err};
    const char *q_then_k[] = {quota_err, key_err};
    const char *k_then_q[] = {key_err, quota_err};
    const char *text_only[] = {text_err};
    double mid[] = {0.5}, start[] = {0.0001}, end[] = {0.9999}, two[] = {0.3, 0.7};
    struct {
        const char *name;
        size_t size;
        const char *const *errs;
        const double *at;
        int n;
        const char *status;
    } t[] = {
        {"small paste", 300, one_q, mid, 1, "RESOURCE_EXHAUSTED"},
        {"900 KB log, error in the middle", 900 << 10, one_q, mid, 1, "RESOURCE_EXHAUSTED"},
        {"3 MB log, error in the middle", 3 << 20, one_q, mid, 1, "RESOURCE_EXHAUSTED"},
        {"3 MB log, error at the start", 3 << 20, one_q, start, 1, "RESOURCE_EXHAUSTED"},
        {"3 MB log, error at the end", 3 << 20, one_q, end, 1, "RESOURCE_EXHAUSTED"},
        {"5 MB log, quota then key: the last wins", 5 << 20, q_then_k, two, 2, "INVALID_ARGUMENT"},
        {"5 MB log, key then quota: the last wins", 5 << 20, k_then_q, two, 2,
         "RESOURCE_EXHAUSTED"},
        {"3 MB log, a text-form error", 3 << 20, text_only, mid, 1, NULL},
        {"3 MB log, no error", 3 << 20, NULL, NULL, 0, NULL},
    };

    for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
        size_t len;
        char *log = make_log(t[i].size, t[i].errs, t[i].at, t[i].n, &len);
        for (size_t p = 0; p < ARRAY_SIZE(pieces); p++) {
            /* Pieces of 7 bytes only on the smaller inputs: slow, not wrong. */
            if (pieces[p] < 64 && len > (1u << 20))
                continue;
            compare(t[i].name, log, len, pieces[p], t[i].status);
        }
        free(log);
    }
}

/* An anchor cut by every possible piece boundary is still found. */
static void anchor_across_pieces(void)
{
    size_t len;
    const char *errs[] = {quota_err};
    double mid[] = {0.5};
    char *log = make_log(2 << 20, errs, mid, 1, &len);
    const char *hit = strstr(log, "RESOURCE_EXHAUSTED");
    size_t at = (size_t)(hit - log);

    for (size_t cut = 1; cut < 19; cut++) {
        struct evidence ev;
        struct reader_stream *st = reader_stream_new(vocab);
        evidence_init(&ev);
        reader_stream_feed(st, log, at + cut);
        reader_stream_feed(st, log + at + cut, len - at - cut);
        reader_stream_finish(st, &ev);
        expect("an anchor split between two pieces is found",
               ev.status && strcmp(ev.status, "RESOURCE_EXHAUSTED") == 0);
        evidence_release(&ev);
    }
    free(log);
}

/* 256 MiB through the stream (more than the old 256 MiB refusal) grows the
 * process by a few MiB at most, and the last error still wins. */
static void constant_memory(void)
{
    size_t len;
    const char *errs[] = {key_err};
    double at[] = {0.5};
    char *chunk = make_log(8 << 20, NULL, NULL, 0, &len);
    char *tail = make_log(4096, errs, at, 1, &len);
    struct reader_stream *st = reader_stream_new(vocab);
    struct evidence ev;
    struct rusage before, after;
    size_t clen = strlen(chunk);

    evidence_init(&ev);
    getrusage(RUSAGE_SELF, &before);
    for (size_t total = 0; total < ((size_t)256 << 20); total += clen)
        reader_stream_feed(st, chunk, clen);
    reader_stream_feed(st, tail, strlen(tail));
    reader_stream_finish(st, &ev);
    getrusage(RUSAGE_SELF, &after);
    expect("256 MiB read: the error at the end is found",
           ev.status && strcmp(ev.status, "INVALID_ARGUMENT") == 0);
    expect("256 MiB read in constant memory (under 16 MiB of growth)",
           after.ru_maxrss - before.ru_maxrss < 16 * 1024);
    evidence_release(&ev);
    free(chunk);
    free(tail);
}

/* reader_read_fd reads a pipe to its end. */
static void from_fd(void)
{
    int fds[2];
    struct evidence ev;

    evidence_init(&ev);
    if (pipe(fds) != 0) {
        expect("pipe", 0);
        return;
    }
    if (write(fds[1], quota_err, strlen(quota_err)) != (ssize_t)strlen(quota_err))
        expect("write", 0);
    close(fds[1]);
    expect("reader_read_fd returns 0", reader_read_fd(vocab, fds[0], &ev) == 0);
    close(fds[0]);
    expect("reader_read_fd reads the error",
           ev.status && strcmp(ev.status, "RESOURCE_EXHAUSTED") == 0);
    evidence_release(&ev);
    evidence_init(&ev);
    expect("reader_read_fd on a closed descriptor fails", reader_read_fd(vocab, fds[0], &ev) == -1);
    evidence_release(&ev);
}

int main(void)
{
    struct rule_table *t = rule_table_load(NULL);
    if (!t)
        return 1;
    vocab = rules_vocab(t);
    sizes_and_pieces();
    anchor_across_pieces();
    constant_memory();
    from_fd();
    rule_table_free(t);
    return unit_done("test_stream");
}
