/*
 * diagnosis: turns evidence and the rule it matched into the verdict the
 * user sees: the cause, whether retrying soon can help, how long to wait
 * (the server's delay, the next daily reset at midnight Pacific time, or the
 * rule's backoff plan), the quota details, and the steps with their
 * placeholders filled. It decides no cause itself: rules_match() does.
 *
 * Pacific time is computed here from the US daylight-saving rules (second
 * Sunday of March to first Sunday of November, switching at 02:00 local),
 * without the system's time zone database, so results do not depend on the
 * machine's TZ setup.
 */
#include "diagnosis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "rules.h"
#include "util.h"

/* A server delay longer than this is not "retry soon". */
#define RETRY_SOON_MAX_S 300.0

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* Day number of the n-th Sunday (n >= 1) of month m in year y. */
static long long nth_sunday(long long y, int m, int n)
{
    long long first = days_from_civil(y, m, 1);
    /* 1970-01-01 was a Thursday: weekday 0 = Sunday gives (days + 4) mod 7. */
    long long wd = ((first + 4) % 7 + 7) % 7;
    return first + (7 - wd) % 7 + 7LL * (n - 1);
}

/* UTC offset of America/Los_Angeles at epoch second t, in seconds. */
static long long pacific_offset(long long t)
{
    long long y;
    int m, d;
    civil_from_days(floor_div(t, 86400), &y, &m, &d);
    /* DST starts at 02:00 PST (10:00 UTC) and ends at 02:00 PDT (09:00 UTC). */
    long long start = nth_sunday(y, 3, 2) * 86400 + 10 * 3600;
    long long end = nth_sunday(y, 11, 1) * 86400 + 9 * 3600;
    return (t >= start && t < end) ? -7 * 3600 : -8 * 3600;
}

time_t next_pacific_midnight(time_t now, char *iso, size_t size)
{
    long long t = (long long)now;
    long long local = t + pacific_offset(t);
    long long day = floor_div(local, 86400) + 1;
    long long midnight_local = day * 86400;
    /* Midnight is never inside a switch (those happen at 02:00), so one of
     * the two offsets is consistent with itself. */
    long long utc = midnight_local + 8 * 3600;
    long long off = -8 * 3600;
    if (pacific_offset(utc) != off) {
        off = -7 * 3600;
        utc = midnight_local + 7 * 3600;
    }
    if (iso && size > 0) {
        long long y;
        int m, d;
        civil_from_days(day, &y, &m, &d);
        snprintf(iso, size, "%04lld-%02d-%02dT00:00:00-%02lld:00", y, m, d, -off / 3600);
    }
    return (time_t)utc;
}

/* "2 s", "37.5 s", "4m10s", "20h0m" */
static void fmt_duration(double s, char *out, size_t size)
{
    if (s < 0)
        s = 0;
    if (s < 120) {
        if (s != floor(s))
            snprintf(out, size, "%.1f s", s);
        else
            snprintf(out, size, "%.0f s", s);
        return;
    }
    long long t = (long long)ceil(s);
    if (t < 3600)
        snprintf(out, size, "%lldm%llds", t / 60, t % 60);
    else
        snprintf(out, size, "%lldh%lldm", t / 3600, (t % 3600) / 60);
}

static const char *first_model(const struct evidence *ev)
{
    if (ev->model && ev->model[0])
        return ev->model;
    for (int i = 0; i < ev->nquota; i++)
        if (ev->quota[i].model && ev->quota[i].model[0])
            return ev->quota[i].model;
    return NULL;
}

/* Does a quota id or metric contain needle? Without structured violations,
 * the raw text is searched as written (the same fallback as matching). */
static int quota_has(const struct evidence *ev, const char *needle)
{
    size_t n = strlen(needle);
    if (ev->nquota == 0)
        return ev->text && gd_memcasemem(ev->text, strlen(ev->text), needle, n) != NULL;
    for (int i = 0; i < ev->nquota; i++) {
        const char *id = ev->quota[i].quota_id, *metric = ev->quota[i].quota_metric;
        if (id && gd_memcasemem(id, strlen(id), needle, n))
            return 1;
        if (metric && gd_memcasemem(metric, strlen(metric), needle, n))
            return 1;
    }
    return 0;
}

