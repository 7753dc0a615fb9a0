/*
 * test_diagnosis: the rules engine and the diagnosis on evidence built by
 * hand (no reader involved): rule choice for the decisions the table must get
 * right, the wait plan, placeholders, quota details, and the next midnight in
 * Pacific time around both 2026 daylight-saving switches.
 * Prints `N passed, N failed`; exits non-zero on any failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diagnosis.h"
#include "evidence.h"
#include "rules.h"
#include "util.h"

#include "unit.h"

/* 2026-11-28T12:00:00Z, the harness's default "now". */
static time_t t_utc(int y, int mo, int d, int h, int mi, int s)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
    setenv("GEMINI_DOCTOR_NOW", buf, 1);
    return gd_now();
}

static const struct rule_table *table;

static void expect_midnight(time_t now, const char *want_iso, time_t want)
{
    char iso[40];
    time_t got = next_daily_reset(table, now, iso, sizeof(iso));
    char what[96];
    snprintf(what, sizeof(what), "midnight after %lld", (long long)now);
    expect_str(what, iso, want_iso);
    if (got != want) {
        failed++;
        printf("FAIL %s: epoch %lld, wanted %lld\n", what, (long long)got, (long long)want);
    } else {
        passed++;
    }
}

/* Other zones through the same rule parser: the table could name any. */
static void test_tz_rules(void)
{
    struct tz_rule z;
    char iso[40];
    time_t got;
    static const char *const bad[] = {"",
                                      "PST",
                                      "PST8PDT,J60,J300",
                                      "PS8",
                                      "PST8PDT,M13.1.0,M11.1.0",
                                      "PST8PDT,M3.2.0",
                                      "PST8PDT,M3.2.7,M11.1.0",
                                      "PST8x"};

    expect("UTC0 parses", tz_rule_parse("UTC0", &z) == 0 && !z.has_dst && z.std_east == 0);
    got = tz_next_local_time(&z, t_utc(2026, 11, 28, 12, 0, 0), 0, iso, sizeof(iso));
    expect_str("UTC midnight", iso, "2026-11-29T00:00:00+00:00");
    expect("UTC midnight epoch", got == t_utc(2026, 11, 29, 0, 0, 0));
    /* Sydney: daylight-saving time from October to April spans the new year. */
    expect("AEST parses", tz_rule_parse("AEST-10AEDT,M10.1.0,M4.1.0/3", &z) == 0 && z.has_dst &&
                              z.std_east == 36000 && z.dst_east == 39600);
    expect("Sydney in January is AEDT", tz_offset_at(&z, t_utc(2027, 1, 15, 0, 0, 0)) == 39600);
    expect("Sydney in July is AEST", tz_offset_at(&z, t_utc(2026, 7, 15, 0, 0, 0)) == 36000);
    tz_next_local_time(&z, t_utc(2026, 11, 28, 12, 0, 0), 0, iso, sizeof(iso));
    expect_str("Sydney midnight", iso, "2026-11-29T00:00:00+11:00");
    /* A reset that is not at midnight, in a zone with a half-hour offset. */
    expect("IST parses", tz_rule_parse("<+0530>-5:30", &z) == 0 && z.std_east == 19800);
    tz_next_local_time(&z, t_utc(2026, 11, 28, 12, 0, 0), 9 * 3600L + 30 * 60, iso, sizeof(iso));
    expect_str("09:30 in India", iso, "2026-11-29T09:30:00+05:30");
    /* The last Sunday of a month (week 5). */
    expect("CET parses", tz_rule_parse("CET-1CEST,M3.5.0,M10.5.0/3", &z) == 0);
    expect("CET on 2026-03-29 10:00 UTC is summer time",
           tz_offset_at(&z, t_utc(2026, 3, 29, 10, 0, 0)) == 7200);
    expect("CET on 2026-03-28 is winter time",
           tz_offset_at(&z, t_utc(2026, 3, 28, 12, 0, 0)) == 3600);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[80];
        snprintf(what, sizeof(what), "'%s' is refused", bad[i]);
        expect(what, tz_rule_parse(bad[i], &z) != 0);
    }
}

