-- Issue 19 part 4, "already bought, already gone": carts whose shopper paid without an order,
-- canceled orders, orders that began as drafts, carts Medusa itself refuses, one sequence per
-- person and erased customers.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own); settings are SET for the session.
SELECT plan(42);
CREATE EXTENSION cart_abandon;

CREATE FUNCTION decided(cart text, options jsonb DEFAULT '{"dryRun": true}') RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce((SELECT stage || ':' || action || CASE WHEN action IN ('would_send', 'held', 'imported') THEN '' ELSE coalesce(':' || split_part(detail, ':', 1), '') END
                       FROM cart_abandon_process(10000, NULL, options) WHERE cart_id = cart), 'not examined')
$$;
-- A payment collection linked to the cart, with one session and, when `payment` is not NULL, the
-- payment Medusa makes when the session is authorized ('open', 'captured' or 'canceled').
CREATE FUNCTION pay(cart text, collection_status text, session_status text DEFAULT 'pending',
                    payment text DEFAULT NULL, link_deleted boolean DEFAULT false) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO public.payment_collection (id, currency_code, amount, raw_amount, status)
    VALUES ('pay_col_' || cart, 'eur', 19.99, '{"value": "19.99"}', collection_status);
    INSERT INTO public.cart_payment_collection (cart_id, payment_collection_id, id, deleted_at)
    VALUES (cart, 'pay_col_' || cart, 'cartpc_' || cart, CASE WHEN link_deleted THEN now() END);
    INSERT INTO public.payment_session (id, currency_code, amount, raw_amount, provider_id, status, payment_collection_id)
    VALUES ('payses_' || cart, 'eur', 19.99, '{"value": "19.99"}', 'pp_system_default', session_status, 'pay_col_' || cart);
    INSERT INTO public.payment (id, amount, raw_amount, currency_code, provider_id, payment_collection_id,
                                payment_session_id, captured_at, canceled_at)
    SELECT 'pay_' || cart, 19.99, '{"value": "19.99"}', 'eur', 'pp_system_default', 'pay_col_' || cart, 'payses_' || cart,
           CASE WHEN payment = 'captured' THEN now() END, CASE WHEN payment = 'canceled' THEN now() END
     WHERE payment IS NOT NULL;
$$;

-- ---- 1. paid but no order ----
SELECT fixture.make_cart('paid_authorized', '30 hours');
SELECT pay('paid_authorized', 'authorized', 'authorized', 'open');
SELECT fixture.make_cart('paid_partially', '30 hours');
SELECT pay('paid_partially', 'partially_authorized');
SELECT fixture.make_cart('paid_completed', '30 hours');
SELECT pay('paid_completed', 'completed');
SELECT fixture.make_cart('paid_session_only', '30 hours');
SELECT pay('paid_session_only', 'awaiting', 'authorized');
SELECT fixture.make_cart('paid_session_captured', '30 hours');
SELECT pay('paid_session_captured', 'not_paid', 'captured');
SELECT fixture.make_cart('paid_payment_only', '30 hours');
SELECT pay('paid_payment_only', 'awaiting', 'pending', 'captured');
SELECT fixture.make_cart('unpaid_awaiting', '30 hours');
SELECT pay('unpaid_awaiting', 'awaiting', 'requires_more');
SELECT fixture.make_cart('unpaid_canceled', '30 hours');
SELECT pay('unpaid_canceled', 'canceled', 'canceled', 'canceled');
SELECT fixture.make_cart('unpaid_link_gone', '30 hours');
SELECT pay('unpaid_link_gone', 'authorized', 'authorized', 'open', link_deleted => true);
SELECT is(decided('paid_authorized'), '1:skipped:paid', 'an authorized payment collection without an order: bought');
SELECT is(decided('paid_partially') || ' ' || decided('paid_completed'), '1:skipped:paid 1:skipped:paid',
          'partially authorized, completed: bought');
SELECT is(decided('paid_session_only') || ' ' || decided('paid_session_captured'), '1:skipped:paid 1:skipped:paid',
          'a session authorized or captured while the collection lags: bought');
