-- CALL cart_abandon_run(): every due cart batch by batch, commits, the run log, stale claims and
-- runs, concurrency through the ledger's key. No BEGIN: the procedure commits (this file runs in
-- a database of its own).
SELECT plan(42);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();
SELECT fixture.make_cart('r' || lpad(n::text, 2, '0'), '30 hours', phone => '0151 4' || lpad(n::text, 7, '0'),
                         metadata => '{"keep": "me"}')
  FROM generate_series(1, 10) AS n;
SELECT fixture.make_cart('r_fresh', '2 hours', phone => '0151 49999999');

-- a dry run writes nothing, not even a run row, and answers run_id NULL (\gset unsets a NULL's variable)
\set dry_run_id 'no answer'
CALL cart_abandon_run('{"dryRun": true, "batchSize": 4}') \gset dry_
SELECT is(:{?dry_run_id}, false, 'a dry run answers run_id NULL: it wrote no run row');
SELECT is((SELECT count(*)::int FROM cart_abandon.runs), 0, 'a dry run writes no run row');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries), 0, 'a dry run writes no ledger row');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 0, 'a dry run sends nothing');

-- the real run, in batches of 3; CALL answers the id of the run row it wrote
CALL cart_abandon_run('{"batchSize": 3}') \gset first_
SELECT is(:first_run_id::bigint, (SELECT id FROM cart_abandon.runs), 'CALL answers the id of its run row');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE status = 'sent'), 10, 'all ten due carts were sent');
SELECT is((SELECT count(DISTINCT to_phone)::int FROM fixture.standin_requests() WHERE accepted), 10, 'ten messages, one per cart');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id = 'r_fresh'), 0, 'the fresh cart was left alone');
SELECT results_eq($$SELECT status, batches, examined, sent_first, sent_second, failed, retry, skipped FROM cart_abandon.runs$$,
                  $$VALUES ('succeeded', 4, 10, 10, 0, 0, 0, 0)$$, 'the run row: succeeded, 4 batches (3+3+3+1), counts');
SELECT ok((SELECT finished_at >= started_at AND progress_at IS NOT NULL FROM cart_abandon.runs), 'the run row has its times');
SELECT is((SELECT last_cursor FROM cart_abandon.runs), encode(convert_to('{"id":"r10"}', 'UTF8'), 'base64'),
          'the run row''s progress is the cursor after the last cart');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE run_id = (SELECT id FROM cart_abandon.runs)), 10,
          'each ledger row names its run');
SELECT is((SELECT count(*)::int FROM public.cart WHERE metadata ->> 'keep' = 'me' AND metadata -> 'notifications' ->> 'firstSent' = 'true'), 10,
          'each cart''s metadata has the reminder and its other key');

-- the next hourly run finds nothing new and sends nothing
CALL cart_abandon_run();
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 10, 'a second run sends nothing more');
SELECT results_eq($$SELECT status, examined FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$, $$VALUES ('succeeded', 0)$$,
                  'and records an empty run');

-- a claim held by another run (its row committed, answer pending) is never taken over
SELECT fixture.make_cart('r_claimed', '30 hours', phone => '0151 48888888');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, recipient, claimed_at)
VALUES ('r_claimed', 1, 'whatsapp', 'claimed', '+4915148888888', clock_timestamp());
CALL cart_abandon_run();
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915148888888'), 0, 'a claimed stage is not sent by another run');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'r_claimed'), 'claimed', 'and its claim is left as it is');

-- a claim whose run died mid-flight becomes unknown after claim_timeout, and is never resent
UPDATE cart_abandon.deliveries SET claimed_at = clock_timestamp() - interval '2 hours' WHERE cart_id = 'r_claimed';
CALL cart_abandon_run();
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'r_claimed'), 'unknown', 'a stale claim is marked unknown');
SELECT alike((SELECT error_message FROM cart_abandon.deliveries WHERE cart_id = 'r_claimed'), 'outcome unknown:%not resent', 'with the reason');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915148888888'), 0, 'and it is still not sent');

-- a run whose session is gone is closed as interrupted; the run that closed it answers its own row
INSERT INTO cart_abandon.runs (started_at, pid) VALUES (clock_timestamp() - interval '1 hour', 999999);
CALL cart_abandon_run() \gset closing_
SELECT results_eq(format('SELECT status, pid = pg_backend_pid() FROM cart_abandon.runs WHERE id = %s', :closing_run_id),
                  $$VALUES ('succeeded', true)$$, 'the CALL answers its own run row, not the newer row of the dead session');
SELECT is((SELECT status FROM cart_abandon.runs WHERE pid = 999999), 'interrupted', 'a run left running by a dead session is marked interrupted');

