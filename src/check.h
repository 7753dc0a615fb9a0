/*
 * check: the live probes, run concurrently on one curl multi handle, each
 * response handed to the reader and the rules exactly as a paste would be.
 * A probe adds only what it alone knows (endpoint, timing); every verdict
 * comes from the rules table.
 *
 * A check_run owns its checks, their diagnoses and their strings until
 * check_run_free(). It can be driven step by step (the TUI keeps its screen
 * alive between steps) or run to the end (check_run_all).
 */
#ifndef GD_CHECK_H
#define GD_CHECK_H

#include "diagnosis.h"

struct options;
struct rule_table;

#define CHECK_IDS(X)                                                                               \
    X(CHECK_CONFIG_KEY, "config.key", "API key")                                                   \
    X(CHECK_CONFIG_ENV, "config.environment", "Environment")                                       \
    X(CHECK_NETWORK_REACH, "network.reach", "Network")                                             \
    X(CHECK_KEY_ACCEPTED, "key.accepted", "Key accepted")                                          \
    X(CHECK_MODEL_AVAILABLE, "model.available", "Model")                                           \
    X(CHECK_REQUEST_GENERATE, "request.generate", "Generate")                                      \
    X(CHECK_STATUS_INCIDENTS, "status.incidents", "Google status")

#define X(e, id, label) e,
enum check_id { CHECK_IDS(X) CHECK_COUNT };
#undef X

/* The check summaries whose words state a Gemini fact, so they are data
 * (guide.json's check_summaries): the key of each and the placeholders the
 * check fills (space-separated). The one list: lint checks the data. */
#define CHECK_SUMMARIES(X)                                                                         \
    X("standard-key", "kind source auth")                                                          \
    X("standard-key-accepted", "kind source auth")                                                 \
    X("model-closed-unproven", "model since")                                                      \
    X("vertex-mode", "")                                                                           \
    X("model-alias", "")

enum check_result { RES_PENDING, RES_RUNNING, RES_PASS, RES_WARN, RES_FAIL, RES_SKIP };

struct check {
    enum check_id id;
    enum check_result result;
    char *summary;          /* one line */
    struct diagnosis *diag; /* for warn/fail with a cause; NULL otherwise */
    int transient;          /* a fail that waiting can fix (rate limit, overload, incident) */
    char *detail;           /* multi-line extra facts (timings, incidents); may be NULL */
    char *exchange;         /* -v: the HTTP exchange, key masked; may be NULL */
    long duration_ms;
};

const char *check_id_name(enum check_id id);
const char *check_label(enum check_id id);
const char *check_result_name(enum check_result r);

struct check_run;

/* key overrides the environment when non-NULL (the TUI's "new key"); it is
 * copied and wiped on free. */
struct check_run *check_run_new(const struct options *opt, const struct rule_table *t,
                                const char *key);
void check_run_free(struct check_run *run);

/* Start the probes (only is CHECK_COUNT for all, or one check id to re-run
 * that one and what depends on it). Non-blocking. */
int check_run_start(struct check_run *run, int only);
/* Advance for at most timeout_ms; returns 1 while probes are in flight, 0 when
 * all are done, negative on an internal error. */
int check_run_step(struct check_run *run, int timeout_ms);
/* Stop every probe in flight at once (the TUI's quit during a hung probe):
 * nothing waits for a transfer or a stuck resolver. Their checks end as
 * skipped, "cancelled". */
void check_run_cancel(struct check_run *run);
/* Start and run to the end. */
int check_run_all(struct check_run *run);

const struct check *check_run_get(const struct check_run *run, enum check_id id);
const char *check_run_key_masked(const struct check_run *run); /* "" when none */
const char *check_run_key_source(const struct check_run *run); /* "GOOGLE_API_KEY", … */
const char *check_run_model(const struct check_run *run);
const char *check_run_base_url(const struct check_run *run);
const struct rule_table *check_run_rules(const struct check_run *run);

/* The live model list (names without "models/"), once key.accepted passed. */
int check_run_model_count(const struct check_run *run);
const char *check_run_model_name(const struct check_run *run, int i);
/* Change the model for later re-runs. */
void check_run_set_model(struct check_run *run, const char *model);
/* Use key (copied; NULL goes back to the environment) for later re-runs; the
 * old session key is wiped. Re-run config.key to apply it everywhere. */
void check_run_set_key(struct check_run *run, const char *key);

/* Refuse options check cannot run with (a plain http:// URL to a host that
 * is not loopback, a malformed URL): print one line, return -1 (usage). */
int check_validate(const struct options *opt);

/* Stop at once: abort every transfer in flight (no wait for a timeout);
 * each check still without a result becomes a skip "not run (interrupted)".
 * Returns how many were stopped; check_run_stopped() tells it later. */
int check_run_stop(struct check_run *run);
int check_run_stopped(const struct check_run *run);

/* 0, 1 or 75 as PRODUCT.md says; a run with stopped checks is never 0. */
int check_run_exit_code(const struct check_run *run);

#endif
