-- cart_abandon 1.5 -> 1.6: trust across the seams (webhook statuses that arrive before their send
-- is recorded are kept and applied; failover; Meta's newer limits).
-- Assembled by make from this header and the function parts: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.6'" to load this file. \quit

-- part 4: already bought, already gone
-- Erasure (issue 19 part 4): customers Medusa soft-deleted are never messaged again. Their numbers
-- are kept only as HMAC-SHA256 under a key of this database (src/pg/erasure.cpp): the key's inner
-- and outer pads, one row made by the first erasure, readable by the extension's owner only (no
-- grant); customers_checked_at: deleted customers were looked for up to then.
CREATE TABLE cart_abandon.erasure_key (
    one                  boolean     PRIMARY KEY DEFAULT true CHECK (one),
    inner_pad            bytea       NOT NULL CHECK (length(inner_pad) = 64),
    outer_pad            bytea       NOT NULL CHECK (length(outer_pad) = 64),
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
