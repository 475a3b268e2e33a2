-- Meta's error table (June 2026), as a sender acts on it: configuration and account errors pause
-- the channel without touching a cart, the next call probes with one request; per-recipient
-- errors close the stage (131050 also opts out), 131049 makes it due again after 24 h.
-- No BEGIN: cart_abandon_process commits in its own transactions (this file runs in a database of
-- its own).
SELECT plan(45);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

CREATE FUNCTION run_once() RETURNS TABLE (cart_id text, stage int, action text, detail text)
LANGUAGE sql AS $$ SELECT cart_id, stage, action, detail FROM cart_abandon_process(10000, NULL, '{}') $$;
CREATE FUNCTION requests() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM fixture.standin_requests() $$;
CREATE FUNCTION channel() RETURNS jsonb LANGUAGE sql AS $$ SELECT cart_abandon_stats() -> 'channels' -> 'whatsapp' $$;

-- ---- a misspelt template: 132001 for every request; no cart pays for it ----
SELECT fixture.make_cart('t' || i, '30 hours', phone => '0151 4000000' || i) FROM generate_series(1, 4) AS i;
SET cart_abandon.template_first = 'cart_abandonment_frist';
-- One request at a time: the first answer is in before a second could start, whatever the load
-- (at 32 in flight, a busy machine may start all four before reading the first answer).
SET cart_abandon.max_concurrency = 1;
CREATE TEMP TABLE misspelt AS SELECT * FROM run_once();
RESET cart_abandon.max_concurrency;
SELECT is(requests(), 1::bigint, '132001: one request, then the channel pauses');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM misspelt), '{retry,retry,retry,retry}', 'all four stay due');
SELECT is((SELECT sum(attempts)::int FROM cart_abandon.deliveries), 0, 'no attempt spent');
SELECT is((SELECT count(*)::int FROM public.cart WHERE metadata ? 'notifications'), 0, 'no cart metadata written');
SELECT is((channel() ->> 'paused')::boolean, true, 'stats: the channel is paused');
SELECT is((channel() ->> 'error_code')::int, 132001, '... by 132001');
CREATE TEMP TABLE first_pause AS SELECT (channel() ->> 'since')::timestamptz AS since;

-- the next call probes: one request, still 132001, still paused since the first time
SELECT fixture.standin_reset();
CREATE TEMP TABLE probed AS SELECT * FROM run_once();
SELECT is(requests(), 1::bigint, 'a paused channel probes with one request');
SELECT is((channel() ->> 'since')::timestamptz, (SELECT since FROM first_pause), 'paused since the first time (one WARNING)');
SELECT is((SELECT sum(attempts)::int FROM cart_abandon.deliveries), 0, 'still no attempt spent');

-- fixed: the probe is accepted, the rest follow, the pause is lifted; stage 2 stays reachable
RESET cart_abandon.template_first;
SELECT fixture.standin_reset();
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent,sent,sent}', 'after the fix all four are sent');
SELECT is((channel() ->> 'paused')::boolean, false, 'the pause is lifted');
SELECT is((SELECT array_agg(template ORDER BY seq) FROM fixture.standin_requests())::text,
          '{cart_abandonment_first,cart_abandonment_first,cart_abandonment_first,cart_abandonment_first}', 'with the right template');
SELECT fixture.age_all('25 hours');
SELECT is((SELECT count(*)::int FROM run_once() WHERE stage = 2 AND action = 'sent'), 4, 'the second reminders go out in time');

-- ---- template paused by Meta (132015), disabled (132016), parameter text (132018) ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('p1', '30 hours', phone => '0151 40000011');
SELECT fixture.make_cart('p2', '30 hours', phone => '0151 40000012');
SELECT fixture.standin_post('/templates', '{"cart_abandonment_first": {"code": 132015}}');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{retry,retry}', '132015: paused, the carts stay due');
SELECT is((channel() ->> 'error_code')::int, 132015, 'stats name 132015');
SELECT fixture.standin_post('/templates', '{"cart_abandonment_first": null}');
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM run_once()), '{sent,sent}', 'when Meta lifts it, the next run sends');
SELECT fixture.standin_reset();
SELECT fixture.make_cart('p3', '30 hours', phone => '0151 40000013');
SELECT fixture.standin_post('/templates', '{"cart_abandonment_first": {"code": 132016}}');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'p3'), 'retry', '132016 (disabled): paused, not failed');
SELECT fixture.standin_post('/templates', '{"cart_abandonment_first": null}');
SELECT fixture.standin_faults('[{"mode": "error", "code": 132018}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'p3'), 'retry', '132018 (parameter text): paused, not failed');
SELECT is((SELECT attempts FROM cart_abandon.deliveries WHERE cart_id = 'p3'), 0, '... no attempt spent');
SELECT fixture.standin_reset();
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'p3'), 'sent', 'then sent');

-- ---- an unknown phone-number id (100 with subcode 33) ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('n1', '30 hours', phone => '0151 40000021');
SET cart_abandon.whatsapp_phone_number_id = '000000';
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n1'), 'retry', '100/33: the channel pauses');
SELECT alike(channel() ->> 'error_message', 'channel paused by error 100:%does not exist%', 'stats quote Meta');
RESET cart_abandon.whatsapp_phone_number_id;
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'n1'), 'sent', 'the right id: sent');

