-- The extension's own data lives in schema cart_abandon; its SQL API in the schema the
-- extension is installed in (public by default), so the calls work unqualified.
CREATE SCHEMA cart_abandon;
REVOKE ALL ON SCHEMA cart_abandon FROM PUBLIC;

-- Roles, kept across DROP/CREATE EXTENSION (roles belong to the cluster, not the extension):
-- the operator runs, schedules and manages opt-outs; the monitor reads the stats. Grant them to
-- login roles: GRANT cart_abandon_operator TO shop_admin;
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cart_abandon_operator') THEN
        CREATE ROLE cart_abandon_operator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cart_abandon_monitor') THEN
        CREATE ROLE cart_abandon_monitor NOLOGIN;
    END IF;
END
$roles$;
-- The webhook receiver (the Medusa plugin's endpoint, or any other) calls cart_abandon_webhook
-- and nothing else: GRANT cart_abandon_webhook TO medusa_webhook_login;
DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'cart_abandon_webhook') THEN
        CREATE ROLE cart_abandon_webhook NOLOGIN;
    END IF;
END
$roles$;

-- One row per cart, stage and channel. The unique key is what makes two concurrent runs unable
-- to send the same reminder: a run claims the row (status 'claimed', committed) before sending.
CREATE TABLE cart_abandon.deliveries (
    id            bigserial PRIMARY KEY,
    cart_id       text        NOT NULL,
    stage         smallint    NOT NULL CHECK (stage IN (1, 2)),
    channel       text        NOT NULL CHECK (channel IN ('whatsapp', 'email', 'sms')),
    status        text        NOT NULL
                  CONSTRAINT deliveries_status_check
                  CHECK (status IN ('claimed', 'sent', 'retry', 'failed', 'skipped', 'unknown', 'held')),
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Whom the channel addresses (1.7, channel-neutral): an E.164 number for WhatsApp (and SMS),
    -- an email address for email. NULL: none found, or erased.
    recipient     text,
    run_id        bigint,
    -- The provider's id of the accepted message (WhatsApp: Meta's wamid), and its id of the
    -- recipient (WhatsApp: the wa_id, which differs from the number in Brazil and Mexico).
    provider_message_id   text,
    provider_recipient_id text,
    skip_reason   text,
    error_code    integer,
    error_message text,
    claimed_at    timestamptz,
    sent_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- 'imported': a reminder the shop's previous system sent (cart.metadata notifications); no
    -- provider message id, and no sent_at when the metadata had no time.
    origin        text        NOT NULL DEFAULT 'cart_abandon',
    -- 'held': due, but not now (quiet hours at the recipient, the per-person frequency cap):
    -- no attempt made, nothing closed; it may go from not_before. Also 'meta_marketing_cap':
    -- Meta did not deliver it (131049) and asks for 24 h; that attempt counts.
    hold_reason   text,
    not_before    timestamptz,
    -- A skip that more data can lift (no_phone, invalid_phone, blocked_region, no_consent): the
    -- cart's latest change (Medusa's clock) when skipped; a later change re-examines it.
    cart_changed_at timestamptz,
    -- What Meta said of the message after accepting it: the send answer's message_status
    -- (accepted, held_for_quality_assessment), then the status webhooks: the furthest status
    -- (sent < delivered < read < played; failed is final), Meta's times of delivery and reading,
    -- the time of a failure after acceptance (its code in error_code), and when a webhook last
    -- changed the row (our clock).
    message_status  text,
    webhook_status  text CONSTRAINT deliveries_webhook_status_check
                    CHECK (webhook_status IN ('sent', 'delivered', 'read', 'played', 'failed')),
    delivered_at    timestamptz,
    read_at         timestamptz,
    failed_at       timestamptz,
    webhook_at      timestamptz,
    -- The backend that claimed the row ('<pid>.<backend start, unix microseconds>'): when it is
    -- gone, its journal of started requests tells which claims never left (released at once).
    claim_session   text,
    -- The ledger is the truth, cart metadata a mirror written afterwards without waiting for a
    -- shopper (src/pg/store/cart_metadata.hpp): set while the cart's metadata does not show this row
    -- yet; the public summary of a failure it shows (firstError/secondError); why its last write
    -- failed (a shop trigger, a constraint), NULL while it only waits for the cart's lock.
    metadata_pending_since timestamptz,
    metadata_error         text,
    metadata_write_error   text,
    -- Meta said the user stopped marketing (131050): the number goes to opt_outs, done after the
    -- outcome commits and by the next call if that one was interrupted.
    opt_out_pending        boolean NOT NULL DEFAULT false,
    -- part 5: when the stage got an answer whose error code Meta's table (as this version knows
    -- it) does not name, or a failed status without a code: that first one was retried without
    -- spending an attempt; a second such answer fails the stage.
    unlisted_answer_at     timestamptz,
    -- part 5: the recipient's business-scoped user id (BSUID), from a status webhook's
    -- recipient_user_id: a STOP or a preference naming the user by it alone finds this number.
    user_id                text,
    -- 1.8: a stage falls back to the next channel once, when the first failed for good (a
    -- permanent answer at the send or by webhook): this row's stage on the channel before it.
    fallback_of            bigint,
    CONSTRAINT deliveries_one_per_cart_stage_channel UNIQUE (cart_id, stage, channel),
    CONSTRAINT deliveries_origin_check CHECK (origin IN ('cart_abandon', 'imported')),
    CONSTRAINT deliveries_sent_has_provider_id
        CHECK (status <> 'sent' OR origin = 'imported' OR (provider_message_id IS NOT NULL AND sent_at IS NOT NULL)),
    CONSTRAINT deliveries_held_has_time
        CHECK (status <> 'held' OR (not_before IS NOT NULL AND hold_reason IS NOT NULL))
);
CREATE INDEX deliveries_open_idx ON cart_abandon.deliveries (claimed_at) WHERE status IN ('claimed', 'retry');
CREATE INDEX deliveries_run_idx ON cart_abandon.deliveries (run_id);
-- An incremental scan finds the carts whose second reminder came due by the first one's time.
CREATE INDEX deliveries_first_sent_idx ON cart_abandon.deliveries (sent_at) WHERE stage = 1 AND status = 'sent';
-- Held stages whose time has come (the incremental scan looks them up by time).
CREATE INDEX deliveries_held_idx ON cart_abandon.deliveries (not_before) WHERE status = 'held';
-- The frequency cap: a person's latest contact, by recipient and by the provider's id of them.
CREATE INDEX deliveries_contact_recipient_idx ON cart_abandon.deliveries (recipient, (coalesce(sent_at, claimed_at)))
    WHERE status IN ('claimed', 'sent', 'unknown');
