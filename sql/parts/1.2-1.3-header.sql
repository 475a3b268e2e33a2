-- cart_abandon 1.2 -> 1.3: no footgun at scale (the recommended indexes checked, the stats'
-- cart figures counted by the run, scheduled runs recognised). Assembled by make from
-- sql/parts/1.2-1.3-tables.sql and the function parts: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.3'" to load this file. \quit

