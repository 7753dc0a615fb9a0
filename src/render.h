/*
 * render: prints diagnoses for people (text) and programs (JSON). It never
 * looks at raw input and never decides a cause. Check reports have their own
 * renderer (report.h) that reuses these pieces.
 */
#ifndef GD_RENDER_H
#define GD_RENDER_H

#include <stdio.h>

struct diagnosis;
struct cJSON;

/* The explain JSON object of PRODUCT.md; caller frees with cJSON_Delete(). */
struct cJSON *render_diagnosis_json(const struct diagnosis *d);

/* The explain text report; color adds ANSI colour. */
void render_diagnosis_text(FILE *out, const struct diagnosis *d, int color);

/* One line for --quiet: "cause: title; retry verdict". */
void render_diagnosis_line(FILE *out, const struct diagnosis *d);

#endif
