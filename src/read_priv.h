/*
 * read_priv: what the reader's own files share, and nothing else includes.
 * reader.c drives a reading: it cleans the input (textfix), lets read_kv.c
 * scan key/value pairs in the cleaned text and read_text.c match text forms
 * in the unescaped text, then turns the best candidates into evidence.
 *
 * A candidate keeps the best value seen for one field. "Best" is the deepest
 * (the most nested: Google's own body inside a wrapper's), then the most
 * trustworthy source (quality); on a tie the first one seen stays. Offers
 * that cannot win are rejected before anything is copied, so a hostile input
 * with a million identical keys costs one comparison per key.
 */
#ifndef GD_READ_PRIV_H
#define GD_READ_PRIV_H

#include <stddef.h>

#include "evidence.h"
#include "vocab.h"

/* Source qualities, weakest first. */
#define Q_GUESS 1 /* inferred from a phrase or an HTML page */
#define Q_PROSE 2 /* free text: "model: X", "429 Quota exceeded…" */
#define Q_TEXT 3  /* a fixed text form: status line, "got status:", "[429 …]" */
#define Q_BARE 4  /* protobuf text or unquoted key: value */
#define Q_JSON 5  /* a quoted JSON or Python-dict key */

struct cand {
    char *s;    /* string value, or NULL */
    double num; /* numeric value */
    int has;
    int depth;
    int quality;
};

/* Would an offer at (depth, quality) replace c? */
int cand_wins(const struct cand *c, int depth, int quality);
/* Offer a string (s[0..n), whitespace collapsed) or a number. */
void cand_offer_str(struct cand *c, const char *s, size_t n, int depth, int quality);
void cand_offer_num(struct cand *c, double v, int depth, int quality);
void cand_release(struct cand *c);

struct reading {
    const struct reader_vocab *v; /* the words to recognise; never NULL */
    struct cand http, http_text, status, api_code, message, reason, domain, service, model;
    struct cand retry, block_reason;
    int envelope;    /* an "error" object (or dict) was seen */
    long long limit; /* smallest "limit: N" seen in text, -1 when none */

    /* Lists come from the deepest level that has any. */
    struct quota_violation quota[EV_MAX_QUOTA];
    int nquota, quota_depth, quota_open;
    char *links[EV_MAX_LINKS];
    int nlinks, links_depth;
    char *fields[EV_MAX_FIELDS];
    int nfields, fields_depth;
    char *pending_field;
    int pending_field_depth;

    /* Set by read_text: a known Gemini phrase, and where it starts in the
     * unescaped text (for message-only pastes). */
    int phrase;
    int phrase_http;
    size_t phrase_pos;
    int is_html;
    /* A WebSocket close frame with an error code (the Live API) was read. */
    int ws_close;
    int html_http;

    /* Set by read_text: the most specific transport failure the text names
     * ("dns", "connect", …), its rank and where its phrase sits in the
     * unescaped text. NULL when none. */
    const char *net_kind;
    int net_rank;
    size_t net_pos, net_len;
    /* Set by read_text: the status a proxy answered a CONNECT with
     * ("Tunnel connection failed: 403"), 0 when none. Such a code is the
     * proxy's: the request never reached the API. */
    int tunnel_http;
    /* Set by read_kv: an "error" key had a plain string value (a gateway's
     * or another server's report, never Google's own envelope). */
    int error_string;
};

void reading_init(struct reading *r, const struct reader_vocab *v);
void reading_release(struct reading *r);

/* The canonical gRPC status names: the known spelling, or NULL. */
const char *canonical_status(const char *s, size_t n);
/* HTTP code for a canonical status or an Interactions API code, 0 when none. */
int status_http(const char *status);
/* The canonical name of a numeric gRPC code (grpc_status:8), or NULL. */
const char *grpc_status_name(int code);
/* The HTTP code of an Interactions API code that v lists, 0 when none. */
int api_code_http(const struct reader_vocab *v, const char *code);

/* A model id cleaned of "models/" and resource paths, in a new string, or
 * NULL when s[0..n) does not look like one (a version number or one of v's
 * model families). */
char *model_name(const struct reader_vocab *v, const char *s, size_t n);

/* Parse a duration ("5s", "37.5s", "4h28m20s", "500ms", "30 seconds") at
 * s[0..n); returns the bytes used (0 when none) and sets *secs. */
size_t parse_duration(const char *s, size_t n, double *secs);

/* Exact substring search (memmem is not in C11 or POSIX). */
const char *read_memfind(const char *hay, size_t hn, const char *needle, size_t nn);

/* Quota violations and lists, honouring the deepest-level rule. */
enum quota_part { QP_ID, QP_METRIC, QP_MODEL, QP_LOCATION, QP_VALUE };
void reading_quota(struct reading *r, enum quota_part part, const char *s, size_t n, int depth);
void reading_quota_close(struct reading *r);
void reading_link(struct reading *r, const char *s, size_t n, int depth);
/* A finish or block reason (UPPER_SNAKE); normal ends (STOP, MAX_TOKENS,
 * OTHER, …_UNSPECIFIED) are not offered. */
void reading_block_reason(struct reading *r, const char *s, size_t n, int depth, int quality);
void reading_field(struct reading *r, const char *s, size_t n, int depth);

/* Scan key/value pairs (JSON, Python reprs, protobuf text, "Key: value") in
 * the cleaned, still escaped text t[0..n). */
void read_kv(struct reading *r, const char *t, size_t n);

/* Where the next error object ({"error": or {'error': at any escape level,
 * also [{"error":) starts in t[0..n) at or after from; n when there is none. */
size_t read_error_object(const char *t, size_t n, size_t from);

/* Match text forms (status lines, SDK prefixes, phrases, delays, limits,
 * model paths, API hosts, HTML) in the unescaped text u[0..n). */
void read_text(struct reading *r, const char *u, size_t n);

/* The line of u around a known phrase, cleaned of CLI and SDK prefixes: the
 * message of a paste that has no structure. NULL when there is none. */
char *read_phrase_message(const struct reading *r, const char *u, size_t n);

/* Clean a message in place and return its length: punctuation a cut left
 * (a trailing ",", an unpaired quote or backtick) goes; when from_text is
 * set (the message was read from text, not from a JSON "message" field),
 * the wrapper's prefixes go too (exception classes, "Error:", a label
 * before a status code, the code and its reason phrase, log tags, a stack
 * trace after it), and a labelled quotation at its end is taken as the
 * message. */
size_t read_clean_message(char *msg, int from_text);

#endif