static const char *dimension_of(const char *cause, const struct evidence *ev)
{
    if (strcmp(cause, "quota-rpm") == 0)
        return "rpm";
    if (strcmp(cause, "quota-tpm") == 0)
        return "tpm";
    if (strcmp(cause, "quota-rpd") == 0)
        return "rpd";
    if (strcmp(cause, "quota-spend") == 0)
        return "spend";
    if (strncmp(cause, "quota-", 6) != 0)
        return NULL;
    /* quota-zero and quota-unknown: the dimension, if any, is in the id or
     * the metric (ids say PerDay, metrics per_day). */
    if (quota_has(ev, "PerDay") || quota_has(ev, "per_day"))
        return "rpd";
    if (quota_has(ev, "Token"))
        return "tpm";
    if (quota_has(ev, "PerMinute") || quota_has(ev, "PerSecond") || quota_has(ev, "per_minute") ||
        quota_has(ev, "per_second"))
        return "rpm";
    return NULL;
}

static void fill_quota(struct diagnosis *d)
{
    const struct evidence *ev = &d->ev;
    for (int i = 0; i < ev->nquota && !d->quota_id; i++)
        if (ev->quota[i].quota_id && ev->quota[i].quota_id[0])
            d->quota_id = ev->quota[i].quota_id;
    d->limit = ev->limit;
    for (int i = 0; i < ev->nquota && d->limit < 0; i++)
        if (ev->quota[i].value >= 0)
            d->limit = ev->quota[i].value;
    if (quota_has(ev, "FreeTier") || quota_has(ev, "free_tier"))
        d->tier = "free";
    else if (d->quota_id)
        d->tier = "paid";
}

static int model_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

/* The model a message tells the user to switch to: "Please update your code
 * to use models/gemini-3.6-flash", "Consider switching to different model,
 * for example gemini-1.5-flash". The name must follow one of these verbs,
 * with "models/" or a Gemini/Gemma name right after, and differ from the
 * model the error is about. A suggestion that the table knows is shut by now
 * is replaced by its successor. Writes "" when there is none. */
static void find_suggested(const struct rule_table *t, const struct diagnosis *d, char *out,
                           size_t size)
{
    static const char *const verbs[] = {"to use ",      "please use ",   "instead use ",
                                        "switch to ",   "switching to ", "migrate to ",
                                        "for example ", "upgrade to ",   "move to "};
    const char *texts[2] = {d->ev.message, d->ev.text};
    const char *self = first_model(&d->ev);

    out[0] = '\0';
    for (size_t k = 0; k < 2; k++) {
        const char *s = texts[k];
        size_t sn = s ? strlen(s) : 0;
        for (size_t v = 0; s && v < ARRAY_SIZE(verbs); v++) {
            size_t vn = strlen(verbs[v]);
            const char *p = s;
            while ((p = gd_memcasemem(p, sn - (size_t)(p - s), verbs[v], vn)) != NULL) {
                const char *q = p + vn, *e;
                int prefixed = strncasecmp(q, "models/", 7) == 0;
                char name[64];
                size_t n;
                p += vn;
                if (prefixed)
                    q += 7;
                else if (strncasecmp(q, "gemini-", 7) != 0 && strncasecmp(q, "gemma-", 6) != 0)
                    continue;
                for (e = q; *e && model_char(*e); e++)
                    ;
                while (e > q && (e[-1] == '.' || e[-1] == '-' || e[-1] == '_'))
                    e--;
                n = (size_t)(e - q);
                if (n < 3 || n >= sizeof(name) || n >= size)
                    continue;
                memcpy(name, q, n);
                name[n] = '\0';
                if (self && strcasecmp(self, name) == 0)
                    continue;
                const struct model_info *mi = rules_model(t, name);
                if (mi && strcmp(mi->status, "shut") == 0) {
                    if (!mi->successor || strlen(mi->successor) >= size)
                        continue;
                    snprintf(out, size, "%s", mi->successor);
                } else {
                    snprintf(out, size, "%s", name);
                }
                return;
            }
        }
    }
}

