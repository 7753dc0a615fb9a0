-- gemini-doctor stats --sql bigquery (rules data of 2026-12-01)
-- The figures of `gemini-doctor stats` that SQL can compute, over a table of
-- requests: time, status, model, input tokens, latency (ms), the error text
-- (its message or JSON body) and the --by value; see docs/stats.md.
-- A 429's dimension is the first rule of the rules table, in the engine's
-- order, whose conditions the error text shows; rules that need the reader
-- are left out; its quota tier is the first tier of the rules its text
-- names. Only the report has: the cause of every error, the limits named
-- in the errors, retry storms and retried errors, latency from
-- its histogram, and the recommendations.
-- Each query follows a line "-- gd:NAME"; times are UTC, the hour of day
-- is in America/Los_Angeles and in +05:30.
-- gd:requests
CREATE TEMP TABLE gd_requests AS
WITH raw AS (
    SELECT CAST(`ts` AS STRING) AS raw_time,
           CAST(`status` AS STRING) AS raw_status,
           CAST(`model` AS STRING) AS raw_model,
           CAST(`usage`.`prompt_tokens` AS STRING) AS raw_tokens,
           CAST(`latency_ms` AS STRING) AS raw_latency,
           CAST(`error` AS STRING) AS raw_error,
           CAST(`feature` AS STRING) AS raw_by
    FROM `gemini_requests`
), typed AS (
    SELECT CASE WHEN SAFE_CAST(raw_time AS FLOAT64) > 0 THEN TIMESTAMP_MICROS(CAST(ROUND(1000000 * SAFE_CAST(raw_time AS FLOAT64) / CASE WHEN SAFE_CAST(raw_time AS FLOAT64) > 1e17 THEN 1e9 WHEN SAFE_CAST(raw_time AS FLOAT64) > 1e14 THEN 1e6 WHEN SAFE_CAST(raw_time AS FLOAT64) > 1e11 THEN 1e3 ELSE 1 END) AS INT64)) ELSE SAFE_CAST(raw_time AS TIMESTAMP) END AS ts,
           CASE WHEN SAFE_CAST(raw_status AS FLOAT64) >= 100 AND SAFE_CAST(raw_status AS FLOAT64) < 600 THEN CAST(FLOOR(SAFE_CAST(raw_status AS FLOAT64)) AS INT64) END AS status,
           NULLIF(REGEXP_REPLACE(raw_model, r'^models/', ''), '') AS model,
           CASE WHEN SAFE_CAST(raw_tokens AS FLOAT64) >= 0 THEN CAST(FLOOR(SAFE_CAST(raw_tokens AS FLOAT64)) AS INT64) END AS input_tokens,
           COALESCE(SAFE_CAST(raw_latency AS FLOAT64), SAFE_CAST(REGEXP_REPLACE(raw_latency, r'\s*ms$', '') AS FLOAT64), 1000 * SAFE_CAST(REGEXP_REPLACE(raw_latency, r'\s*s$', '') AS FLOAT64)) AS latency_ms,
           NULLIF(raw_error, '') AS error,
           NULLIF(raw_by, '') AS by_value
    FROM raw
), req AS (
    SELECT *,
           status >= 400 OR (status IS NULL AND error IS NOT NULL) AS is_error
    FROM typed
    WHERE (ts IS NOT NULL OR status IS NOT NULL OR model IS NOT NULL
           OR input_tokens IS NOT NULL OR error IS NOT NULL)
      AND ts >= TIMESTAMP '2026-11-25 00:00:00.000000+00'
), text429 AS (
    SELECT *,
           CASE WHEN status = 429 THEN LOWER(COALESCE(error, '')) END AS ltext,
           CASE WHEN status = 429 THEN REGEXP_REPLACE(LOWER(COALESCE(error, '')), r'\s+', '') END AS sq
    FROM req
)
SELECT ts, status, model, input_tokens, latency_ms, by_value, is_error,
       is_error AND status = 429 AS e429,
       is_error AND status >= 500 AND status < 600 AS e5xx,
       <the 429 dimension CASE, from the rules>
       END AS dimension,
       CASE WHEN is_error AND status = 429 THEN CASE WHEN (STRPOS(ltext, 'freetier') > 0 OR STRPOS(ltext, 'free_tier') > 0) THEN 'free' ELSE 'unknown' END END AS tier,
       DATETIME(ts, 'America/Los_Angeles') AS pt,
       DATETIME(ts, '+05:30') AS lt
FROM text429;

