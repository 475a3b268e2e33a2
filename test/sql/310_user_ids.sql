-- Issue 19 part 5, business-scoped user ids (2026): statuses may name the recipient by
-- recipient_user_id alone, inbound messages by from_user_id, user_preferences by user_id. The user
-- id is kept beside the wa_id, and a STOP or a preference stop carrying only the user id opts out
-- the person whose message got that user id from a status.
-- No BEGIN: cart_abandon_process commits in its own transactions.
SELECT plan(13);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION row_of(cart_name text) RETURNS cart_abandon.deliveries
LANGUAGE sql AS $$ SELECT * FROM cart_abandon.deliveries WHERE cart_id = cart_name AND stage = 1 $$;
CREATE FUNCTION body(field text, value jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
        'id', '100000000000001', 'changes', jsonb_build_array(jsonb_build_object('field', field, 'value',
            jsonb_build_object('messaging_product', 'whatsapp',
                               'metadata', jsonb_build_object('display_phone_number', '15550001234',
                                                              'phone_number_id', '1234567890')) || value)))))::text
$$;
CREATE FUNCTION hook(body text) RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_webhook(body, fixture.sign(body)) $$;
-- A 'sent' status naming its recipient by user id alone (a user with a username).
CREATE FUNCTION sent_by_user_id(wamid text, user_id text) RETURNS text LANGUAGE sql AS $$
    SELECT body('messages', jsonb_build_object('statuses', jsonb_build_array(jsonb_build_object(
        'id', wamid, 'status', 'sent', 'timestamp', extract(epoch FROM now())::bigint::text,
        'recipient_user_id', user_id))))
$$;
CREATE FUNCTION stop_by_user_id(user_id text, n int) RETURNS text LANGUAGE sql AS $$
    SELECT body('messages', jsonb_build_object('messages', jsonb_build_array(jsonb_build_object(
        'from_user_id', user_id, 'id', 'wamid.in.' || n, 'timestamp', extract(epoch FROM now())::bigint::text,
        'type', 'text', 'text', jsonb_build_object('body', 'STOP')))))
$$;
CREATE FUNCTION preference_by_user_id(user_id text, value text, at bigint) RETURNS text LANGUAGE sql AS $$
    SELECT body('user_preferences', jsonb_build_object('user_preferences', jsonb_build_array(jsonb_build_object(
        'user_id', user_id, 'category', 'marketing_messages', 'value', value, 'timestamp', at))))
$$;

SELECT fixture.make_cart('b1', '30 hours', phone => '0151 48000001');
SELECT fixture.make_cart('b2', '30 hours', phone => '0151 48000002');
SELECT fixture.make_cart('b3', '30 hours', phone => '0151 48000003');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent,sent}', 'b1 to b3 sent');
SELECT hook(sent_by_user_id((row_of('b1')).provider_message_id, 'DE.1000000000001'));
SELECT hook(sent_by_user_id((row_of('b2')).provider_message_id, 'DE.1000000000002'));
SELECT is((row_of('b1')).user_id, 'DE.1000000000001', 'the user id of a status is kept beside the wa_id');
SELECT is((row_of('b1')).webhook_status, 'sent', '... and the status applied');

-- A STOP reply by user id alone: the person whose message got that user id.
SELECT is((hook(stop_by_user_id('DE.1000000000001', 1)) ->> 'opt_outs_added')::int, 1, 'a STOP by user id alone opts out');
SELECT is((SELECT address || ' ' || user_id || ' ' || source FROM cart_abandon.opt_outs),
          '+4915148000001 DE.1000000000001 whatsapp_reply', '... the right person, by number and user id');
SELECT is((hook(stop_by_user_id('DE.9999999999999', 2)) ->> 'opt_outs_added')::int, 0,
          'a user id no message of ours got names no one: nothing added');

-- A user_preferences stop by user id alone, then a resume.
SELECT is((hook(preference_by_user_id('DE.1000000000002', 'stop', 1765000000)) ->> 'opt_outs_added')::int, 1,
          'a preference stop by user id alone opts out');
SELECT is((SELECT address FROM cart_abandon.opt_outs WHERE user_id = 'DE.1000000000002'), '+4915148000002', '... the right person');
SELECT is((hook(preference_by_user_id('DE.1000000000002', 'resume', 1764999999)) ->> 'opt_outs_removed')::int, 0,
          'an older resume arriving late changes nothing');
SELECT is((hook(preference_by_user_id('DE.1000000000002', 'resume', 1765000100)) ->> 'opt_outs_removed')::int, 1,
          'a newer resume by user id lifts it');

-- The opted-out person is not messaged again, through another cart, or another number seen with
-- the same user id.
SELECT fixture.make_cart('b4', '30 hours', phone => '0151 48000001');
SELECT is((SELECT action || ' ' || split_part(detail, ':', 1) FROM run_once() WHERE cart_id = 'b4'), 'skipped opted_out',
          'another cart of the person: skipped');
SELECT fixture.make_cart('b5', '30 hours', phone => '0151 48000005');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'b5'), 'sent', 'b5 sent');
SELECT hook(sent_by_user_id((row_of('b5')).provider_message_id, 'DE.1000000000001'));
SELECT fixture.age_all('25 hours');
SELECT is((SELECT action || ' ' || split_part(detail, ':', 1) FROM run_once() WHERE cart_id = 'b5' AND stage = 2), 'skipped opted_out',
          'a number whose status carried an opted-out user id: its second reminder is skipped');

SELECT * FROM finish();
