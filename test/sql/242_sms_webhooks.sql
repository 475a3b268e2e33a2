-- Twilio's webhooks through cart_abandon_sms_webhook(url, body, signature): each status callback
-- of an SMS reaches its ledger row (Twilio's stand-in signs them as Twilio does); a forged or
-- altered one changes nothing; a failure fails the stage and a 21610 opts the number out; an
-- inbound STOP opts the number out of every channel on numbers, START lifts what SMS put there.
SELECT plan(29);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();
SELECT fixture.twilio_reset();
SET cart_abandon.enable_whatsapp = off;
SET cart_abandon.enable_sms = on;
SET cart_abandon.channels = 'sms';
SET cart_abandon.twilio_status_callback_url = 'http://127.0.0.1:9/hooks/twilio/status';
SELECT fixture.twilio_call('POST', '/callback_plan', '{"statuses": ["sent", "delivered"], "push": false,
                                                        "failures": {"+14155552682": {"code": 30006, "status": "undelivered", "after": ["sent"]},
                                                                     "+14155552683": {"code": 21610, "status": "failed"}}}');
SELECT fixture.make_cart('hook_ok', '30 hours', phone => '+1 415 555 2681', country => 'us', metadata => '{"sms_marketing_consent": true}');
SELECT fixture.make_cart('hook_landline', '30 hours', phone => '+1 415 555 2682', country => 'us', metadata => '{"sms_marketing_consent": true}');
SELECT fixture.make_cart('hook_stopped', '30 hours', phone => '+1 415 555 2683', country => 'us', metadata => '{"sms_marketing_consent": true}');
SELECT is((SELECT string_agg(cart_id || ':' || action, ',' ORDER BY cart_id) FROM cart_abandon_process(100, NULL)),
          'hook_landline:sent,hook_ok:sent,hook_stopped:sent', 'three SMS accepted by Twilio');
CREATE TEMP TABLE hooks AS SELECT * FROM fixture.twilio_callbacks();
SELECT is((SELECT count(*) FROM hooks), 5::bigint, 'Twilio queued five status callbacks');
SELECT ok((SELECT bool_and(url LIKE 'http://127.0.0.1:9/hooks/twilio/status?%') FROM hooks),
          'each to the status callback URL, with the ledger row''s reference in its query');

-- A forged or altered callback is refused before anything is read (28000).
SELECT throws_ok($$SELECT cart_abandon_sms_webhook(url, body, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=') FROM hooks WHERE n = 1$$,
                 '28000', 'webhook signature does not match the URL and body', 'a wrong signature is refused');
SELECT throws_ok($$SELECT cart_abandon_sms_webhook(url, replace(body, 'MessageStatus=sent', 'MessageStatus=delivered'), signature)
                     FROM hooks WHERE n = 1$$,
                 '28000', NULL, 'an altered body is refused');
SELECT throws_ok($$SELECT cart_abandon_sms_webhook(url || '&x=1', body, signature) FROM hooks WHERE n = 1$$,
                 '28000', NULL, 'another URL is refused (Twilio signs the URL it called)');
SELECT throws_ok($$SELECT cart_abandon_sms_webhook(NULL, 'a=b', 'x')$$, '22023', 'url and body must not be NULL',
                 'a NULL URL is refused');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE webhook_status IS NOT NULL), 0::bigint, '... and nothing changed');

-- Applied in Twilio's order: every callback reaches its row.
CREATE TEMP TABLE applied AS
SELECT n, cart_abandon_sms_webhook(url, body, signature) AS result FROM hooks ORDER BY n;
SELECT is((SELECT string_agg((result ->> 'statuses_applied'), ',' ORDER BY n) FROM applied), '1,1,1,1,1',
          'each callback changed its row');
SELECT is((SELECT webhook_status || ' ' || (delivered_at IS NOT NULL) FROM cart_abandon.deliveries WHERE cart_id = 'hook_ok'),
          'delivered true', 'the delivered SMS: delivered, with its time');
SELECT is((SELECT status || ' ' || error_code FROM cart_abandon.deliveries WHERE cart_id = 'hook_landline'),
          'failed 30006', 'the landline: failed by Twilio''s 30006 after it was sent');
SELECT is((SELECT status || ' ' || error_code FROM cart_abandon.deliveries WHERE cart_id = 'hook_stopped'),
          'failed 21610', 'the stopped number: failed by 21610');
SELECT is((SELECT source || ' ' || coalesce(wa_id, '-') FROM cart_abandon.opt_outs WHERE address = '+14155552683'),
          'twilio_21610 -', '... and opted out, from Twilio''s 21610 (no wa_id)');
SELECT is((SELECT string_agg((result ->> 'statuses_unchanged'), ',' ORDER BY n) FROM
            (SELECT n, cart_abandon_sms_webhook(url, body, signature) AS result FROM hooks) again),
          '1,1,1,1,1', 'a callback posted again changes nothing');
SELECT ok((SELECT last_webhook_at IS NOT NULL FROM cart_abandon.channel_status WHERE channel = 'sms'),
          'the SMS channel notes its webhooks');
SELECT is((SELECT (cart_abandon_stats() -> 'by_channel' -> 'sms') - 'skipped'),
          '{"failed": 2, "delivered": 1, "first_sent": 1, "second_sent": 0}'::jsonb,
          'the stats by channel: one SMS sent and delivered, two failed after Twilio took them');

