-- Sending through the stand-in with cart_abandon_process: the request Meta gets, the ledger row,
-- the cart's metadata, both stages, and what each kind of answer leads to.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own), so every call is a statement of its own with nothing of ours left uncommitted.
SELECT plan(55);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once(options jsonb DEFAULT '{}') RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, options) $$;
CREATE FUNCTION requests_to(phone text) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM fixture.standin_requests() WHERE to_phone = phone $$;
CREATE FUNCTION ledger(cart_name text, stage_no int DEFAULT 1) RETURNS cart_abandon.deliveries
LANGUAGE sql AS $$ SELECT * FROM cart_abandon.deliveries WHERE cart_id = cart_name AND stage = stage_no $$;
CREATE FUNCTION notes(cart_name text) RETURNS jsonb
LANGUAGE sql AS $$ SELECT metadata -> 'notifications' FROM public.cart WHERE id = cart_name $$;

-- ---- a plain first reminder ----
SELECT fixture.make_cart('c1', '30 hours', phone => '0151 10000001', first_name => 'Anna',
                         metadata => '{"utm_source": "instagram", "gift": {"wrap": true}}');
CREATE TEMP TABLE c1_before AS SELECT updated_at FROM public.cart WHERE id = 'c1';
-- The first call runs in a worker whose transactions are its own. Right after it, the WAL is
-- flushed as far as it was written: its commits were durable although the test server runs with
-- synchronous_commit = off (and wal_writer_delay = 10s, so an asynchronous commit would wait).
-- (A plain SELECT: the caller's own statement writes no WAL of its own.)
SELECT count(*) AS first_row_count, max(action) AS c1_action, max(detail) AS c1_detail FROM run_once() \gset
SELECT pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn() AS first_commit_durable \gset
SELECT is(:'first_row_count' || ' ' || :'c1_action', '1 sent', 'the due cart is sent');
SELECT is(:'c1_detail'::text, (SELECT provider_message_id FROM cart_abandon.deliveries WHERE cart_id = 'c1'),
          'the row''s detail is the wamid');
SELECT results_eq(
    $$SELECT to_phone, template, language, params, auth_ok FROM fixture.standin_requests()$$,
    $$VALUES ('+4915110000001', 'cart_abandonment_first', 'en',
              '["Anna", "c1", "https://shop.example/cart/recover/c1"]'::jsonb, true)$$,
    'Meta gets one template message: E.164 to, first template, name, cart id and link, bearer token');
SELECT is((ledger('c1')).status, 'sent', 'ledger: sent');
SELECT is((ledger('c1')).attempts, 1, 'ledger: one attempt');
SELECT is((ledger('c1')).recipient, '+4915110000001', 'ledger: the E.164 number');
SELECT alike((ledger('c1')).provider_message_id, 'wamid.%', 'ledger: the wamid');
SELECT is((ledger('c1')).provider_recipient_id, '4915110000001', 'ledger: the wa_id');
SELECT isnt((ledger('c1')).sent_at, NULL, 'ledger: sent_at');
SELECT is(notes('c1') - 'firstSentAt', '{"firstSent": true, "secondSent": false}', 'metadata.notifications in the seed''s layout');
SELECT matches(notes('c1') ->> 'firstSentAt', '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$', 'firstSentAt is an ISO 8601 UTC time');
SELECT is((SELECT metadata - 'notifications' FROM public.cart WHERE id = 'c1'),
          '{"utm_source": "instagram", "gift": {"wrap": true}}', 'every other metadata key is kept');
SELECT is((SELECT updated_at FROM public.cart WHERE id = 'c1'), (SELECT updated_at FROM c1_before),
          'cart.updated_at is untouched by our writes');
SELECT ok(:'first_commit_durable'::boolean,
          'with synchronous_commit = off on the server, the claims and outcomes commit durably (WAL flushed)');
SELECT is((SELECT count(*)::int FROM run_once()), 0, 'a second call finds nothing due');
SELECT is(requests_to('+4915110000001'), 1::bigint, 'the stage went out exactly once');

-- ---- metadata shapes ----
SELECT fixture.make_cart('c_null_meta', '30 hours', phone => '0151 10000002');
SELECT fixture.make_cart('c_odd_notes', '30 hours', phone => '0151 10000003', metadata => '{"notifications": "legacy"}');
SELECT fixture.make_cart('c_array_meta', '30 hours', phone => '0151 10000004', metadata => '[1, 2]');
SELECT is((SELECT count(*)::int FROM run_once() WHERE action = 'sent'), 3, 'carts with NULL, odd and non-object metadata are sent');
SELECT is(notes('c_null_meta') ->> 'firstSent', 'true', 'NULL metadata gets a notifications object');
SELECT is(notes('c_odd_notes') ->> 'firstSent', 'true', 'a non-object notifications value is replaced');
SELECT is((SELECT metadata FROM public.cart WHERE id = 'c_array_meta'), '[1, 2]', 'metadata that is not an object is left alone');
SELECT is((ledger('c_array_meta')).status, 'sent', '... and the ledger still records the send');

-- ---- the name in the message ----
INSERT INTO public.customer (id, first_name, has_account) VALUES ('cus_named', 'Ravi', true), ('cus_blank', '  ', false);
SELECT fixture.make_cart('c_customer_name', '30 hours', phone => '0151 10000005', first_name => 'Address', customer_id => 'cus_named');
SELECT fixture.make_cart('c_address_name', '30 hours', phone => '0151 10000006', first_name => 'Chloé', customer_id => 'cus_blank');
SELECT fixture.make_cart('c_no_name', '30 hours', phone => '0151 10000007', first_name => NULL);
SELECT fixture.make_cart('c_messy_name', '30 hours', phone => '0151 10000008', first_name => E'  Maria\n\tJosé      Lopez ');
SELECT fixture.make_cart('c_script_name', '30 hours', phone => '0151 10000009', first_name => 'राहुल 😀');
SELECT is((SELECT count(*)::int FROM run_once() WHERE action = 'sent'), 5, 'all five are sent');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915110000005'), 'Ravi', 'the customer''s first name comes first');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915110000006'), 'Chloé', 'else the address first name');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915110000007'), 'there', 'else the neutral default');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915110000008'), 'Maria José Lopez',
          'newlines, tabs and space runs are cleaned (Meta refuses them)');
