-- Whether the backend that made a claim (deliveries.claim_session, '<pid>.<backend start in unix
-- microseconds>') is still running: its answers are still on their way. NULL: unknown, treated
-- as alive.
CREATE OR REPLACE FUNCTION cart_abandon.session_alive(claim_session text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT claim_session IS NULL OR claim_session !~ '^[0-9]+\.[0-9]+$' OR EXISTS (
        SELECT 1 FROM pg_catalog.pg_stat_get_activity(split_part(claim_session, '.', 1)::int) a
         WHERE (extract(epoch FROM a.backend_start) * 1000000)::bigint = split_part(claim_session, '.', 2)::bigint)
$$;
