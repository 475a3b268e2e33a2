-- cart_abandon_stats(): every key, with values from a known shop. Not in one transaction: the
-- cart figures are those the latest run that scanned in full counted (CALL commits).
SELECT plan(38);
CREATE EXTENSION cart_abandon;
SELECT fixture.standin_reset();

SELECT fixture.make_cart('s_recovered', '30 hours', items => 2, unit_price => 10.00, currency => 'eur');
SELECT fixture.make_cart('s_twice', '30 hours', currency => 'inr');
SELECT fixture.make_cart('s_no_phone', '30 hours', phone => NULL);
SELECT fixture.make_cart('s_failed', '30 hours', phone => '0151 60000001');
SELECT fixture.make_cart('s_fresh', '2 hours');
SELECT fixture.make_cart('s_old', '10 days');
SELECT fixture.make_cart('s_bought_unreminded', '3 hours');
SELECT fixture.standin_faults('[{"mode": "error", "code": 131026, "to": "+4915160000001"}]');
SELECT count(*) FROM cart_abandon_process(100, NULL);
SELECT fixture.age_cart('s_twice', interval '24 hours');
SELECT count(*) FROM cart_abandon_process(100, NULL);
UPDATE public.cart SET completed_at = clock_timestamp() WHERE id IN ('s_recovered', 's_bought_unreminded');

SELECT is(cart_abandon_stats() -> 'open_carts', 'null', 'open_carts: null before a run counted the carts');
SELECT is(cart_abandon_stats() -> 'recovered_carts', 'null', 'recovered_carts: null before a run looked for them');
SELECT is(cart_abandon_stats() -> 'recovery_rate', 'null', '... and so is the recovery rate');
SELECT is(cart_abandon_stats() -> 'last_run', 'null', 'last_run is null before any CALL');
CALL cart_abandon_run();  -- the first run scans in full, then counts the carts

CREATE TEMP TABLE stats AS SELECT cart_abandon_stats() AS s;
SELECT ok((SELECT (s ->> 'carts_counted_at')::timestamptz > (s -> 'last_run' ->> 'started_at')::timestamptz FROM stats),
          'carts_counted_at: when the run counted them, after it started');
SELECT is((SELECT s -> 'last_run' ->> 'open_carts' FROM stats)::int, 5, 'the count is kept in the run''s row');
SELECT is((SELECT s ->> 'open_carts' FROM stats)::int, 5, 'open_carts: open, with a live item');
SELECT is((SELECT s ->> 'abandoned_carts' FROM stats)::int, 4, 'abandoned_carts: open and idle past the first delay');
SELECT is((SELECT s ->> 'abandoned_carts_in_window' FROM stats)::int, 3, '... of which inside max_age');
SELECT is((SELECT s ->> 'first_sent' FROM stats)::int, 2, 'first_sent');
SELECT is((SELECT s ->> 'second_sent' FROM stats)::int, 1, 'second_sent');
SELECT is((SELECT s -> 'failed' FROM stats), '{"first": 1, "second": 0}', 'failed, per stage');
SELECT is((SELECT s -> 'unknown' FROM stats), '{"first": 0, "second": 0}', 'unknown, per stage');
SELECT is((SELECT s -> 'retry_pending' FROM stats), '{"first": 0, "second": 0}', 'retry_pending, per stage');
SELECT is((SELECT s -> 'skipped' FROM stats), '{"no_phone": 1}', 'skipped, per reason');
SELECT is((SELECT s ->> 'reminded_carts' FROM stats)::int, 2, 'reminded_carts');
SELECT is((SELECT s ->> 'recovered_carts' FROM stats)::int, 1, 'recovered_carts: completed after a reminder (not the one bought without)');
SELECT is((SELECT s -> 'recovered_value' FROM stats), '{"eur": 20.00}', 'recovered_value per currency: live items'' unit_price * quantity');
SELECT ok((SELECT (s ->> 'recoveries_checked_at')::timestamptz >= (s -> 'last_run' ->> 'started_at')::timestamptz FROM stats),
          'recoveries_checked_at: when the run looked');
