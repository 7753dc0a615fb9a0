/*
 * tui_walk: the walkthrough of one diagnosis (a check's, or a pasted
 * error's): what happened, why it matters, whether waiting helps, the fix
 * step by step and what the doctor can do about it here.
 */
#include <string.h>

#include "render.h"
#include "rules.h"
#include "tui.h"

/* ---- the walkthrough ---- */

/* Why the check (or, for -1, the pasted error) matters: the rules' text. */
static const char *why_it_matters(const struct tui *t, int check)
{
    const char *why =
        rules_check_why(t->rt, check >= 0 ? check_id_name((enum check_id)check) : "paste");
    return why ? why : "";
}

void walk_init(struct tui *t, int check)
{
    t->walk_check = check;
    t->walk_step = 0;
    t->scroll = 0;
    t->screen = SCR_WALK;
    t->msg[0] = '\0';
}

static const struct diagnosis *walk_diag(const struct tui *t, time_t *arrived)
{
    const struct check *c;
    if (t->walk_check < 0) {
        *arrived = t->paste_at;
        return t->have_paste ? &t->paste_diag : NULL;
    }
    c = tui_check(t, t->walk_check);
    *arrived = t->arrived[t->walk_check];
    return c ? c->diag : NULL;
}

static void walk_evidence(const struct tui *t, struct tui_doc *d, const struct diagnosis *g)
{
    const struct evidence *ev = &g->ev;
    struct sbuf sb;

    sbuf_init(&sb);
    if (ev->http)
        sbuf_addf(&sb, "HTTP %d", ev->http);
    if (ev->status)
        sbuf_addf(&sb, "%s%s", sb.len ? " " : "", ev->status);
    if (ev->reason)
        sbuf_addf(&sb, "%sreason %s", sb.len ? ", " : "", ev->reason);
    if (ev->model)
        sbuf_addf(&sb, "%smodel %s", sb.len ? ", " : "", ev->model);
    if (ev->key_masked)
        sbuf_addf(&sb, "%skey %s", sb.len ? ", " : "", ev->key_masked);
    if (ev->net_error)
        sbuf_addf(&sb, "%snetwork: %s", sb.len ? ", " : "", ev->net_error);
    if (sb.len)
        tui_doc_add(d, ST_NORMAL, 2, 2, "Seen: %s", sb.buf);
    sbuf_release(&sb);
    /* The raw message is long and says again what the title says: folded
     * until asked for, so the steps fit on the first screen. */
    if (ev->message && t->show_raw)
        tui_doc_add(d, ST_NORMAL, 2, 2, "Message: \xe2\x80\x9c%s\xe2\x80\x9d", ev->message);
    else if (ev->message)
        tui_doc_add(d, ST_DIM, 2, 2, "Message: %zu characters, folded (v shows it)",
                    strlen(ev->message));
    if (ev->net_detail)
        tui_doc_add(d, ST_NORMAL, 2, 2, "Detail: %s", ev->net_detail);
    for (int i = 0; i < ev->nfields; i++)
        tui_doc_add(d, ST_NORMAL, 2, 4, "Field: %s", ev->fields[i]);
    if (g->dimension || g->tier || g->limit >= 0 || g->quota_id) {
        sbuf_init(&sb);
        if (g->dimension)
            sbuf_addf(&sb, "dimension %s", g->dimension);
        if (g->tier)
            sbuf_addf(&sb, "%stier %s", sb.len ? ", " : "", g->tier);
        if (g->limit >= 0)
            sbuf_addf(&sb, "%slimit %lld", sb.len ? ", " : "", g->limit);
        if (g->quota_id)
            sbuf_addf(&sb, "%s%s", sb.len ? ", " : "", g->quota_id);
        tui_doc_add(d, ST_NORMAL, 2, 2, "Quota: %s", sb.buf);
        sbuf_release(&sb);
    }
}

static void walk_waiting(struct tui *t, struct tui_doc *d, const struct diagnosis *g,
                         time_t arrived)
{
    time_t now = gd_now();
    char w[64];

    tui_doc_add(d, ST_TITLE, 0, 0, "Will waiting help?");
    if (!g->rule || (g->cause_info && g->cause_info->no_match)) {
        /* No rule matched: there is no verdict to show, and none is made up. */
        tui_doc_add(d, ST_NORMAL, 2, 2, "Not known: no rule matched this error.");
    } else if (g->resets_at[0]) {
        double left = g->has_retry_after ? (double)arrived + g->retry_after_s - (double)now : 0;
        if (!g->has_retry_after) {
            char iso[40];
            left = (double)(next_daily_reset(t->rt, now, iso, sizeof(iso)) - now);
        }
        tui_format_wait(left, w, sizeof(w));
        tui_doc_add(d, ST_NORMAL, 2, 2, "Not soon: this quota resets at %s (%s), in %s.",
                    g->reset_label ? g->reset_label : "the daily reset", g->resets_at, w);
    } else if (g->retryable) {
        if (g->has_retry_after) {
            double left = (double)arrived + g->retry_after_s - (double)now;
            if (left > 0) {
                tui_format_wait(left, w, sizeof(w));
                tui_doc_add(d, ST_NORMAL, 2, 2, "Yes: retrying can succeed. Retry in %s.", w);
            } else {
                tui_doc_add(d, ST_NORMAL, 2, 2,
                            "Yes: retrying can succeed, and the suggested wait has passed.");
            }
        } else {
            tui_doc_add(d, ST_NORMAL, 2, 2, "Yes: retrying the same request soon can succeed.");
        }
    } else if (g->has_retry_after || g->later_s > 0) {
        /* Not soon, but later: a long server delay, a rolling spend window. */
        char verdict[128];
        render_verdict(g, verdict, sizeof(verdict));
        tui_doc_add(d, ST_NORMAL, 2, 2, "Not soon: %s.",
                    strncmp(verdict, "not soon: ", 10) == 0 ? verdict + 10 : verdict);
    } else {
        tui_doc_add(d, ST_NORMAL, 2, 2,
                    "No: waiting will not fix this; something needs to change.");
    }
    if (g->wait_plan && *g->wait_plan)
        tui_doc_add(d, ST_NORMAL, 2, 2, "%s", g->wait_plan);
    (void)t;
}

