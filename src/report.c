/*
 * report: the check renderers (text, json, junit, github). See report.h.
 * Decisions where PRODUCT.md is silent are in docs/check.md ("Output").
 */
#include "report.h"
#include "render.h"
#include "rules.h"
#include "rules_store.h"

#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "commands.h"
#include "diagnosis.h"
#include "keymask.h"
#include "options.h"
#include "util.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

/* --- making strings safe ------------------------------------------------ */

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    size_t n;
    unsigned cp;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        n = 2;
        cp = s[0] & 0x1f;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        n = 3;
        cp = s[0] & 0x0f;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        n = 4;
        cp = s[0] & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

/* A copy of s that is valid UTF-8 with no control characters other than
 * newline (kept when keep_nl) and no C1 controls; the rest become '?'. */
static char *clean(const char *s, int keep_nl)
{
    struct sbuf sb;
    const unsigned char *p = (const unsigned char *)(s ? s : "");

    sbuf_init(&sb);
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0) {
            sbuf_addc(&sb, '?');
            p++;
        } else if (n == 1) {
            if (*p == '\n' && keep_nl)
                sbuf_addc(&sb, '\n');
            else if (*p == '\t')
                sbuf_addc(&sb, ' ');
            else if (*p < 0x20 || *p == 0x7f)
                sbuf_addc(&sb, *p == '\n' ? ' ' : '?');
            else
                sbuf_addc(&sb, (char)*p);
            p++;
        } else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
            sbuf_addc(&sb, '?');
            p += 2;
        } else {
            sbuf_add(&sb, (const char *)p, n);
            p += n;
        }
    }
    return sbuf_detach(&sb);
}

/* Print s with every line after the first indented by indent spaces. */
static void put_indented(FILE *out, const char *s, int indent)
{
    char *c = clean(s, 1);
    size_t n = strlen(c);
    while (n > 0 && c[n - 1] == '\n')
        c[--n] = '\0';
    for (const char *p = c; *p; p++) {
        fputc(*p, out);
        if (*p == '\n' && p[1])
            fprintf(out, "%*s", indent, "");
    }
    free(c);
}

/* --- shared pieces ------------------------------------------------------ */

struct counts {
    int pass, warn, fail, skip;
};

static struct counts count(const struct check_run *run)
{
    struct counts n = {0, 0, 0, 0};
    for (int i = 0; i < CHECK_COUNT; i++) {
        switch (check_run_get(run, (enum check_id)i)->result) {
        case RES_PASS:
            n.pass++;
            break;
        case RES_WARN:
            n.warn++;
            break;
        case RES_FAIL:
            n.fail++;
            break;
        default:
            n.skip++;
            break;
        }
    }
    return n;
}

static const char *exit_words(int code)
{
    switch (code) {
    case EXIT_OK:
        return "all good";
    case EXIT_TEMPFAIL:
        return "only transient problems: retry later";
    case EXIT_INTERRUPTED:
        return "interrupted before every check finished";
    default:
        return "a problem that needs a change";
    }
}

static char *summary_line(const struct check_run *run, int code)
{
    struct counts n = count(run);
    struct sbuf sb;

    sbuf_init(&sb);
    sbuf_addf(&sb, "%d passed, %d warning%s, %d failed, %d skipped: exit %d, %s", n.pass, n.warn,
              n.warn == 1 ? "" : "s", n.fail, n.skip, code, exit_words(code));
    return sbuf_detach(&sb);
}

/* --- text --------------------------------------------------------------- */

struct marks {
    const char *pass, *warn, *fail, *skip, *run;
};

struct colours {
    const char *bold, *red, *yellow, *green, *dim, *reset;
};

static int utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static void text_diag(FILE *out, const struct diagnosis *d, const struct colours *c)
{
    fprintf(out, "      cause: %s", d->cause);
    if (d->title) {
        fputs(" · ", out);
        put_indented(out, d->title, 0);
    }
    fputc('\n', out);
    if (diagnosis_recognised(d)) {
        char verdict[128];
        render_verdict(d, verdict, sizeof(verdict));
        fprintf(out, "      retry: %s%s%s\n", d->retryable ? c->green : c->red, verdict, c->reset);
        if (d->resets_at[0])
            fprintf(out, "      resets at: %s%s%s%s\n", d->resets_at, d->reset_label ? " (" : "",
                    d->reset_label ? d->reset_label : "", d->reset_label ? ")" : "");
        if (d->wait_plan) {
            fputs("      plan: ", out);
            put_indented(out, d->wait_plan, 12);
            fputc('\n', out);
        }
    }
    if (diagnosis_step_count(d, STEP_CHECK)) {
        fprintf(out, "      %sfix:%s\n", c->bold, c->reset);
        for (int i = 0; i < diagnosis_step_count(d, STEP_CHECK); i++) {
            fprintf(out, "        %d. ", i + 1);
            put_indented(out, diagnosis_step(d, STEP_CHECK, i), 11);
            fputc('\n', out);
        }
    }
    for (int i = 0; i < d->ndocs; i++) {
        fprintf(out, "      %s", i ? "      " : "docs: ");
        put_indented(out, d->docs[i], 12);
        fputc('\n', out);
    }
}