static void test_pacific(void)
{
    /* Winter (PST, UTC-8): noon UTC on 2026-11-28 is 04:00 local. */
    expect_midnight(t_utc(2026, 11, 28, 12, 0, 0), "2026-11-29T00:00:00-08:00",
                    t_utc(2026, 11, 29, 8, 0, 0));
    /* 07:59 UTC is still the previous local day (23:59 PST). */
    expect_midnight(t_utc(2026, 11, 29, 7, 59, 0), "2026-11-29T00:00:00-08:00",
                    t_utc(2026, 11, 29, 8, 0, 0));
    /* Exactly at midnight: the next one. */
    expect_midnight(t_utc(2026, 11, 29, 8, 0, 0), "2026-11-30T00:00:00-08:00",
                    t_utc(2026, 11, 30, 8, 0, 0));

    /* Spring forward, Sunday 2026-03-08 02:00 PST -> 03:00 PDT. */
    expect_midnight(t_utc(2026, 3, 7, 20, 0, 0), "2026-03-08T00:00:00-08:00",
                    t_utc(2026, 3, 8, 8, 0, 0));
    /* 2026-03-08 09:59 UTC = 01:59 PST: midnight ahead is the 9th, in PDT. */
    expect_midnight(t_utc(2026, 3, 8, 9, 59, 0), "2026-03-09T00:00:00-07:00",
                    t_utc(2026, 3, 9, 7, 0, 0));
    /* Just after the switch (10:00 UTC = 03:00 PDT). */
    expect_midnight(t_utc(2026, 3, 8, 10, 0, 0), "2026-03-09T00:00:00-07:00",
                    t_utc(2026, 3, 9, 7, 0, 0));
    /* 2026-03-09 06:59 UTC = 23:59 PDT on the 8th. */
    expect_midnight(t_utc(2026, 3, 9, 6, 59, 0), "2026-03-09T00:00:00-07:00",
                    t_utc(2026, 3, 9, 7, 0, 0));

    /* Fall back, Sunday 2026-11-01 02:00 PDT -> 01:00 PST. */
    expect_midnight(t_utc(2026, 10, 31, 12, 0, 0), "2026-11-01T00:00:00-07:00",
                    t_utc(2026, 11, 1, 7, 0, 0));
    /* 2026-11-01 08:30 UTC = 01:30 PDT (the first 01:30). */
    expect_midnight(t_utc(2026, 11, 1, 8, 30, 0), "2026-11-02T00:00:00-08:00",
                    t_utc(2026, 11, 2, 8, 0, 0));
    /* 2026-11-01 09:30 UTC = 01:30 PST (the second 01:30). */
    expect_midnight(t_utc(2026, 11, 1, 9, 30, 0), "2026-11-02T00:00:00-08:00",
                    t_utc(2026, 11, 2, 8, 0, 0));
    /* Summer, and a year boundary. */
    expect_midnight(t_utc(2026, 7, 4, 6, 59, 59), "2026-07-04T00:00:00-07:00",
                    t_utc(2026, 7, 4, 7, 0, 0));
    expect_midnight(t_utc(2026, 12, 31, 20, 0, 0), "2027-01-01T00:00:00-08:00",
                    t_utc(2027, 1, 1, 8, 0, 0));
    /* 2027 switches are on 2027-03-14 and 2027-11-07. */
    expect_midnight(t_utc(2027, 3, 14, 12, 0, 0), "2027-03-15T00:00:00-07:00",
                    t_utc(2027, 3, 15, 7, 0, 0));
    expect_midnight(t_utc(2027, 11, 7, 12, 0, 0), "2027-11-08T00:00:00-08:00",
                    t_utc(2027, 11, 8, 8, 0, 0));
}

struct ev_spec {
    int found, http;
    const char *status, *api_code, *message, *reason, *domain, *service, *text, *model;
    const char *quota_id, *quota_metric, *quota_model;
    long long quota_value, limit;
    double retry_after;
    const char *fact, *net_error, *link, *field, *key_masked;
};

static void build(struct evidence *ev, const struct ev_spec *s)
{
    evidence_init(ev);
    ev->found = s->found;
    ev->http = s->http;
#define DUP(f)                                                                                     \
    if (s->f)                                                                                      \
        ev->f = xstrdup(s->f);
    DUP(status);
    DUP(api_code);
    DUP(message);
    DUP(reason);
    DUP(domain);
    DUP(service);
    DUP(model);
    DUP(fact);
    DUP(net_error);
    DUP(key_masked);
#undef DUP
    ev->text = xstrdup(s->text ? s->text : s->message ? s->message : "");
    ev->limit = s->limit ? s->limit : -1;
    if (s->limit == -2)
        ev->limit = 0;
    if (s->quota_id || s->quota_metric) {
        ev->quota[0].quota_id = s->quota_id ? xstrdup(s->quota_id) : NULL;
        ev->quota[0].quota_metric = s->quota_metric ? xstrdup(s->quota_metric) : NULL;
        ev->quota[0].model = s->quota_model ? xstrdup(s->quota_model) : NULL;
        ev->quota[0].value = s->quota_value;
        ev->nquota = 1;
    }
    if (s->retry_after > 0) {
        ev->retry_after_s = s->retry_after;
        ev->has_retry_after = 1;
    }
    if (s->link)
        ev->links[ev->nlinks++] = xstrdup(s->link);
    if (s->field)
        ev->fields[ev->nfields++] = xstrdup(s->field);
}

/* Diagnose spec at now; check cause, rule and retryable; return the diagnosis. */
static void run(const struct rule_table *t, const char *name, const struct ev_spec *s, time_t now,
                const char *cause, const char *rule, int retryable, struct diagnosis *d)
{
    struct evidence ev;
    char what[128];
    build(&ev, s);
    diagnose(t, &ev, now, d);
    snprintf(what, sizeof(what), "%s: cause", name);
    expect_str(what, d->cause, cause);
    if (rule) {
        snprintf(what, sizeof(what), "%s: rule", name);
        expect_str(what, d->rule ? d->rule->id : "(none)", rule);
    }
    snprintf(what, sizeof(what), "%s: retryable", name);
    expect(what, d->retryable == retryable);
    for (int i = 0; d->rule && i < d->nsteps; i++) {
        snprintf(what, sizeof(what), "%s: step %d has no placeholder", name, i + 1);
        expect(what, strchr(d->steps[i], '{') == NULL && strchr(d->steps[i], '[') == NULL);
    }
    snprintf(what, sizeof(what), "%s: title has no placeholder", name);
    expect(what, d->title && strchr(d->title, '{') == NULL);
}

