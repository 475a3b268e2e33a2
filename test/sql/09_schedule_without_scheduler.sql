-- Without pg_cron in the database, the schedule functions say so clearly.
BEGIN;
SELECT plan(3);
CREATE EXTENSION cart_abandon;
SELECT throws_ok($$SELECT cart_abandon_schedule()$$, '55000', 'pg_cron is not installed in this database', 'schedule without pg_cron');
SELECT throws_ok($$SELECT cart_abandon_unschedule()$$, '55000', 'pg_cron is not installed in this database', 'unschedule without pg_cron');
SELECT is(cart_abandon_stats() -> 'schedule', '{"pg_cron": false, "scheduled": false}', 'stats say pg_cron is absent');
SELECT * FROM finish();
ROLLBACK;
