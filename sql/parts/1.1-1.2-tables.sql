-- The tables of 1.1 made those of 1.2 (sql/parts/tables.sql), their rows kept.

-- The webhook receiver's role: it may call cart_abandon_webhook and nothing else.
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cart_abandon_webhook') THEN
        CREATE ROLE cart_abandon_webhook NOLOGIN;
    END IF;
END
$roles$;

ALTER TABLE cart_abandon.deliveries
    ADD COLUMN message_status text,
    ADD COLUMN webhook_status text CONSTRAINT deliveries_webhook_status_check
        CHECK (webhook_status IN ('sent', 'delivered', 'read', 'played', 'failed')),
    ADD COLUMN delivered_at   timestamptz,
    ADD COLUMN read_at        timestamptz,
    ADD COLUMN failed_at      timestamptz,
    ADD COLUMN webhook_at     timestamptz,
    ADD COLUMN claim_session  text;
CREATE INDEX deliveries_wamid_idx ON cart_abandon.deliveries (wamid) WHERE wamid IS NOT NULL;
-- Requests whose answer was lost, for reconcile_after (each run looks them up).
CREATE INDEX deliveries_uncertain_idx ON cart_abandon.deliveries (claimed_at) WHERE status = 'unknown' AND wamid IS NULL;

ALTER TABLE cart_abandon.opt_outs ADD COLUMN wa_id text CHECK (wa_id ~ '^[0-9]{6,20}$');
CREATE INDEX opt_outs_wa_id_idx ON cart_abandon.opt_outs (wa_id) WHERE wa_id IS NOT NULL;

-- Each WhatsApp user's latest marketing preference (user_preferences webhooks: stop, resume) and
-- Meta's time for it: webhooks arrive late, twice and out of order, and only a newer event may
-- change what an older one decided.
CREATE TABLE cart_abandon.whatsapp_preferences (
    wa_id      text PRIMARY KEY,
    value      text        NOT NULL CHECK (value IN ('stop', 'resume')),
    at         timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.whatsapp_preferences', '');

ALTER TABLE cart_abandon.channel_status
    ADD COLUMN last_webhook_at timestamptz,
    ADD COLUMN webhook_covers  timestamptz;

-- 1.1 closed every stage that met a template or account error (132000-132018, 131063, 131064,
-- 100 with subcode 33 recorded as 100) as failed, with no attempt that could ever succeed:
-- 1.2 pauses the channel instead. Those stages become due again, their attempts given back.
UPDATE cart_abandon.deliveries
   SET status = 'retry', attempts = 0, updated_at = clock_timestamp(),
       error_message = 'reopened by 1.2: ' || coalesce(error_message, 'error ' || error_code)
 WHERE status = 'failed' AND origin = 'cart_abandon'
   AND error_code IN (132000, 132001, 132005, 132007, 132012, 132015, 132016, 132018, 131063, 131064,
                      131005, 131045, 133010);
