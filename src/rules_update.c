/*
 * rules_update: `gemini-doctor rules update [--from URL]`. Fetches a rules
 * bundle over the probes' transport (never with the key): URL names its
 * manifest.json, which gives the bundle's data_as_of and each file's name,
 * size and sha256; the files sit beside it. Every file is checked, the
 * bundle is loaded and linted in a staging directory, and one that is older
 * than the data in use, or broken, is refused. A good one is installed
 * atomically by switching the symlink $XDG_DATA_HOME/gemini-doctor/rules to
 * it. Nothing is written outside that directory; nothing runs on its own.
 */
#include "rules_update.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "options.h"
#include "probe.h"
#include "rules.h"
#include "rules_store.h"
#include "sha256.h"
#include "util.h"

#define BUNDLE_FILES_MAX 32
#define BUNDLE_FILE_MAX ((size_t)8 << 20)
#define MANIFEST_MAX ((size_t)1 << 20)

/* GET url into out. Returns 0, or -1 after a one-line error. */
static int fetch(const char *url, const struct options *opt, size_t max, struct sbuf *out)
{
    struct probe_multi *m = probe_multi_new();
    struct probe_request req;
    struct probe *p = NULL;
    char *shown = url_hide_userinfo(url);
    int ret = -1;

    if (!m)
        goto out;
    req.method = "GET";
    req.url = url;
    req.key = NULL; /* the rules host never gets the key */
    req.body = NULL;
    req.timeout_ms = opt->timeout_s * 1000 < 1 ? 1 : (long)(opt->timeout_s * 1000);
    req.max_bytes = max;
    p = probe_start(m, &req, 0);
    while (p && !p->done && probe_multi_step(m, 100) >= 0)
        ;
    if (!p || !p->done) {
        error("could not fetch %s", shown);
    } else if (probe_net_error(p)) {
        char *d = probe_net_detail(p);
        error("could not fetch %s: %s", shown, d);
        free(d);
    } else if (p->http != 200) {
        error("%s answered HTTP %ld, not the bundle", shown, p->http);
    } else {
        sbuf_add(out, p->body.buf ? p->body.buf : "", p->body.len);
        ret = 0;
    }
out:
    probe_free(p);
    probe_multi_free(m);
    free(shown);
    return ret;
}

/* A file name a bundle may hold: lowercase, digits, '-' or '_', then .json;
 * never a path, never the manifest itself. */
static int good_name(const char *n)
{
    size_t len = strlen(n);
    if (len < 6 || len > 64 || strcmp(n + len - 5, ".json") != 0 || strcmp(n, "manifest.json") == 0)
        return 0;
    for (size_t i = 0; i < len - 5; i++)
        if (!((n[i] >= 'a' && n[i] <= 'z') || (n[i] >= '0' && n[i] <= '9') || n[i] == '-' ||
              n[i] == '_'))
            return 0;
    return 1;
}

static int good_date(const char *d)
{
    int y, m, day;
    char end;
    return d && strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &day, &end) == 3 && m >= 1 &&
           m <= 12 && day >= 1 && day <= 31;
}

static int mkdir_p(const char *path)
{
    char buf[1200];
    size_t n = strlen(path);

    if (n >= sizeof(buf))
        return -1;
    memcpy(buf, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (buf[i] != '/' && buf[i] != '\0')
            continue;
        buf[i] = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            return -1;
        buf[i] = i < n ? '/' : '\0';
    }
    return 0;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len)
{
    char path[1300];
    int fd, ok;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return error("cannot write %s: %s", path, strerror(errno));
    ok = write(fd, data, len) == (ssize_t)len && fsync(fd) == 0;
    if (close(fd) != 0 || !ok)
        return error("cannot write %s: %s", path, strerror(errno));
    return 0;
}

/* Remove a bundle directory: the plain files in it, then the directory. */
static void remove_bundle(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1300];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* The date of the newest data this program would use without --rules. */
static void date_in_use(char out[11])
{
    char dir[1200], have[11];

    if (rules_builtin_date(out))
        out[0] = '\0';
    if (rules_store_bundle_dir(dir, sizeof(dir)) == 0 && rules_manifest_date(dir, have) == 0 &&
        strcmp(have, out) > 0)
        memcpy(out, have, 11);
}

/* Fetch, check and write every file the manifest names into stage. */
static int fetch_files(const cJSON *files, const char *url, const struct options *opt,
                       const char *stage)
{
    const char *slash = strrchr(url, '/');
    size_t base = slash ? (size_t)(slash - url + 1) : 0;
    const cJSON *f;
    int ret = 0;

    cJSON_ArrayForEach(f, files)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(f, "name");
        const cJSON *sum = cJSON_GetObjectItemCaseSensitive(f, "sha256");
        struct sbuf body, u;
        char hex[65];

        if (!cJSON_IsString(name) || !good_name(name->valuestring) || !cJSON_IsString(sum) ||
            strlen(sum->valuestring) != 64)
            return error("the manifest names a file badly (each needs a plain 'name' ending in "
                         ".json and a 'sha256' of 64 hex digits)");
        sbuf_init(&body);
        sbuf_init(&u);
        sbuf_add(&u, url, base);
        sbuf_adds(&u, name->valuestring);
        if (fetch(u.buf, opt, BUNDLE_FILE_MAX, &body)) {
            ret = -1;
        } else {
            sha256_hex(body.buf ? body.buf : "", body.len, hex);
            if (gd_strcasecmp(hex, sum->valuestring) != 0)
                ret = error("%s does not match its sha256 in the manifest: the bundle is "
                            "corrupt or was altered; nothing was installed",
                            name->valuestring);
            else
                ret = write_file(stage, name->valuestring, body.buf ? body.buf : "", body.len);
        }
        sbuf_release(&body);
        sbuf_release(&u);
        if (ret)
            return ret;
    }
    return 0;
}

