-- The fault suite: each documented failure injected for a share of requests through CALL
-- cart_abandon_run(); each ends with the right recorded state and no duplicate. After a clean
-- run, what was retryable is sent and nothing is sent twice. No BEGIN: the procedure commits.
SELECT plan(48);
CREATE EXTENSION cart_abandon;
SET cart_abandon.retry_backoff = '20ms';
SET cart_abandon.max_per_second = 1000;

-- n fresh carts named prefix_NN, each with its own number and a metadata key to keep; faults set.
CREATE FUNCTION scenario(prefix text, faults jsonb, n integer DEFAULT 20) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fixture.standin_reset();
    PERFORM fixture.make_cart(format('%s_%s', prefix, lpad(i::text, 2, '0')), '30 hours',
                              phone => '+49 152 ' || lpad((abs(hashtext(prefix)) % 10000)::text, 4, '0') || lpad(i::text, 4, '0'),
                              metadata => jsonb_build_object('keep', format('%s_%s', prefix, lpad(i::text, 2, '0'))))
      FROM generate_series(1, n) AS i;
    IF faults IS NOT NULL THEN PERFORM fixture.standin_faults(faults); END IF;
END
$$;
CREATE FUNCTION statuses(prefix text) RETURNS text[]
LANGUAGE sql AS $$ SELECT array_agg(DISTINCT status ORDER BY status) FROM cart_abandon.deliveries WHERE cart_id LIKE prefix || '%' $$;
CREATE FUNCTION clean(prefix text) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM fixture.delivery_violations(prefix) $$;
CREATE FUNCTION count_status(prefix text, wanted text) RETURNS bigint
LANGUAGE sql AS $$ SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE prefix || '%' AND status = wanted $$;

-- HTTP 500 and 503: transient, retried in the run, then by the next run
SELECT scenario('f500', '[{"mode": "error", "code": 131000, "http_status": 500, "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('f500') <@ ARRAY['retry', 'sent'], 'HTTP 500: sent or retry');
SELECT is(clean('f500'), 0::bigint, 'HTTP 500: no invariant broken');
SELECT fixture.standin_faults('[]');
CALL cart_abandon_run();
SELECT is(count_status('f500', 'sent'), 20::bigint, 'HTTP 500: after a clean run all 20 are sent');
SELECT is(clean('f500'), 0::bigint, 'HTTP 500: still no duplicate');

SELECT scenario('f503', '[{"mode": "http", "http_status": 503, "body": "<html>down</html>", "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('f503') <@ ARRAY['retry', 'sent'], 'HTTP 503: sent or retry');
SELECT fixture.standin_faults('[]');
CALL cart_abandon_run();
SELECT is(count_status('f503', 'sent'), 20::bigint, 'HTTP 503: after a clean run all 20 are sent');
SELECT is(clean('f503'), 0::bigint, 'HTTP 503: no invariant broken');

-- 429 with 130429 and Retry-After: the whole account pauses, then resumes
SELECT scenario('f429', '[{"mode": "error", "code": 130429, "http_status": 429, "headers": {"Retry-After": "1"}, "rate": 0.2}]');
CALL cart_abandon_run();
SELECT ok(statuses('f429') <@ ARRAY['retry', 'sent'], '130429: sent or retry');
SELECT cmp_ok(count_status('f429', 'sent'), '>=', 10::bigint, '130429: most are sent in the same run after the pause');
SELECT fixture.standin_faults('[]');
CALL cart_abandon_run();
SELECT is(count_status('f429', 'sent'), 20::bigint, '130429: after a clean run all 20 are sent');
SELECT is(clean('f429'), 0::bigint, '130429: no invariant broken');

-- 131056: that recipient waits about 6 s, the others do not
SELECT scenario('f131056', NULL, 10);
SELECT fixture.standin_faults(jsonb_build_array(jsonb_build_object(
    'mode', 'error', 'code', 131056, 'times', 1,
    'to', '+49152' || lpad((abs(hashtext('f131056')) % 10000)::text, 4, '0') || '0003')));
CALL cart_abandon_run();
SELECT is(count_status('f131056', 'sent'), 10::bigint, '131056: all sent in the run, the limited one after its wait');
SELECT is((SELECT attempts FROM cart_abandon.deliveries WHERE cart_id = 'f131056_03'), 2, '131056: that recipient took a second attempt');
SELECT is(clean('f131056'), 0::bigint, '131056: no invariant broken');

-- permanent errors close the stage with the code
SELECT scenario('f131026', '[{"mode": "error", "code": 131026, "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('f131026') <@ ARRAY['failed', 'sent'], '131026: sent or failed');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'f131026%' AND status = 'failed' AND error_code <> 131026), 0::bigint,
          '131026: every failure carries its code');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'f131026%' AND status = 'failed' AND attempts <> 1), 0::bigint,
          '131026: one attempt, no retry');
SELECT is(clean('f131026'), 0::bigint, '131026: no invariant broken');

SELECT scenario('f131049', '[{"mode": "error", "code": 131049, "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('f131049') <@ ARRAY['held', 'sent'], '131049 (marketing cap): sent or held for 24 h, not retried soon');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'f131049%' AND status = 'held' AND error_code = 131049
              AND hold_reason = 'meta_marketing_cap' AND attempts = 1 AND not_before > now() + interval '23 hours'),
          count_status('f131049', 'held'), '131049: held with its code, one attempt counted');
