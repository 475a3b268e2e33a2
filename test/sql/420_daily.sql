-- cart_abandon_daily(days): the figures per day of the admin page's chart and of Grafana. A ledger
-- written with known times (one transaction: now() and current_date stay put), checked day by day,
-- in two time zones, summed against cart_abandon_stats(), and refused for a bad range or role.
BEGIN;
SELECT plan(24);
CREATE EXTENSION cart_abandon;
SET LOCAL TimeZone = 'UTC';

-- Ledger rows as the runs and webhooks write them. d(n, h): n days ago at h o'clock (UTC).
CREATE FUNCTION pg_temp.d(days_ago int, hour int) RETURNS timestamptz
LANGUAGE sql AS $$ SELECT current_date::timestamptz - days_ago * interval '1 day' + hour * interval '1 hour' $$;
INSERT INTO cart_abandon.deliveries
    (cart_id, stage, channel, status, attempts, recipient, provider_message_id, sent_at, claimed_at, delivered_at, read_at, failed_at, updated_at, origin)
VALUES
    -- today: two first reminders (one delivered and read today), one second
    ('t1', 1, 'whatsapp', 'sent', 1, '+4915100000001', 'wamid.t1', pg_temp.d(0, 1), pg_temp.d(0, 1), pg_temp.d(0, 1), pg_temp.d(0, 1), NULL, now(), 'cart_abandon'),
    ('t2', 1, 'whatsapp', 'sent', 1, '+4915100000002', 'wamid.t2', pg_temp.d(0, 0), pg_temp.d(0, 0), NULL, NULL, NULL, now(), 'cart_abandon'),
    ('t1', 2, 'whatsapp', 'sent', 1, '+4915100000001', 'wamid.t1b', pg_temp.d(0, 0), pg_temp.d(0, 0), NULL, NULL, NULL, now(), 'cart_abandon'),
    -- 3 days ago at 23:30 UTC: sent, delivered 2 days ago, read today
    ('a3', 1, 'whatsapp', 'sent', 1, '+4915100000003', 'wamid.a3', pg_temp.d(3, 23) + interval '30 minutes', pg_temp.d(3, 23), pg_temp.d(2, 1), pg_temp.d(0, 0), NULL, now(), 'cart_abandon'),
    -- refused when sent 5 days ago (no failed_at: the ledger's time), failed after acceptance 4 days ago
    ('f5', 1, 'whatsapp', 'failed', 1, '+4915100000005', NULL, NULL, pg_temp.d(5, 12), NULL, NULL, NULL, pg_temp.d(5, 12), 'cart_abandon'),
    ('f4', 1, 'whatsapp', 'failed', 1, '+4915100000004', 'wamid.f4', pg_temp.d(6, 12), pg_temp.d(6, 12), NULL, NULL, pg_temp.d(4, 12), pg_temp.d(4, 12), 'cart_abandon'),
    -- the previous system's reminder (imported), a skip and a held stage: none is a reminder sent
    ('i1', 1, 'whatsapp', 'sent', 0, '+4915100000006', NULL, pg_temp.d(1, 12), NULL, NULL, NULL, NULL, now(), 'imported'),
    -- 40 days ago: outside a 30-day window, inside a 366-day one
    ('o40', 1, 'whatsapp', 'sent', 1, '+4915100000007', 'wamid.o40', pg_temp.d(40, 12), pg_temp.d(40, 12), pg_temp.d(40, 13), NULL, NULL, now(), 'cart_abandon');
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, skip_reason, updated_at)
VALUES ('s1', 1, 'whatsapp', 'skipped', 'no_phone', now());
INSERT INTO cart_abandon.deliveries (cart_id, stage, channel, status, hold_reason, not_before, claimed_at)
VALUES ('h1', 1, 'whatsapp', 'held', 'quiet_hours', now() + interval '8 hours', now());
-- recovered carts as the runs record them: two in eur and one in jpy today (jpy has no minor
-- units), one without live items 2 days ago, one 40 days ago
INSERT INTO cart_abandon.runs (status, recoveries_checked_at) VALUES ('succeeded', now());
INSERT INTO cart_abandon.recovered_carts (cart_id, completed_at, currency_code, value)
VALUES ('t1', pg_temp.d(0, 2), 'eur', 10.005), ('t2', pg_temp.d(0, 3), 'eur', 5), ('a3', pg_temp.d(0, 4), 'jpy', 1234.5),
       ('f4', pg_temp.d(2, 4), 'eur', NULL), ('o40', pg_temp.d(40, 14), 'eur', 7);

