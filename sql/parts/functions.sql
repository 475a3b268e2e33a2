-- Medusa's tables that cart_abandon reads, missing from the given schema.
CREATE OR REPLACE FUNCTION cart_abandon.missing_medusa_tables(schema_name text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(array_agg(t ORDER BY t), '{}')
      FROM unnest(ARRAY['cart', 'cart_address', 'cart_line_item', 'cart_shipping_method', 'customer',
                        'customer_address', 'order', 'order_address', 'order_cart']) AS t
     WHERE to_regclass(quote_ident(schema_name) || '.' || quote_ident(t)) IS NULL
$$;

-- What a stage's outcome writes into cart.metadata.notifications (the seed's layout): sent (with
-- the time, any earlier error removed), or the error's public summary (NULL removes the key).
CREATE OR REPLACE FUNCTION cart_abandon.stage_notifications(
    stage integer, sent boolean, sent_at timestamptz, metadata_error text) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN sent
                THEN jsonb_build_object(p.prefix || 'Sent', true,
                                        p.prefix || 'SentAt', to_char(sent_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                        p.prefix || 'Error', NULL)
                ELSE jsonb_build_object(p.prefix || 'Error', nullif(metadata_error, ''))
           END
      FROM (SELECT CASE stage WHEN 1 THEN 'first' ELSE 'second' END AS prefix) p
$$;

-- The number a WhatsApp user (wa_id) is reached at: the one cart_abandon last sent to under that
-- wa_id, else the wa_id's digits (they are the E.164 number but in Brazil and Mexico).
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_wa_id(wa_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT d.phone FROM cart_abandon.deliveries d
                      WHERE d.wa_id = phone_of_wa_id.wa_id AND d.phone IS NOT NULL
                        AND d.status IN ('claimed', 'sent', 'unknown')
                      ORDER BY d.id DESC LIMIT 1), '+' || wa_id)
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

-- The settings in force, as the library reads them (loading it if needed).
CREATE OR REPLACE FUNCTION cart_abandon.effective_settings(
    OUT medusa_schema text, OUT first_delay interval, OUT second_delay interval, OUT max_age interval)
AS 'MODULE_PATHNAME', 'cart_abandon_effective_settings' LANGUAGE C STABLE;

