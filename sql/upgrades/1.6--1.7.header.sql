-- cart_abandon 1.6 -> 1.7: one engine, many channels (the ledger speaks of recipients and provider
-- message ids, not of WhatsApp's numbers and wamids).
-- Built by make from this header and the files sql/upgrades/1.6--1.7.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.7'" to load this file. \quit

-- The ledger names whom a channel addresses and the provider's ids, whatever the channel: renamed
-- in place (no row is rewritten; indexes, constraints and the trigger's condition follow).
ALTER TABLE cart_abandon.deliveries RENAME COLUMN phone TO recipient;
ALTER TABLE cart_abandon.deliveries RENAME COLUMN wamid TO provider_message_id;
ALTER TABLE cart_abandon.deliveries RENAME COLUMN wa_id TO provider_recipient_id;
ALTER TABLE cart_abandon.deliveries RENAME CONSTRAINT deliveries_sent_has_wamid TO deliveries_sent_has_provider_id;
ALTER INDEX cart_abandon.deliveries_contact_phone_idx RENAME TO deliveries_contact_recipient_idx;
ALTER INDEX cart_abandon.deliveries_wamid_idx RENAME TO deliveries_provider_message_id_idx;
ALTER INDEX cart_abandon.deliveries_contact_wa_id_idx RENAME TO deliveries_contact_provider_recipient_idx;
ALTER TABLE cart_abandon.kept_statuses RENAME COLUMN wamid TO provider_message_id;

-- Opt-outs are keyed by the kind of address and the address: 1.6's are numbers.
ALTER TABLE cart_abandon.opt_outs RENAME COLUMN phone TO address;
ALTER TABLE cart_abandon.opt_outs ADD COLUMN kind text NOT NULL DEFAULT 'phone' CHECK (kind IN ('phone', 'email'));
ALTER TABLE cart_abandon.opt_outs DROP CONSTRAINT opt_outs_pkey, ADD CONSTRAINT opt_outs_pkey PRIMARY KEY (kind, address);
ALTER TABLE cart_abandon.opt_outs DROP CONSTRAINT opt_outs_phone_check,
    ADD CONSTRAINT opt_outs_address_check CHECK (CASE kind WHEN 'phone' THEN address ~ '^\+[1-9][0-9]{6,14}$'
                                                         ELSE address ~ '^[^@\s]+@[^@\s]+$' AND address = lower(address) END);

-- The erasure trigger on opt-outs reads the address (sql/parts/erasure.sql; its function is
-- replaced below, as is the ledger trigger's, whose condition follows the renamed columns).
DROP TRIGGER opt_outs_keep_erased ON cart_abandon.opt_outs;
CREATE TRIGGER opt_outs_keep_erased BEFORE INSERT OR UPDATE ON cart_abandon.opt_outs FOR EACH ROW
    EXECUTE FUNCTION cart_abandon.keep_erased_number_out('address');

-- cart_abandon_run answers its run id through an INOUT parameter, which CREATE OR REPLACE cannot
-- add: 1.6's procedure goes, functions/cart_abandon_run.sql creates 1.7's and parts/privileges.sql
-- grants it to cart_abandon_operator. EXECUTE granted on 1.6's to other roles goes with it: copied
-- here, it would count as the extension's initial privilege and outlive its role in pg_init_privs.
-- A pg_cron job's command is text naming the procedure and its options: it calls 1.7's.
DROP PROCEDURE cart_abandon_run(jsonb);