/* The value of placeholder name, or NULL when it is not known. */
static const char *placeholder(const struct diagnosis *d, const char *name, size_t len, char *tmp,
                               size_t tmpsize)
{
    const struct model_info *mi = d->model_info;
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
    if (IS("model")) {
        const char *m = first_model(&d->ev);
        return m ? m : "the model";
    }
    if (IS("replacement"))
        return mi ? mi->successor : NULL;
    if (IS("suggested")) {
        if (d->suggested[0])
            return d->suggested;
        return mi ? mi->successor : NULL;
    }
    if (IS("shutdown")) {
        if (!mi || !mi->shutdown)
            return NULL;
        snprintf(tmp, tmpsize, "%s%s", mi->shutdown, mi->uncertain ? " (date unconfirmed)" : "");
        return tmp;
    }
    if (IS("note"))
        return mi ? mi->note : NULL;
    if (IS("resets_at"))
        return d->resets_at[0] ? d->resets_at : NULL;
    if (IS("retry_after")) {
        if (!d->has_retry_after)
            return NULL;
        fmt_duration(d->retry_after_s, tmp, tmpsize);
        return tmp;
    }
    if (IS("quota_id"))
        return d->quota_id;
    if (IS("limit")) {
        if (d->limit < 0)
            return NULL;
        snprintf(tmp, tmpsize, "%lld", d->limit);
        return tmp;
    }
    if (IS("reason"))
        return d->ev.reason;
#undef IS
    return NULL;
}

/*
 * Fill the placeholders of a step. A "[...]" segment is optional: it is left
 * out when a placeholder inside it is unknown. An unknown placeholder outside
 * such a segment drops the whole step (NULL), so "{model}" never reaches the
 * user.
 */
static char *fill(const struct diagnosis *d, const char *tmpl)
{
    struct sbuf out, seg;
    int in_seg = 0, seg_ok = 1, ok = 1;

    sbuf_init(&out);
    sbuf_init(&seg);
    for (const char *s = tmpl; *s && ok; s++) {
        struct sbuf *dst = in_seg ? &seg : &out;
        if (*s == '[' && !in_seg) {
            in_seg = 1;
            seg_ok = 1;
            seg.len = 0;
            sbuf_add(&seg, "", 0);
        } else if (*s == ']' && in_seg) {
            in_seg = 0;
            if (seg_ok)
                sbuf_add(&out, seg.buf, seg.len);
        } else if (*s == '{') {
            const char *close = strchr(s, '}');
            char tmp[64];
            const char *v =
                close ? placeholder(d, s + 1, (size_t)(close - s - 1), tmp, sizeof(tmp)) : NULL;
            if (!close) {
                ok = 0;
                break;
            }
            if (v)
                sbuf_adds(dst, v);
            else if (in_seg)
                seg_ok = 0;
            else
                ok = 0;
            s = close;
        } else {
            sbuf_addc(dst, *s);
        }
    }
    sbuf_release(&seg);
    if (!ok || in_seg) {
        sbuf_release(&out);
        return NULL;
    }
    return sbuf_detach(&out);
}

static void add_doc(struct diagnosis *d, const char *url)
{
    if (!url || strncmp(url, "http", 4) != 0 || d->ndocs >= DIAG_MAX_DOCS)
        return;
    for (int i = 0; i < d->ndocs; i++)
        if (strcmp(d->docs[i], url) == 0)
            return;
    d->docs[d->ndocs++] = xstrdup(url);
}

