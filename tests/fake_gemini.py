#!/usr/bin/env python3
"""A fake Gemini API (v1beta REST) and Google Cloud status feed for offline tests.

The behaviour is chosen by the API key: AIzaTest_<scenario>_ padded with x to
39 characters, or AQ.Test_<scenario>_ padded with x. docs/fake-api.md lists
the scenarios. Bodies and messages follow the real API as seen on the wire
(see /work/shared/facts/gemini-facts.md section 4).

Usage: python3 tests/fake_gemini.py --port 0 [--log FILE] [--delay-ms N]

The first line on stdout is "listening http://127.0.0.1:PORT" once the server
accepts connections. With --log, every request is appended as one JSON line:
method, path, query, headers (lowercased names) and body_len. The values of
x-goog-api-key and authorization are logged only as "sha256:<hex>", so the log
never holds a key, while the query string is logged as sent: a key in a URL is
exactly what the tests must be able to see. Standard library only.
"""

import argparse
import base64
import gzip
import hashlib
import json
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_VERSIONS = ("v1beta", "v1")
HUNG_SECONDS = 120.0
SLOW_SECONDS = 2.0
BIG_BYTES = 10 * 1024 * 1024
MAX_REQUEST_BODY = 20 * 1024 * 1024

# Set by SIGTERM/SIGINT so that handlers sleeping in a scenario wake up.
STOPPING = threading.Event()


# The catalogue: page 1 is the real list page recorded on 2026-08-05, the rest
# invented in the same shapes (tests/fake-data/models.json says which).
DATA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fake-data")
with open(os.path.join(DATA_DIR, "models.json"), encoding="utf-8") as _f:
    MODELS = json.load(_f)["models"]
MODEL_BY_ID = {m["name"][len("models/"):]: m for m in MODELS}
# The real API serves 50 models a page (recorded 2026-08-05, no pageSize sent).
# Whether it honours a larger pageSize is not recorded, so the fake never
# serves more than 50: every run of check pages through the list.
PAGE_MAX = 50

# Listed models whose generateContent answers the "no longer available to new
# users" 404 (facts 6.B3: seen for 2.0-flash and 2.5-flash-lite while listed).
CLOSED = {"gemini-2.0-flash", "gemini-2.0-flash-001", "gemini-2.0-flash-lite",
          "gemini-2.0-flash-lite-001", "gemini-2.5-flash-lite"}
# Listed models whose calls succeed on another model, named in modelVersion
# (facts 6.B1/B2/A4: routing announced for these; the in-band sign is unverified).
ROUTED = {"gemini-2.5-pro": "gemini-3.8-flash", "gemini-2.5-flash": "gemini-3.5-flash-lite",
          "gemini-3.5-flash": "gemini-3.6-flash", "gemini-3.7-flash": "gemini-3.8-flash",
          "gemini-3-pro-preview": "gemini-3.1-pro-preview"}
# The "newer" scenario: the API has moved on from the rules data (INVENTED
# names): two models the data cannot know, and a GA model (with its numbered
# snapshots) no longer listed.
NEWER_GONE = "models/gemini-3.6-flash"
NEWER_MODELS = [
    dict(MODEL_BY_ID["gemini-3.8-flash"], name="models/gemini-4.1-flash",
         version="4.1-flash-11-2026", displayName="Gemini 4.1 Flash",
         description="Gemini 4.1 Flash"),
    dict(MODEL_BY_ID["gemini-3.8-flash"], name="models/gemini-4.1-pro",
         version="4.1-pro-11-2026", displayName="Gemini 4.1 Pro", description="Gemini 4.1 Pro"),
]

# What an alias answers as (facts 6.B7, low confidence).
ALIASES = {"gemini-flash-latest": "gemini-3.8-flash", "gemini-flash-lite-latest":
           "gemini-3.8-flash-lite", "gemini-pro-latest": "gemini-3.1-pro-preview"}

GENERATE_FIELDS = {
    "contents", "tools", "toolConfig", "tool_config", "safetySettings", "safety_settings",
    "systemInstruction", "system_instruction", "generationConfig", "generation_config",
    "cachedContent", "cached_content", "model", "labels", "serviceTier", "service_tier",
}
GENCONFIG_FIELDS = {
    "stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
    "responseModalities", "candidateCount", "maxOutputTokens", "temperature", "topP", "topK",
    "seed", "presencePenalty", "frequencyPenalty", "responseLogprobs", "logprobs",
    "enableEnhancedCivicAnswers", "speechConfig", "thinkingConfig", "imageConfig",
    "mediaResolution", "stop_sequences", "response_mime_type", "max_output_tokens",
    "candidate_count", "top_p", "top_k", "thinking_config", "response_modalities",
}

