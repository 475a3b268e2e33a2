-- cart_abandon 1.5 -> 1.6: trust across the seams (webhook statuses that arrive before their send
-- is recorded are kept and applied; failover; Meta's newer limits).
-- Assembled by make from this header and the function parts: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.6'" to load this file. \quit

-- part 2: silence is no proof; unknown claims are no longer looked up for reconcile_after.
DROP INDEX cart_abandon.deliveries_uncertain_idx;

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
    received_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX kept_statuses_wamid_idx ON cart_abandon.kept_statuses (wamid);
CREATE INDEX kept_statuses_delivery_idx ON cart_abandon.kept_statuses (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX kept_statuses_received_idx ON cart_abandon.kept_statuses (received_at);

SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses', '');
SELECT pg_catalog.pg_extension_config_dump('cart_abandon.kept_statuses_id_seq', '');

