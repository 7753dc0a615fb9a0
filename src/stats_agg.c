/*
 * stats_agg: folds classified requests into the bounded aggregates of
 * stats_agg.h, and computes the figures derived from them (percentiles, the
 * prompt size where server errors cluster, the usual time a daily quota runs
 * out). It reads only struct stats_req: it never sees raw input.
 */
#include "stats_agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "util.h"

const long long stats_size_edges[STATS_NSIZE - 1] = {
    1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 200000, 256000, 500000, 1000000, 2000000,
};

/* Latency buckets: bucket i holds [LAT_BASE^i, LAT_BASE^(i+1)) ms. */
#define LAT_BASE 1.1

void stats_init(struct stats *s)
{
    memset(s, 0, sizeof(*s));
    s->hours = xcalloc(STATS_HOURS, sizeof(*s->hours));
    for (int i = 0; i < STATS_HOURS; i++)
        s->hours[i].hour = -1;
    s->seen = xcalloc(STATS_SEEN, sizeof(*s->seen));
    s->limit_rpm = s->limit_tpm = s->limit_rpd = -1;
    s->tmin = INFINITY;
    s->off_hour = s->tz_off_hour = -1;
    s->tmax = -INFINITY;
}

void stats_release(struct stats *s)
{
    free(s->hours);
    free(s->seen);
    s->hours = NULL;
    s->seen = NULL;
}

void stats_bad_line(struct stats *s, int file, long long line)
{
    s->bad++;
    if (s->nbad_first < STATS_BAD_FIRST) {
        s->bad_first[s->nbad_first].file = file;
        s->bad_first[s->nbad_first].line = line;
        s->nbad_first++;
    }
}

/* Space-Saving: a value not tracked replaces the smallest counter and
 * inherits its count as the bound of its overestimate. */
static void topk_add(struct stats_topk *k, const char *key, long long n)
{
    int min = 0;
    k->total += n;
    for (int i = 0; i < k->n; i++) {
        if (strcmp(k->item[i].key, key) == 0) {
            k->item[i].count += n;
            return;
        }
        if (k->item[i].count < k->item[min].count)
            min = i;
    }
    if (k->n < STATS_TOPK) {
        stats_copy(k->item[k->n].key, sizeof(k->item[k->n].key), key);
        k->item[k->n].count = n;
        k->item[k->n].over = 0;
        k->n++;
        return;
    }
    k->item[min].over = k->item[min].count;
    k->item[min].count += n;
    stats_copy(k->item[min].key, sizeof(k->item[min].key), key);
}

static void counts_add(struct stats_counts *c, const struct stats_req *r)
{
    c->req++;
    if (r->is_error) {
        c->err++;
        if (r->http == 429)
            c->e429++;
        if (r->http >= 500 && r->http < 600)
            c->e5xx++;
    }
}

static void hour_add(struct stats *s, const struct stats_req *r)
{
    long long hour = (long long)floor(r->t / 3600.0);
    uint64_t h = (uint64_t)hour * 0x9E3779B97F4A7C15ull;
    for (int probe = 0; probe < 64; probe++) {
        struct stats_hour *slot = &s->hours[(h >> 40) % STATS_HOURS];
        if (slot->hour == hour || slot->hour < 0) {
            slot->hour = hour;
            counts_add(&slot->c, r);
            return;
        }
        h += 0x9E3779B97F4A7C15ull;
    }
    s->hours_dropped++;
}

static void cause_add(struct stats *s, const struct stats_req *r)
{
    const struct stats_verdict *v = r->v;
    for (int i = 0; i < s->ncauses; i++) {
        struct stats_cause *c = &s->causes[i];
        if (c->http == r->http && strcmp(c->cause, v->cause) == 0 &&
            strcmp(c->dimension, v->dimension) == 0 && strcmp(c->rule, v->rule) == 0) {
            c->count++;
            return;
        }
    }
    if (s->ncauses == STATS_CAUSES) {
        s->causes_other++;
        return;
    }
    struct stats_cause *c = &s->causes[s->ncauses++];
    stats_copy(c->cause, sizeof(c->cause), v->cause);
    stats_copy(c->dimension, sizeof(c->dimension), v->dimension);
    stats_copy(c->tier, sizeof(c->tier), v->tier);
    stats_copy(c->rule, sizeof(c->rule), v->rule);
    c->http = r->http;
    c->retryable = v->retryable;
    c->chart = v->chart;
    c->count = 1;
}