SELECT is(decided('paid_payment_only'), '1:skipped:paid', 'a captured payment row alone: bought');
SELECT is(decided('unpaid_awaiting') || ' ' || decided('unpaid_canceled'), '1:would_send 1:would_send',
          'a payment awaiting action, or canceled with its payment: not bought');
SELECT is(decided('unpaid_link_gone'), '1:would_send', 'a payment collection no longer linked to the cart does not count');

-- Stage 2 of a reminded cart paid since: never sent; the real run records the skip.
SELECT fixture.make_cart('paid_after_first', '30 hours');
SELECT fixture.standin_reset();
SELECT is((SELECT action FROM cart_abandon_process(10000, NULL) WHERE cart_id = 'paid_after_first'), 'sent', 'the first reminder goes');
SELECT fixture.age_cart('paid_after_first', interval '25 hours');
SELECT pay('paid_after_first', 'authorized', 'authorized', 'open');
CREATE TEMP TABLE paid_rows AS SELECT * FROM cart_abandon_process(10000, NULL);
SELECT is((SELECT stage || ':' || action FROM paid_rows WHERE cart_id = 'paid_after_first'), '2:skipped',
          'the second reminder of a cart paid since is skipped');
SELECT is((SELECT status || ':' || skip_reason FROM cart_abandon.deliveries WHERE cart_id = 'paid_after_first' AND stage = 2),
          'skipped:paid', 'the ledger says why');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE params::text LIKE '%paid_after_first%'), 1,
          'one message to that cart only: none after the payment');