SELECT is(clean('f131049'), 0::bigint, '131049: no invariant broken');

SELECT scenario('f131050', '[{"mode": "error", "code": 131050, "rate": 0.5}]');
CALL cart_abandon_run();
SELECT is((SELECT count(*) FROM cart_abandon.opt_outs o JOIN cart_abandon.deliveries d ON d.recipient = o.address
            WHERE d.cart_id LIKE 'f131050%'), count_status('f131050', 'failed'), '131050: each refusing number is on the opt-out list');
SELECT cmp_ok(count_status('f131050', 'failed'), '>', 0::bigint, '131050: some were refused');
SELECT is(clean('f131050'), 0::bigint, '131050: no invariant broken');

SELECT scenario('f132001', '[{"mode": "error", "code": 132001, "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('f132001') <@ ARRAY['retry', 'sent'], '132001 (template missing): sent or still due, never failed');
SELECT is(clean('f132001'), 0::bigint, '132001: no invariant broken');

-- 190: the channel pauses for the rest of the run; the next clean run sends the rest
SELECT scenario('f190', '[{"mode": "error", "code": 190, "http_status": 401, "rate": 0.3}]');
CALL cart_abandon_run();
SELECT is((SELECT status FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), 'channel_paused', '190: the run ends channel_paused');
SELECT ok(statuses('f190') <@ ARRAY['retry', 'sent'], '190: sent or retry, none failed');
SELECT is((cart_abandon_stats() -> 'channels' -> 'whatsapp' ->> 'error_code')::int, 190, '190: the stats show the channel paused');
SELECT fixture.standin_faults('[]');
CALL cart_abandon_run();
SELECT is(count_status('f190', 'sent'), 20::bigint, '190: after a clean run all 20 are sent');
SELECT is(clean('f190'), 0::bigint, '190: no invariant broken');

-- answers that may hide an accepted message: unknown, never resent
SELECT scenario('fjson', '[{"mode": "not_json", "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('fjson') <@ ARRAY['sent', 'unknown'], 'a 200 that is not JSON: unknown');
SELECT fixture.standin_faults('[]');
CALL cart_abandon_run();
SELECT is((SELECT count(*) FROM fixture.standin_requests() r JOIN cart_abandon.deliveries d ON d.recipient = r.to_phone
            WHERE r.accepted AND d.cart_id LIKE 'fjson%'), 20::bigint, 'not JSON: 20 accepted in all, none resent');
SELECT is(clean('fjson'), 0::bigint, 'not JSON: no invariant broken');

SELECT scenario('ftrunc', '[{"mode": "truncate", "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('ftrunc') <@ ARRAY['sent', 'unknown'], 'a truncated body: unknown');
SELECT is(clean('ftrunc'), 0::bigint, 'truncated: no invariant broken');

SELECT scenario('freset', '[{"mode": "reset", "rate": 0.5}]');
CALL cart_abandon_run();
SELECT ok(statuses('freset') <@ ARRAY['sent', 'unknown'], 'a reset connection: unknown');
SELECT is(clean('freset'), 0::bigint, 'reset: no invariant broken');

SET cart_abandon.http_timeout = '700ms';
SELECT scenario('fhang', '[{"mode": "hang", "seconds": 2, "rate": 0.3}]');
CALL cart_abandon_run();
SELECT ok(statuses('fhang') <@ ARRAY['sent', 'unknown'], 'no answer past the timeout: unknown');
SELECT cmp_ok(count_status('fhang', 'unknown'), '>', 0::bigint, 'some timed out');
SELECT is(clean('fhang'), 0::bigint, 'hang: no invariant broken');

-- a slow server inside the timeout is only slow
SELECT scenario('fslow', NULL);
SELECT fixture.standin_delay(400);
CALL cart_abandon_run();
SELECT fixture.standin_delay(0);
SELECT is(count_status('fslow', 'sent'), 20::bigint, 'a slow server (400 ms, timeout 700 ms): all sent');
SELECT is(clean('fslow'), 0::bigint, 'slow: no invariant broken');
RESET cart_abandon.http_timeout;

-- the server is down: connection refused, nothing sent, all retried later
SELECT scenario('fdown', NULL);
SET cart_abandon.whatsapp_api_url = 'http://127.0.0.1:1/v25.0';
CALL cart_abandon_run();
SELECT is(statuses('fdown'), ARRAY['retry'], 'server down: every stage stays retryable');
SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE cart_id LIKE 'fdown%' AND error_message LIKE 'request not sent:%'), 20::bigint,
          'server down: each says the request was not sent');
RESET cart_abandon.whatsapp_api_url;
CALL cart_abandon_run();
SELECT is(count_status('fdown', 'sent'), 20::bigint, 'server back: all 20 sent');
SELECT is(clean('fdown'), 0::bigint, 'down: no invariant broken');

SELECT is((SELECT count(*) FROM cart_abandon.deliveries WHERE status = 'claimed'), 0::bigint, 'no claim is left anywhere');
SELECT * FROM finish();
