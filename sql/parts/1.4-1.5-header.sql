-- cart_abandon 1.4 -> 1.5: statements over Medusa's tables run as their owner, never as a
-- superuser; the ledger records outcomes without waiting for a shopper, and cart metadata
-- follows as a mirror (metadata_pending_since); 131050 opt-outs are marked before they are made.
-- Assembled by make from this header, the function parts and the trailer: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.5'" to load this file. \quit

ALTER TABLE cart_abandon.deliveries
    ADD COLUMN metadata_pending_since timestamptz,
    ADD COLUMN metadata_error         text,
    ADD COLUMN metadata_write_error   text,
    ADD COLUMN opt_out_pending        boolean NOT NULL DEFAULT false;
CREATE INDEX deliveries_metadata_pending_idx ON cart_abandon.deliveries (id) WHERE metadata_pending_since IS NOT NULL;
CREATE INDEX deliveries_opt_out_pending_idx ON cart_abandon.deliveries (id) WHERE opt_out_pending;

-- 1.4 wrote cart metadata in the statements that ran these, as the extension's owner; the library
-- now does it as the owner of Medusa's tables (src/pg/cart_metadata.cpp, src/pg/recoveries.cpp).
DROP FUNCTION cart_abandon.merge_notifications(jsonb, jsonb);
DROP FUNCTION cart_abandon.stage_open(text, integer, timestamptz, text, timestamptz, timestamptz, integer, timestamptz,
                                      boolean);
DROP FUNCTION cart_abandon.record_recoveries(bigint, text);

