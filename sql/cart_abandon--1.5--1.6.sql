-- cart_abandon 1.5 -> 1.6: trust across the seams (webhook statuses that arrive before their send
-- is recorded are kept and applied; failover; Meta's newer limits).
-- Released with 1.6 and frozen: built by make then from sql/upgrades/1.5--1.6.*, committed as built.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.6'" to load this file. \quit

-- part 2: silence is no proof; unknown claims are no longer looked up for reconcile_after.
DROP INDEX cart_abandon.deliveries_uncertain_idx;

-- A Mexican mobile's E.164 form no longer keeps the old "1" after +52 (libphonenumber drops it on
-- a second parse; 1.6 keeps the form that parses to itself): opt-outs recorded under the old form
-- move to the new one, so that the person stays out.
UPDATE cart_abandon.opt_outs o SET phone = '+52' || substr(o.phone, 5)
 WHERE o.phone ~ '^\+521[0-9]{10}$'
   AND NOT EXISTS (SELECT 1 FROM cart_abandon.opt_outs n WHERE n.phone = '+52' || substr(o.phone, 5));

-- part 1: status webhooks that arrive before their send is recorded are kept, then applied.
CREATE TABLE cart_abandon.kept_statuses (
    id             bigserial   PRIMARY KEY,
    channel        text        NOT NULL,
    wamid          text        NOT NULL,
    status         text        NOT NULL,
    at             timestamptz NOT NULL,
    recipient      text,
    delivery_id    bigint,
    claimed_at     timestamptz,
    action         text,
    error_code     integer,
    error_text     text,
    metadata_error text,
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    recipient_user_id text  -- the business-scoped user id the status named (part 5)
);
CREATE UNIQUE INDEX kept_statuses_once_idx ON cart_abandon.kept_statuses (channel, wamid, status, at);
CREATE INDEX kept_statuses_delivery_idx ON cart_abandon.kept_statuses (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX kept_statuses_received_idx ON cart_abandon.kept_statuses (received_at);

SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses_id_seq', '');

-- part 4: already bought, already gone
-- Erasure (issue 19 part 4): customers Medusa soft-deleted are never messaged again. Their numbers
-- are kept only as HMAC-SHA256 under a key of this database (src/pg/store/erasure.cpp): 32 random bytes,
-- one row made by the first erasure, readable by the extension's owner only (no grant);
-- customers_checked_at: deleted customers were looked for up to then.
CREATE TABLE cart_abandon.erasure_key (
    one                  boolean     PRIMARY KEY DEFAULT true CHECK (one),
    key                  bytea       NOT NULL CHECK (length(key) = 32),
    created_at           timestamptz NOT NULL DEFAULT clock_timestamp(),
    customers_checked_at timestamptz
);
-- The numbers of erased people, as cart_abandon.phone_hmac(E.164): never messaged again.
CREATE TABLE cart_abandon.erased_phones (
    phone_hmac bytea       PRIMARY KEY CHECK (length(phone_hmac) = 32),
    erased_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.erasure_key', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.erased_phones', '');
-- Erased people stay erased whoever writes afterwards (a late webhook naming the number or the
-- WhatsApp user): a ledger row that names no number never gains a wa_id (only erasure leaves a
-- row that reached Meta without one), and no opt-out or preference row is kept for an erased
-- number (cart_abandon.erased_phones keeps it unmessaged already). SECURITY DEFINER: the operator
-- adds opt-outs, and only the extension's owner reads the key and the hashes.
CREATE FUNCTION cart_abandon.deliveries_keep_erased() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.wa_id := NULL;
    RETURN NEW;
END
$$;
CREATE TRIGGER deliveries_keep_erased BEFORE UPDATE ON cart_abandon.deliveries FOR EACH ROW
    WHEN (OLD.phone IS NULL AND OLD.wa_id IS NULL AND NEW.phone IS NULL AND NEW.wa_id IS NOT NULL)
    EXECUTE FUNCTION cart_abandon.deliveries_keep_erased();
-- The row's number: its phone, or the digits of its wa_id (the number but in Brazil and Mexico).
CREATE FUNCTION cart_abandon.keep_erased_number_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cart_abandon.erased_phones e
                WHERE e.phone_hmac = cart_abandon.phone_hmac(CASE TG_ARGV[0] WHEN 'phone' THEN to_jsonb(NEW) ->> 'phone'
                                                             ELSE '+' || (to_jsonb(NEW) ->> 'wa_id') END)) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER opt_outs_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.opt_outs FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('phone');
