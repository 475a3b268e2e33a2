-- Issue 19 part 5, Meta's limits and codes as documented in 2026: a code missing from the table
-- never burns a cart (its first answer is a free retry), 130497 holds that country's carts and
-- not the channel, 131037 pauses the channel, Graph's rate limits spend no attempt, a failed
-- status without a numeric code is never read as code 0.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own).
SELECT plan(39);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION requests() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM fixture.standin_requests() $$;
CREATE FUNCTION channel() RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_stats() -> 'channels' -> 'whatsapp' $$;
CREATE FUNCTION row_of(cart_name text) RETURNS cart_abandon.deliveries
LANGUAGE sql AS $$ SELECT * FROM cart_abandon.deliveries WHERE cart_id = cart_name AND stage = 1 $$;
-- A signed body of statuses (failed with `errors`, or without any numeric code).
CREATE FUNCTION failed_body(wamid text, recipient text, error jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
        'id', '100000000000001', 'changes', jsonb_build_array(jsonb_build_object('field', 'messages', 'value',
            jsonb_build_object('messaging_product', 'whatsapp',
                               'metadata', jsonb_build_object('display_phone_number', '15550001234', 'phone_number_id', '1234567890'),
                               'statuses', jsonb_build_array(jsonb_build_object(
                                   'id', wamid, 'status', 'failed', 'timestamp', extract(epoch FROM now())::bigint::text,
                                   'recipient_id', recipient, 'errors', jsonb_build_array(error)))))))))::text
$$;
CREATE FUNCTION hook(body text) RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_webhook(body, fixture.sign(body)) $$;

-- ---- a code not in Meta's table: the first answer is a retry that spends no attempt ----
SELECT fixture.make_cart('u1', '30 hours', phone => '0151 41000001');
SELECT fixture.make_cart('u2', '30 hours', phone => '0151 41000002');
SELECT fixture.make_cart('u3', '30 hours', phone => '0151 41000003');
-- (Two of three: not every answer alike, which would be the channel's, see 220_meta_errors.)
SELECT fixture.standin_faults('[{"mode": "error", "code": 999999, "to": "+4915141000001", "times": 2},
                                {"mode": "error", "code": 999999, "to": "+4915141000002", "times": 1}]');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{retry,retry,sent}', 'an unlisted code: the carts stay due');
SELECT is((SELECT sum(attempts)::int FROM cart_abandon.deliveries WHERE cart_id IN ('u1', 'u2')), 0, '... no attempt spent');
SELECT ok((row_of('u1')).unlisted_answer_at IS NOT NULL, '... the free retry is marked spent');
SELECT is((channel() ->> 'paused')::boolean, false, '... and the channel goes on');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{failed,sent}',
          'the second answer classifies it: unlisted again fails, accepted is sent');
SELECT is((SELECT array_agg(attempts ORDER BY cart_id) FROM cart_abandon.deliveries WHERE cart_id IN ('u1', 'u2')),
          '{1,1}', '... each spending one attempt');

-- ---- 130497: that country's carts are held, the channel and other countries go on ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('c1', '30 hours', phone => '0151 42000001');
SELECT fixture.make_cart('c2', '30 hours', phone => '+33 6 12 34 56 78', country => 'fr');
SELECT fixture.standin_faults('[{"mode": "error", "code": 130497, "to": "+4915142000001"}]');
CREATE TEMP TABLE restricted AS SELECT * FROM run_once() WHERE cart_id IN ('c1', 'c2');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM restricted), '{held,sent}', '130497: the German cart is held, the French one sent');
SELECT is((SELECT hold_reason || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'c1'), 'country_restricted 0',
          '... for its country, no attempt spent');
SELECT is((SELECT array_agg(region) FROM cart_abandon.restricted_countries WHERE phone_number_id = '1234567890'), '{DE}',
          'DE is restricted for this number');
SELECT is((channel() ->> 'paused')::boolean, false, 'the channel is not paused');
SELECT fixture.standin_reset();
SELECT fixture.make_cart('c3', '30 hours', phone => '0151 42000003');
SELECT fixture.make_cart('c4', '30 hours', phone => '+33 6 12 34 56 79', country => 'fr');
CREATE TEMP TABLE later AS SELECT * FROM run_once();
SELECT is((SELECT action || ' ' || detail FROM later WHERE cart_id = 'c3') LIKE 'held country_restricted%', true,
          'another German cart is held without a request');
SELECT is((SELECT action FROM later WHERE cart_id = 'c4'), 'sent', 'another French cart is sent');
SELECT is(requests(), 1::bigint, 'one request: the French one');
-- Lifted (the hold ran out): the German carts go again.
UPDATE cart_abandon.restricted_countries SET until = now() - interval '1 second';
UPDATE cart_abandon.deliveries SET not_before = now() - interval '1 second' WHERE hold_reason = 'country_restricted';
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE cart_id IN ('c1', 'c3')), '{sent,sent}',
          'once the restriction ends, the held carts are sent');

-- ---- 131037: the 555 number's display name is not approved: the channel pauses ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('n1', '30 hours', phone => '0151 43000001');
SELECT fixture.standin_faults('[{"mode": "error", "code": 131037}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n1'), 'retry', '131037: the cart stays due');
SELECT is((channel() ->> 'error_code')::int, 131037, '... the channel is paused by 131037');
SELECT is((row_of('n1')).attempts, 0, '... no attempt spent');
SELECT fixture.standin_reset();
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n1'), 'sent', 'approved: sent');

