-- cart_abandon 1.8 -> 1.9: Twilio's webhooks (SMS status callbacks, STOP and START); the stats
-- by channel.
-- Built by make from this header and the files sql/upgrades/1.8--1.9.list names: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.9'" to load this file. \quit
