
-- A job that cart_abandon_schedule() made under 1.4 called CALL <schema>.cart_abandon_run(), which an
-- overload made by another role could capture: it gets 1.5's command (cart_abandon.scheduled_command).
DO $upgrade$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'pg_cron') THEN
        EXECUTE 'UPDATE cron.job SET command = cart_abandon.scheduled_command()
                  WHERE jobname = ''cart_abandon'' AND command = pg_catalog.format(''CALL %I.cart_abandon_run()'', $1)'
        USING '@extschema@';
    END IF;
END
$upgrade$;
