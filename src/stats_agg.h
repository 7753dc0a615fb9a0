/*
 * stats_agg: the aggregates of the `stats` command and the one function that
 * folds a classified request into them. Every table has a fixed size: the
 * memory used is the same for a thousand lines and for a billion. Top-k
 * values use the Space-Saving algorithm (exact while the distinct values fit,
 * an overestimate bound per value after that).
 *
 * struct stats is owned by the caller: stats_init() before use,
 * stats_release() after; nothing in it points outside itself.
 */
#ifndef GD_STATS_AGG_H
#define GD_STATS_AGG_H

#include <stdint.h>

#include "stats.h"
#include "tzrule.h"

#define STATS_TOPK 64         /* values tracked per top list */
#define STATS_HOURS (1 << 15) /* distinct clock hours kept (3.7 years) */
#define STATS_DAYS 1024       /* Pacific days whose quota run-out time is kept */
#define STATS_KEYS 64         /* models tracked for retry windows */
#define STATS_SEEN (1 << 14)  /* recent failing requests remembered */
#define STATS_CAUSES 64
#define STATS_NSIZE 14 /* prompt-size buckets (edges in stats_agg.c) */
#define STATS_LAT_NB 200
#define STATS_BAD_FIRST 5
#define STATS_RPM_SAMPLES 256
#define STATS_STORM_MIN 3 /* requests inside one retry window that make a storm */

struct stats_counts {
    long long req, err, e429, e5xx;
};

struct stats_topk_item {
    char key[96];
    long long count;
    long long over; /* how much count may overestimate */
};

struct stats_topk {
    struct stats_topk_item item[STATS_TOPK];
    int n;
    long long total;
};

struct stats_cause {
    char cause[32];
    char dimension[8];
    char tier[8];
    char rule[64];
    int http;
    int retryable;
    int chart; /* the cause's column in the 429 chart (enum stats_dim) */
    long long count;
};

struct stats_hour {
    long long hour; /* epoch hour; -1 for an empty slot */
    struct stats_counts c;
};

struct stats_key {
    char model[64];
    double last_t;
    /* the server's retry window after a 429 */
    double win_start, win_end;
    long long win_n;
    /* after a daily quota ran out, until midnight Pacific */
    double rpd_start, rpd_end;
    long long rpd_n, rpd_429;
    /* requests in the current minute, and before the first rpm 429 in it */
    long long minute, minute_n;
    int minute_hit;
};

struct stats_storm {
    char model[64];
    double start;
    double window_s;
    long long requests;
    long long failed;
};

struct stats_bad {
    int file;
    long long line;
};

#define STATS_MAX_FILES 16

struct stats {
    /* input: the first STATS_MAX_FILES files, their forms and mappings */
    char files[STATS_MAX_FILES][128];
    char forms[STATS_MAX_FILES][8];
    char mapped[STATS_MAX_FILES][SF_COUNT][64];
    int nfiles;
    long long truncated;
    long long records, bad, no_time, filtered, not_request;
    struct stats_bad bad_first[STATS_BAD_FIRST];
    int nbad_first;
    int has_tokens, has_latency, has_by; /* a field seen in at least one record */
    /* totals */
    long long requests, errors;
    long long by_code[600];
    struct stats_cause causes[STATS_CAUSES];
    int ncauses;
    long long causes_other;
    /* time */
    double tmin, tmax;
    struct stats_hour *hours; /* STATS_HOURS slots, open addressing */
    long long hours_dropped;
    /* the zone and local time of the daily quota reset (from the rules) */
    struct tz_rule reset_tz;
    long reset_local_s;
    long long off_hour, tz_off_hour; /* the hour the cached offsets are for */
    long off, tz_off;
    char reset_zone[64];  /* "America/Los_Angeles" */
    char reset_label[64]; /* "midnight Pacific time" */
    struct stats_counts hod_pt[24], hod_tz[24];
    struct stats_tz tz;
    int have_tz;
    /* daily quota run-outs: the Pacific day and the second of that day of
     * its first daily-quota 429 */
    long long rpd_day[STATS_DAYS];
    int rpd_sec[STATS_DAYS];
    int nrpd_days;
    /* quota 429s by tier */
    long long tier_free, tier_paid, tier_unknown;
    long long limit_rpm, limit_tpm, limit_rpd; /* largest limit named in errors, -1 */
    /* requests before the first rpm 429 of a minute (per model) */
    long long rpm_seen[STATS_RPM_SAMPLES];
    int nrpm_seen;
    long long rpm_minutes;
    /* prompt size */
    struct {
        long long req, e500, e504;
    } size[STATS_NSIZE];
    long long e5xx_no_size;
    /* --by */
    struct stats_topk by_req, by_err, by_429;
    /* latency, ms, log buckets */
    long long lat_ok[STATS_LAT_NB], lat_err[STATS_LAT_NB];
    /* retry storms */
    struct stats_key keys[STATS_KEYS];
    int nkeys;
    long long early, storms, rpd_after, rpd_after_429, rpd_bursts;
    struct stats_storm worst_storm, worst_rpd;
    /* retried requests that cannot succeed */
    struct {
        uint64_t h;
        double t;
    } * seen;
    long long nonretry, nonretry_repeat, repeat_400, repeat_403, repeat_404;
    /* the classifier's work */
    long long classified, cache_hits;
};

/* One request, its fields parsed, ready to be counted. */
struct stats_req {
    double t; /* epoch seconds */
    int has_t;
    int http;     /* 0 unknown */
    int is_error; /* a failed request (then v is set) */
    const char *model;
    const char *by;
    long long tokens;  /* -1 unknown */
    double latency_ms; /* -1 unknown */
    uint64_t ident;    /* the request's identity, for repeats */
    const struct stats_verdict *v;
};

void stats_init(struct stats *s);
void stats_release(struct stats *s);
void stats_add(struct stats *s, const struct stats_req *r);
/* Close the open retry windows (call once, after the last record). */
void stats_finish(struct stats *s);
void stats_bad_line(struct stats *s, int file, long long line);

/* Figures the renderers share, computed from the aggregates. */
extern const long long stats_size_edges[STATS_NSIZE - 1];
double stats_latency_pct(const long long *hist, double pct); /* -1 when empty */
long long stats_lat_count(const long long *hist);
/* The prompt size above which 500/504s cluster, or -1; *share gets the
 * share of those errors above it, *ratio the error rate above over below. */
long long stats_cluster_size(const struct stats *s, double *share, double *ratio);
/* Median of the daily quota run-out times, seconds into the Pacific day. */
int stats_rpd_median(const struct stats *s);
long long stats_rpm_observed(const struct stats *s); /* median, -1 when none */
/* Iterate the hours in time order: fills out (cap entries), returns count. */
int stats_hours_sorted(const struct stats *s, struct stats_hour *out, int cap);

#endif
