-- CREATE EXTENSION, the objects it makes, and what happens before Medusa's tables exist.
SELECT plan(29);

SELECT lives_ok($$CREATE EXTENSION cart_abandon$$, 'CREATE EXTENSION cart_abandon works');
SELECT has_schema('cart_abandon');
SELECT has_table('cart_abandon', 'deliveries', 'the delivery ledger exists');
SELECT has_table('cart_abandon', 'opt_outs', 'the opt-out list exists');
SELECT has_table('cart_abandon', 'runs', 'the run log exists');
SELECT has_table('cart_abandon', 'channel_status', 'the channel status exists');
SELECT has_function('public', 'cart_abandon_process', ARRAY['integer', 'text', 'jsonb'], 'cart_abandon_process lives in the extension schema');
SELECT has_function('public', 'cart_abandon_stats', ARRAY[]::text[], 'cart_abandon_stats lives in the extension schema');
SELECT has_function('public', 'cart_abandon_schedule', ARRAY['text']);
SELECT has_function('public', 'cart_abandon_unschedule', ARRAY[]::text[]);
SELECT ok(EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'cart_abandon_run' AND prokind = 'p'
                  AND pronamespace = 'public'::regnamespace), 'cart_abandon_run is a procedure in public');
SELECT col_is_unique('cart_abandon', 'deliveries', ARRAY['cart_id', 'stage', 'channel'],
                     'one ledger row per cart, stage and channel');
SELECT col_is_pk('cart_abandon', 'opt_outs', ARRAY['kind', 'address'], 'opt-outs are keyed by the kind of address and the address');

-- 1.7: the ledger and the opt-outs name addresses of any kind; each kind keeps its own shape.
SELECT columns_are('cart_abandon', 'opt_outs',
    ARRAY['kind', 'address', 'source', 'reason', 'created_at', 'wa_id', 'user_id', 'phone_number_id'],
    'an opt-out: the kind of address, the address, where it came from and Meta''s ids of the person');
SELECT lives_ok($$INSERT INTO cart_abandon.opt_outs (address) VALUES ('+4915100000001')$$, 'an address is a number unless said otherwise');
SELECT lives_ok($$INSERT INTO cart_abandon.opt_outs (kind, address) VALUES ('email', 'shopper@example.com')$$, 'an email opt-out');
SELECT throws_ok($$INSERT INTO cart_abandon.opt_outs (kind, address) VALUES ('email', 'Shopper@Example.com')$$, '23514', NULL,
                 'an email address is kept as cart_abandon normalizes it (lower case)');
SELECT throws_ok($$INSERT INTO cart_abandon.opt_outs (kind, address) VALUES ('phone', 'shopper@example.com')$$, '23514', NULL,
                 'a number is E.164');
SELECT throws_ok($$INSERT INTO cart_abandon.opt_outs (kind, address) VALUES ('sms', '+4915100000002')$$, '23514', NULL,
                 'the kind is an address''s, not a channel''s');
SELECT throws_ok($$INSERT INTO cart_abandon.opt_outs (address) VALUES ('+4915100000001')$$, '23505', NULL, 'one row per address');
SELECT throws_ok($$INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, sent_at, recipient)
                   VALUES ('c', 1, 'whatsapp', 'sent', now(), '+4915100000001')$$, '23514',
                 'new row for relation "deliveries" violates check constraint "deliveries_sent_has_provider_id"',
                 'a reminder sent has the provider''s id of the message');
SELECT lives_ok($$INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, sent_at, recipient, provider_message_id)
                  VALUES ('c', 1, 'whatsapp', 'sent', now(), '+4915100000001', 'wamid.1')$$, '... and with it is recorded');
DELETE FROM cart_abandon.deliveries;
DELETE FROM cart_abandon.opt_outs;

-- The extension does not need Medusa's tables to install; calls name what is missing.
CREATE SCHEMA empty_shop;
SET cart_abandon.medusa_schema = 'empty_shop';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '42P01',
    'Medusa tables not found in schema "empty_shop": cart, cart_address, cart_line_item, cart_payment_collection, cart_shipping_method, customer, customer_address, order, order_address, order_cart, payment, payment_collection, payment_session, region, sales_channel',
    'cart_abandon_process names every missing table');
SELECT throws_ok($$SELECT cart_abandon_stats()$$, '42P01',
    'Medusa tables not found in schema "empty_shop": cart, cart_address, cart_line_item, cart_payment_collection, cart_shipping_method, customer, customer_address, order, order_address, order_cart, payment, payment_collection, payment_session, region, sales_channel',
    'cart_abandon_stats names every missing table');
SELECT throws_ok($$CALL cart_abandon_run('{"dryRun": true}')$$, '42P01', 'Medusa tables not found in schema "empty_shop": cart, cart_address, cart_line_item, cart_payment_collection, cart_shipping_method, customer, customer_address, order, order_address, order_cart, payment, payment_collection, payment_session, region, sales_channel', 'cart_abandon_run names the missing tables');
CREATE TABLE empty_shop.cart (id text);
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '42P01',
    'Medusa tables not found in schema "empty_shop": cart_address, cart_line_item, cart_payment_collection, cart_shipping_method, customer, customer_address, order, order_address, order_cart, payment, payment_collection, payment_session, region, sales_channel',
    'only the tables still missing are named');
RESET cart_abandon.medusa_schema;

SELECT is((SELECT count(*)::int FROM cart_abandon_process(10, NULL)), 0, 'with Medusa''s tables present and no carts, a batch is empty');
SELECT lives_ok($$DROP EXTENSION cart_abandon$$, 'DROP EXTENSION works');
SELECT hasnt_schema('cart_abandon', 'DROP EXTENSION removes the schema it made');

SELECT * FROM finish();
