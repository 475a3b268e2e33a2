-- A slice's ledger rows are read before its carts' activity: a candidate they rule out whatever
-- its activity (both stages closed) is not read further, and the next batch starts right after
-- the last cart the batch took, counted in the slice, not among the candidates left open (counted
-- there, it would start past due carts and skip them). Due and closed carts interleave here, two
-- to a batch: each due cart is sent once, none is skipped.
-- No BEGIN: the procedure commits.
SELECT plan(5);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

SELECT fixture.make_cart('lf_' || n, '30 hours', phone => '0151 7200000' || n) FROM generate_series(1, 8) AS n;
-- lf_2, lf_4, lf_5 and lf_7: both reminders sent (the shop's earlier runs)
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, attempts, recipient, provider_message_id, claimed_at, sent_at)
SELECT 'lf_' || n, s, 'whatsapp', 'sent', 1, '+49151720000' || lpad(n::text, 2, '0'), 'wamid.lf' || n || s,
       now() - interval '2 hours', now() - interval '2 hours'
  FROM unnest(ARRAY[2, 4, 5, 7]) AS n, generate_series(1, 2) AS s;

CALL cart_abandon_run('{"batchSize": 2}');
SELECT is((SELECT string_agg(cart_id, ',' ORDER BY cart_id) FROM cart_abandon.deliveries WHERE stage = 1 AND run_id IS NOT NULL),
          'lf_1,lf_3,lf_6,lf_8', 'each due cart is claimed, and only those');
SELECT is((SELECT count(*)::int FROM fixture.standin_requests()), 4, 'four messages');
SELECT is((SELECT count(DISTINCT to_phone)::int FROM fixture.standin_requests()), 4, '... one to each');
SELECT is((SELECT sent_first || ' sent, ' || examined || ' examined' FROM cart_abandon.runs ORDER BY id DESC LIMIT 1),
          '4 sent, 4 examined', 'the run decided each due cart once (a closed one is no decision)');
SELECT cmp_ok((SELECT batches FROM cart_abandon.runs ORDER BY id DESC LIMIT 1), '>=', 2, 'in more than one batch');

SELECT * FROM finish();
