
-- The indexes that make the hourly scan follow the carts active inside the max-age window, not
-- every cart ever made, a cart's removed items a lookup, and the reading of recent purchases and
-- of deleted customers a range scan: name, Medusa table, and definition as pg_get_indexdef prints
-- it after the table.
-- One list both creates them (cart_abandon_recommended_indexes) and finds them missing
-- (cart_abandon.missing_indexes), so the two cannot drift apart.
CREATE OR REPLACE FUNCTION cart_abandon.recommended_index_list(
    OUT name text, OUT table_name text, OUT definition text) RETURNS SETOF record
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, pg_temp AS $$
    VALUES
        ('cart_abandon_open_cart_activity', 'cart',
         'USING btree (updated_at) WHERE ((deleted_at IS NULL) AND (completed_at IS NULL))'),
        -- Every change to an item or shipping method, removals included (1.0's indexes on
        -- greatest(created_at, updated_at) are no longer used: drop them once these exist).
        ('cart_abandon_line_item_changes', 'cart_line_item',
         'USING btree (GREATEST(created_at, updated_at, deleted_at), cart_id)'),
        ('cart_abandon_shipping_changes', 'cart_shipping_method',
         'USING btree (GREATEST(created_at, updated_at, deleted_at), cart_id)'),
        -- A cart's removed items and shipping methods, by cart (Medusa's cart_id indexes hold
        -- live rows only).
        ('cart_abandon_line_item_removed', 'cart_line_item', 'USING btree (cart_id) WHERE (deleted_at IS NOT NULL)'),
        ('cart_abandon_shipping_removed', 'cart_shipping_method', 'USING btree (cart_id) WHERE (deleted_at IS NOT NULL)'),
        -- Changed addresses and customers lift skips for want of a phone or of consent.
        ('cart_abandon_cart_address_changes', 'cart_address', 'USING btree (updated_at)'),
        ('cart_abandon_customer_changes', 'customer', 'USING btree (updated_at)'),
        -- Each run looks for customers Medusa deleted since its last look (erasure), in
        -- (deleted_at, id) order: Medusa's own index on deleted_at holds the live ones only.
        ('cart_abandon_customer_deleted', 'customer', 'USING btree (deleted_at, id) WHERE (deleted_at IS NOT NULL)'),
        -- A run reads the purchases since the max-age window began, once (1.0's per-cart
        -- indexes cart_abandon_completed_by_email and _by_customer are no longer used). An order
        -- without a cart counts from its updated_at (a converted draft: src/pg/store/purchases.cpp), so
        -- orders are read by their latest time (1.5's cart_abandon_order_created is no longer used).
        ('cart_abandon_completed', 'cart', 'USING btree (completed_at) WHERE (completed_at IS NOT NULL)'),
        ('cart_abandon_order_changes', 'order', 'USING btree (GREATEST(created_at, updated_at))')
$$;

-- The recommended indexes missing from the Medusa schema, by name, in the list's order. An index
-- counts by its definition (table, columns or expressions, predicate), whatever its name, once
-- valid: one a shop made under its own name serves as well, and one a failed CREATE INDEX
-- CONCURRENTLY left invalid does not. A catalog lookup: cheap enough for every run and stats call.
CREATE OR REPLACE FUNCTION cart_abandon.missing_indexes(schema_name text) RETURNS text[]
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    WITH recommended AS (
        SELECT r.name, r.definition, r.n,
               pg_catalog.to_regclass(quote_ident(schema_name) || '.' || quote_ident(r.table_name)) AS table_oid
          FROM cart_abandon.recommended_index_list() WITH ORDINALITY AS r(name, table_name, definition, n)),
    -- Each valid index of those tables deparsed once (the first call in a session reads the catalog).
    present AS MATERIALIZED (
        SELECT i.indrelid, substr(d.def, strpos(d.def, ' USING ') + 1) AS definition
          FROM pg_catalog.pg_index i
         CROSS JOIN LATERAL (SELECT pg_catalog.pg_get_indexdef(i.indexrelid) AS def) d
         WHERE i.indisvalid AND i.indrelid IN (SELECT table_oid FROM recommended))
    SELECT coalesce(array_agg(r.name ORDER BY r.n), '{}')
      FROM recommended r
     WHERE NOT EXISTS (SELECT 1 FROM present p WHERE p.indrelid = r.table_oid AND p.definition = r.definition)
$$;

-- Returned as statements to run one by one outside a transaction (CONCURRENTLY: no lock that
-- stops Medusa's writes; an extension script or function cannot run them):
-- SELECT * FROM cart_abandon_recommended_indexes() \gexec
CREATE OR REPLACE FUNCTION cart_abandon_recommended_indexes() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off AS $$
    SELECT statement FROM (
        SELECT format('CREATE INDEX CONCURRENTLY IF NOT EXISTS %I ON %s.%I %s', r.name,
                      quote_ident((cart_abandon.effective_settings()).medusa_schema), r.table_name, r.definition),
               r.n
          FROM cart_abandon.recommended_index_list() WITH ORDINALITY AS r(name, table_name, definition, n)
        UNION ALL
        -- The planner estimates a time range on an expression only from the statistics of a
        -- non-partial index on it, gathered by the next ANALYZE: without them it guesses a third
        -- of the table and scans every cart.
        SELECT format('ANALYZE %1$s.cart_line_item, %1$s.cart_shipping_method, %1$s."order"',
                      quote_ident((cart_abandon.effective_settings()).medusa_schema)), 1000
    ) s(statement, n)
     ORDER BY n
$$;
