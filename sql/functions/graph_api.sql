-- The Graph API version of cart_abandon.whatsapp_api_url and how long Meta serves it:
-- {"version", "served_until", "served_at_least_until", "served_at_most_until", "days_left",
-- "expiring"} (src/core/graph_versions.cpp holds Meta's table).
CREATE OR REPLACE FUNCTION cart_abandon.graph_api() RETURNS jsonb
AS 'MODULE_PATHNAME', 'cart_abandon_graph_api' LANGUAGE C STABLE;
