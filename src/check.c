/*
 * check: the life of a check run: creating and freeing it, starting the
 * seven checks of `gemini-doctor check` (two offline, five network probes
 * started at once on one curl multi handle), stepping them, and the exit
 * code. The roles it drives live beside it: check_config.c (the offline
 * checks), check_start.c (what each probe requests), check_judge.c and
 * check_status.c (judging answers), check_suggest.c (cross-checks after all
 * probes), check_state.c (one check's state and strings). The decisions
 * made where the contract is silent are in docs/check.md.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>

#include "keymask.h"
#include "keysrc.h"
#include "options.h"
#include "probe.h"
#include "rules.h"
#include "util.h"

#define X(e, id, label) id,
static const char *const check_ids[] = {CHECK_IDS(X)};
#undef X
#define X(e, id, label) label,
static const char *const check_labels[] = {CHECK_IDS(X)};
#undef X

const char *check_id_name(enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? check_ids[id] : "?";
}

const char *check_label(enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? check_labels[id] : "?";
}

const char *check_result_name(enum check_result r)
{
    switch (r) {
    case RES_PENDING:
        return "pending";
    case RES_RUNNING:
        return "running";
    case RES_PASS:
        return "pass";
    case RES_WARN:
        return "warn";
    case RES_FAIL:
        return "fail";
    case RES_SKIP:
        return "skip";
    }
    return "?";
}

/* --- the run ------------------------------------------------------------ */

static void load_key(struct check_run *run)
{
    keysrc_release(&run->ks);
    keysrc_find(run->opt, run->session_key, &run->ks);
    run->key_fresh = 1;
    free(run->key_masked);
    run->key_masked = run->ks.key ? key_mask(run->ks.key) : xstrdup("");
}

static void set_model(struct check_run *run, const char *model)
{
    free(run->model);
    /* rules_default_model() always names one (the data's, else its own). */
    if (!model || !*model)
        model = rules_default_model(run->t);
    run->model = xstrdup(strip_models(model));
}

struct check_run *check_run_new(const struct options *opt, const struct rule_table *t,
                                const char *key)
{
    struct check_run *run = xcalloc(1, sizeof(*run));
    size_t n;

    run->opt = opt;
    run->t = t;
    run->multi = probe_multi_new();
    if (!run->multi) {
        free(run);
        return NULL;
    }
    if (key)
        run->session_key = xstrdup(key);
    load_key(run);
    set_model(run, opt->model);
    n = strlen(opt->base_url);
    while (n > 0 && opt->base_url[n - 1] == '/')
        n--;
    run->base_url = xstrndup(opt->base_url, n);
    run->base_url_shown = url_hide_userinfo(run->base_url);
    for (int i = 0; i < CHECK_COUNT; i++) {
        run->checks[i].id = (enum check_id)i;
        sbuf_init(&run->xchg[i]);
        sbuf_init(&run->timings[i]);
    }
    return run;
}

static void cancel(struct check_run *run, enum check_id id)
{
    probe_free(run->probe[id]);
    run->probe[id] = NULL;
    if (id == CHECK_KEY_ACCEPTED) {
        free_models(run->building, run->nbuilding);
        run->building = NULL;
        run->nbuilding = 0;
    }
}

void check_run_free(struct check_run *run)
{
    if (!run)
        return;
    for (int i = 0; i < CHECK_COUNT; i++) {
        cancel(run, (enum check_id)i);
        check_clear(&run->checks[i]);
        sbuf_release(&run->xchg[i]);
        sbuf_release(&run->timings[i]);
    }
    probe_multi_free(run->multi);
    free_models(run->models, run->nmodels);
    keysrc_release(&run->ks);
    keysrc_wipe_free(run->session_key);
    free(run->key_masked);
    free(run->model);
    free(run->base_url);
    free(run->base_url_shown);
    free(run->last_token);
    free(run->list_cut);
    free(run);
}

static int in_flight(const struct check_run *run)
{
    for (int i = 0; i < CHECK_COUNT; i++)
        if (run->probe[i])
            return 1;
    return 0;
}

