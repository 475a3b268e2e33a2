-- Least privilege: nothing for PUBLIC, an operator role that runs and schedules, a monitor role
-- that reads stats, SECURITY DEFINER with a pinned search_path, superuser-only network settings.
-- No BEGIN: CALL is tried as the operator, and roles are cluster-wide (dropped at the end).
SELECT plan(39);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();
SELECT fixture.make_cart('priv_1', '30 hours', phone => '0151 90000001');
SELECT fixture.make_cart('priv_2', '30 hours', phone => '0151 90000002', email => 'Priv@Example.com');
SELECT fixture.make_cart('priv_done', '40 hours', phone => '0151 90000003', email => 'priv@example.com');
UPDATE public.cart SET completed_at = now() - interval '1 hour' WHERE id = 'priv_done';

SELECT ok((SELECT NOT rolcanlogin FROM pg_roles WHERE rolname = 'cart_abandon_operator'), 'the operator role exists, NOLOGIN');
SELECT ok((SELECT NOT rolcanlogin FROM pg_roles WHERE rolname = 'cart_abandon_monitor'), 'the monitor role exists, NOLOGIN');
SELECT lives_ok($$DROP EXTENSION cart_abandon; CREATE EXTENSION cart_abandon$$, 'reinstalling keeps the roles and works');

-- nothing for PUBLIC
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_process(integer, text, jsonb)', 'EXECUTE'), 'PUBLIC cannot run cart_abandon_process');
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_run(jsonb, bigint)', 'EXECUTE'), 'PUBLIC cannot run cart_abandon_run');
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_stats()', 'EXECUTE'), 'PUBLIC cannot read the stats');
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_daily(integer)', 'EXECUTE'), 'PUBLIC cannot read the figures per day');
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_schedule(text)', 'EXECUTE'), 'PUBLIC cannot schedule');
SELECT ok(NOT has_function_privilege('public', 'cart_abandon.stage_notifications(integer, boolean, timestamptz, text)', 'EXECUTE'), 'PUBLIC cannot call the internal helpers');
SELECT is((SELECT count(*)::int FROM information_schema.role_table_grants WHERE table_schema = 'cart_abandon' AND grantee = 'PUBLIC'), 0,
          'no table of the extension is granted to PUBLIC');

-- Roles are cluster-wide: drop any left by an earlier aborted run of this file.
DROP ROLE IF EXISTS ca_plain;
DROP ROLE IF EXISTS ca_ops;
DROP ROLE IF EXISTS ca_watch;
CREATE ROLE ca_plain LOGIN;
CREATE ROLE ca_ops LOGIN IN ROLE cart_abandon_operator;
CREATE ROLE ca_watch LOGIN IN ROLE cart_abandon_monitor;
SELECT format($$GRANT CREATE ON DATABASE %I TO ca_ops$$, current_database()) \gexec

-- a plain role: denied everything, including what holds phone numbers
SET ROLE ca_plain;
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '42501', 'permission denied for function cart_abandon_process', 'plain: process denied');
SELECT throws_ok($$CALL cart_abandon_run()$$, '42501', 'permission denied for procedure cart_abandon_run', 'plain: run denied');
SELECT throws_ok($$SELECT cart_abandon_stats()$$, '42501', 'permission denied for function cart_abandon_stats', 'plain: stats denied');
SELECT throws_ok($$SELECT * FROM cart_abandon_daily(30)$$, '42501', 'permission denied for function cart_abandon_daily', 'plain: the figures per day denied');
SELECT throws_ok($$SELECT cart_abandon_schedule()$$, '42501', 'permission denied for function cart_abandon_schedule', 'plain: schedule denied');
SELECT throws_ok($$SELECT * FROM cart_abandon.deliveries$$, '42501', 'permission denied for schema cart_abandon', 'plain: the ledger is denied');
SELECT throws_ok($$SELECT * FROM cart_abandon.opt_outs$$, '42501', 'permission denied for schema cart_abandon', 'plain: the opt-out list is denied');
SELECT throws_ok($$SELECT * FROM cart_abandon.runs$$, '42501', 'permission denied for schema cart_abandon', 'plain: the run log is denied');
RESET ROLE;

-- the monitor: stats, nothing else
SET ROLE ca_watch;
SELECT lives_ok($$SELECT cart_abandon_stats()$$, 'monitor: reads the stats (SECURITY DEFINER: no access to the carts needed)');
SELECT lives_ok($$SELECT * FROM cart_abandon_daily(30)$$, 'monitor: reads the figures per day (SECURITY DEFINER: no access to the ledger needed)');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"dryRun": true}')$$, '42501', 'permission denied for function cart_abandon_process', 'monitor: cannot process');
SELECT throws_ok($$SELECT * FROM cart_abandon.deliveries$$, '42501', 'permission denied for schema cart_abandon', 'monitor: cannot read the ledger');
RESET ROLE;

