/*
 * test_reader: unit tests for the reader (reader.c, read_kv.c, read_text.c,
 * read_cand.c, textfix.c). Each test feeds a paste or a response and checks
 * the evidence field by field. A tiny harness: prints each failure, then
 * "N passed, N failed", and exits non-zero when anything failed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "evidence.h"
#include "read_priv.h"
#include "reader.h"
#include "rules.h"
#include "textfix.h"
#include "util.h"

#include "unit.h"

static const char *current;
/* The built-in table's vocabulary: what explain and check hand the reader. */
static const struct reader_vocab *vocab;

static void ok(int cond, int line, const char *what)
{
    if (cond) {
        passed++;
        return;
    }
    failed++;
    printf("FAIL %s (line %d): %s\n", current, line, what);
}

static void eq_str(int line, const char *field, const char *got, const char *want)
{
    char what[512];
    int same = (!got && !want) || (got && want && strcmp(got, want) == 0);
    snprintf(what, sizeof(what), "%s: got [%.200s], want [%.200s]", field, got ? got : "(null)",
             want ? want : "(null)");
    ok(same, line, what);
}

static void has_str(int line, const char *field, const char *got, const char *part)
{
    char what[512];
    snprintf(what, sizeof(what), "%s: [%.200s] lacks [%s]", field, got ? got : "(null)", part);
    ok(got && strstr(got, part), line, what);
}

static void eq_num(int line, const char *field, double got, double want)
{
    char what[256];
    snprintf(what, sizeof(what), "%s: got %g, want %g", field, got, want);
    ok(fabs(got - want) < 1e-6, line, what);
}

#define EQ_S(field, want) eq_str(__LINE__, #field, ev.field, want)
#define HAS_S(field, part) has_str(__LINE__, #field, ev.field, part)
#define EQ_N(field, want) eq_num(__LINE__, #field, (double)ev.field, want)
#define TRUE(cond) ok((cond), __LINE__, #cond)

static void read_s(struct evidence *ev, const char *s)
{
    evidence_init(ev);
    TRUE(reader_read(vocab, s, strlen(s), ev) == 0);
}

static void read_b(struct evidence *ev, const char *s, size_t n)
{
    evidence_init(ev);
    TRUE(reader_read(vocab, s, n, ev) == 0);
}

static void test_rest_minimal(void)
{
    struct evidence ev;
    current = "rest minimal";
    read_s(&ev,
           "{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource has been "
           "exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n");
    EQ_N(found, 1);
    EQ_N(http, 429);
    EQ_N(http_inferred, 0);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "Resource has been exhausted (e.g. check quota).");
    EQ_N(form, FORM_REST_JSON);
    EQ_N(has_retry_after, 0);
    EQ_N(nquota, 0);
    evidence_release(&ev);
}

static void test_nested_cli(void)
{
    struct evidence ev;
    current = "gemini-cli nested 503";
    read_s(&ev,
           "\xe2\x9c\x95 [API Error: {\"error\":{\"message\":\"{\\n  \\\"error\\\": {\\n    "
           "\\\"code\\\": 503,\\n    \\\"message\\\": \\\"The model is overloaded. Please try\n"
           "  again later.\\\",\\n    \\\"status\\\": \\\"UNAVAILABLE\\\"\\n  }\\n}\\n\","
           "\"code\":503,\"status\":\"Service Unavailable\"}}]\n");
    EQ_N(http, 503);
    EQ_S(status, "UNAVAILABLE");
    EQ_S(message, "The model is overloaded. Please try again later.");
    EQ_N(form, FORM_CLI_LOG);
    evidence_release(&ev);

    current = "nested: deeper code wins over the wrapper's";
    read_s(&ev,
           "{\"error\":{\"message\":\"{\\n  \\\"error\\\": {\\n    \\\"code\\\": 400,\\n    "
           "\\\"message\\\": \\\"The input token count (1091639) exceeds the maximum number "
           "of tokens allowed (1048576).\\\",\\n    \\\"status\\\": \\\"INVALID_ARGUMENT\\\"\\n  "
           "}\\n}\\n\",\"code\":503,\"status\":\"Service Unavailable\"}}");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    HAS_S(message, "input token count");
    evidence_release(&ev);

    current = "proxy status UPSTREAM_ERROR around the body";
    read_s(&ev,
           "{\n  \"error\": {\n    \"code\": 502,\n    \"message\": \"{\\n  \\\"error\\\": {\\n    "
           "\\\"code\\\": 400,\\n    \\\"message\\\": \\\"Request contains an invalid "
           "argument.\\\",\\n    \\\"status\\\": \\\"INVALID_ARGUMENT\\\"\\n  }\\n}\\n\",\n    "
           "\"status\": \"UPSTREAM_ERROR\"\n  }\n}\n");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "Request contains an invalid argument.");
    evidence_release(&ev);

    current = "upstreamResponse holds the real body";
    read_s(&ev, "{\"error\":{\"code\":502,\"message\":\"Upstream request failed\","
                "\"upstreamResponse\":\"{\\\"error\\\":{\\\"code\\\":400,\\\"message\\\":\\\"API "
                "key not valid. Please pass a valid API key.\\\",\\\"status\\\":"
                "\\\"INVALID_ARGUMENT\\\"}}\"}}");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    evidence_release(&ev);
}

static void test_three_layers(void)
{
    struct evidence ev;
    current = "three escape layers";
    read_s(&ev, "{\"error\":{\"code\":500,\"message\":\"{\\\"error\\\":{\\\"code\\\":503,"
                "\\\"message\\\":\\\"{\\\\\\\"error\\\\\\\":{\\\\\\\"code\\\\\\\":429,"
                "\\\\\\\"message\\\\\\\":\\\\\\\"You exceeded your current quota.\\\\\\\","
                "\\\\\\\"status\\\\\\\":\\\\\\\"RESOURCE_EXHAUSTED\\\\\\\"}}\\\",\\\"status\\\":"
                "\\\"UNAVAILABLE\\\"}}\",\"status\":\"INTERNAL\"}}");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "You exceeded your current quota.");
    evidence_release(&ev);
}

static void test_stripped_escapes(void)
{
    struct evidence ev;
    current = "backslashes stripped by the paste";
    read_s(&ev, "{\"error\":{\"message\":\"{n  \"error\": {n    \"code\": 400,n    \"message\": "
                "\"API key expired. Please renew the API key.\",n    \"status\": "
                "\"INVALID_ARGUMENT\"n  }n}n\",\"code\":503,\"status\":\"Service Unavailable\"}}");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "API key expired. Please renew the API key.");
    evidence_release(&ev);

    current = "python dict holding JSON without escapes";
    read_s(&ev, "{'error': {'message': '{\"error\": {\"code\": 429, \"message\": \"quota gone\", "
                "\"status\": \"RESOURCE_EXHAUSTED\"}}', 'code': 500, 'status': 'INTERNAL'}}");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "quota gone");
    evidence_release(&ev);
}

static void test_python_forms(void)
{
    struct evidence ev;
    current = "python genai status and dict";
    read_s(&ev, "google.genai.errors.ClientError: 400 FAILED_PRECONDITION. {'error': {'code': 400, "
                "'message': 'User location is not supported for the API use.', 'status': "
                "'FAILED_PRECONDITION'}}");
    EQ_N(http, 400);
    EQ_S(status, "FAILED_PRECONDITION");
    EQ_S(message, "User location is not supported for the API use.");
    EQ_N(form, FORM_PYTHON_SDK);
    evidence_release(&ev);

    current = "api_core protobuf text with retry_delay and quota map";
    read_s(
        &ev,
        "google.api_core.exceptions.ResourceExhausted: 429 You exceeded your current quota, "
        "please check your plan and billing details. For more information on this error, head "
        "to: https://ai.google.dev/gemini-api/docs/rate-limits. [violations {\n"
        "  quota_metric: "
        "\"generativelanguage.googleapis.com/generate_content_free_tier_requests\"\n"
        "  quota_id: \"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"\n"
        "  quota_dimensions {\n    key: \"model\"\n    value: \"gemini-2.0-flash\"\n  }\n"
        "  quota_dimensions {\n    key: \"location\"\n    value: \"global\"\n  }\n"
        "  quota_value: 15\n}\n, links {\n  description: \"Learn more about Gemini API quotas\"\n"
        "  url: \"https://ai.google.dev/gemini-api/docs/rate-limits\"\n}\n, retry_delay {\n"
        "  seconds: 37\n  nanos: 500000000\n}\n]\n");
    EQ_N(http, 429);
    HAS_S(message, "You exceeded your current quota");
    TRUE(ev.message && !strstr(ev.message, "violations"));
    EQ_N(nquota, 1);
    if (ev.nquota == 1) {
        eq_str(__LINE__, "quota_id", ev.quota[0].quota_id,
               "GenerateRequestsPerMinutePerProjectPerModel-FreeTier");
        eq_str(__LINE__, "quota model", ev.quota[0].model, "gemini-2.0-flash");
        eq_str(__LINE__, "quota location", ev.quota[0].location, "global");
        eq_num(__LINE__, "quota value", (double)ev.quota[0].value, 15);
    }
    EQ_S(model, "gemini-2.0-flash");
    EQ_N(has_retry_after, 1);
    EQ_N(retry_after_s, 37.5);
    EQ_N(nlinks, 1);
    EQ_N(form, FORM_PYTHON_SDK);
    evidence_release(&ev);

    current = "api_core proto metadata (sample 002)";
    read_s(&ev,
           "429 Quota exceeded for quota metric 'Generate Content API requests per minute' "
           "of service 'generativelanguage.googleapis.com' for consumer "
           "'project_number:99'. [reason: \"RATE_LIMIT_EXCEEDED\"\ndomain: \"googleapis.com\"\n"
           "metadata {\n  key: \"service\"\n  value: \"generativelanguage.googleapis.com\"\n}\n"
           "metadata {\n  key: \"quota_limit_value\"\n  value: \"0\"\n}\n]\n");
    EQ_N(http, 429);
    EQ_S(reason, "RATE_LIMIT_EXCEEDED");
    EQ_S(domain, "googleapis.com");
    EQ_S(service, "generativelanguage.googleapis.com");
    HAS_S(message, "Quota exceeded for quota metric");
    TRUE(ev.nquota == 1 && ev.quota[0].value == 0);
    evidence_release(&ev);

    current = "api_core 400 POST url: message";
    read_s(&ev, "google.api_core.exceptions.InvalidArgument: 400 POST https://generativelanguage"
                ".googleapis.com/v1beta/models/gemini-pro:generateContent?%24alt=json%3Benum-"
                "encoding%3Dint: API key not valid. Please pass a valid API key.");
    EQ_N(http, 400);
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    EQ_S(model, "gemini-pro");
    EQ_S(service, "generativelanguage.googleapis.com");
    evidence_release(&ev);

    current = "grpc debug string";
    read_s(&ev,
           "grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated "
           "with:\n\tstatus = StatusCode.FAILED_PRECONDITION\n\tdetails = \"User location is "
           "not supported for the API use.\"\n\tdebug_error_string = \"UNKNOWN:Error received "
           "from peer ipv4:142.250.0.1:443 {created_time:\"2024-05-01T10:00:00+00:00\", "
           "grpc_status:9, grpc_message:\"User location is not supported for the API use.\"}\"\n>");
    EQ_S(status, "FAILED_PRECONDITION");
    EQ_N(http, 400);
    EQ_N(http_inferred, 1);
    EQ_S(message, "User location is not supported for the API use.");
    evidence_release(&ev);

    current = "openai python Error code: 400 - [dict]";
    read_s(&ev, "Model error: Error code: 400 - [{'error': {'code': 400, 'message': 'Invalid JSON "
                "payload received. Unknown name \"frequency_penalty\": Cannot find field.', "
                "'status': 'INVALID_ARGUMENT', 'details': [{'@type': 'type.googleapis.com/"
                "google.rpc.BadRequest', 'fieldViolations': [{'description': 'Invalid JSON payload "
                "received. Unknown name \"frequency_penalty\": Cannot find field.'}]}]}}]");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "Invalid JSON payload received. Unknown name \"frequency_penalty\": Cannot find "
                  "field.");
    EQ_N(nfields, 1);
    evidence_release(&ev);
}

