-- cart_abandon 1.0 -> 1.1: the decision rules of 1.1 (activity, purchases, one voice per person,
-- the previous system's reminders, re-examined skips, quiet hours, consent). Assembled by make
-- from sql/parts/1.0-1.1-tables.sql and sql/parts/1.1-functions.sql: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.1'" to load this file. \quit

