-- cart_abandon 1.7 -> 1.8: SMS beside WhatsApp and email; a stage's fallback to the next channel;
-- the shop's own wording per channel, stage and language.
-- Built by make from this header and the files sql/upgrades/1.7--1.8.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.8'" to load this file. \quit

-- SMS (Twilio) joins the channels a ledger row and a channel's status can be on. Every row
-- already there passes the wider lists.
ALTER TABLE cart_abandon.deliveries DROP CONSTRAINT deliveries_channel_check,
    ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('whatsapp', 'email', 'sms'));
ALTER TABLE cart_abandon.channel_status DROP CONSTRAINT channel_status_channel_check,
    ADD CONSTRAINT channel_status_channel_check CHECK (channel IN ('whatsapp', 'email', 'sms'));

-- A stage falls back to the next channel once: the row it stands in for (NULL on every 1.7 row).
ALTER TABLE cart_abandon.deliveries ADD COLUMN fallback_of bigint;
