-- What each kind of answer (or no answer) from the API leads to: retry, failed, unknown, or the
-- whole channel paused. Nothing is ever sent twice.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own).
SELECT plan(38);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION ledger(cart_name text) RETURNS cart_abandon.deliveries
LANGUAGE sql AS $$ SELECT * FROM cart_abandon.deliveries WHERE cart_id = cart_name AND stage = 1 $$;

-- ---- a channel-fatal error stops every further send of the call ----
SELECT fixture.make_cart('a1', '30 hours', phone => '0151 30000001');
SELECT fixture.make_cart('a2', '30 hours', phone => '0151 30000002');
SELECT fixture.make_cart('a3', '30 hours', phone => '0151 30000003');
SELECT fixture.standin_faults('[{"mode": "error", "code": 190, "http_status": 401, "times": 1}]');
-- One request in flight: on a loaded machine the first answer can come after the next start.
SET cart_abandon.max_concurrency = 1;
CREATE TEMP TABLE fatal_rows AS SELECT * FROM run_once();
RESET cart_abandon.max_concurrency;
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 1, '190: only the first request was made');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM fatal_rows), '{retry,retry,retry}', 'all three stay due (retry)');
SELECT alike((SELECT detail FROM fatal_rows WHERE cart_id = 'a1'), '(#190)%', 'the first row says 190');
SELECT alike((SELECT detail FROM fatal_rows WHERE cart_id = 'a2'), 'not sent: channel paused by error 190:%', 'the others say why they were not sent');
SELECT is((SELECT array_agg(attempts ORDER BY cart_id) FROM cart_abandon.deliveries), '{0,0,0}', 'no cart loses an attempt to a token problem');
SELECT is((SELECT count(*)::int FROM public.cart WHERE metadata ? 'notifications'), 0, 'no cart metadata records a token problem');
SELECT is((cart_abandon_stats() -> 'channels' -> 'whatsapp') - 'since' - 'error_message', '{"paused": true, "error_code": 190, "last_webhook_at": null}',
          'stats show the channel paused by 190');
SELECT alike(cart_abandon_stats() -> 'channels' -> 'whatsapp' ->> 'error_message', 'channel paused by error 190: (#190)%', '... with the cause');
SELECT isnt(cart_abandon_stats() -> 'channels' -> 'whatsapp' ->> 'since', NULL, '... and the time');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent,sent}', 'once the token works, the next call sends all three');
SELECT is(cart_abandon_stats() -> 'channels' -> 'whatsapp' ->> 'paused', 'false', 'and the pause is lifted');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE accepted), 3, 'one accepted message each');

-- ---- HTTP 401/404 without a WhatsApp error code: wrong credentials or URL, same as fatal ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('b1', '30 hours', phone => '0151 30000011');
SELECT fixture.make_cart('b2', '30 hours', phone => '0151 30000012');
SET cart_abandon.whatsapp_phone_number_id = 'wrong-id';
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{retry,retry}',
          'an unknown phone number id (100, subcode 33) is the channel''s: no stage is closed');
SELECT is((SELECT array_agg(attempts ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'b%'), '{0,0}',
          '... and no attempt is spent');
RESET cart_abandon.whatsapp_phone_number_id;
SELECT fixture.standin_reset();
SET cart_abandon.whatsapp_api_url = 'http://127.0.0.1:1/v25.0';
SELECT fixture.make_cart('c1', '30 hours', phone => '0151 30000021');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'c1'), 'retry', 'connection refused: retry');
SELECT alike((ledger('c1')).error_message, 'request not sent: %', '... the ledger says the request was not sent');
RESET cart_abandon.whatsapp_api_url;

-- ---- answers that may hide an accepted message are never resent ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('d1', '30 hours', phone => '0151 30000031');
SELECT fixture.make_cart('d2', '30 hours', phone => '0151 30000032');
SELECT fixture.make_cart('d3', '30 hours', phone => '0151 30000033');
SELECT fixture.make_cart('d4', '30 hours', phone => '0151 30000034');
SELECT fixture.standin_faults('[{"mode": "not_json", "to": "+4915130000031"},
                                {"mode": "truncate", "to": "+4915130000032"},
                                {"mode": "reset", "to": "+4915130000033"},
                                {"mode": "hang", "seconds": 3, "to": "+4915130000034"}]');
