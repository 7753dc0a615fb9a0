/*
 * test_json_fast: json_fast_parse builds the tree cJSON_ParseWithLength
 * builds, for every built-in rules file and for edge cases of strings and
 * numbers, and refuses what is not JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json_fast.h"
#include "rules_builtin.h"

#include "unit.h"

/* Same tree, same printed form (numbers included), same sibling links. */
static int same_tree(const char *s, size_t n)
{
    cJSON *a = json_fast_parse(s, n), *b = cJSON_ParseWithLength(s, n);
    int ok = a && b && cJSON_Compare(a, b, 1);
    if (ok) {
        char *pa = cJSON_PrintUnformatted(a), *pb = cJSON_PrintUnformatted(b);
        ok = pa && pb && strcmp(pa, pb) == 0;
        free(pa);
        free(pb);
    }
    if (ok && a->child) {
        /* cJSON appends through the first child's prev: it must be the last. */
        cJSON *last = a->child;
        while (last->next)
            last = last->next;
        ok = a->child->prev == last;
        cJSON_AddItemToArray(a, cJSON_CreateNull());
    }
    cJSON_Delete(a);
    cJSON_Delete(b);
    return ok;
}

int main(void)
{
    static const char *const good[] = {
        "{}",
        "[]",
        " [1, -2, 0, -0, 3.25, 1e3, -2.5E-3, 123456789012345678, 2147483648, -2147483649] ",
        "{\"a\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"b\": \"\\u00e9\\u20ac\\ud83d\\ude00\"}",
        "{\"a\": {\"b\": [true, false, null, {\"c\": []}]}, \"d\": 1}",
        "\"caf\xc3\xa9\"",
        "[[[[[[[[[[1]]]]]]]]]]",
    };
    static const char *const bad[] = {
        "",        "{",           "[1,]",        "{\"a\" 1}",    "[01]", "[1.]",  "[.5]",   "[1e]",
        "\"\\x\"", "\"\\ud800\"", "\"\\u0000\"", "[true false]", "{} x", "[nul]", "{1: 2}",
    };
    char what[200];

    for (const struct builtin_file *f = builtin_rules; f->name; f++) {
        snprintf(what, sizeof(what), "rules/%s: the same tree as cJSON's", f->name);
        expect(what, same_tree(f->data, f->len));
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        snprintf(what, sizeof(what), "same tree for %s", good[i]);
        expect(what, same_tree(good[i], strlen(good[i])));
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cJSON *j = json_fast_parse(bad[i], strlen(bad[i]));
        snprintf(what, sizeof(what), "refused: %s", bad[i]);
        expect(what, j == NULL);
        cJSON_Delete(j);
    }
    return unit_done("test_json_fast");
}
