-- The pg_cron schedule: one idempotent job, and CALL cart_abandon_run() really runs from it.
-- Runs in ca_cron, the database pg_cron lives in; no BEGIN, so the job sees our carts.
SELECT plan(22);
CREATE EXTENSION IF NOT EXISTS cart_abandon;
SELECT fixture.standin_reset();

SELECT ok(cart_abandon_schedule() > 0, 'cart_abandon_schedule() returns the job id');
SELECT is((SELECT format('%s | %s | %s | %s', jobname, schedule, command, active) FROM cron.job),
          'cart_abandon | 0 * * * * | CALL public.cart_abandon_run(''{}''::pg_catalog.jsonb) | t',
          'one job, hourly at minute 0, whose command is only the CALL');
SELECT is(cart_abandon_schedule('*/30 * * * *'), (SELECT jobid FROM cron.job), 'scheduling again keeps the same job');
SELECT is((SELECT format('%s jobs, %s', count(*), min(schedule)) FROM cron.job), '1 jobs, */30 * * * *',
          'still one job, with the new schedule');
SELECT throws_like($$SELECT cart_abandon_schedule('every hour')$$, '%invalid schedule%', 'a schedule pg_cron cannot read is refused');
SELECT throws_ok($$SELECT cart_abandon_schedule(NULL)$$, '22023', 'schedule must be a cron expression such as ''0 * * * *''', 'NULL schedule');
SELECT is((cart_abandon_stats() -> 'schedule' ->> 'scheduled')::boolean, true, 'stats: scheduled');
SELECT is(cart_abandon_stats() -> 'schedule' ->> 'schedule', '*/30 * * * *', 'stats: the schedule');

-- let pg_cron run it: every minute, then wait for the first run to finish
SELECT fixture.make_cart('cron_cart', '30 hours', phone => '0151 70000001');
SELECT cart_abandon_schedule('* * * * *');
DO $$
BEGIN
    FOR i IN 1..100 LOOP
        EXIT WHEN EXISTS (SELECT 1 FROM cron.job_run_details WHERE status IN ('succeeded', 'failed'));
        PERFORM pg_sleep(1);
    END LOOP;
END
$$;
SELECT is((SELECT status FROM cron.job_run_details ORDER BY start_time LIMIT 1), 'succeeded', 'the job ran and succeeded');
SELECT is((SELECT return_message FROM cron.job_run_details ORDER BY start_time LIMIT 1), 'CALL', 'its command was the CALL');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'cron_cart'), 'sent', 'the run from pg_cron sent the due cart');
SELECT is((SELECT status FROM cart_abandon.runs ORDER BY id LIMIT 1), 'succeeded', 'and logged its run');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915170000001'), 1, 'one message');
SELECT is(cart_abandon_stats() -> 'schedule' -> 'last_result' ->> 'status', 'succeeded', 'stats: the job''s last result');
SELECT is((SELECT started_by FROM cart_abandon.runs ORDER BY id LIMIT 1), 'pg_cron', 'the run row says pg_cron started it');
SELECT is(cart_abandon_stats() -> 'schedule' -> 'last_scheduled_run' ->> 'status', 'succeeded',
          'stats: the last scheduled run, from the run log');

SELECT is(cart_abandon_unschedule(), true, 'cart_abandon_unschedule() removes the job');
SELECT is((SELECT count(*)::int FROM cron.job), 0, 'no job is left');
SELECT is(cart_abandon_unschedule(), false, 'unscheduling again is harmless: false');

-- A job scheduled under 1.4 (CALL public.cart_abandon_run(), which an overload another role
-- creates in public could make ambiguous) gets 1.5's command when the extension is updated.
DROP EXTENSION cart_abandon;
CREATE EXTENSION cart_abandon VERSION '1.4';
SELECT cart_abandon_schedule();
SELECT is((SELECT command FROM cron.job), 'CALL public.cart_abandon_run()', '1.4 scheduled its job with the old command');
ALTER EXTENSION cart_abandon UPDATE;
SELECT is((SELECT command FROM cron.job), 'CALL public.cart_abandon_run(''{}''::pg_catalog.jsonb)',
          'updating to 1.5 gives it the new command');
-- Updated on to the current version, whose procedure has an INOUT run_id (1.7): the job's command,
-- run as pg_cron runs it, still calls it and gets the id of the run row it wrote.
SELECT command AS job_command FROM cron.job \gset
:job_command \gset job_
SELECT is(:job_run_id::bigint, (SELECT id FROM cart_abandon.runs WHERE pid = pg_backend_pid()),
          'the kept command runs the current procedure, which answers its run id');
SELECT cart_abandon_unschedule();

SELECT * FROM finish();
