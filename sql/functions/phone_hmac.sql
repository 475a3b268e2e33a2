-- HMAC-SHA256 of an E.164 number under this database's erasure key: how the numbers of erased
-- people are kept. NULL before the first erasure made the key.
CREATE OR REPLACE FUNCTION cart_abandon.phone_hmac(phone text) RETURNS bytea
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT cart_abandon.hmac_sha256(k.key, convert_to(phone, 'UTF8')) FROM cart_abandon.erasure_key k
$$;