CREATE TRIGGER whatsapp_preferences_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.whatsapp_preferences FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('wa_id');
-- part 5: Meta's limits
ALTER TABLE cart_abandon.deliveries ADD COLUMN unlisted_answer_at timestamptz;
CREATE TABLE cart_abandon.restricted_countries (
    phone_number_id text        NOT NULL,
    region          text        NOT NULL CHECK (region ~ '^[A-Z]{2}$'),
    error_message   text,
    since           timestamptz NOT NULL DEFAULT clock_timestamp(),
    until           timestamptz NOT NULL,
    PRIMARY KEY (phone_number_id, region)
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.restricted_countries', '');
ALTER TABLE cart_abandon.deliveries ADD COLUMN user_id text;
ALTER TABLE cart_abandon.opt_outs ADD COLUMN user_id text CHECK (length(user_id) BETWEEN 1 AND 256);
CREATE INDEX opt_outs_user_id_idx ON cart_abandon.opt_outs (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX deliveries_user_id_idx ON cart_abandon.deliveries (user_id) WHERE user_id IS NOT NULL;
CREATE TABLE cart_abandon.template_status (
    name       text        NOT NULL,
    language   text        NOT NULL,  -- '' when Meta named no language: every language
    status     text,                  -- PAUSED, DISABLED, APPROVED, ... (Meta's word)
    quality    text,                  -- GREEN, YELLOW, RED, UNKNOWN
    reason     text,
    at         timestamptz NOT NULL,  -- Meta's time of the latest event applied
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (name, language)
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.template_status', '');
ALTER TABLE cart_abandon.opt_outs ADD COLUMN phone_number_id text;


-- HMAC-SHA256 (RFC 2104, OpenSSL: src/core/keyed_hash.cpp) of data under key.
CREATE OR REPLACE FUNCTION cart_abandon.hmac_sha256(key bytea, data bytea) RETURNS bytea
AS 'MODULE_PATHNAME', 'cart_abandon_hmac_sha256' LANGUAGE C IMMUTABLE STRICT;

-- HMAC-SHA256 of an E.164 number under this database's erasure key: how the numbers of erased
-- people are kept. NULL before the first erasure made the key.
CREATE OR REPLACE FUNCTION cart_abandon.phone_hmac(phone text) RETURNS bytea
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT cart_abandon.hmac_sha256(k.key, convert_to(phone, 'UTF8')) FROM cart_abandon.erasure_key k
$$;

-- part 5: the number of a person Meta named by wa_id, or by business-scoped user id alone (the
-- number of the latest message whose status carried that user id); NULL when neither is known.
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_person(wa_id text, user_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN nullif(phone_of_person.wa_id, '') IS NOT NULL
                THEN cart_abandon.phone_of_wa_id(phone_of_person.wa_id)
                ELSE (SELECT d.phone FROM cart_abandon.deliveries d
                       WHERE d.user_id = nullif(phone_of_person.user_id, '') AND d.phone IS NOT NULL
                       ORDER BY d.id DESC LIMIT 1) END
$$;

-- The Graph API version of cart_abandon.whatsapp_api_url and how long Meta serves it:
-- {"version", "served_until", "served_at_least_until", "served_at_most_until", "days_left",
-- "expiring"} (src/core/graph_versions.cpp holds Meta's table).
CREATE OR REPLACE FUNCTION cart_abandon.graph_api() RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_graph_api' LANGUAGE C STABLE;

-- Medusa's tables that cart_abandon reads, missing from the given schema.
CREATE OR REPLACE FUNCTION cart_abandon.missing_medusa_tables(schema_name text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(t ORDER BY t), '{}')
      FROM unnest(ARRAY['cart', 'cart_address', 'cart_line_item', 'cart_shipping_method', 'customer',
                        'customer_address', 'order', 'order_address', 'order_cart',
                        'cart_payment_collection', 'payment_collection', 'payment_session', 'payment',
                        'sales_channel', 'region']) AS t
     WHERE to_regclass(quote_ident(schema_name) || '.' || quote_ident(t)) IS NULL
$$;



-- The shop's open carts, of them the abandoned (idle at least first_delay) and those abandoned
-- inside max_age, as a run that scans in full counts them at its end (src/pg/store/runs.cpp: one pass
-- over the carts and their items, read as the owner of Medusa's tables). schema_name must be
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
        'accepted', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND wamid IS NOT NULL),
                                       'second', count(*) FILTER (WHERE stage = 2 AND wamid IS NOT NULL)),
        'delivered', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND delivered_at IS NOT NULL),
                                        'second', count(*) FILTER (WHERE stage = 2 AND delivered_at IS NOT NULL)),
        'read', jsonb_build_object('first', count(*) FILTER (WHERE stage = 1 AND read_at IS NOT NULL),
                                   'second', count(*) FILTER (WHERE stage = 2 AND read_at IS NOT NULL)),
        'delivery_rate', CASE WHEN count(*) FILTER (WHERE wamid IS NOT NULL) > 0
                              THEN round(count(*) FILTER (WHERE delivered_at IS NOT NULL)::numeric
                                         / count(*) FILTER (WHERE wamid IS NOT NULL), 4) ELSE 0 END,
        'read_rate', CASE WHEN count(*) FILTER (WHERE wamid IS NOT NULL) > 0
                          THEN round(count(*) FILTER (WHERE read_at IS NOT NULL)::numeric
                                     / count(*) FILTER (WHERE wamid IS NOT NULL), 4) ELSE 0 END,
        'failed_after_acceptance', coalesce((SELECT jsonb_object_agg(coalesce(error_code, 0)::text, n) FROM (
                        SELECT error_code, count(*) AS n FROM cart_abandon.deliveries
                         WHERE failed_at IS NOT NULL GROUP BY error_code) f), '{}'::jsonb),
        -- 131049: Meta's per-user marketing cap; due again after 24 h.
        'deferred', count(*) FILTER (WHERE status = 'held' AND hold_reason = 'meta_marketing_cap'))
      INTO ledger
      FROM cart_abandon.deliveries;

    -- Recovered: completed after cart_abandon sent a reminder, as the latest run recorded them
    -- (src/pg/recoveries.cpp); value per currency, rounded to its minor units (ICU).
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


-- The indexes that make the hourly scan follow the carts active inside the max-age window, not
-- every cart ever made, a cart's removed items a lookup, and the reading of recent purchases a
-- range scan: name, Medusa table, and definition as pg_get_indexdef prints it after the table.
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
        -- A run reads the purchases since the max-age window began, once (1.0's per-cart
        -- indexes cart_abandon_completed_by_email and _by_customer are no longer used). An order
        -- without a cart counts from its updated_at (a converted draft: src/pg/purchases.cpp), so
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
REVOKE ALL ON PROCEDURE cart_abandon_run(jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_stats() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_daily(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_schedule(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_unschedule() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_recommended_indexes() FROM PUBLIC;
REVOKE ALL ON FUNCTION cart_abandon_webhook(text, text) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION cart_abandon_process(integer, text, jsonb) TO cart_abandon_operator;
GRANT EXECUTE ON PROCEDURE cart_abandon_run(jsonb) TO cart_abandon_operator;
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
