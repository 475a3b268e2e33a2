-- The 1.1 decision rules against what real shops and shoppers do: activity, purchases, one voice
-- per person, the previous system's reminders, skips lifted by new data, phones read where they
-- were typed, blocked regions, consent, quiet hours, and what cart metadata may say.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own); settings are SET for the session, not SET LOCAL.
SELECT plan(42);
CREATE EXTENSION cart_abandon;

CREATE FUNCTION decided(cart text, options jsonb DEFAULT '{"dryRun": true}') RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT stage || ':' || action || CASE WHEN action IN ('would_send', 'held', 'imported') THEN '' ELSE coalesce(':' || split_part(detail, ':', 1), '') END
                       FROM cart_abandon_process(10000, NULL, options) WHERE cart_id = cart), 'not examined')
$$;
CREATE FUNCTION detail_of(cart text) RETURNS text
LANGUAGE sql AS $$
    SELECT detail FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') WHERE cart_id = cart
$$;
CREATE FUNCTION make_order(order_id text, placed interval, customer text DEFAULT NULL, mail text DEFAULT NULL,
                           phone text DEFAULT NULL, country text DEFAULT 'de', status order_status_enum DEFAULT 'pending',
                           canceled boolean DEFAULT false) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO public.order_address (id, country_code, phone) VALUES ('ordaddr_' || order_id, country, phone);
    INSERT INTO public."order" (id, customer_id, email, currency_code, status, shipping_address_id, created_at, updated_at, canceled_at)
    VALUES (order_id, customer, mail, 'eur', status, 'ordaddr_' || order_id, now() - placed, now() - placed,
            CASE WHEN canceled THEN now() - placed END);
$$;

-- ---- 1. activity is every change, removals included ----
SELECT fixture.make_cart('c_removed_1h', '30 hours', items => 2);
UPDATE public.cart_line_item SET deleted_at = now() - interval '1 hour' WHERE id = 'cali_c_removed_1h_2';
SELECT is(decided('c_removed_1h'), 'not examined', 'an item removed 1 h ago is activity (deleted_at alone, updated_at untouched)');
SELECT fixture.make_cart('c_removed_25h', '30 hours', items => 2);
UPDATE public.cart_line_item SET deleted_at = now() - interval '25 hours' WHERE id = 'cali_c_removed_25h_2';
SELECT is(decided('c_removed_25h'), '1:would_send', 'a removal 25 h ago: due 24 h after the removal');
SELECT fixture.make_cart('c_shipping_removed', '30 hours');
INSERT INTO public.cart_shipping_method (id, cart_id, name, amount, raw_amount, created_at, updated_at, deleted_at)
VALUES ('casm_r', 'c_shipping_removed', 'Express', 5, '{"value": "5"}', now() - interval '30 hours', now() - interval '30 hours', now() - interval '2 hours');
SELECT is(decided('c_shipping_removed'), 'not examined', 'a shipping method removed 2 h ago is activity');
SELECT fixture.make_cart('c_address_changed', '30 hours');
UPDATE public.cart_address SET updated_at = now() - interval '3 hours' WHERE id = 'caaddr_c_address_changed';
SELECT is(decided('c_address_changed'), 'not examined', 'an address changed 3 h ago is activity');

-- ---- 2. someone who bought is never reminded ----
SELECT fixture.make_cart('c_order_linked', '30 hours');
INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_x', 'c_order_linked', 'ordercart_1');
SELECT is(decided('c_order_linked'), 'not examined', 'an order_cart row means bought, whatever completed_at says (#8111)');
SELECT fixture.make_cart('c_bought_by_order', '30 hours', customer_id => 'cus_pos');
SELECT make_order('order_pos', '2 hours', customer => 'cus_pos');
SELECT is(decided('c_bought_by_order'), '1:skipped:customer_purchased', 'an order without a cart (point of sale) by the same customer');
SELECT fixture.make_cart('c_bought_by_phone', '30 hours', phone => '+49 151 11112222', email => 'home@example.com');
SELECT make_order('order_work', '1 hour', mail => 'work@example.com', phone => '0151 1111 2222');
SELECT is(decided('c_bought_by_phone'), '1:skipped:customer_purchased', 'the same phone, once normalized, under another email');
SELECT fixture.make_cart('c_bought_by_email', '30 hours', email => 'Mixed@Example.com');
SELECT make_order('order_mail', '1 hour', mail => 'mixed@example.COM');
SELECT is(decided('c_bought_by_email'), '1:skipped:customer_purchased', 'the same email in another case');
SELECT fixture.make_cart('c_order_canceled', '30 hours', customer_id => 'cus_cancel');
SELECT make_order('order_canceled', '1 hour', customer => 'cus_cancel', status => 'canceled');
SELECT make_order('order_canceled_at', '1 hour', customer => 'cus_cancel', canceled => true);
SELECT make_order('order_draft', '1 hour', customer => 'cus_cancel', status => 'draft');
SELECT is(decided('c_order_canceled'), '1:would_send', 'canceled orders and unconverted drafts do not count');
SELECT fixture.make_cart('c_bought_before', '30 hours', customer_id => 'cus_before');
SELECT make_order('order_before', '31 hours', customer => 'cus_before');
SELECT is(decided('c_bought_before'), '1:would_send', 'an order before the cart''s last activity does not count');
SELECT fixture.make_cart('c_other_cart', '30 hours', customer_id => 'cus_two');
SELECT fixture.make_cart('c_other_cart_done', '40 hours', customer_id => 'cus_two');
UPDATE public.cart SET completed_at = now() - interval '1 hour' WHERE id = 'c_other_cart_done';
SELECT is(decided('c_other_cart'), '1:skipped:customer_purchased', 'the same customer completed another cart');

