/*
 * json_fast: a strict JSON parser that builds a cJSON tree with the
 * allocator cJSON is hooked to, at a few instructions a byte. The rules
 * table parses its built-in files with it: they are most of what a short
 * explain costs, and cJSON's own parser takes several times longer. It
 * accepts RFC 8259 JSON only and returns NULL on anything else, leaving the
 * caller to fall back on cJSON (whose error position it reports); the tree
 * is the one cJSON_ParseWithLength would build, allocated with cJSON's
 * allocator (cJSON_InitHooks) and freed with cJSON_Delete.
 */
#ifndef GD_JSON_FAST_H
#define GD_JSON_FAST_H

#include <stddef.h>

struct cJSON;

struct cJSON *json_fast_parse(const char *s, size_t n);

#endif