-- gd:totals
SELECT COUNT(*) AS requests, COUNTIF(is_error) AS errors,
       ROUND(COUNTIF(is_error) / COUNT(*), 4) AS error_rate,
       FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', MIN(ts)) AS first, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', MAX(ts)) AS last
FROM gd_requests;

-- gd:by_code
SELECT COALESCE(status, 0) AS code, COUNT(*) AS count,
       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share
FROM gd_requests
GROUP BY 1
ORDER BY 1;

-- gd:over_time_hour
SELECT FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', bucket) AS start, requests, errors, e429, e5xx
FROM (
    SELECT TIMESTAMP_TRUNC(ts, HOUR) AS bucket, COUNT(*) AS requests, COUNTIF(is_error) AS errors, COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx
    FROM gd_requests
    WHERE ts IS NOT NULL
    GROUP BY 1
) AS b
ORDER BY bucket;

-- gd:over_time_day
SELECT FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', bucket) AS start, requests, errors, e429, e5xx
FROM (
    SELECT TIMESTAMP_TRUNC(ts, DAY) AS bucket, COUNT(*) AS requests, COUNTIF(is_error) AS errors, COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx
    FROM gd_requests
    WHERE ts IS NOT NULL
    GROUP BY 1
) AS b
ORDER BY bucket;

-- gd:peak_429_hour
SELECT FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', bucket) AS start, requests, errors, e429, e5xx
FROM (
    SELECT TIMESTAMP_TRUNC(ts, HOUR) AS bucket, COUNT(*) AS requests, COUNTIF(is_error) AS errors, COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx
    FROM gd_requests
    WHERE ts IS NOT NULL
    GROUP BY 1
) AS b
WHERE e429 > 0
ORDER BY e429 DESC, bucket
LIMIT 1;

-- gd:hour_of_day_pacific
SELECT EXTRACT(HOUR FROM pt) AS hour, COUNT(*) AS requests, COUNTIF(is_error) AS errors, COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx
FROM gd_requests
WHERE ts IS NOT NULL
GROUP BY 1
ORDER BY 1;

-- gd:hour_of_day_tz
SELECT EXTRACT(HOUR FROM lt) AS hour, COUNT(*) AS requests, COUNTIF(is_error) AS errors, COUNTIF(e429) AS e429, COUNTIF(e5xx) AS e5xx
FROM gd_requests
WHERE ts IS NOT NULL
GROUP BY 1
ORDER BY 1;

-- gd:quota_429
SELECT dimension, COUNT(*) AS count
FROM gd_requests
WHERE e429
GROUP BY 1
ORDER BY 2 DESC, 1;

-- gd:quota_tier
SELECT tier, COUNT(*) AS count
FROM gd_requests
WHERE e429
GROUP BY 1
ORDER BY 2 DESC, 1;

-- gd:daily_runout
WITH d AS (
    SELECT CAST(pt AS DATE) AS day,
           MIN(EXTRACT(HOUR FROM pt) * 3600 + EXTRACT(MINUTE FROM pt) * 60
               + EXTRACT(SECOND FROM pt)) AS sec
    FROM gd_requests
    WHERE e429 AND dimension = 'rpd' AND ts IS NOT NULL
    GROUP BY 1
), o AS (
    SELECT sec, ROW_NUMBER() OVER (ORDER BY sec) AS rn, COUNT(*) OVER () AS n
    FROM d
)
SELECT COUNT(*) AS days,
       FORMAT('%02d:%02d', DIV(MAX(CASE WHEN rn = DIV(n, 2) + 1 THEN sec END), 3600), MOD(DIV(MAX(CASE WHEN rn = DIV(n, 2) + 1 THEN sec END), 60), 60)) AS median_pt,
       FORMAT('%02d:%02d', DIV(MIN(sec), 3600), MOD(DIV(MIN(sec), 60), 60)) AS earliest_pt,
       FORMAT('%02d:%02d', DIV(MAX(sec), 3600), MOD(DIV(MAX(sec), 60), 60)) AS latest_pt
FROM o;

-- gd:prompt_size
SELECT CASE WHEN input_tokens < 1000 THEN 0 WHEN input_tokens < 2000 THEN 1000 WHEN input_tokens < 4000 THEN 2000 WHEN input_tokens < 8000 THEN 4000 WHEN input_tokens < 16000 THEN 8000 WHEN input_tokens < 32000 THEN 16000 WHEN input_tokens < 64000 THEN 32000 WHEN input_tokens < 128000 THEN 64000 WHEN input_tokens < 200000 THEN 128000 WHEN input_tokens < 256000 THEN 200000 WHEN input_tokens < 500000 THEN 256000 WHEN input_tokens < 1000000 THEN 500000 WHEN input_tokens < 2000000 THEN 1000000 ELSE 2000000 END AS size_from, COUNT(*) AS requests,
       COUNTIF(is_error AND status = 500) AS e500,
       COUNTIF(is_error AND status = 504) AS e504
