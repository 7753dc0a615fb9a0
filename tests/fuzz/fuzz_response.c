/*
 * fuzz_response: a libFuzzer target for check's response path (built by
 * tests/fuzz.sh): the raw bytes of an HTTP response (status lines, headers,
 * body) go through probe_from_bytes (the transport's header and body
 * handling, caps and shape checks), the transport's verdict and detail, the
 * -v description with a configured key, and, when a response arrived,
 * reader_read_response and the diagnosis, as check judges a probe. Beyond
 * the sanitizers: the configured key never survives into the description,
 * and a response judged intact is within its cap.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "evidence.h"
#include "keymask.h"
#include "probe.h"
#include "reader.h"
#include "rules.h"
#include "util.h"

#define CAP ((size_t)256 << 10)

static const char key[] = "AIzaSyFuzzFuzzFuzzFuzzFuzzFuzzFuzz12345";
static struct rule_table *table;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct probe *p = probe_from_bytes((const char *)data, size, CAP);
    struct sbuf sb;
    char *detail;

    if (!table) {
        table = rule_table_load(NULL);
        if (!table)
            abort();
        key_secret_add(key);
    }
    if (p->body.len > CAP)
        abort();
    detail = probe_net_detail(p);
    free(detail);
    sbuf_init(&sb);
    probe_describe(p, &sb);
    if (sb.buf && strstr(sb.buf, key))
        abort();
    sbuf_release(&sb);
    if (!probe_net_error(p)) {
        struct evidence ev;
        struct diagnosis d;
        evidence_init(&ev);
        if (reader_read_response(rules_vocab(table), (int)p->http, p->content_type, p->retry_after,
                                 p->body.buf ? p->body.buf : "", p->body.len, &ev) != 0)
            abort();
        diagnose(table, &ev, (time_t)1764000000, &d);
        if (!d.cause)
            abort();
        diagnosis_release(&d);
        evidence_release(&ev);
    }
    probe_free(p);
    return 0;
}
