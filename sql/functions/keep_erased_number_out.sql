-- Trigger function (sql/parts/erasure.sql): no opt-out or preference row is kept for an erased
-- number (cart_abandon.erased_phones keeps it unmessaged already). The row's number: an opt-out's
-- address when it is a number (TG_ARGV[0] 'address'), or the digits of a wa_id ('wa_id': the
-- number but in Brazil and Mexico). SECURITY DEFINER: the operator adds opt-outs, and only the
-- extension's owner reads the key and the hashes.
CREATE OR REPLACE FUNCTION cart_abandon.keep_erased_number_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cart_abandon.erased_phones e
                WHERE e.phone_hmac = cart_abandon.phone_hmac(
                          CASE TG_ARGV[0] WHEN 'address' THEN CASE WHEN to_jsonb(NEW) ->> 'kind' = 'phone'
                                                                   THEN to_jsonb(NEW) ->> 'address' END
                                          ELSE '+' || (to_jsonb(NEW) ->> 'wa_id') END)) THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END
$$;