/* The key and word for each fix the data can offer (CAUSE_ACTIONS). */
static const struct {
    enum cause_action act;
    const char *hint;
} fix_keys[] = {
    {CAUSE_ACT_NEW_KEY, "K new key"},
    {CAUSE_ACT_PICK_MODEL, "m pick model"},
    {CAUSE_ACT_LIMITS, "l limits"},
    {CAUSE_ACT_RECHECK, "r re-check"},
};

/* "K new key · m pick model · r re-check": what the rules data says the
 * doctor can do here for this cause; a re-check only for a live check. */
static void fix_actions(const struct tui *t, const char *cause, int check, struct sbuf *out)
{
    enum cause_action acts[CAUSE_ACT_COUNT];
    int n = rules_cause_actions(t->rt, cause, acts, CAUSE_ACT_COUNT);
    const char *sep = t->term.utf8 ? " \xc2\xb7 " : " - ";

    for (int i = 0; i < n; i++) {
        if (acts[i] == CAUSE_ACT_RECHECK && check < 0)
            continue;
        for (size_t k = 0; k < ARRAY_SIZE(fix_keys); k++) {
            if (fix_keys[k].act != acts[i])
                continue;
            if (out->len)
                sbuf_adds(out, sep);
            sbuf_adds(out, fix_keys[k].hint);
        }
    }
}

int tui_fix_offers(const struct tui *t, const char *cause, enum cause_action act)
{
    enum cause_action acts[CAUSE_ACT_COUNT];
    int n = rules_cause_actions(t->rt, cause, acts, CAUSE_ACT_COUNT);
    for (int i = 0; i < n; i++)
        if (acts[i] == act)
            return 1;
    return 0;
}

void tui_fix_pane(const struct tui *t, struct tui_doc *d, const struct diagnosis *g, int step,
                  int check)
{
    const char *cause = g->cause;
    int nsteps = diagnosis_step_count(g, STEP_TUI);
    struct sbuf acts;

    sbuf_init(&acts);
    fix_actions(t, cause, check, &acts);
    if (nsteps > 0) {
        if (step >= nsteps)
            step = nsteps - 1;
        tui_doc_add(d, ST_TITLE, 0, 0, "What to do now: step %d of %d", step + 1, nsteps);
        tui_doc_add(d, ST_NORMAL, 2, 2, "%s", diagnosis_step(g, STEP_TUI, step));
    } else {
        tui_doc_add(d, ST_TITLE, 0, 0, "What to do now");
        tui_doc_add(d, ST_NORMAL, 2, 2, "The rules table gives no steps for this cause.");
    }
    if (check >= 0 && step >= nsteps - 1 && tui_fix_offers(t, cause, CAUSE_ACT_RECHECK))
        tui_doc_add(d, ST_BOLD, 2, 2, "Done? r re-checks %s now.",
                    check_label((enum check_id)check));
    if (acts.len)
        tui_doc_add(d, ST_BOLD, 2, 2, "Here: %s", acts.buf);
    sbuf_release(&acts);
}

/* The key bar of the walkthrough: only the keys that do something here. */
static void walk_hints(const struct tui *t, const struct diagnosis *g, struct sbuf *hints)
{
    if (g && t->walk_step < diagnosis_step_count(g, STEP_TUI) - 1)
        sbuf_adds(hints, "n next step|");
    if (g && t->walk_step > 0)
        sbuf_adds(hints, "b step back|");
    if (g && g->ev.message)
        sbuf_adds(hints, t->show_raw ? "v fold message|" : "v message|");
    sbuf_adds(hints, "j/k scroll|");
    if (t->walk_check >= 0)
        sbuf_adds(hints, "r re-check|");
    sbuf_adds(hints, "Esc back");
}

