-- cart_abandon 1.5 -> 1.6: trust across the seams (webhook statuses that arrive before their send
-- is recorded are kept and applied; failover; Meta's newer limits).
-- Built by make from this header and the files sql/upgrades/1.5--1.6.list names: edit those.
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

