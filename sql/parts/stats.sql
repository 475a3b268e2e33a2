

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
        -- Each channel's state (1.9: SMS beside WhatsApp): paused, resumed, its last webhook.
        'channels', (SELECT jsonb_object_agg(k.channel, coalesce(
            (SELECT CASE WHEN c.paused
                         THEN jsonb_build_object('paused', true, 'error_code', c.error_code,
                                                 'error_message', c.error_message, 'since', c.changed_at)
                         WHEN c.error_code IS NOT NULL  -- paused once, then lifted
                         THEN jsonb_build_object('paused', false, 'resumed_at', c.changed_at)
                         ELSE jsonb_build_object('paused', false) END
                    || jsonb_build_object('last_webhook_at', c.last_webhook_at)
               FROM cart_abandon.channel_status c WHERE c.channel = k.channel),
            '{"paused": false, "last_webhook_at": null}'::jsonb))
            FROM unnest(ARRAY['whatsapp', 'sms']) AS k(channel)),
        -- What each channel did (1.9): reminders sent (not the previous system's), delivered by the
        -- provider's webhooks, failed, and stages it skipped (a skip that handed the stage on included).
        'by_channel', (SELECT jsonb_object_agg(f.channel, f.figures) FROM (
            SELECT k.channel, jsonb_build_object(
                'first_sent', count(d.id) FILTER (WHERE d.stage = 1 AND d.status = 'sent' AND d.origin = 'cart_abandon'),
                'second_sent', count(d.id) FILTER (WHERE d.stage = 2 AND d.status = 'sent' AND d.origin = 'cart_abandon'),
                'delivered', count(d.id) FILTER (WHERE d.delivered_at IS NOT NULL),
                'failed', count(d.id) FILTER (WHERE d.status = 'failed'),
                'skipped', count(d.id) FILTER (WHERE d.status = 'skipped')) AS figures
              FROM unnest(ARRAY['whatsapp', 'sms']) AS k(channel)
              LEFT JOIN cart_abandon.deliveries d ON d.channel = k.channel
             GROUP BY k.channel) f),
        'last_run', (SELECT to_jsonb(r) - 'options' - 'pid' FROM cart_abandon.runs r ORDER BY r.id DESC LIMIT 1),
        'replication', cart_abandon.replication_mode(),
        'schedule', schedule);
    RETURN result;
END
$$;