static void test_js_forms(void)
{
    struct evidence ev;
    current = "js sdk [429 Too Many Requests] with details";
    read_s(&ev, "[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage."
                "googleapis.com/v1beta/models/gemini-1.5-flash:generateContent: [429 Too Many "
                "Requests] Resource has been exhausted (e.g. check quota). [{\"@type\":\"type."
                "googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":"
                "\"generativelanguage.googleapis.com/generate_content_free_tier_requests\","
                "\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\","
                "\"quotaDimensions\":{\"location\":\"global\",\"model\":\"gemini-1.5-flash\"},"
                "\"quotaValue\":\"15\"}]},{\"@type\":\"type.googleapis.com/google.rpc.Help\","
                "\"links\":[{\"description\":\"Learn more about Gemini API quotas\",\"url\":"
                "\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]},{\"@type\":\"type."
                "googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"53s\"}]");
    EQ_N(http, 429);
    EQ_S(http_text, "Too Many Requests");
    EQ_S(message, "Resource has been exhausted (e.g. check quota).");
    EQ_N(nquota, 1);
    if (ev.nquota == 1) {
        eq_str(__LINE__, "quota model", ev.quota[0].model, "gemini-1.5-flash");
        eq_str(__LINE__, "quota location", ev.quota[0].location, "global");
        eq_num(__LINE__, "quota value", (double)ev.quota[0].value, 15);
    }
    EQ_S(model, "gemini-1.5-flash");
    EQ_N(retry_after_s, 53);
    EQ_N(nlinks, 1);
    if (ev.nlinks == 1)
        eq_str(__LINE__, "link", ev.links[0], "https://ai.google.dev/gemini-api/docs/rate-limits");
    EQ_N(form, FORM_JS_SDK);
    evidence_release(&ev);

    current = "js sdk [400 ] with empty status text";
    read_s(&ev,
           "[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage."
           "googleapis.com/v1beta/models/gemini-pro:generateContent: [400 ] API key not valid. "
           "Please pass a valid API key. [{\"@type\":\"type.googleapis.com/google.rpc."
           "ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":\"googleapis.com\","
           "\"metadata\":{\"service\":\"generativelanguage.googleapis.com\"}}]");
    EQ_N(http, 400);
    EQ_S(http_text, NULL);
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    EQ_S(reason, "API_KEY_INVALID");
    EQ_S(service, "generativelanguage.googleapis.com");
    evidence_release(&ev);

    current = "got status: 503 Service Unavailable. {json}";
    read_s(&ev, "ServerError: got status: 503 Service Unavailable. {\"error\":{\"code\":503,"
                "\"message\":\"The model is overloaded. Please try again later.\",\"status\":"
                "\"UNAVAILABLE\"}}");
    EQ_N(http, 503);
    EQ_S(http_text, "Service Unavailable");
    EQ_S(status, "UNAVAILABLE");
    EQ_S(message, "The model is overloaded. Please try again later.");
    evidence_release(&ev);

    current = "got status: INTERNAL. {json}";
    read_s(&ev, "[API Error: got status: INTERNAL. {\"error\":{\"code\":500,\"message\":\"An "
                "internal error has occurred.\",\"status\":\"INTERNAL\"}}]");
    EQ_N(http, 500);
    EQ_S(status, "INTERNAL");
    evidence_release(&ev);

    current = "ApiError: {json}";
    read_s(&ev, "ApiError: {\"error\":{\"code\":404,\"message\":\"models/gemini-2.0-flash is not "
                "found for API version v1beta, or is not supported for generateContent.\","
                "\"status\":\"NOT_FOUND\"}}");
    EQ_N(http, 404);
    EQ_S(model, "gemini-2.0-flash");
    evidence_release(&ev);
}

static void test_interactions(void)
{
    struct evidence ev;
    current = "interactions rate_limit_exceeded";
    read_s(&ev, "{\"error\": {\"code\": \"rate_limit_exceeded\", \"message\": \"Rate limit "
                "exceeded for gemini-3.8-flash. Please retry after 20s.\"}}");
    EQ_S(api_code, "rate_limit_exceeded");
    EQ_N(http, 429);
    EQ_N(http_inferred, 1);
    EQ_N(found, 1);
    EQ_N(retry_after_s, 20);
    evidence_release(&ev);

    const struct {
        const char *code;
        int http;
    } codes[] = {{"payment_required", 402},  {"quota_exceeded", 429},  {"model_not_found", 404},
                 {"authentication", 401},    {"invalid_request", 400}, {"out_of_range", 416},
                 {"permission_denied", 403}, {"cancelled", 499}};
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++) {
        char buf[200];
        snprintf(buf, sizeof(buf), "{\"error\":{\"code\":\"%s\",\"message\":\"x\"}}",
                 codes[i].code);
        current = codes[i].code;
        read_s(&ev, buf);
        EQ_S(api_code, codes[i].code);
        EQ_N(http, codes[i].http);
        EQ_N(http_inferred, 1);
        evidence_release(&ev);
    }
}

static void test_status_inference(void)
{
    const struct {
        const char *status;
        int http;
    } map[] = {{"RESOURCE_EXHAUSTED", 429},
               {"INVALID_ARGUMENT", 400},
               {"FAILED_PRECONDITION", 400},
               {"OUT_OF_RANGE", 400},
               {"UNAUTHENTICATED", 401},
               {"PERMISSION_DENIED", 403},
               {"NOT_FOUND", 404},
               {"INTERNAL", 500},
               {"UNAVAILABLE", 503},
               {"DEADLINE_EXCEEDED", 504},
               {"CANCELLED", 499},
               {"ALREADY_EXISTS", 409},
               {"ABORTED", 409},
               {"UNIMPLEMENTED", 501}};
    for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
        struct evidence ev;
        char buf[200];
        snprintf(buf, sizeof(buf), "{\"error\": {\"message\": \"m\", \"status\": \"%s\"}}",
                 map[i].status);
        current = map[i].status;
        read_s(&ev, buf);
        EQ_S(status, map[i].status);
        EQ_N(http, map[i].http);
        EQ_N(http_inferred, 1);
        evidence_release(&ev);
    }
}

static void test_curl(void)
{
    struct evidence ev;
    current = "curl -i with retry-after";
    read_s(&ev,
           "HTTP/2 429 \r\ncontent-type: application/json; charset=UTF-8\r\nretry-after: 17\r\n"
           "date: Sat, 28 Nov 2026 10:00:00 GMT\r\n\r\n{\n  \"error\": {\n    \"code\": 429,\n"
           "    \"message\": \"Resource has been exhausted (e.g. check quota).\",\n    "
           "\"status\": \"RESOURCE_EXHAUSTED\"\n  }\n}\n");
    EQ_N(http, 429);
    EQ_N(form, FORM_CURL);
    EQ_N(has_retry_after, 1);
    EQ_N(retry_after_s, 17);
    evidence_release(&ev);

    current = "curl -v status line only";
    read_s(&ev, "* Connected to generativelanguage.googleapis.com\n> POST /v1beta/models/"
                "gemini-2.5-flash:generateContent HTTP/2\n< HTTP/2 503 \n< content-length: 0\n");
    EQ_N(http, 503);
    EQ_N(http_inferred, 0);
    EQ_N(form, FORM_CURL);
    EQ_S(model, "gemini-2.5-flash");
    evidence_release(&ev);

    current = "headers-only json dump (sample 127)";
    read_s(
        &ev,
        "Full Error:\n{\n  \"status\": 429,\n  \"headers\": {\n    \"alt-svc\": "
        "\"h3=\\\":443\\\"; ma=2592000\",\n    \"content-type\": \"application/json\"\n  }\n}\n");
    EQ_N(http, 429);
    EQ_N(found, 1);
    evidence_release(&ev);
}

static void test_prefixes(void)
{
    struct evidence ev;
    current = "log prefixes on every line, a wrap inside the message";
    read_s(&ev, "2026-11-28T10:00:00.123Z ERROR [gemini] request failed: {\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini]   \"error\": {\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini]     \"code\": 503,\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini]     \"message\": \"The model is "
                "overloaded. Please try\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini] again later.\",\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini]     \"status\": \"UNAVAILABLE\"\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini]   }\n"
                "2026-11-28T10:00:00.123Z ERROR [gemini] }\n");
    EQ_N(http, 503);
    EQ_S(message, "The model is overloaded. Please try again later.");
    EQ_N(form, FORM_CLI_LOG);
    TRUE(ev.text && !strstr(ev.text, "2026-11-28T10"));
    evidence_release(&ev);

    current = "github quote prefixes";
    read_s(&ev, "> I get this:\n> ```\n> {\n>   \"error\": {\n>     \"code\": 403,\n>     "
                "\"message\": \"Your API key was reported as leaked. Please use another API "
                "key.\",\n>     \"status\": \"PERMISSION_DENIED\"\n>   }\n> }\n> ```\n");
    EQ_N(http, 403);
    EQ_S(message, "Your API key was reported as leaked. Please use another API key.");
    evidence_release(&ev);

    current = "box-drawn CLI output";
    read_s(&ev,
           "\xe2\x95\xad\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x95\xae\n"
           "\xe2\x94\x82 \xe2\x9c\x95 [API Error: {\"error\":{\"code\":429,\"message\":\"You "
           "exceeded your current quota. Please retry in  \xe2\x94\x82\n"
           "\xe2\x94\x82 37.5s.\",\"status\":\"RESOURCE_EXHAUSTED\"}}]            \xe2\x94\x82\n"
           "\xe2\x95\xb0\xe2\x94\x80\xe2\x94\x80\xe2\x94\x80\xe2\x95\xaf\n");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "You exceeded your current quota. Please retry in 37.5s.");
    EQ_N(retry_after_s, 37.5);
    EQ_N(form, FORM_CLI_LOG);
    evidence_release(&ev);

    current = "python logging and docker prefixes";
    read_s(&ev, "api_1  | ERROR:root:Gemini call failed\napi_1  | {'error': {'code': 500, "
                "'message': 'An internal error has occurred.', 'status': 'INTERNAL'}}\n");
    EQ_N(http, 500);
    EQ_S(status, "INTERNAL");
    evidence_release(&ev);
}