HELP_KEY = "https://ai.google.dev/gemini-api/docs/api-key"
RATE_DOCS = "https://ai.google.dev/gemini-api/docs/rate-limits"


# ---------------------------------------------------------------- error bodies

def error_body(code, status, message, details=None):
    err = {"code": code, "message": message, "status": status}
    if details:
        err["details"] = details
    return {"error": err}


def error_info(reason, metadata):
    return {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": reason,
            "domain": "googleapis.com", "metadata": metadata}


def localized(message):
    return {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
            "message": message}


def help_links(description, url):
    return {"@type": "type.googleapis.com/google.rpc.Help",
            "links": [{"description": description, "url": url}]}


def key_invalid(message, key=None):
    details = [
        error_info("API_KEY_INVALID", {"service": "generativelanguage.googleapis.com"}),
        localized(message),
    ]
    if key is not None:
        # Recorded (Firebase mock of the real API, 2025-04): a DebugInfo that
        # echoes the key that was sent.
        details.append({"@type": "type.googleapis.com/google.rpc.DebugInfo",
                        "detail": "Invalid API key: " + key})
    return 400, error_body(400, "INVALID_ARGUMENT", message, details)


def unregistered():
    return 403, error_body(
        403, "PERMISSION_DENIED",
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API.")


def leaked():
    return 403, error_body(403, "PERMISSION_DENIED",
                           "Your API key was reported as leaked. Please use another API key.")


def standard_rejected():
    msg = ("Request had invalid authentication credentials. Expected OAuth 2 access token, "
           "login cookie or other valid authentication credential. See "
           "https://developers.google.com/identity/sign-in/web/devconsole-project.")
    return 401, error_body(401, "UNAUTHENTICATED", msg, [
        error_info("ACCESS_TOKEN_TYPE_UNSUPPORTED", {
            "method": "google.ai.generativelanguage.v1beta.ModelService.ListModels",
            "service": "generativelanguage.googleapis.com"}),
    ])


def service_disabled():
    project = "573919212736"
    url = ("https://console.developers.google.com/apis/api/generativelanguage.googleapis.com/"
           "overview?project=" + project)
    msg = ("Generative Language API has not been used in project %s before or it is "
           "disabled. Enable it by visiting %s then retry. If you enabled this API recently, "
           "wait a few minutes for the action to propagate to our systems and retry."
           % (project, url))
    return 403, error_body(403, "PERMISSION_DENIED", msg, [
        error_info("SERVICE_DISABLED", {
            "consumer": "projects/" + project,
            "service": "generativelanguage.googleapis.com",
            "serviceTitle": "Generative Language API",
            "containerInfo": project,
            "activationUrl": url}),
        localized(msg),
        help_links("Google developers console API activation", url),
    ])


def service_blocked(method):
    full = "google.ai.generativelanguage.v1beta." + method
    msg = ("Requests to this API generativelanguage.googleapis.com method %s are blocked."
           % full)
    return 403, error_body(403, "PERMISSION_DENIED", msg, [
        error_info("API_KEY_SERVICE_BLOCKED", {
            "consumer": "projects/177838813423",
            "service": "generativelanguage.googleapis.com",
            "apiName": "generativelanguage.googleapis.com",
            "methodName": full}),
        localized(msg),
    ])


def not_found(version, model_id, method, old=False):
    # The "ModelService." wording is recorded from 2026-08-18; the older "Call
    # ListModels" one was still seen on 2026-03-30.
    return 404, error_body(
        404, "NOT_FOUND",
        "models/%s is not found for API version %s, or is not supported for %s. Call "
        "%sListModels to see the list of available models and their supported methods."
        % (model_id, version, method, "" if old else "ModelService."))


def get_not_found(version, model_id):
    # models.get on an unknown model (probe notes 2026-10-03): no details.
    return 404, error_body(404, "NOT_FOUND", "Model is not found: models/%s for api version %s"
                           % (model_id, version))


def closed(model_id):
    # A listed model closed to new projects (ApplyPilot #6, 2026-02-22, full JSON).
    return 404, error_body(
        404, "NOT_FOUND",
        "This model models/%s is no longer available to new users. Please update your code "
        "to use a newer model for the latest features and improvements." % model_id)


def prepaid():
    # Prepaid credit used up (real-api-shapes.md: 429 RESOURCE_EXHAUSTED).
    return 429, error_body(
        429, "RESOURCE_EXHAUSTED",
        "Your prepayment credits are depleted. Please go to AI Studio at "
        "https://ai.studio/projects to manage your project and billing.")


def bare_429():
    return 429, error_body(429, "RESOURCE_EXHAUSTED",
                           "Resource has been exhausted (e.g. check quota).")


QUOTAS = {
    "quota-rpm": ("GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                  "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                  "10", "37.127411081s", "37.127411081"),
    "quota-tpm": ("GenerateContentInputTokensPerModelPerMinute-FreeTier",
                  "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count",
                  "250000", "41.502908133s", "41.502908133"),
    "quota-rpd": ("GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                  "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                  "20", "5.871094512s", "5.871094512"),
    "quota-zero": ("GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                   "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                   "0", "52.964113278s", "52.964113278"),
}
# A limit-0 answer repeats one line per metric at zero (real-api-shapes.md).
ZERO_EXTRA = [
    ("GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
     "generativelanguage.googleapis.com/generate_content_free_tier_requests"),
    ("GenerateContentInputTokensPerModelPerMinute-FreeTier",
     "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count"),
]


def quota(scenario, model_id):
    quota_id, metric, value, delay, delay_text = QUOTAS[scenario]
    violations = [(quota_id, metric)]
    if value == "0":
        violations += ZERO_EXTRA
    lines = "".join("* Quota exceeded for metric: %s, limit: %s, model: %s\n"
                    % (m, value, model_id) for _, m in violations)
    msg = ("You exceeded your current quota, please check your plan and billing details. "
           "For more information on this error, head to: " + RATE_DOCS + ". To monitor your "
           "current usage, head to: https://ai.dev/rate-limit. \n" + lines +
           "Please retry in %ss." % delay_text)
    # Real bodies list Help first, then QuotaFailure, then RetryInfo.
    return 429, error_body(429, "RESOURCE_EXHAUSTED", msg, [
        help_links("Learn more about Gemini API quotas", RATE_DOCS),
        {"@type": "type.googleapis.com/google.rpc.QuotaFailure",
         "violations": [{"quotaMetric": m, "quotaId": q,
                         "quotaDimensions": {"location": "global", "model": model_id},
                         "quotaValue": value} for q, m in violations]},
        {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay},
    ])


def spend():
    # The exact production wording of the spend-cap 429 is not verified (the
    # facts file only says "429 RESOURCE_EXHAUSTED"); this names the cap plainly.
    msg = ("Your project has exceeded its monthly spending cap. Please go to AI Studio at "
           "https://aistudio.google.com/spend to manage your project spend cap.")
    return 429, error_body(429, "RESOURCE_EXHAUSTED", msg, [
        help_links("Learn more about spend limits",
                   "https://ai.google.dev/gemini-api/docs/billing"),
    ])


def generate_ok(model_id, max_tokens=None):
    m = MODEL_BY_ID.get(model_id) or {}
    served = ROUTED.get(model_id) or ALIASES.get(model_id) or model_id
    if m.get("thinking") and max_tokens is not None and max_tokens <= 16:
        # What a thinking model really answers when maxOutputTokens is tiny:
        # the budget goes to thinking, the candidate has no parts at all and
        # finishReason is MAX_TOKENS (still HTTP 200).
        return 200, {
            "candidates": [{
                "content": {"role": "model"},
                "finishReason": "MAX_TOKENS",
                "index": 0,
            }],
            "usageMetadata": {
                "promptTokenCount": 1,
                "totalTokenCount": 1 + max_tokens,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 1}],
                "thoughtsTokenCount": max_tokens,
                "serviceTier": "standard",
            },
            "modelVersion": served,
            "responseId": "mK5Jab2fN8ui1dkP0vHQoAs",
        }
    return 200, {
        "candidates": [{
            "content": {"parts": [{"text": "OK"}], "role": "model"},
            "finishReason": "STOP",
            "index": 0,
        }],
        "usageMetadata": {
            "promptTokenCount": 3,
            "candidatesTokenCount": 1,
            "totalTokenCount": 4,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}],
            "serviceTier": "standard",
        },
        "modelVersion": served,
        "responseId": "mK5Jab2fN8ui1dkP0vHQoAs",
    }