-- Status webhooks name the message by the provider's id of it.
CREATE INDEX deliveries_provider_message_id_idx ON cart_abandon.deliveries (provider_message_id) WHERE provider_message_id IS NOT NULL;
CREATE INDEX deliveries_metadata_pending_idx ON cart_abandon.deliveries (id) WHERE metadata_pending_since IS NOT NULL;
CREATE INDEX deliveries_opt_out_pending_idx ON cart_abandon.deliveries (id) WHERE opt_out_pending;
CREATE INDEX deliveries_contact_provider_recipient_idx ON cart_abandon.deliveries (provider_recipient_id, (coalesce(sent_at, claimed_at)))
    WHERE provider_recipient_id IS NOT NULL AND status IN ('claimed', 'sent', 'unknown');

-- People who must never be messaged, by the kind of their address and the address (1.7): a
-- 'phone' is an E.164 number (with '+'), an 'email' an address as cart_abandon normalizes it
-- (lower case); when Meta named them, their wa_id too (Brazilian and Mexican wa_ids differ from
-- the number). A number's opt-out holds for every channel that reaches that number. Sources: 'manual' (the
-- shop), 'whatsapp' (the user's marketing preference: a user_preferences stop webhook),
-- 'whatsapp_131050' (Meta refused a message: the user stopped marketing), 'whatsapp_reply' (a
-- "STOP" reply or the "Stop promotions" button). A user_preferences resume removes only the
-- first two: a written request to stop is lifted by the shop alone.
CREATE TABLE cart_abandon.opt_outs (
    address    text        NOT NULL,
    source     text        NOT NULL DEFAULT 'manual',
    reason     text,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    wa_id      text        CHECK (wa_id ~ '^[0-9]{6,20}$'),
    -- part 5: the person's business-scoped user id, when Meta named them by it.
    user_id    text        CHECK (length(user_id) BETWEEN 1 AND 256),
    -- part 5: the sending number (Meta's phone-number id) a WhatsApp stop came through: it holds
    -- for that number only. NULL: every number (the shop's own entries, 131050, and a person who
    -- stopped two numbers).
    phone_number_id text,
    kind       text        NOT NULL DEFAULT 'phone' CHECK (kind IN ('phone', 'email')),  -- 1.7
    CONSTRAINT opt_outs_pkey PRIMARY KEY (kind, address),
    CONSTRAINT opt_outs_address_check CHECK (CASE kind WHEN 'phone' THEN address ~ '^\+[1-9][0-9]{6,14}$'
                                                       ELSE address ~ '^[^@\s]+@[^@\s]+$' AND address = lower(address) END)
);
CREATE INDEX opt_outs_wa_id_idx ON cart_abandon.opt_outs (wa_id) WHERE wa_id IS NOT NULL;
CREATE INDEX opt_outs_user_id_idx ON cart_abandon.opt_outs (user_id) WHERE user_id IS NOT NULL;  -- part 5
CREATE INDEX deliveries_user_id_idx ON cart_abandon.deliveries (user_id) WHERE user_id IS NOT NULL;  -- part 5

-- Each WhatsApp user's latest marketing preference (user_preferences webhooks: stop, resume) and
-- Meta's time for it: webhooks arrive late, twice and out of order, and only a newer event may
-- change what an older one decided.
CREATE TABLE cart_abandon.whatsapp_preferences (
    wa_id      text PRIMARY KEY,
    value      text        NOT NULL CHECK (value IN ('stop', 'resume')),
    at         timestamptz NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- part 5: countries whose users Meta does not let this business message (130497), per sending
-- number: that country's carts are held until `until` (no attempt spent), the others go on.
-- Each 130497 renews it; the first cart due after it probes again.
CREATE TABLE cart_abandon.restricted_countries (
    phone_number_id text        NOT NULL,
    region          text        NOT NULL CHECK (region ~ '^[A-Z]{2}$'),
    error_message   text,
    since           timestamptz NOT NULL DEFAULT clock_timestamp(),
    until           timestamptz NOT NULL,
    PRIMARY KEY (phone_number_id, region)
);

-- part 5: each template's latest status and quality as Meta's webhooks told
-- (message_template_status_update, message_template_quality_update): a PAUSED or DISABLED
-- template's stage is held without a request until it is APPROVED again.
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

-- Whether a channel is paused by an answer every request would get alike (token, account,
-- template, number id: 190, 132001, 100/33, ...), since when and why. Written with the outcomes
-- of the batch that hit it; the next call probes with one request and an accepted one clears it.
-- last_webhook_at: when a signed webhook last arrived; webhook_covers: the latest claim time of
-- a message a status webhook has spoken of (for the record: since 1.6 silence before it proves
-- nothing, see Webhooks in the README).
CREATE TABLE cart_abandon.channel_status (
    channel         text PRIMARY KEY CHECK (channel IN ('whatsapp', 'email', 'sms')),
    paused          boolean     NOT NULL,
    error_code      integer,
    error_message   text,
    changed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_webhook_at timestamptz,
    webhook_covers  timestamptz
);

-- One row per CALL cart_abandon_run(), updated after every batch.
CREATE TABLE cart_abandon.runs (
    id          bigserial PRIMARY KEY,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    progress_at timestamptz,
    finished_at timestamptz,
    status      text        NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'succeeded', 'failed', 'interrupted', 'channel_paused')),
    options     jsonb       NOT NULL DEFAULT '{}',
    pid         integer     NOT NULL DEFAULT pg_backend_pid(),
    batches     integer     NOT NULL DEFAULT 0,
    examined    integer     NOT NULL DEFAULT 0,
    sent_first  integer     NOT NULL DEFAULT 0,
    sent_second integer     NOT NULL DEFAULT 0,
    failed      integer     NOT NULL DEFAULT 0,
    retry       integer     NOT NULL DEFAULT 0,
    skipped     integer     NOT NULL DEFAULT 0,
    last_cursor text,
    detail      text,
    -- How the run found its candidates: 'full' (every cart active in the max-age window) or
    -- 'incremental' (only carts that can have come due since scan_from of the last complete
    -- run with the same scan_key: medusa schema and delays).
    scan        text        CHECK (scan IN ('full', 'incremental')),
    scan_from   timestamptz,  -- taken before the run's first selection
    scan_since  timestamptz,  -- incremental: the scan_from of the complete run it continues
    scan_key    text,
    held        integer     NOT NULL DEFAULT 0,
    imported    integer     NOT NULL DEFAULT 0,
    -- Who started it: the session's application_name, else its backend type ('pg_cron' for a
    -- scheduled run in either of pg_cron's modes).
    started_by  text,
    -- The shop's carts as a run that scanned in full counted them at its end (one set-wise pass;
    -- cart_abandon_stats() reports the latest instead of scanning every cart per call).
    open_carts                bigint,
    abandoned_carts           bigint,
    abandoned_carts_in_window bigint,
    carts_counted_at          timestamptz,
    -- When the run looked for reminded carts that were completed (src/pg/store/recoveries.cpp):
    -- the next run looks at completions from an hour before it.
    recoveries_checked_at     timestamptz
);
CREATE INDEX runs_complete_scan_idx ON cart_abandon.runs (scan_key, scan_from) WHERE status = 'succeeded';
CREATE INDEX runs_carts_counted_idx ON cart_abandon.runs (id) WHERE carts_counted_at IS NOT NULL;
CREATE INDEX runs_started_by_idx ON cart_abandon.runs (started_by, id);
CREATE INDEX runs_recoveries_checked_idx ON cart_abandon.runs (recoveries_checked_at) WHERE recoveries_checked_at IS NOT NULL;

