-- cart_abandon 1.1: abandoned-cart WhatsApp reminders for Medusa v2, inside PostgreSQL.
-- Assembled by make from sql/parts/1.1-*.sql: edit those, not this file.
\echo Use "CREATE EXTENSION cart_abandon" to load this file. \quit

