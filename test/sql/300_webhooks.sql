-- cart_abandon_webhook: Meta's signed webhooks close the loop. Signatures verified over the raw
-- body; statuses move a message only forward, once, in any order; failures after acceptance
-- follow Meta's table; opt-outs by preference, reply or button; a lost answer settled.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own).
SELECT plan(68);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION row_of(cart_name text) RETURNS cart_abandon.deliveries
LANGUAGE sql AS $$ SELECT * FROM cart_abandon.deliveries WHERE cart_id = cart_name AND stage = 1 $$;
-- A signed body of statuses, as Meta sends them (status, wamid, unix time, recipient, error code).
CREATE FUNCTION statuses_body(items jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
        'id', '100000000000001', 'changes', jsonb_build_array(jsonb_build_object('field', 'messages', 'value',
            jsonb_build_object('messaging_product', 'whatsapp',
                               'metadata', jsonb_build_object('display_phone_number', '15550001234', 'phone_number_id', '555000111'),
                               'statuses', items))))))::text
$$;
CREATE FUNCTION status_item(status text, wamid text, at bigint, recipient text, code int DEFAULT NULL) RETURNS jsonb
LANGUAGE sql AS $$
    SELECT jsonb_build_object('id', wamid, 'status', status, 'timestamp', at::text, 'recipient_id', recipient)
        || CASE WHEN code IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object('errors', jsonb_build_array(jsonb_build_object('code', code, 'title', 'failed ' || code))) END
$$;
CREATE FUNCTION hook(body text) RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_webhook(body, fixture.sign(body)) $$;

-- ---- signatures: over the exact raw body, with the app secret; a mismatch changes nothing ----
SELECT fixture.make_cart('s1', '30 hours', phone => '0151 50000001');
SELECT is((SELECT action FROM run_once()), 'sent', 's1 sent');
CREATE TEMP TABLE hooks AS SELECT row_number() OVER () AS n, * FROM fixture.standin_webhooks(1);
SELECT is((SELECT count(*)::int FROM hooks), 3, 'the stand-in signed three statuses: sent, delivered, read');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', (SELECT body FROM hooks WHERE n = 3), 'sha256=' || repeat('0', 64)),
                 '28000', 'webhook signature does not match the payload', 'a wrong signature is refused (28000)');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', (SELECT body || ' ' FROM hooks WHERE n = 3), (SELECT signature FROM hooks WHERE n = 3)),
                 '28000', 'webhook signature does not match the payload', 'a body changed by one byte is refused');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, NULL)', (SELECT body FROM hooks WHERE n = 3)),
                 '28000', 'webhook signature does not match the payload', 'no signature is refused');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', (SELECT body FROM hooks WHERE n = 3), fixture.sign((SELECT body FROM hooks WHERE n = 3), 'another app')),
                 '28000', 'webhook signature does not match the payload', 'a body signed with another app''s secret is refused');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', (SELECT body FROM hooks WHERE n = 3), replace((SELECT signature FROM hooks WHERE n = 3), 'sha256=', 'sha1=')),
                 '28000', 'webhook signature does not match the payload', 'another algorithm''s prefix is refused');
SELECT is((SELECT row(webhook_status, delivered_at, read_at)::text FROM row_of('s1')), '(,,)', 'refused bodies changed nothing');

-- ---- statuses in order, then again: applied once ----
CREATE TEMP TABLE first_pass AS SELECT n, cart_abandon_webhook(body, signature) AS r FROM hooks ORDER BY n;
SELECT is((SELECT array_agg((r ->> 'statuses_applied')::int ORDER BY n) FROM first_pass), '{1,1,1}', 'each status applied');
SELECT is((SELECT webhook_status FROM row_of('s1')), 'read', 'the message was read');
SELECT ok((SELECT delivered_at IS NOT NULL AND read_at >= delivered_at FROM row_of('s1')), 'delivered_at and read_at recorded');
SELECT is((SELECT sum((cart_abandon_webhook(body, signature) ->> 'statuses_applied')::int)::int FROM hooks), 0,
          'the same bodies again change nothing');
SELECT is((SELECT sum((cart_abandon_webhook(body, signature) ->> 'statuses_unchanged')::int)::int FROM hooks), 3, '... they are counted as unchanged');
SELECT is((cart_abandon_stats() -> 'delivered' ->> 'first')::int, 1, 'stats: delivered');
SELECT is((cart_abandon_stats() -> 'read' ->> 'first')::int, 1, 'stats: read');
SELECT is((cart_abandon_stats() ->> 'read_rate')::numeric, 1.0, 'stats: read rate 1');
SELECT ok((cart_abandon_stats() ->> 'last_webhook_at')::timestamptz <= clock_timestamp(), 'stats: last_webhook_at');

