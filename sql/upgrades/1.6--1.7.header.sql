-- cart_abandon 1.6 -> 1.7: one engine, many channels (the ledger speaks of recipients and provider
-- message ids, not of WhatsApp's numbers and wamids).
-- Built by make from this header and the files sql/upgrades/1.6--1.7.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.7'" to load this file. \quit

-- cart_abandon_run answers its run id through an INOUT parameter, which CREATE OR REPLACE cannot
-- add: 1.6's procedure goes, functions/cart_abandon_run.sql creates 1.7's and parts/privileges.sql
-- grants it to cart_abandon_operator. EXECUTE granted on 1.6's to other roles goes with it: copied
-- here, it would count as the extension's initial privilege and outlive its role in pg_init_privs.
-- A pg_cron job's command is text naming the procedure and its options: it calls 1.7's.
DROP PROCEDURE cart_abandon_run(jsonb);