-- ---- Graph's rate limits (613, 17, 4, ...): throttles that spend no attempt ----
SELECT fixture.standin_reset();
SET cart_abandon.attempts_per_run = 1;
SELECT fixture.make_cart('t1', '30 hours', phone => '0151 44000001');
SELECT fixture.standin_faults('[{"mode": "error", "code": 613, "times": 1}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 't1'), 'sent', 'after a 613 the same call tries again');
SELECT is(requests(), 2::bigint, '... two requests');
SELECT is((row_of('t1')).attempts, 1, '... one attempt spent: the throttle''s was not');
RESET cart_abandon.attempts_per_run;

-- ---- a failed status with an unlisted code: a recheck ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('w1', '30 hours', phone => '0151 45000001');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'w1'), 'sent', 'w1 sent');
SELECT hook(failed_body((row_of('w1')).provider_message_id, '4915145000001', '{"code": 999998, "title": "New"}'));
SELECT is((SELECT status || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'w1'), 'retry 0',
          'a failed status with an unlisted code: a retry, its attempt given back');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'w1'), 'sent', 'w1 sent again');
SELECT hook(failed_body((row_of('w1')).provider_message_id, '4915145000001', '{"code": 999998, "title": "New"}'));
SELECT is((SELECT status || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'w1'), 'failed 1',
          'a second one fails the stage');
-- 130497 by webhook: the recipient's country is held
SELECT fixture.make_cart('w3', '30 hours', phone => '+44 7400 123456', country => 'gb');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'w3'), 'sent', 'w3 (GB) sent');
SELECT hook(failed_body((row_of('w3')).provider_message_id, '447400123456', '{"code": 130497, "title": "Restricted"}'));
SELECT ok(EXISTS (SELECT 1 FROM cart_abandon.restricted_countries WHERE region = 'GB' AND until > now()),
          '130497 in a failed status holds GB');
SELECT is((channel() ->> 'paused')::boolean, false, '... and pauses nothing');

-- ---- a failed status without a numeric code is never read as code 0 (which pauses) ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('z1', '30 hours', phone => '0151 46000001');
SELECT fixture.make_cart('z2', '30 hours', phone => '0151 46000002');
SELECT fixture.make_cart('z3', '30 hours', phone => '0151 46000003');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE cart_id LIKE 'z%'), '{sent,sent,sent}', 'z1 to z3 sent');
SELECT hook(failed_body((row_of('z1')).provider_message_id, '4915146000001', '{"title": "Something odd", "code": "131026"}'));
SELECT hook(failed_body((row_of('z2')).provider_message_id, '4915146000002', '{"title": "No code at all"}'));
SELECT hook(replace(failed_body((row_of('z3')).provider_message_id, '4915146000003', '{}'), ', "errors": [{}]', ''));
SELECT is((channel() ->> 'paused')::boolean, false, 'failed statuses without a numeric code do not pause the channel');
SELECT is((SELECT array_agg(status || ' ' || attempts || ' ' || coalesce(error_code::text, 'null') ORDER BY cart_id)
             FROM cart_abandon.deliveries WHERE cart_id LIKE 'z%'),
          '{"retry 0 null","retry 0 null","retry 0 null"}', '... each is a retry, its attempt given back, no code recorded');
SELECT is((SELECT error_message FROM cart_abandon.deliveries WHERE cart_id = 'z3'),
          'failed after Meta accepted it: failed without an error code', '... and says so');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE cart_id LIKE 'z%'), '{sent,sent,sent}', 'sent again');
SELECT hook(failed_body((row_of('z2')).provider_message_id, '4915146000002', '{"title": "No code again"}'));
SELECT is((SELECT status || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'z2'), 'failed 1',
          'a second failure without a code fails the stage');

-- ---- appsecret_proof: the app requires it ("Require App Secret"); every request carries it ----
SELECT fixture.standin_reset();
SELECT fixture.standin_post('/account', '{"require_app_secret": true}');
SELECT fixture.make_cart('p1', '30 hours', phone => '0151 47000001');
SELECT fixture.make_cart('p2', '30 hours', phone => '0151 47000002');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE cart_id LIKE 'p%'), '{sent,sent}',
          'with the app secret set, an app that requires the proof accepts every request');
SELECT is((SELECT array_agg(r ->> 'appsecret_proof') FROM jsonb_array_elements(fixture.standin_call('GET', '/requests')) r),
          '{valid,valid}', '... each carried a valid appsecret_proof');
SELECT fixture.standin_reset();
SELECT fixture.standin_post('/account', '{"require_app_secret": true}');
SELECT fixture.make_cart('p3', '30 hours', phone => '0151 47000003');
SET cart_abandon.whatsapp_app_secret = '';
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'p3'), 'retry', 'without the secret: refused, the cart stays due');
SELECT is((channel() ->> 'error_message') LIKE '%require an appsecret_proof argument%', true,
          '... the channel pauses quoting Meta');
RESET cart_abandon.whatsapp_app_secret;
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'p3'), 'sent', 'with it again: sent');

SELECT * FROM finish();
