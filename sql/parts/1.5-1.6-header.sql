-- cart_abandon 1.5 -> 1.6: trust across the seams (webhook statuses that arrive before their send
-- is recorded are kept and applied; failover; Meta's newer limits).
-- Assembled by make from this header and the function parts: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.6'" to load this file. \quit

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