CREATE OR REPLACE FUNCTION cart_abandon_process(
    batch_size integer DEFAULT 100, cursor text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS TABLE (cart_id text, stage integer, action text, detail text, next_cursor text)
AS 'MODULE_PATHNAME', 'cart_abandon_process' LANGUAGE C VOLATILE
-- SECURITY DEFINER: it reads Medusa's tables and the token, and writes the ledger and cart
-- metadata, for an operator who may do none of that directly. search_path pinned: nothing the
-- caller creates can stand in for what its queries name.
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off;

COMMENT ON FUNCTION cart_abandon_process(integer, text, jsonb) IS
'Processes one batch of due carts after the cursor, in the caller''s transaction; one row per cart examined.';

-- Not SECURITY DEFINER: PostgreSQL forbids COMMIT in such procedures. Instead each of its
-- statements runs as the extension's owner with search_path pinned (src/pg/spi.cpp), never
-- across a commit, so an error always falls back to the caller.
CREATE OR REPLACE PROCEDURE cart_abandon_run(options jsonb DEFAULT '{}')
AS 'MODULE_PATHNAME', 'cart_abandon_run' LANGUAGE C;

COMMENT ON PROCEDURE cart_abandon_run(jsonb) IS
'Processes every due cart batch by batch, committing each claim before its message is sent. Call at top level.';

-- Whether the backend that made a claim (deliveries.claim_session, '<pid>.<backend start in unix
-- microseconds>') is still running: its answers are still on their way. NULL: unknown, treated
-- as alive.
CREATE OR REPLACE FUNCTION cart_abandon.session_alive(claim_session text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT claim_session IS NULL OR claim_session !~ '^[0-9]+\.[0-9]+$' OR EXISTS (
        SELECT 1 FROM pg_catalog.pg_stat_get_activity(split_part(claim_session, '.', 1)::int) a
         WHERE (extract(epoch FROM a.backend_start) * 1000000)::bigint = split_part(claim_session, '.', 2)::bigint)
$$;

-- Meta's webhooks: the exact raw body of one POST and its X-Hub-Signature-256 header. Verified
-- against cart_abandon.whatsapp_app_secret (a mismatch: SQLSTATE 28000, nothing changed), then
-- applied: statuses to the ledger, opt-outs and resumes to cart_abandon.opt_outs. Idempotent and
-- order-independent; at most 1,000 updates per call. SECURITY DEFINER: the receiver's role
-- (cart_abandon_webhook) may call this and nothing else.
CREATE OR REPLACE FUNCTION cart_abandon_webhook(payload text, signature text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_webhook' LANGUAGE C VOLATILE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off;

COMMENT ON FUNCTION cart_abandon_webhook(text, text) IS
'Applies one signed WhatsApp webhook body (statuses, opt-outs); returns what it applied and ignored.';

-- The secret settings (whatsapp_token, whatsapp_app_secret) set in a configuration file while
-- cart_abandon is not in shared_preload_libraries: any role can SHOW them before a session loads
-- the library. Sending and webhooks refuse to use them; the stats flag them.
CREATE OR REPLACE FUNCTION cart_abandon.exposed_secrets() RETURNS text[]
AS 'MODULE_PATHNAME', 'cart_abandon_exposed_secrets' LANGUAGE C STABLE;

-- Whom cart_abandon.max_per_second holds for: 'sending_number', every caller of the cluster
-- together (the library is preloaded: the limit lives in shared memory), or 'call', each call
-- alone (concurrent calls add up).
-- part 5: the Graph API version an API URL pins, when Meta stops serving it, and a warning from
-- 90 days before (Meta then routes calls to the next version without an error).
CREATE OR REPLACE FUNCTION cart_abandon.graph_version(api_url text) RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_graph_version' LANGUAGE C STABLE;

CREATE OR REPLACE FUNCTION cart_abandon.rate_limit_scope() RETURNS text
AS 'MODULE_PATHNAME', 'cart_abandon_rate_limit_scope' LANGUAGE C STABLE;

-- ISO 4217 minor units of a currency code in any case (2 for eur, 0 for jpy, 3 for kwd), from
-- ICU's currency data; 2 for a code ICU does not know.
CREATE OR REPLACE FUNCTION cart_abandon.currency_minor_units(currency_code text) RETURNS integer
AS 'MODULE_PATHNAME', 'cart_abandon_currency_minor_units' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OR REPLACE FUNCTION cart_abandon.require_pg_cron() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        RAISE EXCEPTION 'pg_cron is not installed in this database'
            USING ERRCODE = '55000',
                  HINT = CASE WHEN current_setting('cron.database_name', true) IS NOT NULL
                              THEN format('pg_cron lives in database %s (cron.database_name): schedule from there with '
                                          'cron.schedule_in_database(''cart_abandon'', ''0 * * * *'', %L, %L), '
                                          'as the README shows.',
                                          current_setting('cron.database_name'),
                                          cart_abandon.scheduled_command(), current_database())
                              ELSE 'Add pg_cron to shared_preload_libraries, set cron.database_name to this database, '
                                   'restart, then CREATE EXTENSION pg_cron.' END;
    END IF;
END
$$;

-- The command of the scheduled job. The job runs as the extension's owner (a superuser), in a
-- session whose search_path the shop's roles may influence and in a schema where the database's
-- owner may create functions: the procedure is named with its schema and called with an argument
-- of its exact type, so that no overload another role creates (a cart_abandon_run() without
-- arguments, or with a variadic or polymorphic one) can be chosen instead.
CREATE OR REPLACE FUNCTION cart_abandon.scheduled_command() RETURNS text
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT format('CALL %I.cart_abandon_run(%L::pg_catalog.jsonb)', '@extschema@', '{}')
$$;

-- One job named cart_abandon; scheduling again replaces its schedule. Schedules are in GMT.
-- SECURITY DEFINER: the job belongs to the extension's owner, so it runs with the privileges the
-- run needs whoever scheduled it; its command is fixed here, only the schedule is the caller's.
CREATE OR REPLACE FUNCTION cart_abandon_schedule(schedule text DEFAULT '0 * * * *') RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    IF schedule IS NULL OR btrim(schedule) = '' THEN
        RAISE EXCEPTION 'schedule must be a cron expression such as ''0 * * * *'''
            USING ERRCODE = '22023';
    END IF;
    PERFORM cart_abandon.require_pg_cron();
    -- The job's command is only the CALL: pg_cron runs a committing procedure only as the sole statement.
    RETURN cron.schedule('cart_abandon', schedule, cart_abandon.scheduled_command());
END
$$;

CREATE OR REPLACE FUNCTION cart_abandon_unschedule() RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
BEGIN
    PERFORM cart_abandon.require_pg_cron();
    IF NOT EXISTS (SELECT 1 FROM cron.job WHERE jobname = 'cart_abandon' AND username = current_user) THEN
        RETURN false;
    END IF;
    RETURN cron.unschedule('cart_abandon');
END
$$;
