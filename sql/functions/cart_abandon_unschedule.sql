CREATE OR REPLACE FUNCTION cart_abandon_unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    PERFORM cart_abandon.require_pg_cron();
    IF NOT EXISTS (SELECT 1 FROM cron.job WHERE jobname = 'cart_abandon' AND username = current_user) THEN
        RETURN false;
    END IF;
    RETURN cron.unschedule('cart_abandon');
END
$$;
