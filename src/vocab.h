/*
 * vocab: the words the reader recognises, as plain typed lists: Gemini's own
 * error phrases and the HTTP code each implies, transport-failure phrases,
 * ErrorInfo reasons, Interactions API codes, model families and the
 * googleapis.com hosts that are not APIs. The rules module fills one from
 * rules/phrases.json (rules_vocab()); the reader is handed it with every
 * reading and never learns where it came from, so a new phrase is a data
 * edit, not a C change.
 *
 * A struct reader_vocab and every string it points to are owned by the rules
 * table that made it and live until rule_table_free().
 */
#ifndef GD_VOCAB_H
#define GD_VOCAB_H

#include <stddef.h>

/* A Gemini message phrase. */
struct vocab_phrase {
    const char *text;    /* as written in the data */
    const char *squeeze; /* lower case, whitespace removed: what the reader compares */
    int http;            /* the code Google sends it with; 0: none implied */
};

/* A transport-failure phrase; rank orders kinds, most specific highest. */
struct vocab_net {
    const char *lower; /* lower case, spaces kept */
    const char *kind;  /* a net_error kind: "proxy", "tls", "dns", … */
    int rank;
};

/* An Interactions API string code and the HTTP code it stands for. */
struct vocab_code {
    const char *code;
    int http;
};

struct reader_vocab {
    const struct vocab_phrase *phrases;
    size_t nphrases;
    const struct vocab_net *net;
    size_t nnet;
    const char *const *reasons; /* ErrorInfo reasons read as whole words in text */
    size_t nreasons;
    const char *const *legacy_reasons; /* lowerCamel errors[].reason of older APIs */
    size_t nlegacy_reasons;
    const struct vocab_code *api_codes;
    size_t napi_codes;
    const char *const *model_families; /* id prefixes that may carry no digit */
    size_t nmodel_families;
    const char *const *non_api_hosts; /* X in X.googleapis.com that names no API */
    size_t nnon_api_hosts;
    /* A message suggests a model when one of these leads ("switch to ") is
     * followed by "models/" or a name that begins with one of the families. */
    const char *const *suggestion_leads;
    size_t nsuggestion_leads;
    const char *const *suggestion_families;
    size_t nsuggestion_families;
};

/* The HTTP code of an Interactions API code, 0 when v does not list it. */
int vocab_api_code_http(const struct reader_vocab *v, const char *code);

#endif
