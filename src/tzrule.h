/*
 * tzrule: a time zone given as a POSIX TZ rule ("PST8PDT,M3.2.0,M11.1.0":
 * a standard offset, an optional daylight-saving offset and the two yearly
 * switches as "month.week.weekday[/time]"). It answers the UTC offset at an
 * instant and the next moment a local time of day comes round, without the
 * machine's time zone database, so results do not depend on its TZ setup.
 *
 * The rules table holds the rule (limits.json, daily_reset.posix_tz); this
 * module only parses and applies it. A struct tz_rule is plain data.
 */
#ifndef GD_TZRULE_H
#define GD_TZRULE_H

#include <stddef.h>
#include <time.h>

struct tz_switch {
    int month;    /* 1..12 */
    int week;     /* 1..5; 5 means the last such weekday of the month */
    int weekday;  /* 0 = Sunday .. 6 */
    long local_s; /* seconds after local midnight, in the time in force before the switch */
};

struct tz_rule {
    long std_east; /* standard offset, seconds east of UTC (PST: -28800) */
    long dst_east; /* daylight-saving offset, seconds east of UTC */
    int has_dst;
    struct tz_switch start, end;
};

/* Parse a POSIX TZ rule. Only the "Mm.w.d" switch form is accepted (the
 * Julian-day forms are not used by any zone the table needs). Returns 0, or
 * -1 without printing when the text is not such a rule. */
int tz_rule_parse(const char *text, struct tz_rule *out);

/* The UTC offset in force at t, in seconds east of UTC. */
long tz_offset_at(const struct tz_rule *z, time_t t);

/* The first instant after now at which the local clock shows local_s seconds
 * after midnight. iso (when non-NULL, >= 32 bytes) gets it in local time with
 * its offset: "2026-11-29T00:00:00-08:00". */
time_t tz_next_local_time(const struct tz_rule *z, time_t now, long local_s, char *iso,
                          size_t size);

#endif