SELECT is((SELECT params ->> 0 FROM fixture.standin_requests() WHERE to_phone = '+4915110000009'), 'राहुल 😀', 'Devanagari and emoji survive');

-- ---- the second reminder ----
SELECT fixture.age_cart('c1', interval '17 hours');  -- idle 47 h, first sent 17 h ago
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'c1'), 0, 'idle 47 h: stage 2 not yet due');
SELECT fixture.age_cart('c1', interval '7 hours');   -- idle 54 h, first sent 24 h ago
SELECT results_eq($$SELECT stage, action FROM run_once() WHERE cart_id = 'c1'$$, $$VALUES (2, 'sent')$$,
                  'idle past the second delay, 24 h after the first: stage 2 sent');
SELECT is((SELECT template FROM fixture.standin_requests() WHERE to_phone = '+4915110000001' ORDER BY seq DESC LIMIT 1),
          'cart_abandonment_second', 'stage 2 uses the second template');
SELECT is(notes('c1') ->> 'secondSent', 'true', 'metadata: secondSent');
SELECT is(notes('c1') ->> 'firstSent', 'true', 'metadata: firstSent is kept');
SELECT fixture.age_cart('c1', interval '3 days');
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'c1'), 0, 'after both stages: never again');
SELECT is(requests_to('+4915110000001'), 2::bigint, 'two messages in all for that cart');

-- a late first reminder is not followed by the second right away
SELECT fixture.make_cart('c_late', '60 hours', phone => '0151 10000010');
SELECT is((SELECT stage || action FROM run_once() WHERE cart_id = 'c_late'), '1sent', 'a cart idle 60 h gets stage 1 first');
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'c_late'), 0, 'and not stage 2 in the next run');
SELECT fixture.age_cart('c_late', interval '23 hours');
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'c_late'), 0, 'nor 23 h later');
SELECT fixture.age_cart('c_late', interval '1 hour');
SELECT is((SELECT stage || action FROM run_once() WHERE cart_id = 'c_late'), '2sent', 'but 24 h after the first');

