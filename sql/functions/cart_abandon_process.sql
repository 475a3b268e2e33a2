CREATE OR REPLACE FUNCTION cart_abandon_process(
    batch_size integer DEFAULT 100, cursor text DEFAULT NULL, options jsonb DEFAULT '{}')
RETURNS TABLE (cart_id text, stage integer, action text, detail text, next_cursor text)
AS 'MODULE_PATHNAME', 'cart_abandon_process' LANGUAGE C VOLATILE
-- SECURITY DEFINER: it reads Medusa's tables and the token, and writes the ledger and cart
-- metadata, for an operator who may do none of that directly. search_path pinned: nothing the
-- caller creates can stand in for what its queries name.
SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off;

COMMENT ON FUNCTION cart_abandon_process(integer, text, jsonb) IS
'Processes one batch of due carts after the cursor, in the caller''s transaction; one row per cart examined.';