-- ---- 6. phones read where they were typed ----
-- A UK customer's own number, a gift shipped to India without a phone.
INSERT INTO public.customer (id, first_name, phone, has_account) VALUES ('cus_uk', 'Amelia', '07400 123456', true);
INSERT INTO public.customer_address (id, customer_id, is_default_shipping, country_code) VALUES ('cuaddr_uk', 'cus_uk', true, 'gb');
SELECT fixture.make_cart('c_gift_india', '30 hours', phone => ' ', country => 'in', customer_id => 'cus_uk');
SELECT is(detail_of('c_gift_india'), 'to +447400123456', 'the customer''s number is read in the customer''s own country, not the gift''s');
INSERT INTO public.customer (id, first_name, phone, has_account) VALUES ('cus_nowhere', 'Max', '07400 123457', true);
SELECT fixture.make_cart('c_no_region', '30 hours', phone => ' ', country => 'in', customer_id => 'cus_nowhere');
SELECT is(decided('c_no_region'), '1:skipped:invalid_phone', 'no default address and no default region: never a guessed country');
SELECT fixture.make_cart('c_00_in_us', '30 hours', phone => E'0049\u200E 151\u200B 2345 6789', country => 'us');
SELECT is(detail_of('c_00_in_us'), 'to +4915123456789', '00 and invisible characters from a US address: a German number');
SELECT fixture.make_cart('c_us', '30 hours', phone => '(201) 555-0123', country => 'us');
SELECT is(decided('c_us'), '1:skipped:blocked_region', 'United States numbers get no marketing templates');
SELECT fixture.make_cart('c_ca', '30 hours', phone => '(416) 555-0123', country => 'ca');
SELECT is(decided('c_ca'), '1:would_send', 'Canada is not blocked');
SET cart_abandon.whatsapp_blocked_regions = '';
SELECT is(decided('c_us'), '1:would_send', 'an empty list blocks nothing');
RESET cart_abandon.whatsapp_blocked_regions;

-- ---- 9. consent ----
SELECT fixture.make_cart('c_consent_cart', '30 hours', metadata => '{"whatsapp_opt_in": true}');
SELECT fixture.make_cart('c_consent_yes', '30 hours', metadata => '{"whatsapp_opt_in": "Yes"}');
INSERT INTO public.customer (id, first_name, metadata) VALUES ('cus_consent', 'Lea', '{"whatsapp_opt_in": "true"}');
SELECT fixture.make_cart('c_consent_customer', '30 hours', customer_id => 'cus_consent');
SELECT fixture.make_cart('c_consent_none', '30 hours', metadata => '{"whatsapp_opt_in": false}');
SET cart_abandon.require_consent = on;
SELECT is(decided('c_consent_cart'), '1:would_send', 'consent in the cart''s metadata');
SELECT is(decided('c_consent_yes'), '1:would_send', 'consent as "yes"');
SELECT is(decided('c_consent_customer'), '1:would_send', 'consent in the customer''s metadata');
SELECT is(decided('c_consent_none'), '1:skipped:no_consent', 'no consent: skipped');
RESET cart_abandon.require_consent;
SELECT is(decided('c_consent_none'), '1:would_send', 'consent not required: sent');

-- ---- 3. one person, one voice ----
SELECT fixture.make_cart('c_same_a', '30 hours', phone => '+49 151 99990000');
SELECT fixture.make_cart('c_same_b', '31 hours', phone => '0151 9999 0000');
SELECT is(decided('c_same_a'), '1:would_send', 'the first cart of a number is sent');
SELECT is(decided('c_same_b'), '1:held', 'the second is held by the frequency cap, not skipped (dry run)');

-- ---- 8. quiet hours at the recipient (India: one zone, no DST), around the moment this runs ----
-- (each statement has its own now(): the hour the window is built from is taken once, and the
-- two-hour window still holds the moment of the calls if that hour ends in between)
SELECT fixture.make_cart('c_kolkata', '30 hours', phone => '098765 43210', country => 'in');
CREATE TEMP TABLE kolkata_hour AS
    SELECT extract(hour FROM now() AT TIME ZONE 'Asia/Kolkata')::int AS h, date_trunc('hour', now() AT TIME ZONE 'Asia/Kolkata') AS hour_start;
SELECT set_config('cart_abandon.quiet_hours',
                  format('%s:00-%s:00', lpad(h::text, 2, '0'), lpad(((h + 2) % 24)::text, 2, '0')), false)
  FROM kolkata_hour;
