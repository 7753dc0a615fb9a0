/*
 * scan_report: prints a scan's findings as text (file:line:col lines),
 * JSON, SARIF 2.1.0 for code scanning, or GitHub workflow annotations. It
 * reads the findings; it decides nothing. Every string goes through the one
 * redactor on the way out.
 */
#include "scan_report.h"

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "keymask.h"
#include "report.h"
#include "rules_scan.h"
#include "scan.h"
#include "util.h"

#ifndef GD_VERSION
#define GD_VERSION "0.1.0"
#endif

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define INFO_URI "https://ai.google.dev/gemini-api/docs"

static int counts_exit(const struct scan_result *res, int *errors, int *warnings, int *notes)
{
    *errors = *warnings = *notes = 0;
    for (size_t i = 0; i < res->n; i++) {
        switch (res->f[i].rule->level) {
        case SCAN_ERROR:
            (*errors)++;
            break;
        case SCAN_WARNING:
            (*warnings)++;
            break;
        default:
            (*notes)++;
            break;
        }
    }
    return *errors + *warnings > 0 ? EXIT_PROBLEM : EXIT_OK;
}

int scan_exit_code(const struct scan_result *res)
{
    int e, w, n;
    return counts_exit(res, &e, &w, &n);
}

/* Was --verify asked for (and did it see a key)? */
static int verified(const struct scan_result *res)
{
    size_t n = 0;
    for (int st = VERIFY_NONE + 1; st < VERIFY_STATE_COUNT; st++)
        n += res->verified[st];
    return n > 0;
}

/* Redacting is the report's costliest step, and most strings repeat from
 * finding to finding (a rule's message and fix for one model, a model id):
 * the last SAFE_CACHE distinct strings and their redacted forms are kept
 * while one report is printed (scan_report frees them), so each is redacted
 * once. The returned string belongs to the cache. */
#define SAFE_CACHE 32

static struct {
    char *in[SAFE_CACHE], *out[SAFE_CACHE];
    int next;
} safe_cache;

static const char *safe(const char *s)
{
    int slot;
    if (!s)
        s = "";
    for (int i = 0; i < SAFE_CACHE; i++)
        if (safe_cache.in[i] && strcmp(safe_cache.in[i], s) == 0)
            return safe_cache.out[i];
    slot = safe_cache.next;
    safe_cache.next = (slot + 1) % SAFE_CACHE;
    free(safe_cache.in[slot]);
    free(safe_cache.out[slot]);
    safe_cache.in[slot] = xstrdup(s);
    safe_cache.out[slot] = key_redact(s);
    return safe_cache.out[slot];
}

static void safe_release(void)
{
    for (int i = 0; i < SAFE_CACHE; i++) {
        free(safe_cache.in[i]);
        free(safe_cache.out[i]);
    }
    memset(&safe_cache, 0, sizeof(safe_cache));
}

static void put_safe(FILE *out, const char *s)
{
    fputs(safe(s), out);
}

static void location(FILE *out, const struct scan_finding *f)
{
    put_safe(out, f->path);
    if (f->commit)
        fprintf(out, "@%.12s", f->commit);
    fprintf(out, ":%d:%d", f->line, f->col);
}

static void report_text(FILE *out, const struct scan_result *res, int quiet)
{
    int e, w, n;
    counts_exit(res, &e, &w, &n);
    for (size_t i = 0; !quiet && i < res->n; i++) {
        const struct scan_finding *f = &res->f[i];
        location(out, f);
        fprintf(out, ": %s: [%s] ", scan_level_name(f->rule->level), f->rule->id);
        put_safe(out, f->what);
        fputs(": ", out);
        put_safe(out, f->message);
        fputs("\n    fix: ", out);
        put_safe(out, f->fix);
        if (f->rule->kind == SCAN_KEY || f->rule->kind == SCAN_KEY_PARAM ||
            f->rule->kind == SCAN_ENV_FILE)
            fprintf(out, "\n    fingerprint: %.16s (allowlist line: key %.16s)", f->fingerprint,
                    f->fingerprint);
        if (f->verify != VERIFY_NONE) {
            fprintf(out, "\n    verify: %s: ", scan_verify_state_name(f->verify));
            put_safe(out, f->verify_detail);
        }
        fputc('\n', out);
    }
    fprintf(out,
            "scan: %d error%s, %d warning%s, %d note%s in %zu files (%zu skipped, %zu allowed)\n",
            e, e == 1 ? "" : "s", w, w == 1 ? "" : "s", n, n == 1 ? "" : "s", res->files,
            res->skipped, res->allowed);
    if (verified(res)) {
        const char *sep = "";
        fputs("scan: verified distinct keys:", out);
        for (int st = VERIFY_NONE + 1; st < VERIFY_STATE_COUNT; st++) {
            fprintf(out, "%s %zu %s", sep, res->verified[st],
                    scan_verify_state_name((enum scan_verify_state)st));
            sep = ",";
        }
        fputc('\n', out);
    }
}