static void add_step(struct diagnosis *d, char *s)
{
    if (!s)
        return;
    if (d->nsteps >= DIAG_MAX_STEPS || !s[0]) {
        free(s);
        return;
    }
    d->steps[d->nsteps++] = s;
}

/* "wait 2 s, 4 s, 8 s, … (max 60 s) with full jitter" */
static void backoff_text(struct sbuf *sb, const struct wait_policy *w)
{
    double v = w->first_s;
    int shown = w->attempts < 3 ? w->attempts : 3;
    char dur[32];

    if (w->attempts <= 1) {
        fmt_duration(w->first_s, dur, sizeof(dur));
        sbuf_addf(sb, "retry once after %s", dur);
        return;
    }
    sbuf_addf(sb, "retry up to %d times: wait ", w->attempts);
    if (w->factor <= 1.0) {
        fmt_duration(v, dur, sizeof(dur));
        sbuf_addf(sb, "%s between attempts", dur);
    } else {
        for (int i = 0; i < shown; i++) {
            fmt_duration(v > w->max_s ? w->max_s : v, dur, sizeof(dur));
            sbuf_addf(sb, "%s%s", i ? ", " : "", dur);
            v *= w->factor;
        }
        if (w->attempts > shown)
            sbuf_adds(sb, ", …");
        fmt_duration(w->max_s, dur, sizeof(dur));
        sbuf_addf(sb, " (max %s)", dur);
    }
    if (w->jitter)
        sbuf_adds(sb, " with full jitter");
}

static void plan_wait(struct diagnosis *d, const struct rule *r, time_t now)
{
    const struct wait_policy *w = r->wait;
    const struct evidence *ev = &d->ev;
    struct sbuf sb;
    char dur[32];

    sbuf_init(&sb);
    if (strcmp(r->cause, "not-gemini") == 0 && !d->retryable) {
        /* Another API's error: whether retrying helps is for its provider to
         * say, so there is no verdict here (and no server delay either). */
        sbuf_adds(&sb, "no verdict: this error is not from the Gemini API; its provider's "
                       "documentation says whether and when to retry");
    } else if (w && strcmp(w->id, "daily-reset") == 0) {
        time_t reset = next_pacific_midnight(now, d->resets_at, sizeof(d->resets_at));
        d->retryable = 0;
        d->retry_after_s = difftime(reset, now);
        d->has_retry_after = 1;
        fmt_duration(d->retry_after_s, dur, sizeof(dur));
        sbuf_addf(&sb, "do not retry: the daily quota resets at %s (in %s)", d->resets_at, dur);
        if (ev->has_retry_after && ev->retry_after_s < d->retry_after_s) {
            char sdur[32];
            fmt_duration(ev->retry_after_s, sdur, sizeof(sdur));
            sbuf_addf(&sb, "; the server's %s delay is not when the daily quota comes back", sdur);
        }
    } else if (ev->has_retry_after && ev->retry_after_s > RETRY_SOON_MAX_S) {
        d->retryable = 0;
        d->retry_after_s = ev->retry_after_s;
        d->has_retry_after = 1;
        fmt_duration(ev->retry_after_s, dur, sizeof(dur));
        sbuf_addf(&sb, "do not retry soon: the server asks to wait %s (over 5 minutes)", dur);
    } else if (d->retryable) {
        if (ev->has_retry_after) {
            d->retry_after_s = ev->retry_after_s;
            d->has_retry_after = 1;
            fmt_duration(ev->retry_after_s, dur, sizeof(dur));
            sbuf_addf(&sb, "wait %s (the server's delay), then ", dur);
            if (w && w->attempts > 1) {
                sbuf_adds(&sb, "if it fails again ");
                backoff_text(&sb, w);
            } else {
                sbuf_adds(&sb, "retry once");
            }
        } else if (w && w->attempts > 0) {
            if (w->first_s > 0) {
                d->retry_after_s = w->first_s;
                d->has_retry_after = 1;
                backoff_text(&sb, w);
            } else {
                sbuf_adds(&sb, "retry once");
            }
        } else {
            sbuf_adds(&sb, "retry later");
        }
        if (w && w->advice)
            sbuf_addf(&sb, "; %s", w->advice);
    } else {
        sbuf_addf(&sb, "do not retry: %s",
                  w && w->advice ? w->advice : "the same request will fail the same way");
        /* The server's short delay is not reported as retry_after_s here: it
         * would read as "works again after that", which this verdict denies. */
        if (ev->has_retry_after) {
            fmt_duration(ev->retry_after_s, dur, sizeof(dur));
            sbuf_addf(&sb, " (the server's %s delay will not change that)", dur);
        }
    }
    d->wait_plan = sbuf_detach(&sb);
}

