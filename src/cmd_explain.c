/*
 * cmd_explain: `gemini-doctor explain [FILE|-]`. Reads the paste, runs it
 * through reader → rules → diagnosis, and renders the result as text or JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "commands.h"
#include "diagnosis.h"
#include "evidence.h"
#include "options.h"
#include "reader.h"
#include "render.h"
#include "rules.h"
#include "util.h"

/* Larger pastes are refused with a one-line error rather than read. */
#define EXPLAIN_MAX_INPUT ((size_t)256 << 20)

int cmd_explain(int argc, char **argv, struct options *opt)
{
    const char *path = argc > 1 ? argv[1] : "-";
    struct rule_table *t = NULL;
    struct evidence ev;
    struct diagnosis d;
    char *buf = NULL;
    size_t len = 0;
    int ret = EXIT_INTERNAL, have_diag = 0, rc;

    evidence_init(&ev);
    if (argc > 2) {
        error("explain takes one input (a file, or - for stdin)");
        ret = EXIT_USAGE;
        goto out;
    }
    if (opt->format != FMT_TEXT && opt->format != FMT_JSON) {
        error("explain prints text or json");
        ret = EXIT_USAGE;
        goto out;
    }
    if (path[0] == '-' && path[1] == '\0' && isatty(0) && !opt->quiet)
        fprintf(stderr, "Paste the error, then press Ctrl-D on an empty line.\n");
    rc = read_all(path, EXPLAIN_MAX_INPUT, &buf, &len);
    if (rc) {
        ret = rc == -2 ? EXIT_USAGE : EXIT_NOINPUT;
        goto out;
    }
    t = load_rules(opt);
    if (!t)
        goto out;
    if (reader_read(buf, len, &ev)) {
        error("could not read the input");
        goto out;
    }
    diagnose(t, &ev, gd_now(), &d);
    have_diag = 1;
    if (opt->format == FMT_JSON) {
        cJSON *o = render_diagnosis_json(&d);
        char *s = cJSON_Print(o);
        puts(s);
        free(s);
        cJSON_Delete(o);
    } else if (opt->quiet) {
        render_diagnosis_line(stdout, &d);
    } else {
        render_diagnosis_text(stdout, &d, use_color(opt, 1));
    }
    ret = diagnosis_recognised(&d) ? EXIT_OK : EXIT_NOINPUT;
out:
    if (have_diag)
        diagnosis_release(&d);
    evidence_release(&ev);
    rule_table_free(t);
    free(buf);
    return ret;
}
