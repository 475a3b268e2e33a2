-- cart_abandon 1.6 -> 1.7: one engine, many channels (the ledger speaks of recipients and provider
-- message ids, not of WhatsApp's numbers and wamids).
-- Built by make from this header and the files sql/upgrades/1.6--1.7.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.7'" to load this file. \quit

-- The ledger names whom a channel addresses and the provider's ids, whatever the channel: renamed
-- in place (no row is rewritten; indexes, constraints and the trigger's condition follow).
ALTER TABLE cart_abandon.deliveries RENAME COLUMN phone TO recipient;
ALTER TABLE cart_abandon.deliveries RENAME COLUMN wamid TO provider_message_id;
ALTER TABLE cart_abandon.deliveries RENAME COLUMN wa_id TO provider_recipient_id;
ALTER TABLE cart_abandon.deliveries RENAME CONSTRAINT deliveries_sent_has_wamid TO deliveries_sent_has_provider_id;
ALTER INDEX cart_abandon.deliveries_contact_phone_idx RENAME TO deliveries_contact_recipient_idx;
ALTER INDEX cart_abandon.deliveries_wamid_idx RENAME TO deliveries_provider_message_id_idx;
ALTER INDEX cart_abandon.deliveries_contact_wa_id_idx RENAME TO deliveries_contact_provider_recipient_idx;
ALTER TABLE cart_abandon.kept_statuses RENAME COLUMN wamid TO provider_message_id;

-- Opt-outs are keyed by the kind of address and the address: 1.6's are numbers.
ALTER TABLE cart_abandon.opt_outs RENAME COLUMN phone TO address;
ALTER TABLE cart_abandon.opt_outs ADD COLUMN kind text NOT NULL DEFAULT 'phone' CHECK (kind IN ('phone', 'email'));
ALTER TABLE cart_abandon.opt_outs DROP CONSTRAINT opt_outs_pkey, ADD CONSTRAINT opt_outs_pkey PRIMARY KEY (kind, address);
ALTER TABLE cart_abandon.opt_outs DROP CONSTRAINT opt_outs_phone_check,
    ADD CONSTRAINT opt_outs_address_check CHECK (CASE kind WHEN 'phone' THEN address ~ '^\+[1-9][0-9]{6,14}$'
                                                         ELSE address ~ '^[^@\s]+@[^@\s]+$' AND address = lower(address) END);

-- The erasure trigger on opt-outs reads the address (sql/parts/erasure.sql; its function is
-- replaced below, as is the ledger trigger's, whose condition follows the renamed columns).
DROP TRIGGER opt_outs_keep_erased ON cart_abandon.opt_outs;
CREATE TRIGGER opt_outs_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.opt_outs FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('address');

-- cart_abandon_run answers its run id through an INOUT parameter, which CREATE OR REPLACE cannot
-- add: 1.6's procedure goes, functions/cart_abandon_run.sql creates 1.7's and parts/privileges.sql
-- grants it to cart_abandon_operator. EXECUTE granted on 1.6's to other roles goes with it: copied
-- here, it would count as the extension's initial privilege and outlive its role in pg_init_privs.
-- A pg_cron job's command is text naming the procedure and its options: it calls 1.7's.
DROP PROCEDURE cart_abandon_run(jsonb);

-- Trigger function (sql/parts/erasure.sql): a ledger row that names no recipient never gains the
-- provider's id of one (only erasure leaves a row that reached the provider without one).
CREATE OR REPLACE FUNCTION cart_abandon.deliveries_keep_erased() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.provider_recipient_id := NULL;
    RETURN NEW;
END
$$;

-- Trigger function (sql/parts/erasure.sql): no opt-out or preference row is kept for an erased
-- number (cart_abandon.erased_phones keeps it unmessaged already). The row's number: an opt-out's
-- address when it is a number (TG_ARGV[0] 'address'), or the digits of a wa_id ('wa_id': the
-- number but in Brazil and Mexico). SECURITY DEFINER: the operator adds opt-outs, and only the
-- extension's owner reads the key and the hashes.
CREATE OR REPLACE FUNCTION cart_abandon.keep_erased_number_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cart_abandon.erased_phones e
                WHERE e.phone_hmac = cart_abandon.phone_hmac(
                          CASE TG_ARGV[0] WHEN 'address' THEN CASE WHEN to_jsonb(NEW) ->> 'kind' = 'phone'
                                                                   THEN to_jsonb(NEW) ->> 'address' END
                                          ELSE '+' || (to_jsonb(NEW) ->> 'wa_id') END)) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;

-- The number a WhatsApp user (wa_id) is reached at: the one cart_abandon last sent to under that
-- wa_id, else the wa_id's digits (they are the E.164 number but in Brazil and Mexico).
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_wa_id(wa_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT d.recipient FROM cart_abandon.deliveries d
                      WHERE d.provider_recipient_id = phone_of_wa_id.wa_id AND d.recipient IS NOT NULL
                        AND d.status IN ('claimed', 'sent', 'unknown')
                      ORDER BY d.id DESC LIMIT 1), '+' || wa_id)
$$;

-- part 5: the number of a person Meta named by wa_id, or by business-scoped user id alone (the
-- number of the latest message whose status carried that user id); NULL when neither is known.
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_person(wa_id text, user_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN nullif(phone_of_person.wa_id, '') IS NOT NULL
                THEN cart_abandon.phone_of_wa_id(phone_of_person.wa_id)
                ELSE (SELECT d.recipient FROM cart_abandon.deliveries d
                       WHERE d.user_id = nullif(phone_of_person.user_id, '') AND d.recipient IS NOT NULL
                       ORDER BY d.id DESC LIMIT 1) END
$$;



-- The shop's open carts, of them the abandoned (idle at least first_delay) and those abandoned
-- inside max_age, as a run that scans in full counts them at its end (src/pg/store/runs.cpp: a pass
-- over the open carts, and the last activity of those changed since the earlier of the two times,
-- read as the owner of Medusa's tables). schema_name must be
-- cart_abandon.medusa_schema. Superuser only (the benchmark times it).
CREATE OR REPLACE FUNCTION cart_abandon.count_carts(
    schema_name text, first_delay interval, max_age interval,
    OUT open_carts bigint, OUT abandoned_carts bigint, OUT abandoned_carts_in_window bigint)
AS 'MODULE_PATHNAME', 'cart_abandon_count_carts' LANGUAGE C STABLE STRICT;

-- The cluster's replication as a failover would meet it. Exactly once across a failover only when
-- every claim's commit waits for a synchronous standby: synchronous_standby_names set, a
-- synchronous standby streaming, and synchronous_commit on, remote_write or remote_apply (the
-- claim path raises off to on, src/pg/store/ledger.cpp; 'local' does not wait). Otherwise claims lost
-- with the primary may be sent again by the promoted standby: at most the requests in flight.
-- NULL guarantee on a standby: runs are refused there.
CREATE OR REPLACE FUNCTION cart_abandon.replication_mode() RETURNS jsonb
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT jsonb_build_object(
        'role', CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END,
        'synchronous_standby_names', nullif(current_setting('synchronous_standby_names'), ''),
        'synchronous_commit', current_setting('synchronous_commit'),
        'claim_commit', CASE current_setting('synchronous_commit') WHEN 'off' THEN 'on'
                             ELSE current_setting('synchronous_commit') END,
        'standbys', r.standbys,
        'synchronous_standbys', r.synchronous,
        'guarantee', CASE WHEN pg_is_in_recovery() THEN NULL
                          WHEN current_setting('synchronous_standby_names') <> ''
                           AND current_setting('synchronous_commit') IN ('on', 'off', 'remote_write', 'remote_apply')
                           AND r.synchronous > 0
                          THEN 'exactly_once' ELSE 'in_flight_window' END,
        -- One batch is sent at a time: what a lag shorter than its sending can lose.
        'in_flight_window', current_setting('cart_abandon.batch_size', true)::int,
        'max_flush_lag', r.max_flush_lag)
      FROM (SELECT count(*) AS standbys,
                   count(*) FILTER (WHERE sync_state IN ('sync', 'quorum')) AS synchronous,
                   max(flush_lag) AS max_flush_lag
              FROM pg_stat_replication WHERE state = 'streaming') r
$$;

-- SECURITY DEFINER: the monitor reads the figures without reading carts, phones or the ledger.
CREATE OR REPLACE FUNCTION cart_abandon_stats() RETURNS jsonb
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    settings record;
    medusa text;
    missing text[];
    result jsonb;
    carts jsonb;
    ledger jsonb;
    recovered jsonb;
    schedule jsonb;
    cron_database text;
    last_scheduled jsonb;
BEGIN
    settings := cart_abandon.effective_settings();
    missing := cart_abandon.missing_medusa_tables(settings.medusa_schema);
    IF cardinality(missing) > 0 THEN
        RAISE EXCEPTION 'Medusa tables not found in schema "%": %', settings.medusa_schema, array_to_string(missing, ', ')
            USING ERRCODE = '42P01', HINT = 'Set cart_abandon.medusa_schema to the schema that holds Medusa''s tables.';
    END IF;
    medusa := quote_ident(settings.medusa_schema);

    -- The cart figures as the latest run that scanned in full counted them (cart_abandon.count_carts):
    -- counting every open cart per call took 12 to 14 s at a million carts. NULL before such a run.
    SELECT jsonb_build_object('open_carts', r.open_carts, 'abandoned_carts', r.abandoned_carts,
                              'abandoned_carts_in_window', r.abandoned_carts_in_window,
                              'carts_counted_at', r.carts_counted_at)
      INTO carts
      FROM cart_abandon.runs r WHERE r.carts_counted_at IS NOT NULL ORDER BY r.id DESC LIMIT 1;
    carts := coalesce(carts, jsonb_build_object('open_carts', NULL, 'abandoned_carts', NULL,
                                                'abandoned_carts_in_window', NULL, 'carts_counted_at', NULL));

    -- What cart_abandon sent, apart from what the shop's previous system had sent (imported).
    SELECT jsonb_build_object(
        'first_sent', count(*) FILTER (WHERE stage = 1 AND status = 'sent' AND origin = 'cart_abandon'),
        'second_sent', count(*) FILTER (WHERE stage = 2 AND status = 'sent' AND origin = 'cart_abandon'),
        'imported', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND origin = 'imported'),
                                       'second', count(*) FILTER (WHERE stage = 2 AND origin = 'imported')),
        'failed', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND status = 'failed'),
                                     'second', count(*) FILTER (WHERE stage = 2 AND status = 'failed')),
        'unknown', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND status = 'unknown'),
                                      'second', count(*) FILTER (WHERE stage = 2 AND status = 'unknown')),
        'retry_pending', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND status = 'retry'),
                                            'second', count(*) FILTER (WHERE stage = 2 AND status = 'retry')),
        'in_flight', count(*) FILTER (WHERE status = 'claimed'),
        'skipped', coalesce((SELECT jsonb_object_agg(skip_reason, n) FROM (
                        SELECT skip_reason, count(*) AS n FROM cart_abandon.deliveries
                         WHERE status = 'skipped' GROUP BY skip_reason) s), '{}'::jsonb),
        'held', coalesce((SELECT jsonb_object_agg(hold_reason, n) FROM (
                        SELECT hold_reason, count(*) AS n FROM cart_abandon.deliveries
                         WHERE status = 'held' GROUP BY hold_reason) s), '{}'::jsonb),
        'reminded_carts', count(DISTINCT cart_id) FILTER (WHERE status = 'sent' AND origin = 'cart_abandon'),
        -- Meta's side (status webhooks): accepted = every message Meta took, failed later or not.
        'accepted', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND provider_message_id IS NOT NULL),
                                       'second', count(*) FILTER (WHERE stage = 2 AND provider_message_id IS NOT NULL)),
        'delivered', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND delivered_at IS NOT NULL),
                                        'second', count(*) FILTER (WHERE stage = 2 AND delivered_at IS NOT NULL)),
        'read', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND read_at IS NOT NULL),
                                   'second', count(*) FILTER (WHERE stage = 2 AND read_at IS NOT NULL)),
        'delivery_rate', CASE WHEN count(*) FILTER (WHERE provider_message_id IS NOT NULL) > 0
                              THEN round(count(*) FILTER (WHERE delivered_at IS NOT NULL)::numeric
                                         / count(*) FILTER (WHERE provider_message_id IS NOT NULL), 4) ELSE 0 END,
        'read_rate', CASE WHEN count(*) FILTER (WHERE provider_message_id IS NOT NULL) > 0
                          THEN round(count(*) FILTER (WHERE read_at IS NOT NULL)::numeric
                                     / count(*) FILTER (WHERE provider_message_id IS NOT NULL), 4) ELSE 0 END,
        'failed_after_acceptance', coalesce((SELECT jsonb_object_agg(coalesce(error_code, 0)::text, n) FROM (
                        SELECT error_code, count(*) AS n FROM cart_abandon.deliveries
                         WHERE failed_at IS NOT NULL GROUP BY error_code) f), '{}'::jsonb),
        -- 131049: Meta's per-user marketing cap; due again after 24 h.
        'deferred', count(*) FILTER (WHERE status = 'held' AND hold_reason = 'meta_marketing_cap'))
      INTO ledger
      FROM cart_abandon.deliveries;

    -- Recovered: completed after cart_abandon sent a reminder, as the latest run recorded them
    -- (src/pg/store/recoveries.cpp); value per currency, rounded to its minor units (ICU).
    -- NULL before the first run has looked.
    SELECT CASE WHEN max(r.recoveries_checked_at) IS NULL
                THEN jsonb_build_object('recovered_carts', NULL, 'recovered_value', NULL, 'recoveries_checked_at', NULL)
                ELSE jsonb_build_object(
                    'recovered_carts', (SELECT count(*) FROM cart_abandon.recovered_carts),
                    'recovered_value', coalesce((
                        SELECT jsonb_object_agg(p.currency_code, p.value)
                          FROM (SELECT rc.currency_code,
                                       round(sum(rc.value), cart_abandon.currency_minor_units(rc.currency_code)) AS value
                                  FROM cart_abandon.recovered_carts rc WHERE rc.value IS NOT NULL
                                 GROUP BY rc.currency_code) p), '{}'::jsonb),
                    'recoveries_checked_at', max(r.recoveries_checked_at)) END
      INTO recovered
      FROM cart_abandon.runs r WHERE r.recoveries_checked_at IS NOT NULL;

    -- pg_cron usually lives in another database (cron.database_name): its jobs cannot be read
    -- from here, so 'scheduled' is then unknown (NULL), and what tells is the latest run pg_cron
    -- started, from our own run log.
    IF current_setting('shared_preload_libraries') ~ '(^|[\s,"])pg_cron($|[\s,"])' THEN
        cron_database := current_setting('cron.database_name', true);
    END IF;
    last_scheduled := (SELECT jsonb_build_object('id', r.id, 'status', r.status, 'started_at', r.started_at,
                                                 'finished_at', r.finished_at)
                         FROM cart_abandon.runs r WHERE r.started_by = 'pg_cron' ORDER BY r.id DESC LIMIT 1);
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        EXECUTE $q$
            SELECT coalesce((
                SELECT jsonb_build_object(
                    'pg_cron', true, 'scheduled', true, 'jobid', j.jobid, 'schedule', j.schedule,
                    'active', j.active, 'command', j.command,
                    'last_result', (SELECT jsonb_build_object('status', d.status, 'start_time', d.start_time,
                                                              'end_time', d.end_time, 'message', d.return_message)
                                      FROM cron.job_run_details d WHERE d.jobid = j.jobid
                                     ORDER BY d.start_time DESC NULLS LAST LIMIT 1))
                  FROM cron.job j WHERE j.jobname = 'cart_abandon' ORDER BY j.jobid LIMIT 1),
                jsonb_build_object('pg_cron', true, 'scheduled', false)) $q$
        INTO schedule;
        schedule := schedule || jsonb_build_object('pg_cron_database', current_database());
    ELSE
        schedule := jsonb_build_object('pg_cron', false, 'pg_cron_database', cron_database,
                                       'scheduled', CASE WHEN cron_database IS NULL THEN false END);
    END IF;
    schedule := schedule || jsonb_build_object('last_scheduled_run', last_scheduled);

    result := carts || ledger || recovered || jsonb_build_object(
        'recovery_rate', CASE WHEN recovered -> 'recovered_carts' = 'null'::jsonb THEN NULL
                              WHEN (ledger ->> 'reminded_carts')::bigint > 0
                              THEN round((recovered ->> 'recovered_carts')::numeric / (ledger ->> 'reminded_carts')::numeric, 4)
                              ELSE 0 END,
        'opt_outs', (SELECT count(*) FROM cart_abandon.opt_outs),
        'opt_outs_by_source', coalesce((SELECT jsonb_object_agg(source, n) FROM (
                        SELECT source, count(*) AS n FROM cart_abandon.opt_outs GROUP BY source) o), '{}'::jsonb),
        'last_webhook_at', (SELECT c.last_webhook_at FROM cart_abandon.channel_status c WHERE c.channel = 'whatsapp'),
        -- Statuses that came before their message was recorded, waiting for it (7 days at most).
        'kept_statuses', (SELECT jsonb_build_object('count', count(*), 'oldest_received_at', min(k.received_at))
                            FROM cart_abandon.kept_statuses k),
        -- Cart metadata is a mirror of the ledger, written without waiting for a shopper: what
        -- it does not show yet (held by a transaction, or failing: metadata_write_error says why).
        'cart_metadata', (SELECT jsonb_build_object(
                                  'pending', count(*),
                                  'failing', count(*) FILTER (WHERE d.metadata_write_error IS NOT NULL),
                                  'oldest_pending_since', min(d.metadata_pending_since))
                             FROM cart_abandon.deliveries d WHERE d.metadata_pending_since IS NOT NULL),
        'exposed_secrets', to_jsonb(cart_abandon.exposed_secrets()),
        'graph_api', cart_abandon.graph_api(),
        'rate_limit', jsonb_build_object('max_per_second', current_setting('cart_abandon.max_per_second')::int,
                                         'per', cart_abandon.rate_limit_scope()),
        'missing_indexes', to_jsonb(cart_abandon.missing_indexes(settings.medusa_schema)),
        'channels', jsonb_build_object('whatsapp', coalesce(
            (SELECT CASE WHEN c.paused
                         THEN jsonb_build_object('paused', true, 'error_code', c.error_code,
                                                 'error_message', c.error_message, 'since', c.changed_at)
                         WHEN c.error_code IS NOT NULL  -- paused once, then lifted
                         THEN jsonb_build_object('paused', false, 'resumed_at', c.changed_at)
                         ELSE jsonb_build_object('paused', false) END
                    || jsonb_build_object('last_webhook_at', c.last_webhook_at)
               FROM cart_abandon.channel_status c WHERE c.channel = 'whatsapp'),
            '{"paused": false, "last_webhook_at": null}'::jsonb)),
        'last_run', (SELECT to_jsonb(r) - 'options' - 'pid' FROM cart_abandon.runs r ORDER BY r.id DESC LIMIT 1),
        'replication', cart_abandon.replication_mode(),
        'schedule', schedule);
    RETURN result;
