-- Every setting with its default and units; who may set what; the token never shown.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own), and roles are cluster-wide (the test role is dropped at the end).
SELECT plan(58);
CREATE EXTENSION cart_abandon;

CREATE FUNCTION boot(short_name text) RETURNS text
LANGUAGE sql AS $$ SELECT boot_val || coalesce(' ' || unit, '') FROM pg_settings WHERE name = 'cart_abandon.' || short_name $$;
SELECT is(boot('medusa_schema'), 'public', 'medusa_schema defaults to public');
SELECT is(boot('batch_size'), '100', 'batch_size defaults to 100');
SELECT is(boot('first_delay'), '86400 s', 'first_delay defaults to 24h');
SELECT is(boot('second_delay'), '172800 s', 'second_delay defaults to 48h');
SELECT is(boot('max_age'), '604800 s', 'max_age defaults to 7d');
SELECT is(boot('enable_whatsapp'), 'on', 'enable_whatsapp defaults to on');
SELECT is(boot('enable_email'), 'off', 'enable_email defaults to off');
SELECT is(boot('whatsapp_api_url'), 'https://graph.facebook.com/v25.0', 'whatsapp_api_url defaults to the Graph API, version pinned');
SELECT is(boot('whatsapp_phone_number_id'), '', 'whatsapp_phone_number_id has no default');
SELECT is(boot('template_first'), 'cart_abandonment_first', 'template_first');
SELECT is(boot('template_second'), 'cart_abandonment_second', 'template_second');
SELECT is(boot('template_language'), 'en', 'template_language');
SELECT is(boot('cart_url'), '', 'cart_url has no default');
SELECT is(boot('default_region'), '', 'default_region has no default');
SELECT is(boot('http_timeout'), '10000 ms', 'http_timeout defaults to 10s');
SELECT is(boot('batch_pause'), '20 ms', 'batch_pause defaults to 20ms');
SELECT is(boot('max_attempts'), '3', 'max_attempts defaults to 3');

SET cart_abandon.first_delay = '36h';
SELECT is(current_setting('cart_abandon.first_delay'), '36h', 'time settings take units: 36h');
SET cart_abandon.max_age = '14d';
SELECT is(current_setting('cart_abandon.max_age'), '14d', '14d');
SET cart_abandon.http_timeout = '1500ms';
SELECT is(current_setting('cart_abandon.http_timeout'), '1500ms', '1500ms');
SELECT throws_ok($$SET cart_abandon.batch_size = 0$$, '22023', '0 is outside the valid range for parameter "cart_abandon.batch_size" (1 .. 10000)', 'batch_size below 1 is refused');
SELECT throws_ok($$SET cart_abandon.nonexistent = 1$$, '42602', 'invalid configuration parameter name "cart_abandon.nonexistent"', 'the cart_abandon prefix is reserved: typos are errors');

-- the token: superuser-only, and never printed
SELECT is(current_setting('cart_abandon.whatsapp_token'), '(set)', 'SHOW prints (set), not the token');
SELECT is((SELECT count(*)::int FROM pg_settings WHERE name = 'cart_abandon.whatsapp_token'), 0, 'pg_settings does not list the token');
SET cart_abandon.whatsapp_token = '';
SELECT is(current_setting('cart_abandon.whatsapp_token'), '(not set)', 'an empty token shows as (not set)');
RESET cart_abandon.whatsapp_token;

