/*
 * rules_store: which rules table a command uses, and where an updated bundle
 * lives. Precedence: --rules DIR, then the bundle `rules update` installed
 * under $XDG_DATA_HOME/gemini-doctor/rules when its data is newer than the
 * built-in table's, then the built-in table. Also the notice a command gives
 * when the data in use is old. Nothing here touches the network.
 */
#include "rules_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "options.h"
#include "rules.h"
#include "rules_builtin.h"
#include "util.h"

/* Data older than this many days gets a notice. */
#define STALE_DAYS 60
/* A manifest is a few hundred bytes; anything much larger is not one. */
#define MANIFEST_MAX ((size_t)1 << 20)

int rules_store_home(char *buf, size_t size)
{
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    int n;

    /* The XDG spec: a relative XDG_DATA_HOME is invalid and ignored. */
    if (xdg && xdg[0] == '/')
        n = snprintf(buf, size, "%s/gemini-doctor", xdg);
    else if (home && home[0] == '/')
        n = snprintf(buf, size, "%s/.local/share/gemini-doctor", home);
    else
        return -1;
    return n > 0 && (size_t)n < size ? 0 : -1;
}

int rules_store_bundle_dir(char *buf, size_t size)
{
    char home[1024];
    int n;

    if (rules_store_home(home, sizeof(home)))
        return -1;
    n = snprintf(buf, size, "%s/rules", home);
    return n > 0 && (size_t)n < size ? 0 : -1;
}

/* The data_as_of of the built-in table, read from its first file without
 * parsing the whole table (every file carries the same date). */
int rules_builtin_date(char out[11])
{
    const char *p = builtin_rules[0].data ? strstr(builtin_rules[0].data, "\"data_as_of\"") : NULL;

    out[0] = '\0';
    if (!p || !(p = strchr(p + 12, '"')) || strlen(p + 1) < 11 || p[11] != '"')
        return -1;
    memcpy(out, p + 1, 10);
    out[10] = '\0';
    return 0;
}

int rules_manifest_date(const char *dir, char out[11])
{
    char path[1200];
    char *buf = NULL;
    size_t len = 0;
    cJSON *m = NULL;
    const cJSON *d;
    int ret = -1;

    out[0] = '\0';
    snprintf(path, sizeof(path), "%s/%s", dir, RULES_MANIFEST);
    if (read_all(path, MANIFEST_MAX, &buf, &len))
        goto out;
    m = cJSON_ParseWithLength(buf, len);
    d = cJSON_GetObjectItemCaseSensitive(m, "data_as_of");
    if (!cJSON_IsString(d) || strlen(d->valuestring) != 10)
        goto out;
    memcpy(out, d->valuestring, 11);
    ret = 0;
out:
    cJSON_Delete(m);
    free(buf);
    return ret;
}

struct rule_table *rules_store_load(const struct options *opt)
{
    struct rule_table *t;
    char dir[1200], have[11], builtin[11], origin[1300];
    struct stat st;

    if (opt->rules_dir) {
        t = rule_table_load(opt->rules_dir);
        snprintf(origin, sizeof(origin), "--rules %s", opt->rules_dir);
        rules_set_origin(t, origin);
        return t;
    }
    /* An installed bundle counts only when its data is newer than what this
     * binary carries: a later release with newer built-in data wins. */
    if (rules_store_bundle_dir(dir, sizeof(dir)) == 0 && stat(dir, &st) == 0 &&
        rules_manifest_date(dir, have) == 0 && rules_builtin_date(builtin) == 0 &&
        strcmp(have, builtin) > 0) {
        t = rule_table_load(dir);
        if (t) {
            snprintf(origin, sizeof(origin), "updated bundle in %s", dir);
            rules_set_origin(t, origin);
            return t;
        }
        warning("the updated rules bundle in %s does not load; using the built-in table "
                "('gemini-doctor rules update' installs a good one)",
                dir);
    }
    t = rule_table_load(NULL);
    rules_set_origin(t, "built-in");
    return t;
}

char *rules_stale_notice(const struct rule_table *t, time_t now)
{
    struct sbuf sb;
    int days;

    if (rules_data_age_days(t, now, &days) || days <= STALE_DAYS)
        return NULL;
    sbuf_init(&sb);
    sbuf_addf(&sb,
              "the rules data is from %s, %d days ago: what it knows about models, keys and "
              "errors may be out of date; 'gemini-doctor rules update' fetches newer data",
              rules_data_date(t), days);
    return sbuf_detach(&sb);
}

void rules_stale_warn(const struct rule_table *t, const struct options *opt)
{
    char *n;

    if (opt->format == FMT_JSON || opt->quiet)
        return;
    n = rules_stale_notice(t, gd_now());
    if (n)
        fprintf(stderr, "gemini-doctor: note: %s\n", n);
    free(n);
}