/* Point home/rules at the bundle directory named target, atomically, and
 * remove the bundle it pointed at before. */
static int switch_link(const char *home, const char *target)
{
    char link[1200], tmp[1200], old[512], oldpath[1800];
    struct stat st;
    ssize_t n = -1;

    snprintf(link, sizeof(link), "%s/rules", home);
    snprintf(tmp, sizeof(tmp), "%s/.rules-link-%ld", home, (long)getpid());
    if (lstat(link, &st) == 0) {
        if (!S_ISLNK(st.st_mode))
            return error("%s is not the link 'rules update' makes; move it away first", link);
        n = readlink(link, old, sizeof(old) - 1);
    }
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
        unlink(tmp);
        return error("cannot install the bundle at %s: %s", link, strerror(errno));
    }
    if (n > 0) {
        old[n] = '\0';
        if (strncmp(old, "bundle-", 7) == 0 && !strchr(old, '/') && strcmp(old, target) != 0) {
            snprintf(oldpath, sizeof(oldpath), "%s/%s", home, old);
            remove_bundle(oldpath);
        }
    }
    return 0;
}

int rules_update(const struct options *opt, const struct rule_table *t)
{
    const char *url = opt->update_from;
    char why[512], home[1024], stage[1200], inuse[11];
    struct sbuf man;
    cJSON *m = NULL;
    const cJSON *date, *files;
    struct rule_table *nt = NULL;
    int ret = EXIT_PROBLEM, staged = 0;

    sbuf_init(&man);
    if (!url)
        url = rules_update_url(t);
    if (!url) {
        error("the rules data names no update URL; fetch a bundle with 'gemini-doctor rules "
              "update --from URL', where URL is the bundle's manifest.json");
        return EXIT_USAGE;
    }
    if (!probe_url_allowed(url, why, sizeof(why))) {
        error("update URL %s", why);
        return EXIT_USAGE;
    }
    if (rules_store_home(home, sizeof(home))) {
        error("no home directory: set HOME or XDG_DATA_HOME to say where bundles go");
        return EXIT_USAGE;
    }
    if (fetch(url, opt, MANIFEST_MAX, &man))
        goto out;
    m = cJSON_ParseWithLength(man.buf ? man.buf : "", man.len);
    date = cJSON_GetObjectItemCaseSensitive(m, "data_as_of");
    files = cJSON_GetObjectItemCaseSensitive(m, "files");
    if (!cJSON_IsObject(m) || !cJSON_IsString(date) || !good_date(date->valuestring) ||
        !cJSON_IsArray(files) || cJSON_GetArraySize(files) < 1 ||
        cJSON_GetArraySize(files) > BUNDLE_FILES_MAX) {
        error("%s is not a rules bundle manifest (it needs 'data_as_of' as YYYY-MM-DD and "
              "'files', 1 to %d of them)",
              url, BUNDLE_FILES_MAX);
        goto out;
    }
    date_in_use(inuse);
    if (strcmp(date->valuestring, inuse) < 0) {
        error("the bundle's data (%s) is older than the data in use (%s); nothing was "
              "installed",
              date->valuestring, inuse);
        goto out;
    }
    if (strcmp(date->valuestring, inuse) == 0) {
        if (!opt->quiet)
            printf("rules data of %s is already in use; nothing to do\n", inuse);
        ret = EXIT_OK;
        goto out;
    }
    snprintf(stage, sizeof(stage), "%s/bundle-%s-XXXXXX", home, date->valuestring);
    if (mkdir_p(home) || !mkdtemp(stage)) {
        error("cannot create a directory under %s: %s", home, strerror(errno));
        goto out;
    }
    staged = 1;
    if (fetch_files(files, url, opt, stage) || write_file(stage, RULES_MANIFEST, man.buf, man.len))
        goto out;
    /* Lint before use: a bundle that does not load or lint is refused. */
    nt = rule_table_load(stage);
    if (!nt) {
        error("the bundle does not load; nothing was installed");
        goto out;
    }
    if (strcmp(rules_data_date(nt), date->valuestring) != 0) {
        error("the manifest says %s but the files say %s; nothing was installed", date->valuestring,
              rules_data_date(nt));
        goto out;
    }
    if (rules_lint(nt, NULL)) {
        error("the bundle fails rules lint; nothing was installed");
        goto out;
    }
    if (switch_link(home, strrchr(stage, '/') + 1))
        goto out;
    staged = 0;
    if (!opt->quiet)
        printf("installed rules data of %s into %s/rules; it is used from now on (--rules DIR "
               "still wins)\n",
               date->valuestring, home);
    ret = EXIT_OK;
out:
    if (staged)
        remove_bundle(stage);
    rule_table_free(nt);
    cJSON_Delete(m);
    sbuf_release(&man);
    return ret;
}
