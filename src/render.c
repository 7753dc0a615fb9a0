/*
 * render: the explain report, as text for people and as the JSON object of
 * PRODUCT.md. It reads a finished diagnosis; it never decides anything.
 */
#include "render.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "diagnosis.h"
#include "evidence.h"
#include "rules.h"
#include "util.h"

static void add_str(cJSON *o, const char *name, const char *v)
{
    if (v && *v)
        cJSON_AddStringToObject(o, name, v);
}

static void add_list(cJSON *o, const char *name, char *const *items, int n)
{
    cJSON *a = cJSON_AddArrayToObject(o, name);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(items[i]));
}

static void add_steps(cJSON *o, const struct diagnosis *d)
{
    cJSON *a = cJSON_AddArrayToObject(o, "steps");
    for (int i = 0; i < diagnosis_step_count(d, STEP_EXPLAIN); i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(diagnosis_step(d, STEP_EXPLAIN, i)));
}

/* Seconds as a JSON number: whole numbers stay whole, others keep 3 decimals. */
static void add_seconds(cJSON *o, const char *name, double s)
{
    cJSON_AddNumberToObject(o, name, round(s * 1000.0) / 1000.0);
}

cJSON *render_diagnosis_json(const struct diagnosis *d)
{
    const struct evidence *ev = &d->ev;
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "input_form", input_form_name(ev->form));
    if (ev->http)
        cJSON_AddNumberToObject(o, "http", ev->http);
    add_str(o, "status", ev->status);
    add_str(o, "api_code", ev->api_code);
    add_str(o, "message", ev->message);
    cJSON_AddStringToObject(o, "cause", d->cause);
    if (d->rule)
        add_str(o, "rule", d->rule->id);
    add_str(o, "title", d->title);
    cJSON_AddBoolToObject(o, "retryable", d->retryable);
    if (d->has_retry_after)
        add_seconds(o, "retry_after_s", d->retry_after_s);
    add_str(o, "wait", d->wait_plan);
    if (d->dimension || d->quota_id || d->resets_at[0] || d->limit >= 0) {
        cJSON *q = cJSON_AddObjectToObject(o, "quota");
        add_str(q, "dimension", d->dimension);
        add_str(q, "tier", d->tier);
        if (ev->nquota > 0)
            add_str(q, "model", ev->quota[0].model);
        if (!cJSON_GetObjectItem(q, "model"))
            add_str(q, "model", ev->model);
        if (d->limit >= 0)
            cJSON_AddNumberToObject(q, "limit", (double)d->limit);
        add_str(q, "quota_id", d->quota_id);
        add_str(q, "resets_at", d->resets_at);
    }
    add_str(o, "reason", ev->reason);
    add_str(o, "domain", ev->domain);
    add_str(o, "service", ev->service);
    add_str(o, "model", ev->model);
    if (d->model_info) {
        cJSON *m = cJSON_AddObjectToObject(o, "model_lifecycle");
        add_str(m, "status", d->model_info->status);
        add_str(m, "shutdown", d->model_info->shutdown);
        add_str(m, "replacement", d->model_info->successor);
        add_str(m, "note", d->model_info->note);
        add_str(m, "verified", d->model_info->verified);
        if (d->model_info->uncertain)
            cJSON_AddBoolToObject(m, "uncertain", 1);
    }
    add_str(o, "key", ev->key_masked);
    add_str(o, "net_error", ev->net_error);
    add_str(o, "net_detail", ev->net_detail);
    if (ev->nfields)
        add_list(o, "field_violations", ev->fields, ev->nfields);
    add_steps(o, d);
    add_list(o, "docs", d->docs, d->ndocs);
    return o;
}

struct style {
    const char *bold, *red, *yellow, *green, *dim, *reset;
};

