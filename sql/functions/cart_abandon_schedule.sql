-- One job named cart_abandon; scheduling again replaces its schedule. Schedules are in GMT.
-- SECURITY DEFINER: the job belongs to the extension's owner, so it runs with the privileges the
-- run needs whoever scheduled it; its command is fixed here, only the schedule is the caller's.
CREATE OR REPLACE FUNCTION cart_abandon_schedule(schedule text DEFAULT '0 * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    IF schedule IS NULL OR btrim(schedule) = '' THEN
        RAISE EXCEPTION 'schedule must be a cron expression such as ''0 * * * *'''
            USING ERRCODE = '22023';
    END IF;
    PERFORM cart_abandon.require_pg_cron();
    -- The job's command is only the CALL: pg_cron runs a committing procedure only as the sole statement.
    RETURN cron.schedule('cart_abandon', schedule, cart_abandon.scheduled_command());
END
$$;