# ------------------------------------------------------------ status feeds

# Product ids are opaque and stable across renames; the real feed carries the
# old title in "title" and the new one in "current_title" (Vertex AI became
# Agent Platform: "Vertex Gemini API" is now shown as "Gemini on Agent Platform").
VERTEX_GEMINI = {"title": "Vertex Gemini API", "id": "Z0FZJAMvEB4j3NbCJs6B",
                 "current_title": "Gemini on Agent Platform"}
# In 2026 captures every affected product carries current_title.
DIALOGFLOW_CX = {"title": "Dialogflow CX", "id": "BnCicQdHSdxaCv8Ya6Vm",
                 "current_title": "Dialogflow CX"}
CLOUD_SQL = {"title": "Cloud SQL", "id": "hV87iK5DcEXKgWU2kDri", "current_title": "Cloud SQL"}
BIGQUERY = {"title": "BigQuery", "id": "9CcrhHUcFevXPSVaSxkf", "current_title": "BigQuery"}


def incident(iid, number, begin, end, products, desc, text, impact, severity, status):
    """One incident shaped like Google Cloud's incidents.json (updates newest first,
    most_recent_update a copy of updates[0], no "end" while active)."""
    update = {"created": begin, "modified": begin, "when": begin, "text": text,
              "status": status,
              "affected_locations": [{"title": "Global", "id": "global"}]}
    if len(products) == 1:
        service_key, service_name = products[0]["id"], products[0]["title"]
    else:
        # What the real feed puts in these deprecated fields for several products.
        service_key, service_name = "zall", "Multiple Products"
    inc = {
        "id": iid, "number": number, "begin": begin, "created": begin,
        "modified": end or begin, "external_desc": desc,
        "updates": [update], "most_recent_update": update,
        "status_impact": impact, "severity": severity,
        "service_key": service_key, "service_name": service_name,
        "affected_products": [dict(p) for p in products],
        "uri": "incidents/" + iid,
        "currently_affected_locations": [] if end else [{"title": "Global", "id": "global"}],
        "previously_affected_locations": [{"title": "Global", "id": "global"}],
    }
    if end:
        inc["end"] = end
        closing = dict(update, status="AVAILABLE", created=end, modified=end, when=end,
                       affected_locations=[],
                       text="The issue has been resolved for all affected users.")
        inc["updates"] = [closing, update]
        inc["most_recent_update"] = closing
    return inc