-- ---- out of order: read before delivered; a delivered after read does not move it back ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('s2', '30 hours', phone => '0151 50000002');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 's2'), 'sent', 's2 sent');
CREATE TEMP TABLE hooks2 AS SELECT row_number() OVER () AS n, * FROM fixture.standin_webhooks(1);
SELECT cart_abandon_webhook(body, signature) FROM hooks2 WHERE n = 3;
SELECT is((SELECT webhook_status FROM row_of('s2')), 'read', 'read first');
SELECT cart_abandon_webhook(body, signature) FROM hooks2 WHERE n = 2;
SELECT cart_abandon_webhook(body, signature) FROM hooks2 WHERE n = 1;
SELECT is((SELECT webhook_status FROM row_of('s2')), 'read', 'still read after the late delivered and sent');
SELECT ok((SELECT delivered_at IS NOT NULL FROM row_of('s2')), 'the read implied delivery');

-- ---- failures after acceptance, per Meta's table ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('f1', '30 hours', phone => '0151 50000011');
SELECT fixture.make_cart('f2', '30 hours', phone => '0151 50000012');
SELECT fixture.make_cart('f3', '30 hours', phone => '0151 50000013');
SELECT fixture.standin_post('/webhook_plan', '{"failures": {"+4915150000011": {"code": 131049, "after": ["sent"]},
                                                            "+4915150000012": {"code": 131026, "after": ["sent"]},
                                                            "+4915150000013": {"code": 131050, "after": ["sent"]}}}');
SELECT is((SELECT count(*)::int FROM run_once() WHERE action = 'sent'), 3, 'three accepted');
SELECT is((fixture.deliver_webhooks(1) ->> 'statuses_applied')::int, 6, 'sent, then failed, for each');
SELECT is((SELECT status || ' ' || hold_reason FROM row_of('f1')), 'held meta_marketing_cap', '131049 after acceptance: held');
SELECT ok((SELECT not_before = failed_at + interval '24 hours' FROM row_of('f1')), '... 24 hours from Meta''s time');
SELECT is((SELECT status || ' ' || error_code FROM row_of('f2')), 'failed 131026', '131026 after acceptance: failed');
SELECT is((SELECT status FROM row_of('f3')), 'failed', '131050 after acceptance: failed');
SELECT is((SELECT source || ' ' || wa_id FROM cart_abandon.opt_outs WHERE address = '+4915150000013'), 'whatsapp_131050 4915150000013',
          '... and the person opted out, with the wa_id');
SELECT is((hook(statuses_body(jsonb_build_array(status_item('delivered', (row_of('f2')).provider_message_id, 4102444800, '4915150000012'))))
           ->> 'statuses_applied')::int, 0, 'a late delivered for a failed message changes nothing');
SELECT is((SELECT webhook_status || ' ' || status || ' ' || (delivered_at IS NULL) FROM row_of('f2')), 'failed failed true', '... it stays failed');
SELECT is(cart_abandon_stats() -> 'failed_after_acceptance', '{"131026": 1, "131049": 1, "131050": 1}', 'stats: failures after acceptance by code');
SELECT alike((row_of('f2')).error_message, 'failed after Meta accepted it:%', 'the ledger says when it failed');
SELECT is((SELECT metadata -> 'notifications' ->> 'firstError' FROM public.cart WHERE id = 'f2'), 'Meta error 131026: message undeliverable',
          'cart metadata holds the code and a fixed text');

-- ---- statuses of messages the ledger does not know (yet): kept, never dropped ----
SELECT is(hook(statuses_body(jsonb_build_array(status_item('delivered', 'wamid.someone-else', 1764460800, '4915199999999')))) ->> 'statuses_kept',
          '1', 'a status of an unknown wamid is kept');
SELECT is((SELECT status || ' ' || recipient FROM cart_abandon.kept_statuses WHERE provider_message_id = 'wamid.someone-else'), 'delivered 4915199999999',
          '... in cart_abandon.kept_statuses, as Meta sent it');
SELECT is(hook(statuses_body(jsonb_build_array(status_item('delivered', 'wamid.someone-else', 1764460800, '4915199999999')))) ->> 'statuses_kept',
          '1', 'posted again (Meta retries), it is reported kept ...');
SELECT is((SELECT count(*)::int FROM cart_abandon.kept_statuses WHERE provider_message_id = 'wamid.someone-else'), 1, '... and kept once');

