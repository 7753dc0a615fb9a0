/*
 * stats_html: `stats --html FILE`: the report as one self-contained page a
 * user can attach to a ticket: inline CSS and inline SVG charts, no script,
 * no font, no image, nothing fetched. Every text from the log (file names,
 * --by values, models) is HTML-escaped. Each bar carries its figure in
 * data-value and a <title>, so the page reads without colour and can be
 * checked by a program (the suite opens it in headless Chromium).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats_report.h"
#include "util.h"

#define CHART_W 720
#define CHART_H 180

static void esc(FILE *o, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", o);
            break;
        case '>':
            fputs("&gt;", o);
            break;
        case '&':
            fputs("&amp;", o);
            break;
        case '"':
            fputs("&quot;", o);
            break;
        case '\'':
            fputs("&#39;", o);
            break;
        default:
            fputc(*s, o);
        }
    }
}

struct bar {
    char label[100];
    long long value;
};

/* A vertical bar chart of n bars; labels under every step-th bar. */
static void chart(FILE *o, const char *id, const char *title, const struct bar *b, int n, int step)
{
    long long max = 0;
    double bw;
    for (int i = 0; i < n; i++)
        max = b[i].value > max ? b[i].value : max;
    fprintf(o, "<figure><figcaption>");
    esc(o, title);
    fprintf(o,
            "</figcaption>\n<svg class=\"chart\" data-chart=\"%s\" "
            "xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">\n",
            id, CHART_W, CHART_H + 80, CHART_W, CHART_H + 80);
    fprintf(o, "<line x1=\"40\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>\n", CHART_H, CHART_W,
            CHART_H);
    fprintf(o, "<text x=\"36\" y=\"12\" class=\"tick\" text-anchor=\"end\">%lld</text>\n", max);
    fprintf(o, "<text x=\"36\" y=\"%d\" class=\"tick\" text-anchor=\"end\">0</text>\n", CHART_H);
    bw = n > 0 ? (double)(CHART_W - 44) / n : 0;
    for (int i = 0; i < n; i++) {
        double h = max > 0 ? (double)b[i].value / (double)max * (CHART_H - 16) : 0;
        double x = 44 + i * bw;
        if (b[i].value > 0 && h < 1)
            h = 1;
        fprintf(o,
                "<rect class=\"bar\" data-value=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                "height=\"%.1f\"><title>",
                b[i].value, x, CHART_H - h, bw > 2 ? bw - 1 : bw, h);
        esc(o, b[i].label);
        fprintf(o, ": %lld</title></rect>\n", b[i].value);
        if (step > 0 && i % step == 0) {
            fprintf(o, "<text x=\"%.1f\" y=\"%d\" class=\"tick\" transform=\"rotate(30 %.1f %d)\">",
                    x, CHART_H + 12, x, CHART_H + 12);
            esc(o, b[i].label);
            fputs("</text>\n", o);
        }
    }
    fputs("</svg></figure>\n", o);
}

static void over_time(FILE *o, const struct stats *s)
{
    struct stats_hour *h = xcalloc(STATS_HOURS, sizeof(*h));
    int n = stats_hours_sorted(s, h, STATS_HOURS);
    if (n == 0)
        goto out;
    long long first = h[0].hour, last = h[n - 1].hour;
    int per_day = last - first + 1 > 168;
    long long unit = per_day ? 24 : 1;
    long long span = last / unit - first / unit + 1;
    if (span > 400) {
        first = last - 399 * unit;
        span = 400;
    }
    struct bar *err = xcalloc((size_t)span, sizeof(*err));
    struct bar *q = xcalloc((size_t)span, sizeof(*q));
    for (long long k = 0; k < span; k++) {
        char iso[32], label[32];
        stats_iso((double)((first / unit + k) * unit) * 3600, iso, sizeof(iso));
        /* "2026-11-25" per day, "11-25 14h" per hour */
        if (per_day)
            snprintf(label, sizeof(label), "%.10s", iso);
        else
            snprintf(label, sizeof(label), "%.5s %.2sh", iso + 5, iso + 11);
        stats_copy(err[k].label, sizeof(err[k].label), label);
        stats_copy(q[k].label, sizeof(q[k].label), label);
    }
    for (int i = 0; i < n; i++) {
        if (h[i].hour < first)
            continue;
        long long k = h[i].hour / unit - first / unit;
        err[k].value += h[i].c.err;
        q[k].value += h[i].c.e429;
    }
    int step = (int)(span / 12) + 1;
    chart(o, "errors-over-time", per_day ? "Errors per day (UTC)" : "Errors per hour (UTC)", err,
          (int)span, step);
    chart(o, "429-over-time", per_day ? "429s per day (UTC)" : "429s per hour (UTC)", q, (int)span,
          step);
    free(err);
    free(q);
out:
    free(h);
}

