/*
 * diagnosis: turns evidence and the rule it matched into the verdict the
 * user sees: the cause, whether retrying soon can help, how long to wait
 * (the server's delay, the next daily reset at midnight Pacific time, or the
 * rule's backoff plan), the quota details, and the steps with their
 * placeholders filled. It decides no cause itself: rules_match() does.
 *
 * What it does with a cause beyond the rule (its quota dimension, whether it
 * is the Gemini API's error at all, the steps when nothing matched), the
 * tiers, the "retry soon" limit and the daily reset zone are the table's
 * (rules_verdict.c): this file holds no cause id.
 */
#include "diagnosis.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "vocab.h"
#include "util.h"

time_t next_daily_reset(const struct rule_table *t, time_t now, char *iso, size_t size)
{
    const struct daily_reset *r = rules_daily_reset(t);
    if (!r) {
        /* A table always has one (the load refuses it without); without a
         * table, the next UTC midnight keeps callers defined. */
        static const struct tz_rule utc = {0, 0, 0, {1, 1, 0, 0}, {1, 1, 0, 0}};
        return tz_next_local_time(&utc, now, 0, iso, size);
    }
    return tz_next_local_time(&r->rule, now, r->local_s, iso, size);
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

static int quota_says(const struct evidence *ev, const struct quota_marker *m)
{
    for (int i = 0; m->words && m->words[i]; i++)
        if (quota_has(ev, m->words[i]))
            return 1;
    return 0;
}

/* The cause's own dimension, or for a cause whose quota is named by the
 * evidence, the first dimension whose words the quota id or metric holds. */
static const char *dimension_of(const struct rule_table *t, const struct cause_info *c,
                                const struct evidence *ev)
{
    if (!c || !c->dimension)
        return NULL;
    if (strcmp(c->dimension, CAUSE_DIMENSION_FROM_QUOTA_ID) != 0)
        return c->dimension;
    for (int i = 0; i < rules_dimension_count(t); i++)
        if (quota_says(ev, rules_dimension_get(t, i)))
            return rules_dimension_get(t, i)->id;
    return NULL;
}

/* The quota id, limit and tier the evidence states. The tier is only ever
 * one the quota id or metric names ("-FreeTier"): no tier is inferred from
 * the absence of a word. */
static void fill_quota(const struct rule_table *t, struct diagnosis *d)
{
    const struct evidence *ev = &d->ev;
    for (int i = 0; i < ev->nquota && !d->quota_id; i++)
        if (ev->quota[i].quota_id && ev->quota[i].quota_id[0])
            d->quota_id = ev->quota[i].quota_id;
    d->limit = ev->limit;
    for (int i = 0; i < ev->nquota && d->limit < 0; i++)
        if (ev->quota[i].value >= 0)
            d->limit = ev->quota[i].value;
    for (int i = 0; i < rules_tier_count(t) && !d->tier; i++)
        if (quota_says(ev, rules_tier_get(t, i)))
            d->tier = rules_tier_get(t, i)->id;
}

static int model_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

/* Does s begin with one of the vocabulary's suggestion families? */
static int suggested_family(const struct reader_vocab *v, const char *s)
{
    for (size_t i = 0; i < v->nsuggestion_families; i++) {
        size_t l = strlen(v->suggestion_families[i]);
        if (gd_strncasecmp(s, v->suggestion_families[i], l) == 0)
            return 1;
    }
    return 0;
}

/* The model a message tells the user to switch to: "Please update your code
 * to use models/gemini-3.6-flash", "Consider switching to different model,
 * for example gemini-1.5-flash". The name must follow one of the
 * vocabulary's suggestion leads, with "models/" or a name of a suggestion
 * family right after, and differ from the model the error is about. A
 * suggestion that the table knows is shut by now is replaced by its
 * successor. Writes "" when there is none. */
static void find_suggested(const struct rule_table *t, const struct diagnosis *d, char *out,
                           size_t size)
{
    const struct reader_vocab *voc = rules_vocab(t);
    const char *const *verbs = voc->suggestion_leads;
    const char *texts[2] = {d->ev.message, d->ev.text};
    const char *self = first_model(&d->ev);

    out[0] = '\0';
    for (size_t k = 0; k < 2; k++) {
        const char *s = texts[k];
        size_t sn = s ? strlen(s) : 0;
        for (size_t v = 0; s && v < voc->nsuggestion_leads; v++) {
            size_t vn = strlen(verbs[v]);
            const char *p = s;
            while ((p = gd_memcasemem(p, sn - (size_t)(p - s), verbs[v], vn)) != NULL) {
                const char *q = p + vn, *e;
                int prefixed = gd_strncasecmp(q, "models/", 7) == 0;
                char name[64];
                size_t n;
                p += vn;
                if (prefixed)
                    q += 7;
                else if (!suggested_family(voc, q))
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
                if (self && gd_strcasecmp(self, name) == 0)
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

enum placeholder {
#define PLACEHOLDER_ENUM(name) PH_##name,
    RULE_PLACEHOLDERS(PLACEHOLDER_ENUM)
#undef PLACEHOLDER_ENUM
        PH_COUNT
};

static const char *const placeholder_names[] = {
#define PLACEHOLDER_NAME(name) #name,
    RULE_PLACEHOLDERS(PLACEHOLDER_NAME)
#undef PLACEHOLDER_NAME
};

/* The value of placeholder ph, or NULL when it is not known. */
static const char *placeholder_value(const struct diagnosis *d, enum placeholder ph, char *tmp,
                                     size_t tmpsize)
{
    const struct model_info *mi = d->model_info;
    const char *m;

    switch (ph) {
    case PH_model:
        m = first_model(&d->ev);
        return m ? m : "the model";
    case PH_replacement:
        return mi ? mi->successor : NULL;
    case PH_suggested:
        if (d->suggested[0])
            return d->suggested;
        return mi ? mi->successor : NULL;
    case PH_shutdown:
        if (!mi || !mi->shutdown)
            return NULL;
        snprintf(tmp, tmpsize, "%s%s", mi->shutdown, mi->uncertain ? " (date unconfirmed)" : "");
        return tmp;
    case PH_note:
        return mi ? mi->note : NULL;
    case PH_resets_at:
        return d->resets_at[0] ? d->resets_at : NULL;
    case PH_retry_after:
        if (!d->has_retry_after)
            return NULL;
        fmt_duration(d->retry_after_s, tmp, tmpsize);
        return tmp;
    case PH_quota_id:
        return d->quota_id;
    case PH_limit:
        if (d->limit < 0)
            return NULL;
        snprintf(tmp, tmpsize, "%lld", d->limit);
        return tmp;
    case PH_reason:
        return d->ev.reason;
    case PH_live_models:
        return d->ev.live_models;
    case PH_COUNT:
        break;
    }
    return NULL;
}

static const char *placeholder(const struct diagnosis *d, const char *name, size_t len, char *tmp,
                               size_t tmpsize, int *live)
{
    for (int i = 0; i < PH_COUNT; i++) {
        if (strlen(placeholder_names[i]) == len && memcmp(name, placeholder_names[i], len) == 0) {
            const char *v = placeholder_value(d, (enum placeholder)i, tmp, tmpsize);
            if (v && i == PH_live_models)
                *live = 1;
            return v;
        }
    }
    return NULL;
}

/*
 * Fill the placeholders of a step. A "[...]" segment is optional: it is left
 * out when a placeholder inside it is unknown. An unknown placeholder outside
 * such a segment drops the whole step (NULL), so "{model}" never reaches the
 * user.
 */
static char *fill(const struct diagnosis *d, const char *tmpl, int *live)
{
    struct sbuf out, seg;
    int in_seg = 0, seg_ok = 1, ok = 1, seg_live = 0, out_live = 0;

    sbuf_init(&out);
    sbuf_init(&seg);
    for (const char *s = tmpl; *s && ok; s++) {
        struct sbuf *dst = in_seg ? &seg : &out;
        if (*s == '[' && !in_seg) {
            in_seg = 1;
            seg_ok = 1;
            seg_live = 0;
            seg.len = 0;
            sbuf_add(&seg, "", 0);
        } else if (*s == ']' && in_seg) {
            in_seg = 0;
            if (seg_ok) {
                sbuf_add(&out, seg.buf, seg.len);
                out_live |= seg_live;
            }
        } else if (*s == '{') {
            const char *close = strchr(s, '}');
            char tmp[64];
            int used = 0;
            const char *v =
                close ? placeholder(d, s + 1, (size_t)(close - s - 1), tmp, sizeof(tmp), &used)
                      : NULL;
            if (!close) {
                ok = 0;
                break;
            }
            if (v) {
                sbuf_adds(dst, v);
                if (in_seg)
                    seg_live |= used;
                else
                    out_live |= used;
            } else if (in_seg)
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
    if (live)
        *live = out_live;
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

/* Add a filled step shown in the contexts of mask; the same text already
 * added by this step for another context only gains the context. */
static void add_text(struct diagnosis *d, char *s, unsigned mask, int first)
{
    if (!s)
        return;
    for (int i = first; i < d->nsteps; i++) {
        if (strcmp(d->steps[i], s) == 0) {
            d->step_in[i] |= mask;
            free(s);
            return;
        }
    }
    if (d->nsteps >= DIAG_MAX_STEPS || !s[0]) {
        free(s);
        return;
    }
    d->step_in[d->nsteps] = mask;
    d->steps[d->nsteps++] = s;
}

static void add_steps(struct diagnosis *d, const struct rule_step *steps, int n)
{
    for (int i = 0; i < n; i++) {
        int first = d->nsteps;
        for (int c = 0; c < STEP_CONTEXT_COUNT; c++) {
            int live = 0;
            char *s;
            if (!steps[i].text[c])
                continue;
            s = fill(d, steps[i].text[c], &live);
            if (s && s[0] && live)
                d->used_live_models = 1;
            add_text(d, s, 1u << c, first);
        }
    }
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

/* "over 5 minutes", "over 90 s" */
static void fmt_limit(double s, char *out, size_t size)
{
    if (s >= 120 && fmod(s, 60) == 0)
        snprintf(out, size, "over %.0f minutes", s / 60);
    else
        snprintf(out, size, "over %.0f s", s);
}

static void plan_wait(const struct rule_table *t, struct diagnosis *d, const struct rule *r,
                      time_t now)
{
    const struct cause_info *c = d->cause_info;
    double soon = rules_retry_soon_max_s(t);
    const struct wait_policy *w = r->wait;
    const struct evidence *ev = &d->ev;
    struct sbuf sb;
    char dur[32];

    sbuf_init(&sb);
    if (c && c->not_retryable_plan && !d->retryable) {
        /* Another API's error: whether retrying helps is for its provider to
         * say, so there is no verdict here (and no server delay either). */
        sbuf_adds(&sb, c->not_retryable_plan);
    } else if (w && w->until_reset) {
        time_t reset = next_daily_reset(t, now, d->resets_at, sizeof(d->resets_at));
        const struct daily_reset *dr = rules_daily_reset(t);
        d->reset_label = dr ? dr->label : NULL;
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
    } else if (ev->has_retry_after && ev->retry_after_s > soon) {
        char over[48];
        d->retryable = 0;
        d->retry_after_s = ev->retry_after_s;
        d->has_retry_after = 1;
        fmt_duration(ev->retry_after_s, dur, sizeof(dur));
        fmt_limit(soon, over, sizeof(over));
        sbuf_addf(&sb, "do not retry soon: the server asks to wait %s (%s)", dur, over);
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
        if (w && w->later_helps && w->first_s > 0)
            d->later_s = w->first_s;
        sbuf_addf(&sb, "%s: %s", d->later_s > 0 ? "do not retry soon" : "do not retry",
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

void diagnose(const struct rule_table *t, struct evidence *ev, time_t now, struct diagnosis *d)
{
    const struct rule *r;
    const struct cause_info *c;

    memset(d, 0, sizeof(*d));
    d->ev = *ev;
    evidence_init(ev);
    d->limit = -1;
    d->model_info = rules_model(t, first_model(&d->ev));
    fill_quota(t, d);
    r = rules_match(t, &d->ev);
    d->rule = r;
    if (!r) {
        c = rules_no_match_cause(t);
        d->cause_info = c;
        d->cause = c ? c->id : "unknown";
        d->title = c ? c->title : "Unrecognised error";
        d->retryable = 0;
        d->dimension = NULL;
        /* No retry_after_s either: a delay next to "unrecognised, not
         * retryable" reads as a contradiction. The server's delay stays in
         * the evidence (d->ev) for renderers that list what was seen. */
        if (c)
            add_steps(d, c->steps, c->nsteps);
        for (int i = 0; i < d->ev.nlinks; i++)
            add_doc(d, d->ev.links[i]);
        for (int i = 0; c && c->docs && c->docs[i]; i++)
            add_doc(d, c->docs[i]);
        return;
    }
    c = rules_cause(t, r->cause);
    d->cause = r->cause;
    d->cause_info = c;
    d->retryable = r->retryable;
    find_suggested(t, d, d->suggested, sizeof(d->suggested));
    d->dimension = dimension_of(t, c, &d->ev);
    plan_wait(t, d, r, now);
    add_steps(d, r->steps, r->nsteps);
    for (int i = 0; r->docs && r->docs[i]; i++)
        add_doc(d, r->docs[i]);
    for (int i = 0; i < d->ev.nlinks; i++)
        add_doc(d, d->ev.links[i]);
    d->title_buf = fill(d, r->title, NULL);
    d->title = d->title_buf ? d->title_buf : c ? c->title : r->cause;
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
    return d->rule && d->cause_info && d->cause_info->gemini;
}

int diagnosis_step_count(const struct diagnosis *d, enum step_context c)
{
    int n = 0;
    for (int i = 0; i < d->nsteps; i++)
        if (d->step_in[i] & (1u << c))
            n++;
    return n;
}

const char *diagnosis_step(const struct diagnosis *d, enum step_context c, int k)
{
    for (int i = 0; i < d->nsteps; i++)
        if ((d->step_in[i] & (1u << c)) && k-- == 0)
            return d->steps[i];
    return NULL;
}
