-- Whom cart_abandon.max_per_second holds for: 'sending_number', every caller of the cluster
-- together (the library is preloaded: the limit lives in shared memory), or 'call', each call
-- alone (concurrent calls add up).
CREATE OR REPLACE FUNCTION cart_abandon.rate_limit_scope() RETURNS text
AS 'MODULE_PATHNAME', 'cart_abandon_rate_limit_scope' LANGUAGE C STABLE;