-- the shopper came back after the first reminder
SELECT fixture.make_cart('c_back', '30 hours', phone => '0151 10000011');
SELECT is((SELECT stage || action FROM run_once() WHERE cart_id = 'c_back'), '1sent', 'first reminder');
SELECT fixture.age_cart('c_back', interval '30 hours');
UPDATE public.cart_line_item SET quantity = 2, updated_at = now() - interval '40 hours' WHERE cart_id = 'c_back';
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'c_back'), 0, 'idle 40 h since the shopper''s return: no stage 2');
SELECT fixture.age_cart('c_back', interval '8 hours');
SELECT is((SELECT stage || action FROM run_once() WHERE cart_id = 'c_back'), '2sent', 'idle 48 h since the return: stage 2');

-- ---- answers from Meta ----
SELECT fixture.make_cart('c_undeliverable', '30 hours', phone => '0151 20000001');
SELECT fixture.make_cart('c_transient', '30 hours', phone => '0151 20000002');
SELECT fixture.make_cart('c_optout', '30 hours', phone => '0151 20000003');
SELECT fixture.make_cart('c_same_phone', '30 hours', phone => '+49 151 20000003');
UPDATE public.cart SET updated_at = updated_at - interval '1 minute' WHERE id = 'c_same_phone';
SET cart_abandon.attempts_per_run = 1;  -- one request per call: retries come from the next call
SELECT fixture.standin_faults('[{"mode": "error", "code": 131026, "to": "+4915120000001"},
                                {"mode": "error", "code": 131000, "http_status": 500, "to": "+4915120000002", "times": 1},
                                {"mode": "error", "code": 131050, "to": "+4915120000003", "times": 1}]');
CREATE TEMP TABLE answer_rows AS SELECT * FROM run_once();
SELECT is((SELECT action FROM answer_rows WHERE cart_id = 'c_undeliverable'), 'failed', '131026: failed');
SELECT is((ledger('c_undeliverable')).error_code, 131026, 'the ledger keeps Meta''s code');
SELECT is(notes('c_undeliverable') ->> 'firstError', 'Meta error 131026: message undeliverable',
          'metadata: firstError, Meta''s code and a fixed text (the metadata is public)');
SELECT is(notes('c_undeliverable') ->> 'firstSent', 'false', 'metadata: firstSent false');
SELECT is((SELECT action FROM answer_rows WHERE cart_id = 'c_transient'), 'retry', '131000: retry later');
SELECT is((SELECT action FROM answer_rows WHERE cart_id = 'c_optout'), 'failed', '131050: failed');
SELECT is((SELECT count(*)::int FROM cart_abandon.opt_outs WHERE address = '+4915120000003'), 1, '131050: the number is on the opt-out list');
SELECT alike((SELECT action || ' ' || detail FROM answer_rows WHERE cart_id = 'c_same_phone'),
          'held frequency_cap: this number was messaged at %',
          'a second cart of the same number in one batch is held, not messaged too');
SELECT fixture.make_cart('c_after_optout', '30 hours', phone => '0151 20000003');
CREATE TEMP TABLE retry_rows AS SELECT * FROM run_once();
SELECT is((SELECT action FROM retry_rows WHERE cart_id = 'c_transient'), 'sent', 'the transient failure is retried by the next call');
SELECT is((ledger('c_transient')).attempts, 2, 'two attempts recorded');
SELECT ok(NOT notes('c_transient') ? 'firstError', 'firstError is removed once sent');
SELECT is((SELECT count(*)::int FROM retry_rows WHERE cart_id = 'c_undeliverable'), 0, 'a permanent failure is not retried');
SELECT is((SELECT detail FROM retry_rows WHERE cart_id = 'c_after_optout'), 'opted_out: the phone number is on the opt-out list',
          'after a 131050, a later cart of that number is skipped');
SELECT is(requests_to('+4915120000003'), 1::bigint, 'the opted-out number got no further request');

SELECT * FROM finish();