-- ---- one body, two unreadable statuses (a \u0000, a lone surrogate): the others applied ----
-- Built as text: jsonb holds neither. The signature covers the exact bytes, as Meta's would.
SELECT fixture.standin_reset();
SELECT fixture.make_cart('x1', '30 hours', phone => '0151 50000031');
SELECT fixture.make_cart('x2', '30 hours', phone => '0151 50000032');
SELECT fixture.make_cart('x3', '30 hours', phone => '0151 50000033');
SELECT fixture.make_cart('x4', '30 hours', phone => '0151 50000034');
SELECT is((SELECT count(*)::int FROM run_once() WHERE action = 'sent' AND cart_id LIKE 'x_'), 4, 'x1 to x4 sent');
CREATE TEMP TABLE unreadable_hook AS
    SELECT hook(replace(replace(statuses_body(jsonb_build_array(
               status_item('delivered', (row_of('x1')).provider_message_id, 4102444800, '4915150000031'),
               status_item('delivered', (row_of('x2')).provider_message_id, 4102444800, 'NUL_HERE'),
               status_item('delivered', (row_of('x3')).provider_message_id, 4102444800, 'SURROGATE_HERE'),
               status_item('read', (row_of('x4')).provider_message_id, 4102444800, '4915150000034'))),
           'NUL_HERE', '4915150000032\u0000'), 'SURROGATE_HERE', '4915150000033\ud800')) AS r;
SELECT is((SELECT (r ->> 'unreadable')::int FROM unreadable_hook), 2, 'a body with a \u0000 status and a lone-surrogate status is applied, two unreadable');
SELECT is((SELECT (r ->> 'statuses_applied')::int FROM unreadable_hook), 2, '... the two readable statuses applied');
SELECT is((SELECT array_agg(coalesce(webhook_status, '-') ORDER BY cart_id) FROM cart_abandon.deliveries
            WHERE cart_id IN ('x1', 'x2', 'x3', 'x4') AND stage = 1), '{delivered,-,-,read}'::text[],
          '... x1 delivered and x4 read; x2 and x3 unchanged');
SELECT is((SELECT array_agg(i ->> 'path' ORDER BY i ->> 'path') FROM unreadable_hook, jsonb_array_elements(r -> 'unreadable_items') i),
          '{entry[0].changes[0].value.statuses[1],entry[0].changes[0].value.statuses[2]}'::text[],
          'unreadable_items names where they were');
SELECT ok((SELECT position('491515000003' IN r::text) = 0 FROM unreadable_hook), '... and never what they held');

-- ---- opt-outs: user_preferences by wa_id, newest wins; replies; resume lifts only Meta's ----
SELECT fixture.standin_reset();
SELECT fixture.standin_post('/inbound', '{"type": "user_preferences", "from": "+4915150000001", "value": "stop"}');
SELECT is((fixture.deliver_webhooks() ->> 'opt_outs_added')::int, 1, 'a user_preferences stop');
SELECT is((SELECT source || ' ' || wa_id FROM cart_abandon.opt_outs WHERE address = '+4915150000001'), 'whatsapp 4915150000001',
          'adds the number sent to, source whatsapp, with the wa_id');