static struct stats_key *key_for(struct stats *s, const char *model)
{
    const char *m = model && *model ? model : "(no model)";
    for (int i = 0; i < s->nkeys; i++)
        if (strcmp(s->keys[i].model, m) == 0)
            return &s->keys[i];
    if (s->nkeys == STATS_KEYS)
        return NULL;
    struct stats_key *k = &s->keys[s->nkeys++];
    memset(k, 0, sizeof(*k));
    stats_copy(k->model, sizeof(k->model), m);
    k->minute = -1;
    return k;
}

static void storm_keep(struct stats_storm *worst, const struct stats_key *k, double start,
                       double window, long long n, long long failed)
{
    if (n <= worst->requests)
        return;
    stats_copy(worst->model, sizeof(worst->model), k->model);
    worst->start = start;
    worst->window_s = window;
    worst->requests = n;
    worst->failed = failed;
}

static void close_window(struct stats *s, struct stats_key *k)
{
    if (k->win_n >= STATS_STORM_MIN) {
        s->storms++;
        storm_keep(&s->worst_storm, k, k->win_start, k->win_end - k->win_start, k->win_n, -1);
    }
    k->win_n = 0;
    k->win_end = 0;
}

static void close_rpd(struct stats *s, struct stats_key *k)
{
    if (k->rpd_n >= STATS_STORM_MIN) {
        s->rpd_bursts++;
        storm_keep(&s->worst_rpd, k, k->rpd_start, k->rpd_end - k->rpd_start, k->rpd_n, k->rpd_429);
    }
    k->rpd_n = k->rpd_429 = 0;
    k->rpd_end = 0;
}

static void rpd_runout(struct stats *s, double t)
{
    long long local = (long long)t + tz_offset_at(&s->reset_tz, (time_t)t);
    long long day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int sec = (int)(local - day * 86400);
    for (int i = s->nrpd_days - 1; i >= 0; i--) {
        if (s->rpd_day[i] == day) {
            if (sec < s->rpd_sec[i])
                s->rpd_sec[i] = sec;
            return;
        }
    }
    if (s->nrpd_days < STATS_DAYS) {
        s->rpd_day[s->nrpd_days] = day;
        s->rpd_sec[s->nrpd_days] = sec;
        s->nrpd_days++;
    }
}

/* The retry windows of one model: requests sent while the server had said to
 * wait, and requests sent after the daily quota ran out, before its reset. */
static void retry_track(struct stats *s, const struct stats_req *r)
{
    struct stats_key *k = key_for(s, r->model);
    const struct stats_verdict *v = r->is_error ? r->v : NULL;
    if (!k)
        return;
    k->last_t = r->t;
    if (k->win_end > 0 && r->t >= k->win_end)
        close_window(s, k);
    if (k->win_end > 0 && r->t > k->win_start && r->t < k->win_end) {
        s->early++;
        k->win_n++;
    }
    if (k->rpd_end > 0 && r->t >= k->rpd_end)
        close_rpd(s, k);
    if (k->rpd_end > 0 && r->t > k->rpd_start) {
        s->rpd_after++;
        k->rpd_n++;
        if (r->http == 429) {
            s->rpd_after_429++;
            k->rpd_429++;
        }
    }
    /* rpm: how many requests the minute held before its first rpm 429 */
    long long minute = (long long)floor(r->t / 60.0);
    if (minute != k->minute) {
        k->minute = minute;
        k->minute_n = 0;
        k->minute_hit = 0;
    }
    if (v && r->http == 429 && strcmp(v->dimension, "rpm") == 0 && !k->minute_hit) {
        k->minute_hit = 1;
        s->rpm_minutes++;
        if (s->nrpm_seen < STATS_RPM_SAMPLES)
            s->rpm_seen[s->nrpm_seen++] = k->minute_n;
    }
    k->minute_n++;
    if (!v || r->http != 429)
        return;
    if (strcmp(v->dimension, "rpd") == 0) {
        rpd_runout(s, r->t);
        if (k->rpd_end == 0) {
            k->rpd_start = r->t;
            k->rpd_end =
                (double)tz_next_local_time(&s->reset_tz, (time_t)r->t, s->reset_local_s, NULL, 0);
        }
    } else if (v->retry_after_s > 0 && k->win_end == 0) {
        k->win_start = r->t;
        k->win_end = r->t + v->retry_after_s;
    }
}

/* A request that cannot succeed (400, 403, 404, not retryable) seen again:
 * the same model, --by value and error, within an hour. */