-- ---- 131063: marketing disabled on /messages; the Marketing Messages API works ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('m1', '30 hours', phone => '0151 40000031');
SELECT fixture.standin_post('/account', '{"marketing_on_messages": false}');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'm1'), 'retry', '131063: paused');
SELECT is((channel() ->> 'error_code')::int, 131063, '... by 131063');
SET cart_abandon.whatsapp_endpoint = 'marketing_messages';
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'm1'), 'sent', 'sent through /marketing_messages');
SELECT is((SELECT r ->> 'endpoint' FROM jsonb_array_elements(fixture.standin_call('GET', '/requests')) r
            ORDER BY (r ->> 'seq')::int DESC LIMIT 1), 'marketing_messages', 'the stand-in saw the Marketing Messages API');
RESET cart_abandon.whatsapp_endpoint;

-- ---- a per-message code every request gets alike is the channel's; one alone is the cart's ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('a' || i, '30 hours', phone => '0151 4000004' || i) FROM generate_series(1, 5) AS i;
SELECT fixture.standin_faults('[{"mode": "error", "code": 131009}]');
SET cart_abandon.max_concurrency = 1;
CREATE TEMP TABLE alike_rows AS SELECT * FROM run_once();
SELECT is((SELECT count(*)::int FROM alike_rows WHERE action = 'retry'), 5, 'five alike 131009 answers: every cart stays due');
SELECT is(requests(), 3::bigint, 'the channel paused after three alike answers');
SELECT is((SELECT sum(attempts)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'a_'), 0, 'no attempt spent');
SELECT fixture.standin_reset();
SELECT fixture.standin_faults('[{"mode": "error", "code": 131009, "to": "+4915140000041"}]');
CREATE TEMP TABLE one_bad AS SELECT * FROM run_once();
SELECT is((SELECT action FROM one_bad WHERE cart_id = 'a1'), 'failed', 'one 131009 among accepted messages is that cart''s');
SELECT is((SELECT count(*)::int FROM one_bad WHERE action = 'sent'), 4, 'the others are sent');
RESET cart_abandon.max_concurrency;

-- ---- per recipient: 131026, 131021, 130472 close the stage; 131050 also opts out ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('r1', '30 hours', phone => '0151 40000051');
SELECT fixture.make_cart('r2', '30 hours', phone => '0151 40000052');
SELECT fixture.make_cart('r3', '30 hours', phone => '0151 40000053');
SELECT fixture.make_cart('r4', '30 hours', phone => '0151 40000054');
SELECT fixture.make_cart('r5', '30 hours', phone => '0151 40000055');
SELECT fixture.standin_faults('[{"mode": "error", "code": 131026, "to": "+4915140000051"},
                                {"mode": "error", "code": 131021, "to": "+4915140000052"},
                                {"mode": "error", "code": 130472, "to": "+4915140000053"},
                                {"mode": "error", "code": 131050, "to": "+4915140000054"}]');
CREATE TEMP TABLE recipients AS SELECT * FROM run_once();
SELECT is((SELECT array_agg(action ORDER BY cart_id) FROM recipients WHERE cart_id LIKE 'r%'),
          '{failed,failed,failed,failed,sent}', 'per-recipient codes close their stage only');
SELECT is((channel() ->> 'paused')::boolean, false, '... and pause nothing');
SELECT is((SELECT source FROM cart_abandon.opt_outs WHERE address = '+4915140000054'), 'whatsapp_131050', '131050 opts the number out');

-- ---- 131049: not delivered, wait 24 h; the attempt counts ----
SELECT fixture.standin_reset();
SELECT fixture.make_cart('d1', '30 hours', phone => '0151 40000061');
SELECT fixture.standin_faults('[{"mode": "error", "code": 131049, "to": "+4915140000061", "times": 1}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'd1'), 'held', '131049: held');
SELECT is((SELECT hold_reason || ' ' || attempts FROM cart_abandon.deliveries WHERE cart_id = 'd1'), 'meta_marketing_cap 1',
          'for Meta''s marketing cap, one attempt counted');
SELECT ok((SELECT not_before BETWEEN now() + interval '23 hours 59 minutes' AND clock_timestamp() + interval '24 hours'
             FROM cart_abandon.deliveries WHERE cart_id = 'd1'), 'due again in 24 hours');
SELECT is((cart_abandon_stats() ->> 'deferred')::int, 1, 'stats count it as deferred');
SELECT is((SELECT count(*)::int FROM run_once() WHERE cart_id = 'd1'), 0, 'not before its time');
SELECT fixture.age_cart('d1', '24 hours');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'd1'), 'sent', 'after 24 hours it is sent');
SELECT is((SELECT attempts FROM cart_abandon.deliveries WHERE cart_id = 'd1'), 2, 'two attempts in all');

-- ... unless its attempts are spent
SELECT fixture.standin_reset();
SET cart_abandon.max_attempts = 1;
SELECT fixture.make_cart('d2', '30 hours', phone => '0151 40000062');
SELECT fixture.standin_faults('[{"mode": "error", "code": 131049}]');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'd2'), 'failed', 'with max_attempts 1, 131049 closes the stage');
RESET cart_abandon.max_attempts;

-- ---- what Meta says of a message: message_status, and the wa_id that names the person ----
SELECT fixture.standin_reset();
SELECT fixture.standin_post('/pacing', '{"cart_abandonment_first": "held_for_quality_assessment"}');
SELECT fixture.make_cart('w1', '30 hours', phone => '+52 55 1234 5678', country => 'mx');
SELECT is((SELECT action FROM run_once() WHERE cart_id = 'w1'), 'sent', 'a Mexican number is sent');
SELECT is((SELECT message_status || ' ' || provider_recipient_id FROM cart_abandon.deliveries WHERE cart_id = 'w1'),
          'held_for_quality_assessment 5215512345678', 'message_status and the wa_id (521...) are recorded');

SELECT * FROM finish();