-- Roles are cluster-wide: drop one left by an earlier aborted run of this file.
DROP ROLE IF EXISTS plain_shop_user;
CREATE ROLE plain_shop_user;
GRANT USAGE ON SCHEMA cart_abandon TO plain_shop_user;
SET ROLE plain_shop_user;
SELECT throws_ok($$SHOW cart_abandon.whatsapp_token$$, '42501', 'must be superuser or have privileges of pg_read_all_settings to examine "cart_abandon.whatsapp_token"', 'a plain role cannot SHOW the token');
SELECT throws_ok($$SET cart_abandon.whatsapp_token = 'mine'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_token"', 'a plain role cannot set the token');
SELECT throws_ok($$SET cart_abandon.whatsapp_api_url = 'https://evil.example'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_api_url"', 'a plain role cannot redirect the API');
SELECT throws_ok($$SET cart_abandon.whatsapp_phone_number_id = '1'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_phone_number_id"', 'a plain role cannot change the sending number');
SELECT lives_ok($$SET cart_abandon.first_delay = '12h'$$, 'a plain role may tune the timing for its session');
SELECT throws_ok($$SHOW cart_abandon.whatsapp_app_secret$$, '42501', 'must be superuser or have privileges of pg_read_all_settings to examine "cart_abandon.whatsapp_app_secret"', 'a plain role cannot SHOW the app secret');
SELECT throws_ok($$SET cart_abandon.whatsapp_app_secret = 'forged'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_app_secret"', 'a plain role cannot set the app secret (it could forge webhooks)');
SELECT throws_ok($$SET cart_abandon.whatsapp_app_secret_file = '/tmp/x'$$, '42501', 'permission denied to set parameter "cart_abandon.whatsapp_app_secret_file"', '... nor its file');
RESET ROLE;

-- the 1.2 settings
SELECT is(boot('whatsapp_endpoint'), 'messages', 'whatsapp_endpoint defaults to messages');
SELECT throws_ok($$SET cart_abandon.whatsapp_endpoint = 'marketing'$$, '22023', 'invalid value for parameter "cart_abandon.whatsapp_endpoint": "marketing"', 'an unknown endpoint is refused');
SELECT is(boot('reconcile_after'), '900 s', 'reconcile_after defaults to 15min');
SELECT is(current_setting('cart_abandon.whatsapp_app_secret'), '(set)', 'SHOW prints (set), not the app secret');
SELECT is((SELECT count(*)::int FROM pg_settings WHERE name = 'cart_abandon.whatsapp_app_secret'), 0, 'pg_settings does not list the app secret');

-- the token is in none of what a run leaves behind (the timing as configured: the SETs above,
-- the plain role's included, last for the session)
RESET cart_abandon.first_delay;
SELECT fixture.standin_reset();
SELECT fixture.make_cart('t_ok', '30 hours', phone => '0151 80000001');
SELECT fixture.make_cart('t_bad', '30 hours', phone => '0151 80000002');
SELECT fixture.standin_faults('[{"mode": "error", "code": 100, "to": "+4915180000002"}]');
CREATE TEMP TABLE rows_out AS SELECT * FROM cart_abandon_process(10, NULL);
CREATE TEMP TABLE secret AS
    SELECT substring(pg_read_file('secret.conf') FROM $re$whatsapp_token = '([^']+)'$re$) AS token;
SELECT is((SELECT string_agg(cart_id || ' ' || action, ', ' ORDER BY cart_id) FROM rows_out), 't_bad failed, t_ok sent',
          'one cart sent, one failed: there are rows to search');
SELECT ok(length((SELECT token FROM secret)) >= 32, 'the test knows the token (without printing it)');
SELECT is((SELECT count(*)::int FROM rows_out r, secret s WHERE r::text LIKE '%' || s.token || '%'), 0, 'not in the result rows');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries d, secret s WHERE d::text LIKE '%' || s.token || '%')
        + (SELECT count(*)::int FROM public.cart c, secret s WHERE c.metadata::text LIKE '%' || s.token || '%'), 0,
          'not in the ledger, nor in cart metadata');

-- the 1.1 settings: defaults, and every bad value refused with an error naming the setting
SELECT is(boot('frequency_cap'), '57600 s', 'frequency_cap defaults to 16h');
SELECT is(boot('quiet_hours'), '21:00-09:00', 'quiet_hours defaults to 21:00-09:00');
SELECT is(boot('require_consent'), 'off', 'require_consent defaults to off');
SELECT is(boot('consent_key'), 'whatsapp_opt_in', 'consent_key defaults to whatsapp_opt_in');
SELECT is(boot('whatsapp_blocked_regions'), 'US', 'whatsapp_blocked_regions defaults to US');
SELECT throws_ok($$SET cart_abandon.quiet_hours = '25:00-09'$$, '22023', 'invalid value for parameter "cart_abandon.quiet_hours": "25:00-09"', 'quiet_hours 25:00-09 is refused');
SELECT throws_ok($$SET cart_abandon.quiet_hours = '21:00-21:00'$$, '22023', 'invalid value for parameter "cart_abandon.quiet_hours": "21:00-21:00"', 'an empty or whole-day window is refused');
SELECT throws_ok($$SET cart_abandon.quiet_hours = 'night'$$, '22023', 'invalid value for parameter "cart_abandon.quiet_hours": "night"', 'quiet_hours junk is refused');
SELECT throws_ok($$SET cart_abandon.frequency_cap = '-1h'$$, '22023', '-3600 s is outside the valid range for parameter "cart_abandon.frequency_cap" (0 .. 2147483647)', 'a negative frequency_cap is refused');
SELECT throws_ok($$SET cart_abandon.consent_key = ''$$, '22023', 'invalid value for parameter "cart_abandon.consent_key": ""', 'an empty consent_key is refused');
SELECT throws_ok($$SET cart_abandon.whatsapp_blocked_regions = 'US, XX'$$, '22023', 'invalid value for parameter "cart_abandon.whatsapp_blocked_regions": "US, XX"', 'an unknown region in the blocked list is refused');
SELECT throws_ok($$SET cart_abandon.default_region = 'XX'$$, '22023', 'invalid value for parameter "cart_abandon.default_region": "XX"', 'an unknown default_region is refused');
SET cart_abandon.quiet_hours = '22:30-07:15';
SELECT is(current_setting('cart_abandon.quiet_hours'), '22:30-07:15', 'a window with minutes');
SET cart_abandon.quiet_hours = '';
SELECT is(current_setting('cart_abandon.quiet_hours'), '', 'quiet hours off');
SET cart_abandon.whatsapp_blocked_regions = 'us br';
SELECT is(current_setting('cart_abandon.whatsapp_blocked_regions'), 'us br', 'a list in any case');
SET cart_abandon.frequency_cap = 0;
SELECT is(current_setting('cart_abandon.frequency_cap'), '0', 'frequency_cap 0: off');

REVOKE USAGE ON SCHEMA cart_abandon FROM plain_shop_user;
DROP ROLE plain_shop_user;

SELECT * FROM finish();
