/*
 * tzrule: parses and applies POSIX TZ rules (see tzrule.h). The calendar
 * arithmetic is proleptic Gregorian on day numbers from 1970-01-01.
 */
#include "tzrule.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

/* Days from 1970-01-01 to y-m-d. */
static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long long z, long long *y, int *m, int *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* A zone name: three or more letters, or anything but '>' inside <...>. */
static const char *parse_name(const char *s)
{
    const char *p = s;
    if (*p == '<') {
        for (p++; *p && *p != '>'; p++)
            ;
        return *p == '>' && p - s >= 4 ? p + 1 : NULL;
    }
    while (gd_isalpha((unsigned char)*p))
        p++;
    return p - s >= 3 ? p : NULL;
}

static const char *parse_num(const char *s, long max, long *out)
{
    char *end;
    long v;
    if (!gd_isdigit((unsigned char)*s))
        return NULL;
    v = strtol(s, &end, 10);
    if (v > max)
        return NULL;
    *out = v;
    return end;
}

/* [+-]hh[:mm[:ss]] as seconds. */
static const char *parse_time(const char *s, long *out)
{
    long h, m = 0, sec = 0, sign = 1;
    if (*s == '+' || *s == '-') {
        sign = *s == '-' ? -1 : 1;
        s++;
    }
    s = parse_num(s, 167, &h);
    if (s && *s == ':') {
        s = parse_num(s + 1, 59, &m);
        if (s && *s == ':')
            s = parse_num(s + 1, 59, &sec);
    }
    if (!s)
        return NULL;
    *out = sign * (h * 3600 + m * 60 + sec);
    return s;
}

/* ",Mm.w.d[/time]" */
static const char *parse_switch(const char *s, struct tz_switch *w)
{
    long m, n, d;
    if (s[0] != ',' || s[1] != 'M')
        return NULL;
    s = parse_num(s + 2, 12, &m);
    if (!s || *s != '.' || m < 1)
        return NULL;
    s = parse_num(s + 1, 5, &n);
    if (!s || *s != '.' || n < 1)
        return NULL;
    s = parse_num(s + 1, 6, &d);
    if (!s)
        return NULL;
    w->month = (int)m;
    w->week = (int)n;
    w->weekday = (int)d;
    w->local_s = 2 * 3600;
    if (*s == '/')
        s = parse_time(s + 1, &w->local_s);
    return s;
}

int tz_rule_parse(const char *text, struct tz_rule *out)
{
    const char *s = text ? parse_name(text) : NULL;
    long west;

    if (!s)
        return -1;
    s = parse_time(s, &west);
    if (!s)
        return -1;
    out->std_east = -west;
    out->dst_east = out->std_east;
    out->has_dst = 0;
    if (!*s)
        return 0;
    s = parse_name(s);
    if (!s)
        return -1;
    out->has_dst = 1;
    out->dst_east = out->std_east + 3600;
    if (*s && *s != ',') {
        s = parse_time(s, &west);
        if (!s)
            return -1;
        out->dst_east = -west;
    }
    s = parse_switch(s, &out->start);
    if (s)
        s = parse_switch(s, &out->end);
    return s && !*s ? 0 : -1;
}

/* The day number of a switch in year y. */
static long long switch_day(long long y, const struct tz_switch *w)
{
    long long first = days_from_civil(y, w->month, 1);
    /* 1970-01-01 was a Thursday: weekday 0 = Sunday gives (days + 4) mod 7. */
    long long wd = ((first + 4) % 7 + 7) % 7;
    long long day = first + (w->weekday - wd + 7) % 7 + 7LL * (w->week - 1);
    int next_month = w->month == 12 ? 1 : w->month + 1;
    long long month_end = days_from_civil(w->month == 12 ? y + 1 : y, next_month, 1);
    while (day >= month_end)
        day -= 7;
    return day;
}

long tz_offset_at(const struct tz_rule *z, time_t t)
{
    long long y, start, end;
    int m, d;

    if (!z->has_dst)
        return z->std_east;
    civil_from_days(floor_div((long long)t + z->std_east, 86400), &y, &m, &d);
    /* The start is given in standard time, the end in daylight-saving time. */
    start = switch_day(y, &z->start) * 86400 + z->start.local_s - z->std_east;
    end = switch_day(y, &z->end) * 86400 + z->end.local_s - z->dst_east;
    if (start < end)
        return ((long long)t >= start && (long long)t < end) ? z->dst_east : z->std_east;
    /* Southern hemisphere: daylight-saving time spans the new year. */
    return ((long long)t >= end && (long long)t < start) ? z->std_east : z->dst_east;
}

time_t tz_next_local_time(const struct tz_rule *z, time_t now, long local_s, char *iso, size_t size)
{
    long long t = (long long)now;
    long long local = t + tz_offset_at(z, now);
    long long day = floor_div(local - local_s, 86400) + 1;
    long long target = day * 86400 + local_s;
    long off = z->std_east;
    long long utc = target - off;

    /* A local time is read in the offset that is in force at the instant it
     * names; the other offset is tried when the first is not. */
    if (tz_offset_at(z, (time_t)utc) != off) {
        off = z->dst_east;
        utc = target - off;
    }
    if (iso && size > 0) {
        long long y;
        int m, d;
        long a = off < 0 ? -off : off;
        long long lt = floor_div(target, 86400);
        long tod = (long)(target - lt * 86400);
        civil_from_days(lt, &y, &m, &d);
        snprintf(iso, size, "%04lld-%02d-%02dT%02ld:%02ld:%02ld%c%02ld:%02ld", y, m, d, tod / 3600,
                 (tod / 60) % 60, tod % 60, off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
    }
    return (time_t)utc;
}