FROM gd_requests
WHERE input_tokens IS NOT NULL
GROUP BY 1
ORDER BY 1;

-- gd:prompt_cluster
WITH s AS (
    SELECT CASE WHEN input_tokens < 1000 THEN 0 WHEN input_tokens < 2000 THEN 1 WHEN input_tokens < 4000 THEN 2 WHEN input_tokens < 8000 THEN 3 WHEN input_tokens < 16000 THEN 4 WHEN input_tokens < 32000 THEN 5 WHEN input_tokens < 64000 THEN 6 WHEN input_tokens < 128000 THEN 7 WHEN input_tokens < 200000 THEN 8 WHEN input_tokens < 256000 THEN 9 WHEN input_tokens < 500000 THEN 10 WHEN input_tokens < 1000000 THEN 11 WHEN input_tokens < 2000000 THEN 12 ELSE 13 END AS bucket, COUNT(*) AS req,
           COUNTIF(is_error AND status IN (500, 504)) AS err
    FROM gd_requests
    WHERE input_tokens IS NOT NULL
    GROUP BY 1
), edges AS (
    SELECT 0 AS i, 1000 AS edge
    UNION ALL SELECT 1 AS i, 2000 AS edge
    UNION ALL SELECT 2 AS i, 4000 AS edge
    UNION ALL SELECT 3 AS i, 8000 AS edge
    UNION ALL SELECT 4 AS i, 16000 AS edge
    UNION ALL SELECT 5 AS i, 32000 AS edge
    UNION ALL SELECT 6 AS i, 64000 AS edge
    UNION ALL SELECT 7 AS i, 128000 AS edge
    UNION ALL SELECT 8 AS i, 200000 AS edge
    UNION ALL SELECT 9 AS i, 256000 AS edge
    UNION ALL SELECT 10 AS i, 500000 AS edge
    UNION ALL SELECT 11 AS i, 1000000 AS edge
    UNION ALL SELECT 12 AS i, 2000000 AS edge
), c AS (
    SELECT edges.edge,
           SUM(CASE WHEN s.bucket <= edges.i THEN s.req ELSE 0 END) AS breq,
           SUM(CASE WHEN s.bucket <= edges.i THEN s.err ELSE 0 END) AS berr,
           SUM(s.req) AS treq, SUM(s.err) AS terr
    FROM edges CROSS JOIN s
    GROUP BY 1
)
SELECT edge AS cluster_above, ROUND((terr - berr) / terr, 4) AS share_above,
       ROUND(((terr - berr) / (treq - breq)) / NULLIF(berr / breq, 0), 2) AS rate_ratio
FROM c
WHERE terr >= 3 AND treq > breq AND breq > 0 AND (terr - berr) / terr >= 0.9
  AND (berr = 0 OR (terr - berr) / (treq - breq) >= 3 * berr / breq)
ORDER BY edge DESC
LIMIT 1;

-- gd:by_requests
SELECT by_value AS value, COUNT(*) AS count,
       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share
FROM gd_requests
WHERE by_value IS NOT NULL
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 10;

-- gd:by_errors
SELECT by_value AS value, COUNT(*) AS count,
       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share
FROM gd_requests
WHERE by_value IS NOT NULL AND is_error
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 10;

-- gd:by_429
SELECT by_value AS value, COUNT(*) AS count,
       ROUND(COUNT(*) / SUM(COUNT(*)) OVER (), 4) AS share
FROM gd_requests
WHERE by_value IS NOT NULL AND e429
GROUP BY 1
ORDER BY 2 DESC, 1
LIMIT 10;

-- gd:latency_ms
SELECT CASE WHEN is_error THEN 'failure' ELSE 'success' END AS outcome,
       COUNT(*) AS count, APPROX_QUANTILES(latency_ms, 100)[OFFSET(50)] AS p50, APPROX_QUANTILES(latency_ms, 100)[OFFSET(90)] AS p90, APPROX_QUANTILES(latency_ms, 100)[OFFSET(99)] AS p99
FROM gd_requests
WHERE latency_ms IS NOT NULL
GROUP BY 1
ORDER BY 1 DESC;

