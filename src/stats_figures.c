/*
 * stats_figures: the derived figures every renderer of the stats report
 * shows in the same words: the 429 dimension of a cause, clock labels, the
 * busiest hour, and the recommendations, each computed
 * from the aggregates with the figure behind it.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diagnosis.h"
#include "rules.h"
#include "stats_report.h"

/* A client-side limit is set at this share of the limit being hit. */
#define CLIENT_SHARE 0.8
#define CLIENT_SHARE_PCT "80"

#define X(id, label) label,
static const char *const dim_names[] = {STATS_DIMS(X)};
#undef X

const char *stats_dim_name(int d)
{
    return dim_names[d];
}

int stats_dim_of(const struct cause_info *cause)
{
    const char *name = !cause ? NULL : cause->stats_column ? cause->stats_column : cause->dimension;
    for (int d = 0; name && d < DIM_OTHER; d++)
        if (strcmp(name, dim_names[d]) == 0)
            return d;
    return DIM_OTHER;
}

void stats_dim_counts(const struct stats *s, long long out[DIM_COUNT])
{
    memset(out, 0, sizeof(long long) * DIM_COUNT);
    for (int i = 0; i < s->ncauses; i++)
        if (s->causes[i].http == 429)
            out[s->causes[i].chart] += s->causes[i].count;
}

void stats_clock(int sec, char *out, size_t size)
{
    snprintf(out, size, "%02d:%02d", sec / 3600, sec / 60 % 60);
}

