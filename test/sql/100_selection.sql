-- Which carts are examined and what is decided for them (dry runs: decisions, nothing written).
BEGIN;
SELECT plan(36);
CREATE EXTENSION cart_abandon;

-- 'stage:action[:detail]' for one cart, or 'not examined'; the phone a dry run would use is left
-- out (each cart has its own), except by phone_of().
CREATE FUNCTION decided(cart text, options jsonb DEFAULT '{"dryRun": true}') RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT stage || ':' || action || CASE WHEN action = 'would_send' THEN '' ELSE coalesce(':' || detail, '') END
                       FROM cart_abandon_process(10000, NULL, options) WHERE cart_id = cart), 'not examined')
$$;
CREATE FUNCTION phone_of(cart text) RETURNS text
LANGUAGE sql AS $$
    SELECT detail FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') WHERE cart_id = cart AND action = 'would_send'
$$;

-- the delays and the maximum age
SELECT fixture.make_cart('c_fresh', '23 hours 59 minutes');
SELECT fixture.make_cart('c_24h', '24 hours 1 minute');
SELECT fixture.make_cart('c_60h', '60 hours');
SELECT fixture.make_cart('c_old', '7 days 1 minute');
SELECT fixture.make_cart('c_6d', '6 days 23 hours');
SELECT is(decided('c_fresh'), 'not examined', 'a cart idle less than the first delay is not due');
SELECT is(decided('c_24h'), '1:would_send', 'idle past the first delay: stage 1');
SELECT is(decided('c_60h'), '1:would_send', 'idle past the second delay with no first reminder: stage 1 first');
SELECT is(decided('c_6d'), '1:would_send', 'just inside the maximum age: still due');
SELECT is(decided('c_old'), 'not examined', 'idle longer than the maximum age: never reminded');

-- open carts only
SELECT fixture.make_cart('c_completed', '30 hours');
UPDATE public.cart SET completed_at = now() - interval '1 hour' WHERE id = 'c_completed';
SELECT fixture.make_cart('c_deleted', '30 hours');
UPDATE public.cart SET deleted_at = now() - interval '1 hour' WHERE id = 'c_deleted';
SELECT fixture.make_cart('c_emptied', '30 hours', items => 2);
UPDATE public.cart_line_item SET deleted_at = now() - interval '30 hours' WHERE cart_id = 'c_emptied';
SELECT fixture.make_cart('c_one_left', '30 hours', items => 2);
UPDATE public.cart_line_item SET deleted_at = now() - interval '30 hours' WHERE id = 'cali_c_one_left_1';
SELECT is(decided('c_completed'), 'not examined', 'a completed cart is not examined');
SELECT is(decided('c_deleted'), 'not examined', 'a deleted cart is not examined');
SELECT is(decided('c_emptied'), 'not examined', 'a cart whose items were all removed is not examined');
SELECT is(decided('c_one_left'), '1:would_send', 'a cart with one live item left is due');

-- last activity: Medusa does not bump cart.updated_at when items or shipping change
SELECT fixture.make_cart('c_item_changed', '30 hours');
UPDATE public.cart_line_item SET updated_at = now() - interval '2 hours' WHERE cart_id = 'c_item_changed';
SELECT fixture.make_cart('c_item_added', '30 hours');
INSERT INTO public.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price, created_at, updated_at)
VALUES ('cali_added', 'c_item_added', 'New', 1, 5, '{"value": "5"}', now() - interval '3 hours', now() - interval '3 hours');
SELECT fixture.make_cart('c_shipping_added', '30 hours');
INSERT INTO public.cart_shipping_method (id, cart_id, name, amount, raw_amount, created_at, updated_at)
VALUES ('casm_1', 'c_shipping_added', 'Express', 5, '{"value": "5"}', now() - interval '1 hour', now() - interval '1 hour');
SELECT fixture.make_cart('c_removed_recently', '30 hours', items => 2);
UPDATE public.cart_line_item SET deleted_at = now(), updated_at = now() WHERE id = 'cali_c_removed_recently_2';
SELECT fixture.make_cart('c_touched_old_cart', '10 days');
UPDATE public.cart_line_item SET updated_at = now() - interval '26 hours' WHERE cart_id = 'c_touched_old_cart';
SELECT is(decided('c_item_changed'), 'not examined', 'an item updated 2 h ago is activity');
SELECT is(decided('c_item_added'), 'not examined', 'an item added 3 h ago is activity');
SELECT is(decided('c_shipping_added'), 'not examined', 'a shipping method added 1 h ago is activity');
SELECT is(decided('c_removed_recently'), 'not examined', 'removing an item is activity (the removed row is stamped)');
SELECT is(decided('c_touched_old_cart'), '1:would_send', 'an old cart whose item changed 26 h ago is due again');