SELECT fixture.make_cart('s1b', '30 hours', phone => '0151 50000001');
SELECT alike((SELECT detail FROM run_once() WHERE cart_id = 's1b'), 'opted_out%', 'a new cart of that person is not reminded');
CREATE TEMP TABLE prefs AS
    SELECT $j${"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"user_preferences","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001234","phone_number_id":"1234567890"},"contacts":[{"wa_id":"4915150000001"}],"user_preferences":[{"wa_id":"4915150000001","detail":"User requested to stop marketing messages","category":"marketing_messages","value":"VALUE","timestamp":TIME}]}}]}]}$j$::text AS template;
-- (Through the sending number, 1234567890: a resume lifts only its own number's stop, 330_opt_outs_per_number.)
CREATE FUNCTION preference(value text, at bigint) RETURNS text LANGUAGE sql AS $$
    SELECT replace(replace(template, 'VALUE', value), 'TIME', at::text) FROM prefs $$;
SELECT is((hook(preference('resume', 4102444800)) ->> 'opt_outs_removed')::int, 1, 'a newer resume removes it');
SELECT is((hook(preference('stop', 4102444000)) ->> 'opt_outs_added')::int, 0, 'an older stop arriving late changes nothing');
SELECT is((SELECT count(*)::int FROM cart_abandon.opt_outs WHERE address = '+4915150000001'), 0, 'the person may be reminded again');
INSERT INTO cart_abandon.opt_outs (address, source) VALUES ('+4915150000002', 'manual');
SELECT fixture.standin_post('/inbound', '{"type": "text", "from": "+4915150000003", "text": " Stop. "}');
SELECT fixture.standin_post('/inbound', '{"type": "text", "from": "+4915150000004", "text": "please don''t stop the sale"}');
SELECT fixture.standin_post('/inbound', '{"type": "button", "from": "+4915150000005", "text": "Stop promotions", "context_id": "wamid.earlier"}');
SELECT is((fixture.deliver_webhooks() ->> 'opt_outs_added')::int, 2, 'a STOP reply and the Stop promotions button opt out; a sentence does not');
SELECT is((SELECT array_agg(address || ' ' || source ORDER BY address) FROM cart_abandon.opt_outs WHERE source = 'whatsapp_reply'),
          '{"+4915150000003 whatsapp_reply","+4915150000005 whatsapp_reply"}', 'recorded as replies');
SELECT fixture.standin_post('/inbound', '{"type": "user_preferences", "from": "+4915150000003", "value": "resume"}');
SELECT fixture.standin_post('/inbound', '{"type": "user_preferences", "from": "+4915150000002", "value": "resume"}');
SELECT is((fixture.deliver_webhooks() ->> 'opt_outs_removed')::int, 0, 'a resume lifts neither a reply nor the shop''s own entry');

-- ---- Brazil: the wa_id of an old account lacks the mobile 9; the person is still matched ----
SELECT fixture.standin_reset();
SELECT fixture.standin_post('/brazil_old_accounts', '{"numbers": ["+5511987650001"]}');
SELECT fixture.make_cart('b1', '30 hours', phone => '+55 11 98765 0001', country => 'br');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'b1'), 'sent', 'b1 sent');
SELECT is((row_of('b1')).provider_recipient_id, '551187650001', 'Meta''s wa_id lacks the 9');
SELECT hook(replace(preference('stop', 4102444900), '4915150000001', '551187650001'));
SELECT is((SELECT address FROM cart_abandon.opt_outs WHERE wa_id = '551187650001'), '+5511987650001', 'a stop by that wa_id opts out the number sent to');

-- ---- a lost answer settled by its status: the callback data names the row ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('u1', '30 hours', phone => '0151 50000021');
SELECT fixture.standin_faults('[{"mode": "not_json", "to": "+4915150000021"}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'u1'), 'failed', 'a 200 without a message id: outcome unknown');
SELECT is((row_of('u1')).status, 'unknown', 'unknown in the ledger');
SELECT fixture.deliver_webhooks();
SELECT is((SELECT status || ' ' || webhook_status FROM row_of('u1')), 'sent read', 'its statuses settle it: sent, and read');
SELECT is((SELECT provider_message_id FROM row_of('u1')), (SELECT wamid FROM fixture.standin_requests() WHERE to_phone = '+4915150000021'), 'with Meta''s wamid');
SELECT is((SELECT metadata -> 'notifications' ->> 'firstSent' FROM public.cart WHERE id = 'u1'), 'true', 'cart metadata says sent');

-- ---- bad bodies: clear errors, nothing applied ----
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', 'not json', fixture.sign('not json')), '22P02',
                 'webhook body is not JSON (error at byte 2)', 'a signed body that is not JSON: 22P02');
SELECT throws_ok($$SELECT cart_abandon_webhook(NULL, 'sha256=00')$$, '22023', 'payload must not be NULL', 'a NULL body: 22023');
SELECT throws_ok(format('SELECT cart_abandon_webhook(%L, %L)', b, fixture.sign(b)), '22023',
                 'webhook body holds more than 1000 updates', 'more than 1,000 updates: 22023')
  FROM (SELECT statuses_body((SELECT jsonb_agg(status_item('read', 'wamid.x' || i, 1764460800, '49151')) FROM generate_series(1, 1001) i)) AS b) x;
SET cart_abandon.whatsapp_app_secret = '';
SELECT throws_ok($$SELECT cart_abandon_webhook('{}', 'sha256=00')$$, '55000', 'cart_abandon.whatsapp_app_secret is not set', 'no app secret: 55000');
RESET cart_abandon.whatsapp_app_secret;

-- ---- the receiver's role: the webhook and nothing else ----
SELECT statuses_body('[]') AS empty_body, fixture.sign(statuses_body('[]')) AS empty_signature \gset
SET ROLE cart_abandon_webhook;
SELECT lives_ok(format('SELECT cart_abandon_webhook(%L, %L)', :'empty_body', :'empty_signature'), 'cart_abandon_webhook may call it');
SELECT throws_ok($$SELECT count(*) FROM cart_abandon.deliveries$$, '42501', NULL, '... but not read the ledger');
SELECT throws_ok($$SELECT cart_abandon_stats()$$, '42501', NULL, '... nor the stats');
SELECT throws_ok($$SELECT * FROM cart_abandon_process(1, NULL)$$, '42501', NULL, '... nor send');
RESET ROLE;

SELECT * FROM finish();