static void test_punctuation(void)
{
    struct evidence ev;
    current = "curly quotes";
    read_s(&ev, "{\xe2\x80\x9c"
                "error\xe2\x80\x9d: {\xe2\x80\x9c"
                "code\xe2\x80\x9d: 429, "
                "\xe2\x80\x9cmessage\xe2\x80\x9d: \xe2\x80\x9cYou exceeded your current "
                "quota.\xe2\x80\x9d, \xe2\x80\x9cstatus\xe2\x80\x9d: "
                "\xe2\x80\x9cRESOURCE_EXHAUSTED\xe2\x80\x9d}}");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "You exceeded your current quota.");
    evidence_release(&ev);

    current = "single curly quotes in a dict";
    read_s(&ev, "{\xe2\x80\x98"
                "error\xe2\x80\x99: {\xe2\x80\x98"
                "code\xe2\x80\x99: 404, "
                "\xe2\x80\x98status\xe2\x80\x99: \xe2\x80\x98NOT_FOUND\xe2\x80\x99}}");
    EQ_N(http, 404);
    EQ_S(status, "NOT_FOUND");
    evidence_release(&ev);

    current = "full-width punctuation and digits";
    /* ｛＂error＂：｛＂code＂：４００，＂status＂：＂INVALID_ARGUMENT＂｝｝ */
    read_s(&ev, "\xef\xbd\x9b\xef\xbc\x82"
                "error"
                "\xef\xbc\x82\xef\xbc\x9a\xef\xbd\x9b\xef\xbc\x82"
                "code"
                "\xef\xbc\x82\xef\xbc\x9a\xef\xbc\x94\xef\xbc\x90\xef\xbc\x90\xef\xbc\x8c"
                "\xef\xbc\x82"
                "status"
                "\xef\xbc\x82\xef\xbc\x9a\xef\xbc\x82"
                "INVALID_ARGUMENT"
                "\xef\xbc\x82\xef\xbd\x9d\xef\xbd\x9d");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    evidence_release(&ev);
}

static void test_truncated_and_placeholders(void)
{
    struct evidence ev;
    current = "truncated body";
    read_s(&ev, "{\"error\": {\"code\": 403, \"message\": \"Your API key was reported as leaked. "
                "Please use another API key.\", \"status\": \"PERMISSION_DENIED\", \"details\": "
                "[{\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\", \"reason\": \"API_KE");
    EQ_N(http, 403);
    EQ_S(status, "PERMISSION_DENIED");
    EQ_S(message, "Your API key was reported as leaked. Please use another API key.");
    evidence_release(&ev);

    current = "missing outer brace (sample 083)";
    read_s(&ev, " \"error\": {\n    \"code\": 400,\n    \"message\": \"Invalid JSON payload "
                "received. Unknown name \\\"generationconfig\\\": Cannot find field.\",\n    "
                "\"status\": \"INVALID_ARGUMENT\"\n  }\n}\n");
    EQ_N(http, 400);
    EQ_S(message, "Invalid JSON payload received. Unknown name \"generationconfig\": Cannot find "
                  "field.");
    evidence_release(&ev);

    current = "unescaped inner quotes";
    read_s(&ev, "{\"error\": {\"code\": 400, \"message\": \"Invalid value at "
                "\"generation_config.temperature\" (TYPE_FLOAT), \"hot\"\", \"status\": "
                "\"INVALID_ARGUMENT\"}}");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    HAS_S(message, "Invalid value at \"generation_config.temperature\"");
    evidence_release(&ev);

    current = "placeholders";
    read_s(&ev, "{\"error\": {\"code\": <NUM>, \"message\": \"...\", \"status\": "
                "\"RESOURCE_EXHAUSTED\", \"details\": [ ... ]}}");
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_N(http, 429);
    EQ_N(http_inferred, 1);
    evidence_release(&ev);
}

static void test_access_token_type(void)
{
    struct evidence ev;
    current = "401 ACCESS_TOKEN_TYPE_UNSUPPORTED";
    read_s(&ev, "{\n  \"error\": {\n    \"code\": 401,\n    \"message\": \"Request had invalid "
                "authentication credentials. Expected OAuth 2 access token, login cookie or other "
                "valid authentication credential. See https://developers.google.com/identity/"
                "sign-in/web/devconsole-project.\",\n    \"status\": \"UNAUTHENTICATED\",\n    "
                "\"details\": [\n      {\n        \"@type\": \"type.googleapis.com/google.rpc."
                "ErrorInfo\",\n        \"reason\": \"ACCESS_TOKEN_TYPE_UNSUPPORTED\",\n        "
                "\"metadata\": {\n          \"service\": \"generativelanguage.googleapis.com\",\n"
                "          \"method\": \"google.ai.generativelanguage.v1beta.GenerativeService."
                "GenerateContent\"\n        }\n      }\n    ]\n  }\n}\n");
    EQ_N(http, 401);
    EQ_S(status, "UNAUTHENTICATED");
    EQ_S(reason, "ACCESS_TOKEN_TYPE_UNSUPPORTED");
    EQ_S(service, "generativelanguage.googleapis.com");
    evidence_release(&ev);
}

static void test_keys(void)
{
    struct evidence ev;
    const char *key = "AIzaSyD3m0Fak3K3yF0rT3st1ngOnly12345678";
    char buf[600];
    current = "key in a URL is masked everywhere";
    snprintf(buf, sizeof(buf),
             "POST https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:"
             "generateContent?key=%s\n{\"error\":{\"code\":400,\"message\":\"API key not valid "
             "(%s). Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}",
             key, key);
    read_s(&ev, buf);
    EQ_S(key_masked, "AIza\xe2\x80\xa6"
                     "5678");
    TRUE(ev.text && !strstr(ev.text, key));
    TRUE(ev.message && !strstr(ev.message, key));
    TRUE(ev.text && !strstr(ev.text, "D3m0Fak3"));
    EQ_S(model, "gemini-2.5-flash");
    evidence_release(&ev);

    current = "generic key= parameter";
    read_s(&ev, "GET https://example.googleapis.com/v1/x?key=abcDEF0123456789ghiJKL HTTP/1.1 403");
    TRUE(ev.key_masked != NULL);
    TRUE(ev.text && !strstr(ev.text, "abcDEF0123456789ghiJKL"));
    evidence_release(&ev);

    current = "a key cut short by a wrap is still masked";
    read_s(&ev, "{\"error\":{\"code\":400,\"message\":\"API key not valid: AIzaSyD3m0Fak3K3y\n"
                "F0rT3st1ng\",\"status\":\"INVALID_ARGUMENT\"}}");
    TRUE(ev.text && !strstr(ev.text, "SyD3m0Fak3K3y"));
    TRUE(ev.message && !strstr(ev.message, "SyD3m0Fak3K3y"));
    evidence_release(&ev);

    current = "auth key AQ.";
    read_s(&ev,
           "{\"error\":{\"code\":401,\"message\":\"bad key AQ.Ab8RN6LxYzTestTestTestTest1234\","
           "\"status\":\"UNAUTHENTICATED\"}}");
    EQ_S(key_masked, "AQ.\xe2\x80\xa6"
                     "1234");
    TRUE(!strstr(ev.message, "Ab8RN6"));
    evidence_release(&ev);
}

static void test_message_only(void)
{
    struct evidence ev;
    current = "daily quota, CLI";
    read_s(&ev, "\xe2\x9c\x95 [API Error: You have exhausted your daily quota on this model.]\n");
    EQ_N(found, 1);
    EQ_S(message, "You have exhausted your daily quota on this model.");
    EQ_N(http, 429);
    EQ_N(http_inferred, 1);
    evidence_release(&ev);

    current = "key expired text";
    read_s(&ev, "API key expired. Please renew the API key.");
    EQ_N(found, 1);
    EQ_S(message, "API key expired. Please renew the API key.");
    evidence_release(&ev);

    current = "overloaded text";
    read_s(&ev, "Error: The model is overloaded.\n");
    EQ_N(found, 1);
    EQ_S(message, "The model is overloaded.");
    EQ_N(http, 503);
    evidence_release(&ev);

    current = "mangled model, hard wrapped";
    read_s(&ev, "models_gemini-1.5-pro-latest is not\nfound for API version v1beta, or is not\n"
                "supported for generateContent. Call\nListModels to see the list of available\n"
                "models and their supported methods\n");
    EQ_N(found, 1);
    EQ_S(model, "gemini-1.5-pro-latest");
    HAS_S(message, "is not found for API version v1beta");
    evidence_release(&ev);

    current = "phrase broken inside a word";
    read_s(&ev, "You have exhausted your dai\nly quota on this model.");
    EQ_N(found, 1);
    evidence_release(&ev);

    current = "nothing error-like";
    read_s(&ev, "Hello, I use gemini-2.5-flash and it works fine. Thanks!\n");
    EQ_N(found, 0);
    EQ_S(message, NULL);
    EQ_N(http, 0);
    evidence_release(&ev);

    current = "successful response is not an error";
    read_s(&ev,
           "{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}], \"role\": "
           "\"model\"}, \"finishReason\": \"STOP\"}], \"modelVersion\": \"gemini-2.5-flash\"}");
    EQ_N(found, 0);
    evidence_release(&ev);
}

