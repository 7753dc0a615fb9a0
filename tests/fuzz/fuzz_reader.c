/*
 * fuzz_reader: a libFuzzer target for the reader (built by tests/fuzz.sh).
 * An input goes through reader_read() as a paste, or, when its last byte is
 * odd, through reader_read_response() as a body with a status and a content
 * type taken from its bytes (one path an execution: reading each input
 * twice halved the rate, and fuzz_response drives the response path too),
 * with the built-in table's vocabulary (loaded once, never freed); beyond
 * the sanitizers it checks the reader's promises: the normalised text stays
 * bounded, and no key-like token survives in any string the reader returns.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "keymask.h"
#include "reader.h"
#include "rules.h"

static void no_key(const char *s)
{
    size_t start, len;
    if (s && key_find(s, strlen(s), &start, &len) != KEY_NONE)
        abort();
}

static void check(const struct evidence *ev)
{
    if (ev->text && strlen(ev->text) > ((size_t)64 << 10))
        abort();
    no_key(ev->text);
    no_key(ev->message);
    no_key(ev->model);
    no_key(ev->reason);
    no_key(ev->service);
    no_key(ev->net_detail);
    for (int i = 0; i < ev->nlinks; i++)
        no_key(ev->links[i]);
    for (int i = 0; i < ev->nfields; i++)
        no_key(ev->fields[i]);
    if (ev->nquota < 0 || ev->nquota > EV_MAX_QUOTA || ev->nlinks > EV_MAX_LINKS ||
        ev->nfields > EV_MAX_FIELDS)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rule_table *t;
    struct evidence ev;
    const char *buf = (const char *)data;

    if (!t)
        t = rule_table_load(NULL);
    if (!t)
        abort();
    evidence_init(&ev);
    if (size == 0 || !(data[size - 1] & 1)) {
        if (reader_read(rules_vocab(t), buf, size, &ev) != 0)
            abort();
    } else {
        int http = 200 + (data[0] % 4) * 100 + (data[size - 1] % 30);
        reader_read_response(rules_vocab(t), http, size > 1 && data[1] & 1 ? "text/html" : NULL, -1,
                             buf, size, &ev);
    }
    check(&ev);
    evidence_release(&ev);
    return 0;
}
