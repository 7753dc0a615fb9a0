/*
 * diagnosis: evidence plus the rule it matched plus what follows from it: the
 * verdict (retryable), the wait (server delay, the daily reset the table
 * names, or the rule's backoff plan) and the steps with their placeholders
 * filled, each marked with the contexts it is shown in.
 * Renderers print it; the TUI shows it; check attaches one to each probe.
 *
 * diagnose() fills a struct the caller owns; diagnosis_release() frees the
 * strings it made. The rule and model pointers belong to the rule table.
 */
#ifndef GD_DIAGNOSIS_H
#define GD_DIAGNOSIS_H

#include <time.h>
#include "evidence.h"
#include "rules.h"

struct rule;
struct rule_table;
struct model_info;

#define DIAG_MAX_STEPS 24
#define DIAG_MAX_DOCS 12

struct diagnosis {
    struct evidence ev;                  /* owned: moved in by diagnose() */
    const struct rule *rule;             /* NULL when nothing matched */
    const char *cause;                   /* public id, never NULL: the table's no-match cause when
                                            nothing matched (a loaded table always has one) */
    const struct cause_info *cause_info; /* the table's facts about cause */
    const char *title;
    char *title_buf; /* owned: the rule's title with placeholders filled */
    int retryable;
    double retry_after_s; /* how long to wait, when known */
    int has_retry_after;
    char resets_at[40];                  /* ISO-8601 with offset, for daily quotas; "" otherwise */
    const char *reset_label;             /* "midnight Pacific time" with resets_at, else NULL */
    const char *dimension;               /* a quota dimension id ("rpm", "rpd", …) or NULL */
    const char *tier;                    /* a tier the quota id names ("free"), or NULL */
    long long limit;                     /* -1 when unknown */
    const char *quota_id;                /* points into ev */
    const struct model_info *model_info; /* lifecycle facts for ev.model, or NULL */
    char suggested[64];                  /* the model the error message tells to use
                                            ("… update your code to use models/X"); "" if none */
    char *wait_plan;                     /* one line: the retry plan, or why not to retry */
    double later_s; /* not retryable soon, but waiting about this long can help (a rolling
                       spend window); 0 otherwise */
    /* Every filled step, for all contexts: steps[i] is shown where bit c of
     * step_in[i] is set (1 << STEP_EXPLAIN, …). Read them through
     * diagnosis_step_count() and diagnosis_step(). */
    char *steps[DIAG_MAX_STEPS];
    unsigned step_in[DIAG_MAX_STEPS];
    int nsteps;
    int used_live_models; /* a step shown somewhere names {live_models} */
    char *docs[DIAG_MAX_DOCS];
    int ndocs;
};

/* Diagnose ev at time now. Takes ownership of *ev (leaves it evidence_init()ed). */
void diagnose(const struct rule_table *t, struct evidence *ev, time_t now, struct diagnosis *d);
void diagnosis_release(struct diagnosis *d);

/* Is this a recognised Gemini error (a rule matched, and its cause is the
 * Gemini API's: not "not-gemini")? */
int diagnosis_recognised(const struct diagnosis *d);

/* The steps shown in context c, in order. */
int diagnosis_step_count(const struct diagnosis *d, enum step_context c);
const char *diagnosis_step(const struct diagnosis *d, enum step_context c, int i);

/* The next daily quota reset after now (limits.json, daily_reset), as epoch
 * seconds; iso (>= 40 bytes) gets it as "2026-11-29T00:00:00-08:00". */
time_t next_daily_reset(const struct rule_table *t, time_t now, char *iso, size_t size);

#endif