SELECT is(decided('c_kolkata'), '1:held', 'inside the quiet window in Kolkata: held, not skipped');
SELECT ok(detail_of('c_kolkata') LIKE 'quiet_hours: %' || to_char((SELECT hour_start FROM kolkata_hour) + interval '2 hours' - interval '5 hours 30 minutes', 'YYYY-MM-DD"T"HH24:MI') || ':00Z',
          'held until the window ends at the recipient');
SELECT set_config('cart_abandon.quiet_hours',
                  format('%s:00-%s:00', lpad(((h + 1) % 24)::text, 2, '0'), lpad(((h + 3) % 24)::text, 2, '0')), false)
  FROM (SELECT extract(hour FROM now() AT TIME ZONE 'Asia/Kolkata')::int AS h) ist;
SELECT is(decided('c_kolkata'), '1:would_send', 'outside the window: sent');
SET cart_abandon.quiet_hours = '';  -- for the rest of the file, as SET LOCAL did inside the transaction

-- ---- 4. the previous system's reminders ----
SELECT fixture.make_cart('c_seed_first', '30 hours',
    metadata => jsonb_build_object('notifications', jsonb_build_object('firstSent', true, 'firstSentAt',
                    to_char((now() - interval '5 hours') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))));
SELECT fixture.make_cart('c_seed_both', '60 hours', metadata => '{"notifications": {"firstSent": true, "secondSent": true}}');
SELECT fixture.make_cart('c_seed_old_first', '60 hours', metadata => '{"notifications": {"firstSent": true}}');
SELECT is(decided('c_seed_first'), '1:imported', 'a first reminder the previous system sent is recorded, not sent');
SELECT is(decided('c_seed_both'), '2:imported', 'both reminders sent before: nothing to send');
SELECT is(decided('c_seed_old_first'), '2:would_send', 'a first reminder without a time was long ago: the second is due');

-- ---- 10 and the ledger: a real run ----
SELECT fixture.make_cart('c_fail', '30 hours', phone => '+49 151 55554444');
SELECT fixture.make_cart('c_cur_upper', '30 hours', currency => 'EUR', unit_price => 10.005);
SELECT fixture.make_cart('c_cur_lower', '30 hours', currency => 'eur', unit_price => 5);
SELECT fixture.make_cart('c_cur_yen', '30 hours', currency => 'JPY', unit_price => 1234.6);
SELECT fixture.standin_reset();
SELECT fixture.standin_faults('[{"mode": "error", "to": "+4915155554444", "code": 131026, "http_status": 400}]');
CREATE TEMP TABLE run_rows AS SELECT * FROM cart_abandon_process(10000, NULL);
SELECT is((SELECT action FROM run_rows WHERE cart_id = 'c_same_b'), 'held', 'the real run holds the second cart of a number too');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915199990000'), 1, 'one message to that person');
SELECT is((SELECT not_before > now() + interval '15 hours' FROM cart_abandon.deliveries WHERE cart_id = 'c_same_b'), true,
          'held until the cap allows (16 h)');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE params::text LIKE '%c_seed_first%'), 0,
          'nothing sent for a reminder the previous system sent');
SELECT is((SELECT origin || '/' || status || '/' || coalesce(error_message, 'no error') FROM cart_abandon.deliveries WHERE cart_id = 'c_seed_first'),
          'imported/sent/no error', 'recorded with its origin, no error text');
SELECT is((SELECT sent_at FROM cart_abandon.deliveries WHERE cart_id = 'c_seed_old_first' AND stage = 1), NULL,
          'an imported reminder without a time has none');
SELECT is((SELECT metadata -> 'notifications' ->> 'firstError' FROM public.cart WHERE id = 'c_fail'),
          'Meta error 131026: message undeliverable', 'cart metadata holds the code and a fixed text only');
SELECT is((cart_abandon_stats() -> 'imported' ->> 'first')::int, 3, 'the stats count imported reminders apart');
SELECT is((cart_abandon_stats() -> 'held' ->> 'frequency_cap')::int, 1, 'and held ones by reason');
UPDATE public.cart SET completed_at = now() + interval '1 second' WHERE id LIKE 'c_cur_%';
CALL cart_abandon_run();  -- the run records the recovered carts the stats report
SELECT is(cart_abandon_stats() -> 'recovered_value', '{"eur": 15.01, "jpy": 1235}'::jsonb,
          'recovered value: one key per currency whatever its case, rounded to its minor units');

-- ---- 5. a skip for want of data is not forever ----
SELECT fixture.make_cart('c_phone_later', '30 hours', phone => ' ');
SELECT is((SELECT action || ':' || detail FROM cart_abandon_process(10000, NULL) WHERE cart_id = 'c_phone_later'),
          'skipped:no_phone: no phone number on the addresses or the customer', 'no phone: skipped');
UPDATE public.cart_address SET phone = '0151 7777 8888', updated_at = now() - interval '25 hours' WHERE id = 'caaddr_c_phone_later';
SELECT is(decided('c_phone_later'), '1:would_send', 'a phone added later lifts the skip; idle time counts from that change');

SELECT * FROM finish();
