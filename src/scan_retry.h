/*
 * scan_retry: the retry-code rules of a scan (kinds retry-status,
 * retry-exception and retry-call in rules/scan.json). In one file's text it
 * finds retry settings that retry client errors, retry predicates that name
 * 4xx exceptions, and tenacity retries with no wait, no stop or no jitter,
 * only in the shapes docs/scan.md lists: low noise beats recall here. Each
 * match goes to a callback; the scanner judges comments and makes the
 * finding. Nothing is kept between calls.
 */
#ifndef GD_SCAN_RETRY_H
#define GD_SCAN_RETRY_H

#include <stddef.h>

struct scan_rule;
struct scan_rules;

/* Look for every retry rule of sr in buf[0..len); for each match call
 * hit(arg, rule, pos, what) with the byte position of the setting or call
 * and a short text naming it (valid during the call). A file that does not
 * mention "retry" (in any case) has no match. */
void scan_retry(const struct scan_rules *sr, const char *buf, size_t len,
                void (*hit)(void *arg, const struct scan_rule *r, size_t pos, const char *what),
                void *arg);

#endif