CODE_ASSIST = {"title": "Gemini Code Assist", "id": "fake-code-assist-product",
               "current_title": "Gemini Code Assist"}


def feed(active_gemini, code_assist=False):
    items = [
        incident("SqLt7fV2qNc1Yw3hGx5k", "18391734508822419367", "2026-11-28T07:40:00+00:00",
                 None, [CLOUD_SQL],
                 "Cloud SQL instances in europe-west4 may fail to start",
                 "We are investigating failures starting Cloud SQL instances in europe-west4.",
                 "SERVICE_DISRUPTION", "medium", "SERVICE_DISRUPTION"),
        incident("Gm4Pq8Zt2aWb6Rc0Yd1e", "6219431187450230017", "2026-11-20T14:05:00+00:00",
                 "2026-11-20T16:30:00+00:00", [VERTEX_GEMINI],
                 "Vertex AI Gemini API customers experienced increased error rates",
                 "Requests to multiple Gemini models returned elevated 429 and 503 errors.",
                 "SERVICE_DISRUPTION", "high", "SERVICE_DISRUPTION"),
        incident("Bq9Lm2Nc5Xv7Tz3Ks8Pw", "2290518806411263341", "2026-11-12T02:15:00+00:00",
                 "2026-11-12T03:00:00+00:00", [BIGQUERY],
                 "BigQuery job latency in us-central1",
                 "Some BigQuery jobs saw elevated latency.",
                 "SERVICE_INFORMATION", "low", "SERVICE_INFORMATION"),
    ]
    if active_gemini:
        active = incident(
            "Ge7Ac1Tv3Ik9Nm5Op2Qr", "5027730591336642201", "2026-11-28T10:20:00+00:00", None,
            [VERTEX_GEMINI, DIALOGFLOW_CX],
            "Vertex AI Gemini API customers are experiencing increased error rates when "
            "accessing the global endpoint.",
            "**Summary:**\nVertex AI Gemini API customers are experiencing increased error "
            "rates when accessing the global endpoint.\n\n**Description:**\nWe are "
            "experiencing an issue with Vertex Gemini API beginning at Saturday, 2026-11-28 "
            "02:20 US/Pacific. Our engineering team continues to investigate the issue.\n\n"
            "We will provide an update by Saturday, 2026-11-28 04:30 US/Pacific with current "
            "details.\n\n**Symptoms:**\nIncreased 429 and 503 errors for multiple Gemini "
            "models.\n\n**Workaround:**\nRetry with exponential backoff.",
            "SERVICE_OUTAGE", "high", "SERVICE_OUTAGE")
        items.insert(0, active)
    if code_assist:
        items.insert(0, incident(
            "Ca3Xs5Dv7Bn9Mq1Wr4Ty", "7315590021846613370", "2026-11-28T09:10:00+00:00", None,
            [CODE_ASSIST],
            "Gemini Code Assist chat is unavailable in the IDE extensions",
            "We are investigating failures of Gemini Code Assist chat in VS Code and "
            "JetBrains IDEs.",
            "SERVICE_DISRUPTION", "medium", "SERVICE_DISRUPTION"))
    return items


