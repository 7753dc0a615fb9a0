/*
 * test_rules: the rules module's lists agree with what documents them. The
 * condition table of docs/rules.md ("### Match conditions") names exactly the
 * conditions of RULE_CONDITIONS, in the same order, and the compiled table
 * answers for each rule what its data says. Run from the repository root,
 * as `make check-unit` does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "rules_priv.h"
#include "util.h"

#include "unit.h"

#define DOC "docs/rules.md"

/* The condition names of the docs' table, in order: each row starts with
 * "| `name" followed by ':' or '`'. */
static int doc_conditions(char names[][40], int max)
{
    char *buf = NULL;
    size_t len = 0;
    int n = 0, in = 0;

    if (read_all(DOC, (size_t)1 << 22, &buf, &len))
        return -1;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "### ", 4) == 0) {
            in = strcmp(line, "### Match conditions") == 0;
            continue;
        }
        if (!in || strncmp(line, "| `", 3) != 0 || n == max)
            continue;
        size_t k = strcspn(line + 3, ":`");
        if (k >= 40)
            continue;
        memcpy(names[n], line + 3, k);
        names[n][k] = '\0';
        n++;
    }
    free(buf);
    return n;
}

static void docs_list_the_conditions(void)
{
    char names[64][40];
    int n = doc_conditions(names, 64);
    char what[128];

    expect("docs/rules.md is readable from the repository root", n >= 0);
    snprintf(what, sizeof(what), "docs/rules.md lists %d conditions, the code %d", n, COND_COUNT);
    expect(what, n == COND_COUNT);
    for (int i = 0; i < n && i < COND_COUNT; i++) {
        snprintf(what, sizeof(what), "docs condition %d", i + 1);
        expect_str(what, names[i], rule_cond_name((enum cond_id)i));
    }
}

/* Every built-in rule's compiled conditions are named, typed and filled. */
static void compiled_table(void)
{
    struct rule_table *t = rule_table_load(NULL);
    int bad = 0;

    expect("built-in table loads", t != NULL);
    for (int i = 0; t && i < rules_count(t); i++) {
        const struct rule *r = rules_get(t, i);
        if (r->nconditions < 1 || !r->match_text)
            bad++;
        for (int k = 0; k < r->nconditions; k++) {
            const struct rule_cond *c = &r->conds[k];
            enum cond_type ty = rule_cond_type(c->id);
            if (rule_cond(r, c->id) != c)
                bad++;
            if ((ty == CT_INTS && (!c->ints || c->n < 1)) ||
                ((ty == CT_STRINGS || ty == CT_PHRASES) && (!c->strs || c->n < 1)) ||
                (ty == CT_PHRASES && !c->squeezed) || !strstr(r->match_text, rule_cond_name(c->id)))
                bad++;
        }
    }
    expect("every compiled condition is complete", bad == 0);
    const struct rule *rpd = rules_find(t, "quota-rpd-per-day");
    const struct rule_cond *http = rpd ? rule_cond(rpd, COND_http) : NULL;
    expect("quota-rpd-per-day matches http 429", http && http->n == 1 && http->ints[0] == 429);
    expect("quota-rpd-per-day has no message condition", rpd && !rule_cond(rpd, COND_message));
    rule_table_free(t);
}

int main(void)
{
    docs_list_the_conditions();
    compiled_table();
    return unit_done("test_rules");
}