-- the customer bought since (same customer id, or same email), through another cart
INSERT INTO public.customer (id, first_name, email, has_account) VALUES ('cus_1', 'Ravi', 'ravi@example.com', true);
SELECT fixture.make_cart('c_bought_later', '30 hours', customer_id => 'cus_1');
SELECT fixture.make_cart('c_other_done', '31 hours', customer_id => 'cus_1');
UPDATE public.cart SET completed_at = now() - interval '20 hours' WHERE id = 'c_other_done';
SELECT is(decided('c_bought_later'), '1:skipped:customer_purchased: the same person (customer, email or phone) bought after this cart''s last activity',
          'same customer completed another cart after this one''s last activity: skipped');
SELECT fixture.make_cart('c_bought_before', '30 hours', email => 'ana@example.com');
SELECT fixture.make_cart('c_done_earlier', '40 hours', email => 'ana@example.com');
UPDATE public.cart SET completed_at = now() - interval '35 hours' WHERE id = 'c_done_earlier';
SELECT is(decided('c_bought_before'), '1:would_send', 'a purchase before this cart''s last activity does not stop the reminder');
SELECT fixture.make_cart('c_guest', '30 hours', email => 'maria@example.com');
SELECT fixture.make_cart('c_account', '31 hours', email => 'Maria@Example.com', customer_id => 'cus_other');
UPDATE public.cart SET completed_at = now() - interval '1 hour' WHERE id = 'c_account';
SELECT is(decided('c_guest'), '1:skipped:customer_purchased: the same person (customer, email or phone) bought after this cart''s last activity',
          'same email (any case) completed another cart: skipped');

-- the opt-out list
SELECT fixture.make_cart('c_opted', '30 hours', phone => '0151 99999999');
INSERT INTO cart_abandon.opt_outs (address, reason) VALUES ('+4915199999999', 'asked us');
SELECT is(decided('c_opted'), '1:skipped:opted_out: the phone number is on the opt-out list', 'an opted-out number is skipped');

-- phones: shipping, then billing, then customer; normalized with the address country
SELECT fixture.make_cart('c_billing', '30 hours', phone => 'not a number');
INSERT INTO public.cart_address (id, country_code, phone, created_at, updated_at)
VALUES ('caaddr_bill', 'in', '098765 43210', now() - interval '30 hours', now() - interval '30 hours');
UPDATE public.cart SET billing_address_id = 'caaddr_bill' WHERE id = 'c_billing';
SELECT is(phone_of('c_billing'), 'to +919876543210', 'an unusable shipping phone falls back to the billing phone, read as Indian');
INSERT INTO public.customer (id, first_name, phone, has_account) VALUES ('cus_phone', 'Li', '+44 7400 123456', false);
SELECT fixture.make_cart('c_customer_phone', '30 hours', phone => NULL, customer_id => 'cus_phone');
SELECT is(phone_of('c_customer_phone'), 'to +447400123456', 'no address phone: the customer''s phone');
SELECT fixture.make_cart('c_no_phone', '30 hours', phone => '  ');
SELECT is(decided('c_no_phone'), '1:skipped:no_phone: no phone number on the addresses or the customer', 'no phone anywhere: skipped');
SELECT fixture.make_cart('c_landline', '30 hours', phone => '030 1234567');
SELECT is(decided('c_landline'), '1:skipped:invalid_phone: shipping phone: not a mobile number', 'a landline is skipped with a reason');
SELECT fixture.make_cart('c_no_country', '30 hours', phone => '98765 43211', country => NULL);
SELECT is(decided('c_no_country'), '1:skipped:invalid_phone: shipping phone: no country code and no country to assume',
          'no country and no default region: skipped');