static void jstr(cJSON *o, const char *name, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, name, safe(v));
}

static char *print_json(cJSON *root)
{
    char *s = cJSON_Print(root);
    cJSON_Delete(root);
    if (!s)
        gd_out_of_memory();
    return s;
}

static void report_json(FILE *out, const struct scan_result *res)
{
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "findings"), *sum;
    int e, w, n;
    char *s;

    for (size_t i = 0; i < res->n; i++) {
        const struct scan_finding *f = &res->f[i];
        cJSON *o = cJSON_CreateObject();
        jstr(o, "rule", f->rule->id);
        jstr(o, "level", scan_level_name(f->rule->level));
        jstr(o, "path", f->path);
        jstr(o, "commit", f->commit);
        cJSON_AddNumberToObject(o, "line", f->line);
        cJSON_AddNumberToObject(o, "col", f->col);
        jstr(o, "what", f->what);
        jstr(o, "message", f->message);
        jstr(o, "fix", f->fix);
        jstr(o, "fingerprint", f->fingerprint);
        if (f->verify != VERIFY_NONE) {
            cJSON *v = cJSON_AddObjectToObject(o, "verify");
            jstr(v, "state", scan_verify_state_name(f->verify));
            jstr(v, "cause", f->verify_cause);
            jstr(v, "detail", f->verify_detail);
        }
        cJSON_AddItemToArray(list, o);
    }
    counts_exit(res, &e, &w, &n);
    sum = cJSON_AddObjectToObject(root, "summary");
    cJSON_AddNumberToObject(sum, "error", e);
    cJSON_AddNumberToObject(sum, "warning", w);
    cJSON_AddNumberToObject(sum, "note", n);
    cJSON_AddNumberToObject(sum, "files", (double)res->files);
    cJSON_AddNumberToObject(sum, "bytes", (double)res->bytes);
    cJSON_AddNumberToObject(sum, "skipped", (double)res->skipped);
    cJSON_AddNumberToObject(sum, "allowed", (double)res->allowed);
    if (verified(res)) {
        cJSON *v = cJSON_AddObjectToObject(sum, "verify");
        for (int st = VERIFY_NONE + 1; st < VERIFY_STATE_COUNT; st++)
            cJSON_AddNumberToObject(v, scan_verify_state_name((enum scan_verify_state)st),
                                    (double)res->verified[st]);
    }
    cJSON_AddNumberToObject(root, "exit", scan_exit_code(res));
    s = print_json(root);
    fprintf(out, "%s\n", s);
    free(s);
}

/* SARIF 2.1.0: one run, every scan rule as a reportingDescriptor (so code
 * scanning shows help for rules that did not fire too), one result a
 * finding with its location and a partial fingerprint that survives line
 * moves. */
