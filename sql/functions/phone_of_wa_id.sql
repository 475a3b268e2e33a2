-- The number a WhatsApp user (wa_id) is reached at: the one cart_abandon last sent to under that
-- wa_id, else the wa_id's digits (they are the E.164 number but in Brazil and Mexico).
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_wa_id(wa_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce((SELECT d.recipient FROM cart_abandon.deliveries d
                      WHERE d.provider_recipient_id = phone_of_wa_id.wa_id AND d.recipient IS NOT NULL
                        AND d.status IN ('claimed', 'sent', 'unknown')
                      ORDER BY d.id DESC LIMIT 1), '+' || wa_id)
$$;
