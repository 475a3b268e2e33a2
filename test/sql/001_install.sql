-- CREATE EXTENSION, the objects it makes, and what happens before Medusa's tables exist.
SELECT plan(20);

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
SELECT col_is_pk('cart_abandon', 'opt_outs', 'phone', 'opt-outs are keyed by E.164 phone');

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
