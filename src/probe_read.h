/*
 * probe_read: the evidence a finished transfer gives when it did not
 * succeed, for check's probes and scan --verify alike: a transport failure
 * as its net_error, a non-2xx answer read by the reader exactly as a paste
 * is, and an answer that is not the API's JSON as a bad-response saying
 * what came instead. It decides no cause; the rules do, from the evidence.
 *
 * Each function fills an evidence the caller has evidence_init()ed and
 * owns; nothing here keeps a pointer into the probe.
 */
#ifndef GD_PROBE_READ_H
#define GD_PROBE_READ_H

struct evidence;
struct probe;
struct reader_vocab;

/* The transport failure of p (probe_net_error(p) is non-NULL). */
void probe_read_net(const struct probe *p, struct evidence *ev);

/* An answer that is not the API's JSON: its status, type and first bytes. */
void probe_read_bad_body(const struct probe *p, struct evidence *ev);

/* A non-2xx answer through the reader with v's words; a body the reader
 * does not recognise and that is not JSON becomes a bad-response. Returns
 * 1 when the reader's evidence was kept, 0 for a bad-response. */
int probe_read_http(const struct reader_vocab *v, const struct probe *p, struct evidence *ev);

/* Whichever of the above fits p: returns 1 when p failed (ev filled), 0 when
 * a 2xx answer arrived (ev untouched; judging its body is the caller's). */
int probe_read_failure(const struct reader_vocab *v, const struct probe *p, struct evidence *ev);

#endif
