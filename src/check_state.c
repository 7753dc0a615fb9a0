/*
 * check_state: the state of one check inside a run and the strings put into
 * it: what a server sent is scrubbed of the key and cut to one line before it
 * is kept; a probe's evidence is diagnosed and attached here; timings and the
 * -v exchange are filed when a check finishes.
 */
#include "check_priv.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "diagnosis.h"
#include "evidence.h"
#include "keymask.h"
#include "options.h"
#include "rules.h"
#include "util.h"

double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

long timeout_ms(const struct check_run *run)
{
    double t = run->opt->timeout_s * 1000.0;
    return t < 1 ? 1 : (long)t;
}

/* --- strings that may hold what a server sent ------------------------- */

/* A copy of s with the key (in any form) replaced by its mask. Servers and
 * proxies can echo what they received; nothing we print may carry it. The
 * key is registered with keymask when keysrc finds it. */
char *scrub(const struct check_run *run, const char *s)
{
    (void)run;
    return s ? key_redact(s) : NULL;
}

static void scrub_in_place(const struct check_run *run, char **s)
{
    char *n;
    if (!*s)
        return;
    n = scrub(run, *s);
    free(*s);
    *s = n;
}

/* --- check state -------------------------------------------------------- */

void check_clear(struct check *c)
{
    free(c->summary);
    if (c->diag) {
        diagnosis_release(c->diag);
        free(c->diag);
    }
    free(c->detail);
    free(c->exchange);
    c->summary = NULL;
    c->diag = NULL;
    c->detail = NULL;
    c->exchange = NULL;
    c->transient = 0;
    c->duration_ms = 0;
    c->result = RES_PENDING;
}

void set_summary(struct check_run *run, enum check_id id, const char *s)
{
    struct check *c = &run->checks[id];
    free(c->summary);
    c->summary = scrub(run, s);
}

void set_detail(struct check_run *run, enum check_id id, const char *s)
{
    struct check *c = &run->checks[id];
    free(c->detail);
    c->detail = s && *s ? scrub(run, s) : NULL;
}

/* Diagnose ev (taken) and attach the diagnosis to check id with result. */
void attach(struct check_run *run, enum check_id id, struct evidence *ev, enum check_result result)
{
    struct check *c = &run->checks[id];
    struct diagnosis *d = xcalloc(1, sizeof(*d));

    /* The rules may ask which kind of key was rejected (a 401 means different
     * things for AIza and AQ. keys); the probes that sent it know. */
    if (!ev->key_masked && run->key_masked[0] && id != CHECK_STATUS_INCIDENTS)
        ev->key_masked = xstrdup(run->key_masked);
    diagnose(run->t, ev, gd_now(), d);
    for (int i = 0; i < d->nsteps; i++)
        scrub_in_place(run, &d->steps[i]);
    scrub_in_place(run, &d->ev.message);
    scrub_in_place(run, &d->ev.text);
    scrub_in_place(run, &d->ev.net_detail);
    scrub_in_place(run, &d->wait_plan);
    if (c->diag) {
        diagnosis_release(c->diag);
        free(c->diag);
    }
    c->diag = d;
    c->result = result;
    /* Exit 75 means "retry later and it will work". The table says which
     * causes never count so (check_transient: false): a transport failure
     * seen by check (refused, reset, timed out, a proxy's page) needs someone
     * to look at the network even when the rules call it retryable. */
    c->transient =
        result == RES_FAIL && d->retryable && (!d->cause_info || d->cause_info->check_transient);
}

/* A one-line summary of a diagnosis: the title, then what was seen. */
static char *diag_summary(const struct diagnosis *d, const char *lead)
{
    const struct evidence *ev = &d->ev;
    struct sbuf sb;
    int recognised = d->rule != NULL;

    sbuf_init(&sb);
    if (lead)
        sbuf_adds(&sb, lead);
    else if (recognised && d->title)
        sbuf_adds(&sb, d->title);
    else
        sbuf_adds(&sb, "unrecognised answer");
    if (ev->http) {
        sbuf_addf(&sb, " (HTTP %d", ev->http);
        if (ev->status)
            sbuf_addf(&sb, " %s", ev->status);
        if (ev->reason)
            sbuf_addf(&sb, ", %s", ev->reason);
        sbuf_adds(&sb, ")");
    }
    if (d->model_info && d->model_info->shutdown && d->model_info->status &&
        strcmp(d->model_info->status, "shut") == 0) {
        sbuf_addf(&sb, ": %s was shut down on %s", d->model_info->name, d->model_info->shutdown);
        if (d->model_info->successor)
            sbuf_addf(&sb, "; use %s", d->model_info->successor);
    }
    if (ev->net_detail) {
        sbuf_adds(&sb, ": ");
        sbuf_add_oneline(&sb, ev->net_detail, strlen(ev->net_detail), 200);
    } else if (!recognised && ev->message) {
        sbuf_adds(&sb, ": ");
        sbuf_add_oneline(&sb, ev->message, strlen(ev->message), 200);
    }
    return sbuf_detach(&sb);
}

void summarise_diag(struct check_run *run, enum check_id id, const char *lead)
{
    char *s = diag_summary(run->checks[id].diag, lead);
    set_summary(run, id, s);
    free(s);
}

void finish_check(struct check_run *run, enum check_id id)
{
    struct check *c = &run->checks[id];
    double el = now_ms() - run->started_ms[id];
    c->duration_ms = el < 0 ? 0 : (long)(el + 0.5);
    if (run->xchg[id].len) {
        free(c->exchange);
        c->exchange = scrub(run, run->xchg[id].buf);
    }
    if (run->timings[id].len) {
        struct sbuf sb;
        sbuf_init(&sb);
        if (c->detail)
            sbuf_addf(&sb, "%s\n", c->detail);
        sbuf_addf(&sb, "timings: %s", run->timings[id].buf);
        set_detail(run, id, sb.buf);
        sbuf_release(&sb);
    }
}

void skip(struct check_run *run, enum check_id id, const char *why)
{
    struct check *c = &run->checks[id];
    check_clear(c);
    c->result = RES_SKIP;
    set_summary(run, id, why);
}