static void report_text(FILE *out, const struct check_run *run, const struct options *opt,
                        int color, int code)
{
    static const struct marks uni = {"\xe2\x9c\x93", "!", "\xe2\x9c\x97", "-", "\xe2\x80\xa6"};
    static const struct marks ascii = {"ok", "!!", "XX", "--", ".."};
    static const struct colours plain = {"", "", "", "", "", ""};
    static const struct colours ansi = {"\033[1m",  "\033[31m", "\033[33m",
                                        "\033[32m", "\033[2m",  "\033[0m"};
    const struct marks *m = utf8_locale() ? &uni : &ascii;
    const struct colours *c = color ? &ansi : &plain;
    char *line = summary_line(run, code);
    const char *key = check_run_key_masked(run);

    if (opt->quiet)
        goto summary;
    fprintf(out, "%sgemini-doctor %s%s: checking your Gemini API setup\n", c->bold, GD_VERSION,
            c->reset);
    if (key[0])
        fprintf(out, "  key:      %s (from %s)\n", key, check_run_key_source(run));
    else
        fprintf(out, "  key:      none found\n");
    fputs("  model:    ", out);
    put_indented(out, check_run_model(run), 0);
    fputs("\n  base URL: ", out);
    put_indented(out, check_run_base_url(run), 0);
    fputs("\n\n", out);

    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        const char *mark = m->skip, *col = c->dim;
        int open = k->result == RES_WARN || k->result == RES_FAIL;
        switch (k->result) {
        case RES_PASS:
            mark = m->pass;
            col = c->green;
            break;
        case RES_WARN:
            mark = m->warn;
            col = c->yellow;
            break;
        case RES_FAIL:
            mark = m->fail;
            col = c->red;
            break;
        case RES_PENDING:
        case RES_RUNNING:
            mark = m->run;
            break;
        case RES_SKIP:
            break;
        }
        fprintf(out, "  %s%s%s %-14s ", col, mark, c->reset, check_label((enum check_id)i));
        put_indented(out, k->summary ? k->summary : "", 20);
        if (opt->verbose)
            fprintf(out, " %s[%s, %ld ms]%s", c->dim, check_id_name((enum check_id)i),
                    k->duration_ms, c->reset);
        fputc('\n', out);
        if (open && k->diag)
            text_diag(out, k->diag, c);
        if ((open || opt->verbose) && k->detail) {
            fputs("      ", out);
            put_indented(out, k->detail, 6);
            fputc('\n', out);
        }
        if (opt->verbose && k->exchange) {
            fprintf(out, "      %sexchange:%s\n        ", c->dim, c->reset);
            put_indented(out, k->exchange, 8);
            fputc('\n', out);
        }
        if (open)
            fputc('\n', out);
    }
    fputc('\n', out);
summary:
    fprintf(out, "%s%s%s\n", c->bold, line, c->reset);
    free(line);
}

/* --- json --------------------------------------------------------------- */

static void jadd(cJSON *o, const char *name, const char *v)
{
    char *s = clean(v, 1);
    cJSON_AddStringToObject(o, name, s);
    free(s);
}

static void report_json(FILE *out, const struct check_run *run, const struct options *opt)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr, *sum;
    struct counts n = count(run);
    char *s, *notice;

    jadd(o, "version", GD_VERSION);
    jadd(o, "model", check_run_model(run));
    jadd(o, "base_url", check_run_base_url(run));
    jadd(o, "key", check_run_key_masked(run));
    notice = rules_stale_notice(check_run_rules(run), gd_now());
    if (notice)
        jadd(o, "rules_notice", notice);
    free(notice);
    arr = cJSON_AddArrayToObject(o, "checks");
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        const struct diagnosis *d = k->diag;
        cJSON *c = cJSON_CreateObject(), *steps;
        cJSON_AddItemToArray(arr, c);
        jadd(c, "id", check_id_name((enum check_id)i));
        jadd(c, "result", check_result_name(k->result));
        if (d)
            jadd(c, "cause", d->cause);
        if (d && d->rule)
            jadd(c, "rule", d->rule->id);
        jadd(c, "summary", k->summary ? k->summary : "");
        steps = cJSON_AddArrayToObject(c, "steps");
        for (int j = 0; d && j < diagnosis_step_count(d, STEP_CHECK); j++) {
            char *st = clean(diagnosis_step(d, STEP_CHECK, j), 1);
            cJSON_AddItemToArray(steps, cJSON_CreateString(st));
            free(st);
        }
        cJSON_AddNumberToObject(c, "duration_ms", (double)k->duration_ms);
        if (d) {
            if (d->title)
                jadd(c, "title", d->title);
            cJSON_AddBoolToObject(c, "retryable", d->retryable);
            if (d->has_retry_after)
                cJSON_AddNumberToObject(c, "retry_after_s",
                                        round(d->retry_after_s * 1000.0) / 1000.0);
            if (d->resets_at[0])
                jadd(c, "resets_at", d->resets_at);
        }
        if (opt->verbose && k->exchange)
            jadd(c, "exchange", k->exchange);
    }
    sum = cJSON_AddObjectToObject(o, "summary");
    cJSON_AddNumberToObject(sum, "pass", n.pass);
    cJSON_AddNumberToObject(sum, "warn", n.warn);
    cJSON_AddNumberToObject(sum, "fail", n.fail);
    cJSON_AddNumberToObject(sum, "skip", n.skip);
    cJSON_AddNumberToObject(o, "exit", check_run_exit_code(run));
    s = cJSON_Print(o);
    if (s)
        fprintf(out, "%s\n", s);
    free(s);
    cJSON_Delete(o);
}