void stats_iso(double t, char *out, size_t size)
{
    time_t tt = (time_t)floor(t);
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int stats_peak_hour(const struct stats *s, struct stats_hour *peak)
{
    int found = 0;
    for (int i = 0; i < STATS_HOURS; i++) {
        const struct stats_hour *h = &s->hours[i];
        if (h->hour < 0)
            continue;
        if (!found || h->c.e429 > peak->c.e429 ||
            (h->c.e429 == peak->c.e429 && h->hour < peak->hour)) {
            *peak = *h;
            found = 1;
        }
    }
    return found && peak->c.e429 > 0;
}

/* Add recommendation id with its figure and the text the rules give key
 * (id, or id/variant), its placeholders filled from vars (name, value
 * pairs, NULL-terminated). Without a text in the data nothing is added. */
static void add(const struct stats_opts *o, struct stats_reco *out, int cap, int *n,
                const char *key, const char *figure, const char *const *vars)
{
    const char *slash = strchr(key, '/');
    size_t idlen = slash ? (size_t)(slash - key) : strlen(key);
    char *text;

    if (*n >= cap)
        return;
    text = rules_stats_advice(o->rt, key, vars);
    if (!text)
        return;
    snprintf(out[*n].id, sizeof(out[*n].id), "%.*s", (int)idlen, key);
    snprintf(out[*n].figure, sizeof(out[*n].figure), "%s", figure);
    snprintf(out[*n].text, sizeof(out[*n].text), "%s", text);
    free(text);
    (*n)++;
}

int stats_recommend(const struct stats *s, const struct stats_opts *o, struct stats_reco *out,
                    int cap)
{
    long long dims[DIM_COUNT], q429;
    char fig[320], a[32], b[32];
    int n = 0;
    double share, ratio;

    stats_dim_counts(s, dims);
    q429 = s->by_code[429];

    /* A client-side limit at 80% of the per-minute limit being hit. */
    if (dims[DIM_RPM] > 0) {
        long long lim = s->limit_rpm > 0 ? s->limit_rpm : stats_rpm_observed(s);
        if (lim > 0) {
            long long target = (long long)floor((double)lim * CLIENT_SHARE);
            if (target < 1)
                target = 1;
            snprintf(fig, sizeof(fig), "%lld per-minute 429s; limit %lld requests/min (%s)",
                     dims[DIM_RPM], lim,
                     s->limit_rpm > 0 ? "named in the errors" : "median sent before the first 429");
            const char *vars[] = {"target", a, "share", CLIENT_SHARE_PCT, "limit", b, NULL};
            snprintf(a, sizeof(a), "%lld", target);
            snprintf(b, sizeof(b), "%lld", lim);
            add(o, out, cap, &n, "client-rate-limit", fig, vars);
        }
    }
    if (dims[DIM_TPM] > 0) {
        snprintf(fig, sizeof(fig), "%lld tokens-per-minute 429s", dims[DIM_TPM]);
        if (s->limit_tpm > 0) {
            const char *vars[] = {"target", a, "share", CLIENT_SHARE_PCT, "limit", b, NULL};
            snprintf(a, sizeof(a), "%lld", (long long)floor((double)s->limit_tpm * CLIENT_SHARE));
            snprintf(b, sizeof(b), "%lld", s->limit_tpm);
            add(o, out, cap, &n, "client-token-limit", fig, vars);
        } else {
            add(o, out, cap, &n, "client-token-limit/pace", fig, NULL);
        }
    }
    /* Bulk traffic: daily or token quotas running out. */
    if (dims[DIM_RPD] + dims[DIM_TPM] > 0) {
        const struct stats_topk_item *top = NULL;
        for (int i = 0; i < s->by_429.n; i++)
            if (!top || s->by_429.item[i].count > top->count)
                top = &s->by_429.item[i];
        if (top && s->by_429.total > 0 && top->count * 2 > s->by_429.total) {
            snprintf(fig, sizeof(fig), "%s=%s sent %lld of %lld 429s (%.0f%%)", o->by, top->key,
                     top->count, s->by_429.total,
                     100.0 * (double)top->count / (double)s->by_429.total);
            const char *vars[] = {"by", o->by, "key", top->key, NULL};
            add(o, out, cap, &n, "batch-api/one-key", fig, vars);
        } else {
            snprintf(fig, sizeof(fig), "%lld daily and %lld token quota 429s", dims[DIM_RPD],
                     dims[DIM_TPM]);
            add(o, out, cap, &n, "batch-api", fig, NULL);
        }
    }
    long long cut = stats_cluster_size(s, &share, &ratio);
    if (cut > 0) {
        if (isinf(ratio))
            snprintf(fig, sizeof(fig), "%.0f%% of 500/504s above %lld input tokens, none below",
                     share * 100, cut);
        else
            snprintf(fig, sizeof(fig), "%.0f%% of 500/504s above %lld input tokens; %.1fx the rate",
                     share * 100, cut, ratio);
        const char *vars[] = {"tokens", a, NULL};
        snprintf(a, sizeof(a), "%lld", cut);
        add(o, out, cap, &n, "smaller-context", fig, vars);
    }
    if (s->nonretry_repeat > 0) {
        snprintf(fig, sizeof(fig), "%lld repeats of requests that failed 400/403/404",
                 s->nonretry_repeat);
        add(o, out, cap, &n, "stop-retrying", fig, NULL);
    }
    if (s->rpd_after > 0) {
        snprintf(fig, sizeof(fig), "%lld requests after a daily quota ran out, %lld failed 429",
                 s->rpd_after, s->rpd_after_429);
        const char *vars[] = {"reset", s->reset_label, NULL};
        add(o, out, cap, &n, "stop-after-daily-quota", fig, vars);
    }
    if (s->early > 0) {
        snprintf(fig, sizeof(fig), "%lld requests inside the server's retry delay (%lld storms)",
                 s->early, s->storms);
        add(o, out, cap, &n, "honour-retry-delay", fig, NULL);
    }
    if (q429 > 0 && s->tier_free > 0 && s->tier_paid == 0) {
        snprintf(fig, sizeof(fig), "%lld of %lld quota 429s on free-tier quotas, none paid",
                 s->tier_free, s->tier_free + s->tier_unknown);
        add(o, out, cap, &n, "link-billing", fig, NULL);
    }
    return n;
}