-- a channel-fatal error ends the run: the rest stays due, the run says why
SELECT fixture.make_cart('p' || lpad(n::text, 2, '0'), '30 hours', phone => '0151 5' || lpad(n::text, 7, '0')) FROM generate_series(1, 5) AS n;
SELECT fixture.standin_faults('[{"mode": "error", "code": 190, "http_status": 401, "times": 1}]');
CALL cart_abandon_run('{"batchSize": 2}') \gset paused_
-- (the second batch was claimed while the first was sent: it is released, its carts still due)
SELECT results_eq($$SELECT status, batches, retry FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('channel_paused', 1, 4)$$, 'the run stops after the batch that hit 190: channel_paused');
SELECT is(:paused_run_id::bigint, (SELECT max(id) FROM cart_abandon.runs), 'a run the channel stopped answers its row too');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'p%' AND status = 'retry' AND attempts = 0), 4,
          'all four are retry with no attempt spent: 190 is not the cart''s fault, one was not started, two were released');
SELECT alike((SELECT detail FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), 'channel paused by error 190:%', 'the run row names the cause');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone LIKE '+49151500%'), 1, 'one request, no more');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'p%' AND status = 'claimed'), 0, 'no claim is left behind');
CALL cart_abandon_run('{"batchSize": 2}');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'p%' AND status = 'sent'), 5, 'the next run sends all five');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone LIKE '+49151500%' AND accepted), 5, 'once each');

-- options reach the run
SELECT fixture.make_cart('r_13h', '13 hours', phone => '0151 47777777');
CALL cart_abandon_run('{"firstNotificationDelayHours": 12, "secondNotificationDelayHours": 30}');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'r_13h'), 'sent', 'firstNotificationDelayHours applies to the run');
SELECT is((SELECT options FROM cart_abandon.runs ORDER BY id DESC LIMIT 1),
          '{"firstNotificationDelayHours": 12, "secondNotificationDelayHours": 30}', 'the run row keeps its options');

-- a run cancelled while waiting on the API leaves every claim accounted for
SELECT fixture.make_cart('r_slow', '30 hours', phone => '0151 46666666');
SELECT fixture.standin_delay(3000);
\set ON_ERROR_STOP 0
SET statement_timeout = '1s';
CALL cart_abandon_run();
RESET statement_timeout;
\set ON_ERROR_STOP 1
SELECT fixture.standin_delay(0);
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'r_slow'), 'unknown',
          'the cancelled request''s claim was committed before sending, and its outcome recorded as unknown');
SELECT alike((SELECT error_message FROM cart_abandon.deliveries WHERE cart_id = 'r_slow'),
             'outcome unknown, not resent: no complete answer after the request was sent: stopped while waiting%', 'with the reason');
SELECT is((SELECT status FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), 'running', 'the cancelled run is left running...');
CALL cart_abandon_run();
SELECT is((SELECT status FROM cart_abandon.runs ORDER BY id DESC OFFSET 1 LIMIT 1), 'interrupted', '... until the next run in the same session closes it');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone = '+4915146666666'), 1, 'and the cart is not sent again');

-- cancelled with several batches: the one in flight is recorded, the next one (claimed while the
-- first was sent) is released, the rest was never claimed; the next run sends exactly those
SELECT fixture.make_cart('q' || n, '30 hours', phone => '0151 45' || lpad(n::text, 6, '0')) FROM generate_series(1, 6) AS n;
SELECT fixture.standin_delay(3000);
\set ON_ERROR_STOP 0
SET statement_timeout = '1s';
CALL cart_abandon_run('{"batchSize": 2}');
RESET statement_timeout;
\set ON_ERROR_STOP 1
SELECT fixture.standin_delay(0);
SELECT results_eq($$SELECT status, attempts, count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'q%'
                     GROUP BY 1, 2 ORDER BY 1$$,
                  $$VALUES ('retry', 0, 2), ('unknown', 1, 2)$$,
                  'after the cancel: 2 in flight unknown, 2 released as retry with no attempt, 2 never claimed');
CALL cart_abandon_run('{"batchSize": 2}');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'q%' AND status = 'sent'), 4,
          'the next run sends the four not sent');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE to_phone LIKE '+49151450%'), 6,
          'six requests in all: the two unknown are never resent');

-- a batch's cart metadata is written 100 carts at a time, each chunk committed: a shopper
-- updating one of its carts waits for one chunk at most, not for the whole batch
CREATE TABLE public.metadata_writes (cart_id text, xid xid8);
CREATE FUNCTION note_metadata_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.metadata_writes VALUES (NEW.id, pg_current_xact_id());
    RETURN NEW;
END $$;
CREATE TRIGGER note_metadata_write AFTER UPDATE OF metadata ON public.cart
    FOR EACH ROW EXECUTE FUNCTION note_metadata_write();
SELECT fixture.make_cart('k' || lpad(n::text, 3, '0'), '30 hours', phone => '0151 44' || lpad(n::text, 6, '0'))
  FROM generate_series(1, 250) AS n;
CALL cart_abandon_run('{"batchSize": 250}');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id LIKE 'k%' AND status = 'sent'), 250,
          'one batch of 250 sent');
SELECT results_eq($$SELECT count(*)::int FROM metadata_writes WHERE cart_id LIKE 'k%' GROUP BY xid ORDER BY 1 DESC$$,
                  $$VALUES (100), (100), (50)$$, 'its metadata written in three transactions: 100, 100, 50');
DROP TRIGGER note_metadata_write ON public.cart;

SELECT * FROM finish();