static void repeat_track(struct stats *s, const struct stats_req *r)
{
    int http = r->http;
    if (!r->is_error || r->v->retryable || (http != 400 && http != 403 && http != 404))
        return;
    s->nonretry++;
    uint64_t h = r->ident ? r->ident : 1;
    size_t slot = (size_t)(h % STATS_SEEN);
    if (s->seen[slot].h == h && (!r->has_t || r->t - s->seen[slot].t <= 3600.0)) {
        s->nonretry_repeat++;
        if (http == 400)
            s->repeat_400++;
        else if (http == 403)
            s->repeat_403++;
        else
            s->repeat_404++;
    }
    s->seen[slot].h = h;
    s->seen[slot].t = r->has_t ? r->t : 0;
}

static int size_bucket(long long tokens)
{
    int b = 0;
    while (b < STATS_NSIZE - 1 && tokens >= stats_size_edges[b])
        b++;
    return b;
}

static int lat_bucket(double ms)
{
    if (ms < 1)
        return 0;
    int b = (int)(log(ms) / log(LAT_BASE)) + 1;
    return b >= STATS_LAT_NB ? STATS_LAT_NB - 1 : b;
}

static void tier_limit(struct stats *s, const struct stats_verdict *v)
{
    if (strcmp(v->tier, "free") == 0)
        s->tier_free++;
    else if (strcmp(v->tier, "paid") == 0)
        s->tier_paid++;
    else
        s->tier_unknown++;
    long long *lim = NULL;
    if (strcmp(v->dimension, "rpm") == 0)
        lim = &s->limit_rpm;
    else if (strcmp(v->dimension, "tpm") == 0)
        lim = &s->limit_tpm;
    else if (strcmp(v->dimension, "rpd") == 0)
        lim = &s->limit_rpd;
    if (lim && v->limit > *lim)
        *lim = v->limit;
}

void stats_add(struct stats *s, const struct stats_req *r)
{
    s->requests++;
    if (r->http > 0 && r->http < 600)
        s->by_code[r->http]++;
    else
        s->by_code[0]++;
    if (r->is_error) {
        s->errors++;
        cause_add(s, r);
        if (r->http == 429)
            tier_limit(s, r->v);
    }
    if (r->has_t) {
        struct stats_counts *c;
        time_t t = (time_t)r->t;
        /* Offsets change on the hour (DST switches do): ask once an hour. */
        long long hour = (long long)t / 3600;
        if (hour != s->off_hour) {
            s->off_hour = hour;
            s->off = tz_offset_at(&s->reset_tz, t);
        }
        long long pt = ((long long)t + s->off) % 86400;
        if (r->t < s->tmin)
            s->tmin = r->t;
        if (r->t > s->tmax)
            s->tmax = r->t;
        hour_add(s, r);
        c = &s->hod_pt[(pt < 0 ? pt + 86400 : pt) / 3600];
        counts_add(c, r);
        if (s->have_tz) {
            if (hour != s->tz_off_hour) {
                s->tz_off_hour = hour;
                s->tz_off = stats_tz_offset(&s->tz, t);
            }
            long long lt = ((long long)t + s->tz_off) % 86400;
            counts_add(&s->hod_tz[(lt < 0 ? lt + 86400 : lt) / 3600], r);
        }
        retry_track(s, r);
    }
    if (r->tokens >= 0) {
        int b = size_bucket(r->tokens);
        s->has_tokens = 1;
        s->size[b].req++;
        if (r->is_error && r->http == 500)
            s->size[b].e500++;
        if (r->is_error && r->http == 504)
            s->size[b].e504++;
    } else if (r->is_error && (r->http == 500 || r->http == 504)) {
        s->e5xx_no_size++;
    }
    if (r->latency_ms >= 0) {
        s->has_latency = 1;
        if (r->is_error)
            s->lat_err[lat_bucket(r->latency_ms)]++;
        else
            s->lat_ok[lat_bucket(r->latency_ms)]++;
    }
    if (r->by) {
        s->has_by = 1;
        topk_add(&s->by_req, r->by, 1);
        if (r->is_error)
            topk_add(&s->by_err, r->by, 1);
        if (r->is_error && r->http == 429)
            topk_add(&s->by_429, r->by, 1);
    }
    repeat_track(s, r);
}

static int cmp_cause(const void *a, const void *b)
{
    const struct stats_cause *x = a, *y = b;
    return (x->count < y->count) - (x->count > y->count);
}

/* buf (size bytes) as it may be shown: a key in it masked. */
static void redact_in_place(char *buf, size_t size)
{
    char *shown = key_redact(buf);
    stats_copy(buf, size, shown);
    free(shown);
}