-- the operator: runs, reads the ledger, manages opt-outs; never Medusa's tables directly
SET ROLE ca_ops;
SELECT throws_ok($$SELECT * FROM public.cart$$, '42501', 'permission denied for table cart', 'operator: no direct access to Medusa''s carts');
-- a trap in the operator's search_path: a lower() that fails; the extension must not call it
CREATE SCHEMA ops_trap;
CREATE FUNCTION ops_trap.lower(text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'trap sprung'; END $$;
SET search_path = ops_trap, public;
SELECT is((SELECT string_agg(cart_id || ':' || action, ',' ORDER BY cart_id) FROM cart_abandon_process(10, NULL)),
          'priv_1:sent,priv_2:skipped', 'operator: process sends (SECURITY DEFINER), and its search_path is pinned');
RESET search_path;
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries), 2, 'operator: reads the ledger');
SELECT lives_ok($$INSERT INTO cart_abandon.opt_outs (address, reason) VALUES ('+4915190000009', 'asked')$$, 'operator: adds an opt-out');
SELECT lives_ok($$DELETE FROM cart_abandon.opt_outs WHERE address = '+4915190000009'$$, 'operator: removes an opt-out');
SELECT throws_ok($$UPDATE cart_abandon.deliveries SET status = 'retry'$$, '42501', 'permission denied for table deliveries', 'operator: cannot rewrite the ledger');
SELECT throws_ok($$SHOW cart_abandon.whatsapp_token$$, '42501', 'must be superuser or have privileges of pg_read_all_settings to examine "cart_abandon.whatsapp_token"', 'operator: cannot read the token');
SELECT throws_ok($$SET cart_abandon.whatsapp_api_url = 'https://evil.example/v25.0'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_api_url"', 'operator: cannot redirect the API');
SELECT throws_ok($$SET cart_abandon.allow_insecure_http = on$$, '42501', 'permission denied to set parameter "cart_abandon.allow_insecure_http"', 'operator: cannot allow plain HTTP');
SELECT throws_ok($$SET cart_abandon.whatsapp_token_file = '/etc/passwd'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_token_file"', 'operator: cannot point at a token file');
SELECT throws_ok($$SELECT cart_abandon_schedule()$$, '55000', 'pg_cron is not installed in this database', 'operator: may schedule (here: no pg_cron)');
RESET ROLE;

-- the procedure, not SECURITY DEFINER, runs each statement as the owner: an operator's CALL works
SELECT fixture.make_cart('priv_3', '30 hours', phone => '0151 90000004');
SET ROLE ca_ops;
SET search_path = ops_trap, public;
CALL cart_abandon_run();
RESET search_path;
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'priv_3'), 'sent', 'operator: CALL cart_abandon_run() sends, past the trap');
SELECT is(current_user::text, 'ca_ops', 'after the run the session is the operator again, not the owner');
RESET ROLE;

-- only https:// unless a superuser allows plain HTTP for a stand-in
SET cart_abandon.allow_insecure_http = off;
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '55000', 'cart_abandon.whatsapp_api_url must be an https:// URL',
                 'an http:// API URL is refused');
RESET cart_abandon.allow_insecure_http;

-- the token from a file only the server can read
SET cart_abandon.whatsapp_token = '';
SET cart_abandon.whatsapp_token_file = '/nonexistent/token';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '55000', 'could not read cart_abandon.whatsapp_token_file "/nonexistent/token"',
                 'an unreadable token file is named, never its content');
-- write the stand-in's token into a file of the server's (never printed), and use it
SELECT format($f$COPY (SELECT substring(pg_read_file('secret.conf') FROM $r$whatsapp_token = '([^']+)'$r$)) TO %L$f$,
              current_setting('data_directory') || '/test_token_file') \gexec
SELECT format($f$SET cart_abandon.whatsapp_token_file = %L$f$, current_setting('data_directory') || '/test_token_file') \gexec
SELECT fixture.make_cart('priv_4', '30 hours', phone => '0151 90000005');
SELECT is((SELECT action FROM cart_abandon_process(10, NULL) WHERE cart_id = 'priv_4'), 'sent',
          'the token is read from cart_abandon.whatsapp_token_file when whatsapp_token is empty');
RESET cart_abandon.whatsapp_token_file;
RESET cart_abandon.whatsapp_token;

DROP SCHEMA ops_trap CASCADE;
SELECT format($$REVOKE CREATE ON DATABASE %I FROM ca_ops$$, current_database()) \gexec
DROP ROLE ca_plain;
DROP ROLE ca_ops;
DROP ROLE ca_watch;
SELECT pass('the test roles are dropped');
SELECT * FROM finish();
