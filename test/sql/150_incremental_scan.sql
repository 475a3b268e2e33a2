-- The incremental scan: after a complete run, cart_abandon_run examines only carts that can
-- have come due since that run began (a delay crossed, a first reminder's gap passed, an open
-- ledger row, a change since), and a full scan every cart.full_scan_interval catches the rest.
-- The previous run is written by hand here, ten minutes ago; the carts are placed around it.
-- No BEGIN: the procedure commits.
SELECT plan(17);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

-- last activity ... which range finds it
SELECT fixture.make_cart('inc_crossed', '24 hours 5 minutes', phone => '0151 71000001');   -- first delay crossed since
SELECT fixture.make_cart('inc_old', '30 hours', phone => '0151 71000002');                 -- crossed before: not examined
SELECT fixture.make_cart('inc_second_gap', '50 hours', phone => '0151 71000003');          -- first reminder's gap passed since
SELECT fixture.make_cart('inc_second_idle', '48 hours 5 minutes', phone => '0151 71000004'); -- second delay crossed since
SELECT fixture.make_cart('inc_retry', '30 hours', phone => '0151 71000005');               -- an open ledger row
SELECT fixture.make_cart('inc_address', '30 hours', phone => '0151 71000006');  -- its address changed, first delay crossed since
UPDATE public.cart_address SET updated_at = now() - interval '24 hours 5 minutes' WHERE id = 'caaddr_inc_address';
SELECT fixture.make_cart('inc_fresh', '3 hours', phone => '0151 71000007');                 -- not due at all
-- skipped for want of a phone before the last run; its customer's phone came since (only the
-- incremental scan looks for changed customers: a full one finds every cart by its own activity)
SELECT fixture.make_cart('inc_customer', '30 hours', phone => NULL, customer_id => 'cus_inc');
INSERT INTO public.customer (id, first_name, phone, created_at, updated_at)
VALUES ('cus_inc', 'Li', '+44 7400 123457', now() - interval '40 hours', now() - interval '5 minutes');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, skip_reason, cart_changed_at)
VALUES ('inc_customer', 1, 'whatsapp', 'skipped', 'no_phone', now() - interval '30 hours');

INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, claimed_at, sent_at) VALUES
    ('inc_second_gap', 1, 'whatsapp', 'sent', 1, '+4915171000003', 'wamid.gap', now() - interval '24 hours 5 minutes', now() - interval '24 hours 5 minutes'),
    ('inc_second_idle', 1, 'whatsapp', 'sent', 1, '+4915171000004', 'wamid.idle', now() - interval '30 hours', now() - interval '30 hours');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, claimed_at, error_code)
VALUES ('inc_retry', 1, 'whatsapp', 'retry', 1, '+4915171000005', now() - interval '2 hours', 131000);

-- the last complete run began ten minutes ago; a later one that did not finish does not count
INSERT INTO cart_abandon.runs (status, scan, scan_from, scan_key, finished_at) VALUES
    ('succeeded', 'full', now() - interval '10 minutes', '1.1/public/86400/172800/604800', now() - interval '9 minutes'),
    ('interrupted', 'full', now() - interval '1 minute', '1.1/public/86400/172800/604800', now());

CALL cart_abandon_run();
SELECT results_eq($$SELECT scan, status, examined FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('incremental', 'succeeded', 6)$$, 'an incremental run examined the six carts that came due since');
SELECT results_eq($$SELECT cart_id, stage::int, status FROM cart_abandon.deliveries
                     WHERE run_id = (SELECT max(id) FROM cart_abandon.runs) ORDER BY cart_id$$,
                  $$VALUES ('inc_address', 1, 'sent'), ('inc_crossed', 1, 'sent'), ('inc_customer', 1, 'sent'),
                           ('inc_retry', 1, 'sent'), ('inc_second_gap', 2, 'sent'), ('inc_second_idle', 2, 'sent')$$,
                  'each found by its own range and sent');
SELECT is((SELECT scan_from FROM cart_abandon.runs ORDER BY id DESC LIMIT 1) <= (SELECT min(claimed_at) FROM cart_abandon.deliveries
            WHERE run_id = (SELECT max(id) FROM cart_abandon.runs)), true, 'scan_from is taken before the first claim');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id = 'inc_old'), 0,
          'a cart that came due before the last complete run began is not examined');