static int has_step(const struct diagnosis *d, const char *needle)
{
    for (int i = 0; i < d->nsteps; i++)
        if (strstr(d->steps[i], needle))
            return 1;
    return 0;
}

static void test_rules(const struct rule_table *t)
{
    time_t now = t_utc(2026, 11, 28, 12, 0, 0);
    struct diagnosis d;

    /* A PerDay quota id is a daily quota: not retryable, resets at midnight
     * Pacific, retry_after_s is the time until then (not the server's 5 s). */
    struct ev_spec rpd = {.found = 1,
                          .http = 429,
                          .status = "RESOURCE_EXHAUSTED",
                          .message = "You exceeded your current quota, please check your "
                                     "plan and billing details.",
                          .quota_id = "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                          .quota_metric = "generativelanguage.googleapis.com/"
                                          "generate_content_free_tier_requests",
                          .quota_model = "gemini-2.0-pro-exp",
                          .quota_value = 25,
                          .retry_after = 5};
    run(t, "rpd", &rpd, now, "quota-rpd", "quota-rpd-per-day", 0, &d);
    expect_str("rpd resets_at", d.resets_at, "2026-11-29T00:00:00-08:00");
    expect("rpd retry_after is time to reset", d.has_retry_after && d.retry_after_s == 20 * 3600);
    expect_str("rpd dimension", d.dimension, "rpd");
    expect_str("rpd tier", d.tier, "free");
    expect("rpd limit", d.limit == 25);
    expect("rpd plan", d.wait_plan && strstr(d.wait_plan, "do not retry") &&
                           strstr(d.wait_plan, "2026-11-29T00:00:00-08:00") &&
                           strstr(d.wait_plan, "20h0m"));
    expect("rpd step filled", has_step(&d, "Wait until 2026-11-29T00:00:00-08:00"));
    diagnosis_release(&d);

    /* The same on the day DST ends: the reset is 00:00 PST = 08:00 UTC. */
    run(t, "rpd at dst end", &rpd, t_utc(2026, 11, 1, 8, 30, 0), "quota-rpd", NULL, 0, &d);
    expect_str("rpd at dst end resets_at", d.resets_at, "2026-11-02T00:00:00-08:00");
    expect("rpd at dst end seconds", d.retry_after_s == 23.5 * 3600);
    diagnosis_release(&d);

    /* limit 0 wins over PerMinute. */
    struct ev_spec zero = {.found = 1,
                           .http = 429,
                           .status = "RESOURCE_EXHAUSTED",
                           .message = "Quota exceeded for quota metric 'Generate Content API "
                                      "requests per minute'",
                           .quota_id = "GenerateContentRequestsPerMinutePerProjectPerRegion",
                           .quota_value = 0};
    run(t, "zero", &zero, now, "quota-zero", "quota-zero-limit", 0, &d);
    expect_str("zero dimension", d.dimension, "rpm");
    /* No word in the id names a tier, so none is given (never guessed). */
    expect("zero tier unknown", d.tier == NULL);
    expect("zero limit", d.limit == 0);
    diagnosis_release(&d);

    /* "limit: 0" read from text, with a PerDay id: still quota-zero. */
    struct ev_spec zero2 = {.found = 1,
                            .http = 429,
                            .limit = -2,
                            .quota_id = "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                            .quota_value = -1,
                            .message = "You exceeded your current quota"};
    run(t, "zero over perday", &zero2, now, "quota-zero", NULL, 0, &d);
    expect("zero has no reset", d.resets_at[0] == '\0');
    diagnosis_release(&d);

    /* PerMinute: retryable with the server's delay. */
    struct ev_spec rpm = {.found = 1,
                          .http = 429,
                          .status = "RESOURCE_EXHAUSTED",
                          .quota_id = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                          .quota_value = 10,
                          .retry_after = 37.5,
                          .link = "https://ai.google.dev/gemini-api/docs/rate-limits"};
    run(t, "rpm", &rpm, now, "quota-rpm", "quota-rpm-per-minute", 1, &d);
    expect("rpm retry_after", d.has_retry_after && d.retry_after_s == 37.5);
    expect_str("rpm dimension", d.dimension, "rpm");
    expect("rpm plan", d.wait_plan && strstr(d.wait_plan, "37.5 s"));
    for (int i = 0; i < d.ndocs; i++)
        for (int j = i + 1; j < d.ndocs; j++)
            expect("docs deduplicated", strcmp(d.docs[i], d.docs[j]) != 0);
    diagnosis_release(&d);

    /* Input-token quota: tpm even though the id says PerMinute. */
    struct ev_spec tpm = {.found = 1,
                          .http = 429,
                          .quota_id = "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                          .quota_value = 250000};
    run(t, "tpm", &tpm, now, "quota-tpm", "quota-tpm-input-tokens", 1, &d);
    expect_str("tpm dimension", d.dimension, "tpm");
    expect("tpm default wait", d.has_retry_after && d.retry_after_s == 60);
    diagnosis_release(&d);

    /* A server delay over 5 minutes is not "retry soon". */
    struct ev_spec slow = {.found = 1,
                           .http = 429,
                           .message = "You have exhausted your capacity on this model. Your "
                                      "quota will reset after 4h28m20s.",
                           .retry_after = 16100};
    run(t, "long reset", &slow, now, "quota-unknown", "quota-unknown-long-reset", 0, &d);
    expect("long reset plan", d.wait_plan && strstr(d.wait_plan, "over 5 minutes"));
    diagnosis_release(&d);
    struct ev_spec shortr = slow;
    shortr.message = "You have exhausted your capacity on this model. Your quota will reset "
                     "after 27s.";
    shortr.retry_after = 27;
    shortr.domain = "cloudcode-pa.googleapis.com";
    shortr.reason = "RATE_LIMIT_EXCEEDED";
    run(t, "short reset", &shortr, now, "quota-rpm", "quota-rpm-short-reset", 1, &d);
    diagnosis_release(&d);

    /* 429 with nothing else. */
    struct ev_spec bare = {.found = 1, .http = 429};
    run(t, "bare 429", &bare, now, "quota-unknown", "http-429", 1, &d);
    expect("bare 429 backoff plan", d.wait_plan && strstr(d.wait_plan, "retry up to 5 times") &&
                                        strstr(d.wait_plan, "full jitter"));
    diagnosis_release(&d);

    /* Hard wraps inside words do not hide a phrase. */
    struct ev_spec wrapped = {.found = 1,
                              .message = "You have exhausted your dai\nly quo ta "
                                         "on this model."};
    run(t, "wrapped daily", &wrapped, now, "quota-rpd", "quota-rpd-daily-message", 0, &d);
    diagnosis_release(&d);

    /* Key and access decisions. */
    struct ev_spec oauth = {.found = 1,
                            .http = 401,
                            .status = "UNAUTHENTICATED",
                            .reason = "ACCESS_TOKEN_TYPE_UNSUPPORTED",
                            .message = "Request had invalid authentication credentials. "
                                       "Expected OAuth 2 access token, login cookie or other "
                                       "valid authentication credential."};
    run(t, "token type", &oauth, now, "unauthenticated", "unauthenticated-token-type-unsupported",
        0, &d);
    expect("token type mentions AQ.", has_step(&d, "AQ.") && has_step(&d, "2026-06-19"));
    diagnosis_release(&d);
    struct ev_spec expired = {.found = 1,
                              .http = 400,
                              .status = "INVALID_ARGUMENT",
                              .reason = "API_KEY_INVALID",
                              .message = "API key expired. Please renew the API key."};
    run(t, "expired", &expired, now, "key-expired", "key-expired-message", 0, &d);
    diagnosis_release(&d);
    struct ev_spec blocked = {.found = 1,
                              .http = 403,
                              .status = "PERMISSION_DENIED",
                              .reason = "API_KEY_SERVICE_BLOCKED",
                              .service = "generativelanguage.googleapis.com",
                              .message = "Requests to this API generativelanguage.googleapis.com "
                                         "method x are blocked."};
    run(t, "blocked", &blocked, now, "key-restricted", "key-restricted-reason", 0, &d);
    expect("blocked title names reason", strstr(d.title, "API_KEY_SERVICE_BLOCKED") != NULL);
    diagnosis_release(&d);

    /* Location vs billing. */
    struct ev_spec loc = {.found = 1,
                          .http = 400,
                          .status = "FAILED_PRECONDITION",
                          .message = "User location is not supported for the API use."};
    run(t, "location", &loc, now, "location-unsupported", "location-unsupported-message", 0, &d);
    diagnosis_release(&d);
    loc.message = "User location is not supported for the API use without a billing account "
                  "linked.";
    run(t, "location billing", &loc, now, "billing-required", "billing-required-location", 0, &d);
    diagnosis_release(&d);

    /* 404 for a shut model is model-retired with its replacement; for an
     * unknown one model-not-found; "-latest" finds the family. */
    struct ev_spec gone = {.found = 1,
                           .http = 404,
                           .status = "NOT_FOUND",
                           .model = "gemini-1.5-pro-latest",
                           .message = "models/gemini-1.5-pro-latest is not found for API "
                                      "version v1beta, or is not supported for "
                                      "generateContent."};
    run(t, "retired", &gone, now, "model-retired", "model-retired-shut", 0, &d);
    expect("retired replacement step", has_step(&d, "gemini-3.8-flash"));
    expect("retired uncertain date said", has_step(&d, "unconfirmed"));
    expect("retired model info", d.model_info && strcmp(d.model_info->status, "shut") == 0);
    diagnosis_release(&d);
    gone.model = "gemini-9-imaginary";
    gone.message = "models/gemini-9-imaginary is not found for API version v1beta";
    run(t, "not found", &gone, now, "model-not-found", "model-not-found-message", 0, &d);
    expect("not found names model", has_step(&d, "gemini-9-imaginary"));
    diagnosis_release(&d);
    gone.model = NULL;
    gone.message = NULL;
    gone.status = NULL;
    run(t, "bare 404", &gone, now, "model-not-found", "http-404", 0, &d);
    expect("bare 404 says the model", has_step(&d, "(the model)"));
    diagnosis_release(&d);

    /* Overloaded vs other 503; 504 deadline plan. */
    struct ev_spec busy = {.found = 1,
                           .http = 503,
                           .status = "UNAVAILABLE",
                           .message = "This model is currently experiencing high demand. "
                                      "Spikes in demand are usually temporary."};
    run(t, "high demand", &busy, now, "overloaded", "overloaded-message", 1, &d);
    expect("overload first wait", d.retry_after_s == 30);
    diagnosis_release(&d);
    busy.message = "The service is currently unavailable.";
    run(t, "503", &busy, now, "unavailable", NULL, 1, &d);
    diagnosis_release(&d);
    struct ev_spec dl = {.found = 1, .http = 504};
    run(t, "504", &dl, now, "deadline", "http-504", 1, &d);
    expect("504 plan says timeout", d.wait_plan && strstr(d.wait_plan, "600 s"));
    diagnosis_release(&d);

    /* Status only, no code. */
    struct ev_spec st = {.found = 1, .status = "DEADLINE_EXCEEDED"};
    run(t, "status only", &st, now, "deadline", "status-deadline-exceeded", 1, &d);
    diagnosis_release(&d);
    /* Interactions codes match "status" rules case-insensitively too. */
    struct ev_spec pay = {.found = 1, .http = 402, .api_code = "payment_required"};
    run(t, "402", &pay, now, "payment-required", "payment-required-interactions", 0, &d);
    diagnosis_release(&d);

    /* Not Gemini: a gateway's own JSON; another Google API; but Vertex is
     * Gemini's and cloudcode-pa too. */
    struct ev_spec cf = {.found = 1,
                         .http = 400,
                         .message = "No route for that URI",
                         .text = "Error code: 400 - {'success': False, 'errors': [{'code': "
                                 "7000, 'message': 'No route for that URI'}]}"};
    run(t, "cloudflare", &cf, now, "not-gemini", "not-gemini-gateway-json", 0, &d);
    expect("not-gemini is not recognised", !diagnosis_recognised(&d));
    diagnosis_release(&d);
    struct ev_spec other = {.found = 1,
                            .http = 403,
                            .status = "PERMISSION_DENIED",
                            .service = "storage.googleapis.com",
                            .message = "Permission denied"};
    run(t, "other google api", &other, now, "not-gemini", "not-gemini-other-google-api", 0, &d);
    diagnosis_release(&d);
    other.service = "aiplatform.googleapis.com";
    other.message = "Permission 'aiplatform.endpoints.predict' denied on resource "
                    "'//aiplatform.googleapis.com/projects/x'";
    run(t, "vertex", &other, now, "permission-denied", "permission-denied-iam", 0, &d);
    diagnosis_release(&d);
    struct ev_spec html = {.found = 1,
                           .text = "<div><h2>What happened?</h2><p>The web server reported a "
                                   "gateway time-out error.</p></div>"};
    run(t, "html gateway", &html, now, "not-gemini", "not-gemini-html-gateway", 1, &d);
    diagnosis_release(&d);

    /* Probe facts and network errors. */
    struct ev_spec fact = {.fact = "no-key-found"};
    run(t, "fact no-key-found", &fact, now, "key-missing", "key-missing-env", 0, &d);
    diagnosis_release(&d);
    struct ev_spec net = {.net_error = "tls"};
    run(t, "net tls", &net, now, "net-tls", "net-tls-failure", 0, &d);
    diagnosis_release(&d);
    struct ev_spec inc = {.fact = "incident-active"};
    run(t, "incident", &inc, now, "incident", "incident-active", 1, &d);
    diagnosis_release(&d);

    /* Gemini's other services: Code Assist and Firebase AI Logic. */
    struct ev_spec cac = {.found = 1,
                          .http = 403,
                          .status = "PERMISSION_DENIED",
                          .reason = "SERVICE_DISABLED",
                          .domain = "googleapis.com",
                          .service = "cloudaicompanion.googleapis.com",
                          .message = "Gemini for Google Cloud API has not been used in project "
                                     "p before or it is disabled."};
    run(t, "cloudaicompanion", &cac, now, "service-disabled", "service-disabled-reason", 0, &d);
    diagnosis_release(&d);
    cac.service = "firebasevertexai.googleapis.com";
    cac.message = "Firebase AI Logic API has not been used in project p before or it is disabled.";
    run(t, "firebasevertexai", &cac, now, "service-disabled", "service-disabled-reason", 0, &d);
    diagnosis_release(&d);

    /* Other providers: OpenAI's 429 shares Gemini's first sentence; its
     * string code lands in api_code, which is no Google marker. */
    struct ev_spec oai = {.found = 1,
                          .http = 429,
                          .api_code = "insufficient_quota",
                          .message = "You exceeded your current quota, please check your plan "
                                     "and billing details.",
                          .text = "{'error': {'message': 'You exceeded your current quota, "
                                  "please check your plan and billing details.', 'type': "
                                  "'insufficient_quota', 'param': None, 'code': "
                                  "'insufficient_quota'}}",
                          .retry_after = 20};
    run(t, "openai quota", &oai, now, "not-gemini", "not-gemini-openai", 0, &d);
    expect("openai quota: no retry_after", !d.has_retry_after);
    expect("openai quota: no verdict", d.wait_plan && strstr(d.wait_plan, "no verdict"));
    diagnosis_release(&d);
    /* The same wrapper around Google's body (a canonical status) is Gemini. */
    oai.status = "RESOURCE_EXHAUSTED";
    run(t, "openai wrapper, google body", &oai, now, "quota-unknown", NULL, 1, &d);
    diagnosis_release(&d);
    /* A gateway's own "status" is not a canonical one. */
    oai.status = "Bad Request";
    run(t, "non-canonical status", &oai, now, "not-gemini", "not-gemini-openai", 0, &d);
    diagnosis_release(&d);
    /* A Gemini model named in the text keeps it Gemini's. */
    oai.status = NULL;
    oai.text = "litellm.RateLimitError: 'param': None, model gemini-2.5-flash: You exceeded "
               "your current quota";
    run(t, "openai shape naming gemini", &oai, now, "quota-unknown", NULL, 1, &d);
    diagnosis_release(&d);
    /* Claude on Vertex AI: Google's host, Anthropic's error. */
    struct ev_spec claude = {.found = 1,
                             .http = 529,
                             .message = "Overloaded",
                             .service = "aiplatform.googleapis.com",
                             .model = "claude-sonnet-4@20250514",
                             .text = "{'type': 'error', 'error': {'type': 'overloaded_error', "
                                     "'message': 'Overloaded'}} POST https://us-east5-aiplatform"
                                     ".googleapis.com/v1/projects/p/locations/us-east5/publishers/"
                                     "anthropic/models/claude-sonnet-4@20250514:streamRawPredict"};
    run(t, "claude on vertex", &claude, now, "not-gemini", "not-gemini-anthropic", 0, &d);
    diagnosis_release(&d);

    /* A Gemini quota id with no visible 429 still names the quota. */
    struct ev_spec tpm_nohttp = {.found = 1,
                                 .quota_id = "GenerateContentInputTokensPerModelPerMinute-FreeTier",
                                 .quota_model = "gemini-2.0-flash",
                                 .quota_value = -1,
                                 .retry_after = 59};
    run(t, "tpm without http", &tpm_nohttp, now, "quota-tpm", "quota-tpm-quota-id", 1, &d);
    expect("tpm without http: server delay", d.has_retry_after && d.retry_after_s == 59);
    diagnosis_release(&d);
    struct ev_spec rpd_nohttp = {.found = 1,
                                 .quota_id = "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                                 .quota_value = -1};
    run(t, "rpd without http", &rpd_nohttp, now, "quota-rpd", "quota-rpd-quota-id", 0, &d);
    diagnosis_release(&d);
    rpd_nohttp.quota_value = 0;
    run(t, "zero without http", &rpd_nohttp, now, "quota-zero", "quota-zero-quota-id", 0, &d);
    diagnosis_release(&d);
    struct ev_spec rpm_nohttp = {.found = 1,
                                 .quota_id = "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                                 .quota_value = -1};
    run(t, "rpm without http", &rpm_nohttp, now, "quota-rpm", "quota-rpm-quota-id", 1, &d);
    diagnosis_release(&d);

    /* A network failure is never a key problem, even when the paste also
     * carries key wording, a key, or a probe fact. */
    struct ev_spec reset = {.found = 1,
                            .net_error = "reset",
                            .key_masked = "AIza…wXyZ",
                            .message = "API key not valid. Please pass a valid API key.",
                            .text = "using GEMINI_API_KEY: read ECONNRESET"};
    run(t, "reset with key wording", &reset, now, "net-connect", "net-connect-failure", 1, &d);
    expect("reset step names check", has_step(&d, "gemini-doctor check"));
    diagnosis_release(&d);
    reset.fact = "key-oauth-token";
    run(t, "reset with key fact", &reset, now, "net-connect", "net-connect-failure", 1, &d);
    diagnosis_release(&d);
    struct ev_spec dns = {.found = 1, .net_error = "dns", .http = 401};
    run(t, "dns over 401", &dns, now, "net-dns", "net-dns-failure", 1, &d);
    diagnosis_release(&d);

    /* 499: the client's own timeout, retryable, and the steps say so. */
    struct ev_spec c499 = {.found = 1, .http = 499, .status = "CANCELLED"};
    run(t, "499", &c499, now, "cancelled", "status-cancelled", 1, &d);
    expect("499 says timeout", has_step(&d, "longer client timeout"));
    diagnosis_release(&d);

    /* Unknown carries no retry_after, even when the paste had a delay. */
    struct ev_spec odd_delay = {.found = 1, .message = "something odd", .retry_after = 12};
    run(t, "unknown with delay", &odd_delay, now, "unknown", NULL, 0, &d);
    expect("unknown has no retry_after", !d.has_retry_after);
    diagnosis_release(&d);

    /* Nothing found: unknown, with paste advice; found but unmatched too. */
    struct ev_spec none = {.found = 0, .text = "hello"};
    run(t, "nothing", &none, now, "unknown", NULL, 0, &d);
    expect("nothing has no rule", d.rule == NULL);
    expect("nothing suggests pasting", has_step(&d, "Paste"));
    expect("nothing not recognised", !diagnosis_recognised(&d));
    diagnosis_release(&d);
    struct ev_spec odd = {.found = 1, .http = 418, .message = "I'm a teapot"};
    run(t, "teapot", &odd, now, "unknown", NULL, 0, &d);
    diagnosis_release(&d);

    /* Standalone rules decide a message-only paste (found = 0); other
     * message rules do not. */
    struct ev_spec devinst = {.found = 0,
                              .text = "llm.errors.ModelError: Developer instruction is not "
                                      "enabled for models/gemma-3-4b-it",
                              .model = "gemma-3-4b-it"};
    run(t, "standalone unfound", &devinst, now, "bad-parameter",
        "bad-parameter-developer-instruction", 0, &d);
    diagnosis_release(&d);
    struct ev_spec quota_prose = {.found = 0, .text = "I think you exceeded your current quota"};
    run(t, "non-standalone unfound", &quota_prose, now, "unknown", NULL, 0, &d);
    diagnosis_release(&d);

    /* {suggested}: the model the message names ("use models/X"), not the
     * model the error is about; a shut suggestion becomes its successor; no
     * suggestion falls back to the table's replacement. */
    struct ev_spec newusers = {.found = 0,
                               .text = "This model models/gemini-2.5-flash is no longer available "
                                       "to new users. Please update your code to use "
                                       "models/gemini-3.6-flash for the latest features.",
                               .model = "gemini-2.5-flash"};
    run(t, "new users", &newusers, now, "model-retired", "model-retired-new-users", 0, &d);
    expect_str("new users suggested", d.suggested, "gemini-3.6-flash");
    expect("new users step", has_step(&d, "Switch to another model, e.g. gemini-3.6-flash"));
    diagnosis_release(&d);
    struct ev_spec vision = {.found = 1,
                             .http = 404,
                             .message = "Gemini 1.0 Pro Vision has been deprecated on July 12, "
                                        "2024. Consider switching to different model, for "
                                        "example gemini-1.5-flash."};
    run(t, "deprecated vision", &vision, now, "model-retired", "model-retired-deprecated-message",
        0, &d);
    expect_str("shut suggestion -> successor", d.suggested, "gemini-3.5-flash-lite");
    diagnosis_release(&d);
    struct ev_spec nosugg = {.found = 0,
                             .text = "models/gemini-2.5-pro is no longer available to new users.",
                             .model = "gemini-2.5-pro"};
    run(t, "new users no suggestion", &nosugg, now, "model-retired", "model-retired-new-users", 0,
        &d);
    expect_str("no suggestion", d.suggested, "");
    expect("falls back to replacement",
           has_step(&d, "Switch to another model, e.g. gemini-3.8-flash"));
    diagnosis_release(&d);

    /* limit 0 for a certainly shut model is the retirement; for a shut row
     * marked uncertain, or a deprecated one, it stays quota-zero. */
    struct ev_spec z_shut = {.found = 1,
                             .http = 429,
                             .limit = -2,
                             .model = "gemini-3-pro-preview",
                             .message = "Quota exceeded for metric: generate_content_free_tier_"
                                        "requests, limit: 0, model: gemini-3-pro-preview"};
    run(t, "limit 0 shut", &z_shut, now, "model-retired", "model-retired-quota-zero", 0, &d);
    expect("limit 0 shut names successor", has_step(&d, "gemini-3.1-pro-preview"));
    diagnosis_release(&d);
    struct ev_spec z_unc = z_shut;
    z_unc.model = "gemini-1.5-pro";
    run(t, "limit 0 uncertain shut", &z_unc, now, "quota-zero", "quota-zero-limit", 0, &d);
    diagnosis_release(&d);
    struct ev_spec z_dep = z_shut;
    z_dep.model = "gemini-2.5-flash";
    run(t, "limit 0 deprecated", &z_dep, now, "quota-zero", "quota-zero-limit", 0, &d);
    diagnosis_release(&d);

    /* Quota dimension from the metric name alone. */
    struct ev_spec metric_day = {.found = 1,
                                 .http = 429,
                                 .status = "RESOURCE_EXHAUSTED",
                                 .quota_metric = "generativelanguage.googleapis.com/"
                                                 "generate_requests_per_model_per_day",
                                 .quota_model = "gemini-3.6-flash",
                                 .quota_value = 1500};
    run(t, "metric per_day", &metric_day, now, "quota-rpd", "quota-rpd-per-day", 0, &d);
    expect_str("metric per_day dimension", d.dimension, "rpd");
    diagnosis_release(&d);
    struct ev_spec metric_zero = metric_day;
    metric_zero.quota_value = 0;
    metric_zero.quota_model = "gemini-3.6-flash";
    run(t, "metric per_day limit 0", &metric_zero, now, "quota-zero", NULL, 0, &d);
    expect_str("quota-zero dimension from metric", d.dimension, "rpd");
    diagnosis_release(&d);

    /* A NULL table diagnoses nothing but does not crash. */
    struct evidence ev;
    build(&ev, &rpd);
    diagnose(NULL, &ev, now, &d);
    expect_str("null table", d.cause, "unknown");
    diagnosis_release(&d);
}

static void test_table(const struct rule_table *t)
{
    expect_str("data date", rules_data_date(t), "2026-12-01");
    expect_str("default model", rules_default_model(t), "gemini-flash-latest");
    expect("is cause incident", rules_is_cause(t, "incident"));
    expect("is cause payment-required", rules_is_cause(t, "payment-required"));
    expect("not a cause", !rules_is_cause(t, "quota-rpd-per-day"));
    expect("model lookup with prefix", rules_model(t, "models/gemini-2.0-flash") != NULL);
    expect("model lookup variant", rules_model(t, "gemini-2.0-flash-001") != NULL);
    expect("model lookup -002 suffix", rules_model(t, "gemini-1.5-flash-002") != NULL);
    expect("model lookup unknown", rules_model(t, "gemini-99") == NULL);
    expect("model lookup empty", rules_model(t, "") == NULL);
    {
        struct limit_line *lines;
        struct key_kind_info k;
        int n = rules_limit_lines(t, &lines);
        char *json = rules_data_json(t, "keys");
        expect("limits lines", n > 2 && lines[0].kind == LIMIT_HEADING);
        rules_limit_lines_free(lines, n);
        expect("standard key kind", rules_key_kind(t, KEY_STANDARD, &k) == 0 && k.length == 39 &&
                                        k.prefix && strcmp(k.prefix, "AIza") == 0);
        expect("keys section as JSON", json && strstr(json, "\"kinds\""));
        free(json);
        expect("no section as JSON", rules_data_json(t, "no-such-section") == NULL);
    }
    expect("lint clean apart from cases", rules_lint(t, NULL) == 0);
}

static void test_bad_dirs(void)
{
    char dir[] = "/tmp/gd-rules-XXXXXX";
    char path[256];
    FILE *f;
    struct rule_table *t;

    expect("missing dir fails", rule_table_load("/nonexistent/rules") == NULL);
    if (!mkdtemp(dir)) {
        failed++;
        return;
    }
    expect("empty dir fails", rule_table_load(dir) == NULL);
    snprintf(path, sizeof(path), "%s/a.json", dir);
    f = fopen(path, "w");
    fputs("{\"causes\": [{\"id\": \"x\", \"title\": \"X\"}], \"rules\": [", f);
    fclose(f);
    expect("truncated json fails", rule_table_load(dir) == NULL);
    /* The verdict data every table needs: a no-match cause, the "retry
     * soon" limit and the daily reset. */
#define VERDICTS                                                                                   \
    "\"retry_soon_max_s\": 300, \"limits\": {\"daily_reset\": {\"time\": \"00:00\", \"zone\": "    \
    "\"UTC\", \"label\": \"midnight UTC\", \"posix_tz\": \"UTC0\"}}, \"status_feed\": "            \
    "{\"api_words\": "                                                                             \
    "[\"gemini api\"], \"product_word\": \"gemini\", \"not_api_words\": [], \"product_ids\": "     \
    "[]}, "
#define CAUSES                                                                                     \
    "\"causes\": [{\"id\": \"x\", \"title\": \"X\"}, {\"id\": \"u\", \"title\": \"U\", "           \
    "\"no_match\": true}], "
    f = fopen(path, "w");
    fputs("{" VERDICTS CAUSES "\"rules\": [{\"id\": \"r\", "
          "\"cause\": \"x\", \"title\": \"R\", \"priority\": 1, \"retryable\": false, "
          "\"match\": {\"htpp\": [400]}}]}",
          f);
    fclose(f);
    expect("unknown condition fails", rule_table_load(dir) == NULL);
    f = fopen(path, "w");
    fputs("{" CAUSES "\"rules\": [{\"id\": \"r\", \"cause\": \"x\", \"title\": \"R\", "
          "\"priority\": 1, \"retryable\": false, \"match\": {\"http\": [400]}}]}",
          f);
    fclose(f);
    expect("a table without the verdict data fails", rule_table_load(dir) == NULL);
    f = fopen(path, "w");
    fputs("{" VERDICTS CAUSES "\"rules\": [{\"id\": \"r\", \"cause\": \"x\", \"title\": \"R\", "
          "\"priority\": 1, \"retryable\": false, \"steps\": [{\"tui\": \"Press r\", \"cli\": "
          "\"x\"}], \"match\": {\"http\": [400]}}]}",
          f);
    fclose(f);
    expect("a step for an unknown context fails", rule_table_load(dir) == NULL);
    f = fopen(path, "w");
    fputs("{\"data_as_of\": \"2026-11-28\", " VERDICTS CAUSES
          "\"rules\": [{\"id\": \"r\", \"cause\": \"y\", \"title\": \"R\", \"priority\": 1, "
          "\"retryable\": false, \"wait\": \"nope\", \"match\": {\"http\": [400]}}]}",
          f);
    fclose(f);
    t = rule_table_load(dir);
    expect("minimal table loads", t != NULL);
    if (t) {
        printf("(expected lint problems follow)\n");
        expect("lint finds problems", rules_lint(t, NULL) >= 3);
        rule_table_free(t);
    }
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    struct rule_table *t = rule_table_load(NULL);

    if (!t) {
        printf("FAIL cannot load the built-in rules\n");
        return 1;
    }
    table = t;
    test_pacific();
    test_tz_rules();
    test_table(t);
    test_rules(t);
    test_bad_dirs();
    rule_table_free(t);
    return unit_done("test_diagnosis");
}