static void redact_topk(struct stats_topk *k)
{
    for (int i = 0; i < k->n; i++)
        redact_in_place(k->item[i].key, sizeof(k->item[i].key));
}

void stats_finish(struct stats *s)
{
    qsort(s->causes, (size_t)s->ncauses, sizeof(s->causes[0]), cmp_cause);
    for (int i = 0; i < s->nkeys; i++) {
        struct stats_key *k = &s->keys[i];
        if (k->win_end > 0)
            close_window(s, k);
        if (k->rpd_end > 0)
            close_rpd(s, k);
    }
    /* The strings every report shows come from the log: a --by field or
     * a model column may hold an API key (logs keyed by the key used).
     * Masked once here, every renderer and the TUI get them safe. */
    redact_topk(&s->by_req);
    redact_topk(&s->by_err);
    redact_topk(&s->by_429);
    for (int i = 0; i < s->nkeys; i++)
        redact_in_place(s->keys[i].model, sizeof(s->keys[i].model));
    redact_in_place(s->worst_storm.model, sizeof(s->worst_storm.model));
    redact_in_place(s->worst_rpd.model, sizeof(s->worst_rpd.model));
}

long long stats_lat_count(const long long *hist)
{
    long long n = 0;
    for (int i = 0; i < STATS_LAT_NB; i++)
        n += hist[i];
    return n;
}

double stats_latency_pct(const long long *hist, double pct)
{
    long long n = stats_lat_count(hist), acc = 0;
    if (n == 0)
        return -1;
    long long want = (long long)ceil(pct / 100.0 * (double)n);
    if (want < 1)
        want = 1;
    for (int i = 0; i < STATS_LAT_NB; i++) {
        acc += hist[i];
        if (acc >= want) {
            if (i == 0)
                return 1;
            /* the geometric middle of the bucket */
            return pow(LAT_BASE, (double)i - 0.5);
        }
    }
    return pow(LAT_BASE, STATS_LAT_NB);
}

long long stats_cluster_size(const struct stats *s, double *share, double *ratio)
{
    long long total_err = 0, total_req = 0;
    long long best = -1;
    for (int b = 0; b < STATS_NSIZE; b++) {
        total_err += s->size[b].e500 + s->size[b].e504;
        total_req += s->size[b].req;
    }
    if (total_err < 3)
        return -1;
    /* The largest edge with at least 90% of the server errors above it and
     * an error rate above it at least three times the rate below. */
    long long below_err = 0, below_req = 0;
    for (int e = 0; e < STATS_NSIZE - 1; e++) {
        below_err += s->size[e].e500 + s->size[e].e504;
        below_req += s->size[e].req;
        long long above_err = total_err - below_err, above_req = total_req - below_req;
        if (above_req == 0 || below_req == 0)
            continue;
        double sh = (double)above_err / (double)total_err;
        double ra = (double)above_err / (double)above_req;
        double rb = (double)below_err / (double)below_req;
        if (sh >= 0.9 && (rb == 0 || ra >= 3 * rb)) {
            best = stats_size_edges[e];
            *share = sh;
            *ratio = rb > 0 ? ra / rb : INFINITY;
        }
    }
    return best;
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_ll(const void *a, const void *b)
{
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int stats_rpd_median(const struct stats *s)
{
    int tmp[STATS_DAYS];
    if (s->nrpd_days == 0)
        return -1;
    memcpy(tmp, s->rpd_sec, sizeof(int) * (size_t)s->nrpd_days);
    qsort(tmp, (size_t)s->nrpd_days, sizeof(int), cmp_int);
    return tmp[s->nrpd_days / 2];
}

long long stats_rpm_observed(const struct stats *s)
{
    long long tmp[STATS_RPM_SAMPLES];
    if (s->nrpm_seen == 0)
        return -1;
    memcpy(tmp, s->rpm_seen, sizeof(long long) * (size_t)s->nrpm_seen);
    qsort(tmp, (size_t)s->nrpm_seen, sizeof(long long), cmp_ll);
    return tmp[s->nrpm_seen / 2];
}

static int cmp_hour(const void *a, const void *b)
{
    const struct stats_hour *x = a, *y = b;
    return (x->hour > y->hour) - (x->hour < y->hour);
}

int stats_hours_sorted(const struct stats *s, struct stats_hour *out, int cap)
{
    int n = 0;
    for (int i = 0; i < STATS_HOURS && n < cap; i++)
        if (s->hours[i].hour >= 0)
            out[n++] = s->hours[i];
    qsort(out, (size_t)n, sizeof(*out), cmp_hour);
    return n;
}