void render_duration(double s, char *out, size_t size)
{
    long t = (long)ceil(s);
    if (s < 10 && s != floor(s))
        snprintf(out, size, "%.1f s", s);
    else if (t < 120)
        snprintf(out, size, "%ld s", t);
    else if (t < 3600)
        snprintf(out, size, "%ldm%02lds", t / 60, t % 60);
    else
        snprintf(out, size, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
}

void render_verdict(const struct diagnosis *d, char *out, size_t size)
{
    char dur[32] = "";

    if (d->has_retry_after)
        render_duration(d->retry_after_s, dur, sizeof(dur));
    if (d->retryable && dur[0])
        snprintf(out, size, "yes, retrying soon can succeed (wait %s)", dur);
    else if (d->retryable)
        snprintf(out, size, "yes, retrying soon can succeed");
    else if (d->resets_at[0] && dur[0])
        snprintf(out, size, "no, not before the daily reset (in %s)", dur);
    else if (dur[0])
        snprintf(out, size, "not soon: the server asks to wait %s", dur);
    else if (d->later_s > 0) {
        render_duration(d->later_s, dur, sizeof(dur));
        snprintf(out, size, "not soon: waiting about %s can help (see the plan)", dur);
    } else
        snprintf(out, size, "no, retrying will not help");
}

void render_diagnosis_text(FILE *out, const struct diagnosis *d, int color)
{
    static const struct style plain = {"", "", "", "", "", ""};
    static const struct style ansi = {"\033[1m",  "\033[31m", "\033[33m",
                                      "\033[32m", "\033[2m",  "\033[0m"};
    const struct style *c = color ? &ansi : &plain;
    const struct evidence *ev = &d->ev;
    int recognised = diagnosis_recognised(d);

    fprintf(out, "%s%s%s", c->bold, d->title ? d->title : "Unrecognised error", c->reset);
    fprintf(out, "  [%s]\n", d->cause);
    if (ev->http || ev->status || ev->api_code) {
        fputs("  status:    ", out);
        if (ev->http)
            fprintf(out, "HTTP %d%s", ev->http, ev->http_inferred ? " (inferred)" : "");
        if (ev->status)
            fprintf(out, "%s%s", ev->http ? " " : "", ev->status);
        if (ev->api_code)
            fprintf(out, "%s%s", ev->http || ev->status ? " " : "", ev->api_code);
        fputc('\n', out);
    }
    if (ev->reason)
        fprintf(out, "  reason:    %s\n", ev->reason);
    if (ev->message)
        fprintf(out, "  message:   %s\n", ev->message);
    if (ev->net_error)
        fprintf(out, "  network:   %s%s%s\n", ev->net_error, ev->net_detail ? ": " : "",
                ev->net_detail ? ev->net_detail : "");
    if (ev->model)
        fprintf(out, "  model:     %s\n", ev->model);
    if (d->model_info && d->model_info->status) {
        fprintf(out, "  lifecycle: %s", d->model_info->status);
        if (d->model_info->shutdown)
            fprintf(out, ", shut down %s", d->model_info->shutdown);
        if (d->model_info->successor)
            fprintf(out, ", use %s", d->model_info->successor);
        fprintf(out, "%s\n", d->model_info->uncertain ? " (unconfirmed)" : "");
    }
    if (d->quota_id || d->dimension) {
        fputs("  quota:     ", out);
        fprintf(out, "%s", d->dimension ? d->dimension : "unknown dimension");
        /* Never guessed: only a tier the quota id names is given. */
        fprintf(out, d->tier ? ", %s tier" : ", tier unknown", d->tier ? d->tier : "");
        if (d->limit >= 0)
            fprintf(out, ", limit %lld", d->limit);
        if (d->quota_id)
            fprintf(out, " (%s)", d->quota_id);
        fputc('\n', out);
    }
    if (ev->key_masked)
        fprintf(out, "  key:       %s (found in the input; shown masked)\n", ev->key_masked);
    if (recognised) {
        char verdict[128];
        render_verdict(d, verdict, sizeof(verdict));
        fprintf(out, "  retry:     %s%s%s\n", d->retryable ? c->green : c->red, verdict, c->reset);
        if (d->resets_at[0])
            fprintf(out, "  resets at: %s%s%s%s\n", d->resets_at, d->reset_label ? " (" : "",
                    d->reset_label ? d->reset_label : "", d->reset_label ? ")" : "");
        if (d->wait_plan)
            fprintf(out, "  plan:      %s\n", d->wait_plan);
    }
    if (diagnosis_step_count(d, STEP_EXPLAIN)) {
        fprintf(out, "\n%sWhat to do%s\n", c->bold, c->reset);
        for (int i = 0; i < diagnosis_step_count(d, STEP_EXPLAIN); i++)
            fprintf(out, "  %d. %s\n", i + 1, diagnosis_step(d, STEP_EXPLAIN, i));
    }
    if (d->ndocs) {
        fprintf(out, "\n%sDocs%s\n", c->bold, c->reset);
        for (int i = 0; i < d->ndocs; i++)
            fprintf(out, "  %s\n", d->docs[i]);
    }
}

void render_diagnosis_line(FILE *out, const struct diagnosis *d)
{
    fprintf(out, "%s: %s", d->cause, d->title ? d->title : "Unrecognised error");
    if (diagnosis_recognised(d)) {
        fputs(d->retryable ? "; retryable" : "; not retryable", out);
        if (d->resets_at[0])
            fprintf(out, ", resets %s", d->resets_at);
        else if (d->has_retry_after && d->retryable) {
            char dur[32];
            render_duration(d->retry_after_s, dur, sizeof(dur));
            fprintf(out, ", wait %s", dur);
        }
    }
    fputc('\n', out);
}
