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
#include "rules_store.h"
#include "util.h"

/* A run that ends without a diagnosis: the one-line error on stderr, and
 * with --format json the one object on stdout that every exit prints. */
static int fail(const struct options *opt, int code, const char *message, int said)
{
    if (!said)
        error("%s", message);
    if (opt->format == FMT_JSON) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "error", message);
        cJSON_AddNumberToObject(o, "exit", code);
        char *s = cJSON_Print(o);
        printf("%s\n", s);
        free(s);
        cJSON_Delete(o);
    }
    return code;
}

/* Print the diagnosis in one write, after it is whole: running out of
 * memory half way prints nothing rather than half an answer, and a failed
 * write is reported. Returns 0, or -1 when stdout cannot be written. */
static int print_diagnosis(const struct options *opt, const struct rule_table *t,
                           const struct diagnosis *d)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *mem = open_memstream(&buf, &n);
    int rc;

    if (!mem)
        gd_out_of_memory();
    if (opt->format == FMT_JSON) {
        cJSON *o = render_diagnosis_json(d);
        char *notice = rules_stale_notice(t, gd_now());
        if (notice)
            cJSON_AddStringToObject(o, "rules_notice", notice);
        free(notice);
        char *s = cJSON_Print(o);
        fprintf(mem, "%s\n", s);
        free(s);
        cJSON_Delete(o);
    } else if (opt->quiet) {
        render_diagnosis_line(mem, d);
    } else {
        render_diagnosis_text(mem, d, use_color(opt, 1));
    }
    if (ferror(mem) | fclose(mem) || !buf)
        gd_out_of_memory(); /* a memory stream fails only for lack of memory;
                             * its last realloc failing leaves buf NULL */
    if (opt->format == FMT_JSON)
        rc = fwrite(buf, 1, n, stdout) == n ? 0 : -1;
    else
        rc = gd_write_text(stdout, buf, n);
    free(buf);
    if (rc || fflush(stdout)) {
        error("cannot write the answer to standard output: %s", strerror(errno));
        clearerr(stdout);
        return -1;
    }
    return 0;
}

int cmd_explain(int argc, char **argv, struct options *opt)
{
    const char *path = argc > 1 ? argv[1] : "-";
    struct rule_table *t = NULL;
    struct evidence ev;
    struct diagnosis d;
    int use_stdin = path[0] == '-' && path[1] == '\0';
    int ret = EXIT_INTERNAL, have_diag = 0, fd = -1;

    evidence_init(&ev);
    if (opt->format != FMT_TEXT && opt->format != FMT_JSON) {
        error("explain prints text or json");
        ret = EXIT_USAGE;
        goto out;
    }
    if (argc > 2) {
        ret = fail(opt, EXIT_USAGE, "explain takes one input (a file, or - for stdin)", 0);
        goto out;
    }
    if (path[0] == '-' && path[1] == '\0' && isatty(0) && !opt->quiet)
        fprintf(stderr, "Paste the error, then press Ctrl-D on an empty line.\n");
    /* The input is read as a stream, in constant memory: a CI log of any
     * size gets the verdict its bytes would get in one buffer. An input
     * that cannot be read (no such file, a directory, a closed stdin) is
     * sysexits' EX_NOINPUT. */
    fd = use_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOMEM)
            gd_out_of_memory();
        error("cannot open '%s': %s", path, strerror(errno));
        ret = fail(opt, EXIT_NOFILE, "cannot read the input", 1);
        goto out;
    }
    t = load_rules(opt);
    if (!t) {
        ret = fail(opt, EXIT_INTERNAL, "cannot load the rules", 1);
        goto out;
    }
    if (reader_read_fd(rules_vocab(t), fd, &ev)) {
        if (errno == ENOMEM)
            gd_out_of_memory();
        error("cannot read '%s': %s", use_stdin ? "stdin" : path, strerror(errno));
        ret = fail(opt, EXIT_NOFILE, "cannot read the input", 1);
        goto out;
    }
    diagnose(t, &ev, gd_now(), &d);
    have_diag = 1;
    rules_stale_warn(t, opt);
    if (print_diagnosis(opt, t, &d))
        goto out;
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
