-- Issue 19 part 5, template and account webhooks: a PAUSED or DISABLED template holds its stage
-- without a request until Meta approves it again (late events change nothing); a quality update
-- is recorded; an account_update restricting business-initiated messaging pauses the channel with
-- its reason.
-- No BEGIN: cart_abandon_process commits in its own transactions.
SELECT plan(14);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION requests() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM fixture.standin_requests() $$;
CREATE FUNCTION channel() RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_stats() -> 'channels' -> 'whatsapp' $$;
CREATE FUNCTION change(field text, value jsonb, at bigint) RETURNS text LANGUAGE sql AS $$
    SELECT jsonb_build_object('object', 'whatsapp_business_account', 'entry', jsonb_build_array(jsonb_build_object(
        'id', '100000000000001', 'time', at,
        'changes', jsonb_build_array(jsonb_build_object('field', field, 'value', value)))))::text
$$;
CREATE FUNCTION hook(body text) RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_webhook(body, fixture.sign(body)) $$;
CREATE FUNCTION template_event(name text, event text, at bigint) RETURNS jsonb LANGUAGE sql AS $$
    SELECT hook(change('message_template_status_update', jsonb_build_object(
        'event', event, 'message_template_id', 1234, 'message_template_name', name,
        'message_template_language', 'en', 'reason', 'NONE'), at))
$$;

-- ---- PAUSED: the first reminders are held, no request; the second template goes on ----
SELECT fixture.make_cart('t1', '30 hours', phone => '0151 49000001');
SELECT fixture.make_cart('t2', '30 hours', phone => '0151 49000002');
SELECT is((template_event('cart_abandonment_first', 'PAUSED', 1765000000) ->> 'templates_applied')::int, 1,
          'a template status webhook is applied');
CREATE TEMP TABLE paused AS SELECT * FROM run_once();
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM paused), '{held,held}', 'PAUSED: the stage is held');
SELECT is((SELECT array_agg(DISTINCT hold_reason || ' ' || attempts) FROM cart_abandon.deliveries), '{"template_paused 0"}',
          '... as template_paused, no attempt spent');
SELECT is(requests(), 0::bigint, '... and no request made');
-- A late, older APPROVED (Meta reorders webhooks) changes nothing.
SELECT template_event('cart_abandonment_first', 'APPROVED', 1764990000);
SELECT is((SELECT status FROM cart_abandon.template_status WHERE name = 'cart_abandonment_first'), 'PAUSED',
          'an older APPROVED arriving late changes nothing');
SELECT is((SELECT count(*)::int FROM run_once() WHERE action = 'sent'), 0, '... still held');

-- ---- APPROVED again: the held stages are due at once ----
SELECT template_event('cart_abandonment_first', 'APPROVED', 1765010800);
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent}', 'APPROVED again: both sent at once');

-- ---- DISABLED: the second template; a quality update is recorded ----
SELECT fixture.standin_reset();
SELECT template_event('cart_abandonment_second', 'DISABLED', 1765020000);
SELECT fixture.age_all('25 hours');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE stage = 2), '{held,held}', 'DISABLED: the second stage is held');
SELECT is(requests(), 0::bigint, '... no request');
SELECT hook(change('message_template_quality_update', jsonb_build_object(
    'previous_quality_score', 'GREEN', 'new_quality_score', 'RED', 'message_template_id', 1,
    'message_template_name', 'cart_abandonment_second', 'message_template_language', 'en'), 1765020100));
SELECT is((SELECT status || ' ' || quality FROM cart_abandon.template_status WHERE name = 'cart_abandonment_second'),
          'DISABLED RED', 'a quality update is recorded beside the status');
SELECT template_event('cart_abandonment_second', 'APPROVED', 1765030000);
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once() WHERE stage = 2), '{sent,sent}', 'approved: the second reminders go');

-- ---- account_update: business-initiated messaging restricted: the channel pauses with the reason ----
SELECT hook(change('account_update', jsonb_build_object(
    'phone_number', '15550001234', 'event', 'ACCOUNT_RESTRICTION',
    'restriction_info', jsonb_build_array(jsonb_build_object('restriction_type', 'RESTRICTED_ADD_PHONE_NUMBER_ACTION'))), 1765030100));
SELECT is((channel() ->> 'paused')::boolean, false, 'a restriction on adding numbers pauses nothing');
SELECT hook(change('account_update', jsonb_build_object(
    'phone_number', '15550001234', 'event', 'ACCOUNT_RESTRICTION',
    'restriction_info', jsonb_build_array(jsonb_build_object('restriction_type', 'RESTRICTED_BIZ_INITIATED_MESSAGING',
                                                             'expiration', 1765600000))), 1765030200));
SELECT is((channel() ->> 'paused')::boolean, true, 'a restriction of business-initiated messaging pauses the channel');
SELECT is(channel() ->> 'error_message',
          'channel paused by account_update (a webhook): ACCOUNT_RESTRICTION RESTRICTED_BIZ_INITIATED_MESSAGING until unix 1765600000',
          '... with the reason');

SELECT * FROM finish();