static void report_sarif(FILE *out, const struct scan_result *res, const struct scan_rules *sr)
{
    cJSON *root = cJSON_CreateObject(), *runs, *run, *tool, *driver, *rules, *results;
    char *s;

    cJSON_AddStringToObject(root, "$schema", SARIF_SCHEMA);
    cJSON_AddStringToObject(root, "version", "2.1.0");
    runs = cJSON_AddArrayToObject(root, "runs");
    run = cJSON_CreateObject();
    cJSON_AddItemToArray(runs, run);
    tool = cJSON_AddObjectToObject(run, "tool");
    driver = cJSON_AddObjectToObject(tool, "driver");
    cJSON_AddStringToObject(driver, "name", "gemini-doctor");
    cJSON_AddStringToObject(driver, "version", GD_VERSION);
    cJSON_AddStringToObject(driver, "informationUri", INFO_URI);
    rules = cJSON_AddArrayToObject(driver, "rules");
    for (int i = 0; i < scan_rules_count(sr); i++) {
        const struct scan_rule *r = scan_rules_get(sr, i);
        cJSON *d = cJSON_CreateObject(), *t, *cfg;
        cJSON_AddStringToObject(d, "id", r->id);
        t = cJSON_AddObjectToObject(d, "shortDescription");
        jstr(t, "text", r->title);
        t = cJSON_AddObjectToObject(d, "fullDescription");
        jstr(t, "text", r->help);
        t = cJSON_AddObjectToObject(d, "help");
        jstr(t, "text", r->fix);
        cfg = cJSON_AddObjectToObject(d, "defaultConfiguration");
        cJSON_AddStringToObject(cfg, "level", scan_level_name(r->level));
        cJSON_AddItemToArray(rules, d);
    }
    results = cJSON_AddArrayToObject(run, "results");
    for (size_t i = 0; i < res->n; i++) {
        const struct scan_finding *f = &res->f[i];
        cJSON *o = cJSON_CreateObject(), *msg, *locs, *loc, *phys, *art, *reg, *fp;
        struct sbuf text;
        int ri = 0;
        for (int k = 0; k < scan_rules_count(sr); k++)
            if (scan_rules_get(sr, k) == f->rule)
                ri = k;
        cJSON_AddStringToObject(o, "ruleId", f->rule->id);
        cJSON_AddNumberToObject(o, "ruleIndex", ri);
        cJSON_AddStringToObject(o, "level", scan_level_name(f->rule->level));
        msg = cJSON_AddObjectToObject(o, "message");
        sbuf_init(&text);
        sbuf_addf(&text, "%s: %s. Fix: %s", f->what, f->message, f->fix);
        if (f->verify != VERIFY_NONE)
            sbuf_addf(&text, ". Verify: %s: %s", scan_verify_state_name(f->verify),
                      f->verify_detail);
        jstr(msg, "text", text.buf);
        sbuf_release(&text);
        locs = cJSON_AddArrayToObject(o, "locations");
        loc = cJSON_CreateObject();
        cJSON_AddItemToArray(locs, loc);
        phys = cJSON_AddObjectToObject(loc, "physicalLocation");
        art = cJSON_AddObjectToObject(phys, "artifactLocation");
        jstr(art, "uri", strncmp(f->path, "./", 2) == 0 ? f->path + 2 : f->path);
        reg = cJSON_AddObjectToObject(phys, "region");
        cJSON_AddNumberToObject(reg, "startLine", f->line);
        cJSON_AddNumberToObject(reg, "startColumn", f->col);
        fp = cJSON_AddObjectToObject(o, "partialFingerprints");
        cJSON_AddStringToObject(fp, "geminiDoctorFinding/v1", f->fingerprint);
        if (f->commit || f->verify != VERIFY_NONE) {
            cJSON *props = cJSON_AddObjectToObject(o, "properties");
            if (f->commit)
                cJSON_AddStringToObject(props, "blob", f->commit);
            if (f->verify != VERIFY_NONE) {
                jstr(props, "verify", scan_verify_state_name(f->verify));
                jstr(props, "verifyCause", f->verify_cause);
                jstr(props, "verifyDetail", f->verify_detail);
            }
        }
        cJSON_AddItemToArray(results, o);
    }
    s = print_json(root);
    fprintf(out, "%s\n", s);
    free(s);
}

static void gh_put(FILE *out, const char *s, int property)
{
    report_github_escape(out, safe(s), property);
}

static void report_github(FILE *out, const struct scan_result *res)
{
    static const char *const cmd[] = {"notice", "warning", "error"};
    for (size_t i = 0; i < res->n; i++) {
        const struct scan_finding *f = &res->f[i];
        struct sbuf msg;
        fprintf(out, "::%s file=", cmd[f->rule->level]);
        gh_put(out, strncmp(f->path, "./", 2) == 0 ? f->path + 2 : f->path, 1);
        fprintf(out, ",line=%d,col=%d,title=", f->line, f->col);
        gh_put(out, f->rule->id, 1);
        fputs("::", out);
        sbuf_init(&msg);
        sbuf_addf(&msg, "%s: %s\nfix: %s", f->what, f->message, f->fix);
        if (f->verify != VERIFY_NONE)
            sbuf_addf(&msg, "\nverify: %s: %s", scan_verify_state_name(f->verify),
                      f->verify_detail);
        gh_put(out, msg.buf, 0);
        sbuf_release(&msg);
        fputc('\n', out);
    }
    report_text(out, res, 1);
}

void scan_report(FILE *out, const struct scan_result *res, const struct scan_rules *sr,
                 enum out_format fmt, int quiet)
{
    switch (fmt) {
    case FMT_JSON:
        report_json(out, res);
        break;
    case FMT_SARIF:
        report_sarif(out, res, sr);
        break;
    case FMT_GITHUB:
        report_github(out, res);
        break;
    default:
        report_text(out, res, quiet);
        break;
    }
    safe_release();
}
