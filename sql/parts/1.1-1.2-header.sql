-- cart_abandon 1.1 -> 1.2: Meta's truth (configuration errors pause the channel, status and
-- opt-out webhooks, uncertain claims settled). Assembled by make from
-- sql/parts/1.1-1.2-tables.sql and sql/parts/functions.sql: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.2'" to load this file. \quit

