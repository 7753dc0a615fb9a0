/*
 * check_priv: what the check_*.c files share inside one run: the run's state
 * and the helpers each role offers the others. Not for use outside check.
 */
#ifndef GD_CHECK_PRIV_H
#define GD_CHECK_PRIV_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "keysrc.h"
#include "util.h"

struct evidence;
struct probe;

/* Bodies from the API are small; anything past this is not the API. */
#define API_BODY_MAX ((size_t)4 << 20)
/* Google's public incidents.json grows over the years; give it room. */
#define STATUS_BODY_MAX ((size_t)32 << 20)
/* Model list pages followed before giving up on the rest. */
#define LIST_PAGES_MAX 10
#define MODELS_MAX 5000

struct live_model {
    char *name;   /* without "models/" */
    int generate; /* supports generateContent */
};

struct check_run {
    const struct options *opt;
    const struct rule_table *t;
    char *session_key; /* the TUI's key; wiped on free */
    struct key_source ks;
    char *key_masked;
    char *model;
    char *base_url;       /* without trailing slashes */
    char *base_url_shown; /* the same with any user:password@ hidden */
    int standard_pending; /* config.key warns about a standard key until it is accepted */
    int stopped;          /* checks that check_run_stop() left without a result */
    int key_fresh;        /* the key was just read; the next start need not read it again */

    struct check checks[CHECK_COUNT];
    int decorated[CHECK_COUNT]; /* suggestions added once */
    struct probe_multi *multi;
    struct probe *probe[CHECK_COUNT];
    double started_ms[CHECK_COUNT];
    struct sbuf xchg[CHECK_COUNT];
    struct sbuf timings[CHECK_COUNT];

    int pages;                   /* model list pages fetched in this run */
    char *last_token;            /* the page token last followed */
    char *list_cut;              /* why the list stops short, NULL when whole */
    struct live_model *building; /* the list being paged in */
    int nbuilding;
    struct live_model *models; /* the last complete list */
    int nmodels;
};

double now_ms(void);
long timeout_ms(const struct check_run *run);
char *scrub(const struct check_run *run, const char *s);
void check_clear(struct check *c);
void set_summary(struct check_run *run, enum check_id id, const char *s);
void set_detail(struct check_run *run, enum check_id id, const char *s);
void attach(struct check_run *run, enum check_id id, struct evidence *ev, enum check_result result);
void summarise_diag(struct check_run *run, enum check_id id, const char *lead);
void finish_check(struct check_run *run, enum check_id id);
void skip(struct check_run *run, enum check_id id, const char *why);
void run_config_key(struct check_run *run);
void run_config_env(struct check_run *run);
char *list_url(const struct check_run *run, const char *token);
int launch(struct check_run *run, enum check_id id, const char *method, const char *url,
           int with_key, const char *body, long tmo, size_t max);
int start_network(struct check_run *run, enum check_id id);
cJSON *parse_json(const struct probe *p);
const char *strip_models(const char *name);
void free_models(struct live_model *m, int n);
void judge(struct check_run *run, struct probe *p);
void judge_status(struct check_run *run, const struct probe *p);
void finalize(struct check_run *run);

#endif
