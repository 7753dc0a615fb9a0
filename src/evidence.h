/*
 * evidence: the one plain record of what was seen in an error, whether it came
 * from a pasted text (the reader) or from a probe (an HTTP response or a curl
 * failure). Every later step reads only this struct.
 *
 * All strings are owned by the struct and freed by evidence_release(). A field
 * that was not seen is NULL (strings), 0 (http) or has its has_ flag clear;
 * nothing is invented.
 */
#ifndef GD_EVIDENCE_H
#define GD_EVIDENCE_H

#define EV_MAX_QUOTA 8
#define EV_MAX_LINKS 8
#define EV_MAX_FIELDS 8

#define INPUT_FORMS(X)                                                                             \
    X(FORM_TEXT, "text")                                                                           \
    X(FORM_REST_JSON, "rest-json")                                                                 \
    X(FORM_PYTHON_SDK, "python-sdk")                                                               \
    X(FORM_JS_SDK, "js-sdk")                                                                       \
    X(FORM_CURL, "curl")                                                                           \
    X(FORM_CLI_LOG, "cli-log")

#define X(e, s) e,
enum input_form { INPUT_FORMS(X) };
#undef X

/* The kinds of transport failure a probe or a paste can show (net_error):
 * the rules' net_error condition and rules/phrases.json use these names. */
#define NET_ERRORS(X)                                                                              \
    X("dns")                                                                                       \
    X("connect")                                                                                   \
    X("reset")                                                                                     \
    X("tls")                                                                                       \
    X("timeout")                                                                                   \
    X("proxy")                                                                                     \
    X("bad-response")

/* The local findings a probe can hand the rules (fact): the rules' fact
 * condition names only these. A fact says what the probe saw, never which
 * cause that is: the rules decide (a fact spelled like a cause id would hide
 * a decision in C). */
#define EVIDENCE_FACTS(X)                                                                          \
    X(FACT_NO_KEY_FOUND, "no-key-found")                                                           \
    X(FACT_KEY_MALFORMED, "key-malformed")                                                         \
    X(FACT_KEY_OAUTH_TOKEN, "key-oauth-token")                                                     \
    X(FACT_KEY_STANDARD_REJECTED_DATE, "key-standard-rejected-date")                               \
    X(FACT_VERTEX_MODE, "vertex-mode")                                                             \
    X(FACT_MODEL_NO_GENERATE, "model-no-generate")                                                 \
    X(FACT_MODEL_ANSWERED_BY_ANOTHER, "model-answered-by-another")                                 \
    X(FACT_INCIDENT_ACTIVE, "incident-active")

#define X(e, name) e,
enum evidence_fact { EVIDENCE_FACTS(X) FACT_COUNT };
#undef X

/* The name the rules' fact condition uses for f. */
const char *evidence_fact_name(enum evidence_fact f);

const char *input_form_name(enum input_form form);

struct quota_violation {
    char *quota_id; /* "GenerateRequestsPerDayPerProjectPerModel-FreeTier" */
    char
        *quota_metric; /* "generativelanguage.googleapis.com/generate_content_free_tier_requests" */
    char *model;       /* quotaDimensions.model */
    char *location;    /* quotaDimensions.location */
    long long value;   /* quotaValue (the limit), -1 when absent */
};

struct evidence {
    enum input_form form;
    int found; /* the reader recognised something error-like */

    int http;          /* HTTP status code, 0 when unknown */
    int http_inferred; /* http was deduced from status, not read */
    char *http_text;   /* reason phrase seen with it ("Too Many Requests") */
    char *status;      /* canonical gRPC status ("RESOURCE_EXHAUSTED") */
    char *api_code;    /* Interactions API string code ("rate_limit_exceeded") */
    char *message;     /* the innermost human message, whitespace collapsed */
    char *reason;      /* ErrorInfo reason ("API_KEY_INVALID") */
    char *domain;      /* ErrorInfo domain */
    char *service;     /* metadata service, or the API host named */

    struct quota_violation quota[EV_MAX_QUOTA];
    int nquota;
    long long limit; /* a quota limit seen in text ("limit: 0"), -1 when absent */

    double retry_after_s; /* RetryInfo, Retry-After, "retry in 37.5s", "reset after 4h28m20s" */
    int has_retry_after;

    char *links[EV_MAX_LINKS]; /* Help links */
    int nlinks;
    char *fields[EV_MAX_FIELDS]; /* BadRequest field violations, "field: description" */
    int nfields;

    char *model;      /* the model the error is about, without "models/" */
    char *key_masked; /* a key found in the input, masked; never the key */

    /* The normalised text the rules match message patterns against: escapes
     * undone, borders and prefixes stripped, whitespace collapsed, bounded. */
    char *text;

    /* Set by probes only. */
    char *fact;       /* a local finding for the rules: "key-missing", "key-oauth-token", … */
    char *net_error;  /* "dns", "connect", "tls", "timeout", "proxy", "reset", "bad-response" */
    char *net_detail; /* libcurl's message or what was received instead of JSON */
    char *content_type;
    char *live_models; /* the models this key can call that are closest to the one asked
                          for, "a, b or c" (the {live_models} placeholder) */
};

void evidence_init(struct evidence *ev);
void evidence_release(struct evidence *ev);

#endif