/* --- junit -------------------------------------------------------------- */

static void xml_put(FILE *out, const char *s, int attr)
{
    char *c = clean(s, 1);
    for (const char *p = c; *p; p++) {
        switch (*p) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        case '\n':
            fputs(attr ? "&#10;" : "\n", out);
            break;
        default:
            fputc(*p, out);
        }
    }
    free(c);
}

static void report_junit(FILE *out, const struct check_run *run)
{
    struct counts n = count(run);
    long total = 0;

    for (int i = 0; i < CHECK_COUNT; i++)
        total += check_run_get(run, (enum check_id)i)->duration_ms;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out,
            "<testsuites name=\"gemini-doctor\" tests=\"%d\" failures=\"%d\" "
            "skipped=\"%d\" errors=\"0\" time=\"%.3f\">\n",
            CHECK_COUNT, n.fail, n.skip, (double)total / 1000.0);
    fprintf(out,
            "  <testsuite name=\"gemini-doctor\" tests=\"%d\" failures=\"%d\" "
            "skipped=\"%d\" errors=\"0\" time=\"%.3f\">\n",
            CHECK_COUNT, n.fail, n.skip, (double)total / 1000.0);
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        const struct diagnosis *d = k->diag;
        fprintf(out,
                "    <testcase classname=\"gemini-doctor.check\" name=\"%s\" "
                "time=\"%.3f\">\n",
                check_id_name((enum check_id)i), (double)k->duration_ms / 1000.0);
        if (k->result == RES_FAIL) {
            fputs("      <failure message=\"", out);
            if (d) {
                xml_put(out, d->cause, 1);
                fputs(": ", out);
                xml_put(out, d->title ? d->title : (k->summary ? k->summary : ""), 1);
            } else {
                xml_put(out, k->summary ? k->summary : "", 1);
            }
            fputs("\" type=\"", out);
            xml_put(out, d ? d->cause : rules_no_match_cause(check_run_rules(run))->id, 1);
            fputs("\">", out);
            xml_put(out, k->summary ? k->summary : "", 0);
            for (int j = 0; d && j < diagnosis_step_count(d, STEP_CHECK); j++) {
                fprintf(out, "\n%d. ", j + 1);
                xml_put(out, diagnosis_step(d, STEP_CHECK, j), 0);
            }
            if (k->detail) {
                fputc('\n', out);
                xml_put(out, k->detail, 0);
            }
            fputs("</failure>\n", out);
        } else if (k->result == RES_SKIP) {
            fputs("      <skipped message=\"", out);
            xml_put(out, k->summary ? k->summary : "", 1);
            fputs("\"/>\n", out);
        } else if (k->result == RES_WARN) {
            fputs("      <system-out>warning: ", out);
            xml_put(out, k->summary ? k->summary : "", 0);
            for (int j = 0; d && j < diagnosis_step_count(d, STEP_CHECK); j++) {
                fprintf(out, "\n%d. ", j + 1);
                xml_put(out, diagnosis_step(d, STEP_CHECK, j), 0);
            }
            fputs("</system-out>\n", out);
        }
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
}

/* --- github ------------------------------------------------------------- */

void report_github_escape(FILE *out, const char *s, int property)
{
    for (const char *p = s; *p; p++) {
        if (*p == '%')
            fputs("%25", out);
        else if (*p == '\r')
            fputs("%0D", out);
        else if (*p == '\n')
            fputs("%0A", out);
        else if (property && *p == ':')
            fputs("%3A", out);
        else if (property && *p == ',')
            fputs("%2C", out);
        else
            fputc(*p, out);
    }
}