-- A status whose row is not recorded yet is kept, and applied once it is.
SELECT fixture.twilio_call('POST', '/callback_plan', '{"statuses": ["delivered"], "failures": {}}');
SELECT fixture.make_cart('hook_late', '30 hours', phone => '+1 415 555 2684', country => 'us', metadata => '{"sms_marketing_consent": true}');
SELECT is((SELECT action FROM cart_abandon_process(100, NULL)), 'sent', 'another SMS');
CREATE TEMP TABLE late AS SELECT * FROM fixture.twilio_callbacks();
CREATE TEMP TABLE late_row AS SELECT id, provider_message_id FROM cart_abandon.deliveries WHERE cart_id = 'hook_late';
UPDATE cart_abandon.deliveries SET provider_message_id = 'SM' || repeat('0', 32) WHERE cart_id = 'hook_late';
SELECT is((SELECT (cart_abandon_sms_webhook(url, body, signature) ->> 'statuses_kept') FROM late), '1',
          'a status of no recorded message is kept, not dropped');
UPDATE cart_abandon.deliveries d SET provider_message_id = l.provider_message_id FROM late_row l WHERE d.id = l.id;
CALL cart_abandon_run();
SELECT is((SELECT webhook_status FROM cart_abandon.deliveries WHERE cart_id = 'hook_late'), 'delivered',
          'the next run applies it to its row');

-- What a person texts to the shop's number.
SELECT fixture.twilio_call('POST', '/incoming_url', '{"url": "http://127.0.0.1:9/hooks/twilio/incoming"}');
SELECT fixture.twilio_call('POST', '/inbound', '{"from": "+14155552681", "body": "Stop"}');
SELECT is((SELECT cart_abandon_sms_webhook(url, body, signature) ->> 'opt_outs_added' FROM fixture.twilio_callbacks()), '1',
          'STOP opts the number out');
SELECT is((SELECT source || ' ' || (phone_number_id IS NULL) FROM cart_abandon.opt_outs WHERE address = '+14155552681'),
          'sms_stop true', '... for every channel on numbers');
SELECT fixture.make_cart('hook_after_stop', '30 hours', phone => '+1 415 555 2681', country => 'us', metadata => '{"sms_marketing_consent": true}');
SELECT matches((SELECT action || ': ' || detail FROM cart_abandon_process(100, NULL) WHERE cart_id = 'hook_after_stop'),
               '^skipped: opted_out', 'a later cart of that number is not texted');
-- The receiver's role (cart_abandon_webhook) calls it; a plain role cannot; its search_path is pinned.
SELECT ok(NOT has_function_privilege('public', 'cart_abandon_sms_webhook(text, text, text)', 'EXECUTE'), 'PUBLIC cannot call it');
SELECT ok((SELECT 'search_path=pg_catalog, pg_temp' = ANY (proconfig) AND prosecdef FROM pg_proc WHERE proname = 'cart_abandon_sms_webhook'),
          'SECURITY DEFINER with a pinned search_path');
DROP ROLE IF EXISTS ca_sms_receiver;
DROP ROLE IF EXISTS ca_sms_plain;
CREATE ROLE ca_sms_receiver IN ROLE cart_abandon_webhook;
CREATE ROLE ca_sms_plain;
SELECT fixture.twilio_call('POST', '/inbound', '{"from": "+14155552681", "body": "hello, when does it ship?"}');
CREATE TEMP TABLE hello AS SELECT * FROM fixture.twilio_callbacks();
GRANT SELECT ON hello TO ca_sms_receiver, ca_sms_plain;
SET ROLE ca_sms_plain;
SELECT throws_ok($$SELECT cart_abandon_sms_webhook(url, body, signature) FROM hello$$, '42501', NULL, 'a plain role cannot call it');
SET ROLE ca_sms_receiver;
SELECT is((SELECT (r ->> 'opt_out') || ' ' || (r ->> 'opt_outs_removed') FROM
            (SELECT cart_abandon_sms_webhook(url, body, signature) AS r FROM hello) x),
          'false 0', 'the receiver''s role applies it: another text changes nothing');
RESET ROLE;
SELECT is((SELECT count(*) FROM cart_abandon.opt_outs WHERE address = '+14155552681'), 1::bigint, '... the stop stays');
SELECT fixture.twilio_call('POST', '/inbound', '{"from": "+14155552681", "body": "START"}');
SELECT is((SELECT cart_abandon_sms_webhook(url, body, signature) ->> 'opt_outs_removed' FROM fixture.twilio_callbacks()), '1',
          'START lifts the stop SMS made');
INSERT INTO cart_abandon.opt_outs (kind, address, source, reason) VALUES ('phone', '+14155552685', 'whatsapp_reply', 'STOP');
SELECT fixture.twilio_call('POST', '/inbound', '{"from": "+14155552685", "body": "START"}');
SELECT is((SELECT (cart_abandon_sms_webhook(url, body, signature) ->> 'opt_outs_removed') ||
                  (SELECT count(*) FROM cart_abandon.opt_outs WHERE address = '+14155552685')
             FROM fixture.twilio_callbacks()),
          '01', 'START by SMS leaves a stop made on WhatsApp');
DROP TABLE hello;
DROP ROLE ca_sms_receiver;
DROP ROLE ca_sms_plain;
SELECT * FROM finish();
