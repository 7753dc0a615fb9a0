/*
 * test_keymask: key kinds, masking and redaction, and the util helpers they
 * lean on. Prints `N passed, N failed`; exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "util.h"

#include "unit.h"

int main(void)
{
    const char *std = "AIzaSyA1234567890abcdefghijklmnopqrWXyZ";
    char *m;

    expect("standard key length", strlen(std) == 39);
    expect("kind standard", key_kind_of(std) == KEY_STANDARD);
    expect("kind auth", key_kind_of("AQ.Ab8RN6abcdefghijklmnop") == KEY_AUTH);
    expect("kind oauth", key_kind_of("ya29.a0AfH6SMBabcdefghijklmnop") == KEY_OAUTH);
    expect("kind none", key_kind_of("") == KEY_NONE);

    m = key_mask(std);
    expect_str("mask standard", m, "AIza\xe2\x80\xa6WXyZ");
    free(m);
    m = key_mask("short");
    expect_str("mask short keeps nothing", m, "\xe2\x80\xa6");
    free(m);

    m = key_redact("GET https://x/v1beta/models?key=AIzaSyA1234567890abcdefghijklmnopqrWXyZ&a=1");
    expect_str("redact url", m, "GET https://x/v1beta/models?key=AIza\xe2\x80\xa6WXyZ&a=1");
    free(m);
    m = key_redact("RESOURCE_EXHAUSTEDAIzaSyA1234567890abcdefghijklmnopqrWXyZ");
    expect_str("redact glued", m, "RESOURCE_EXHAUSTEDAIza\xe2\x80\xa6WXyZ");
    free(m);
    m = key_redact("no key here, AIza too short");
    expect_str("redact leaves short", m, "no key here, AIza too short");
    free(m);
    m = key_redact("two AQ.Ab8RN6abcdefghijklmnopqrstuv and ya29.a0AfH6SMBabcdefghijklmnopqr");
    expect("redact two", strstr(m, "abcdefghijklmnopqr") == NULL && strstr(m, "AQ.\xe2\x80\xa6") &&
                             strstr(m, "ya29.\xe2\x80\xa6"));
    free(m);

    /* A header value the header rule leaves alone (no digit) is still
     * read for key-shaped tokens (a fuzz_reader finding). */
    m = key_redact("x-goog-api-key: AIzae.googleapalid_xxxxxxxxxxxxxxxxxxxxxxxx end");
    expect("digitless key after a header", strstr(m, "googleapalid") == NULL && strstr(m, " end"));
    free(m);
    m = key_redact("Authorization: Bearer ya29.abcdefghijklmnopqrstuvwxyz");
    expect("digitless bearer token", strstr(m, "abcdefghijklmnop") == NULL);
    free(m);
    m = key_redact("x-goog-api-key: AIza\xe2\x80\xa6WXyZ stays");
    expect_str("a mask after a header stays", m, "x-goog-api-key: AIza\xe2\x80\xa6WXyZ stays");
    free(m);

    {
        size_t start, len;
        const char *s = "x-goog-api-key: AIzaSyA1234567890abcdefghijklmnopqrWXyZ\r\n";
        expect("find",
               key_find(s, strlen(s), &start, &len) == KEY_STANDARD && start == 16 && len == 39);
    }

    /* A mask shows at most a third of a key and nothing of a short one. */
    m = key_mask("AIzaXYZW");
    expect_str("short key: nothing shown", m, "\xe2\x80\xa6");
    free(m);
    m = key_mask("AQ.abcdefghijklmnopq");
    expect_str("auth key of 20: no last four", m, "AQ.\xe2\x80\xa6");
    free(m);
    m = key_mask("zzzzzzzzzzzz\x1b[2J");
    expect("mask holds no control character", strchr(m, 0x1b) == NULL);
    free(m);

    /* The configured key is redacted by exact match in every escaping. */
    {
        const char *key = "Sek\"ret-Key With Space-0123456789abcdef";
        key_secret_add(key);
        m = key_redact("raw Sek\"ret-Key With Space-0123456789abcdef end");
        expect("secret raw", strstr(m, "0123456789") == NULL && strstr(m, "end"));
        free(m);
        m = key_redact("{\"m\": \"Sek\\\"ret-Key With Space-0123456789abcdef\"}");
        expect("secret JSON-escaped", strstr(m, "0123456789") == NULL);
        free(m);
        m = key_redact("Sek\"ret-Key\nWith Space-01234\\n56789abcdef");
        expect("secret split by newlines", strstr(m, "56789") == NULL && strstr(m, "Sek") == NULL);
        free(m);
        m = key_redact("message: key Space-0123456789ab (cut)");
        expect("a cut piece of the secret", strstr(m, "0123456789") == NULL && strstr(m, "(cut)"));
        free(m);
        m = key_redact("Sek\"ret-KeyWith    Space-0123456789abcdef");
        expect("secret with its space collapsed", strstr(m, "0123456789") == NULL);
        free(m);
    }
    /* Redaction copies runs that cannot start a key in one go: what can
     * start one must still be seen, in either case and after such a run. */
    m = key_redact("plain text X-GOOG-API-KEY: Zx9abcdefghijklmnop1 BEARER Zx9_qrstuvwxyz0123 "
                   "&KEY=Zx9_abcdefgh end");
    expect("upper-case credentials masked after a plain run",
           strstr(m, "abcdefghijklmnop1") == NULL && strstr(m, "qrstuvwxyz0123") == NULL &&
               strstr(m, "Zx9_abcdefgh") == NULL && strstr(m, " end"));
    free(m);
    key_secret_add("\x1b"
                   "ctl-secret-0123456789");
    m = key_redact("shown as ?ctl-secret-0123456789 here");
    expect("a secret starting with a control character, shown as ?",
           strstr(m, "0123456789") == NULL && strstr(m, "here"));
    free(m);
    key_secret_add(" lead-secret-9876543210");
    m = key_redact("a: lead-secret-9876543210!");
    expect("a secret starting with a space", strstr(m, "9876543210") == NULL && strchr(m, '!'));
    free(m);
    m = key_redact("bell\a and ESC\x1b[2J and C1 \xc2\x9b end\n");
    expect_str("controls become ?", m, "bell? and ESC?[2J and C1 ? end\n");
    free(m);
    m = key_redact("https://x/v1?key=Zx9_abcdefgh&alt=json");
    expect("key= parameter masked", strstr(m, "abcdefgh") == NULL && strstr(m, "key="));
    free(m);
    m = key_redact("see AIzaSyA1");
    expect("partial key masked", strstr(m, "SyA1") == NULL);
    free(m);
    m = key_redact("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N");
    expect("JWT masked", strstr(m, "dozjgN") == NULL);
    free(m);
    {
        char *once = key_redact("AIzaSyA1234567890abcdefghijklmnopqrWXyZ");
        char *twice = key_redact(once);
        expect_str("a mask survives redaction", twice, once);
        free(once);
        free(twice);
    }

    expect("memcasemem", gd_memcasemem("Hello World", 11, "WORLD", 5) != NULL);
    expect("memcasemem miss", gd_memcasemem("Hello", 5, "hello!", 6) == NULL);
    {
        struct sbuf sb;
        sbuf_init(&sb);
        sbuf_addf(&sb, "%d-%s", 42, "x");
        sbuf_addc(&sb, '!');
        expect_str("sbuf", sb.buf, "42-x!");
        sbuf_release(&sb);
    }
    m = url_hide_userinfo("https://bob:s3cret@proxy.example:3128/path?x=a@b");
    expect_str("userinfo hidden", m, "https://***@proxy.example:3128/path?x=a@b");
    free(m);
    m = url_hide_userinfo("http://127.0.0.1:8080/v1beta/models@x");
    expect_str("an @ in the path is not userinfo", m, "http://127.0.0.1:8080/v1beta/models@x");
    free(m);
    setenv("GEMINI_DOCTOR_NOW", "2026-11-28T12:00:00Z", 1);
    {
        char iso[32];
        gd_iso_utc(gd_now(), iso, sizeof(iso));
        expect_str("pinned now", iso, "2026-11-28T12:00:00Z");
    }

    return unit_done("keymask");
}
