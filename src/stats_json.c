/*
 * stats_json: `stats --format json`: one object holding every figure of the
 * report (docs/stats.md lists the fields). Counts are integers, shares and
 * rates are fractions in [0, 1], times are ISO-8601 UTC, clock times in the
 * day of the daily quota reset's zone (Pacific time) are "HH:MM".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stats_report.h"
#include "util.h"

static void num(cJSON *o, const char *k, double v)
{
    cJSON_AddNumberToObject(o, k, v);
}

static double frac(long long a, long long b)
{
    return b > 0 ? (double)a / (double)b : 0;
}

static cJSON *counts_obj(const struct stats_counts *c)
{
    cJSON *o = cJSON_CreateObject();
    num(o, "requests", (double)c->req);
    num(o, "errors", (double)c->err);
    num(o, "e429", (double)c->e429);
    num(o, "e5xx", (double)c->e5xx);
    return o;
}

static cJSON *inputs(const struct stats *s)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < s->nfiles; i++) {
        cJSON *o = cJSON_CreateObject(), *f = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "file", s->files[i]);
        cJSON_AddStringToObject(o, "form", s->forms[i]);
        for (int k = 0; k < SF_COUNT; k++)
            if (s->mapped[i][k][0])
                cJSON_AddStringToObject(f, stats_field_name((enum stats_field)k), s->mapped[i][k]);
        cJSON_AddItemToObject(o, "fields", f);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *over_time(const struct stats *s, int *per_day)
{
    struct stats_hour *h = xcalloc(STATS_HOURS, sizeof(*h));
    int n = stats_hours_sorted(s, h, STATS_HOURS);
    cJSON *a = cJSON_CreateArray();
    char iso[32];
    *per_day = n > 0 && h[n - 1].hour - h[0].hour >= 72;
    for (int i = 0; i < n;) {
        long long key = *per_day ? h[i].hour / 24 : h[i].hour;
        struct stats_counts c = {0};
        int j = i;
        while (j < n && (*per_day ? h[j].hour / 24 : h[j].hour) == key) {
            c.req += h[j].c.req;
            c.err += h[j].c.err;
            c.e429 += h[j].c.e429;
            c.e5xx += h[j].c.e5xx;
            j++;
        }
        cJSON *o = counts_obj(&c);
        stats_iso((double)key * (*per_day ? 86400 : 3600), iso, sizeof(iso));
        cJSON_AddStringToObject(o, "start", iso);
        cJSON_AddItemToArray(a, o);
        i = j;
    }
    free(h);
    return a;
}

static cJSON *hours24(const struct stats_counts *c)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < 24; i++) {
        cJSON *o = counts_obj(&c[i]);
        num(o, "hour", i);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *topk(const struct stats_topk *k, int limit)
{
    cJSON *a = cJSON_CreateArray();
    int used[STATS_TOPK] = {0};
    for (int r = 0; r < limit && r < k->n; r++) {
        int best = -1;
        for (int i = 0; i < k->n; i++)
            if (!used[i] && (best < 0 || k->item[i].count > k->item[best].count))
                best = i;
        used[best] = 1;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "id", k->item[best].key);
        cJSON_AddStringToObject(o, "value", k->item[best].key);
        num(o, "count", (double)k->item[best].count);
        num(o, "share", frac(k->item[best].count, k->total));
        if (k->item[best].over)
            num(o, "overestimate", (double)k->item[best].over);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *storm_obj(const struct stats_storm *w)
{
    cJSON *o = cJSON_CreateObject();
    char iso[32];
    if (w->requests == 0)
        return o;
    cJSON_AddStringToObject(o, "model", w->model);
    stats_iso(w->start, iso, sizeof(iso));
    cJSON_AddStringToObject(o, "start", iso);
    num(o, "window_s", round(w->window_s * 10) / 10);
    num(o, "requests", (double)w->requests);
    if (w->failed >= 0)
        num(o, "failed_429", (double)w->failed);
    return o;
}

static cJSON *latency(const long long *hist)
{
    cJSON *o = cJSON_CreateObject();
    long long n = stats_lat_count(hist);
    num(o, "count", (double)n);
    if (n > 0) {
        num(o, "p50", round(stats_latency_pct(hist, 50)));
        num(o, "p90", round(stats_latency_pct(hist, 90)));
        num(o, "p99", round(stats_latency_pct(hist, 99)));
    }
    return o;
}

static cJSON *quota(const struct stats *s)
{
    cJSON *o = cJSON_CreateObject(), *d = cJSON_CreateObject(), *t = cJSON_CreateObject();
    cJSON *l = cJSON_CreateObject();
    long long dims[DIM_COUNT];
    char clk[8];
    stats_dim_counts(s, dims);
    num(o, "total", (double)s->by_code[429]);
    for (int i = 0; i < DIM_COUNT; i++)
        num(d, stats_dim_name(i), (double)dims[i]);
    cJSON_AddItemToObject(o, "by_dimension", d);
    num(t, "free", (double)s->tier_free);
    num(t, "paid", (double)s->tier_paid);
    num(t, "unknown", (double)s->tier_unknown);
    cJSON_AddItemToObject(o, "tier", t);
    if (s->limit_rpm > 0)
        num(l, "rpm", (double)s->limit_rpm);
    if (s->limit_tpm > 0)
        num(l, "tpm", (double)s->limit_tpm);
    if (s->limit_rpd > 0)
        num(l, "rpd", (double)s->limit_rpd);
    cJSON_AddItemToObject(o, "limits", l);
    if (stats_rpm_observed(s) >= 0)
        num(o, "rpm_observed", (double)stats_rpm_observed(s));
    if (s->nrpd_days > 0) {
        cJSON *r = cJSON_CreateObject();
        int lo = 86400, hi = -1;
        for (int i = 0; i < s->nrpd_days; i++) {
            lo = s->rpd_sec[i] < lo ? s->rpd_sec[i] : lo;
            hi = s->rpd_sec[i] > hi ? s->rpd_sec[i] : hi;
        }
        num(r, "days", s->nrpd_days);
        stats_clock(stats_rpd_median(s), clk, sizeof(clk));
        cJSON_AddStringToObject(r, "median_pt", clk);
        stats_clock(lo, clk, sizeof(clk));
        cJSON_AddStringToObject(r, "earliest_pt", clk);
        stats_clock(hi, clk, sizeof(clk));
        cJSON_AddStringToObject(r, "latest_pt", clk);
        cJSON_AddItemToObject(o, "daily_runout", r);
    }
    return o;
}

static cJSON *sizes(const struct stats *s)
{
    cJSON *o = cJSON_CreateObject(), *a = cJSON_CreateArray();
    double share = 0, ratio = 0;
    for (int b = 0; b < STATS_NSIZE; b++) {
        cJSON *e = cJSON_CreateObject();
        num(e, "from", b == 0 ? 0 : (double)stats_size_edges[b - 1]);
        if (b < STATS_NSIZE - 1)
            num(e, "to", (double)stats_size_edges[b]);
        num(e, "requests", (double)s->size[b].req);
        num(e, "e500", (double)s->size[b].e500);
        num(e, "e504", (double)s->size[b].e504);
        num(e, "rate", frac(s->size[b].e500 + s->size[b].e504, s->size[b].req));
        cJSON_AddItemToArray(a, e);
    }
    cJSON_AddItemToObject(o, "buckets", a);
    long long cut = stats_cluster_size(s, &share, &ratio);
    if (cut > 0) {
        num(o, "cluster_above", (double)cut);
        num(o, "share_above", round(share * 1000) / 1000);
        if (!isinf(ratio))
            num(o, "rate_ratio", round(ratio * 10) / 10);
    }
    num(o, "e5xx_without_size", (double)s->e5xx_no_size);
    return o;
}

void stats_render_json(FILE *out, const struct stats *s, const struct stats_opts *o)
{
    cJSON *root = cJSON_CreateObject(), *a, *x;
    char iso[32];
    int per_day;

    if (o->rules_notice)
        cJSON_AddStringToObject(root, "rules_notice", o->rules_notice);
    cJSON_AddItemToObject(root, "inputs", inputs(s));
    num(root, "records", (double)s->records);
    num(root, "bad_lines", (double)s->bad);
    a = cJSON_CreateArray();
    for (int i = 0; i < s->nbad_first; i++) {
        char where[160];
        int f = s->bad_first[i].file;
        snprintf(where, sizeof(where), "%s:%lld", f < STATS_MAX_FILES ? s->files[f] : "?",
                 s->bad_first[i].line);
        cJSON_AddItemToArray(a, cJSON_CreateString(where));
    }
    cJSON_AddItemToObject(root, "bad_first", a);
    num(root, "truncated_inputs", (double)s->truncated);
    num(root, "without_time", (double)s->no_time);
    num(root, "filtered_out", (double)s->filtered);
    num(root, "not_requests", (double)s->not_request);
    num(root, "requests", (double)s->requests);
    num(root, "errors", (double)s->errors);
    num(root, "error_rate", round(frac(s->errors, s->requests) * 10000) / 10000);
    if (s->tmin <= s->tmax) {
        x = cJSON_CreateObject();
        stats_iso(s->tmin, iso, sizeof(iso));
        cJSON_AddStringToObject(x, "first", iso);
        stats_iso(s->tmax, iso, sizeof(iso));
        cJSON_AddStringToObject(x, "last", iso);
        cJSON_AddItemToObject(root, "span", x);
    }
    a = cJSON_CreateObject();
    for (int c = 0; c < 600; c++) {
        char id[12];
        if (!s->by_code[c])
            continue;
        x = cJSON_CreateObject();
        snprintf(id, sizeof(id), "%d", c);
        num(x, "count", (double)s->by_code[c]);
        num(x, "share", round(frac(s->by_code[c], s->requests) * 10000) / 10000);
        cJSON_AddItemToObject(a, c ? id : "none", x);
    }
    cJSON_AddItemToObject(root, "by_code", a);
    a = cJSON_CreateArray();
    for (int i = 0; i < s->ncauses; i++) {
        const struct stats_cause *c = &s->causes[i];
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "id", c->cause);
        cJSON_AddStringToObject(x, "cause", c->cause);
        if (c->rule[0])
            cJSON_AddStringToObject(x, "rule", c->rule);
        if (c->http)
            num(x, "http", c->http);
        if (c->dimension[0])
            cJSON_AddStringToObject(x, "dimension", c->dimension);
        if (c->tier[0])
            cJSON_AddStringToObject(x, "tier", c->tier);
        cJSON_AddBoolToObject(x, "retryable", c->retryable);
        num(x, "count", (double)c->count);
        num(x, "share", round(frac(c->count, s->errors) * 10000) / 10000);
        cJSON_AddItemToArray(a, x);
    }
    cJSON_AddItemToObject(root, "by_cause", a);
    x = cJSON_CreateObject();
    a = over_time(s, &per_day);
    cJSON_AddStringToObject(x, "bucket", per_day ? "day" : "hour");
    cJSON_AddItemToObject(x, "series", a);
    cJSON_AddItemToObject(root, "over_time", x);
    struct stats_hour peak;
    if (stats_peak_hour(s, &peak)) {
        x = counts_obj(&peak.c);
        stats_iso((double)peak.hour * 3600, iso, sizeof(iso));
        cJSON_AddStringToObject(x, "start", iso);
        cJSON_AddItemToObject(root, "peak_429_hour", x);
    }
    x = cJSON_CreateObject();
    cJSON_AddStringToObject(x, "reset_zone", s->reset_zone);
    cJSON_AddItemToObject(x, "pacific", hours24(s->hod_pt));
    if (s->have_tz) {
        cJSON_AddStringToObject(x, "tz", s->tz.name);
        cJSON_AddItemToObject(x, "local", hours24(s->hod_tz));
    }
    cJSON_AddItemToObject(root, "hour_of_day", x);
    cJSON_AddItemToObject(root, "quota_429", quota(s));
    cJSON_AddItemToObject(root, "prompt_size", sizes(s));
    if (o->by[0]) {
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "field", o->by);
        cJSON_AddItemToObject(x, "requests", topk(&s->by_req, 10));
        cJSON_AddItemToObject(x, "errors", topk(&s->by_err, 10));
        cJSON_AddItemToObject(x, "e429", topk(&s->by_429, 10));
        cJSON_AddItemToObject(root, "by", x);
    }
    x = cJSON_CreateObject();
    num(x, "early_requests", (double)s->early);
    num(x, "storms", (double)s->storms);
    cJSON_AddItemToObject(x, "worst_storm", storm_obj(&s->worst_storm));
    cJSON *r = cJSON_CreateObject();
    num(r, "requests", (double)s->rpd_after);
    num(r, "failed_429", (double)s->rpd_after_429);
    num(r, "bursts", (double)s->rpd_bursts);
    cJSON_AddItemToObject(r, "worst", storm_obj(&s->worst_rpd));
    cJSON_AddItemToObject(x, "after_daily_quota", r);
    cJSON_AddItemToObject(root, "retry", x);
    x = cJSON_CreateObject();
    num(x, "nonretryable", (double)s->nonretry);
    num(x, "repeats", (double)s->nonretry_repeat);
    num(x, "e400", (double)s->repeat_400);
    num(x, "e403", (double)s->repeat_403);
    num(x, "e404", (double)s->repeat_404);
    cJSON_AddItemToObject(root, "retried_nonretryable", x);
    x = cJSON_CreateObject();
    cJSON_AddItemToObject(x, "success", latency(s->lat_ok));
    cJSON_AddItemToObject(x, "failure", latency(s->lat_err));
    cJSON_AddItemToObject(root, "latency_ms", x);
    struct stats_reco reco[STATS_MAX_RECO];
    int nreco = stats_recommend(s, o, reco, STATS_MAX_RECO);
    a = cJSON_CreateArray();
    for (int i = 0; i < nreco; i++) {
        x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "id", reco[i].id);
        cJSON_AddStringToObject(x, "text", reco[i].text);
        cJSON_AddStringToObject(x, "figure", reco[i].figure);
        cJSON_AddItemToArray(a, x);
    }
    cJSON_AddItemToObject(root, "recommendations", a);
    x = cJSON_CreateObject();
    num(x, "error_rows", (double)s->classified);
    num(x, "cache_hits", (double)s->cache_hits);
    cJSON_AddItemToObject(root, "classifier", x);

    char *text = cJSON_Print(root);
    fputs(text, out);
    fputc('\n', out);
    free(text);
    cJSON_Delete(root);
}
