/*
 * test_sha256: the digest against the FIPS 180-4 examples and a streamed
 * input split at every block boundary.
 */
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "unit.h"

int main(void)
{
    char hex[65];
    static const char abc56[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char *million = malloc(1000000);
    struct sha256 s;
    unsigned char d1[32], d2[32];

    sha256_hex("", 0, hex);
    expect_str("empty", hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    expect_str("abc", hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    sha256_hex(abc56, strlen(abc56), hex);
    expect_str("two blocks", hex,
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, hex);
    expect_str("a million a", hex,
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    for (size_t cut = 0; cut <= 130; cut++) {
        sha256_init(&s);
        sha256_update(&s, million, cut);
        sha256_update(&s, million + cut, 200 - cut);
        sha256_final(&s, d1);
        sha256_init(&s);
        sha256_update(&s, million, 200);
        sha256_final(&s, d2);
        expect("streamed in two parts", memcmp(d1, d2, 32) == 0);
    }
    free(million);
    return unit_done("test_sha256");
}
