/*
 * tui_model: the model picker: the live model list (or the rules table's
 * models before the key is accepted), closest to the current name first.
 */
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "rules.h"
#include "tui.h"

#define MODELS_MAX 300

/* ---- the model picker ---- */

/* Levenshtein distance, on at most the first 127 bytes of each name. */
static int edit_distance(const char *a, const char *b)
{
    int prev[128], cur[128];
    size_t la = strlen(a), lb = strlen(b);

    if (la > 127)
        la = 127;
    if (lb > 127)
        lb = 127;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            int del = prev[j] + 1, ins = cur[j - 1] + 1;
            int m = sub < del ? sub : del;
            cur[j] = m < ins ? m : ins;
        }
        memcpy(prev, cur, (lb + 1) * sizeof(int));
    }
    return prev[lb];
}

static const char *sort_target;

static int by_distance(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    int da = edit_distance(a, sort_target), db = edit_distance(b, sort_target);
    if (da != db)
        return da < db ? -1 : 1;
    return strcmp(a, b);
}

void model_release(struct tui *t)
{
    for (int i = 0; i < t->nmodels; i++)
        free(t->models[i]);
    free(t->models);
    t->models = NULL;
    t->nmodels = 0;
}

void model_init(struct tui *t)
{
    int n = check_run_model_count(t->run);
    const char *cur = check_run_model(t->run);

    model_release(t);
    t->models_live = n > 0;
    if (n > 0) {
        if (n > MODELS_MAX)
            n = MODELS_MAX;
        t->models = xcalloc((size_t)n, sizeof(*t->models));
        for (int i = 0; i < n; i++) {
            const char *name = check_run_model_name(t->run, i);
            if (name)
                t->models[t->nmodels++] = xstrdup(name);
        }
    } else {
        n = rules_model_count(t->rt);
        if (n > MODELS_MAX)
            n = MODELS_MAX;
        t->models = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*t->models));
        for (int i = 0; i < n; i++) {
            const struct model_info *mi = rules_model_get(t->rt, i);
            if (mi && mi->name)
                t->models[t->nmodels++] = xstrdup(mi->name);
        }
    }
    sort_target = cur ? cur : "";
    qsort(t->models, (size_t)t->nmodels, sizeof(*t->models), by_distance);
    sort_target = NULL;
    t->model_sel = 0;
    tui_screen_open(t, SCR_MODEL);
}

void model_draw(struct tui *t)
{
    struct tui_doc d;
    const char *cur = check_run_model(t->run);

    tui_header(t, "pick a model");
    tui_doc_init(&d);
    if (t->models_live)
        tui_doc_add(&d, ST_NORMAL, 0, 0,
                    "The models your key can use (the live list), closest to '%s' first. "
                    "Enter picks one and re-runs the model checks; Esc goes back.",
                    cur ? cur : "");
    else
        tui_doc_add(&d, ST_NORMAL, 0, 0,
                    "The live model list is not available (the key was not accepted yet); these "
                    "names come from the rules table, closest to '%s' first. Enter picks one; "
                    "Esc goes back.",
                    cur ? cur : "");
    if (t->nmodels == 0)
        tui_doc_add(&d, ST_NORMAL, 2, 2, "No models are known.");
    for (int i = 0; i < t->nmodels; i++) {
        const struct model_info *mi = rules_model(t->rt, t->models[i]);
        char note[160] = "";
        if (mi && mi->status && strcmp(mi->status, "shut") == 0)
            snprintf(note, sizeof(note), "  (retired%s%s%s%s)", mi->shutdown ? " " : "",
                     mi->shutdown ? mi->shutdown : "", mi->successor ? "; use " : "",
                     mi->successor ? mi->successor : "");
        else if (mi && mi->status && strcmp(mi->status, "deprecated") == 0)
            snprintf(note, sizeof(note), "  (deprecated%s%s)", mi->shutdown ? ", shuts down " : "",
                     mi->shutdown ? mi->shutdown : "");
        if (cur && strcmp(cur, t->models[i]) == 0)
            strncat(note, "  (current)", sizeof(note) - strlen(note) - 1);
        tui_doc_add(&d, i == t->model_sel ? ST_SEL : ST_NORMAL, 0, 4, "%s %s%s",
                    i == t->model_sel ? ">" : " ", t->models[i], note);
        if (i == t->model_sel)
            d.focus = d.n - 1;
    }
    tui_page(t, &d, "j/k move|Enter pick|Esc back");
}

void model_key(struct tui *t, int key, enum action act)
{
    (void)key;
    switch (act) {
    case ACT_DOWN:
        if (t->model_sel < t->nmodels - 1)
            t->model_sel++;
        break;
    case ACT_UP:
        if (t->model_sel > 0)
            t->model_sel--;
        break;
    case ACT_PGDN:
        t->model_sel += tui_page_rows();
        if (t->model_sel >= t->nmodels)
            t->model_sel = t->nmodels - 1;
        if (t->model_sel < 0)
            t->model_sel = 0;
        break;
    case ACT_PGUP:
        t->model_sel -= tui_page_rows();
        if (t->model_sel < 0)
            t->model_sel = 0;
        break;
    case ACT_TOP:
        t->model_sel = 0;
        break;
    case ACT_BOTTOM:
        t->model_sel = t->nmodels > 0 ? t->nmodels - 1 : 0;
        break;
    case ACT_OPEN:
        if (t->model_sel < 0 || t->model_sel >= t->nmodels)
            break;
        if (t->running) {
            tui_msg(t, "probes are still running; try again when they finish");
            break;
        }
        tui_session_change(t);
        if (!t->orig_model)
            t->orig_model = xstrdup(check_run_model(t->run));
        free(t->model);
        t->model = xstrdup(t->models[t->model_sel]);
        check_run_set_model(t->run, t->model);
        tui_screen_back(t);
        /* The generate probe names the model too, so it runs again as well. */
        if (tui_start_run(t, CHECK_MODEL_AVAILABLE) == 0) {
            if (!t->opt->no_generate && check_run_start(t->run, CHECK_REQUEST_GENERATE) < 0)
                tui_msg(t, "could not start the generate probe");
            else
                tui_busy(t, "checking the model...");
        }
        break;
    case ACT_BACK:
        tui_screen_back(t);
        break;
    default:
        break;
    }
}