static void test_delays_limits_models(void)
{
    struct evidence ev;
    current = "free tier zero with retry text";
    read_s(&ev, "{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please "
                "check your plan and billing details.\\n* Quota exceeded for metric: "
                "generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, "
                "model: gemini-2.5-pro\\nPlease retry in 37.5s.\",\"status\":"
                "\"RESOURCE_EXHAUSTED\"}}");
    EQ_N(limit, 0);
    EQ_S(model, "gemini-2.5-pro");
    EQ_N(retry_after_s, 37.5);
    EQ_S(service, "generativelanguage.googleapis.com");
    evidence_release(&ev);

    current = "reset after 4h28m20s";
    read_s(&ev,
           "{\"error\":{\"code\":429,\"message\":\"You have exhausted your capacity on this "
           "model. Your quota will reset after 4h28m20s.\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    EQ_N(retry_after_s, 4 * 3600 + 28 * 60 + 20);
    evidence_release(&ev);

    current = "RetryInfo beats the words";
    read_s(&ev, "{\"error\":{\"code\":429,\"message\":\"Please retry in 56.1s.\",\"status\":"
                "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc."
                "RetryInfo\",\"retryDelay\":\"56s\"}]}}");
    EQ_N(retry_after_s, 56);
    evidence_release(&ev);

    current = "vertex metadata quota";
    read_s(&ev,
           "{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":"
           "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc."
           "ErrorInfo\",\"reason\":\"RATE_LIMIT_EXCEEDED\",\"domain\":\"googleapis.com\","
           "\"metadata\":{\"quota_limit_value\":\"0\",\"quota_location\":\"us-central1\","
           "\"quota_metric\":\"aiplatform.googleapis.com/generate_content_requests_per_minute\","
           "\"quota_limit\":\"GenerateContentRequestsPerMinutePerProjectPerBaseModel\","
           "\"service\":\"aiplatform.googleapis.com\"}}]}}");
    EQ_N(nquota, 1);
    if (ev.nquota == 1) {
        eq_num(__LINE__, "quota value", (double)ev.quota[0].value, 0);
        eq_str(__LINE__, "quota id", ev.quota[0].quota_id,
               "GenerateContentRequestsPerMinutePerProjectPerBaseModel");
        eq_str(__LINE__, "quota location", ev.quota[0].location, "us-central1");
    }
    EQ_S(service, "aiplatform.googleapis.com");
    evidence_release(&ev);

    current = "vertex resource name gives the service";
    read_s(&ev, "Error Code: 403, Message: Permission 'aiplatform.endpoints.predict' denied on "
                "resource '//aiplatform.googleapis.com/projects/p/locations/us-central1/publishers/"
                "google/models/gemini-pro' (or it may not exist)., Status: PERMISSION_DENIED in x");
    EQ_N(http, 403);
    EQ_S(status, "PERMISSION_DENIED");
    EQ_S(service, "aiplatform.googleapis.com");
    HAS_S(message, "Permission 'aiplatform.endpoints.predict' denied");
    TRUE(ev.message && !strstr(ev.message, "Status:"));
    evidence_release(&ev);

    current = "cloudflare envelope is recorded, not judged";
    read_s(&ev, "Error code: 400 - {'success': False, 'errors': [{'code': 7000, 'message': 'No "
                "route for that URI'}], 'messages': [], 'result': None}");
    EQ_N(http, 400);
    EQ_S(status, NULL);
    EQ_S(message, "No route for that URI");
    EQ_S(service, NULL);
    evidence_release(&ev);

    current = "go client forms";
    read_s(&ev, "googleapi: Error 429: Resource has been exhausted (e.g. check quota)., "
                "rateLimitExceeded");
    EQ_N(http, 429);
    HAS_S(message, "Resource has been exhausted");
    evidence_release(&ev);
    read_s(&ev, "rpc error: code = ResourceExhausted desc = Quota exceeded for aiplatform."
                "googleapis.com/generate_content_requests_per_minute");
    EQ_S(status, "RESOURCE_EXHAUSTED");
    HAS_S(message, "Quota exceeded");
    evidence_release(&ev);

    current = "(HTTP 429) suffix";
    read_s(&ev, "gemini: request failed: You exceeded your current quota (HTTP 429)");
    EQ_N(http, 429);
    EQ_N(http_inferred, 0);
    evidence_release(&ev);
}

static void test_more_forms(void)
{
    struct evidence ev;
    current = "python requests HTTPError with the key in the URL";
    read_s(&ev, "requests.exceptions.HTTPError: 429 Client Error: Too Many Requests for url: "
                "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:"
                "generateContent?key=AIzaSyD3m0Fak3K3yF0rT3st1ngOnly12345678");
    EQ_N(http, 429);
    EQ_S(model, "gemini-2.0-flash");
    TRUE(ev.message && !strstr(ev.message, "D3m0Fak3"));
    TRUE(ev.text && !strstr(ev.text, "D3m0Fak3"));
    EQ_S(key_masked, "AIza\xe2\x80\xa6"
                     "5678");
    evidence_release(&ev);

    current = "axios status code";
    read_s(&ev, "AxiosError: Request failed with status code 503");
    EQ_N(http, 503);
    EQ_N(found, 1);
    evidence_release(&ev);

    current = "java grpc status colon";
    read_s(&ev,
           "com.google.api.gax.rpc.ResourceExhaustedException: io.grpc.StatusRuntimeException: "
           "RESOURCE_EXHAUSTED: Quota exceeded for quota metric 'Generate Content API requests "
           "per minute'");
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_N(http, 429);
    HAS_S(message, "Quota exceeded for quota metric");
    TRUE(ev.message && strncmp(ev.message, "Quota", 5) == 0);
    evidence_release(&ev);

    current = "a message quoting JSON is still the message";
    read_s(&ev, "{\"error\": {\"code\": 400, \"message\": \"Invalid value at 'tools[0]' "
                "(type.googleapis.com/google.protobuf.Struct), {\\\"type\\\": \\\"object\\\"}\", "
                "\"status\": \"INVALID_ARGUMENT\"}}");
    HAS_S(message, "Invalid value at 'tools[0]'");
    evidence_release(&ev);

    current = "access log statuses are not errors";
    read_s(&ev, "{\"level\":\"info\",\"status\":200,\"path\":\"/v1/x\"}\n"
                "{\"level\":\"info\",\"status\":\"201\",\"path\":\"/v1/y\"}\n");
    EQ_N(found, 0);
    EQ_N(http, 0);
    evidence_release(&ev);

    current = "an object as the wrapper's message";
    read_s(&ev,
           "{\"error\":{\"code\":500,\"message\":{\"error\":{\"code\":404,\"message\":"
           "\"models/gemini-9 is not found for API version v1beta\",\"status\":\"NOT_FOUND\"}},"
           "\"status\":\"INTERNAL\"}}");
    EQ_N(http, 404);
    EQ_S(status, "NOT_FOUND");
    EQ_S(model, "gemini-9");
    evidence_release(&ev);

    current = "openai error shape is recorded as seen";
    read_s(&ev, "{\"error\": {\"message\": \"Rate limit reached for gpt-4o\", \"type\": "
                "\"requests\", \"param\": null, \"code\": \"rate_limit_exceeded\"}}");
    EQ_S(api_code, "rate_limit_exceeded");
    EQ_S(service, NULL);
    HAS_S(text, "gpt-4o");
    evidence_release(&ev);
}

static void test_html(void)
{
    struct evidence ev;
    current = "nginx 502 page";
    read_s(&ev,
           "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>"
           "502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>");
    EQ_N(http, 502);
    EQ_N(http_inferred, 0);
    EQ_S(content_type, "text/html");
    EQ_S(message, "502 Bad Gateway");
    TRUE(ev.text && strstr(ev.text, "<html>"));
    evidence_release(&ev);

    current = "cloudflare fragment without a code";
    read_s(&ev, "<div><h2 class=\"x\">What happened?</h2>\n<p>The web server reported a gateway "
                "time-out error.</p>\n</div>\n");
    EQ_N(http, 504);
    EQ_N(http_inferred, 1);
    EQ_S(message, "The web server reported a gateway time-out error.");
    EQ_S(content_type, "text/html");
    evidence_release(&ev);
}

static void test_response(void)
{
    struct evidence ev;
    const char *ok_body = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"quota exceeded "
                          "is what I said\"}]},\"finishReason\":\"STOP\"}]}";
    current = "200 json is no error";
    evidence_init(&ev);
    reader_read_response(vocab, 200, "application/json", -1, ok_body, strlen(ok_body), &ev);
    EQ_N(found, 0);
    EQ_N(http, 200);
    EQ_S(net_error, NULL);
    evidence_release(&ev);

    const char *blocked = "{\"promptFeedback\":{\"blockReason\":\"SAFETY\"}}";
    current = "200 blocked by safety";
    evidence_init(&ev);
    reader_read_response(vocab, 200, "application/json", -1, blocked, strlen(blocked), &ev);
    EQ_N(found, 1);
    EQ_N(http, 200);
    evidence_release(&ev);

    const char *page = "<html><head><title>Access denied</title></head><body>x</body></html>";
    current = "html from a proxy";
    evidence_init(&ev);
    reader_read_response(vocab, 403, "text/html", -1, page, strlen(page), &ev);
    EQ_N(found, 1);
    EQ_N(http, 403);
    EQ_S(net_error, "bad-response");
    HAS_S(net_detail, "text/html");
    EQ_S(content_type, "text/html");
    evidence_release(&ev);

    const char *q = "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted.\","
                    "\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis."
                    "com/google.rpc.RetryInfo\",\"retryDelay\":\"9s\"}]}}";
    current = "429 json with header";
    evidence_init(&ev);
    reader_read_response(vocab, 429, "application/json; charset=UTF-8", 30, q, strlen(q), &ev);
    EQ_N(found, 1);
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_N(retry_after_s, 9);
    EQ_S(net_error, NULL);
    evidence_release(&ev);

    current = "503 empty body";
    evidence_init(&ev);
    reader_read_response(vocab, 503, NULL, 12, "", 0, &ev);
    EQ_N(found, 1);
    EQ_N(http, 503);
    EQ_N(retry_after_s, 12);
    EQ_S(net_error, NULL);
    evidence_release(&ev);

    current = "truncated non-google body";
    evidence_init(&ev);
    reader_read_response(vocab, 502, "application/json", -1, "{\"err", 5, &ev);
    EQ_S(net_error, "bad-response");
    EQ_N(found, 1);
    evidence_release(&ev);

    const char *sse =
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}\n\n"
        "data: {\"error\": {\"code\": 503, \"message\": \"The model is overloaded.\", "
        "\"status\": \"UNAVAILABLE\"}}\n\n";
    current = "200 event stream that fails midway";
    evidence_init(&ev);
    reader_read_response(vocab, 200, "text/event-stream", -1, sse, strlen(sse), &ev);
    EQ_N(found, 1);
    EQ_S(status, "UNAVAILABLE");
    EQ_S(net_error, NULL);
    evidence_release(&ev);

    const char *sse_ok =
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}\n\n";
    current = "200 event stream";
    evidence_init(&ev);
    reader_read_response(vocab, 200, "text/event-stream", -1, sse_ok, strlen(sse_ok), &ev);
    EQ_N(found, 0);
    EQ_S(net_error, NULL);
    evidence_release(&ev);

    current = "200 html";
    evidence_init(&ev);
    reader_read_response(vocab, 200, "text/html", -1, page, strlen(page), &ev);
    EQ_S(net_error, "bad-response");
    EQ_N(found, 1);
    evidence_release(&ev);
}