CREATE TEMP TABLE daily AS SELECT * FROM cart_abandon_daily(30);
SELECT is((SELECT count(*)::int FROM daily), 30, '30 rows for 30 days');
SELECT is((SELECT min(day) FROM daily), current_date - 29, 'the first is 29 days before today');
SELECT is((SELECT max(day) FROM daily), current_date, 'the last is today');
SELECT is((SELECT count(DISTINCT day)::int FROM daily), 30, 'every day once');
SELECT is((SELECT array_agg(day) FROM daily), (SELECT array_agg(day ORDER BY day) FROM daily), 'oldest first');
SELECT is((SELECT row(first_sent, second_sent, delivered, read, failed, recovered_carts)::text FROM daily WHERE day = current_date),
          '(2,1,1,2,0,3)', 'today: 2 first and 1 second reminders, 1 delivered, 2 read (one sent 3 days ago), 3 recovered');
SELECT is((SELECT recovered_value FROM daily WHERE day = current_date), '{"eur": 15.01, "jpy": 1235}',
          'today''s recovered value per currency, rounded to its minor units');
SELECT is((SELECT row(first_sent, delivered, read, failed)::text FROM daily WHERE day = current_date - 3), '(1,0,0,0)',
          '3 days ago: the reminder sent at 23:30 UTC');
SELECT is((SELECT row(delivered, recovered_carts, recovered_value::text)::text FROM daily WHERE day = current_date - 2), '(1,1,{})',
          '2 days ago: its delivery; a recovered cart without live items counts, with no value');
SELECT is((SELECT failed FROM daily WHERE day = current_date - 5), 1::bigint, 'a refusal at sending counts on the day the ledger recorded it');
SELECT is((SELECT failed FROM daily WHERE day = current_date - 4), 1::bigint, 'a failure after acceptance counts on Meta''s day of the failure');
SELECT is((SELECT first_sent FROM daily WHERE day = current_date - 6), 0::bigint, '... and not as a reminder sent (the stats'' first_sent neither)');
SELECT is((SELECT first_sent FROM daily WHERE day = current_date - 1), 0::bigint, 'the previous system''s reminder (imported) is not one of ours');
SELECT is((SELECT sum(first_sent + second_sent + delivered + read + failed + recovered_carts)::int FROM daily
            WHERE day NOT IN (current_date, current_date - 2, current_date - 3, current_date - 4, current_date - 5)), 0,
          'every other day is zero (skips, holds and rows outside the window count nowhere)');

-- Summed over a window that holds the whole ledger, the figures are the stats'.
CREATE TEMP TABLE year AS SELECT * FROM cart_abandon_daily(366);
SELECT is((SELECT count(*)::int FROM year), 366, 'days => 366: a year of rows');
SELECT is((SELECT jsonb_build_object('first_sent', sum(first_sent), 'second_sent', sum(second_sent),
                                     'delivered', sum(delivered), 'read', sum(read), 'recovered_carts', sum(recovered_carts)) FROM year),
          (SELECT jsonb_build_object('first_sent', s -> 'first_sent', 'second_sent', s -> 'second_sent',
                                     'delivered', (s -> 'delivered' -> 'first')::int + (s -> 'delivered' -> 'second')::int,
                                     'read', (s -> 'read' -> 'first')::int + (s -> 'read' -> 'second')::int,
                                     'recovered_carts', s -> 'recovered_carts') FROM (SELECT cart_abandon_stats() AS s) st),
          'summed over a year, the figures equal cart_abandon_stats()''s');
SELECT is((SELECT row(first_sent, delivered, recovered_carts)::text FROM year WHERE day = current_date - 40), '(1,1,1)',
          '... 40 days ago included');

-- The session's TimeZone says where a day begins: 23:30 UTC is the next day in Kolkata (+05:30).
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT is((SELECT first_sent FROM cart_abandon_daily(30) WHERE day = (SELECT sent_at FROM cart_abandon.deliveries WHERE cart_id = 'a3')::date), 1::bigint,
          'in Asia/Kolkata the reminder sent at 23:30 UTC counts on the next calendar day');
SELECT is((SELECT first_sent FROM cart_abandon_daily(30) WHERE day = (SELECT sent_at FROM cart_abandon.deliveries WHERE cart_id = 'a3')::date - 1), 0::bigint,
          '... not on the UTC one');
SET LOCAL TimeZone = 'UTC';

SELECT is((SELECT count(*)::int FROM cart_abandon_daily(1)), 1, 'days => 1: today only');
SELECT is((SELECT count(*)::int FROM cart_abandon_daily()), 30, 'the default is 30 days');
SELECT throws_ok('SELECT * FROM cart_abandon_daily(0)', '22023', 'cart_abandon_daily: days must be from 1 to 366, not 0', 'days => 0: 22023');
SELECT throws_ok('SELECT * FROM cart_abandon_daily(367)', '22023', 'cart_abandon_daily: days must be from 1 to 366, not 367', 'days => 367: 22023');
SELECT throws_ok('SELECT * FROM cart_abandon_daily(NULL)', '22023', 'cart_abandon_daily: days must be from 1 to 366, not NULL', 'days => NULL: 22023');

SELECT * FROM finish();
ROLLBACK;