SELECT is((SELECT s ->> 'recovery_rate' FROM stats)::numeric, 0.5, 'recovery_rate = recovered / reminded');
SELECT is((SELECT s ->> 'opt_outs' FROM stats)::int, 0, 'opt_outs');
SELECT is((SELECT s ->> 'in_flight' FROM stats)::int, 0, 'in_flight');
SELECT is((SELECT s -> 'last_run' ->> 'sent_first' FROM stats)::int, 0, 'last_run: the latest run (nothing was due)');
SELECT is((SELECT s -> 'schedule' FROM stats),
          '{"pg_cron": false, "pg_cron_database": "ca_cron", "scheduled": null, "last_scheduled_run": null}',
          'schedule: pg_cron lives in ca_cron (its jobs unknown from here), no run it started yet');
SELECT is((SELECT jsonb_array_length(s -> 'missing_indexes') FROM stats), 10, 'missing_indexes: none of the ten made here');
SELECT is((SELECT s -> 'channels' FROM stats), '{"sms": {"paused": false, "last_webhook_at": null}, "whatsapp": {"paused": false, "last_webhook_at": null}}',
          'channels: WhatsApp and SMS not paused, no webhook yet');
SELECT is((SELECT s -> 'by_channel' -> 'sms' FROM stats),
          '{"failed": 0, "skipped": 0, "delivered": 0, "first_sent": 0, "second_sent": 0}', 'by_channel: SMS, which sent nothing');
SELECT is((SELECT concat_ws(',', s -> 'by_channel' -> 'whatsapp' ->> 'first_sent', s -> 'by_channel' -> 'whatsapp' ->> 'second_sent',
                            s -> 'by_channel' -> 'whatsapp' ->> 'failed') FROM stats),
          (SELECT concat_ws(',', s ->> 'first_sent', s ->> 'second_sent',
                            (s -> 'failed' ->> 'first')::int + (s -> 'failed' ->> 'second')::int) FROM stats),
          '... and WhatsApp, which sent everything: the totals');
SELECT ok((SELECT s ?& ARRAY['open_carts', 'abandoned_carts', 'first_sent', 'second_sent', 'failed', 'skipped',
                             'recovered_carts', 'recovered_value', 'recovery_rate', 'last_run', 'schedule',
                             'missing_indexes', 'abandoned_carts_in_window', 'carts_counted_at', 'recoveries_checked_at'] FROM stats),
          'every key the issue names is there');
SELECT is((SELECT (s -> 'replication') - 'max_flush_lag' FROM stats),
          '{"role": "primary", "standbys": 0, "guarantee": "in_flight_window", "claim_commit": "on",
            "in_flight_window": 100, "synchronous_commit": "off", "synchronous_standbys": 0,
            "synchronous_standby_names": null}',
          'replication: a primary without standbys; exactly once across a failover needs a synchronous one');

-- a cancelled completion or a deleted cart is not recovered
UPDATE public.cart SET deleted_at = clock_timestamp() WHERE id = 's_recovered';
SELECT is((cart_abandon_stats() ->> 'recovered_carts')::int, 1, 'the recovered figures are those of the latest run...');
CALL cart_abandon_run();
SELECT is((cart_abandon_stats() ->> 'recovered_carts')::int, 0, 'a deleted cart is not counted as recovered');
SELECT is((cart_abandon_stats() ->> 'recovery_rate')::numeric, 0::numeric, 'and the rate follows');
SELECT is((SELECT count(*)::int FROM cart_abandon.recovered_carts), 0, '... which forgot the deleted cart');

-- ---- the Graph API version and how long Meta serves it ----
SELECT is(cart_abandon_stats() -> 'graph_api',
          jsonb_build_object('version', 'v25.0', 'served_until', '2028-07-29', 'served_at_least_until', '2028-07-29',
                             'served_at_most_until', '2028-07-29',
                             'days_left', date '2028-07-29' - (now() AT TIME ZONE 'UTC')::date, 'expiring', false),
          'graph_api: the configured version, served until 2028-07-29');
SELECT set_config('cart_abandon.whatsapp_api_url', replace(current_setting('cart_abandon.whatsapp_api_url'), 'v25.0', 'v21.0'), false);
SELECT is(cart_abandon_stats() -> 'graph_api' -> 'expiring', to_jsonb(date '2027-01-21' - (now() AT TIME ZONE 'UTC')::date <= 90),
          'v21.0 ends 2027-01-21: expiring within 90 days of it');
SELECT set_config('cart_abandon.whatsapp_api_url', replace(current_setting('cart_abandon.whatsapp_api_url'), 'v21.0', 'v23.0'), false);
SELECT is(cart_abandon_stats() -> 'graph_api' ->> 'served_at_least_until', '2027-05-20',
          'v23.0, which Meta''s table does not name: served at least until v22.0 ends');
