-- cart_abandon 1.7: abandoned-cart WhatsApp reminders for Medusa v2, inside PostgreSQL.
-- Built by make from sql/parts/ and sql/functions/ (the Makefile gives the order): edit those, not this file.
\echo Use "CREATE EXTENSION cart_abandon" to load this file. \quit