-- Carts completed after cart_abandon reminded them (recovered), recorded by each run so that
-- cart_abandon_stats() reads these rows instead of looking up every reminded cart per call.
-- value: the live items' subtotal at completion, in the cart's currency (lower case, as Medusa
-- writes it); NULL for a cart without live items.
CREATE TABLE cart_abandon.recovered_carts (
    cart_id       text        PRIMARY KEY,
    completed_at  timestamptz NOT NULL,
    currency_code text        NOT NULL,
    value         numeric,
    recorded_at   timestamptz NOT NULL DEFAULT now()
);

-- Status webhooks that named no recorded message when they arrived: their send's answer not yet
-- recorded (Meta often reports within a second, while the batch still sends), or a message of
-- another system on the same number. Kept, never dropped, and applied once their ledger row is
-- recorded (src/pg/store/kept_statuses.cpp); those still unmatched after 7 days (Meta's retry window)
-- are deleted by a run. One row per status as the webhook carried it.
CREATE TABLE cart_abandon.kept_statuses (
    id             bigserial   PRIMARY KEY,
    channel        text        NOT NULL,
    provider_message_id text   NOT NULL,
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
CREATE UNIQUE INDEX kept_statuses_once_idx ON cart_abandon.kept_statuses (channel, provider_message_id, status, at);
CREATE INDEX kept_statuses_delivery_idx ON cart_abandon.kept_statuses (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX kept_statuses_received_idx ON cart_abandon.kept_statuses (received_at);

-- The rows are the shop's data: keep them in pg_dump output.
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.deliveries', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.deliveries_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.opt_outs', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.runs', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.channel_status', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.runs_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.whatsapp_preferences', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.recovered_carts', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.restricted_countries', '');  -- part 5
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.template_status', '');  -- part 5

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
-- Erased people stay erased whoever writes afterwards: sql/parts/erasure.sql (its triggers' functions
-- are in sql/functions/).
