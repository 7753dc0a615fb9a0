/*
 * stats_text: the stats report for a terminal: sections of figures with bar
 * charts and sparklines in Unicode blocks, or ASCII when the locale is not
 * UTF-8; bold headings only when colour is allowed (not with NO_COLOR or
 * --no-color, not into a pipe); charts fit the terminal width. The same
 * lines feed the interactive doctor's stats screen (stats_report_lines).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "stats_report.h"
#include "util.h"

/* A heading starts its line with this byte in the report buffer; the
 * lines handed out carry a flag instead. */
#define HEADING_MARK '\001'

struct tx {
    FILE *out;
    int utf8;
    int width;
};

static int locale_utf8(void)
{
    const char *vars[] = {"LC_ALL", "LC_CTYPE", "LANG"};
    for (size_t i = 0; i < ARRAY_SIZE(vars); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return gd_memcasemem(v, strlen(v), "utf-8", 5) ||
                   gd_memcasemem(v, strlen(v), "utf8", 4);
    }
    return 0;
}

static int term_width(const struct stats_opts *o)
{
    struct winsize ws;
    const char *c = getenv("COLUMNS");
    if (o->width)
        return o->width;
    if (c && atoi(c) >= 40)
        return atoi(c) > 400 ? 400 : atoi(c);
    if (isatty(1) && ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 80;
}

static void heading(struct tx *t, const char *s)
{
    fprintf(t->out, "\n%c%s\n", HEADING_MARK, s);
}

/* A horizontal bar of value/max over width cells, eighths in UTF-8. */
static void bar(struct tx *t, long long value, long long max, int width)
{
    static const char *const part[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
    double cells = max > 0 ? (double)value / (double)max * width : 0;
    int full, eighth, used = 0;
    if (width < 5)
        width = 5;
    cells = max > 0 ? (double)value / (double)max * width : 0;
    full = (int)cells;
    eighth = (int)((cells - full) * 8);
    if (value > 0 && full == 0 && eighth == 0)
        eighth = 1;
    for (int i = 0; i < full; i++, used++)
        fputs(t->utf8 ? "█" : "#", t->out);
    if (eighth > 0 && used < width) {
        fputs(t->utf8 ? part[eighth] : (eighth >= 4 ? "#" : "-"), t->out);
        used++;
    }
    for (; used < width; used++)
        fputc(' ', t->out);
}

/* One cell per value, its height the value over max. */
static void spark(struct tx *t, const long long *v, int n)
{
    static const char *const blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char ascii[] = "_.-:=+*#";
    long long max = 0;
    for (int i = 0; i < n; i++)
        max = v[i] > max ? v[i] : max;
    for (int i = 0; i < n; i++) {
        int level = max > 0 && v[i] > 0 ? (int)ceil((double)v[i] / (double)max * 8) - 1 : -1;
        if (level < 0)
            fputc(' ', t->out);
        else if (t->utf8)
            fputs(blocks[level], t->out);
        else
            fputc(ascii[level], t->out);
    }
}

static double pct(long long a, long long b)
{
    return b > 0 ? 100.0 * (double)a / (double)b : 0;
}

static void header(struct tx *t, const struct stats *s)
{
    char a[32], b[32];
    fprintf(t->out, "%lld requests, %lld errors (%.1f%%)", s->requests, s->errors,
            pct(s->errors, s->requests));
    if (s->tmin <= s->tmax) {
        stats_iso(s->tmin, a, sizeof(a));
        stats_iso(s->tmax, b, sizeof(b));
        fprintf(t->out, ", %s to %s", a, b);
    }
    fputc('\n', t->out);
    for (int i = 0; i < s->nfiles; i++) {
        fprintf(t->out, "  %s: %s", s->files[i], s->forms[i]);
        for (int f = 0; f < SF_COUNT; f++)
            if (s->mapped[i][f][0])
                fprintf(t->out, " %s=%s", stats_field_name((enum stats_field)f), s->mapped[i][f]);
        fputc('\n', t->out);
    }
    if (s->bad) {
        fprintf(t->out, "  %lld lines not valid, skipped (first:", s->bad);
        for (int i = 0; i < s->nbad_first; i++)
            fprintf(t->out, " %s:%lld",
                    s->bad_first[i].file < STATS_MAX_FILES ? s->files[s->bad_first[i].file] : "?",
                    s->bad_first[i].line);
        fprintf(t->out, ")\n");
    }
    if (s->filtered)
        fprintf(t->out, "  %lld records outside --since/--until\n", s->filtered);
    if (s->truncated)
        fprintf(t->out, "  %lld inputs ended early (read error or truncated gzip)\n", s->truncated);
}

static void codes(struct tx *t, const struct stats *s)
{
    long long max = 0;
    int bw = t->width - 30;
    if (!s->errors)
        return;
    heading(t, "Errors by HTTP code");
    for (int c = 400; c < 600; c++)
        max = s->by_code[c] > max ? s->by_code[c] : max;
    for (int c = 400; c < 600; c++) {
        if (!s->by_code[c])
            continue;
        fprintf(t->out, "  %3d  ", c);
        bar(t, s->by_code[c], max, bw);
        fprintf(t->out, " %7lld %5.1f%%\n", s->by_code[c], pct(s->by_code[c], s->requests));
    }
}

/* A row of the cause table is the cause column (cw wide) and 33 more
 * columns, then the bar. */
#define CAUSE_ROW_FIXED 33

static void causes(struct tx *t, const struct stats *s)
{
    long long max = 0;
    int cw = 22, bw = t->width - 58;
    if (!s->ncauses)
        return;
    heading(t, "Errors by cause (the rules' verdict, as explain gives it)");
    for (int i = 0; i < s->ncauses; i++)
        max = s->causes[i].count > max ? s->causes[i].count : max;
    if (bw < 8) {
        /* Narrow: the cause column as wide as its longest id, so that a
         * row still fits the width. */
        cw = 8;
        for (int i = 0; i < s->ncauses && i < 15; i++)
            cw = (int)strlen(s->causes[i].cause) > cw ? (int)strlen(s->causes[i].cause) : cw;
        bw = t->width - CAUSE_ROW_FIXED - 3 - cw;
        if (bw < 5)
            bw = 5;
    }
    for (int i = 0; i < s->ncauses && i < 15; i++) {
        const struct stats_cause *c = &s->causes[i];
        fprintf(t->out, "  %-*s %3d  ", cw, c->cause, c->http);
        bar(t, c->count, max, bw);
        fprintf(t->out, " %7lld %5.1f%%  %s\n", c->count, pct(c->count, s->errors),
                c->retryable ? "retry" : "no retry");
    }
}

static void over_time(struct tx *t, const struct stats *s)
{
    struct stats_hour *h = xcalloc(STATS_HOURS, sizeof(*h));
    int n = stats_hours_sorted(s, h, STATS_HOURS);
    int cells = t->width - 10;
    char a[32], b[32];
    if (n == 0 || !s->errors)
        goto out;
    long long first = h[0].hour, last = h[n - 1].hour;
    int per_day = last - first + 1 > cells;
    long long unit = per_day ? 24 : 1;
    long long span = (last / unit) - (first / unit) + 1;
    if (span > cells) {
        first = last - (cells - 1) * unit;
        span = cells;
    }
    long long *err = xcalloc((size_t)span, sizeof(long long));
    long long *e429 = xcalloc((size_t)span, sizeof(long long));
    long long peak = 0, peak_at = first;
    for (int i = 0; i < n; i++) {
        if (h[i].hour < first)
            continue;
        long long k = h[i].hour / unit - first / unit;
        err[k] += h[i].c.err;
        e429[k] += h[i].c.e429;
    }
    for (long long k = 0; k < span; k++)
        if (err[k] > peak) {
            peak = err[k];
            peak_at = (first / unit + k) * unit;
        }
    heading(t, per_day ? "Errors over time (per day, UTC)" : "Errors over time (per hour, UTC)");
    fputs("  errors ", t->out);
    spark(t, err, (int)span);
    fputs("\n  429s   ", t->out);
    spark(t, e429, (int)span);
    stats_iso((double)(first / unit * unit) * 3600, a, sizeof(a));
    stats_iso((double)last * 3600, b, sizeof(b));
    fprintf(t->out, "\n  from %s to %s; most errors: %lld in the %s from ", a, b, peak,
            per_day ? "day" : "hour");
    stats_iso((double)peak_at * 3600, a, sizeof(a));
    fprintf(t->out, "%s\n", a);
    struct stats_hour ph;
    if (stats_peak_hour(s, &ph)) {
        stats_iso((double)ph.hour * 3600, a, sizeof(a));
        fprintf(t->out, "  most 429s in one hour: %lld (of %lld requests) from %s\n", ph.c.e429,
                ph.c.req, a);
    }
    free(err);
    free(e429);
out:
    free(h);
}

static void hours(struct tx *t, const char *title, const struct stats_counts *c)
{
    long long err[24], q[24];
    int peak = 0;
    for (int i = 0; i < 24; i++) {
        err[i] = c[i].err;
        q[i] = c[i].e429;
        if (c[i].err > c[peak].err)
            peak = i;
    }
    heading(t, title);
    fputs("  hour   0     6     12    18   23\n  errors ", t->out);
    spark(t, err, 24);
    fputs("\n  429s   ", t->out);
    spark(t, q, 24);
    fprintf(t->out, "\n  most errors at %02d:00-%02d:59: %lld of %lld requests (%.1f%%)\n", peak,
            peak, c[peak].err, c[peak].req, pct(c[peak].err, c[peak].req));
}

static void quota(struct tx *t, const struct stats *s)
{
    long long dims[DIM_COUNT], max = 0;
    char clk[8], lo_s[8], hi_s[8];
    if (!s->by_code[429])
        return;
    stats_dim_counts(s, dims);
    heading(t, "429s by quota dimension");
    for (int d = 0; d < DIM_COUNT; d++)
        max = dims[d] > max ? dims[d] : max;
    for (int d = 0; d < DIM_COUNT; d++) {
        if (!dims[d])
            continue;
        fprintf(t->out, "  %-9s ", stats_dim_name(d));
        bar(t, dims[d], max, t->width - 30);
        fprintf(t->out, " %7lld %5.1f%%\n", dims[d], pct(dims[d], s->by_code[429]));
    }
    if (s->tier_free || s->tier_paid)
        fprintf(t->out, "  tier: %lld free, %lld paid, %lld not named\n", s->tier_free,
                s->tier_paid, s->tier_unknown);
    if (s->nrpd_days > 0) {
        int lo = 86400, hi = -1;
        for (int i = 0; i < s->nrpd_days; i++) {
            lo = s->rpd_sec[i] < lo ? s->rpd_sec[i] : lo;
            hi = s->rpd_sec[i] > hi ? s->rpd_sec[i] : hi;
        }
        stats_clock(stats_rpd_median(s), clk, sizeof(clk));
        stats_clock(lo, lo_s, sizeof(lo_s));
        stats_clock(hi, hi_s, sizeof(hi_s));
        fprintf(t->out,
                "  the daily quota ran out on %d day%s at %s in %s (median; earliest %s, latest "
                "%s); it resets at %s\n",
                s->nrpd_days, s->nrpd_days == 1 ? "" : "s", clk, s->reset_zone, lo_s, hi_s,
                s->reset_label);
    }
}

static void sizes(struct tx *t, const struct stats *s)
{
    long long tot = 0, max = 0;
    double share, ratio;
    for (int b = 0; b < STATS_NSIZE; b++) {
        long long e = s->size[b].e500 + s->size[b].e504;
        tot += e;
        max = e > max ? e : max;
    }
    if (!tot)
        return;
    heading(t, "500 and 504 errors by prompt size (input tokens)");
    for (int b = 0; b < STATS_NSIZE; b++) {
        long long e = s->size[b].e500 + s->size[b].e504;
        if (!s->size[b].req)
            continue;
        char range[32];
        if (b == STATS_NSIZE - 1)
            snprintf(range, sizeof(range), ">= %lld", stats_size_edges[b - 1]);
        else
            snprintf(range, sizeof(range), "%lld-%lld", b ? stats_size_edges[b - 1] : 0,
                     stats_size_edges[b] - 1);
        fprintf(t->out, "  %-16s ", range);
        bar(t, e, max, t->width - 50);
        fprintf(t->out, " %6lld of %7lld (%.1f%%)\n", e, s->size[b].req, pct(e, s->size[b].req));
    }
    long long cut = stats_cluster_size(s, &share, &ratio);
    if (cut > 0) {
        fprintf(t->out, "  they cluster above %lld input tokens: %.0f%% of them", cut, share * 100);
        if (isinf(ratio))
            fprintf(t->out, ", none below\n");
        else
            fprintf(t->out, ", %.1fx the rate below\n", ratio);
    }
}

static void top(struct tx *t, const char *title, const struct stats_topk *k)
{
    int used[STATS_TOPK] = {0};
    long long max = 0;
    if (!k->n)
        return;
    heading(t, title);
    for (int i = 0; i < k->n; i++)
        max = k->item[i].count > max ? k->item[i].count : max;
    for (int r = 0; r < 10 && r < k->n; r++) {
        int best = -1;
        for (int i = 0; i < k->n; i++)
            if (!used[i] && (best < 0 || k->item[i].count > k->item[best].count))
                best = i;
        used[best] = 1;
        fprintf(t->out, "  %-24.24s ", k->item[best].key);
        bar(t, k->item[best].count, max, t->width - 50);
        fprintf(t->out, " %7lld %5.1f%%%s\n", k->item[best].count,
                pct(k->item[best].count, k->total), k->item[best].over ? " (about)" : "");
    }
}

static void retries(struct tx *t, const struct stats *s)
{
    char a[32];
    if (!s->early && !s->rpd_after && !s->nonretry_repeat)
        return;
    heading(t, "Retries");
    if (s->early) {
        fprintf(t->out,
                "  %lld requests sent inside the server's retry delay after a 429; %lld retry "
                "storms (%d or more in one delay)\n",
                s->early, s->storms, STATS_STORM_MIN);
        if (s->worst_storm.requests) {
            stats_iso(s->worst_storm.start, a, sizeof(a));
            fprintf(t->out, "  worst: %lld requests to %s within %.0f s of the 429 at %s\n",
                    s->worst_storm.requests, s->worst_storm.model, s->worst_storm.window_s, a);
        }
    }
    if (s->rpd_after) {
        fprintf(t->out,
                "  %lld requests sent after a daily quota ran out, before its reset; %lld failed "
                "429\n",
                s->rpd_after, s->rpd_after_429);
        if (s->worst_rpd.requests) {
            stats_iso(s->worst_rpd.start, a, sizeof(a));
            fprintf(t->out,
                    "  worst burst: %lld requests to %s after the daily quota ran out at %s\n",
                    s->worst_rpd.requests, s->worst_rpd.model, a);
        }
    }
    if (s->nonretry_repeat)
        fprintf(t->out,
                "  %lld of %lld errors that cannot succeed by retrying were the same request "
                "failing again (400: %lld, 403: %lld, 404: %lld)\n",
                s->nonretry_repeat, s->nonretry, s->repeat_400, s->repeat_403, s->repeat_404);
}

static void latency(struct tx *t, const struct stats *s)
{
    if (!s->has_latency)
        return;
    heading(t, "Latency (ms)");
    fprintf(t->out, "  %-9s %8s %8s %8s %8s\n", "", "count", "p50", "p90", "p99");
    const long long *hs[] = {s->lat_ok, s->lat_err};
    const char *names[] = {"success", "failure"};
    for (int i = 0; i < 2; i++) {
        long long n = stats_lat_count(hs[i]);
        if (!n)
            continue;
        fprintf(t->out, "  %-9s %8lld %8.0f %8.0f %8.0f\n", names[i], n,
                stats_latency_pct(hs[i], 50), stats_latency_pct(hs[i], 90),
                stats_latency_pct(hs[i], 99));
    }
}

/* Display columns of s[0..n): UTF-8 continuation bytes and the heading
 * mark take none. */
static size_t columns(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && s[i] != HEADING_MARK)
            c++;
    return c;
}

/* One row to emit: pad spaces of indentation, then s[0..n). */
static void emit_row(struct sbuf *row, int pad, const char *s, size_t n, int heading,
                     stats_line_fn emit, void *arg)
{
    row->len = 0;
    for (int i = 0; i < pad; i++)
        sbuf_addc(row, ' ');
    sbuf_add(row, s, n);
    emit(arg, heading, row->buf, row->len);
}

/* Hand out the report in buf as rows fitted to width: long lines break at
 * a space and go on indented under their own start. */
static void wrap(const char *buf, size_t len, int width, stats_line_fn emit, void *arg)
{
    const char *p = buf, *e = buf + len;
    struct sbuf row;

    sbuf_init(&row);
    sbuf_grow(&row, 1);
    while (p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        const char *end = nl ? nl : e;
        int heading = p < end && *p == HEADING_MARK;
        size_t indent = 0;
        if (heading)
            p++;
        while (p + indent < end && p[indent] == ' ')
            indent++;
        int first = 1;
        while (columns(p, (size_t)(end - p)) + (first ? 0 : indent + 2) > (size_t)width) {
            size_t room = (size_t)width - (first ? 0 : indent + 2), cols = 0;
            const char *cut = NULL, *q = p;
            while (q < end && cols < room) {
                if (*q == ' ' && q > p)
                    cut = q;
                if (((unsigned char)*q & 0xC0) != 0x80)
                    cols++;
                q++;
            }
            if (!cut || cut <= p + indent)
                break;
            emit_row(&row, first ? 0 : (int)indent + 2, p, (size_t)(cut - p), heading, emit, arg);
            p = cut + 1;
            first = 0;
        }
        emit_row(&row, first ? 0 : (int)indent + 2, p, (size_t)(end - p), heading, emit, arg);
        p = nl ? nl + 1 : e;
    }
    sbuf_release(&row);
}

void stats_report_lines(const struct stats *s, const struct stats_opts *o, int utf8,
                        stats_line_fn emit, void *arg)
{
    char *buf = NULL;
    size_t blen = 0;
    FILE *mem = open_memstream(&buf, &blen);
    struct tx t = {mem, utf8, term_width(o)};
    struct stats_reco reco[STATS_MAX_RECO];
    char title[256];
    int n;

    if (!mem)
        gd_out_of_memory();
    header(&t, s);
    codes(&t, s);
    causes(&t, s);
    over_time(&t, s);
    if (s->tmin <= s->tmax) {
        snprintf(title, sizeof(title), "Errors by hour of day in %s (daily quotas reset at %s)",
                 s->reset_zone, s->reset_label);
        hours(&t, title, s->hod_pt);
        if (s->have_tz) {
            snprintf(title, sizeof(title), "Errors by hour of day, %s", s->tz.name);
            hours(&t, title, s->hod_tz);
        }
    }
    quota(&t, s);
    sizes(&t, s);
    if (o->by[0]) {
        snprintf(title, sizeof(title), "Top %s by 429s", o->by);
        top(&t, title, &s->by_429);
        snprintf(title, sizeof(title), "Top %s by errors", o->by);
        top(&t, title, &s->by_err);
    }
    retries(&t, s);
    latency(&t, s);
    n = stats_recommend(s, o, reco, STATS_MAX_RECO);
    if (n) {
        heading(&t, "Recommendations");
        for (int i = 0; i < n; i++)
            fprintf(t.out, "  %d. %s\n     (%s)\n", i + 1, reco[i].text, reco[i].figure);
    }
    fclose(mem);
    wrap(buf, blen, t.width, emit, arg);
    free(buf);
}

struct file_sink {
    FILE *out;
    int color;
};

static void file_line(void *arg, int heading, const char *line, size_t len)
{
    struct file_sink *f = arg;
    if (heading && f->color)
        fputs("\033[1m", f->out);
    fwrite(line, 1, len, f->out);
    if (heading && f->color)
        fputs("\033[0m", f->out);
    fputc('\n', f->out);
}

void stats_render_text(FILE *out, const struct stats *s, const struct stats_opts *o)
{
    struct file_sink f = {out, o->color};
    stats_report_lines(s, o, locale_utf8(), file_line, &f);
}
