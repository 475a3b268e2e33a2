-- SMS beside WhatsApp (cart_abandon.channels = 'whatsapp,sms'): a number WhatsApp cannot reach
-- (a blocked region) gets its reminder by SMS through Twilio's stand-in, with the shopper's SMS
-- consent; a number WhatsApp reaches gets WhatsApp alone; never both.
SELECT plan(17);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();
SELECT fixture.twilio_reset();
SET cart_abandon.enable_sms = on;
SET cart_abandon.channels = 'whatsapp,sms';
SET cart_abandon.whatsapp_blocked_regions = 'US';

SELECT fixture.make_cart('sms_us', '30 hours', phone => '+1 415 555 2671', country => 'us',
                         metadata => '{"sms_marketing_consent": true}');
SELECT fixture.make_cart('sms_us_no_consent', '30 hours', phone => '+1 415 555 2672', country => 'us');
SELECT fixture.make_cart('sms_de', '30 hours', phone => '0151 23456001', metadata => '{"sms_marketing_consent": true}');

-- A dry run previews both passes: the stage WhatsApp would hand on is SMS's in the preview too.
SELECT is((SELECT string_agg(cart_id || ':' || action || ':' || coalesce(detail, ''), ',' ORDER BY cart_id)
             FROM cart_abandon_process(100, NULL, '{"dryRun": true}')),
          'sms_de:would_send:to +4915123456001,sms_us:would_send:to +14155552671,sms_us_no_consent:skipped:no_consent: '
          'neither the cart''s nor the customer''s metadata holds "sms_marketing_consent": true '
          '(SMS marketing needs it: cart_abandon.sms_require_consent)',
          'a dry run: SMS would text the US number with consent, WhatsApp the German one');
SELECT is((SELECT count(*) FROM fixture.twilio_requests()) + (SELECT count(*) FROM fixture.standin_requests()) +
          (SELECT count(*) FROM cart_abandon.deliveries), 0::bigint, '... and sent and wrote nothing');
SELECT is((SELECT string_agg(cart_id || ':' || action, ',' ORDER BY cart_id) FROM cart_abandon_process(100, NULL)),
          'sms_de:sent,sms_us:sent,sms_us_no_consent:skipped', 'each cart once: WhatsApp where it reaches, SMS where it does not');
SELECT is((SELECT string_agg(cart_id || ':' || channel || ':' || status || coalesce(':' || skip_reason, ''), ',' ORDER BY cart_id, channel)
             FROM cart_abandon.deliveries),
          'sms_de:whatsapp:sent,sms_us:sms:sent,sms_us:whatsapp:skipped:blocked_region,sms_us_no_consent:sms:skipped:no_consent,sms_us_no_consent:whatsapp:skipped:blocked_region',
          'the ledger: WhatsApp hands the US numbers on, SMS takes the one with consent');
SELECT is((SELECT string_agg(to_phone, ',') FROM fixture.twilio_requests()), '+14155552671', 'one SMS, to the US number');
SELECT is((SELECT count(*) FROM fixture.standin_requests()), 1::bigint, 'one WhatsApp message, to the German number');
SELECT matches((SELECT body FROM fixture.twilio_requests()), 'https://shop\.example/cart/recover/sms_us', 'the SMS carries the cart link');
SELECT is((SELECT provider_message_id FROM cart_abandon.deliveries WHERE channel = 'sms' AND status = 'sent'),
          (SELECT sid FROM fixture.twilio_requests()), 'the ledger keeps Twilio''s message sid');
SELECT is((SELECT count(*) FROM cart_abandon_process(100, NULL)), 0::bigint, 'a second call sends nothing again');
SELECT is((SELECT count(*) FROM fixture.twilio_requests()), 1::bigint, '... still one SMS');

-- The cursor: a US number WhatsApp handed on while SMS was off is SMS's once it is on, and lies
-- after two carts WhatsApp has due. Walked a cart at a time, the SMS pass must not carry the
-- cursor past them (a later pass stops at the last cart of a pass that filled its batch).
SET cart_abandon.enable_sms = off;
SELECT fixture.make_cart('walk_c_us', '30 hours', phone => '+1 415 555 2673', country => 'us',
                         metadata => '{"sms_marketing_consent": true}');
SELECT is((SELECT string_agg(cart_id || ':' || action, ',') FROM cart_abandon_process(100, NULL)),
          'walk_c_us:skipped', 'SMS off: WhatsApp skips the US number');
SELECT fixture.make_cart('walk_a_de', '30 hours', phone => '0151 23456002');
SELECT fixture.make_cart('walk_b_de', '30 hours', phone => '0151 23456003');
SET cart_abandon.enable_sms = on;
CREATE TEMP TABLE walk (n integer, cart_id text, action text, next_cursor text);
DO $$
DECLARE
    cursor_at text;
    r record;
    seen integer;
BEGIN
    FOR n IN 1..6 LOOP
        seen := 0;
        FOR r IN SELECT * FROM cart_abandon_process(1, cursor_at) LOOP
            INSERT INTO walk VALUES (n, r.cart_id, r.action, r.next_cursor);
            cursor_at := r.next_cursor;
            seen := seen + 1;
        END LOOP;
        EXIT WHEN seen = 0;
    END LOOP;
END $$;
SELECT is((SELECT string_agg(n || ':' || cart_id || ':' || action, ',' ORDER BY n, cart_id) FROM walk),
          '1:walk_a_de:sent,2:walk_b_de:sent,3:walk_c_us:sent',
          'a cart at a time, the walk reaches every cart of both passes, each once');
SELECT is((SELECT string_agg(cart_id || ':' || channel, ',' ORDER BY cart_id) FROM cart_abandon.deliveries
            WHERE cart_id LIKE 'walk%' AND status = 'sent'),
          'walk_a_de:whatsapp,walk_b_de:whatsapp,walk_c_us:sms', 'the ledger: WhatsApp for the German numbers, SMS for the US one');

-- A number that texted STOP: Twilio refuses the send (21610); the number goes on the opt-out
-- list for every channel on numbers, and no later call tries it.
SELECT fixture.standin_call('POST', '/opt_outs', '{"add": ["+14155552674"]}', 'twilio_control');
SELECT fixture.make_cart('stop_us', '30 hours', phone => '+1 415 555 2674', country => 'us',
                         metadata => '{"sms_marketing_consent": true}');
SELECT is((SELECT string_agg(cart_id || ':' || action, ',') FROM cart_abandon_process(100, NULL)),
          'stop_us:failed', 'Twilio refuses a number that texted STOP');
SELECT is((SELECT source || ' ' || (phone_number_id IS NULL) FROM cart_abandon.opt_outs WHERE address = '+14155552674'),
          'twilio_21610 true', 'the number is opted out, from Twilio''s 21610, for every sending number');
SELECT fixture.make_cart('stop_us_2', '30 hours', phone => '+1 415 555 2674', country => 'us',
                         metadata => '{"sms_marketing_consent": true}');
SELECT matches((SELECT string_agg(cart_id || ':' || action || ':' || detail, ',') FROM cart_abandon_process(100, NULL)),
               '^stop_us_2:skipped:.*opt', 'another cart of that number is skipped as opted out, not tried');
SELECT is((SELECT count(*) FROM fixture.twilio_requests() WHERE to_phone = '+14155552674'), 1::bigint, '... one request to it in all');
SELECT * FROM finish();
