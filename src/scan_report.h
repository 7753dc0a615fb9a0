/*
 * scan_report: the renderers of a scan (text, json, sarif, github) and its
 * exit code: 1 when any finding is an error or a warning, else 0 (notes
 * never fail a build).
 */
#ifndef GD_SCAN_REPORT_H
#define GD_SCAN_REPORT_H

#include <stdio.h>

#include "options.h"

struct scan_result;
struct scan_rules;

void scan_report(FILE *out, const struct scan_result *res, const struct scan_rules *sr,
                 enum out_format fmt, int quiet);
int scan_exit_code(const struct scan_result *res);

#endif