/* Hostile inputs must end; how fast is a benchmark's business (make bench),
 * not a test's: main() arms a generous alarm so that a hang fails the run
 * instead of stalling it. */
static void timed(const char *name, const char *s, size_t n, struct evidence *ev)
{
    current = name;
    read_b(ev, s, n);
}

static void test_hostile(void)
{
    struct evidence ev;
    size_t n = 1 << 20;
    char *b = xmalloc(5 * n + 1);

    timed("empty", "", 0, &ev);
    EQ_N(found, 0);
    evidence_release(&ev);

    memset(b, '{', 200000);
    timed("200000 open braces", b, 200000, &ev);
    EQ_N(found, 0);
    evidence_release(&ev);

    memset(b, '[', 200000);
    timed("200000 open brackets", b, 200000, &ev);
    evidence_release(&ev);

    b[0] = '"';
    memset(b + 1, 'a', n - 1);
    timed("1 MB string", b, n, &ev);
    EQ_N(found, 0);
    evidence_release(&ev);

    {
        const char *pre = "{\"error\":{\"message\":\"";
        size_t l = strlen(pre), off = 0;
        for (int i = 0; i < 40000 && off + l < n; i++) {
            memcpy(b + off, pre, l);
            off += l;
        }
        timed("40000 unclosed messages", b, off, &ev);
        EQ_N(found, 1);
        evidence_release(&ev);
    }
    {
        /* 2,000 levels of {"error":{"message": … }} around one real error. */
        struct sbuf sb;
        sbuf_init(&sb);
        for (int i = 0; i < 2000; i++)
            sbuf_adds(&sb, "{\"error\":{\"code\":503,\"message\":");
        sbuf_adds(&sb, "{\"error\":{\"code\":429,\"message\":\"deep\",\"status\":"
                       "\"RESOURCE_EXHAUSTED\"}}");
        for (int i = 0; i < 2000; i++)
            sbuf_adds(&sb, "}}");
        timed("2000 deep", sb.buf, sb.len, &ev);
        EQ_N(found, 1);
        EQ_S(status, "RESOURCE_EXHAUSTED");
        evidence_release(&ev);
        sbuf_release(&sb);
    }
    {
        /* The same nesting as escaped strings, escapes growing each level
         * (bounded here, as a real input must be). */
        struct sbuf sb;
        sbuf_init(&sb);
        for (int i = 0; i < 2000; i++) {
            sbuf_adds(&sb, "{\\\"error\\\":{\\\"message\\\":\\\"");
        }
        sbuf_adds(&sb, "x");
        timed("2000 escaped openings", sb.buf, sb.len, &ev);
        evidence_release(&ev);
        sbuf_release(&sb);
    }
    {
        unsigned s = 12345;
        for (size_t i = 0; i < n; i++) {
            s = s * 1103515245u + 12345u;
            b[i] = (char)(s >> 16);
        }
        timed("1 MB binary", b, n, &ev);
        evidence_release(&ev);
    }
    {
        const char *e = "{\"error\":\0{\"code\": 429,\0 \"message\": \"quota\xff\xfe gone\", "
                        "\"status\": \"RESOURCE_EXHAUSTED\"}}";
        size_t el = 80;
        timed("NUL bytes and invalid UTF-8", e, el, &ev);
        EQ_N(http, 429);
        EQ_S(message, "quota?? gone");
        evidence_release(&ev);
    }
    {
        const char *e = "\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xe2\x82{\"error\":{\"code\":404}}";
        timed("overlong and surrogate UTF-8", e, strlen(e), &ev);
        EQ_N(http, 404);
        TRUE(ev.text && !strchr(ev.text, '\xc0'));
        evidence_release(&ev);
    }
    {
        /* 5 MB of log lines with one error in the middle: read as a window. */
        size_t off = 0;
        const char *line = "2026-11-28T10:00:00Z INFO request ok id=12345 latency=12ms\n";
        size_t ll = strlen(line);
        const char *err = "{\"error\":{\"code\":403,\"message\":\"Permission denied\","
                          "\"status\":\"PERMISSION_DENIED\"}}\n";
        while (off + ll < 5 * n / 2) {
            memcpy(b + off, line, ll);
            off += ll;
        }
        memcpy(b + off, err, strlen(err));
        off += strlen(err);
        while (off + ll < 5 * n) {
            memcpy(b + off, line, ll);
            off += ll;
        }
        timed("5 MB log", b, off, &ev);
        EQ_N(http, 403);
        EQ_S(status, "PERMISSION_DENIED");
        TRUE(ev.text && strlen(ev.text) <= 65536);
        evidence_release(&ev);
    }
    {
        /* The strongest anchor wins over later, weaker ones: benign
         * "error": null log lines after the real error. */
        size_t off = 0;
        const char *err = "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. {'error': "
                          "{'code': 429, 'message': 'Resource has been exhausted.', 'status': "
                          "'RESOURCE_EXHAUSTED'}}\n";
        const char *line = "{\"level\":\"info\",\"error\":null,\"msg\":\"ok\"}\n";
        size_t ll = strlen(line);
        memcpy(b, err, strlen(err));
        off = strlen(err);
        while (off + ll < 3 * n) {
            memcpy(b + off, line, ll);
            off += ll;
        }
        timed("error first, 3 MB of benign lines after", b, off, &ev);
        EQ_N(http, 429);
        EQ_S(status, "RESOURCE_EXHAUSTED");
        evidence_release(&ev);
    }
    free(b);
}