/* The public cause's own title, for a rule title that could not be filled. */
static const char *cause_title(const struct rule_table *t, const char *cause)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, rules_section(t, "causes"))
    {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
        const cJSON *title = cJSON_GetObjectItemCaseSensitive(c, "title");
        if (cJSON_IsString(id) && cJSON_IsString(title) && strcmp(id->valuestring, cause) == 0)
            return title->valuestring;
    }
    return cause;
}

static const char *const unknown_steps[] = {
    "Paste the complete error: the HTTP status line and the whole JSON body ({\"error\": {...}}), "
    "not just the last line",
    "If it came from an SDK or a tool, include the exception text around it (for example "
    "google.genai.errors.ClientError: 429 ...)",
    "Run 'gemini-doctor check' to test the key, the model and the network directly",
};

void diagnose(const struct rule_table *t, struct evidence *ev, time_t now, struct diagnosis *d)
{
    const struct rule *r;

    memset(d, 0, sizeof(*d));
    d->ev = *ev;
    evidence_init(ev);
    d->limit = -1;
    d->model_info = rules_model(t, first_model(&d->ev));
    fill_quota(d);
    r = rules_match(t, &d->ev);
    d->rule = r;
    if (!r) {
        d->cause = "unknown";
        d->title = "Unrecognised error";
        d->retryable = 0;
        d->dimension = NULL;
        /* No retry_after_s either: a delay next to "unrecognised, not
         * retryable" reads as a contradiction. The server's delay stays in
         * the evidence (d->ev) for renderers that list what was seen. */
        for (size_t i = 0; i < ARRAY_SIZE(unknown_steps); i++)
            add_step(d, xstrdup(unknown_steps[i]));
        for (int i = 0; i < d->ev.nlinks; i++)
            add_doc(d, d->ev.links[i]);
        add_doc(d, "https://ai.google.dev/gemini-api/docs/troubleshooting");
        return;
    }
    d->cause = r->cause;
    d->retryable = r->retryable;
    find_suggested(t, d, d->suggested, sizeof(d->suggested));
    d->dimension = dimension_of(r->cause, &d->ev);
    plan_wait(d, r, now);
    for (int i = 0; r->steps && r->steps[i]; i++)
        add_step(d, fill(d, r->steps[i]));
    for (int i = 0; r->docs && r->docs[i]; i++)
        add_doc(d, r->docs[i]);
    for (int i = 0; i < d->ev.nlinks; i++)
        add_doc(d, d->ev.links[i]);
    d->title_buf = fill(d, r->title);
    d->title = d->title_buf ? d->title_buf : cause_title(t, r->cause);
}

void diagnosis_release(struct diagnosis *d)
{
    evidence_release(&d->ev);
    for (int i = 0; i < d->nsteps; i++)
        free(d->steps[i]);
    for (int i = 0; i < d->ndocs; i++)
        free(d->docs[i]);
    free(d->wait_plan);
    free(d->title_buf);
    d->nsteps = 0;
    d->ndocs = 0;
    d->wait_plan = NULL;
    d->title_buf = NULL;
}

int diagnosis_recognised(const struct diagnosis *d)
{
    return d->cause && strcmp(d->cause, "unknown") != 0 && strcmp(d->cause, "not-gemini") != 0;
}
