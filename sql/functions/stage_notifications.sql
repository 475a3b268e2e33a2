-- What a stage's outcome writes into cart.metadata.notifications (the seed's layout): sent (with
-- the time, any earlier error removed), or the error's public summary (NULL removes the key).
CREATE OR REPLACE FUNCTION cart_abandon.stage_notifications(
    stage integer, sent boolean, sent_at timestamptz, metadata_error text) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN sent
                THEN jsonb_build_object(p.prefix || 'Sent', true,
                                        p.prefix || 'SentAt', to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                        p.prefix || 'Error', NULL)
                ELSE jsonb_build_object(p.prefix || 'Error', nullif(metadata_error, ''))
           END
      FROM (SELECT CASE stage WHEN 1 THEN 'first' ELSE 'second' END AS prefix) p
$$;