void walk_draw(struct tui *t)
{
    struct tui_doc d, pane;
    const struct check *c = t->walk_check >= 0 ? tui_check(t, t->walk_check) : NULL;
    time_t arrived = 0;
    const struct diagnosis *g = walk_diag(t, &arrived);
    struct sbuf hints;
    int rows, cols, avail, ph = 0, pscroll = 0;

    tui_term_size(&rows, &cols);
    tui_doc_init(&d);
    tui_doc_init(&pane);
    if (t->walk_check >= 0) {
        tui_header(t, check_label((enum check_id)t->walk_check));
        if (c) {
            tui_doc_add(&d, tui_result_style(c->result), 0, 0, "%s %s %s", tui_mark(t, c->result),
                        tui_mark_word(c->result), check_label(c->id));
            if (t->fixed[c->id])
                tui_doc_add(&d, ST_PASS, 0, 0, "Fixed: this check passes now.");
            if (c->result == RES_RUNNING || c->result == RES_PENDING)
                tui_doc_add(&d, ST_DIM, 0, 0, "Running the probe again...");
            if (c->summary)
                tui_doc_add(&d, ST_NORMAL, 0, 0, "%s", c->summary);
        }
    } else {
        tui_header(t, "pasted error");
    }
    if (g) {
        const char *cause = g->cause;
        int nsteps = diagnosis_step_count(g, STEP_TUI);
        if (nsteps > 0 && t->walk_step >= nsteps)
            t->walk_step = nsteps - 1;
        tui_doc_add(&d, ST_TITLE, 0, 0, "What happened");
        tui_doc_add(&d, ST_BOLD, 2, 2, "%s [%s]", g->title ? g->title : "No known cause matched",
                    cause);
        walk_evidence(t, &d, g);
        if (t->walk_check < 0 && !diagnosis_recognised(g))
            tui_doc_add(&d, ST_NORMAL, 2, 2,
                        "No Gemini error could be recognised in the paste; anything that was seen "
                        "is listed above.");
        walk_waiting(t, &d, g, arrived);
        tui_doc_add(&d, ST_TITLE, 0, 0, "Why it matters");
        tui_doc_add(&d, ST_NORMAL, 2, 2, "%s", why_it_matters(t, t->walk_check));
        if (g->ndocs > 0) {
            tui_doc_add(&d, ST_TITLE, 0, 0, "Docs");
            for (int i = 0; i < g->ndocs; i++)
                tui_doc_add(&d, ST_NORMAL, 2, 2, "%s", g->docs[i]);
        }
        tui_fix_pane(t, &pane, g, t->walk_step, t->walk_check);
    } else if (c && c->result == RES_PASS) {
        tui_doc_add(&pane, ST_TITLE, 0, 0, "What to do now");
        tui_doc_add(&pane, ST_NORMAL, 2, 2, "Nothing: this check passed. r re-checks it.");
    } else if (c && tui_done(c->result)) {
        if (c->result == RES_SKIP)
            tui_doc_add(&d, ST_NORMAL, 0, 0, "This check did not run; the line above says why.");
        tui_doc_add(&d, ST_TITLE, 0, 0, "Why it matters");
        tui_doc_add(&d, ST_NORMAL, 2, 2, "%s", why_it_matters(t, (int)c->id));
    }
    if (c && c->detail) {
        tui_doc_add(&d, ST_TITLE, 0, 0, "More facts");
        tui_doc_add_facts(&d, ST_DIM, 2, 2, c->detail);
    }
    /* The fixed lower pane: what to do now never scrolls away. */
    avail = rows - HEADER_ROWS - FOOTER_ROWS;
    if (pane.n > 0) {
        ph = tui_doc_rows(&t->term, &pane, cols - 2);
        if (ph > avail / 2)
            ph = avail / 2;
        tui_draw_rule(&t->term, rows - FOOTER_ROWS - ph - 1);
        tui_draw_doc(&t->term, &pane, rows - FOOTER_ROWS - ph, ph, &pscroll);
        avail -= ph + 1;
    }
    tui_doc_release(&pane);
    tui_draw_doc(&t->term, &d, HEADER_ROWS, avail, &t->scroll);
    tui_doc_release(&d);
    sbuf_init(&hints);
    walk_hints(t, g, &hints);
    tui_footer(t, hints.buf);
    sbuf_release(&hints);
}

void walk_key(struct tui *t, int key, enum action act)
{
    (void)key;
    time_t arrived;
    const struct diagnosis *g = walk_diag(t, &arrived);
    int nsteps = g ? diagnosis_step_count(g, STEP_TUI) : 0;

    if (tui_scroll_key(&t->scroll, act))
        return;
    switch (act) {
    case ACT_OPEN:
    case ACT_NEXT:
        if (t->walk_step < nsteps - 1)
            t->walk_step++;
        break;
    case ACT_PREV:
        if (t->walk_step > 0)
            t->walk_step--;
        break;
    case ACT_RAW:
        t->show_raw = !t->show_raw;
        break;
    case ACT_BACK:
        dash_init(t);
        break;
    case ACT_RERUN:
        if (t->walk_check >= 0 && tui_start_run(t, t->walk_check) == 0)
            tui_busy(t, "re-running the check...");
        else if (t->walk_check >= 0)
            break;
        else
            tui_msg(t, "a pasted error cannot be re-run; R runs the checks on your setup");
        break;
    default:
        break;
    }
}
