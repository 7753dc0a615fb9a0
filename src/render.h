/*
 * render: prints diagnoses for people (text) and programs (JSON). It never
 * looks at raw input and never decides a cause. Check reports have their own
 * renderer (report.h) that reuses these pieces.
 */
#ifndef GD_RENDER_H
#define GD_RENDER_H

#include <stddef.h>
#include <stdio.h>

struct diagnosis;
struct cJSON;

/* The explain JSON object of PRODUCT.md; caller frees with cJSON_Delete(). */
struct cJSON *render_diagnosis_json(const struct diagnosis *d);

/* The explain text report; color adds ANSI colour. */
void render_diagnosis_text(FILE *out, const struct diagnosis *d, int color);

/* A duration for people: "5.5 s", "37 s", "12m05s", "20h00m". */
void render_duration(double s, char *out, size_t size);

/* The verdict in words, e.g. "yes, retrying soon can succeed (wait 37 s)",
 * "no, not before the daily reset (in 20h00m)", "not soon: the server asks to
 * wait 1h00m". Shared by explain's and check's text reports. */
void render_verdict(const struct diagnosis *d, char *out, size_t size);

/* One line for --quiet: "cause: title; retry verdict". */
void render_diagnosis_line(FILE *out, const struct diagnosis *d);

#endif
