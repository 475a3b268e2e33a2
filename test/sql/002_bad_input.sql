-- Every bad input gets a clear error (SQLSTATE and message) and nothing is claimed, written or sent.
SELECT plan(41);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();
SELECT fixture.make_cart('cart_due', '30 hours');
SELECT fixture.make_cart('cart_due2', '30 hours', metadata => '{"keep": 1}');

-- batch size
SELECT throws_ok($$SELECT * FROM cart_abandon_process(NULL, NULL)$$, '22023', 'batch_size must not be NULL', 'batch size NULL');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(0, NULL)$$, '22023', 'batch_size must be between 1 and 10000', 'batch size 0');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(-5, NULL)$$, '22023', 'batch_size must be between 1 and 10000', 'batch size negative');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10001, NULL)$$, '22023', 'batch_size must be between 1 and 10000', 'batch size above the maximum');
SELECT lives_ok($$SELECT * FROM cart_abandon_process(10000, NULL, '{"dryRun": true}')$$, 'batch size 10000 is accepted');
SELECT throws_ok($$CALL cart_abandon_run('{"batchSize": 0}')$$, '22023', 'option "batchSize" must be between 1 and 10000', 'run batchSize 0');
SELECT throws_ok($$CALL cart_abandon_run('{"batchSize": null}')$$, '22023', 'option "batchSize" must be an integer', 'run batchSize null');

-- cursor
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, 'not base64!')$$, '22P02', 'invalid cursor: it is not base64', 'cursor not base64');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('{id:', 'base64'))$$, '22P02', 'invalid cursor: it does not decode to JSON', 'cursor not JSON');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('"cart_1"', 'base64'))$$, '22P02', 'invalid cursor: it does not decode to a JSON object', 'cursor JSON but not an object');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('{"cart": "x"}', 'base64'))$$, '22P02', 'invalid cursor: it has no "id" key', 'cursor without id');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('{"id": 42}', 'base64'))$$, '22P02', 'invalid cursor: its "id" is not a string', 'cursor id of the wrong type');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('{"id": null}', 'base64'))$$, '22P02', 'invalid cursor: its "id" is not a string', 'cursor id null');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, encode('{"id": ""}', 'base64'))$$, '22P02', 'invalid cursor: its "id" is empty', 'cursor id empty');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, '')$$, '22P02', 'invalid cursor: it is empty', 'cursor empty string');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, repeat('A', 5000))$$, '22P02', 'invalid cursor: it is longer than 4096 characters', 'cursor too long');

-- options
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"batchsize": 5}')$$, '22023', 'unknown option "batchsize"', 'unknown option');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"dryRun": "true"}')$$, '22023', 'option "dryRun" must be true or false', 'dryRun as a string');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"enableWhatsApp": 1}')$$, '22023', 'option "enableWhatsApp" must be true or false', 'enableWhatsApp as a number');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"firstNotificationDelayHours": "24"}')$$, '22023', 'option "firstNotificationDelayHours" must be a number of hours', 'delay as a string');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"secondNotificationDelayHours": 0}')$$, '22023', 'option "secondNotificationDelayHours" must be greater than 0 and at most 8760', 'delay zero');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"firstNotificationDelayHours": 50}')$$, '22023', 'the second reminder delay (48 h) must be greater than the first (50 h)', 'delays out of order');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"batchSize": 5}')$$, '22023', 'option "batchSize" is not accepted by cart_abandon_process', 'batchSize belongs in the argument');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '[1, 2]')$$, '22023', 'options must be a JSON object', 'options not an object');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"enableEmail": true}')$$, '0A000', 'the email channel is not available yet (cart_abandon sends WhatsApp only)', 'email refused');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL, '{"enableWhatsApp": false}')$$, '55000', 'every channel is disabled, so there is nothing to send', 'no channel');
SELECT throws_ok($$CALL cart_abandon_run('{"oops": true}')$$, '22023', 'unknown option "oops"', 'run: unknown option');

-- settings
SELECT throws_ok($$SET cart_abandon.first_delay = 'soon'$$, '22023', 'invalid value for parameter "cart_abandon.first_delay": "soon"', 'a time setting rejects a value without a unit it knows');
SELECT throws_ok($$SET cart_abandon.default_region = 'Germany'$$, '22023', 'invalid value for parameter "cart_abandon.default_region": "Germany"', 'default_region must be a two-letter code');
SET cart_abandon.second_delay = '12h';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '22023', 'the second reminder delay (12 h) must be greater than the first (24 h)', 'settings out of order');
RESET cart_abandon.second_delay;
SET cart_abandon.max_age = '1d';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '22023', 'the second reminder delay (48 h) must be less than cart_abandon.max_age (24 h)', 'max_age shorter than the second delay');
RESET cart_abandon.max_age;

-- missing sending configuration is found before anything is claimed
SET cart_abandon.whatsapp_token = '';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '55000', 'cart_abandon.whatsapp_token is not set', 'missing token');
SELECT throws_ok($$CALL cart_abandon_run()$$, '55000', 'cart_abandon.whatsapp_token is not set', 'run: missing token');
SELECT is((SELECT count(*)::int FROM cart_abandon_process(10, NULL, '{"dryRun": true}')), 2, 'a dry run needs no token');
RESET cart_abandon.whatsapp_token;
SET cart_abandon.whatsapp_phone_number_id = '';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '55000', 'cart_abandon.whatsapp_phone_number_id is not set', 'missing phone number id');
RESET cart_abandon.whatsapp_phone_number_id;
SET cart_abandon.cart_url = 'https://shop.example/cart';
SELECT throws_ok($$SELECT * FROM cart_abandon_process(10, NULL)$$, '55000', 'cart_abandon.cart_url has no {cart_id} placeholder', 'cart_url without placeholder');
RESET cart_abandon.cart_url;

-- inside a transaction block the procedure cannot commit
SELECT throws_ok($$CALL cart_abandon_run()$$, '2D000',
    'cart_abandon_run() must be called with CALL at top level, outside a transaction block', 'run inside a transaction');

-- and none of the above wrote or sent anything
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries), 0, 'no ledger row was written');
SELECT is((SELECT count(*)::int FROM cart_abandon.runs), 0, 'no run row was written');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 0, 'no request reached the stand-in');
SELECT is((SELECT metadata FROM public.cart WHERE id = 'cart_due2'), '{"keep": 1}'::jsonb, 'no cart metadata was written');

SELECT * FROM finish();
