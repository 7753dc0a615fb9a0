/*
 * evidence: initialisation and release of the evidence record. See evidence.h.
 */
#include "evidence.h"

#include <stdlib.h>
#include <string.h>

const char *input_form_name(enum input_form form)
{
#define X(e, s) s,
    static const char *const names[] = {INPUT_FORMS(X)};
#undef X
    if ((unsigned)form >= sizeof(names) / sizeof(names[0]))
        return "text";
    return names[form];
}

const char *evidence_fact_name(enum evidence_fact f)
{
#define X(e, name) name,
    static const char *const names[] = {EVIDENCE_FACTS(X)};
#undef X
    if ((unsigned)f >= sizeof(names) / sizeof(names[0]))
        return "";
    return names[f];
}

void evidence_init(struct evidence *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->limit = -1;
    for (int i = 0; i < EV_MAX_QUOTA; i++)
        ev->quota[i].value = -1;
}

void evidence_release(struct evidence *ev)
{
    free(ev->http_text);
    free(ev->status);
    free(ev->api_code);
    free(ev->message);
    free(ev->reason);
    free(ev->domain);
    free(ev->service);
    for (int i = 0; i < ev->nquota; i++) {
        free(ev->quota[i].quota_id);
        free(ev->quota[i].quota_metric);
        free(ev->quota[i].model);
        free(ev->quota[i].location);
    }
    for (int i = 0; i < ev->nlinks; i++)
        free(ev->links[i]);
    for (int i = 0; i < ev->nfields; i++)
        free(ev->fields[i]);
    free(ev->model);
    free(ev->key_masked);
    free(ev->text);
    free(ev->fact);
    free(ev->net_error);
    free(ev->net_detail);
    free(ev->content_type);
    free(ev->live_models);
    evidence_init(ev);
}
