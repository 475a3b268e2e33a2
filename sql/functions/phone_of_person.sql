-- part 5: the number of a person Meta named by wa_id, or by business-scoped user id alone (the
-- number of the latest message whose status carried that user id); NULL when neither is known.
CREATE OR REPLACE FUNCTION cart_abandon.phone_of_person(wa_id text, user_id text) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT CASE WHEN nullif(phone_of_person.wa_id, '') IS NOT NULL
                THEN cart_abandon.phone_of_wa_id(phone_of_person.wa_id)
                ELSE (SELECT d.recipient FROM cart_abandon.deliveries d
                       WHERE d.user_id = nullif(phone_of_person.user_id, '') AND d.recipient IS NOT NULL
                       ORDER BY d.id DESC LIMIT 1) END
$$;