SET cart_abandon.http_timeout = '1s';
CREATE TEMP TABLE unknown_rows AS SELECT * FROM run_once();
RESET cart_abandon.http_timeout;
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM unknown_rows WHERE cart_id LIKE 'd%'), '{failed,failed,failed,failed}', 'four unknowable outcomes are reported failed');
SELECT is((SELECT array_agg(status ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'd%'),
          '{unknown,unknown,unknown,unknown}', '... and recorded unknown');
SELECT alike((SELECT detail FROM unknown_rows WHERE cart_id = 'd1'), 'outcome unknown, not resent: HTTP 200 without a message id%', 'a 200 that is not JSON');
SELECT alike((SELECT detail FROM unknown_rows WHERE cart_id = 'd4'), 'outcome unknown, not resent: no complete answer after the request was sent:%', 'a request that timed out');
SELECT fixture.standin_reset();
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id LIKE 'd%'), 0, 'the next call does not resend any of them');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 0, 'no request was made');

-- ---- transient errors: retried by later calls until max_attempts, then failed ----
SELECT fixture.make_cart('e1', '30 hours', phone => '0151 30000041');
SELECT fixture.make_cart('e2', '30 hours', phone => '0151 30000042');
SELECT fixture.make_cart('e3', '30 hours', phone => '0151 30000043');
SET cart_abandon.max_attempts = 2;
SET cart_abandon.attempts_per_run = 1;  -- one request per call: the next call retries
SELECT fixture.standin_faults('[{"mode": "http", "http_status": 503, "body": "<html>busy</html>", "to": "+4915130000041"},
                                {"mode": "error", "code": 131000, "http_status": 500, "to": "+4915130000042"},
                                {"mode": "error", "code": 131056, "to": "+4915130000043", "times": 1}]');
CREATE TEMP TABLE transient_rows AS SELECT * FROM run_once();
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM transient_rows), '{retry,retry,retry}', '503, 131000, 131056: retry');
-- (130429 and Graph's other rate limits spend no attempt: 230_meta_limits.sql.)
SELECT is((ledger('e2')).error_code, 131000, 'the code is recorded');
SELECT is((SELECT metadata -> 'notifications' ->> 'firstError' FROM public.cart WHERE id = 'e1'), 'sending failed',
          'metadata: firstError while retrying (no provider text: the metadata is public)');
CREATE TEMP TABLE second_try AS SELECT * FROM run_once();
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM second_try), '{failed,failed,sent}', 'the second attempt: two still failing are closed, one is sent');
SELECT is((SELECT array_agg(attempts ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'e%'), '{2,2,2}', 'two attempts each');
SELECT is((SELECT array_agg(status ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id LIKE 'e%'), '{failed,failed,sent}', 'recorded as such');
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id LIKE 'e%'), 0, 'closed stages are not tried again');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone IN ('+4915130000041', '+4915130000042')), 4,
          'exactly max_attempts requests for each failing cart');
RESET cart_abandon.max_attempts;
RESET cart_abandon.attempts_per_run;

-- ---- within one call: transient errors are retried there, up to attempts_per_run ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('g1', '30 hours', phone => '0151 30000061');
SELECT fixture.make_cart('g2', '30 hours', phone => '0151 30000062');
SET cart_abandon.retry_backoff = '10ms';
SELECT fixture.standin_faults('[{"mode": "error", "code": 131000, "http_status": 500, "to": "+4915130000061", "times": 1},
                                {"mode": "http", "http_status": 503, "body": "busy", "to": "+4915130000062"}]');
CREATE TEMP TABLE in_call AS SELECT * FROM run_once();
SELECT is((SELECT action FROM in_call WHERE cart_id = 'g1'), 'sent', 'a transient failure is retried within the call');
SELECT is((ledger('g1')).attempts, 2, '... two attempts recorded');
SELECT is((SELECT action FROM in_call WHERE cart_id = 'g2'), 'retry', 'a failure that persists is left for a later call');
SELECT is((ledger('g2')).attempts, 2, '... after attempts_per_run = 2 requests');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'g2'), 'failed', 'the next call makes the third and last attempt (max_attempts 3)');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915130000062'), 3, 'three requests in all, never more');
RESET cart_abandon.retry_backoff;

-- ---- a configuration problem (template not approved) pauses the channel, the stage stays due ----
SELECT fixture.make_cart('f1', '30 hours', phone => '0151 30000051');
SET cart_abandon.template_first = 'no_such_template';
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'f1'), 'retry', '132001 template missing: the stage stays due');
SELECT is((ledger('f1')).error_code, 132001, 'with its code');
RESET cart_abandon.template_first;

SELECT * FROM finish();
