/*
 * unit.h: the counters and checks every unit test shares. Include it from
 * the test's one source file: the counters are static, one pair a program.
 * A failed check prints a `FAIL` line and counts; unit_done prints the
 * closing line `NAME: N passed, N failed` that tests/all.sh adds up, and
 * returns the exit status for main.
 */
#ifndef GD_UNIT_H
#define GD_UNIT_H

#include <stdio.h>
#include <string.h>

static int passed, failed;

static inline void expect(const char *what, int ok)
{
    if (ok) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s\n", what);
}

/* Two strings are equal when both are NULL or both hold the same text. */
static inline void expect_str(const char *what, const char *got, const char *want)
{
    if ((!got && !want) || (got && want && strcmp(got, want) == 0)) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s: got '%s', wanted '%s'\n", what, got ? got : "(null)", want ? want : "(null)");
}

/* Returns 1 when any check failed, else 0. */
static inline int unit_done(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, passed, failed);
    return failed ? 1 : 0;
}

#endif