int check_run_start(struct check_run *run, int only)
{
    int want[CHECK_COUNT] = {0};

    run->stopped = 0;
    /* The offline checks feed every probe, so re-running one re-runs all. */
    if (only < 0 || only >= CHECK_COUNT || only == CHECK_CONFIG_KEY || only == CHECK_CONFIG_ENV)
        only = CHECK_COUNT;
    for (int i = 0; i < CHECK_COUNT; i++)
        want[i] = only == CHECK_COUNT || i == only;
    if (want[CHECK_CONFIG_KEY] && !run->key_fresh)
        load_key(run);
    run->key_fresh = 0;
    for (int i = 0; i < CHECK_COUNT; i++) {
        if (!want[i])
            continue;
        cancel(run, (enum check_id)i);
        check_clear(&run->checks[i]);
        run->decorated[i] = 0;
        sbuf_release(&run->xchg[i]);
        sbuf_release(&run->timings[i]);
    }
    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_id id = (enum check_id)i;
        if (!want[i])
            continue;
        run->started_ms[i] = now_ms();
        if (id == CHECK_CONFIG_KEY) {
            run_config_key(run);
            finish_check(run, id);
        } else if (id == CHECK_CONFIG_ENV) {
            run_config_env(run);
            finish_check(run, id);
        } else if (start_network(run, id)) {
            return -1;
        }
    }
    if (!in_flight(run))
        finalize(run);
    return 0;
}

int check_run_step(struct check_run *run, int timeout_ms_)
{
    int running;

    if (!in_flight(run))
        return 0;
    running = probe_multi_step(run->multi, timeout_ms_);
    if (running < 0)
        return running;
    for (int i = 0; i < CHECK_COUNT; i++) {
        struct probe *p = run->probe[i];
        if (p && p->done)
            judge(run, p);
    }
    if (in_flight(run))
        return 1;
    finalize(run);
    return 0;
}

void check_run_cancel(struct check_run *run)
{
    if (!run)
        return;
    probe_multi_cancel(run->multi);
    for (int i = 0; i < CHECK_COUNT; i++) {
        if (!run->probe[i])
            continue;
        probe_free(run->probe[i]);
        run->probe[i] = NULL;
        if (run->checks[i].result == RES_RUNNING)
            skip(run, (enum check_id)i, "skipped: cancelled");
    }
}

int check_run_all(struct check_run *run)
{
    int ret = check_run_start(run, CHECK_COUNT);
    while (ret == 0) {
        ret = check_run_step(run, 1000);
        if (ret == 0)
            break;
        if (ret > 0)
            ret = 0;
    }
    return ret;
}

const struct check *check_run_get(const struct check_run *run, enum check_id id)
{
    return (unsigned)id < CHECK_COUNT ? &run->checks[id] : NULL;
}

const char *check_run_key_masked(const struct check_run *run)
{
    return run->key_masked;
}

const char *check_run_key_source(const struct check_run *run)
{
    return run->ks.source ? run->ks.source : "";
}

const char *check_run_model(const struct check_run *run)
{
    return run->model;
}

const char *check_run_base_url(const struct check_run *run)
{
    return run->base_url_shown;
}

const struct rule_table *check_run_rules(const struct check_run *run)
{
    return run->t;
}

int check_run_model_count(const struct check_run *run)
{
    return run->nmodels;
}

const char *check_run_model_name(const struct check_run *run, int i)
{
    return i >= 0 && i < run->nmodels ? run->models[i].name : NULL;
}

void check_run_set_model(struct check_run *run, const char *model)
{
    set_model(run, model);
}

void check_run_set_key(struct check_run *run, const char *key)
{
    keysrc_wipe_free(run->session_key);
    run->session_key = key ? xstrdup(key) : NULL;
    load_key(run);
    free_models(run->models, run->nmodels);
    run->models = NULL;
    run->nmodels = 0;
}

int check_run_stop(struct check_run *run)
{
    int n = 0;

    for (int i = 0; i < CHECK_COUNT; i++) {
        enum check_result r = run->checks[i].result;
        cancel(run, (enum check_id)i);
        if (r == RES_PENDING || r == RES_RUNNING) {
            skip(run, (enum check_id)i, "not run (interrupted)");
            n++;
        }
    }
    run->stopped = n;
    return n;
}

int check_run_stopped(const struct check_run *run)
{
    return run->stopped;
}

int check_run_exit_code(const struct check_run *run)
{
    int transient = 0;

    for (int i = 0; i < CHECK_COUNT; i++) {
        const struct check *c = &run->checks[i];
        if (c->result != RES_FAIL)
            continue;
        if (!c->transient)
            return EXIT_PROBLEM;
        transient = 1;
    }
    /* Checks that never ran prove nothing: not "all good", but "try again". */
    return transient || run->stopped ? EXIT_TEMPFAIL : EXIT_OK;
}

int check_validate(const struct options *opt)
{
    char why[512];

    if (!probe_url_allowed(opt->base_url, why, sizeof(why)))
        return error("base URL %s", why);
    if (!opt->offline && !probe_url_allowed(opt->status_url, why, sizeof(why)))
        return error("status URL %s", why);
    return 0;
}
