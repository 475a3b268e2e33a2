-- Trigger function (sql/parts/erasure.sql): a ledger row that names no recipient never gains the
-- provider's id of one (only erasure leaves a row that reached the provider without one).
CREATE OR REPLACE FUNCTION cart_abandon.deliveries_keep_erased() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    NEW.provider_recipient_id := NULL;
    RETURN NEW;
END
$$;
