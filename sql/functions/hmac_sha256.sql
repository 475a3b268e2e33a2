-- HMAC-SHA256 (RFC 2104, OpenSSL: src/core/keyed_hash.cpp) of data under key.
CREATE OR REPLACE FUNCTION cart_abandon.hmac_sha256(key bytea, data bytea) RETURNS bytea
AS 'MODULE_PATHNAME', 'cart_abandon_hmac_sha256' LANGUAGE C IMMUTABLE STRICT;
