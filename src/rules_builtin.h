/*
 * rules_builtin: the JSON files under rules/ compiled into the binary by the
 * Makefile (src/embed.sh). The array ends with a row whose name is NULL.
 */
#ifndef GD_RULES_BUILTIN_H
#define GD_RULES_BUILTIN_H

#include <stddef.h>

struct builtin_file {
    const char *name;
    const char *data; /* NUL-terminated */
    size_t len;
};

extern const struct builtin_file builtin_rules[];

#endif
