/*
 * sha256: the SHA-256 digest (FIPS 180-4), for fingerprints that name a key
 * without holding it (scan's allowlist and SARIF fingerprints). Streaming:
 * init, update any number of times, final.
 */
#ifndef GD_SHA256_H
#define GD_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes so far */
    unsigned char block[64];
    size_t used;
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t n);
void sha256_final(struct sha256 *s, unsigned char out[32]);

/* The digest of data[0..n) as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t n, char out[65]);

#endif
