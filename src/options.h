/*
 * options: the common command-line options (PRODUCT.md) and where each value
 * came from. Parsed once in main; read-only everywhere else.
 */
#ifndef GD_OPTIONS_H
#define GD_OPTIONS_H

enum out_format { FMT_TEXT, FMT_JSON, FMT_JUNIT, FMT_GITHUB, FMT_SARIF };

struct options {
    const char *model;      /* NULL: $GEMINI_MODEL, else the rules' default */
    const char *model_from; /* "--model", "GEMINI_MODEL", "rules default" */
    const char *base_url;   /* never NULL after parsing */
    const char *base_url_from;
    const char *status_url; /* never NULL after parsing */
    double timeout_s;       /* per request */
    enum out_format format;
    int format_set;
    int no_generate;
    int offline;
    const char *rules_dir; /* NULL: built-in table */
    const char *key_file;
    const char *update_from; /* rules update --from URL; NULL: the data's update_url */
    int no_color;            /* --no-color or NO_COLOR set and non-empty */
    int verbose;
    int quiet;
};

#define DEFAULT_BASE_URL "https://generativelanguage.googleapis.com"
#define DEFAULT_STATUS_URL "https://status.cloud.google.com/incidents.json"
#define DEFAULT_TIMEOUT_S 10.0

#endif
