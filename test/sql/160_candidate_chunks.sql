-- A run collects its candidates (carts active inside the scanned times) 100,000 at a time and
-- examines them a batch at a time, in slices that grow while few of them are due. Here 250,000
-- carts are candidates and 32 of them are due, spread over all three chunks and on the chunks'
-- edges: every one is reminded exactly once, by cart_abandon_process with its cursor and by
-- cart_abandon_run. No BEGIN: the procedure commits.
SELECT plan(8);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

-- Set-based: fixture.make_cart makes one cart per call, too slow for this many. Every cart was active
-- two hours ago (a candidate, not due; the carts no one will be reminded of have neither item nor
-- address, which keeps the fixture small); the due ones 30 hours ago.
CREATE TEMP TABLE chunk_cart AS
SELECT 'ch_' || lpad(n::text, 6, '0') AS id, '+49 151 7' || lpad(n::text, 7, '0') AS phone,
       now() - CASE WHEN n % 9973 = 0 OR n IN (1, 99999, 100000, 100001, 200000, 200001, 250000)
                    THEN interval '30 hours' ELSE interval '2 hours' END AS at,
       n % 9973 = 0 OR n IN (1, 99999, 100000, 100001, 200000, 200001, 250000) AS due
  FROM generate_series(1, 250000) AS n;
INSERT INTO public.cart_address (id, first_name, country_code, phone, created_at, updated_at)
SELECT 'caaddr_' || id, 'Anna', 'de', phone, at, at FROM chunk_cart WHERE due;
INSERT INTO public.cart (id, currency_code, shipping_address_id, created_at, updated_at)
SELECT id, 'eur', CASE WHEN due THEN 'caaddr_' || id END, at - interval '5 minutes', at FROM chunk_cart;
INSERT INTO public.cart_line_item (id, cart_id, title, quantity, unit_price, raw_unit_price, created_at, updated_at)
SELECT 'cali_' || id, id, 'Item', 1, 19.99, '{"value": "19.99", "precision": 20}', at, at FROM chunk_cart WHERE due;
ANALYZE public.cart, public.cart_line_item, public.cart_address;
SELECT is((SELECT count(*)::int FROM chunk_cart WHERE due), 32, 'the fixture: 32 due carts among 250,000 candidates');

-- cart_abandon_process, four carts a call, each call starting from the previous one's cursor
CREATE TEMP TABLE processed (call integer, cart_id text, action text, next_cursor text);
DO $$
DECLARE
    cursor_in text;
    calls integer := 0;
    got integer;
BEGIN
    LOOP
        calls := calls + 1;
        INSERT INTO processed
        SELECT calls, p.cart_id, p.action, p.next_cursor FROM cart_abandon_process(4, cursor_in, '{"dryRun": true}') AS p;
        GET DIAGNOSTICS got = ROW_COUNT;
        EXIT WHEN got = 0 OR calls > 100;
        SELECT p.next_cursor INTO cursor_in FROM processed p WHERE p.call = calls ORDER BY p.cart_id DESC LIMIT 1;
    END LOOP;
END
$$;
SELECT set_eq($$SELECT cart_id FROM processed WHERE action = 'would_send'$$, $$SELECT id FROM chunk_cart WHERE due$$,
              'cart_abandon_process, cursor after cursor, finds exactly the due carts');
SELECT is((SELECT count(*)::int FROM processed), 32, 'each of them once, and nothing else');
SELECT is((SELECT max(call)::int FROM processed), 8, 'in eight calls of four');

-- the run, four carts a batch
CALL cart_abandon_run('{"batchSize": 4}');
SELECT set_eq($$SELECT cart_id FROM cart_abandon.deliveries WHERE status = 'sent'$$,
              $$SELECT id FROM chunk_cart WHERE due$$, 'the run reminded exactly the due carts');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests() WHERE accepted), 32, 'one message each');
SELECT results_eq($$SELECT status, batches, examined, sent_first FROM cart_abandon.runs$$,
                  $$VALUES ('succeeded', 8, 32, 32)$$, 'the run row: eight batches, 32 carts examined, 32 sent');

-- the next run finds nothing more
CALL cart_abandon_run('{"batchSize": 4}');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 32, 'a second run sends nothing');

SELECT * FROM finish();