-- the next run starts from this one: nothing new
CALL cart_abandon_run();
SELECT results_eq($$SELECT scan, examined FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('incremental', 0)$$, 'the next run is incremental and finds nothing');

-- the last full scan is older than full_scan_interval: a full one, which finds the old cart
SET cart_abandon.full_scan_interval = '5min';
CALL cart_abandon_run();
RESET cart_abandon.full_scan_interval;
SELECT results_eq($$SELECT scan, examined, sent_first FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('full', 1, 1)$$, 'a full scan when the last full one is older than full_scan_interval');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'inc_old'), 'sent', 'and it sent the old cart');
CALL cart_abandon_run();
SELECT is((SELECT scan FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), 'incremental', 'then incremental again');

-- what the previous runs covered depends on the delays and the schema: other delays, a full scan
CALL cart_abandon_run('{"firstNotificationDelayHours": 23}');
SELECT results_eq($$SELECT scan, scan_key FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('full', '1.1/public/82800/172800/604800')$$, 'other delays: a full scan under its own key');
SELECT is((SELECT count(*)::int FROM cart_abandon.deliveries WHERE cart_id = 'inc_fresh'), 0, 'the fresh cart is still not due');

-- 0: every run is full
SET cart_abandon.full_scan_interval = 0;
CALL cart_abandon_run();
SELECT is((SELECT scan FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), 'full', 'full_scan_interval = 0: every run is full');
RESET cart_abandon.full_scan_interval;

-- a run stopped by a channel-fatal answer is not complete: the next one starts from the last
-- complete run, not from it (the cart is made with the runs' times kept, and found by its retry row)
CREATE TEMP TABLE kept_runs AS SELECT id, scan_from FROM cart_abandon.runs;
SELECT fixture.make_cart('inc_paused', '25 hours', phone => '0151 71000008');
UPDATE cart_abandon.runs r SET scan_from = k.scan_from FROM kept_runs k WHERE k.id = r.id;
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, claimed_at, error_code)
VALUES ('inc_paused', 1, 'whatsapp', 'retry', 1, '+4915171000008', now() - interval '2 hours', 131000);
SELECT fixture.standin_faults('[{"mode": "error", "code": 190, "http_status": 401, "rate": 1}]');
CALL cart_abandon_run();
SELECT fixture.standin_faults('[]');
SELECT results_eq($$SELECT status, scan FROM cart_abandon.runs ORDER BY id DESC LIMIT 1$$,
                  $$VALUES ('channel_paused', 'incremental')$$, 'a run stopped by the channel');
CALL cart_abandon_run();
SELECT is((SELECT scan_since FROM cart_abandon.runs ORDER BY id DESC LIMIT 1),
          (SELECT max(scan_from) FROM cart_abandon.runs WHERE status = 'succeeded' AND scan_key = '1.1/public/86400/172800/604800'
              AND id < (SELECT max(id) FROM cart_abandon.runs WHERE status = 'channel_paused')),
          'the next run starts from the last complete run before the stopped one');
SELECT is((SELECT status FROM cart_abandon.deliveries WHERE cart_id = 'inc_paused'), 'sent', 'and sends the cart it left');

-- cart_abandon_process (one batch from a cursor) always examines the whole window
SELECT fixture.make_cart('inc_by_process', '30 hours', phone => '0151 71000009');
SELECT is((SELECT count(*)::int FROM cart_abandon_process(100, NULL) WHERE cart_id = 'inc_by_process' AND action = 'sent'), 1,
          'cart_abandon_process sends a cart no incremental scan would look at');

-- the stats and settings show the scan
SELECT is((SELECT setting FROM pg_settings WHERE name = 'cart_abandon.full_scan_interval'), '86400', 'full_scan_interval defaults to a day');
SELECT is((SELECT count(*)::int FROM cart_abandon.runs WHERE scan IS NULL OR (scan = 'incremental') <> (scan_since IS NOT NULL)), 0,
          'every run row says how it scanned, and an incremental one from when');
SELECT * FROM finish();
