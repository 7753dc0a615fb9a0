/*
 * cmd_explain: `gemini-doctor explain [FILE|-]`. Reads the paste, runs it
 * through reader → rules → diagnosis, and renders the result as text or JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int cmd_explain(int argc, char **argv, struct options *opt)
{
    const char *path = argc > 1 ? argv[1] : "-";
    struct rule_table *t = NULL;
    struct evidence ev;
    struct diagnosis d;
    int use_stdin = path[0] == '-' && path[1] == '\0';
    int ret = EXIT_INTERNAL, have_diag = 0, fd = -1;

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
    /* The input is read as a stream, in constant memory: a CI log of any
     * size gets the verdict its bytes would get in one buffer. */
    fd = use_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error("cannot open '%s': %s", path, strerror(errno));
        ret = EXIT_USAGE;
        goto out;
    }
    t = load_rules(opt);
    if (!t)
        goto out;
    if (reader_read_fd(rules_vocab(t), fd, &ev)) {
        error("cannot read '%s': %s", use_stdin ? "stdin" : path, strerror(errno));
        ret = EXIT_NOINPUT;
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
    if (fd > 0)
        close(fd);
    return ret;
}
