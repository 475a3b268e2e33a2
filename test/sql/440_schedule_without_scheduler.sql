-- Without pg_cron in the database, the schedule functions say so clearly.
BEGIN;
SELECT plan(6);
CREATE EXTENSION cart_abandon;
SELECT throws_ok($$SELECT cart_abandon_schedule()$$, '55000', 'pg_cron is not installed in this database', 'schedule without pg_cron');
SELECT throws_ok($$SELECT cart_abandon_unschedule()$$, '55000', 'pg_cron is not installed in this database', 'unschedule without pg_cron');
CREATE TEMP TABLE schedule_hint (hint text);
DO $$
DECLARE h text;
BEGIN
    PERFORM cart_abandon_schedule();
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS h = PG_EXCEPTION_HINT;
    INSERT INTO schedule_hint VALUES (h);
END $$;
SELECT is((SELECT hint FROM schedule_hint),
          'pg_cron lives in database ca_cron (cron.database_name): schedule from there with '
          'cron.schedule_in_database(''cart_abandon'', ''0 * * * *'', ''CALL public.cart_abandon_run(''''{}''''::pg_catalog.jsonb)'', '
          || quote_literal(current_database()) || '), as the README shows.',
          'the hint says how to schedule from pg_cron''s database');
-- pg_cron is preloaded here, living in ca_cron (cron.database_name): the common setup, where a
-- job made there with cron.schedule_in_database runs cart_abandon_run in this database.
SELECT is(cart_abandon_stats() -> 'schedule',
          '{"pg_cron": false, "pg_cron_database": "ca_cron", "scheduled": null, "last_scheduled_run": null}',
          'stats: pg_cron is in ca_cron, its jobs not visible from here (scheduled unknown), no scheduled run yet');
INSERT INTO cart_abandon.runs (status, started_at, finished_at, started_by)
VALUES ('succeeded', now() - interval '2 hours', now() - interval '2 hours', 'pg_cron'),
       ('succeeded', now() - interval '1 hour', now() - interval '1 hour', 'psql');
SELECT is(cart_abandon_stats() -> 'schedule' -> 'last_scheduled_run' ->> 'started_at',
          (SELECT to_jsonb(started_at) #>> '{}' FROM cart_abandon.runs WHERE started_by = 'pg_cron'),
          'the last run pg_cron started, not the later manual one');
SELECT is(cart_abandon_stats() -> 'schedule' ->> 'pg_cron_database', 'ca_cron', 'where pg_cron lives');
SELECT * FROM finish();
ROLLBACK;
