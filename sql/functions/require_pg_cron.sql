CREATE OR REPLACE FUNCTION cart_abandon.require_pg_cron() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = '55000',
                  HINT = CASE WHEN current_setting('cron.database_name', true) IS NOT NULL
                              THEN format('pg_cron lives in database %s (cron.database_name): schedule from there with '
                                          'cron.schedule_in_database(''cart_abandon'', ''0 * * * *'', %L, %L), '
                                          'as the README shows.',
                                          current_setting('cron.database_name'),
                                          cart_abandon.scheduled_command(), current_database())
                              ELSE 'Add pg_cron to shared_preload_libraries, set cron.database_name to this database, '
                                   'restart, then CREATE EXTENSION pg_cron.' END;
    END IF;
END
$$;
