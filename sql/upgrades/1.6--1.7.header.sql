-- cart_abandon 1.6 -> 1.7: one engine, many channels (the ledger speaks of recipients and provider
-- message ids, not of WhatsApp's numbers and wamids).
-- Built by make from this header and the files sql/upgrades/1.6--1.7.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.7'" to load this file. \quit
