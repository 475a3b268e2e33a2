-- cart_abandon 1.6: abandoned-cart WhatsApp reminders for Medusa v2, inside PostgreSQL.
-- Assembled by make from sql/parts/ (header, tables, functions, stats, daily, indexes, privileges): edit those, not this file.
\echo Use "CREATE EXTENSION cart_abandon" to load this file. \quit

