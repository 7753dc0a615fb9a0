/*
 * scan_retry: the retry-code rules of a scan (kinds retry-status,
 * retry-exception and retry-call in rules/scan.json). In one file's text it
 * finds retry settings that retry client errors, retry predicates that name
 * 4xx exceptions, and tenacity retries with no wait, no stop or no jitter,
 * only in the shapes docs/scan.md lists: low noise beats recall here. Each
 * match goes to a callback; the scanner judges comments and makes the
 * finding.
 *
 * The scanner's one pass over a file feeds the words it meets to an index
 * (scan_retry_index_add), so the rules never search the text again: a
 * struct scan_retry_words (the words the rules name, made once per scan)
 * says which words count, and a struct scan_retry_index holds where they
 * are in the current file. Both are owned by the caller and freed with
 * their _free function.
 */
#ifndef GD_SCAN_RETRY_H
#define GD_SCAN_RETRY_H

#include <stddef.h>

struct scan_rule;
struct scan_rules;
struct scan_retry_words;
struct scan_retry_index;

struct scan_retry_words *scan_retry_words_new(const struct scan_rules *sr);
void scan_retry_words_free(struct scan_retry_words *w);

/* The first bytes of the words that count (a 256-entry table). */
const unsigned char *scan_retry_first(const struct scan_retry_words *w);

/* Their lengths by first byte: bit n of entry c is set when a word of n
 * bytes starting with c counts (a 256-entry table), for a caller's quick
 * test before scan_retry_index_add. */
const unsigned long long *scan_retry_lengths(const struct scan_retry_words *w);

struct scan_retry_index *scan_retry_index_new(void);
void scan_retry_index_free(struct scan_retry_index *ix);
void scan_retry_index_clear(struct scan_retry_index *ix);

/* Note the word buf[s..s+n) (a maximal run of [A-Za-z0-9_]) when it is one
 * that counts. */
void scan_retry_index_add(const struct scan_retry_words *w, struct scan_retry_index *ix,
                          const char *buf, size_t s, size_t n);

/* Judge every retry rule of sr on buf[0..len) with its index; for each
 * match call hit(arg, rule, pos, what) with the byte position of the
 * setting or call and a short text naming it (valid during the call). A
 * status list counts only in a file that mentions "retry" (in any case). */
void scan_retry(const struct scan_rules *sr, const struct scan_retry_index *ix, const char *buf,
                size_t len,
                void (*hit)(void *arg, const struct scan_rule *r, size_t pos, const char *what),
                void *arg);

#endif