END
$$;

-- Not SECURITY DEFINER: PostgreSQL forbids COMMIT in such procedures. Instead each of its
-- statements runs as the extension's owner with search_path pinned (src/pg/base/spi.cpp), never
-- across a commit, so an error always falls back to the caller.
-- run_id is INOUT because a procedure answers through its output parameters alone, and with a
-- default so that CALL cart_abandon_run() and pg_cron's command need no second argument.
CREATE OR REPLACE PROCEDURE cart_abandon_run(options jsonb DEFAULT '{}', INOUT run_id bigint DEFAULT NULL)
AS 'MODULE_PATHNAME', 'cart_abandon_run' LANGUAGE C;

COMMENT ON PROCEDURE cart_abandon_run(jsonb, bigint) IS
'Processes every due cart batch by batch, committing each claim before its message is sent. Call at top level. '
'Answers one row, run_id: the id of the cart_abandon.runs row it wrote (NULL for a dry run, which writes none); '
'the run_id passed in is not read.';


-- The indexes that make the hourly scan follow the carts active inside the max-age window, not
-- every cart ever made, a cart's removed items a lookup, and the reading of recent purchases and
-- of deleted customers a range scan: name, Medusa table, and definition as pg_get_indexdef prints
-- it after the table.
-- One list both creates them (cart_abandon_recommended_indexes) and finds them missing
-- (cart_abandon.missing_indexes), so the two cannot drift apart.
CREATE OR REPLACE FUNCTION cart_abandon.recommended_index_list(
    OUT name text, OUT table_name text, OUT definition text) RETURNS SETOF record
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES
        ('cart_abandon_open_cart_activity', 'cart',
         'USING btree (updated_at) WHERE ((deleted_at IS NULL) AND (completed_at IS NULL))'),
        -- Every change to an item or shipping method, removals included (1.0's indexes on
        -- greatest(created_at, updated_at) are no longer used: drop them once these exist).
        ('cart_abandon_line_item_changes', 'cart_line_item',
         'USING btree (GREATEST(created_at, updated_at, deleted_at), cart_id)'),
        ('cart_abandon_shipping_changes', 'cart_shipping_method',
         'USING btree (GREATEST(created_at, updated_at, deleted_at), cart_id)'),
        -- A cart's removed items and shipping methods, by cart (Medusa's cart_id indexes hold
        -- live rows only).
        ('cart_abandon_line_item_removed', 'cart_line_item', 'USING btree (cart_id) WHERE (deleted_at IS NOT NULL)'),
        ('cart_abandon_shipping_removed', 'cart_shipping_method', 'USING btree (cart_id) WHERE (deleted_at IS NOT NULL)'),
        -- Changed addresses and customers lift skips for want of a phone or of consent.
        ('cart_abandon_cart_address_changes', 'cart_address', 'USING btree (updated_at)'),
        ('cart_abandon_customer_changes', 'customer', 'USING btree (updated_at)'),
        -- Each run looks for customers Medusa deleted since its last look (erasure), in
        -- (deleted_at, id) order: Medusa's own index on deleted_at holds the live ones only.
        ('cart_abandon_customer_deleted', 'customer', 'USING btree (deleted_at, id) WHERE (deleted_at IS NOT NULL)'),
        -- A run reads the purchases since the max-age window began, once (1.0's per-cart
        -- indexes cart_abandon_completed_by_email and _by_customer are no longer used). An order
        -- without a cart counts from its updated_at (a converted draft: src/pg/store/purchases.cpp), so
        -- orders are read by their latest time (1.5's cart_abandon_order_created is no longer used).
        ('cart_abandon_completed', 'cart', 'USING btree (completed_at) WHERE (completed_at IS NOT NULL)'),
        ('cart_abandon_order_changes', 'order', 'USING btree (GREATEST(created_at, updated_at))')
$$;

-- The recommended indexes missing from the Medusa schema, by name, in the list's order. An index
-- counts by its definition (table, columns or expressions, predicate), whatever its name, once
-- valid: one a shop made under its own name serves as well, and one a failed CREATE INDEX
-- CONCURRENTLY left invalid does not. A catalog lookup: cheap enough for every run and stats call.
CREATE OR REPLACE FUNCTION cart_abandon.missing_indexes(schema_name text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH recommended AS (
        SELECT r.name, r.definition, r.n,
               pg_catalog.to_regclass(quote_ident(schema_name) || '.' || quote_ident(r.table_name)) AS table_oid
          FROM cart_abandon.recommended_index_list() WITH ORDINALITY AS r(name, table_name, definition, n)),
    -- Each valid index of those tables deparsed once (the first call in a session reads the catalog).
    present AS MATERIALIZED (
        SELECT i.indrelid, substr(d.def, strpos(d.def, ' USING ') + 1) AS definition
          FROM pg_catalog.pg_index i
         CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_indexdef(i.indexrelid) AS def) d
         WHERE i.indisvalid AND i.indrelid IN (SELECT table_oid FROM recommended))
    SELECT coalesce(array_agg(r.name ORDER BY r.n), '{}')
      FROM recommended r
     WHERE NOT EXISTS (SELECT 1 FROM present p WHERE p.indrelid = r.table_oid AND p.definition = r.definition)
$$;

-- Returned as statements to run one by one outside a transaction (CONCURRENTLY: no lock that
-- stops Medusa's writes; an extension script or function cannot run them):
-- SELECT * FROM cart_abandon_recommended_indexes() \gexec
CREATE OR REPLACE FUNCTION cart_abandon_recommended_indexes() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
    SELECT statement FROM (
        SELECT format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON %s.%I %s', r.name,
                      quote_ident((cart_abandon.effective_settings()).medusa_schema), r.table_name, r.definition),
               r.n
          FROM cart_abandon.recommended_index_list() WITH ORDINALITY AS r(name, table_name, definition, n)
        UNION ALL
        -- The planner estimates a time range on an expression only from the statistics of a
        -- non-partial index on it, gathered by the next ANALYZE: without them it guesses a third
        -- of the table and scans every cart.
        SELECT format('ANALYZE %1$s.cart_line_item, %1$s.cart_shipping_method, %1$s."order"',
                      quote_ident((cart_abandon.effective_settings()).medusa_schema)), 1000
    ) s(statement, n)
     ORDER BY n
$$;


-- ---- privileges: nothing for PUBLIC ----
REVOKE ALL ON ALL TABLES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA cart_abandon FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_process(integer, text, jsonb) FROM PUBLIC;
REVOKE ALL ON PROCEDURE cart_abandon_run(jsonb, bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_stats() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_daily(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_schedule(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_unschedule() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_recommended_indexes() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_webhook(text, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION cart_abandon_process(integer, text, jsonb) TO cart_abandon_operator;
GRANT EXECUTE ON PROCEDURE cart_abandon_run(jsonb, bigint) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_schedule(text) TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_unschedule() TO cart_abandon_operator;
GRANT EXECUTE ON FUNCTION cart_abandon_stats() TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_daily(integer) TO cart_abandon_operator, cart_abandon_monitor;
GRANT EXECUTE ON FUNCTION cart_abandon_webhook(text, text) TO cart_abandon_webhook, cart_abandon_operator;
GRANT USAGE ON SCHEMA cart_abandon TO cart_abandon_operator;
GRANT SELECT ON cart_abandon.deliveries, cart_abandon.runs, cart_abandon.channel_status, cart_abandon.whatsapp_preferences,
                cart_abandon.recovered_carts
    TO cart_abandon_operator;
GRANT SELECT, INSERT, DELETE ON cart_abandon.opt_outs TO cart_abandon_operator;
GRANT SELECT, DELETE ON cart_abandon.restricted_countries TO cart_abandon_operator;  -- part 5: lift one by hand
GRANT SELECT ON cart_abandon.template_status TO cart_abandon_operator;  -- part 5
