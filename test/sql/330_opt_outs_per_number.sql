-- Issue 19 part 5, opt-outs per sending number: user_preferences and replies carry
-- value.metadata.phone_number_id; a stop or a resume applies to that number only. The shop's own
-- entries, and a person who stopped two numbers, hold for every number.
-- No BEGIN: cart_abandon_process commits in its own transactions.
SELECT plan(10);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION body(field text, number text, value jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
        'id', '100000000000001', 'changes', jsonb_build_array(jsonb_build_object('field', field, 'value',
            jsonb_build_object('messaging_product', 'whatsapp',
                               'metadata', jsonb_build_object('display_phone_number', '15550001234',
                                                              'phone_number_id', number)) || value)))))::text
$$;
CREATE FUNCTION hook(body text) RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_webhook(body, fixture.sign(body)) $$;
CREATE FUNCTION preference(number text, wa_id text, value text, at bigint) RETURNS jsonb LANGUAGE sql AS $$
    SELECT hook(body('user_preferences', number, jsonb_build_object('user_preferences', jsonb_build_array(jsonb_build_object(
        'wa_id', wa_id, 'category', 'marketing_messages', 'value', value, 'timestamp', at)))))
$$;
CREATE FUNCTION stop_reply(number text, wa_id text, n int) RETURNS jsonb LANGUAGE sql AS $$
    SELECT hook(body('messages', number, jsonb_build_object('messages', jsonb_build_array(jsonb_build_object(
        'from', wa_id, 'id', 'wamid.in.' || n, 'timestamp', extract(epoch FROM now())::bigint::text,
        'type', 'text', 'text', jsonb_build_object('body', 'STOP'))))))
$$;
-- The sending number is 1234567890 (cart_abandon.whatsapp_phone_number_id); 999000111 another.

-- ---- a stop through another number leaves this number's reminders alone ----
SELECT preference('999000111', '4915149000001', 'stop', 1765000000);
SELECT is((SELECT address || ' ' || phone_number_id FROM cart_abandon.opt_outs), '+4915149000001 999000111',
          'a preference stop is kept with the number it came through');
SELECT fixture.make_cart('n1', '30 hours', phone => '0151 49000001');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n1'), 'sent', 'so this number still sends to that person');

-- ---- a STOP to this number as well: every number ----
SELECT stop_reply('1234567890', '4915149000001', 1);
SELECT is((SELECT source || ' ' || coalesce(phone_number_id, 'every number') FROM cart_abandon.opt_outs
            WHERE address = '+4915149000001'), 'whatsapp_reply every number', 'a STOP to a second number: every number');
SELECT fixture.age_all('25 hours');
SELECT is((SELECT action || ' ' || split_part(detail, ':', 1) FROM run_once() WHERE cart_id = 'n1'), 'skipped opted_out',
          '... the second reminder is skipped');

-- ---- a stop through this number; a resume through another changes nothing, through this one lifts it ----
SELECT preference('1234567890', '4915149000002', 'stop', 1765000000);
SELECT fixture.make_cart('n2', '30 hours', phone => '0151 49000002');
SELECT is((SELECT action || ' ' || split_part(detail, ':', 1) FROM run_once() WHERE cart_id = 'n2'), 'skipped opted_out',
          'a stop through this number: skipped');
SELECT is((preference('999000111', '4915149000002', 'resume', 1765000100) ->> 'opt_outs_removed')::int, 0,
          'a resume through another number lifts nothing here');
SELECT is((preference('1234567890', '4915149000002', 'resume', 1765000200) ->> 'opt_outs_removed')::int, 1,
          'a resume through this number lifts it');
SELECT fixture.make_cart('n3', '30 hours', phone => '0151 49000002');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n3'), 'sent', '... and the person is reminded again');

-- ---- the shop's own entries hold for every number ----
INSERT INTO cart_abandon.opt_outs (address, source) VALUES ('+4915149000004', 'manual');
SELECT fixture.make_cart('n4', '30 hours', phone => '0151 49000004');
SELECT is((SELECT action || ' ' || split_part(detail, ':', 1) FROM run_once() WHERE cart_id = 'n4'), 'skipped opted_out',
          'a manual opt-out holds for every number');
SELECT is((SELECT count(*)::int FROM cart_abandon.opt_outs WHERE source = 'manual' AND phone_number_id IS NULL), 1,
          '... it names no number');

SELECT * FROM finish();