SELECT is((cart_abandon_stats() -> 'skipped' ->> 'paid')::int, 7, 'the stats count the paid skips');
-- A paid cart without an order is not a recovered cart: recovered carts are completed ones (the
-- shop's order is what the figures report); it counts once Medusa completes it.
CALL cart_abandon_run();
SELECT is((SELECT count(*)::int FROM cart_abandon.recovered_carts), 0, 'paid without an order: not counted as recovered');

-- ---- 2. canceled orders never count as recovered carts or value ----
-- Completes a reminded cart into an order (order_cart links them), whose status and canceled_at
-- are as given.
CREATE FUNCTION complete(cart_ref text, status order_status_enum DEFAULT 'pending', canceled boolean DEFAULT false) RETURNS void
LANGUAGE sql AS $$
    UPDATE public.cart SET completed_at = now() + interval '1 second' WHERE id = cart_ref;
    INSERT INTO public."order" (id, email, currency_code, status, canceled_at)
    VALUES ('order_' || cart_ref, cart_ref || '@example.com', 'eur', status, CASE WHEN canceled THEN now() END);
    INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_' || cart_ref, cart_ref, 'ordercart_' || cart_ref);
$$;
SELECT fixture.make_cart('rec_kept', '30 hours', unit_price => 10);
SELECT fixture.make_cart('rec_canceled', '30 hours', unit_price => 20);
SELECT fixture.make_cart('rec_canceled_at', '30 hours', unit_price => 40);
SELECT fixture.make_cart('rec_canceled_later', '30 hours', unit_price => 80);
SELECT is((SELECT count(*)::int FROM cart_abandon_process(10000, NULL) WHERE cart_id LIKE 'rec_%' AND action = 'sent'), 4,
          'four carts reminded');
SELECT complete('rec_kept');
SELECT complete('rec_canceled', status => 'canceled', canceled => true);
SELECT complete('rec_canceled_at', canceled => true);  -- canceled_at alone is enough
SELECT complete('rec_canceled_later');
CALL cart_abandon_run();
SELECT is((SELECT string_agg(cart_id, ',' ORDER BY cart_id) FROM cart_abandon.recovered_carts), 'rec_canceled_later,rec_kept',
          'a cart whose order was canceled (status or canceled_at) is no recovered cart');
SELECT is(cart_abandon_stats() -> 'recovered_value', '{"eur": 90.00}'::jsonb, 'nor value');
UPDATE public."order" SET status = 'canceled', canceled_at = now() WHERE id = 'order_rec_canceled_later';
CALL cart_abandon_run();
SELECT is((SELECT string_agg(cart_id, ',' ORDER BY cart_id) FROM cart_abandon.recovered_carts), 'rec_kept',
          'an order canceled after it was counted: the cart leaves the recovered carts at the next run');
SELECT is(cart_abandon_stats() -> 'recovered_value', '{"eur": 10.00}'::jsonb, 'and its value leaves the figures');
SELECT is((SELECT sum(recovered_carts)::int FROM cart_abandon_daily(7)), 1, 'the daily figures agree');
SELECT is((SELECT count(*)::int FROM cart_abandon_process(10000, NULL, '{"dryRun": true}') WHERE cart_id LIKE 'rec_%'), 0,
          'a canceled order does not reopen its cart for reminders');

-- ---- 3. an order counts from when it became an order ----
-- An order without a cart for the customer, begun `begun` ago and last changed `changed` ago.
CREATE FUNCTION admin_order(order_id text, customer text, begun interval, changed interval,
                            status order_status_enum DEFAULT 'pending', draft boolean DEFAULT false) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO public."order" (id, customer_id, currency_code, status, is_draft_order, created_at, updated_at)
    VALUES (order_id, customer, 'eur', status, draft, now() - begun, now() - changed);
$$;
SELECT fixture.make_cart('draft_old', '30 hours', customer_id => 'cus_draft_old');
SELECT admin_order('order_draft_old', 'cus_draft_old', begun => '10 days', changed => '2 hours');
SELECT is(decided('draft_old'), '1:skipped:customer_purchased',
          'a draft begun 10 days ago (before the max-age window) and converted 2 h ago: bought');
SELECT fixture.make_cart('draft_before', '30 hours', customer_id => 'cus_draft_before');
SELECT admin_order('order_draft_before', 'cus_draft_before', begun => '40 hours', changed => '1 hour');
SELECT is(decided('draft_before'), '1:skipped:customer_purchased',
          'a draft begun before the cart''s last activity, converted after it: bought');
SELECT fixture.make_cart('draft_open', '30 hours', customer_id => 'cus_draft_open');
SELECT admin_order('order_draft_open', 'cus_draft_open', begun => '2 hours', changed => '1 hour', draft => true);
SELECT admin_order('order_draft_status', 'cus_draft_open', begun => '2 hours', changed => '1 hour', status => 'draft');
SELECT is(decided('draft_open'), '1:would_send', 'a draft not yet converted (is_draft_order, or status draft) is no purchase');
SELECT fixture.make_cart('draft_converted_earlier', '30 hours', customer_id => 'cus_draft_earlier');
SELECT admin_order('order_draft_earlier', 'cus_draft_earlier', begun => '50 hours', changed => '31 hours');
SELECT is(decided('draft_converted_earlier'), '1:would_send', 'an order that became one before the cart''s activity does not count');
-- An order a cart made counts from its checkout, whatever changed on it since (a fulfillment).
SELECT fixture.make_cart('after_checkout', '30 hours', customer_id => 'cus_checkout');
SELECT fixture.make_cart('checkout_done', '40 hours', customer_id => 'cus_checkout');
UPDATE public.cart SET deleted_at = now() WHERE id = 'checkout_done';  -- only its order speaks
SELECT admin_order('order_checkout', 'cus_checkout', begun => '31 hours', changed => '1 hour');
INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_checkout', 'checkout_done', 'ordercart_checkout');
SELECT is(decided('after_checkout'), '1:would_send', 'an order from a cart counts from its created_at, not from a later change');
SELECT is((SELECT count(*)::int FROM cart_abandon_recommended_indexes() s WHERE s LIKE '%cart_abandon_order_changes%GREATEST(created_at, updated_at)%'), 1,
          'the recommended index reads orders by their latest time');

-- ---- 4. carts Medusa itself refuses ----
INSERT INTO public.sales_channel (id, name, is_disabled, deleted_at) VALUES
    ('sc_live', 'Web', false, NULL), ('sc_disabled', 'Old shop', true, NULL), ('sc_deleted', 'Gone', false, now());
INSERT INTO public.region (id, name, currency_code, deleted_at) VALUES
    ('reg_live', 'Europe', 'eur', NULL), ('reg_deleted', 'Closed', 'eur', now());
SELECT fixture.make_cart('refused_channel_disabled', '30 hours');
SELECT fixture.make_cart('refused_channel_deleted', '30 hours');
SELECT fixture.make_cart('refused_region_deleted', '30 hours');
SELECT fixture.make_cart('accepted_live', '30 hours');
UPDATE public.cart SET sales_channel_id = CASE id WHEN 'refused_channel_disabled' THEN 'sc_disabled'
                                                   WHEN 'refused_channel_deleted' THEN 'sc_deleted' ELSE 'sc_live' END,
                       region_id = CASE id WHEN 'refused_region_deleted' THEN 'reg_deleted' ELSE 'reg_live' END
 WHERE id IN ('refused_channel_disabled', 'refused_channel_deleted', 'refused_region_deleted', 'accepted_live');
SELECT is(decided('refused_channel_disabled'), '1:skipped:sales_channel_disabled', 'a cart of a disabled sales channel is not reminded');
SELECT is(decided('refused_channel_deleted'), '1:skipped:sales_channel_deleted', 'nor one of a deleted sales channel');
SELECT is(decided('refused_region_deleted'), '1:skipped:region_deleted', 'nor one of a deleted region');
SELECT is(decided('accepted_live'), '1:would_send', 'a live channel and region: reminded');
CREATE TEMP TABLE refused_rows AS SELECT * FROM cart_abandon_process(10000, NULL)
 WHERE cart_id IN ('refused_channel_disabled', 'refused_channel_deleted', 'refused_region_deleted', 'accepted_live');
SELECT is((SELECT string_agg(p.cart_id || '=' || coalesce(d.skip_reason, p.action), ',' ORDER BY p.cart_id)
             FROM refused_rows p JOIN cart_abandon.deliveries d ON d.cart_id = p.cart_id AND d.stage = p.stage),
          'accepted_live=sent,refused_channel_deleted=sales_channel_deleted,refused_channel_disabled=sales_channel_disabled,refused_region_deleted=region_deleted',
          'the real run records each refusal with its reason and sends only the accepted cart');

-- ---- 5. one basket, one sequence ----
INSERT INTO public.customer (id, first_name, email, has_account) VALUES
    ('cus_multi', 'Ida', 'ida@example.com', true),
    ('cus_guest_eva', 'Eva', 'eva@example.com', false), ('cus_account_eva', 'Eva', 'eva@example.com', true),
    ('cus_fresh', 'Jon', 'jon@example.com', true), ('cus_empty', 'Kai', 'kai@example.com', true),
    ('cus_one', 'Lou', 'lou@example.com', true), ('cus_two', 'Mo', 'mo@example.com', true);
SELECT fixture.make_cart('basket_old', '50 hours', customer_id => 'cus_multi');
SELECT fixture.make_cart('basket_new', '30 hours', customer_id => 'cus_multi');
SELECT is(decided('basket_old') || ' ' || decided('basket_new'), '1:skipped:superseded 1:would_send',
          'the same customer: the older cart is superseded, the newest reminded');
-- A guest cart and, later, one under the account of the same email (Medusa's two customer rows).
SELECT fixture.make_cart('basket_guest', '50 hours', customer_id => 'cus_guest_eva', email => 'eva@example.com');
SELECT fixture.make_cart('basket_account', '30 hours', customer_id => 'cus_account_eva');
SELECT is(decided('basket_guest') || ' ' || decided('basket_account'), '1:skipped:superseded 1:would_send',
          'the same email under another customer row: superseded');
SELECT fixture.make_cart('basket_before_fresh', '30 hours', customer_id => 'cus_fresh');
SELECT fixture.make_cart('basket_fresh', '2 hours', customer_id => 'cus_fresh');
SELECT is(decided('basket_before_fresh'), '1:skipped:superseded', 'a newer cart not yet due supersedes the older one already');
SELECT fixture.make_cart('basket_full', '30 hours', customer_id => 'cus_empty');
SELECT fixture.make_cart('basket_emptied', '2 hours', customer_id => 'cus_empty');
UPDATE public.cart_line_item SET deleted_at = now() - interval '26 hours' WHERE cart_id = 'basket_emptied';
SELECT is(decided('basket_full'), '1:would_send', 'a newer cart without a live item does not supersede');
SELECT fixture.make_cart('basket_lou', '50 hours', customer_id => 'cus_one');
SELECT fixture.make_cart('basket_mo', '30 hours', customer_id => 'cus_two');
SELECT is(decided('basket_lou') || ' ' || decided('basket_mo'), '1:would_send 1:would_send', 'two people, two sequences');
-- A reminded cart whose shopper starts a newer one: its second reminder is not sent.
INSERT INTO public.customer (id, first_name, email, has_account) VALUES ('cus_later', 'Noa', 'noa@example.com', true);
SELECT fixture.make_cart('basket_reminded', '30 hours', customer_id => 'cus_later');
SELECT is((SELECT action FROM cart_abandon_process(10000, NULL) WHERE cart_id = 'basket_reminded'), 'sent', 'reminded once');
SELECT fixture.age_cart('basket_reminded', interval '25 hours');
SELECT fixture.make_cart('basket_started_over', '1 hour', customer_id => 'cus_later');
CREATE TEMP TABLE superseded_rows AS SELECT * FROM cart_abandon_process(10000, NULL) WHERE cart_id LIKE 'basket_%';
SELECT is((SELECT status || ':' || skip_reason FROM cart_abandon.deliveries WHERE cart_id = 'basket_reminded' AND stage = 2),
          'skipped:superseded', 'its second stage is closed as superseded in the ledger');
SELECT is((SELECT string_agg(cart_id || ':' || stage, ',' ORDER BY cart_id, stage) FROM cart_abandon.deliveries
             WHERE cart_id LIKE 'basket_%' AND status = 'sent'),
          'basket_account:1,basket_full:1,basket_lou:1,basket_mo:1,basket_new:1,basket_reminded:1',
          'the real runs sent one sequence per person (the older carts'' none, nor the reminded cart''s second)');


-- ---- 6. a purchase's phone, typed another way, is read when a cart needs it ----
-- A purchase's numbers are normalized lazily, those after the cart being checked: the first cart
-- checked here ('0_', first in id order) was active 25 h ago, the next 40 h ago, whose buyer typed
-- the number nationally 30 h ago (after its activity, before the first cart's).
CREATE FUNCTION phone_order(order_id text, placed interval, phone text) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO public.order_address (id, country_code, phone) VALUES ('ordaddr_' || order_id, 'de', phone);
    INSERT INTO public."order" (id, email, currency_code, status, shipping_address_id, created_at, updated_at)
    VALUES (order_id, order_id || '@example.com', 'eur', 'pending', 'ordaddr_' || order_id, now() - placed, now() - placed);
$$;
SELECT fixture.make_cart('0_phone_recent', '25 hours', phone => '+49 151 7777 0001', email => 'recent@example.com');
SELECT fixture.make_cart('1_phone_older', '40 hours', phone => '+49 151 7777 0002', email => 'older@example.com');
SELECT phone_order('order_phone_before', '26 hours', '+49 (151) 7777-0001');
SELECT phone_order('order_phone_between', '30 hours', '0151 7777 0002');
SELECT is(decided('0_phone_recent'), '1:would_send', 'the same number bought before the cart''s last activity does not count');
SELECT is(decided('1_phone_older'), '1:skipped:customer_purchased',
          'the same number typed another way, bought after this cart''s activity but before the cart checked first');


-- ---- 7. purchases are read as far back as a batch's oldest cart needs ----
-- A run in batches of one: the first ('00_', first in id order) was active 25 h ago, so purchases
-- are read from 50 h back; the second, active 100 h ago, was bought by its customer 60 h ago,
-- which only a second read finds.
SELECT fixture.make_cart('00_lazy_recent', '25 hours');
SELECT fixture.make_cart('01_lazy_older', '100 hours', customer_id => 'cus_lazy');
INSERT INTO public."order" (id, customer_id, currency_code, status, created_at, updated_at)
VALUES ('order_lazy', 'cus_lazy', 'eur', 'pending', now() - interval '60 hours', now() - interval '60 hours');
CALL cart_abandon_run('{"batchSize": 1}');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = '00_lazy_recent' AND stage = 1), 'sent',
          'the first batch''s cart is reminded');
SELECT is((SELECT status || ':' || skip_reason FROM cart_abandon.deliveries WHERE cart_id = '01_lazy_older' AND stage = 1),
          'skipped:customer_purchased', 'a later batch''s older cart is checked against the purchases after it');

SELECT * FROM finish();