static void gh_put(FILE *out, const char *s, int property)
{
    char *c = clean(s, 1);
    report_github_escape(out, c, property);
    free(c);
}

/* One Markdown table cell or line: redacted, control characters gone, no
 * line breaks, and the characters that would end a cell or open markup
 * escaped. */
static void md_put(FILE *out, const char *s)
{
    char *red = key_redact(s ? s : "");
    char *c = clean(red, 0);
    for (const char *p = c; *p; p++) {
        if (*p == '|' || *p == '\\' || *p == '*' || *p == '_' || *p == '`' || *p == '[')
            fprintf(out, "\\%c", *p);
        else if (*p == '<')
            fputs("&lt;", out);
        else if (*p == '>')
            fputs("&gt;", out);
        else if (*p == '&')
            fputs("&amp;", out);
        else if (*p == '\n' || *p == '\r')
            fputc(' ', out);
        else
            fputc(*p, out);
    }
    free(c);
    free(red);
}

/*
 * In a GitHub Actions job ($GITHUB_STEP_SUMMARY set), the whole report is
 * also appended to the job summary as Markdown: annotations are capped per
 * step and cut long texts, the summary is not. A summary that cannot be
 * written is a warning, never a change of the exit code.
 */
static void github_summary(const struct check_run *run)
{
    const char *path = getenv("GITHUB_STEP_SUMMARY");
    char *line;
    FILE *out;

    if (!path || !*path)
        return;
    out = fopen(path, "a");
    if (!out) {
        warning("cannot append to GITHUB_STEP_SUMMARY '%s'", path);
        return;
    }
    line = summary_line(run, check_run_exit_code(run));
    fprintf(out, "## gemini-doctor check\n\n**");
    md_put(out, line);
    fprintf(out, "**\n\n| check | result | summary |\n|---|---|---|\n");
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        fprintf(out, "| %s | %s | ", check_label((enum check_id)i), check_result_name(k->result));
        md_put(out, k->summary);
        fputs(" |\n", out);
    }
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        const struct diagnosis *d = k->diag;
        if (!d || (k->result != RES_FAIL && k->result != RES_WARN))
            continue;
        fprintf(out, "\n### %s: ", check_label((enum check_id)i));
        md_put(out, d->title ? d->title : k->summary);
        fprintf(out, " (`%s`)\n\n", d->cause);
        for (int j = 0; j < diagnosis_step_count(d, STEP_CHECK); j++) {
            fprintf(out, "%d. ", j + 1);
            md_put(out, diagnosis_step(d, STEP_CHECK, j));
            fputc('\n', out);
        }
    }
    fputc('\n', out);
    free(line);
    if (fclose(out) != 0)
        warning("cannot write GITHUB_STEP_SUMMARY '%s'", path);
}

static void report_github(FILE *out, const struct check_run *run, const struct options *opt)
{
    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *k = check_run_get(run, (enum check_id)i);
        const struct diagnosis *d = k->diag;
        struct sbuf title, msg;
        if (k->result != RES_FAIL && k->result != RES_WARN)
            continue;
        sbuf_init(&title);
        sbuf_init(&msg);
        sbuf_addf(&title, "gemini-doctor %s", check_id_name((enum check_id)i));
        sbuf_adds(&msg, k->summary ? k->summary : "");
        if (d) {
            sbuf_addf(&msg, "\ncause: %s", d->cause);
            if (d->title)
                sbuf_addf(&msg, " (%s)", d->title);
            for (int j = 0; j < diagnosis_step_count(d, STEP_CHECK); j++)
                sbuf_addf(&msg, "\n%d. %s", j + 1, diagnosis_step(d, STEP_CHECK, j));
        }
        fprintf(out, "::%s title=", k->result == RES_FAIL ? "error" : "warning");
        gh_put(out, title.buf, 1);
        fputs("::", out);
        gh_put(out, msg.buf, 0);
        fputc('\n', out);
        sbuf_release(&title);
        sbuf_release(&msg);
    }
    report_text(out, run, opt, 0, check_run_exit_code(run));
    github_summary(run);
}

void report_print(FILE *out, const struct check_run *run, const struct options *opt)
{
    switch (opt->format) {
    case FMT_JSON:
        report_json(out, run, opt);
        break;
    case FMT_JUNIT:
        report_junit(out, run);
        break;
    case FMT_GITHUB:
        report_github(out, run, opt);
        break;
    case FMT_TEXT:
    default:
        report_text(out, run, opt, out == stdout && use_color(opt, 1), check_run_exit_code(run));
        break;
    }
}

void report_print_text_exit(FILE *out, const struct check_run *run, const struct options *opt,
                            int code)
{
    report_text(out, run, opt, out == stdout && use_color(opt, 1), code);
}