RESET cart_abandon.whatsapp_api_url;

-- The count reads last activity only for the carts changed since the earlier of its two times, and
-- counts every open cart by its live items: the same figures as a pass over every cart and all its
-- items (below), whatever made a cart's last activity (a removed item, a shipping method, an
-- address, a billing address), and without the carts that have no live item, an order or are gone.
SELECT fixture.make_cart('n_item_removed', '10 days', items => 2);
UPDATE public.cart_line_item SET deleted_at = now() - interval '2 hours' WHERE id = 'cali_n_item_removed_2';
SELECT fixture.make_cart('n_shipping', '10 days');
INSERT INTO public.cart_shipping_method (id, cart_id, name, amount, raw_amount, created_at, updated_at)
VALUES ('casm_n_shipping', 'n_shipping', 'Standard', 5, '{"value": "5"}', now() - interval '3 days', now() - interval '3 days');
SELECT fixture.make_cart('n_address', '10 days');
UPDATE public.cart_address SET updated_at = now() - interval '1 hour' WHERE id = 'caaddr_n_address';
SELECT fixture.make_cart('n_billing', '10 days');
INSERT INTO public.cart_address (id, country_code, created_at, updated_at)
VALUES ('caaddr_n_billing_2', 'de', now() - interval '2 days', now() - interval '2 days');
UPDATE public.cart SET billing_address_id = 'caaddr_n_billing_2' WHERE id = 'n_billing';
SELECT fixture.make_cart('n_removed_only', '2 hours');
UPDATE public.cart_line_item SET deleted_at = now() - interval '1 hour' WHERE cart_id = 'n_removed_only';
SELECT fixture.make_cart('n_ordered', '30 hours');
INSERT INTO public.order_cart (order_id, cart_id, id) VALUES ('order_n', 'n_ordered', 'ordercart_n');
SELECT fixture.make_cart('n_deleted', '30 hours');
UPDATE public.cart SET deleted_at = now() WHERE id = 'n_deleted';
CREATE FUNCTION pg_temp.every_cart_counted(first_delay interval, max_age interval) RETURNS text
LANGUAGE sql AS $$
    WITH items AS (
        SELECT li.cart_id, max(greatest(li.created_at, li.updated_at, li.deleted_at)) AS last_change
          FROM public.cart_line_item li GROUP BY li.cart_id HAVING bool_or(li.deleted_at IS NULL)),
    shipping AS (
        SELECT sm.cart_id, max(greatest(sm.created_at, sm.updated_at, sm.deleted_at)) AS last_change
          FROM public.cart_shipping_method sm GROUP BY sm.cart_id),
    open_cart AS (
        SELECT greatest(c.updated_at, i.last_change, s.last_change, sa.updated_at, ba.updated_at) AS last_activity
          FROM public.cart c JOIN items i ON i.cart_id = c.id
          LEFT JOIN shipping s ON s.cart_id = c.id
          LEFT JOIN public.cart_address sa ON sa.id = c.shipping_address_id
          LEFT JOIN public.cart_address ba ON ba.id = c.billing_address_id
         WHERE c.deleted_at IS NULL AND c.completed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM public.order_cart oc WHERE oc.cart_id = c.id AND oc.deleted_at IS NULL))
    SELECT format('%s %s %s', count(*), count(*) FILTER (WHERE last_activity <= now() - first_delay),
                  count(*) FILTER (WHERE last_activity <= now() - first_delay AND last_activity >= now() - max_age))
      FROM open_cart
$$;
SELECT is((SELECT string_agg(format('%s %s %s', c.open_carts, c.abandoned_carts, c.abandoned_carts_in_window), ', ' ORDER BY d.n)
             FROM (VALUES (1, interval '24 hours', interval '7 days'), (2, '1 hour', '30 days'), (3, '36 hours', '4 days'),
                          (4, '8 days', '7 days')) AS d(n, first_delay, max_age)
            CROSS JOIN LATERAL cart_abandon.count_carts('public', d.first_delay, d.max_age) c),
          (SELECT string_agg(pg_temp.every_cart_counted(d.first_delay, d.max_age), ', ' ORDER BY d.n)
             FROM (VALUES (1, interval '24 hours', interval '7 days'), (2, '1 hour', '30 days'), (3, '36 hours', '4 days'),
                          (4, '8 days', '7 days')) AS d(n, first_delay, max_age)),
          'count_carts: the figures of a pass over every cart and its items, under four pairs of delays');

SELECT * FROM finish();