static void test_network(void)
{
    struct evidence ev;

    current = "curl (6) is a DNS failure";
    read_s(&ev, "$ curl -sS https://generativelanguage.googleapis.com/v1beta/models\n"
                "curl: (6) Could not resolve host: generativelanguage.googleapis.com\n");
    EQ_N(found, 1);
    EQ_S(net_error, "dns");
    HAS_S(net_detail, "Could not resolve host");
    EQ_N(http, 0);
    evidence_release(&ev);

    current = "undici fetch failed alone is a connection failure";
    read_s(&ev,
           "TypeError: fetch failed\n    at Object.fetch (node:internal/deps/undici/undici:1)\n");
    EQ_S(net_error, "connect");
    HAS_S(net_detail, "fetch failed");
    evidence_release(&ev);

    current = "fetch failed: its cause names the kind";
    read_s(&ev, "TypeError: fetch failed\n  [cause]: Error: getaddrinfo ENOTFOUND "
                "generativelanguage.googleapis.com\n");
    EQ_S(net_error, "dns");
    evidence_release(&ev);
    read_s(&ev, "TypeError: fetch failed\n  [cause]: ConnectTimeoutError: Connect Timeout Error\n"
                "  code: 'UND_ERR_CONNECT_TIMEOUT'\n");
    EQ_S(net_error, "timeout");
    evidence_release(&ev);

    current = "a certificate problem explains the connect error around it";
    read_s(&ev, "httpx.ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify "
                "failed: self-signed certificate in certificate chain (_ssl.c:1006)\n");
    EQ_S(net_error, "tls");
    evidence_release(&ev);

    current = "reset, refused, Safari, Go";
    read_s(&ev, "Error: read ECONNRESET\n    at TLSWrap.onStreamRead (node:internal)\n");
    EQ_S(net_error, "reset");
    evidence_release(&ev);
    read_s(&ev, "tcp connect error: Connection refused (os error 111)");
    EQ_S(net_error, "connect");
    evidence_release(&ev);
    read_s(&ev, "[GoogleGenerativeAI Error]: Error fetching from https://generativelanguage."
                "googleapis.com/v1/models/gemini-pro:streamGenerateContent?alt=sse: Load failed");
    EQ_S(net_error, "connect");
    EQ_N(http, 0);
    evidence_release(&ev);
    read_s(&ev,
           "Post \"https://generativelanguage.googleapis.com/v1beta/models/x:generateContent\":"
           " dial tcp: lookup generativelanguage.googleapis.com: no such host");
    EQ_S(net_error, "dns");
    evidence_release(&ev);
    read_s(&ev, "context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
    EQ_S(net_error, "timeout");
    evidence_release(&ev);

    current = "curl exit codes alone";
    read_s(&ev, "curl: (7) Failed to connect to generativelanguage.googleapis.com port 443");
    EQ_S(net_error, "connect");
    evidence_release(&ev);
    read_s(&ev, "curl: (52) Empty reply from server");
    EQ_S(net_error, "reset");
    evidence_release(&ev);
    read_s(&ev, "curl: (60) SSL certificate problem: unable to get local issuer certificate");
    EQ_S(net_error, "tls");
    evidence_release(&ev);

    current = "a proxy's 407 is the proxy's, not the API's";
    read_s(&ev, "curl: (56) CONNECT tunnel failed, response 407");
    EQ_S(net_error, "proxy");
    HAS_S(net_detail, "response 407");
    evidence_release(&ev);
    read_s(&ev, "< HTTP/1.1 407 Proxy Authentication Required\n< Proxy-Authenticate: Basic\n");
    EQ_S(net_error, "proxy");
    evidence_release(&ev);

    current = "the API's answer wins over words that sound like a network failure";
    read_s(&ev, "{\"error\":{\"code\":504,\"message\":\"Request timed out.\",\"status\":"
                "\"DEADLINE_EXCEEDED\"}}");
    EQ_S(net_error, NULL);
    EQ_N(http, 504);
    evidence_release(&ev);
    read_s(&ev, "google.genai.errors.ServerError: 503 UNAVAILABLE. upstream connect error or "
                "disconnect/reset before headers. reset reason: connection refused");
    EQ_S(net_error, NULL);
    EQ_N(http, 503);
    evidence_release(&ev);

    current = "words inside other words are not network failures";
    read_s(&ev, "Upload failed for file report.pdf");
    EQ_S(net_error, NULL);
    EQ_N(found, 0);
    evidence_release(&ev);

    current = "the detail is masked";
    read_s(&ev, "requests.exceptions.ConnectionError: HTTPSConnectionPool(host='x', port=443): Max "
                "retries exceeded with url: /v1beta/models/gemini-2.5-flash:generateContent?key="
                "AIzaSyD3m0Fak3K3yF0rT3st1ngOnly12345678 (Caused by NameResolutionError(\"Failed "
                "to resolve 'x' ([Errno -3] Temporary failure in name resolution)\"))");
    EQ_S(net_error, "dns");
    TRUE(ev.net_detail && !strstr(ev.net_detail, "D3m0Fak3"));
    TRUE(ev.text && !strstr(ev.text, "D3m0Fak3"));
    evidence_release(&ev);

    current = "a response's body is never a transport failure";
    {
        const char *body = "upstream connect error: connect ECONNREFUSED 10.0.0.1:443";
        evidence_init(&ev);
        reader_read_response(vocab, 502, "text/plain", -1, body, strlen(body), &ev);
        EQ_S(net_error, "bad-response");
        EQ_N(http, 502);
        evidence_release(&ev);
    }
}

static void test_wrapped_codes(void)
{
    struct evidence ev;

    current = "the code after Error fetching from beats an app's [500]";
    read_s(&ev, "[nuxt] [request error] [unhandled] [500] [GoogleGenerativeAI Error]: Error "
                "fetching from https://generativelanguage.googleapis.com/v1/models/gemini-pro:"
                "streamGenerateContent?alt=sse: [400 Bad Request] API key not valid. Please pass "
                "a valid API key.");
    EQ_N(http, 400);
    EQ_S(http_text, "Bad Request");
    HAS_S(message, "API key not valid");
    evidence_release(&ev);

    current = "the SDK's [NNN reason] form beats a bare [NNN]";
    read_s(&ev, "[500] wrapper: [429 Too Many Requests] Resource has been exhausted");
    EQ_N(http, 429);
    evidence_release(&ev);

    current = "status code phrasings";
    read_s(&ev, "This exception was thrown because the response has a status code of 503 and "
                "RequestOptions.validateStatus was configured to throw for this status code.");
    EQ_N(http, 503);
    EQ_N(http_inferred, 0);
    evidence_release(&ev);
    read_s(&ev, "AxiosError: Request failed with status code 400");
    EQ_N(http, 400);
    evidence_release(&ev);
    read_s(&ev, "GeminiError: HTTP status 503 from the API");
    EQ_N(http, 503);
    evidence_release(&ev);
    read_s(&ev, "{ statusCode: 429, body: 'rate limited' }");
    EQ_N(http, 429);
    evidence_release(&ev);
    read_s(&ev, "APIError(status_code=429, body=None)");
    EQ_N(http, 429);
    evidence_release(&ev);

    current = "a quota id without a code means 429";
    read_s(&ev, "'quotaMetric': 'generativelanguage.googleapis.com/generate_content_free_tier_"
                "input_token_count', 'quotaId': 'GenerateContentInputTokensPerModelPerMinute-"
                "FreeTier', 'quotaDimensions': {'model': 'gemini-2.0-flash'}}]}");
    EQ_N(found, 1);
    EQ_N(http, 429);
    EQ_N(http_inferred, 1);
    EQ_S(status, NULL);
    EQ_N(nquota, 1);
    evidence_release(&ev);

    current = "{\"error\": true} marks an error";
    read_s(&ev, "{\n  \"error\": true,\n  \"message\": \"Message is being blocked for reason: "
                "SAFETY\"\n}\n");
    EQ_N(found, 1);
    HAS_S(message, "blocked for reason");
    evidence_release(&ev);
    read_s(&ev, "{\"error\": false, \"message\": \"all good\"}");
    EQ_N(found, 0);
    evidence_release(&ev);
}

static void test_model_and_status_positions(void)
{
    struct evidence ev;

    current = "a directory named models is not a model";
    read_s(&ev, "CustomException: {\n  code : 503,\n  message : \"The model is overloaded.\",\n"
                "  status : \"UNAVAILABLE\"\n}\n\tat boxgenerated.bxai.models.providers."
                "Geminiservice$bx$Func_chat._invoke(/home/build/module/models/providers/"
                "GeminiService.bx:157)\n");
    EQ_S(model, NULL);
    EQ_S(status, "UNAVAILABLE");
    evidence_release(&ev);

    current = "model ids look like model ids";
    {
        const char *ok_names[] = {
            "gemini-pro",     "gemini-2.5-flash",   "aqa",
            "gemma-3-27b-it", "text-embedding-004", "models/gemini-flash-latest"};
        const char *bad_names[] = {"providers", "exceptions", "genai", "v"};
        for (size_t i = 0; i < ARRAY_SIZE(ok_names); i++) {
            char *m = model_name(vocab, ok_names[i], strlen(ok_names[i]));
            TRUE(m != NULL);
            free(m);
        }
        for (size_t i = 0; i < ARRAY_SIZE(bad_names); i++) {
            char *m = model_name(vocab, bad_names[i], strlen(bad_names[i]));
            TRUE(m == NULL);
            free(m);
        }
    }

    current = "the model used beats the model requested";
    read_s(&ev, "The operation was cancelled.\n[Debug Info]\nRequested Model: antigravity-gemini-"
                "3.1-pro\nEffective Model: gemini-3.1-pro-low\nStatus: 499\n");
    EQ_S(model, "gemini-3.1-pro-low");
    EQ_N(http, 499);
    evidence_release(&ev);

    current = "UNKNOWN: as a prefix is not a status";
    read_s(&ev, "UNKNOWN: Error fetching from https://generativelanguage.googleapis.com/v1beta/"
                "models/gemini-1.5-flash:generateContent: [404 Not Found] models/gemini-1.5-flash "
                "is not found for API version v1beta");
    EQ_S(status, NULL);
    EQ_N(http, 404);
    evidence_release(&ev);
    read_s(&ev, "ABORTED: the user pressed escape");
    EQ_S(status, NULL);
    evidence_release(&ev);

    current = "UNKNOWN after an exception class is a status";
    read_s(&ev, "io.grpc.StatusRuntimeException: UNKNOWN: Stream removed");
    EQ_S(status, "UNKNOWN");
    evidence_release(&ev);
}

static void test_wrapped_keys(void)
{
    struct evidence ev;
    const char *halves[] = {"SyD3m0Fak3K3y", "F0rT3st1ngOnly1234", "Ab8RN6LxYzTest",
                            "TestTestTest9876"};

    current = "a standard key cut by a hard wrap is masked whole";
    read_s(&ev, "{\"error\":{\"code\":400,\"message\":\"API key not valid: AIzaSyD3m0Fak3K3y\n"
                "F0rT3st1ngOnly12345678 please\",\"status\":\"INVALID_ARGUMENT\"}}");
    for (size_t i = 0; i < 2; i++) {
        TRUE(ev.text && !strstr(ev.text, halves[i]));
        TRUE(ev.message && !strstr(ev.message, halves[i]));
    }
    EQ_S(key_masked, "AIza\xe2\x80\xa6"
                     "5678");
    HAS_S(message, "please");
    evidence_release(&ev);

    current = "an indented continuation of an auth key is masked";
    read_s(&ev, "Error: 401 bad key AQ.Ab8RN6LxYzTest\n    TestTestTest9876 rest\n");
    for (size_t i = 2; i < 4; i++) {
        TRUE(ev.text && !strstr(ev.text, halves[i]));
        TRUE(!ev.message || !strstr(ev.message, halves[i]));
    }
    evidence_release(&ev);

    current = "a key wrapped twice";
    read_s(&ev, "400 API key not valid: AIzaSyD3m0Fak3K3y\nF0rT3st1ng\nOnly12345678\n");
    TRUE(ev.text && !strstr(ev.text, "F0rT3st1ng") && !strstr(ev.text, "Only1234"));
    evidence_release(&ev);

    current = "a whole key at a line end keeps the next line";
    read_s(&ev, "400 API key not valid: AIzaSyD3m0Fak3K3yF0rT3st1ngOnly12345678\nPlease pass "
                "a valid API key.\n");
    HAS_S(text, "Please pass");
    evidence_release(&ev);

    current = "many wrapped key prefixes stay linear";
    {
        size_t n = 4 << 20, off = 0;
        char *b = xmalloc(n);
        while (off + 16 <= n) {
            memcpy(b + off, "AQ.0123456789a\n ", 16);
            off += 16;
        }
        timed("4 MB of wrapped auth key prefixes", b, off, &ev);
        evidence_release(&ev);
        off = 0;
        while (off + 14 <= n) {
            memcpy(b + off, "fetch failed\n", 13);
            off += 13;
        }
        timed("4 MB of fetch failed", b, off, &ev);
        EQ_S(net_error, "connect");
        evidence_release(&ev);
        free(b);
    }
}

static void test_textfix(void)
{
    size_t n;
    int changed;
    current = "textfix";
    char *s = textfix_unescape("a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00", 27, &n, &changed);
    TRUE(changed);
    TRUE(strcmp(s, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80") == 0);
    free(s);
    s = textfix_unescape_all("\\\\\\\"x\\\\\\\"", 10, &n);
    TRUE(strcmp(s, "\"x\"") == 0);
    free(s);
    char c[] = "  a \n\n b\t c  ";
    TRUE(textfix_collapse(c) == 5 && strcmp(c, "a b c") == 0);
    int flags;
    s = textfix_clean("\x1b[31mred\x1b[0m\r\n> quoted\n", 23, &n, &flags);
    TRUE(strcmp(s, "red\nquoted\n") == 0);
    TRUE(flags & TF_QUOTED);
    free(s);

    double secs = 0;
    TRUE(parse_duration("4h28m20s", 8, &secs) == 8 && secs == 16100);
    TRUE(parse_duration("37.5s.", 6, &secs) == 5 && secs == 37.5);
    TRUE(parse_duration("500ms", 5, &secs) && fabs(secs - 0.5) < 1e-9);
    TRUE(parse_duration("30 seconds", 10, &secs) && secs == 30);
    TRUE(parse_duration("3 months", 8, &secs) == 0);
    TRUE(parse_duration("5 m", 3, &secs) == 0);

    char *m = model_name(vocab, "models/gemini-2.5-flash", 23);
    TRUE(m && strcmp(m, "gemini-2.5-flash") == 0);
    free(m);
    m = model_name(vocab, "projects/p/locations/l/publishers/google/models/gemini-pro.", 59);
    TRUE(m && strcmp(m, "gemini-pro") == 0);
    free(m);
    TRUE(model_name(vocab, "{model}", 7) == NULL);
}

/* Round 2: one error per paste. */
static void test_one_error_per_paste(void)
{
    struct evidence ev;
    current = "last distinct error wins";
    read_s(&ev,
           "2026-11-27 10:00:02 WARN gemini: 429 RESOURCE_EXHAUSTED {\"error\":{\"code\":429,"
           "\"message\":\"You exceeded your current quota. Quota exceeded for metric: "
           "generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10\","
           "\"status\":\"RESOURCE_EXHAUSTED\"}}\n"
           "2026-11-27 10:00:40 INFO gemini: rotated to backup key\n"
           "2026-11-27 10:00:41 ERROR gemini: 400 INVALID_ARGUMENT {\"error\":{\"code\":400,"
           "\"message\":\"API key expired. Please renew the API key.\",\"status\":"
           "\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/"
           "google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\",\"domain\":"
           "\"googleapis.com\"}]}}\n");
    EQ_N(http, 400);
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "API key expired. Please renew the API key.");
    EQ_S(reason, "API_KEY_INVALID");
    EQ_N(nquota, 0);
    EQ_N(limit, -1);
    TRUE(ev.text && !strstr(ev.text, "quota"));
    TRUE(ev.form == FORM_CLI_LOG);
    evidence_release(&ev);

    current = "two pretty-printed errors, the last one wins";
    read_s(&ev,
           "Error 1 - 429\n{\n  \"error\": {\n    \"code\": 429,\n    \"message\": \"Resource "
           "has been exhausted (e.g. check quota).\",\n    \"status\": \"RESOURCE_EXHAUSTED\"\n"
           "  }\n}\nError 2 - 503\n{\n  \"error\": {\n    \"code\": 503,\n    \"message\": \"The "
           "model is overloaded. Please try again later.\",\n    \"status\": \"UNAVAILABLE\"\n"
           "  }\n}\n");
    EQ_N(http, 503);
    EQ_S(status, "UNAVAILABLE");
    HAS_S(message, "overloaded");
    TRUE(ev.text && !strstr(ev.text, "exhausted"));
    evidence_release(&ev);

    current = "identical retries are one error";
    read_s(&ev, "POST https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
                ":generateContent\n"
                "{\"error\":{\"code\":429,\"message\":\"Resource exhausted.\",\"status\":"
                "\"RESOURCE_EXHAUSTED\"}}\nretrying\n"
                "{\"error\":{\"code\":429,\"message\":\"Resource exhausted.\",\"status\":"
                "\"RESOURCE_EXHAUSTED\"}}\n");
    EQ_N(http, 429);
    EQ_S(model, "gemini-2.5-flash");
    HAS_S(text, "generateContent");
    evidence_release(&ev);

    current = "a wrapper and the body escaped in it are one error";
    read_s(&ev, "{\"error\":{\"code\":500,\"message\":\"{\\\"error\\\":{\\\"code\\\":429,"
                "\\\"message\\\":\\\"Quota exceeded.\\\",\\\"status\\\":\\\"RESOURCE_EXHAUSTED"
                "\\\"}}\",\"status\":\"INTERNAL\"}}\n");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    EQ_S(message, "Quota exceeded.");
    evidence_release(&ev);

    current = "a truncated different error after a complete one";
    read_s(&ev, "{\"error\":{\"code\":403,\"message\":\"Permission denied.\",\"status\":"
                "\"PERMISSION_DENIED\"}}\n{\"error\":{\"code\":500,\"message\":\"Internal");
    EQ_N(http, 403);
    EQ_S(status, "PERMISSION_DENIED");
    TRUE(ev.text && !strstr(ev.text, "Internal"));
    evidence_release(&ev);

    current = "many distinct errors stay linear";
    {
        struct sbuf sb;
        sbuf_init(&sb);
        for (int i = 0; i < 20000; i++)
            sbuf_addf(&sb, "{\"error\":{\"code\":%d,\"message\":\"m%d\"}}\n", 400 + i % 100, i);
        read_b(&ev, sb.buf, sb.len);
        EQ_N(http, 400 + 19999 % 100);
        EQ_S(message, "m19999");
        evidence_release(&ev);
        sbuf_release(&sb);
    }
}

static void test_html_escaped_json(void)
{
    struct evidence ev;
    current = "HTML-escaped JSON";
    read_s(&ev, "<pre>{&quot;error&quot;: {&quot;code&quot;: 400, &quot;message&quot;: &quot;API "
                "key not valid. Please pass a valid API key.&quot;, &quot;status&quot;: "
                "&quot;INVALID_ARGUMENT&quot;, &quot;details&quot;: [{&quot;@type&quot;: "
                "&quot;type.googleapis.com/google.rpc.ErrorInfo&quot;, &quot;reason&quot;: "
                "&quot;API_KEY_INVALID&quot;, &quot;domain&quot;: &quot;googleapis.com&quot;}]}}"
                "</pre>\n");
    EQ_N(http, 400);
    EQ_S(reason, "API_KEY_INVALID");
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    evidence_release(&ev);

    current = "numeric references";
    read_s(&ev, "{&#34;error&#34;: {&#34;code&#34;: 429, &#34;message&#34;: &#34;It&#39;s "
                "exhausted &amp; gone&#34;}}");
    EQ_N(http, 429);
    EQ_S(message, "It's exhausted & gone");
    evidence_release(&ev);
}

static void test_token_wraps(void)
{
    struct evidence ev;
    current = "a metric wrapped after a dot";
    read_s(&ev, "[app] WARNING - Error Details: 429 Quota exceeded for aiplatform.googleapis.\n"
                "com/generate_content_requests_per_minute_per_project_per_base_model with base "
                "model: gemini-pro. Please submit a quota increase request., Traceback: Traceback "
                "(most recent call last):\n  File \"x.py\", line 1\n");
    EQ_N(http, 429);
    HAS_S(message, "aiplatform.googleapis.com/generate_content_requests_per_minute");
    TRUE(ev.message && !strstr(ev.message, "Traceback"));
    TRUE(ev.nquota == 1);
    eq_str(__LINE__, "quota_metric", ev.quota[0].quota_metric,
           "aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_"
           "model");
    evidence_release(&ev);

    current = "a metric wrapped inside a word";
    read_s(&ev, "429 Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_"
                "free_tier_requ\nests, limit: 0\n");
    TRUE(ev.nquota == 1);
    eq_str(__LINE__, "quota_metric", ev.nquota ? ev.quota[0].quota_metric : NULL,
           "generativelanguage.googleapis.com/generate_content_free_tier_requests");
    evidence_release(&ev);

    current = "sentences and hyphenated words are not joined";
    read_s(&ev,
           "503 The model is overloaded. Please try again later.\nnext_step was well-\nknown\n");
    HAS_S(text, "later. next_step");
    HAS_S(text, "well- known");
    evidence_release(&ev);
}

static void test_reason_shapes(void)
{
    struct evidence ev;
    current = "a label is not a reason";
    read_s(&ev, "Reason: Request Failed: 400 [{ \"error\": { \"code\": 400, \"message\": "
                "\"Developer instruction is not enabled for models/gemma-3-27b-it\", \"status\": "
                "\"INVALID_ARGUMENT\" } } ]\n");
    EQ_S(reason, NULL);
    EQ_N(http, 400);
    evidence_release(&ev);

    current = "a known reason alone on a line";
    read_s(&ev, "However every prompt fails with:\n\n401 UNAUTHENTICATED\n"
                "ACCESS_TOKEN_TYPE_UNSUPPORTED\n\nError metadata:\n");
    EQ_S(reason, "ACCESS_TOKEN_TYPE_UNSUPPORTED");
    EQ_N(http, 401);
    evidence_release(&ev);

    current = "lowerCamel reasons yield to ErrorInfo's";
    read_s(&ev, "{\"error\":{\"code\":429,\"errors\":[{\"reason\":\"rateLimitExceeded\"}],"
                "\"status\":\"RESOURCE_EXHAUSTED\"}}");
    EQ_S(reason, "rateLimitExceeded");
    evidence_release(&ev);
    read_s(&ev, "{\"error\":{\"code\":403,\"errors\":[{\"reason\":\"forbidden\"}],\"details\":"
                "[{\"reason\":\"CONSUMER_INVALID\"}]}}");
    EQ_S(reason, "CONSUMER_INVALID");
    evidence_release(&ev);
}

static void test_message_cleanup(void)
{
    struct evidence ev;
    current = "trailing JSON punctuation";
    read_s(&ev, "{\n  \"message\": \"[GoogleGenerativeAI Error]: Error fetching from https://"
                "generativelanguage.googleapis.com/v1beta/models/gemma-3-27b-it:"
                "streamGenerateContent?alt=sse: [400 ] Developer instruction is not enabled for "
                "models/gemma-3-27b-it\",\n  \"status\": 400\n}\n");
    EQ_S(message, "Developer instruction is not enabled for models/gemma-3-27b-it");
    evidence_release(&ev);

    current = "a backtick";
    read_s(&ev, "`[GoogleGenerativeAI Error]: Error fetching from google -> [400 Bad Request] "
                "Unable to submit request because it has an empty text parameter.`\n");
    EQ_S(message, "Unable to submit request because it has an empty text parameter.");
    evidence_release(&ev);

    current = "a wrapper's label and code";
    read_s(&ev, "ChatGoogleGenerativeAIError: Invalid argument provided to Gemini: 400 * "
                "GenerateContentRequest.contents: contents is not specified\n");
    EQ_S(message, "GenerateContentRequest.contents: contents is not specified");
    EQ_N(http, 400);
    evidence_release(&ev);

    current = "the error object's message beats the wrapper's";
    read_s(&ev,
           "{\"message\": \"400 Developer instruction is not enabled\", \"status\": 400, "
           "\"error\": {\"message\": \"Developer instruction is not enabled\", \"code\": 400}}");
    EQ_S(message, "Developer instruction is not enabled");
    evidence_release(&ev);

    current = "a labelled quotation in a localised log line";
    read_s(&ev, "2026-11-27 09:14:03 [\xe3\x82\xa8\xe3\x83\xa9\xe3\x83\xbc] Gemini API: "
                "\xe3\x82\xb9\xe3\x83\x86\xe3\x83\xbc\xe3\x82\xbf\xe3\x82\xb9 403 "
                "(PERMISSION_DENIED), message:\xe3\x80\x8cYour API key was reported as leaked. "
                "Please use another API key.\xe3\x80\x8d\n");
    EQ_S(message, "Your API key was reported as leaked. Please use another API key.");
    evidence_release(&ev);
    read_s(&ev, "[ERR] request failed, status: FAILED_PRECONDITION, reason: \xe2\x80\x9cGemini API "
                "free tier is not available in your country.\xe2\x80\x9d\n");
    EQ_S(message, "Gemini API free tier is not available in your country.");
    evidence_release(&ev);

    current = "a quote inside Google's message stays";
    read_s(&ev, "{\"error\":{\"code\":400,\"message\":\"Invalid value at 'contents' \\\"x\\\"\"}}");
    EQ_S(message, "Invalid value at 'contents' \"x\"");
    evidence_release(&ev);
}

static void test_metric_from_text(void)
{
    struct evidence ev;
    current = "a metric named only in the message";
    read_s(&ev, "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. {'error': {'code': 429, "
                "'message': 'Quota exceeded for metric: generativelanguage.googleapis.com/"
                "generate_requests_per_model_per_day, limit: 1500, model: gemini-3.5-flash-lite', "
                "'status': 'RESOURCE_EXHAUSTED'}}\n");
    TRUE(ev.nquota == 1);
    if (ev.nquota == 1) {
        eq_str(__LINE__, "quota_metric", ev.quota[0].quota_metric,
               "generativelanguage.googleapis.com/generate_requests_per_model_per_day");
        eq_str(__LINE__, "quota model", ev.quota[0].model, "gemini-3.5-flash-lite");
        EQ_N(quota[0].value, 1500);
    }
    HAS_S(text, "generate_requests_per_model_per_day");
    evidence_release(&ev);

    current = "an API path is not a metric";
    read_s(&ev, "404 POST https://generativelanguage.googleapis.com/v1beta/models/x:"
                "generateContent: models/x is not found\n");
    EQ_N(nquota, 0);
    evidence_release(&ev);
}

static void test_recitation_and_google_html(void)
{
    struct evidence ev;
    current = "PHP var_dump RECITATION";
    read_s(&ev, "object(Gemini\\Data\\Candidate)#25 (7) {\n  [\"finishReason\"]=>\n  "
                "enum(Gemini\\Enums\\FinishReason::RECITATION)\n}\n");
    EQ_N(found, 1);
    HAS_S(text, "RECITATION");
    evidence_release(&ev);
    read_s(&ev, "{\"candidates\": [{\"finish_reason\": \"RECITATION\"}]}");
    EQ_N(found, 1);
    evidence_release(&ev);
    read_s(&ev, "finish_reason: FinishReason.RECITATION\n");
    EQ_N(found, 1);
    evidence_release(&ev);
    read_s(&ev, "finishReason: FinishReason.STOP\n");
    EQ_N(found, 0);
    evidence_release(&ev);

    current = "Google front-end HTML page";
    read_s(&ev, "Error: Unexpected Response:\n<!DOCTYPE html>\n<html lang=en>\n  <meta "
                "charset=utf-8>\n  <title>Error 403 (Forbidden)!!1</title>\n  <p><b>403.</b> "
                "<ins>That\xe2\x80\x99s an error.</ins>\n  <p>Your client does not have permission "
                "to get URL <code>/v1beta/models</code> from this server.  <ins>That\xe2\x80\x99s "
                "all we know.</ins>\n");
    EQ_N(found, 1);
    EQ_N(http, 403);
    EQ_S(content_type, "text/html");
    evidence_release(&ev);
}

/* Round 3: one-line protobuf text, a client's own backoff, Live API close
 * frames, .NET's status sentence, a code in a parenthesised label. */
static void test_round3_forms(void)
{
    struct evidence ev;

    current = "protobuf text on one line";
    read_s(&ev, "429 Quota exceeded for quota metric 'x'. [reason: \"RATE_LIMIT_EXCEEDED\" domain: "
                "\"googleapis.com\" metadata { key: \"service\" value: "
                "\"generativelanguage.googleapis.com\" } metadata { key: \"quota_limit\" value: "
                "\"GenerateContentRequestsPerMinutePerProjectPerRegion\" } metadata { key: "
                "\"quota_limit_value\" value: \"0\" }");
    EQ_S(reason, "RATE_LIMIT_EXCEEDED");
    EQ_S(domain, "googleapis.com");
    EQ_N(nquota, 1);
    EQ_S(quota[0].quota_id, "GenerateContentRequestsPerMinutePerProjectPerRegion");
    EQ_N(quota[0].value, 0);
    evidence_release(&ev);

    current = "an unescaped inner quote still does not end a message";
    read_s(&ev, "{\"error\": {\"code\": 400, \"message\": \"Invalid value \"x\" at field y\", "
                "\"status\": \"INVALID_ARGUMENT\"}}");
    EQ_S(message, "Invalid value \"x\" at field y");
    evidence_release(&ev);

    current = "client backoff is not a server delay";
    read_s(&ev, "[ERROR] Error calling (Status: 500, Code: 500): Internal error encountered.\n"
                "[INFO] Received 500 server error. Retrying in 1000ms... (attempt 1/3)\n");
    EQ_N(http, 500);
    EQ_N(has_retry_after, 0);
    EQ_S(message, "Internal error encountered.");
    evidence_release(&ev);

    current = "live api close frame";
    read_s(&ev, "websockets.exceptions.ConnectionClosedError: received 1011 (internal error) "
                "Internal error occurred.; then sent 1011 (internal error) Internal error "
                "occurred.\n");
    EQ_N(found, 1);
    EQ_N(http, 0);
    EQ_S(message, "Internal error occurred.");
    evidence_release(&ev);

    current = "live api close frame, generic status and trace id";
    read_s(&ev,
           "unexpected exception: received 1007 (invalid frame payload data) Request trace id: "
           "ec5c8, [ORIGINAL ERROR] generic::invalid_argument: Last chunk must have r; then "
           "sent 1007 (invalid frame payload data) x\n");
    EQ_S(status, "INVALID_ARGUMENT");
    EQ_S(message, "generic::invalid_argument: Last chunk must have r");
    evidence_release(&ev);

    current = "debug log close frame and a normal close";
    read_s(&ev, "< CLOSE 1008 (policy violation) Quota exceeded for x [125 bytes]\n");
    EQ_N(found, 1);
    EQ_S(message, "Quota exceeded for x");
    evidence_release(&ev);
    read_s(&ev, "< CLOSE 1000 (OK) bye [3 bytes]\n");
    EQ_N(found, 0);
    evidence_release(&ev);

    current = ".NET status sentence";
    read_s(&ev, "Microsoft.SemanticKernel.HttpOperationException: Response status code does not "
                "indicate success: 400 (Bad Request).\n");
    EQ_N(http, 400);
    EQ_N(found, 1);
    evidence_release(&ev);
}

static void test_text_multi_error(void)
{
    struct evidence ev;
    current = "text log: the last distinct error wins";
    read_s(&ev, "2026-11-28 10:00:01 ERROR 429 Too Many Requests: You exceeded your current "
                "quota, please check your plan and billing details.\n"
                "2026-11-28 10:00:09 INFO retrying in 8s\n"
                "2026-11-28 10:05:12 ERROR 400 API key not valid. Please pass a valid API key.\n");
    EQ_N(http, 400);
    HAS_S(message, "API key not valid");
    TRUE(ev.text && !strstr(ev.text, "quota"));
    evidence_release(&ev);

    current = "api_core exceptions: the last distinct error wins";
    read_s(&ev, "google.api_core.exceptions.ResourceExhausted: 429 Resource has been exhausted "
                "(e.g. check quota).\n"
                "Traceback (most recent call last):\n  File \"a.py\", line 3, in <module>\n"
                "google.api_core.exceptions.InvalidArgument: 400 Request payload size exceeds "
                "the limit: 20971520 bytes.\n");
    EQ_N(http, 400);
    HAS_S(message, "payload size");
    TRUE(ev.text && !strstr(ev.text, "exhausted"));
    evidence_release(&ev);

    current = "identical text retries are one error";
    read_s(&ev, "ERROR 429 Too Many Requests: Resource exhausted. Retry in 2s\n"
                "ERROR 429 Too Many Requests: Resource exhausted. Retry in 4s\n");
    EQ_N(http, 429);
    TRUE(ev.text && strstr(ev.text, "2s") != NULL);
    evidence_release(&ev);

    current = "an access log's 500 after the error is no error of its own";
    read_s(&ev, "google.genai.errors.ClientError: 429 RESOURCE_EXHAUSTED. Resource has been "
                "exhausted (e.g. check quota).\n"
                "INFO:     127.0.0.1:50312 - \"POST /chat HTTP/1.1\" 500 Internal Server Error\n");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    evidence_release(&ev);

    current = "many alternating text errors: the last wins";
    {
        struct sbuf sb;
        sbuf_init(&sb);
        for (int i = 0; i < 20000; i++)
            sbuf_addf(&sb, "ERROR %d %s\n", i % 2 ? 400 : 429,
                      i % 2 ? "API key not valid. Please pass a valid API key."
                            : "Too Many Requests: Resource exhausted.");
        read_b(&ev, sb.buf, sb.len);
        EQ_N(http, 400);
        HAS_S(message, "API key not valid");
        evidence_release(&ev);
        sbuf_release(&sb);
    }

    current = "AI SDK retry wrapper goes from the message";
    read_s(&ev, "AI_RetryError: Failed after 3 attempts. Last error: The model is overloaded. "
                "Please try again later.\n");
    EQ_S(message, "The model is overloaded. Please try again later.");
    evidence_release(&ev);
    read_s(&ev, "AI_RetryError: Failed after 1 attempts with non-retryable error: 'API key not "
                "valid. Please pass a valid API key.'\n");
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    evidence_release(&ev);

    current = "JS string concatenation joins go from a text message";
    {
        char m[] = "'Quota exceeded for metric: a, limit: 0 ' + 'Please retry in 2s.' +";
        read_clean_message(m, 1);
        eq_str(__LINE__, "message", m,
               "Quota exceeded for metric: a, limit: 0 Please retry in 2s.");
    }

    current = "details printed after a phrase message are not the message";
    read_s(&ev, "Error\nAPI key not valid. Please pass a valid API key. [{\"@type\":\"type."
                "googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]\n");
    EQ_S(message, "API key not valid. Please pass a valid API key.");
    evidence_release(&ev);

    current = "SSE: an error after candidate chunks";
    read_s(&ev, "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hi\"}]}}]}\n\n"
                "data: {\"error\": {\"code\": 429, \"message\": \"Resource has been exhausted "
                "(e.g. check quota).\", \"status\": \"RESOURCE_EXHAUSTED\"}}\n\n");
    EQ_N(http, 429);
    EQ_S(status, "RESOURCE_EXHAUSTED");
    evidence_release(&ev);
}

int main(void)
{
    struct rule_table *t = rule_table_load(NULL);
    if (!t)
        return 1;
    vocab = rules_vocab(t);
    alarm(300);
    test_rest_minimal();
    test_nested_cli();
    test_three_layers();
    test_stripped_escapes();
    test_python_forms();
    test_js_forms();
    test_interactions();
    test_status_inference();
    test_curl();
    test_prefixes();
    test_punctuation();
    test_truncated_and_placeholders();
    test_access_token_type();
    test_keys();
    test_message_only();
    test_delays_limits_models();
    test_more_forms();
    test_html();
    test_round3_forms();
    test_response();
    test_hostile();
    test_network();
    test_wrapped_codes();
    test_model_and_status_positions();
    test_wrapped_keys();
    test_textfix();
    test_one_error_per_paste();
    test_html_escaped_json();
    test_token_wraps();
    test_reason_shapes();
    test_message_cleanup();
    test_metric_from_text();
    test_recitation_and_google_html();
    test_text_multi_error();
    rule_table_free(t);
    return unit_done("test_reader");
}