SET cart_abandon.default_region = 'in';
SELECT is(phone_of('c_no_country'), 'to +919876543211', 'cart_abandon.default_region supplies the country');
RESET cart_abandon.default_region;
SELECT fixture.make_cart('c_00_prefix', '30 hours', phone => '0044 7400 123457', country => 'gb');
SELECT is(phone_of('c_00_prefix'), 'to +447400123457', 'a 00 international prefix becomes +');

-- options and settings move the window
SELECT fixture.make_cart('c_13h', '13 hours');
SELECT is(decided('c_13h'), 'not examined', 'idle 13 h: not due with the defaults');
SELECT is(decided('c_13h', '{"dryRun": true, "firstNotificationDelayHours": 12, "secondNotificationDelayHours": 36}'),
          '1:would_send', 'firstNotificationDelayHours 12: due');
SET cart_abandon.first_delay = '720min';
SELECT is(decided('c_13h'), '1:would_send', 'cart_abandon.first_delay = 720min: due');
RESET cart_abandon.first_delay;
SET cart_abandon.max_age = '5d';
SELECT is(decided('c_6d'), 'not examined', 'cart_abandon.max_age = 5d excludes a cart idle 6 days');
RESET cart_abandon.max_age;

-- keyset scan: id order, resumable, no cart twice, no rows at the end
SELECT is((SELECT array_agg(cart_id) FROM cart_abandon_process(100, NULL, '{"dryRun": true}')),
          (SELECT array_agg(cart_id ORDER BY cart_id) FROM cart_abandon_process(100, NULL, '{"dryRun": true}')),
          'rows come in cart id order');
CREATE TEMP TABLE walked (n int, cart_id text);
DO $$
DECLARE
    position text := NULL;
    batch int := 0;
    r record;
    seen int;
BEGIN
    LOOP
        batch := batch + 1;
        seen := 0;
        FOR r IN SELECT * FROM cart_abandon_process(3, position, '{"dryRun": true}') LOOP
            INSERT INTO walked VALUES (batch, r.cart_id);
            position := r.next_cursor;
            seen := seen + 1;
        END LOOP;
        EXIT WHEN seen = 0 OR batch > 100;
    END LOOP;
END
$$;
SELECT is((SELECT array_agg(cart_id ORDER BY n, cart_id) FROM walked),
          (SELECT array_agg(cart_id ORDER BY cart_id) FROM cart_abandon_process(10000, NULL, '{"dryRun": true}')),
          'walking batches of 3 with next_cursor visits every due cart once, in order');
SELECT cmp_ok((SELECT max(n) FROM walked), '>', 3, 'the walk took several batches');
SELECT is((SELECT count(*)::int FROM cart_abandon_process(5, (SELECT next_cursor FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') ORDER BY cart_id DESC LIMIT 1), '{"dryRun": true}')),
          0, 'after the last cart, a batch is empty: the scan is complete');
SELECT is((SELECT array_agg(cart_id ORDER BY cart_id) FROM cart_abandon_process(100, 'eyJpZCI6ImNhcnRfMTIzIn0=', '{"dryRun": true}')),
          (SELECT array_agg(cart_id ORDER BY cart_id) FROM cart_abandon_process(100, NULL, '{"dryRun": true}') WHERE cart_id > 'cart_123'),
          'the seed''s cursor eyJpZCI6ImNhcnRfMTIzIn0= resumes after cart_123');

-- dry runs wrote nothing
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries), 0, 'dry runs write no ledger row');
SELECT is((SELECT count(*)::int FROM public.cart WHERE metadata ? 'notifications'), 0, 'dry runs write no metadata');

SELECT * FROM finish();
ROLLBACK;
