-- Issue 19 part 5, Meta's messaging limit (unique people reached per rolling 24 h): a setting,
-- enforced across runs; beyond it reminders are held without a request, and a person already
-- reached in the window does not count again.
-- No BEGIN: cart_abandon_process commits in its own transactions.
SELECT plan(9);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION requests() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM fixture.standin_requests() $$;

SELECT is(current_setting('cart_abandon.messaging_limit'), '0', 'not enforced by default');
SET cart_abandon.messaging_limit = 2;
SET cart_abandon.frequency_cap = 0;
SELECT fixture.make_cart('m1', '30 hours', phone => '0151 51000001');
SELECT fixture.make_cart('m2', '30 hours', phone => '0151 51000002');
SELECT fixture.make_cart('m3', '30 hours', phone => '0151 51000003');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent,held}', 'a limit of 2 people: the third is held');
SELECT is((SELECT hold_reason || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'm3'), 'messaging_limit 0',
          '... as messaging_limit, no attempt spent');
SELECT is(requests(), 2::bigint, '... and no request made for it');
SELECT ok((SELECT not_before > now() + interval '23 hours' FROM cart_abandon.deliveries WHERE cart_id = 'm3'),
          '... until the earliest contact leaves the 24 h window');

-- Across runs: another call reaches no one new; a person already reached does not count again.
SELECT fixture.make_cart('m4', '30 hours', phone => '0151 51000004');
SELECT fixture.make_cart('m5', '30 hours', phone => '0151 51000001');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{held,sent}',
          'the next run: a new person held, a person reached today sent');
SELECT is((SELECT array_agg(DISTINCT to_phone) FROM fixture.standin_requests() WHERE to_phone = '+4915151000004'), NULL,
          'no request to the held person');

-- Raising the limit (Meta's next tier) lets the held ones go once they are due.
SET cart_abandon.messaging_limit = 10;
UPDATE cart_abandon.deliveries SET not_before = now() - interval '1 second' WHERE hold_reason = 'messaging_limit';
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE cart_id IN ('m3', 'm4')), '{sent,sent}',
          'a higher limit: the held reminders are sent');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM cart_abandon_process(10000, NULL, '{"dryRun": true}')), NULL,
          'nothing else is due');

SELECT * FROM finish();