# Recorded copies of status.cloud.google.com/incidents.json (see tests/fake-data).
RECORDED_FEEDS = {
    "/incidents-recorded.json": "feed_cyanheads_2026-07-30.json",
    "/incidents-recorded-open.json": "feed_derived_gemini_open.json",
}

NOT_JSON_FEED = (b"upstream connect error or disconnect/reset before headers. "
                 b"reset reason: connection termination")

HTML_502 = (b"<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n"
            b"<body>\n<center><h1>502 Bad Gateway</h1></center>\n"
            b"<hr><center>nginx/1.24.0</center>\n</body>\n</html>\n")


def html_404(path):
    return ("<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
            "  <title>Error 404 (Not Found)!!1</title>\n"
            "  <p><b>404.</b> <ins>That\u2019s an error.</ins>\n"
            "  <p>The requested URL <code>%s</code> was not found on this server.  "
            "<ins>That\u2019s all we know.</ins>\n"
            % path.replace("&", "&amp;").replace("<", "&lt;")).encode("utf-8")


# ---------------------------------------------------------------- scenarios

KEY_RE = re.compile(r"^(?:AIzaTest_|AQ\.Test_)([a-z0-9-]+)_[A-Za-z0-9_-]*$")

SCENARIOS = {
    "valid", "invalid", "expired", "leaked", "standard-rejected", "service-disabled",
    "restricted", "location", "billing", "quota-rpm", "quota-tpm", "quota-rpd",
    "quota-zero", "spend", "overloaded", "internal", "slow", "hung", "reset", "html",
    "truncated", "big", "payment", "prepaid", "bare429", "old404", "newer", "relay-invalid",
    "relay-200",
}
# Scenarios that break every API call made with the key.
KEY_SCENARIOS = {"invalid", "expired", "leaked", "standard-rejected", "service-disabled",
                 "restricted", "relay-invalid", "relay-200"}
# Scenarios that only break generateContent; listing and getting models work.
GENERATE_SCENARIOS = {"location", "billing", "quota-rpm", "quota-tpm", "quota-rpd",
                      "quota-zero", "spend", "overloaded", "internal", "payment",
                      "prepaid", "bare429"}
# Transport scenarios apply to every API call made with the key.
TRANSPORT_SCENARIOS = {"slow", "hung", "reset", "html", "truncated", "big"}


def scenario_of(key):
    """The scenario a key selects, or None for a key the fake does not know."""
    if not key:
        return None
    m = KEY_RE.match(key)
    if not m or m.group(1) not in SCENARIOS:
        return None
    if key.startswith("AIza") and len(key) != 39:
        return None
    if key.startswith("AQ.") and len(key) < 40:
        return None
    return m.group(1)