static void hours(FILE *o, const char *id, const char *title, const struct stats_counts *c)
{
    struct bar b[24];
    for (int i = 0; i < 24; i++) {
        snprintf(b[i].label, sizeof(b[i].label), "%02d", i);
        b[i].value = c[i].err;
    }
    chart(o, id, title, b, 24, 1);
}

static void table_row(FILE *o, const char *k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#include <stdarg.h>
static void table_row(FILE *o, const char *k, const char *fmt, ...)
{
    char v[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    fputs("<tr><th>", o);
    esc(o, k);
    fputs("</th><td>", o);
    esc(o, v);
    fputs("</td></tr>\n", o);
}

static void topk_chart(FILE *o, const char *id, const char *title, const struct stats_topk *k)
{
    struct bar b[10];
    int used[STATS_TOPK] = {0}, n = 0;
    for (; n < 10 && n < k->n; n++) {
        int best = -1;
        for (int i = 0; i < k->n; i++)
            if (!used[i] && (best < 0 || k->item[i].count > k->item[best].count))
                best = i;
        used[best] = 1;
        stats_copy(b[n].label, sizeof(b[n].label), k->item[best].key);
        b[n].value = k->item[best].count;
    }
    if (n)
        chart(o, id, title, b, n, 1);
}

int stats_render_html(const char *path, const struct stats *s, const struct stats_opts *op)
{
    FILE *o = fopen(path, "w");
    char a[32], b2[32], title[256];
    struct bar bars[STATS_CAUSES > DIM_COUNT ? STATS_CAUSES : DIM_COUNT];
    struct stats_reco reco[STATS_MAX_RECO];
    long long dims[DIM_COUNT];
    double share, ratio;
    int n;

    if (!o)
        return error("cannot write '%s'", path);
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<title>gemini-doctor stats</title>\n<style>\n"
          "body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:780px;color:#222}\n"
          "h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}\n"
          "table{border-collapse:collapse}th,td{text-align:left;padding:2px 12px 2px 0;"
          "vertical-align:top}\n"
          ".bar{fill:#c0392b}.axis{stroke:#888}.tick{font-size:10px;fill:#555}\n"
          "figure{margin:1em 0}figcaption{font-weight:600}\n"
          ".fig{color:#555}\n</style></head><body>\n",
          o);
    fputs("<h1>gemini-doctor stats</h1>\n<table>\n", o);
    table_row(o, "requests", "%lld", s->requests);
    table_row(o, "errors", "%lld (%.1f%%)", s->errors,
              s->requests ? 100.0 * (double)s->errors / (double)s->requests : 0);
    if (s->tmin <= s->tmax) {
        stats_iso(s->tmin, a, sizeof(a));
        stats_iso(s->tmax, b2, sizeof(b2));
        table_row(o, "span", "%s to %s", a, b2);
    }
    for (int i = 0; i < s->nfiles; i++)
        table_row(o, "input", "%s (%s)", s->files[i], s->forms[i]);
    if (s->bad)
        table_row(o, "lines not valid", "%lld", s->bad);
    fputs("</table>\n", o);

    fputs("<h2>Errors by code and cause</h2>\n", o);
    n = 0;
    for (int c = 400; c < 600 && n < STATS_CAUSES; c++) {
        if (!s->by_code[c])
            continue;
        snprintf(bars[n].label, sizeof(bars[n].label), "%d", c);
        bars[n++].value = s->by_code[c];
    }
    if (n)
        chart(o, "codes", "Errors by HTTP code", bars, n, 1);
    for (n = 0; n < s->ncauses; n++) {
        snprintf(bars[n].label, sizeof(bars[n].label), "%s (%d)", s->causes[n].cause,
                 s->causes[n].http);
        bars[n].value = s->causes[n].count;
    }
    if (n)
        chart(o, "causes", "Errors by cause", bars, n, 1);

    fputs("<h2>Over time</h2>\n", o);
    over_time(o, s);
    snprintf(title, sizeof(title), "Errors by hour of day in %s (daily quotas reset at %s)",
             s->reset_zone, s->reset_label);
    hours(o, "hour-of-day-reset-zone", title, s->hod_pt);
    if (s->have_tz) {
        snprintf(title, sizeof(title), "Errors by hour of day in %s", s->tz.name);
        hours(o, "hour-of-day-tz", title, s->hod_tz);
    }

    stats_dim_counts(s, dims);
    if (s->by_code[429]) {
        fputs("<h2>429s</h2>\n", o);
        for (int d = 0; d < DIM_COUNT; d++) {
            stats_copy(bars[d].label, sizeof(bars[d].label), stats_dim_name(d));
            bars[d].value = dims[d];
        }
        chart(o, "429-dimensions", "429s by quota dimension", bars, DIM_COUNT, 1);
        if (s->nrpd_days) {
            char clk[8];
            stats_clock(stats_rpd_median(s), clk, sizeof(clk));
            fprintf(o, "<p>The daily quota ran out on %d day(s), at %s (median) in ", s->nrpd_days,
                    clk);
            esc(o, s->reset_zone);
            fputs(".</p>\n", o);
        }
    }
    long long tot5 = 0;
    for (int i = 0; i < STATS_NSIZE; i++)
        tot5 += s->size[i].e500 + s->size[i].e504;
    if (tot5) {
        fputs("<h2>500 and 504 errors by prompt size</h2>\n", o);
        for (int i = 0; i < STATS_NSIZE; i++) {
            snprintf(bars[i].label, sizeof(bars[i].label), ">= %lld",
                     i ? stats_size_edges[i - 1] : 0);
            bars[i].value = s->size[i].e500 + s->size[i].e504;
        }
        chart(o, "prompt-size", "500 and 504 errors by input tokens", bars, STATS_NSIZE, 1);
        long long cut = stats_cluster_size(s, &share, &ratio);
        if (cut > 0)
            fprintf(o, "<p>They cluster above %lld input tokens: %.0f%% of them.</p>\n", cut,
                    share * 100);
    }
    if (op->by[0]) {
        fputs("<h2>Top values of ", o);
        esc(o, op->by);
        fputs("</h2>\n", o);
        snprintf(title, sizeof(title), "429s by %s", op->by);
        topk_chart(o, "by-429", title, &s->by_429);
        snprintf(title, sizeof(title), "Errors by %s", op->by);
        topk_chart(o, "by-errors", title, &s->by_err);
    }
    fputs("<h2>Retries</h2>\n<table>\n", o);
    table_row(o, "requests inside the server's retry delay", "%lld (%lld storms)", s->early,
              s->storms);
    table_row(o, "requests after a daily quota ran out", "%lld (%lld failed 429)", s->rpd_after,
              s->rpd_after_429);
    table_row(o, "the same 400/403/404 request failing again", "%lld of %lld", s->nonretry_repeat,
              s->nonretry);
    fputs("</table>\n", o);
    if (s->has_latency) {
        fputs("<h2>Latency (ms)</h2>\n<table>\n", o);
        table_row(o, "success p50 / p90 / p99", "%.0f / %.0f / %.0f",
                  stats_latency_pct(s->lat_ok, 50), stats_latency_pct(s->lat_ok, 90),
                  stats_latency_pct(s->lat_ok, 99));
        table_row(o, "failure p50 / p90 / p99", "%.0f / %.0f / %.0f",
                  stats_latency_pct(s->lat_err, 50), stats_latency_pct(s->lat_err, 90),
                  stats_latency_pct(s->lat_err, 99));
        fputs("</table>\n", o);
    }
    n = stats_recommend(s, op, reco, STATS_MAX_RECO);
    if (n) {
        fputs("<h2>Recommendations</h2>\n<ol>\n", o);
        for (int i = 0; i < n; i++) {
            fprintf(o, "<li data-reco=\"%s\">", reco[i].id);
            esc(o, reco[i].text);
            fputs(" <span class=\"fig\">(", o);
            esc(o, reco[i].figure);
            fputs(")</span></li>\n", o);
        }
        fputs("</ol>\n", o);
    }
    fputs("</body></html>\n", o);
    if (fclose(o) != 0)
        return error("cannot write '%s'", path);
    return 0;
}
