
-- ---- figures per day (the admin page's chart, Grafana) ----

-- One row per calendar day of the last `days` (the session's TimeZone: SET TimeZone, or ALTER
-- DATABASE ... SET TimeZone, decides where a day begins), oldest first, today last, every day
-- present. Each figure counts what happened that day, so summed over days that cover the whole
-- ledger they equal cart_abandon_stats()' own:
--   first_sent, second_sent  reminders cart_abandon sent (by sent_at: Meta accepted them) that stand
--                            as sent, as the stats' first_sent/second_sent (one that failed after
--                            acceptance counts as failed; the previous system's, imported, not at all);
--   delivered, read          messages Meta's status webhooks reported delivered/read, by Meta's time;
--   failed                   messages that failed: refused when sent (when the ledger recorded it)
--                            or failed after Meta accepted them (Meta's time of the failure);
--   recovered_carts          reminded carts completed that day (cart_abandon.recovered_carts, kept
--                            by each run: a completion shows once a run has looked);
--   recovered_value          their items' value per currency (lower-case ISO 4217 code), rounded to
--                            the currency's minor units (ICU); {} when none.
-- Errors: days NULL or outside 1..366, 22023. SECURITY DEFINER, like the stats: the monitor reads
-- the figures without reading the ledger.
CREATE OR REPLACE FUNCTION cart_abandon_daily(days integer DEFAULT 30)
RETURNS TABLE (day date, first_sent bigint, second_sent bigint, delivered bigint, read bigint, failed bigint,
               recovered_carts bigint, recovered_value jsonb)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
#variable_conflict use_column
DECLARE
    first_day date;
    since timestamptz;
BEGIN
    IF days IS NULL OR days < 1 OR days > 366 THEN
        RAISE EXCEPTION 'cart_abandon_daily: days must be from 1 to 366, not %', coalesce(days::text, 'NULL')
            USING ERRCODE = '22023', HINT = 'cart_abandon_daily(30) gives the last 30 days, today included.';
    END IF;
    first_day := current_date - (days - 1);
    since := first_day::timestamptz;  -- midnight in the session's TimeZone
    RETURN QUERY
    WITH events AS (
        -- One row per thing that happened to a ledger row since the first day, with its time.
        SELECT e.kind, e.at::date AS on_day
          FROM cart_abandon.deliveries d
          CROSS JOIN LATERAL (VALUES
              (CASE WHEN d.status = 'sent' AND d.origin = 'cart_abandon'
                    THEN CASE d.stage WHEN 1 THEN 'first' ELSE 'second' END END, d.sent_at),
              ('delivered', d.delivered_at),
              ('read', d.read_at),
              ('failed', CASE WHEN d.failed_at IS NOT NULL THEN d.failed_at
                              WHEN d.status = 'failed' THEN d.updated_at END)) e(kind, at)
         WHERE (d.sent_at >= since OR d.delivered_at >= since OR d.read_at >= since OR d.failed_at >= since
                OR (d.status = 'failed' AND d.updated_at >= since))
           AND e.kind IS NOT NULL AND e.at >= since),
    per_day AS (
        SELECT ev.on_day,
               count(*) FILTER (WHERE ev.kind = 'first') AS first_sent,
               count(*) FILTER (WHERE ev.kind = 'second') AS second_sent,
               count(*) FILTER (WHERE ev.kind = 'delivered') AS delivered,
               count(*) FILTER (WHERE ev.kind = 'read') AS read,
               count(*) FILTER (WHERE ev.kind = 'failed') AS failed
          FROM events ev GROUP BY ev.on_day),
    recovered_per_currency AS (
        SELECT rc.completed_at::date AS on_day, rc.currency_code, count(*) AS carts,
               round(sum(rc.value), cart_abandon.currency_minor_units(rc.currency_code)) AS value
          FROM cart_abandon.recovered_carts rc
         WHERE rc.completed_at >= since
         GROUP BY 1, 2),
    recovered_per_day AS (
        SELECT r.on_day, sum(r.carts)::bigint AS carts,
               coalesce(jsonb_object_agg(r.currency_code, r.value) FILTER (WHERE r.value IS NOT NULL), '{}'::jsonb) AS value
          FROM recovered_per_currency r GROUP BY r.on_day)
    SELECT s.on_day::date,
           coalesce(p.first_sent, 0), coalesce(p.second_sent, 0), coalesce(p.delivered, 0),
           coalesce(p.read, 0), coalesce(p.failed, 0),
           coalesce(rd.carts, 0), coalesce(rd.value, '{}'::jsonb)
      FROM generate_series(first_day, current_date, interval '1 day') AS s(on_day)
      LEFT JOIN per_day p ON p.on_day = s.on_day::date
      LEFT JOIN recovered_per_day rd ON rd.on_day = s.on_day::date
     ORDER BY s.on_day;
END
$$;
