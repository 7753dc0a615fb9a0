/*
 * diagnosis: evidence plus the rule it matched plus what follows from it: the
 * verdict (retryable), the wait (server delay, daily reset in Pacific time,
 * or the rule's backoff plan) and the steps with their placeholders filled.
 * Renderers print it; the TUI shows it; check attaches one to each probe.
 *
 * diagnose() fills a struct the caller owns; diagnosis_release() frees the
 * strings it made. The rule and model pointers belong to the rule table.
 */
#ifndef GD_DIAGNOSIS_H
#define GD_DIAGNOSIS_H

#include <time.h>
#include "evidence.h"

struct rule;
struct rule_table;
struct model_info;

#define DIAG_MAX_STEPS 16
#define DIAG_MAX_DOCS 12

struct diagnosis {
    struct evidence ev;      /* owned: moved in by diagnose() */
    const struct rule *rule; /* NULL when nothing matched */
    const char *cause;       /* public id; "unknown" when nothing matched */
    const char *title;
    char *title_buf; /* owned: the rule's title with placeholders filled */
    int retryable;
    double retry_after_s; /* how long to wait, when known */
    int has_retry_after;
    char resets_at[32];                  /* ISO-8601 with offset, for daily quotas; "" otherwise */
    const char *dimension;               /* "rpm", "tpm", "rpd", "spend" or NULL */
    const char *tier;                    /* "free", "paid" or NULL */
    long long limit;                     /* -1 when unknown */
    const char *quota_id;                /* points into ev */
    const struct model_info *model_info; /* lifecycle facts for ev.model, or NULL */
    char suggested[64];                  /* the model the error message tells to use
                                            ("… update your code to use models/X"); "" if none */
    char *wait_plan;                     /* one line: the retry plan, or why not to retry */
    char *steps[DIAG_MAX_STEPS];
    int nsteps;
    char *docs[DIAG_MAX_DOCS];
    int ndocs;
};

/* Diagnose ev at time now. Takes ownership of *ev (leaves it evidence_init()ed). */
void diagnose(const struct rule_table *t, struct evidence *ev, time_t now, struct diagnosis *d);
void diagnosis_release(struct diagnosis *d);

/* Is this a recognised Gemini error (not "unknown" and not "not-gemini")? */
int diagnosis_recognised(const struct diagnosis *d);

/* The next midnight in America/Los_Angeles after now (DST-correct), as epoch
 * seconds; iso (>= 32 bytes) gets it as "2026-11-29T00:00:00-08:00". */
time_t next_pacific_midnight(time_t now, char *iso, size_t size);

#endif
