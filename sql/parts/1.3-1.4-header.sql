-- cart_abandon 1.3 -> 1.4: cart_abandon_daily(days), the figures per day (the Medusa admin page's
-- chart, Grafana). No table changes. Assembled by make from the function parts: edit those.
\echo Use "ALTER EXTENSION cart_abandon UPDATE TO '1.4'" to load this file. \quit