def sha(value):
    return "sha256:" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, log_path, delay_s):
        super().__init__(addr, handler)
        self.log_path = log_path
        self.delay_s = delay_s
        self.log_lock = threading.Lock()

    def handle_error(self, request, client_address):
        # A client that goes away mid-response is normal here (timeouts,
        # size caps); do not print tracebacks for it.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, BrokenPipeError, socket.timeout)):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "scaffolding on HTTPServer2"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    # -- plumbing

    def read_body(self):
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            return self.read_chunked()
        n = self.headers.get("content-length")
        if n is None:
            return b""
        try:
            n = int(n)
        except ValueError:
            return None
        if n < 0 or n > MAX_REQUEST_BODY:
            return None
        return self.rfile.read(n)

    def read_chunked(self):
        """A chunked request body, or None when it is malformed or too big."""
        body = b""
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                return None
            if size < 0 or len(body) + size > MAX_REQUEST_BODY:
                return None
            if size == 0:
                # Trailers end with an empty line.
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass
                return body
            body += self.rfile.read(size)
            self.rfile.readline(1024)

    def log_request_line(self, path, query, body_len):
        if not self.server.log_path:
            return
        headers = {}
        for name, value in self.headers.items():
            lname = name.lower()
            if lname in ("x-goog-api-key", "authorization"):
                value = sha(value)
            headers[lname] = value
        line = json.dumps({"method": self.command, "path": path, "query": query,
                           "headers": headers, "body_len": body_len})
        with self.server.log_lock:
            with open(self.server.log_path, "a", encoding="utf-8") as f:
                f.write(line + "\n")

    def send_bytes(self, code, body, ctype="application/json; charset=UTF-8", extra=None,
                   chunked=False):
        """Google's API answers chunked, gzip-compressed when the client asks
        (recorded 2026-08-05); HTML pages and fixed bodies go with a length."""
        gzip_ok = "gzip" in (self.headers.get("accept-encoding") or "").lower()
        if chunked and gzip_ok:
            body = gzip.compress(body, mtime=0)
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Vary", "Origin")
        self.send_header("Vary", "X-Origin")
        self.send_header("Vary", "Referer")
        if chunked and gzip_ok:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Server-Timing", "gfet4t7; dur=74")
        self.send_header("X-XSS-Protection", "0")
        self.send_header("X-Frame-Options", "SAMEORIGIN")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Alt-Svc", 'h3=":443"; ma=2592000,h3-29=":443"; ma=2592000')
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        if not chunked:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if self.command == "HEAD":
            return
        step = 4096
        for i in range(0, len(body), step):
            piece = body[i:i + step]
            self.wfile.write(b"%x\r\n" % len(piece) + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def send_json(self, code, obj, extra=None):
        self.send_bytes(code, (json.dumps(obj, indent=2) + "\n").encode("utf-8"), extra=extra,
                        chunked=True)

    def reset_connection(self):
        # SO_LINGER with a zero timeout makes close() send RST: the client
        # sees "connection reset by peer" with no response at all.
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
        except OSError:
            pass
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def send_big(self):
        # A valid JSON document of 10 MB, so that only a size cap can stop it.
        head = b'{\n  "models": [],\n  "padding": "'
        tail = b'"\n}\n'
        fill = BIG_BYTES - len(head) - len(tail)
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(BIG_BYTES))
        self.end_headers()
        self.wfile.write(head)
        chunk = b"x" * 65536
        while fill > 0:
            n = min(fill, len(chunk))
            self.wfile.write(chunk[:n])
            fill -= n
        self.wfile.write(tail)

    def send_truncated(self, obj):
        text = (json.dumps(obj, indent=2) + "\n").encode("utf-8")
        self.send_bytes(200, text[:max(1, len(text) * 2 // 5)], chunked=True)

    # -- dispatch

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def dispatch(self):
        parts = urllib.parse.urlsplit(self.path)
        path, query = parts.path, parts.query
        body = self.read_body()
        self.log_request_line(path, query, len(body) if body is not None else -1)
        if body is None:
            self.send_json(400, error_body(400, "INVALID_ARGUMENT", "Invalid request body."))
            self.close_connection = True
            return
        if self.server.delay_s > 0 and STOPPING.wait(self.server.delay_s):
            return

        if path == "/incidents.json":
            return self.send_json(200, feed(False))
        if path == "/incidents-active.json":
            return self.send_json(200, feed(True))
        if path == "/incidents-code-assist.json":
            return self.send_json(200, feed(False, code_assist=True))
        if path in RECORDED_FEEDS:
            # Real bytes of Google Cloud's feed (pretty-printed, \u003e escapes).
            with open(os.path.join(DATA_DIR, RECORDED_FEEDS[path]), "rb") as f:
                return self.send_bytes(200, f.read(), chunked=True)
        if path == "/incidents-bad.json":
            return self.send_bytes(200, NOT_JSON_FEED, "text/plain; charset=utf-8")

        m = re.match(r"^/(v1beta|v1)/models(?:/([^/:]+)(?::([A-Za-z]+))?)?/?$", path)
        if not m:
            return self.send_bytes(404, html_404(path), "text/html; charset=UTF-8")
        version, model_id, method = m.group(1), m.group(2), m.group(3)
        model_id = urllib.parse.unquote(model_id) if model_id else None
        params = urllib.parse.parse_qs(query, keep_blank_values=True)

        key = self.headers.get("x-goog-api-key")
        if key is None and "key" in params:
            key = params["key"][0]
        if key is None or key == "":
            code, obj = unregistered()
            return self.send_json(code, obj)
        scenario = scenario_of(key)
        if scenario is None:
            code, obj = key_invalid("API key not valid. Please pass a valid API key.", key)
            return self.send_json(code, obj)

        if model_id is None:
            rpc = "ModelService.ListModels"
        elif method is None:
            rpc = "ModelService.GetModel"
        elif method == "generateContent":
            rpc = "GenerativeService.GenerateContent"
        elif method == "countTokens":
            rpc = "GenerativeService.CountTokens"
        else:
            rpc = "GenerativeService." + method[0].upper() + method[1:]

        if scenario in KEY_SCENARIOS:
            if scenario == "invalid":
                code, obj = key_invalid("API key not valid. Please pass a valid API key.", key)
            elif scenario == "expired":
                code, obj = key_invalid("API key expired. Please renew the API key.")
            elif scenario == "leaked":
                code, obj = leaked()
            elif scenario == "standard-rejected":
                code, obj = standard_rejected()
            elif scenario == "service-disabled":
                code, obj = service_disabled()
            elif scenario == "relay-invalid":
                # A relay in front of the API that answers 502 with the
                # body of an invalid key: a gateway failing, no verdict.
                _, obj = key_invalid("API key not valid. Please pass a valid API key.")
                code = 502
            elif scenario == "relay-200":
                # The same relay, answering 200 around the error body.
                _, obj = key_invalid("API key not valid. Please pass a valid API key.")
                code = 200
            else:
                code, obj = service_blocked(rpc)
            return self.send_json(code, obj)

        # Slow: every call but the follow-on pages of the model list, so that
        # a check with a few seconds' timeout can still list every page.
        if (scenario == "slow" and "pageToken" not in params
                and STOPPING.wait(SLOW_SECONDS)):
            return
        if scenario == "hung":
            STOPPING.wait(HUNG_SECONDS)
            self.close_connection = True
            return
        if scenario == "reset":
            return self.reset_connection()
        if scenario == "html":
            return self.send_bytes(502, HTML_502, "text/html; charset=UTF-8")
        if scenario == "big":
            return self.send_big()

        code, obj = self.api(version, model_id, method, params, body, scenario)
        if scenario == "truncated" and code == 200:
            return self.send_truncated(obj)
        extra = None
        if method == "generateContent" and code == 200:
            extra = {"x-gemini-service-tier": "standard"}
        return self.send_json(code, obj, extra)

    def api(self, version, model_id, method, params, body, scenario):
        """The API proper, for a key that is accepted: (status, body object)."""
        if model_id is None:
            if self.command != "GET":
                return 404, error_body(404, "NOT_FOUND", "Method not found.")
            return self.list_models(params, scenario)
        if method is None:
            if self.command != "GET":
                return 404, error_body(404, "NOT_FOUND", "Method not found.")
            m = MODEL_BY_ID.get(model_id)
            if m is None:
                return get_not_found(version, model_id)
            return 200, m
        if self.command != "POST":
            return 404, error_body(404, "NOT_FOUND", "Method not found.")
        if method not in ("generateContent", "countTokens"):
            return 404, error_body(404, "NOT_FOUND", "Method not found.")
        m = MODEL_BY_ID.get(model_id)
        if m is None or method not in m["supportedGenerationMethods"]:
            return not_found(version, model_id, method, old=scenario == "old404")
        if model_id in CLOSED and method == "generateContent":
            return closed(model_id)
        try:
            req = json.loads(body.decode("utf-8")) if body else None
        except (UnicodeDecodeError, ValueError):
            return 400, error_body(400, "INVALID_ARGUMENT",
                                   "Invalid JSON payload received. Unexpected token.")
        problem = check_generate_request(req, method)
        if problem:
            return 400, error_body(400, "INVALID_ARGUMENT", problem)
        if method == "countTokens":
            return 200, {"totalTokens": 3,
                         "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 3}]}
        if scenario == "location":
            return 400, error_body(400, "FAILED_PRECONDITION",
                                   "User location is not supported for the API use.")
        if scenario == "billing":
            return 400, error_body(
                400, "FAILED_PRECONDITION",
                "Gemini API free tier is not available in your country. Please enable "
                "billing on your project in Google AI Studio.")
        if scenario in QUOTAS:
            return quota(scenario, model_id)
        if scenario == "spend":
            return spend()
        if scenario == "prepaid":
            return prepaid()
        if scenario == "bare429":
            return bare_429()
        if scenario == "payment":
            # The Interactions API's error shape (code is a string there); the
            # facts file documents 402 payment_required for exhausted credit.
            return 402, {"error": {
                "code": "payment_required",
                "message": "Your prepaid credit balance is exhausted. Add credit in Google AI "
                           "Studio to continue making requests."}}
        if scenario == "overloaded":
            return 503, error_body(
                503, "UNAVAILABLE",
                "This model is currently experiencing high demand. Spikes in demand are "
                "usually temporary. Please try again later.")
        if scenario == "internal":
            return 500, error_body(
                500, "INTERNAL",
                "An internal error has occurred. Please retry or report in "
                "https://developers.generativeai.google/guide/troubleshooting")
        cfg = req.get("generationConfig", req.get("generation_config")) or {}
        max_tokens = cfg.get("maxOutputTokens", cfg.get("max_output_tokens"))
        return generate_ok(model_id, max_tokens if isinstance(max_tokens, int) else None)

    def list_models(self, params, scenario=None):
        try:
            size = int(params.get("pageSize", ["50"])[0] or "50")
        except ValueError:
            return 400, error_body(400, "INVALID_ARGUMENT",
                                   "Invalid value at 'page_size' (TYPE_INT32)")
        if size <= 0:
            size = 50
        # The slow scenario measures the probes' timing, not paging: one page.
        size = min(size, 1000 if scenario == "slow" else PAGE_MAX)
        models = MODELS
        if scenario == "newer":
            models = [m for m in MODELS if not m["name"].startswith(NEWER_GONE)] + NEWER_MODELS
        start = 0
        token = params.get("pageToken", [""])[0]
        if token:
            start = page_start(token, models)
            if start is None:
                return 400, error_body(400, "INVALID_ARGUMENT", "Invalid page token.")
        page = {"models": models[start:start + size]}
        if start + size < len(models):
            page["nextPageToken"] = page_token(models[start + size - 1]["name"])
        return 200, page


def page_token(last_name):
    """What the real API hands back (recorded: "Ch9tb2RlbHMvdmVvLTMuMS1nZW5lcmF0ZS1wcmV2aWV3"):
    base64 of a small protobuf holding the last name served, field 1."""
    raw = last_name.encode("utf-8")
    return base64.b64encode(b"\n" + bytes([len(raw)]) + raw).decode("ascii")


def page_start(token, models=None):
    """The index after the model a token names, or None for a token not ours."""
    models = models or MODELS
    try:
        raw = base64.b64decode(token.encode("ascii"), validate=True)
    except (ValueError, UnicodeError):
        return None
    if len(raw) < 2 or raw[0] != 0x0A or raw[1] != len(raw) - 2:
        return None
    name = raw[2:].decode("utf-8", "replace")
    for i, m in enumerate(models):
        if m["name"] == name:
            return i + 1
    return None


def check_generate_request(req, method):
    """The INVALID_ARGUMENT message the real API would give, or None."""
    if not isinstance(req, dict):
        return "Invalid JSON payload received. Expected an object."
    known = GENERATE_FIELDS | ({"generateContentRequest"} if method == "countTokens" else set())
    for name in req:
        if name not in known:
            return ('Invalid JSON payload received. Unknown name "%s": Cannot find field.'
                    % name)
    cfg = req.get("generationConfig", req.get("generation_config"))
    if cfg is not None:
        if not isinstance(cfg, dict):
            return "Invalid JSON payload received. generation_config must be an object."
        for name in cfg:
            if name not in GENCONFIG_FIELDS:
                return ("Invalid JSON payload received. Unknown name \"%s\" at "
                        "'generation_config': Cannot find field." % name)
    if method == "countTokens" and "generateContentRequest" in req:
        return None
    contents = req.get("contents")
    if not contents:
        return "* GenerateContentRequest.contents: contents is not specified\n"
    if not isinstance(contents, list):
        return ("Invalid JSON payload received. Proto field is not repeating, cannot start "
                "list.")
    return None


def main():
    ap = argparse.ArgumentParser(description="A fake Gemini API for offline tests.")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--log", default=None)
    ap.add_argument("--delay-ms", type=int, default=0)
    args = ap.parse_args()

    server = Server(("127.0.0.1", args.port), Handler, args.log,
                    max(0, args.delay_ms) / 1000.0)

    def stop(signum, frame):
        STOPPING.set()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("listening http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except SystemExit:
        pass
    finally:
        STOPPING.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
